"""`gongkai export`: every table of the warehouse, one Parquet or CSV file each, named after it."""

from __future__ import annotations

import csv

import duckdb
import pytest

from assets.cli import main
from pipelines.export import ExportError, export
from pipelines.warehouse import ALL_TABLES, query


def test_parquet_files_hold_exactly_the_tables(sample_warehouse, tmp_path):
    files = export(sample_warehouse, tmp_path, "parquet")
    assert [f.name for f in files] == [f"{t}.parquet" for t in ALL_TABLES]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in files)
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        for table, f in zip(ALL_TABLES, files):
            n = con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            # Every row of the table is in the file, with the same values and types, and nothing else.
            differ = con.sql(f"""SELECT count(*) FROM (
                (SELECT * FROM {table} EXCEPT ALL SELECT * FROM read_parquet(?))
                UNION ALL (SELECT * FROM read_parquet(?) EXCEPT ALL SELECT * FROM {table}))""",
                             params=[str(f), str(f)]).fetchall()[0][0]
            assert (n > 0, differ) == (True, 0), table


def test_csv_files_have_a_header_and_the_rows(sample_warehouse, tmp_path):
    assert main(["export", "--format", "csv", "--out", str(tmp_path), "--warehouse", str(sample_warehouse)]) == 0
    for table in ALL_TABLES:
        with open(tmp_path / f"{table}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        want = query(sample_warehouse, f"SELECT * FROM {table}")
        assert (list(rows[0]), len(rows)) == (want.columns, want.height), table
    with open(tmp_path / "mart_requests.csv", encoding="utf-8", newline="") as f:
        yancheng = [r for r in csv.DictReader(f) if r["agency"] == "盐城经济技术开发区管理委员会" and r["col_code"] == "total"]
    # Counts are BIGINT: written as whole numbers.
    assert [(r["received"], r["granted"], r["refused"]) for r in yancheng] == [("38", "10", "4")]


def test_export_says_what_is_wrong(sample_warehouse, tmp_path, capsys):
    with pytest.raises(ExportError, match="unknown format"):
        export(sample_warehouse, tmp_path, "xlsx")
    assert main(["export", "--format", "csv", "--out", str(tmp_path), "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "warehouse not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--format", "xlsx", "--out", str(tmp_path)])
    # A warehouse published before the marts existed: no file at all rather than some of them.
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE reports AS SELECT 1 AS report_id")
    with pytest.raises(ExportError, match="mart_requests"):
        export(old, tmp_path / "out", "parquet")
    assert not (tmp_path / "out").exists()
