"""Publishing: an analyst reading the warehouse while a run goes on, a run that fails, and what a
build leaves behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

import assets.warehouse
from assets.cli import main
from pipelines.durable import ROW_GROUP_ROWS, write_atomic
from pipelines.warehouse import MEMORY_LIMIT, THREADS, Segments, publish, query, staged

from .conftest import SAMPLES_DIR

# An analyst's session: open the warehouse read-only, count, wait while a run goes on, count again on
# the same connection, then reconnect and count once more.
ANALYST = r"""
import sys
import duckdb

path = sys.argv[1]
count = "SELECT count(*) FROM mart_data_quality"
con = duckdb.connect(path, read_only=True)
print(con.sql(count).fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.sql(count).fetchall()[0][0], flush=True)
con.close()
con = duckdb.connect(path, read_only=True)
print(con.sql(count).fetchall()[0][0], flush=True)
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(raw: Path, warehouse: Path) -> int:
    return main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".building") or p.name.endswith(".wal"))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A raw folder with two of the samples, and the warehouse a run published from it."""
    root = tmp_path_factory.mktemp("publish")
    raw, warehouse = root / "raw", root / "out" / "warehouse.duckdb"
    raw.mkdir()
    samples = sorted(SAMPLES_DIR.iterdir())
    for f in samples[:2]:
        shutil.copy(f, raw / f.name)
    assert _run(raw, warehouse) == 0
    return raw, warehouse, samples


def test_an_analyst_holds_the_warehouse_open_through_a_whole_run(published):
    raw, warehouse, samples = published
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(warehouse)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "2"  # connected, and reading, before the run starts
        for f in samples[2:]:
            shutil.copy(f, raw / f.name)
        assert _run(raw, warehouse) == 0  # the open connection is no error for the run
        out, err = analyst.communicate("next\n", timeout=120)
    finally:
        analyst.kill()
    assert analyst.returncode == 0, err
    # The same connection still reads the version it opened; a new one reads the new version.
    assert out.split() == ["2", "5"]
    assert query(warehouse, "SELECT count(*) AS n FROM mart_data_quality")["n"][0] == 5
    assert _leftovers(warehouse.parent) == []


def test_a_failing_run_leaves_the_last_warehouse_intact(published, monkeypatch, capfd):
    raw, warehouse, samples = published
    before, files_before = _sha(warehouse), query(warehouse, "SELECT source_file FROM reports ORDER BY ALL")
    shutil.copy(samples[0], raw / "a_copy.txt")  # something new, so that the run publishes
    # A model no mart can meet: its blocking check fails, before the swap.
    impossible = pa.DataFrameSchema(checks=[pa.Check(lambda data: data.lazyframe.select(pl.col("received") < 0),
                                                     error="every report received fewer than no requests")])
    monkeypatch.setitem(assets.warehouse.SCHEMAS, "mart_requests", impossible)
    assert _run(raw, warehouse) == 1
    assert 'step "warehouse" failed' in capfd.readouterr().err  # it got as far as building the warehouse
    assert _sha(warehouse) == before
    assert query(warehouse, "SELECT source_file FROM reports ORDER BY ALL").equals(files_before)
    assert _leftovers(warehouse.parent) == []


# --- the build itself --------------------------------------------------------------------------------

def _tables(n: int) -> dict[str, pl.DataFrame]:
    return {"t": pl.DataFrame({"x": list(range(n))})}


def test_a_failed_build_step_removes_its_private_file_and_keeps_the_published_one(tmp_path):
    path = publish(tmp_path / "w.duckdb", _tables(3))
    before = _sha(path)

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE half AS SELECT 1")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish(path, _tables(4), [broken])
    assert _sha(path) == before and _leftovers(tmp_path) == []


def test_a_build_not_published_is_removed(tmp_path):
    path = tmp_path / "w.duckdb"
    with staged(path, _tables(3)) as build:
        assert build.private.exists() and build.read("t").height == 3
    assert not path.exists() and _leftovers(tmp_path) == []


def test_the_private_file_of_a_killed_build_is_removed_by_the_next(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f".w.duckdb.{dead.stdout.strip()}.building"
    abandoned.write_bytes(b"half a warehouse")
    publish(tmp_path / "w.duckdb", _tables(1))
    assert not abandoned.exists()


def test_a_stray_write_ahead_log_is_not_replayed_into_the_new_warehouse(tmp_path):
    path = publish(tmp_path / "w.duckdb", _tables(2))
    # A read-write session on the published file leaves a log of its change beside it...
    con = duckdb.connect(str(path))
    con.execute("SET checkpoint_threshold = '1TB'")  # keep the change in the log
    con.execute("INSERT INTO t VALUES (100)")
    shutil.copy(str(path) + ".wal", tmp_path / "stray.wal")
    con.close()
    shutil.copy(tmp_path / "stray.wal", str(path) + ".wal")
    # ...which must not be applied to the next version.
    publish(path, _tables(5))
    assert query(path, "SELECT count(*) AS n, max(x) AS top FROM t").row(0) == (5, 4)


def test_publishing_replaces_a_file_an_open_connection_reads(tmp_path):
    path = publish(tmp_path / "w.duckdb", _tables(2))
    reader = duckdb.connect(str(path), read_only=True)
    try:
        publish(path, _tables(7))
        assert reader.sql("SELECT count(*) FROM t").fetchall() == [(2,)]
    finally:
        reader.close()
    assert query(path, "SELECT count(*) AS n FROM t")["n"][0] == 7
    assert os.listdir(tmp_path) == ["w.duckdb"]


def test_parquet_segments_are_read_whole_in_their_order_with_their_types(tmp_path):
    years = [pl.DataFrame({"report_id": ["b", "a"], "value": [1.5, None], "source_line": [3, 9],
                           "flags": [["blank"], []]}, schema_overrides={"source_line": pl.Int32}),
             pl.DataFrame({"report_id": ["c"], "value": [2.0], "source_line": [1], "flags": [["merged", "x"]]},
                          schema_overrides={"source_line": pl.Int32})]
    files = []
    for year, frame in zip(("2019", "2020"), years):
        files.append(str(tmp_path / f"{year}.parquet"))
        frame.write_parquet(files[-1])
    path = publish(tmp_path / "w.duckdb", {"facts": Segments(tuple(files))})
    assert query(path, "SELECT * FROM facts").equals(pl.concat(years))
    types = query(path, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'facts'").rows()
    assert types == [("report_id", "VARCHAR"), ("value", "DOUBLE"), ("source_line", "INTEGER"),
                     ("flags", "VARCHAR[]")]


@pytest.mark.parametrize("lazy", [False, True])
def test_asset_files_hold_row_groups_of_duckdbs_size_and_copy_whole(tmp_path, lazy):
    rows = 2 * ROW_GROUP_ROWS + 1000
    frame = pl.DataFrame({"report_id": [f"r{i // 7}" for i in range(rows)], "value": [i / 4 for i in range(rows)]})
    file = tmp_path / "2020.parquet"
    write_atomic(frame.lazy() if lazy else frame, file)
    groups = duckdb.sql("SELECT row_group_num_rows FROM parquet_metadata(?) WHERE column_id = 0 ORDER BY row_group_id",
                        params=[str(file)]).fetchall()
    assert groups == [(ROW_GROUP_ROWS,), (ROW_GROUP_ROWS,), (1000,)]
    # The size is DuckDB's own (should a new version change it, this says so): each parquet row group
    # becomes one of the warehouse's as it is.
    path = publish(tmp_path / "w.duckdb", {"facts": Segments((str(file),))})
    stored = query(path, "SELECT row_group_id, max(count) AS n FROM pragma_storage_info('facts') "
                         "GROUP BY ALL ORDER BY row_group_id")
    assert stored["n"].to_list() == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 1000]
    assert query(path, "SELECT * FROM facts").equals(frame)


def test_a_build_runs_within_its_memory_limit_and_threads(tmp_path):
    seen = {}

    def settings(con: duckdb.DuckDBPyConnection) -> None:
        seen.update(con.sql("SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')")
                    .fetchall())

    publish(tmp_path / "w.duckdb", _tables(1), [settings])
    limit = duckdb.connect(config={"memory_limit": MEMORY_LIMIT}).sql("SELECT current_setting('memory_limit')")
    assert seen == {"memory_limit": limit.fetchall()[0][0], "threads": str(THREADS)}
