"""A raw folder that changes between runs: files renamed, moved, deleted, restored, corrected in place.

After every run the files as they are now (the current rows of `reports`, the marts) are what a clean
run over the same folder publishes, while `reports` keeps the history: earlier paths of a renamed or
moved file in `previous_source_files`, a deleted file with `removed_at`, a corrected one superseded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from assets.cli import main
from pipelines.incremental import HISTORY_SCHEMA
from pipelines.snapshot import differences, snapshot

from .conftest import SAMPLES_DIR
from .expected_samples import SAMPLES

A, B, C, D, E = sorted(SAMPLES)


def _run(raw: Path, warehouse: Path) -> dict[str, pl.DataFrame]:
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    return snapshot(warehouse)


def _now(snap: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """What a warehouse says of the files as they are now: every table but the history in reports."""
    reports = snap["reports"].filter(pl.col("superseded_by").is_null() & ~pl.col("removed_at"))
    rest = {k: v for k, v in snap.items() if k not in ("reports", "facts", "findings")}
    ids = reports.select("report_id")
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
