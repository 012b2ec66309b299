"""A raw folder that changes between runs: files renamed, moved, deleted, restored, corrected in place.

After every run the files as they are now (the current rows of `reports`, the marts) are what a clean
run over the same folder publishes, while `reports` keeps the history: earlier paths of a renamed or
moved file in `previous_source_files`, a deleted file with `removed_at`, a corrected one superseded.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from assets.cli import main
from pipelines.incremental import CATALOG_SCHEMA, HISTORY_SCHEMA, Store, apply_versions
from pipelines.snapshot import differences, snapshot

from .conftest import SAMPLES_DIR
from .expected_samples import SAMPLES

A, B, C, D, E = sorted(SAMPLES)


def _run(raw: Path, warehouse: Path) -> dict[str, pl.DataFrame]:
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    return snapshot(warehouse)


def _now(snap: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """What a warehouse says of the files as they are now: every table but the history in reports (and
    the bodies only that history names)."""
    reports = snap["reports"].filter(pl.col("superseded_by").is_null() & ~pl.col("removed_at"))
    rest = {k: v for k, v in snap.items() if k not in ("reports", "facts", "findings")}
    ids = reports.select("report_id")
    if "dim_body" in rest:  # a body known only from earlier versions or removed files is history too
        rest["dim_body"] = rest["dim_body"].join(reports.select("body_id").unique(), on="body_id", how="semi")
    return {**rest, "reports": reports.drop(*HISTORY_SCHEMA),
            "facts": snap["facts"].join(ids, on="report_id", how="semi"),
            "findings": snap["findings"].join(ids, on="report_id", how="semi")}


def _segments(state: Path) -> set[str]:
    return {p.name for p in state.rglob("*.reports.parquet")}


def _row(snap: dict[str, pl.DataFrame], source_file: str) -> dict:
    rows = snap["reports"].filter(pl.col("source_file") == source_file)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def _correct(path: Path) -> None:
    """New bytes in place: a report restated by its body (a line added at the end)."""
    path.write_bytes(path.read_bytes() + "\n（本报告已更正）\n".encode())


@pytest.fixture
def folder(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES_DIR, raw)
    warehouse = tmp_path / "w.duckdb"
    _run(raw, warehouse)
    return raw, warehouse, tmp_path / "w.state"


def _same_as_clean(raw: Path, snap: dict, tmp: Path) -> None:
    clean = _run(raw, tmp / "clean" / "w.duckdb")
    assert differences(_now(clean), _now(snap)) == []


def test_a_renamed_file_is_the_same_report_under_its_new_path(folder, tmp_path):
    raw, warehouse, state = folder
    parsed = _segments(state)
    (raw / A).rename(raw / "renamed.txt")
    snap = _run(raw, warehouse)
    row = _row(snap, "renamed.txt")
    assert row["previous_source_files"] == [A] and not row["removed_at"] and row["superseded_by"] is None
    assert snap["reports"].height == 5 and _segments(state) == parsed, "nothing parsed again"
    _same_as_clean(raw, snap, tmp_path)


def test_a_file_moved_into_sub_folders_then_renamed_keeps_every_earlier_path(folder, tmp_path):
    raw, warehouse, state = folder
    parsed = _segments(state)
    (raw / "2020" / "县").mkdir(parents=True)
    (raw / B).rename(raw / "2020" / "县" / B)
    _run(raw, warehouse)
    (raw / "2020" / "县" / B).rename(raw / "2020" / "县" / "b.txt")
    snap = _run(raw, warehouse)
    assert _row(snap, "2020/县/b.txt")["previous_source_files"] == [B, f"2020/县/{B}"]
    assert _segments(state) == parsed
    _same_as_clean(raw, snap, tmp_path)


def test_a_deleted_file_keeps_its_row_marked_removed_and_leaves_the_marts_until_it_comes_back(folder, tmp_path):
    raw, warehouse, state = folder
    before = _run(raw, warehouse)
    kept = tmp_path / C
    (raw / C).rename(kept)
    snap = _run(raw, warehouse)
    row = _row(snap, C)
    assert row["removed_at"] and row["superseded_by"] is None
    assert snap["reports"].height == 5, "nothing is lost"
    assert row["report_id"] not in snap["mart_data_quality"]["report_id"].to_list()
    assert snap["mart_agency_year"].height == before["mart_agency_year"].height - 1
    _same_as_clean(raw, snap, tmp_path)
    kept.rename(raw / C)
    snap = _run(raw, warehouse)
    assert not _row(snap, C)["removed_at"], "a file that comes back is current again"
    assert differences(before, snap) == []


def test_a_file_corrected_in_place_is_a_new_version_and_the_old_one_is_superseded(folder, tmp_path):
    raw, warehouse, state = folder
    _correct(raw / D)
    snap = _run(raw, warehouse)
    versions = snap["reports"].filter(pl.col("source_file") == D)
    assert versions.height == 2 and versions["superseded_by"].null_count() == 1
    _same_as_clean(raw, snap, tmp_path)


def test_every_change_at_once(folder, tmp_path):
    raw, warehouse, state = folder
    (raw / C).rename(tmp_path / C)
    _run(raw, warehouse)  # C deleted
    (tmp_path / C).rename(raw / C)  # ... and now, in one run: C restored,
    (raw / A).rename(raw / "a.txt")  # A renamed,
    (raw / "sub").mkdir()
    (raw / B).rename(raw / "sub" / B)  # B moved,
    (raw / E).unlink()  # E deleted,
    _correct(raw / D)  # D corrected in place
    snap = _run(raw, warehouse)
    assert _row(snap, "a.txt")["previous_source_files"] == [A]
    assert _row(snap, f"sub/{B}")["previous_source_files"] == [B]
    assert not _row(snap, C)["removed_at"] and _row(snap, E)["removed_at"]
    assert snap["reports"].filter(pl.col("source_file") == D).height == 2
    assert snap["reports"].height == 6 and set(snap["reports"]["source_file"]) == {"a.txt", f"sub/{B}", C, D, E}
    _same_as_clean(raw, snap, tmp_path)
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    assert differences(snap, snapshot(warehouse)) == [], "and a run after it changes nothing"


# --- the catalog's rules, on their own ----------------------------------------------------------------

T0, T1 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)


def _index(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """Index rows (source_file, one hex digit of bytes) of one partition."""
    return pl.DataFrame({"source_file": [f for f, _ in rows], "sha256": [b * 64 for _, b in rows],
                         "report_id": [b * 16 for _, b in rows], "partition": ["2020"] * len(rows),
                         "size_bytes": [1] * len(rows), "mtime_ns": [1] * len(rows)},
                        schema={k: CATALOG_SCHEMA[k] for k in ("source_file", "sha256", "report_id", "partition",
                                                               "size_bytes", "mtime_ns")})


def _versions(catalog: pl.DataFrame) -> list[tuple]:
    return catalog.select("source_file", pl.col("sha256").str.head(1), "previous_source_files",
                          removed=pl.col("removed_at").is_not_null(),
                          superseded=pl.col("superseded_by").is_not_null()).sort("source_file", "sha256").rows()


def test_two_copies_moved_are_two_renames_and_a_copy_left_behind_is_a_copy():
    catalog = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), _index([("a", "1"), ("b", "1"), ("c", "2")]), T0)
    moved = apply_versions(catalog, _index([("x/a", "1"), ("x/b", "1"), ("c", "2"), ("d", "2")]), T1)
    assert _versions(moved) == [("c", "2", [], False, False), ("d", "2", [], False, False),
                                ("x/a", "1", ["a"], False, False), ("x/b", "1", ["b"], False, False)]


def test_a_removed_file_that_comes_back_elsewhere_is_renamed_and_current_again():
    catalog = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), _index([("a", "1"), ("b", "2")]), T0)
    gone = apply_versions(catalog, _index([("b", "2")]), T1)
    assert _versions(gone)[0] == ("a", "1", [], True, False)
    back = apply_versions(gone, _index([("b", "2"), ("z", "1")]), T1)
    assert _versions(back) == [("b", "2", [], False, False), ("z", "1", ["a"], False, False)]
    assert apply_versions(back, _index([("b", "2"), ("z", "1")]), T1).equals(back), "seen again: no change"


def test_removals_are_marked_in_the_partition_being_ingested_only():
    catalog = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), _index([("a", "1")]), T0)
    other = apply_versions(catalog, _index([]), T1, present=pl.Series([], dtype=pl.String), partition="2021")
    assert _versions(other) == [("a", "1", [], False, False)]
    here = apply_versions(catalog, _index([]), T1, present=pl.Series([], dtype=pl.String), partition="2020")
    assert _versions(here) == [("a", "1", [], True, False)]


def test_a_catalog_from_before_renames_and_removals_is_read_with_empty_history(tmp_path):
    store = Store(tmp_path)
    old = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), _index([("a", "1")]), T0)
    old.drop("removed_at", "previous_source_files").write_parquet(store.catalog_path)
    assert store.catalog().equals(old)


def test_every_file_recorded_counts_the_files_now_in_the_folder_against_current_rows():
    from assets.validation import every_file_recorded

    index = _index([("x/a", "1"), ("b", "2")])
    catalog = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), _index([("a", "1"), ("b", "2"), ("c", "3")]), T0)
    catalog = apply_versions(catalog, index, T1)  # a moved to x/a, c removed
    reports = catalog.select("source_file", "report_id", *HISTORY_SCHEMA)
    assert every_file_recorded(raw_report_files=index, parsed_reports=reports).passed
    without_b = reports.filter(pl.col("source_file") != "b")
    assert not every_file_recorded(raw_report_files=index, parsed_reports=without_b).passed
