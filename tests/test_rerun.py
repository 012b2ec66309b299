"""Reruns: a file is read again only when its stat changed, and a run with nothing new does nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from pipelines.incremental import RACY_NS, Store, changes, list_files
from pipelines.parse_all import sha256_of

from .conftest import ROOT, SAMPLES_DIR
from .expected_samples import SAMPLES

FIRST = sorted(SAMPLES)[0]
AN_HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def _copy(raw: Path, names, mtime_ns: int | None = AN_HOUR_AGO_NS) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES_DIR / name, raw / name)
        if mtime_ns is not None:
            os.utime(raw / name, ns=(mtime_ns, mtime_ns))
    return raw


def _rewrite_in_place(path: Path, mtime_ns: int | None) -> None:
    """New bytes of the same size in the same inode, with the mtime set to `mtime_ns` (or left as written)."""
    data = bytearray(path.read_bytes())
    data[-1:] = b"\n" if data[-1:] != b"\n" else b" "
    inode = path.stat().st_ino
    with open(path, "r+b") as f:
        f.write(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    assert path.stat().st_ino == inode and path.stat().st_size == len(data)


def _sha(store: Store, raw: Path, name: str) -> str:
    index = store.index(raw, workers=1)
    return index.filter(index["source_file"] == name)["sha256"].item()


def test_a_hash_on_record_is_trusted_while_the_stat_is_unchanged(tmp_path):
    raw, store = _copy(tmp_path / "raw", [FIRST]), Store(tmp_path / "state")
    before = _sha(store, raw, FIRST)
    _rewrite_in_place(raw / FIRST, AN_HOUR_AGO_NS)
    # The known limit, as with git's index: same size, same mtime, same inode: the bytes are not read.
    assert _sha(store, raw, FIRST) == before != sha256_of(raw / FIRST)
    os.utime(raw / FIRST)  # any change of the stat has the file read again
    assert _sha(store, raw, FIRST) == sha256_of(raw / FIRST) != before


def test_a_file_modified_just_before_its_hash_is_read_again(tmp_path):
    raw, store = _copy(tmp_path / "raw", [FIRST], mtime_ns=None), Store(tmp_path / "state")
    before = _sha(store, raw, FIRST)
    mtime = (raw / FIRST).stat().st_mtime_ns
    assert time.time_ns() - mtime < RACY_NS, "the copy is fresh"
    _rewrite_in_place(raw / FIRST, mtime)  # within the same time stamp: the stat alone cannot tell
    assert _sha(store, raw, FIRST) == sha256_of(raw / FIRST) != before


def test_a_touched_file_is_not_a_new_version_and_a_changed_one_is(tmp_path):
    raw, store = _copy(tmp_path / "raw", SAMPLES), Store(tmp_path / "state")
    index = store.index(raw, workers=1)
    for partition in changes(index, store.catalog()).partitions:
        store.ingest(index, partition, workers=1)
    os.utime(raw / FIRST)
    assert changes(store.index(raw, workers=1), store.catalog()).empty
    _rewrite_in_place(raw / FIRST, None)
    plan = changes(store.index(raw, workers=1), store.catalog())
    assert plan.new["source_file"].to_list() == [FIRST] and plan.superseded["source_file"].to_list() == [FIRST]


def test_the_listing_holds_every_file_but_litter(tmp_path):
    raw = _copy(tmp_path / "raw", [FIRST])
    (raw / "b" / "c").mkdir(parents=True)
    for name in ("b/c/x.HTML", "b/y.md", "b/notes.pdf", "b/.txt", "b/~$report.docx", "b/.~lock.y.md#",
                 "b/c/.DS_Store", "b/Thumbs.db", "b/c/desktop.ini", "b/._y.md"):
        (raw / name).write_text("某县人民政府2020年政府信息公开工作年度报告")
    (raw / "b" / "link.txt").symlink_to(raw / FIRST)  # a symlink to a file is that file
    (raw / "b" / "gone.txt").symlink_to(raw / "missing.txt")  # a broken one is nothing
    (raw / "outside").symlink_to(raw / "b", target_is_directory=True)  # a folder by symlink: not entered
    listing = list_files(raw)
    assert listing["source_file"].to_list() == [FIRST, "b/.txt", "b/c/x.HTML", "b/link.txt", "b/notes.pdf", "b/y.md"]
    assert listing["path"].to_list() == [str(raw / n) for n in listing["source_file"]]
    assert listing["size_bytes"].to_list()[3] == (raw / FIRST).stat().st_size


def test_an_index_recorded_by_the_plan_is_taken_while_nothing_changed(tmp_path):
    raw, store = _copy(tmp_path / "raw", SAMPLES), Store(tmp_path / "state")
    index = store.index(raw, workers=1)
    store.record_index(index)
    store.years_path.unlink()  # the years of unparsed bytes: read again only if the index is made anew
    assert store.index(raw, workers=1).equals(index) and not store.years_path.exists()
    os.utime(raw / FIRST, ns=(AN_HOUR_AGO_NS + 1, AN_HOUR_AGO_NS + 1))  # a changed stat: indexed again
    assert store.recorded_index(list_files(raw)) is None
    again = store.index(raw, workers=1)
    assert again.drop("mtime_ns").equals(index.drop("mtime_ns")) and store.years_path.exists()
    store.record_index(store.index(raw, workers=1))
    assert store.recorded_index(list_files(raw)) is not None
    store.ingest(index, index["partition"][0], workers=1)  # parsed since: `parsed` would differ
    assert store.recorded_index(list_files(raw)) is None
    store.record_index(store.index(raw, workers=1))
    store.hashes_path.unlink()  # every file to be hashed again, as the README says
    assert store.recorded_index(list_files(raw)) is None


def test_an_index_that_parses_reads_each_new_file_once_into_the_segments_of_its_year(tmp_path, monkeypatch):
    raw, store = _copy(tmp_path / "raw", SAMPLES), Store(tmp_path / "state")
    by_years = Store(tmp_path / "other").index(raw, workers=1)  # the year read from the title alone
    reads: list[str] = []
    real_read = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.is_relative_to(raw):
            reads.append(path.name)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    index = store.index(raw, workers=1, parse=True)
    assert sorted(reads) == sorted(SAMPLES), "each new file decoded once, for its year and its cells together"
    assert index.drop("parsed").equals(by_years.drop("parsed")) and index["parsed"].all()
    assert not store.years_path.exists(), "no year read apart from the parse"
    for partition in index["partition"].unique():
        assert store.ingest(index, partition, workers=1).parsed == 0, "the year's step parses nothing again"
        files = index.filter(pl.col("partition") == partition)
        assert set(store.frames(partition).reports["source_file"]) == set(files["source_file"])
    reads.clear()
    assert store.index(raw, workers=1, parse=True).equals(index) and reads == [], "known bytes are not read again"


def test_an_index_of_files_hashed_too_soon_is_not_taken(tmp_path):
    raw, store = _copy(tmp_path / "raw", [FIRST], mtime_ns=None), Store(tmp_path / "state")
    store.record_index(store.index(raw, workers=1))
    assert store.recorded_index(list_files(raw)) is None  # hashed within RACY_NS of its mtime: read again


@dataclass
class Cli:
    first: subprocess.CompletedProcess
    again: subprocess.CompletedProcess
    state_before: dict[str, int]
    state_after: dict[str, int]


def _gongkai_run(raw: Path, warehouse: Path) -> subprocess.CompletedProcess:
    # A fresh interpreter, to see which modules the command imports; DAGSTER_HOME unset: no run history.
    script = ("import sys; from assets.cli import main; rc = main(sys.argv[1:]); "
              "print('imported dagster' if 'dagster' in sys.modules else 'no dagster', file=sys.stderr); "
              "sys.exit(rc)")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return subprocess.run([sys.executable, "-c", script, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _stats(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> Cli:
    tmp = tmp_path_factory.mktemp("cli")
    raw, warehouse = _copy(tmp / "raw", sorted(SAMPLES)[:2]), tmp / "w.duckdb"
    first = _gongkai_run(raw, warehouse)
    before = _stats(tmp)
    again = _gongkai_run(raw, warehouse)
    return Cli(first, again, before, _stats(tmp))


def test_the_cli_prints_its_own_progress_and_no_dagster_debug_events(cli):
    assert cli.first.returncode == 0, cli.first.stderr
    lines = cli.first.stderr.splitlines()
    # New files are parsed once, while the plan finds their year; the year's step only gathers them.
    parsed = next(i for i, line in enumerate(lines) if line.startswith("parsed 2/2 new files"))
    assert parsed < next(i for i, line in enumerate(lines) if line.startswith("ingest_year 2020: done"))
    assert not [line for line in lines if " - DEBUG - " in line or " - INFO - " in line or "STEP_" in line]
    assert "files: 2  reports parsed: 2" in cli.first.stdout


def test_a_cli_rerun_with_nothing_new_writes_nothing_and_imports_no_dagster(cli):
    assert cli.again.returncode == 0, cli.again.stderr
    assert "nothing new" in cli.again.stderr and "no dagster" in cli.again.stderr
    assert cli.state_after == cli.state_before, "no file under the state folder or the warehouse changed"
    assert "files: 2  reports parsed: 2" in cli.again.stdout
