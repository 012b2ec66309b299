"""A year's findings and facts schema check, found by the workers that parsed its reports, are what a
pass over the whole year finds; and the code that finds them is part of the segments' fingerprint."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl

from pipelines import incremental, parse_all
from pipelines.corpus import Spec, generate
from pipelines.incremental import Store, code_version
from pipelines.validate import facts_failures, report_findings

from .conftest import ROOT, SAMPLES_DIR


def _store_of(raw: Path, state: Path, workers: int = 1) -> tuple[Store, pl.DataFrame]:
    store = Store(state)
    index = store.index(raw, workers=workers, parse=True)
    for partition in index["partition"].unique():
        store.ingest(index, partition, workers=workers)
    return store, index


def _small_corpus(tmp_path: Path) -> Path:
    # Several layouts, both form versions, a tenth of the reports with a total off: findings of every kind.
    generate(tmp_path / "corpus", Spec(40, 3, encodings=("spaced_text", "html_tables", "flattened", "tab_rows")))
    raw = tmp_path / "corpus" / "raw"
    for sample in sorted(SAMPLES_DIR.glob("*.txt"))[:3]:
        shutil.copy(sample, raw / sample.name)
    return raw


def test_the_findings_the_workers_found_are_those_of_the_whole_year(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_all, "PARSE_CHUNK", 5)  # many segments a year, each checked on its own
    store, index = _store_of(_small_corpus(tmp_path), tmp_path / "state", workers=2)
    assert index["partition"].n_unique() > 1
    found_any = 0
    for partition in index["partition"].unique():
        frames = store.frames(partition)
        whole_year = report_findings(frames.reports, frames.facts, frames.parse_findings.collect())
        gathered = store.report_findings(partition, frames.reports["report_id"])
        assert gathered.equals(whole_year), partition
        found_any += gathered.height
    assert found_any > 0


def test_a_facts_schema_failure_found_by_a_worker_points_at_the_row_of_the_year(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for sample in sorted(SAMPLES_DIR.glob("*.txt")):
        shutil.copy(sample, raw / sample.name)
    real = parse_all.facts_frame

    def broken(reports):  # a parser that writes an unknown unit on the first cell of every report
        frame = real(reports)
        first = pl.col("report_id").cum_count().over("report_id") == 1
        return frame.with_columns(unit=pl.when(first).then(pl.lit("斤")).otherwise(pl.col("unit")))

    monkeypatch.setattr(parse_all, "facts_frame", broken)
    monkeypatch.setattr(parse_all, "PARSE_CHUNK", 2)  # several segments a year: rows are counted across them
    store, index = _store_of(raw, tmp_path / "state")
    partition = index["partition"].mode()[0]
    frames = store.frames(partition)
    failures, rows = store.facts_failures(partition)
    expected = facts_failures(frames.facts, frames.reports)
    assert expected is not None and failures is not None
    assert rows == frames.facts.select(pl.len()).collect().item()
    unit = failures.filter(pl.col("column") == "unit")
    assert unit.height == frames.reports["report_id"].n_unique() - frames.reports.filter(pl.col("n_cells") == 0).height
    assert unit.select("failure_case", "index").equals(
        expected.filter(pl.col("column") == "unit").select("failure_case", pl.col("index").cast(pl.Int64)))
    facts = frames.facts.collect()
    assert facts[unit["index"].to_list()]["unit"].unique().to_list() == ["斤"]


def test_the_code_that_checks_a_segment_is_part_of_its_fingerprint(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    for folder in ("pipelines", "schemas"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(incremental, "_ROOT", tree)
    before = code_version()
    for name, changes in (("marts.py", False), ("identities.py", True), ("validate.py", True)):
        path = tree / "pipelines" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        assert (code_version() != before) is changes, name
        before = code_version()


def test_two_clean_runs_store_every_table_in_the_same_order(tmp_path):
    import dagster as dg

    from assets.resources import GongkaiPaths
    from assets.runs import run_all
    from pipelines.snapshot import ordered_digests

    raw = _small_corpus(tmp_path)
    digests = []
    for name in ("a", "b"):
        paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / name / "w.duckdb"))
        assert run_all(paths, dg.DagsterInstance.ephemeral(), say=lambda _: None).success
        digests.append(ordered_digests(paths.warehouse))
    assert digests[0]["facts"][0] > 0 and digests[0]["findings"][0] > 0
    assert digests[0] == digests[1]


def test_workers_follow_the_cores_allowed_or_the_variable_and_chunks_keep_every_worker_busy(monkeypatch):
    monkeypatch.delenv(parse_all.WORKERS_ENV, raising=False)
    assert parse_all.cores() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(parse_all.WORKERS_ENV, "3")
    assert parse_all.cores() == 3 and parse_all.workers_for(10_000, chunk=parse_all.parse_chunk(10_000)) == 3
    assert parse_all.parse_chunk(100_000) == parse_all.PARSE_CHUNK, "a large run: the largest chunks"
    assert parse_all.parse_chunk(600) == 50, "a small one: four chunks a worker"
    assert parse_all.parse_chunk(20) == parse_all.MIN_PARSE_CHUNK


def _collector_state(_task) -> tuple[int, int, bool]:
    import gc
    import sys
    return gc.get_freeze_count(), gc.get_threshold()[0], "pipelines.validate" in sys.modules


def test_pool_workers_start_with_the_checks_loaded_and_the_modules_frozen_out_of_collections():
    states = list(parse_all.pool_map(_collector_state, [0, 1], 2))
    for frozen, threshold, checks_loaded in states:
        assert frozen > 10_000, "the modules loaded before the first task are frozen"
        assert threshold == parse_all.WORKER_GC_THRESHOLD
        assert checks_loaded


def test_new_files_are_parsed_in_the_same_chunks_whatever_order_the_index_lists_them_in(tmp_path, monkeypatch):
    # At scale the index's joins give its rows in an order that varies from run to run; the chunks, and
    # with them the segments and the order of a year's facts, must not.
    monkeypatch.setattr(parse_all, "PARSE_CHUNK", 5)
    monkeypatch.setattr(parse_all, "MIN_PARSE_CHUNK", 5)
    raw = _small_corpus(tmp_path)
    segments = []
    for name, seed in (("a", None), ("b", 1), ("c", 2)):
        store = Store(tmp_path / name)
        files = store.index(raw, workers=1)
        if seed is not None:
            files = files.sample(fraction=1.0, shuffle=True, seed=seed)
        store.parse_new(files, workers=1)
        segments.append(sorted(p.relative_to(store.parsed_dir()).as_posix() for p in store.parsed_dir().rglob("*.parquet")))
    assert len(segments[0]) > 10
    assert segments[0] == segments[1] == segments[2]


def test_a_partitions_rows_come_in_the_order_of_its_segments_at_a_years_size(tmp_path):
    # Taking a year's rows of its current reports is a join, and polars keeps no order in a join of this
    # size unless told to: facts were stored in an order that changed from run to run.
    from pipelines.frames import FACTS_SCHEMA

    store = Store(tmp_path / "state")
    folder = store.parsed_dir("2020")
    folder.mkdir(parents=True)
    kept, expected = [], []
    for segment in range(8):
        ids = [f"{segment:02x}{report:014x}" for report in range(1000)]
        facts = pl.DataFrame({"report_id": [r for r in ids for _ in range(200)]}).with_columns(
            pl.lit(None, dtype).alias(column) for column, dtype in FACTS_SCHEMA.items() if column != "report_id")
        facts.write_parquet(folder / f"{segment:04d}.facts.parquet")
        pl.DataFrame(schema={"report_id": pl.String}).write_parquet(folder / f"{segment:04d}.reports.parquet")
        kept += ids[::2]  # every other report is current: the others' rows are left out
        expected += [r for r in ids[::2] for _ in range(200)]
    current = pl.LazyFrame({"report_id": kept}).select(pl.col("report_id").shuffle(seed=1))
    for _ in range(3):
        rows = store._scan("2020", "facts", FACTS_SCHEMA, current).select("report_id").collect()["report_id"]
        assert rows.to_list() == expected
