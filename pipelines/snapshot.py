"""The whole content of a warehouse, to compare two of them: what a run killed and run again published
against what one clean run publishes.

Every table, its rows in a canonical order. Left out, and only these: the times a run stamps on the
history of a file (`superseded_at`, `removed_at`: when, not what; whether they are set is kept).
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import duckdb
import polars as pl

RUN_TIMES = ("superseded_at", "removed_at")


def snapshot(path: str | Path) -> dict[str, pl.DataFrame]:
    """Every table of the warehouse at `path`, sorted by all its columns, run times as set or not."""
    out = {}
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        tables = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "ORDER BY table_name").fetchall()]
        for table in tables:
            columns = [r[0] for r in con.sql("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                                             "AND table_name = ? ORDER BY column_index", params=[table]).fetchall()]
            select = ", ".join(f'"{c}" IS NOT NULL AS "{c}"' if c in RUN_TIMES else f'"{c}"' for c in columns)
            # Names from the catalog of the file itself, quoted; no value is spliced into the SQL.
            out[table] = pl.from_arrow(con.sql(f'SELECT {select} FROM "{table}" ORDER BY ALL').to_arrow_table())
    return out


def ordered_digests(path: str | Path) -> dict[str, tuple[int, int]]:
    """Each table's row count and a digest of its rows in the order they are stored: equal digests,
    the same rows in the same order (what `snapshot` leaves aside). Run times are left out as there."""
    out = {}
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        tables = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "ORDER BY table_name").fetchall()]
        for table in tables:
            columns = [r[0] for r in con.sql("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                                             "AND table_name = ? ORDER BY column_index", params=[table]).fetchall()]
            row = ", ".join(f'"{c}" IS NOT NULL' if c in RUN_TIMES else f'"{c}"' for c in columns)
            # Names from the catalog of the file itself, quoted; no value is spliced into the SQL.
            count, digest = con.sql(f"SELECT count(*), coalesce(sum(hash(rowid, {row})::HUGEINT), 0) "
                                    f'FROM "{table}"').fetchall()[0]
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
