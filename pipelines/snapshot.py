"""The whole content of a warehouse, to compare two of them: what a run killed and run again published
against what one clean run publishes.

Every table, its rows in a canonical order. Left out, and only these: the times a run stamps on the
history of a file (`superseded_at`, `removed_at`: when, not what; whether they are set is kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import duckdb
import polars as pl

RUN_TIMES = ("superseded_at", "removed_at")


def _tables(path: str | Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, str, list[str]]]:
    """(connection, table, its columns with run times as set or not) for every table of a warehouse."""
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        con.execute("SET enable_progress_bar = false")  # a comparison has no terminal to draw it on
        tables = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "ORDER BY table_name").fetchall()]
        for table in tables:
            columns = [r[0] for r in con.sql("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                                             "AND table_name = ? ORDER BY column_index", params=[table]).fetchall()]
            # Names from the catalog of the file itself, quoted; no value is spliced into the SQL.
            yield con, table, [f'"{c}" IS NOT NULL AS "{c}"' if c in RUN_TIMES else f'"{c}"' for c in columns]


def snapshot(path: str | Path) -> dict[str, pl.DataFrame]:
    """Every table of the warehouse at `path`, sorted by all its columns, run times as set or not."""
    return {table: pl.from_arrow(con.sql(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY ALL').to_arrow_table())
            for con, table, columns in _tables(path)}


def ordered_digests(path: str | Path) -> dict[str, tuple[int, int]]:
    """Each table's row count and a digest of its rows in the order they are stored: equal digests,
    the same rows in the same order (what `snapshot` leaves aside). Run times are left out as there."""
    out = {}
    for con, table, columns in _tables(path):
        row = ", ".join(c.rsplit(" AS ", 1)[0] for c in columns)
        count, digest = con.sql(f'SELECT count(*), coalesce(sum(hash(rowid, {row})::HUGEINT), 0) FROM "{table}"').fetchall()[0]
        out[table] = (count, int(digest))
    return out


def differences(expected: dict[str, pl.DataFrame], actual: dict[str, pl.DataFrame]) -> list[str]:
    """What differs between two snapshots, one line a table; empty when they are equal."""
    out = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual or table not in expected:
            out.append(f"{table}: only in {'expected' if table in expected else 'actual'}")
            continue
        a, b = expected[table], actual[table]
        if a.schema != b.schema:
            out.append(f"{table}: columns {a.schema} != {b.schema}")
        elif not a.equals(b):
            missing, extra = a.join(b, on=a.columns, how="anti", nulls_equal=True), \
                b.join(a, on=a.columns, how="anti", nulls_equal=True)
            out.append(f"{table}: {a.height} rows expected, {b.height} found; {missing.height} missing, "
                       f"{extra.height} not expected")
    return out
