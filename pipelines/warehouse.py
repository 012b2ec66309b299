"""Publishing the DuckDB warehouse: built in a private file, swapped in whole when it is complete.

An analyst who has the published file open keeps reading the old one until the swap (a rename keeps
the open file alive), and a run that fails before the swap leaves the published file as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import duckdb
import polars as pl

# Extra build steps: each gets the open connection of the private file before it is published.
BuildStep = Callable[[duckdb.DuckDBPyConnection], None]


def publish(path: str | Path, tables: dict[str, pl.DataFrame], steps: list[BuildStep] = ()) -> Path:
    """Write `tables` (name -> frame) and run `steps` in a new private file, then swap it in."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = path.with_name(f".{path.name}.{os.getpid()}.building")
    private.unlink(missing_ok=True)
    try:
        with closing(duckdb.connect(str(private))) as con:
            for name, frame in tables.items():
                con.register("_frame", frame.to_arrow())
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')  # name: ours, not input
                con.unregister("_frame")
            for step in steps:
                step(con)
            con.execute("CHECKPOINT")
        os.replace(private, path)
    finally:
        private.unlink(missing_ok=True)
        Path(str(private) + ".wal").unlink(missing_ok=True)
    return path


def query(path: str | Path, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run one read-only query against the published warehouse."""
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())
