"""`gongkai doctor`: a damaged state folder is found, repaired where it can be derived again, and the
next run publishes the warehouse of a clean run."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

from assets.cli import main
from assets.doctor import doctor
from pipelines.incremental import Store
from pipelines.snapshot import differences, snapshot

from .conftest import SAMPLES_DIR


def _run(raw: Path, warehouse: Path) -> None:
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"]) == 0


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


@pytest.fixture
def ran(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    shutil.copytree(SAMPLES_DIR, raw)
    _run(raw, warehouse)
    return raw, warehouse, Store(tmp_path / "w.state")


def test_a_healthy_state_folder_is_said_to_be_healthy(ran, capsys):
    raw, warehouse, store = ran
    assert doctor(raw, store.root, warehouse, repair=False).healthy
    assert main(["doctor", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--check"]) == 0
    assert "agree" in capsys.readouterr().out


def test_a_damaged_state_folder_is_repaired_and_the_next_run_publishes_the_clean_warehouse(ran, tmp_path, capsys):
    raw, warehouse, store = ran
    clean = snapshot(warehouse)
    partition = store.parsed_dir("2020")
    segment = sorted(partition.glob("*.facts.parquet"))[0]
    segment.write_bytes(b"PAR1 not a parquet file")  # a corrupt segment
    shutil.copy(sorted(partition.glob("*.parse_findings.parquet"))[0], partition / "0123.parse_findings.parquet")
    (partition / f".x.facts.parquet.{_dead_pid()}.tmp").write_bytes(b"half")  # a killed writer's file
    (store.root / "parsed" / "0ldversion0" / "2020").mkdir(parents=True)  # another parser's segments
    store.hashes_path.write_bytes(b"garbage")  # an unreadable cache
    (tmp_path / f".w.duckdb.{_dead_pid()}.building").write_bytes(b"a killed build")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}

    assert main(["doctor", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--check"]) == 1
    said = capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before, "--check only looks"
    for expected in ("unreadable segment", "incomplete segments", "temporary files", "another parser",
                     "unreadable cache"):
        assert expected in said, said

    report = doctor(raw, store.root, warehouse)
    assert not report.not_repaired and len(report.repaired) >= 6, report.lines()
    assert not segment.exists() and not (partition / "0123.parse_findings.parquet").exists()
    assert not (store.root / "parsed" / "0ldversion0").exists() and not list(tmp_path.glob(".w.duckdb.*"))
    assert store.hashes_path.exists(), "the hashes are taken again"
    assert any("2020" in line for line in report.for_the_next_run), "the year of the dropped segment is redone"

    _run(raw, warehouse)
    assert differences(clean, snapshot(warehouse)) == []
    assert doctor(raw, store.root, warehouse, repair=False).healthy


def test_an_unreadable_catalog_is_rebuilt_from_the_folder(ran):
    raw, warehouse, store = ran
    clean = snapshot(warehouse)
    store.catalog_path.write_bytes(b"garbage")
    report = doctor(raw, store.root, warehouse)
    assert any("catalog" in line and "history" in line for line in report.repaired)
    assert store.catalog().height == 5
    _run(raw, warehouse)
    assert differences(clean, snapshot(warehouse)) == []


def test_the_warehouse_behind_the_folder_and_a_year_left_undone_are_named(ran):
    raw, warehouse, store = ran
    (raw / sorted(p.name for p in raw.iterdir())[0]).unlink()
    (store.root / "assets" / "report_findings" / "2020.parquet").unlink()
    said = " ".join(doctor(raw, store.root, warehouse, repair=False).lines())
    assert "1 current rows without their file" in said and "years not done" in said and "2020" in said
    _run(raw, warehouse)
    assert doctor(raw, store.root, warehouse, repair=False).healthy


def test_while_a_run_holds_a_lock_the_doctor_only_looks(ran):
    raw, warehouse, store = ran
    (store.root / f".catalog.parquet.{_dead_pid()}.tmp").write_bytes(b"half")
    with open(store.root / "locks" / "catalog.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another open file description: as another process holds it
        report = doctor(raw, store.root, warehouse)
    assert report.not_repaired and not report.repaired and report.to_repair
    assert doctor(raw, store.root, warehouse).repaired
