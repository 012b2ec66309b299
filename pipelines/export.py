"""Every warehouse table as one Parquet or CSV file, for those who work outside DuckDB.

The warehouse is opened read-only, so an export can run beside a pipeline that is publishing the next
version (it reads the version that was published when it started). Each file is written under a
temporary name and renamed when complete: a reader of the folder never sees half a table.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import duckdb

from .warehouse import ALL_TABLES

# format -> the COPY options. CSV: UTF-8 with a header; lists and maps are written as DuckDB prints them.
FORMATS = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true"}


class ExportError(Exception):
    """The warehouse cannot be exported as asked; the message says why."""


def export(warehouse: str | Path, out_dir: str | Path, fmt: str) -> list[Path]:
    """Write every table of the warehouse to `out_dir/<table>.<fmt>`; return the files, in table order."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    if not warehouse.is_file():
        raise ExportError(f"warehouse not found: {warehouse}")
    with closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        present = {t for (t,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        missing = [t for t in ALL_TABLES if t not in present]
        if missing:
            raise ExportError(f"{warehouse} has no table {', '.join(missing)}: publish it again with `gongkai run`")
        out_dir.mkdir(parents=True, exist_ok=True)
        files = []
        for table in ALL_TABLES:
            target = out_dir / f"{table}.{fmt}"
            partial = out_dir / f".{table}.{fmt}.{os.getpid()}.partial"
            try:
                # The table name is one of ours; the path is bound as a parameter.
                con.execute(f'COPY "{table}" TO ? ({FORMATS[fmt]})', [str(partial)])
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
            files.append(target)
    return files
