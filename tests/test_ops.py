"""Operations: the store of what was ingested, partitions by year, the schedule, the sensor, the
definitions the UI loads, and incremental runs through Dagster."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import polars as pl
import pytest

from assets import checks
from assets.definitions import INDEX_JOB, PUBLISH_JOB, REFRESH_JOB, YEAR_JOB, build
from assets.partitions import GROUP_INGEST, GROUP_PARSE, GROUP_VALIDATE, GROUP_WAREHOUSE, YEARS
from assets.resources import GongkaiPaths
from assets.runs import Outcome, run_all
from pipelines.incremental import (UNDATED, Store, apply_versions, changes, list_files, partition_of, pending,
                                   year_partitions)
from pipelines.parse_all import parse_chunk, parse_to_segments
from pipelines.warehouse import query

from .conftest import SAMPLES_DIR
from .expected_samples import SAMPLES

FIRST, SECOND = sorted(SAMPLES)[:2]
UTC = ZoneInfo("UTC")


def _copy_samples(raw: Path, names=SAMPLES) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES_DIR / name, raw / name)
    return raw


def _as_year(path: Path, year: int) -> None:
    """Rewrite a sample's title (and only its title) to another report year: new bytes, same tables."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    path.write_text(head.replace("2020年", f"{year}年") + "\n" + rest, encoding="utf-8")


def _ingest(store: Store, raw: Path, now: datetime | None = None) -> dict:
    index = store.index(raw, workers=1)
    return {p: store.ingest(index, p, workers=1, now=now) for p in changes(index, store.catalog()).partitions}


# --- partitions --------------------------------------------------------------------------------------


def test_partitions_are_report_years_and_undated():
    keys = year_partitions(2025)
    assert keys[0] == "2008" and keys[-2:] == ["2025", UNDATED]
    assert partition_of(2020, 2025) == "2020"
    assert partition_of(None, 2025) == partition_of(2031, 2025) == partition_of(1999, 2025) == UNDATED
    assert set(YEARS.get_partition_keys()) == set(year_partitions())


# --- the store ---------------------------------------------------------------------------------------


def test_bytes_seen_before_are_not_parsed_again(tmp_path):
    raw = _copy_samples(tmp_path / "raw")
    store = Store(tmp_path / "state")
    first = _ingest(store, raw)
    assert {p: r.parsed for p, r in first.items()} == {"2020": 5}
    frames = store.frames("2020")
    assert frames.reports.height == 5 and frames.facts.collect().height == 5 * 198
    catalog_before = store.catalog_path.stat().st_mtime_ns
    index = store.index(raw, workers=1)
    assert changes(index, store.catalog()).empty and index["parsed"].all()
    again = store.ingest(index, "2020", workers=1)
    assert again.parsed == 0 and not again.changed
    assert store.catalog_path.stat().st_mtime_ns == catalog_before, "a rerun with nothing new writes nothing"
    assert store.frames("2020").reports.equals(frames.reports)


def test_same_bytes_under_two_paths_are_parsed_once(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST])
    shutil.copy(raw / FIRST, raw / "copy.txt")
    store = Store(tmp_path / "state")
    assert _ingest(store, raw)["2020"].parsed == 1
    reports = store.frames("2020").reports.sort("source_file")
    assert reports["source_file"].to_list() == [FIRST, "copy.txt"]
    assert reports["duplicate_of"].to_list() == [None, FIRST]
    assert reports["n_cells"].to_list() == [198, 0]
    assert store.frames("2020").facts.collect().height == 198, "the cells of the bytes, once"


def test_a_changed_file_supersedes_its_earlier_version_and_keeps_it(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST, SECOND])
    store = Store(tmp_path / "state")
    t1, t2, t3 = (datetime(2025, 2, d, tzinfo=UTC) for d in (1, 2, 3))
    _ingest(store, raw, t1)
    old_id = store.frames("2020").reports.filter(pl.col("source_file") == FIRST)["report_id"].item()
    _as_year(raw / FIRST, 2021)  # the body republished it under another year
    plan = changes(store.index(raw, workers=1), store.catalog())
    assert plan.partitions == ["2020", "2021"], "the year it leaves and the year it joins"
    ran = _ingest(store, raw, t2)
    assert ran["2021"].parsed == 1 and ran["2020"].parsed == 0
    old = store.frames("2020").reports.filter(pl.col("source_file") == FIRST)
    new = store.frames("2021").reports.filter(pl.col("source_file") == FIRST)
    assert old["report_id"].item() == old_id and old["superseded_at"].item() == t2
    assert old["superseded_by"].item() == new["report_id"].item() and new["superseded_by"].item() is None
    assert store.frames("2020").facts.filter(pl.col("report_id") == old_id).collect().height == 198, \
        "the superseded version keeps its facts"
    # Back to the first bytes: that version is current again, and the second one superseded.
    shutil.copy(SAMPLES_DIR / FIRST, raw / FIRST)
    ran = _ingest(store, raw, t3)
    assert all(r.parsed == 0 for r in ran.values()), "both versions were parsed before"
    catalog = store.catalog().filter(pl.col("source_file") == FIRST).sort("ingested_at")
    assert catalog["superseded_by"].to_list() == [None, old_id]
    assert catalog["superseded_at"].to_list() == [None, t3]


def test_apply_versions_keeps_one_current_version_a_path():
    t = datetime(2025, 1, 1, tzinfo=UTC)
    files = pl.DataFrame({"source_file": ["a", "b"], "sha256": ["1" * 64, "2" * 64], "report_id": ["1" * 16, "2" * 16],
                          "partition": ["2020", "2020"], "size_bytes": [1, 2], "mtime_ns": [1, 2]})
    catalog = apply_versions(Store("/nonexistent").catalog(), files, t)
    changed = files.with_columns(sha256=pl.when(pl.col("source_file") == "a").then(pl.lit("3" * 64))
                                 .otherwise("sha256"))
    changed = changed.with_columns(report_id=pl.col("sha256").str.head(16))
    catalog = apply_versions(catalog, changed, t)
    assert catalog.height == 3
    current = catalog.filter(pl.col("superseded_by").is_null())
    assert sorted(current["sha256"]) == ["2" * 64, "3" * 64]
    assert apply_versions(catalog, changed, t).equals(catalog), "seeing the same files again changes nothing"


def test_a_new_parser_reads_everything_once_more(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST])
    _ingest(Store(tmp_path / "state", version="old"), raw)
    newer = Store(tmp_path / "state", version="new")
    index = newer.index(raw, workers=1)
    assert not index["parsed"].any() and changes(index, newer.catalog()).partitions == ["2020"]
    assert newer.ingest(index, "2020", workers=1).parsed == 1


def test_segments_are_written_by_the_workers_and_progress_counts_files(tmp_path):
    items = [(str(SAMPLES_DIR / n), n) for n in sorted(SAMPLES)] * 60  # 300 files: chunks on two workers
    seen = []
    segments = parse_to_segments(items, tmp_path, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert sum(s.files for s in segments) == 300 and len(segments) == -(-300 // parse_chunk(300, 2)) > 2
    assert len({s.prefix for s in segments}) == len(segments), "chunks of the same files: each its own segment"
    assert seen[-1] == (300, 300) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert pl.read_parquet([s.path("reports") for s in segments]).height == 300
    # Within a segment the same bytes have their cells once (the store parses each sha256 once anyway).
    assert all(pl.read_parquet(s.path("facts")).height == 5 * 198 for s in segments)


def test_pending_files_are_new_or_restated_against_the_catalog(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST, SECOND])
    store = Store(tmp_path / "state")
    assert pending(list_files(raw), store.catalog()).height == 2
    _ingest(store, raw)
    assert pending(list_files(raw), store.catalog()).is_empty()
    os.utime(raw / FIRST, ns=(1, 1))
    restated = pending(list_files(raw), store.catalog())
    assert restated["source_file"].to_list() == [FIRST] and restated["ingested_partition"].to_list() == ["2020"]


# --- Dagster: definitions, schedule, sensor ----------------------------------------------------------


def test_definitions_hold_the_assets_checks_jobs_schedule_and_sensor():
    defs = build()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string(): k for k in graph.get_all_asset_keys()}
    groups = {"raw_file_index": GROUP_INGEST, "raw_report_files": GROUP_INGEST, "parsed_reports": GROUP_PARSE,
              "facts": GROUP_PARSE, "parse_findings": GROUP_PARSE, "findings": GROUP_VALIDATE,
              "warehouse/reports": GROUP_WAREHOUSE, "warehouse/facts": GROUP_WAREHOUSE,
              "warehouse/findings": GROUP_WAREHOUSE}
    for name, group in groups.items():
        assert graph.get(keys[name]).group_name == group, name
    for key in keys.values():
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        # Ingest and parse go year by year (but the index of the whole folder); the warehouse is one file.
        by_year = node.group_name in (GROUP_INGEST, GROUP_PARSE) and key.to_user_string() != "raw_file_index"
        if node.group_name != GROUP_VALIDATE:
            assert (node.partitions_def == YEARS) == by_year, key
    check_names = {c.name for c in graph.asset_check_keys}
    assert {checks.FACTS_SCHEMA, checks.REPORTS_SCHEMA, checks.FINDINGS_SCHEMA, checks.EVERY_FILE_RECORDED,
            *checks.IDENTITY_RULES} <= check_names
    for job in (INDEX_JOB, YEAR_JOB, PUBLISH_JOB, REFRESH_JOB):
        assert defs.resolve_job_def(job)
    assert defs.resolve_schedule_def("yearly_reports").job_name == REFRESH_JOB
    assert defs.resolve_sensor_def("raw_files").job_name == REFRESH_JOB


def test_yearly_schedule_asks_for_the_year_before():
    defs = build()
    schedule = defs.resolve_schedule_def("yearly_reports")
    assert schedule.cron_schedule == "0 3 1 2 *" and schedule.execution_timezone == "Asia/Shanghai"
    with dg.instance_for_test() as instance:
        when = datetime(2025, 2, 1, 3, tzinfo=ZoneInfo("Asia/Shanghai"))
        requests = schedule.evaluate_tick(dg.build_schedule_context(
            instance, scheduled_execution_time=when, repository_def=defs.get_repository_def())).run_requests
    assert [r.partition_key for r in requests] == ["2024"]


def test_sensor_requests_the_years_of_new_and_changed_files(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST, SECOND])
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / "w.duckdb"))
    defs = build(paths)
    sensor = defs.resolve_sensor_def("raw_files")

    def tick(cursor):
        with dg.instance_for_test() as instance:
            context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"paths": paths},
                                              repository_def=defs.get_repository_def())
            return sensor.evaluate_tick(context)

    first = tick(None)
    assert [r.partition_key for r in first.run_requests] == ["2020"]
    assert tick(first.cursor).skip_message, "an unchanged folder asks for nothing"
    assert tick(None).run_requests[0].run_key == first.run_requests[0].run_key, "the same files, the same run key"

    _ingest(Store(paths.state_path), raw)
    assert not tick(first.cursor).run_requests and not tick(None).run_requests, "everything is ingested"

    _as_year(raw / FIRST, 2021)
    (raw / "notice.txt").write_text("关于调整办公时间的通知\n各单位：自即日起……\n", encoding="utf-8")
    changed = tick(first.cursor)
    assert sorted(r.partition_key for r in changed.run_requests) == ["2020", "2021", UNDATED]
    assert changed.cursor != first.cursor


# --- Dagster: incremental runs -----------------------------------------------------------------------


@dataclass
class History:
    """Three `gongkai run`s on one instance: the first ingests, the second finds nothing new, the third
    sees a file republished under another year; then a scheduled run of a year with nothing new."""

    paths: GongkaiPaths
    instance: dg.DagsterInstance
    runs: list[Outcome]
    said: list[str]
    published: list[int]  # the warehouse's mtime after each run
    scheduled: dg.ExecuteInProcessResult


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    tmp = tmp_path_factory.mktemp("history")
    raw = _copy_samples(tmp / "raw", [FIRST, SECOND])
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp / "w.duckdb"))
    instance = dg.DagsterInstance.ephemeral()
    said: list[str] = []
    runs, published = [], []
    for change in (None, None, lambda: _as_year(raw / FIRST, 2021)):
        if change:
            change()
        runs.append(run_all(paths, instance, say=said.append))
        published.append(Path(paths.warehouse).stat().st_mtime_ns)
    scheduled = build(paths).resolve_job_def(REFRESH_JOB).execute_in_process(instance=instance, partition_key="2021")
    return History(paths, instance, runs, said, published, scheduled)


def _logs(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> list[str]:
    return [entry.user_message for entry in instance.all_logs(result.run_id)]


def _materialised(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_runs_ingest_the_years_with_something_new(history):
    first, again, changed = history.runs
    assert first.success and first.years == ["2020"] and first.published
    assert {"parsed_reports", "facts", "warehouse/facts"} <= set().union(*map(_materialised, first.results))
    assert changed.success and changed.years == ["2020", "2021"], "the year the file leaves and the one it joins"


def test_a_rerun_with_nothing_new_runs_and_writes_nothing(history):
    again = history.runs[1]
    assert again.success and again.years == [] and not again.results and not again.published
    assert history.published[1] == history.published[0], "the warehouse is not rewritten"
    assert any("nothing new" in line for line in history.said)


def test_a_changed_file_is_superseded_in_the_warehouse_and_keeps_its_facts(history):
    reports = query(history.paths.warehouse,
                    "SELECT source_file, year, superseded_by FROM reports ORDER BY year, source_file")
    assert reports.select("source_file", "year").rows() == [(FIRST, 2020), (SECOND, 2020), (FIRST, 2021)]
    new_id = query(history.paths.warehouse, "SELECT report_id FROM reports WHERE year = 2021")["report_id"].item()
    assert reports["superseded_by"].to_list() == [new_id, None, None]
    facts_by_year = query(history.paths.warehouse, """
        SELECT r.year, count(*) AS n FROM facts f JOIN reports r USING (report_id) GROUP BY ALL ORDER BY 1""").rows()
    assert facts_by_year == [(2020, 2 * 198), (2021, 198)]
    stored = Path(history.paths.state_path) / "assets" / "facts"
    assert sorted(p.name for p in stored.glob("*.parquet")) == ["2020.parquet", "2021.parquet"]


def test_a_scheduled_run_of_an_unchanged_year_materialises_nothing_after_the_parse(history):
    scheduled = history.scheduled
    assert scheduled.success and _materialised(scheduled) == {"raw_file_index", "raw_report_files"}
    assert Path(history.paths.warehouse).stat().st_mtime_ns == history.published[-1]
    assert any("nothing new since the year was last done" in m for m in _logs(history.instance, scheduled))


def test_a_run_says_how_its_new_files_are_parsed_before_its_years_run(history):
    # The third run's lines: after the second's "nothing new".
    said = history.said[max(i for i, line in enumerate(history.said) if "nothing new" in line) + 1:]
    parsed = next(i for i, line in enumerate(said) if line.startswith("parsed 1/1 new files"))
    assert parsed < next(i for i, line in enumerate(said) if line.startswith("ingest_year 2021: done"))


def test_a_dagster_run_logs_the_parse_of_new_files_in_its_index_step(tmp_path):
    raw = _copy_samples(tmp_path / "raw", [FIRST])
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / "w.duckdb"))
    with dg.instance_for_test() as instance:
        result = build(paths).resolve_job_def(REFRESH_JOB).execute_in_process(instance=instance, partition_key="2020")
        assert result.success
        index_step = [e.user_message for e in instance.all_logs(result.run_id) if e.step_key == "raw_file_index"]
    assert any(m.startswith("parsed 1/1 new files") for m in index_step)
