"""Publishing the DuckDB warehouse: built in a private file, swapped in whole when it is complete.

The published file is never written in place. A run builds every table in a private file beside it
(same folder, so the rename is atomic), and `os.replace` swaps it in only when the build and its checks
have succeeded. An analyst who has the published file open read-only keeps reading the old file (a
rename leaves an open file alive) and sees the new one on the next connect; a run that fails leaves the
published file exactly as it was, and its private file is removed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from . import dictionary, marts
from .durable import alive, fsync_dir
from .killpoint import kill_point

# Extra build steps: each gets the open connection of the private file before it is published.
BuildStep = Callable[[duckdb.DuckDBPyConnection], None]

CONTRACT_TABLES = tuple(d.name for d in dictionary.CONTRACT)
DIMENSION_TABLES = tuple(d.name for d in dictionary.DIMENSIONS)
MART_TABLES = tuple(marts.MARTS)
ALL_TABLES = CONTRACT_TABLES + DIMENSION_TABLES + MART_TABLES


def table_docs() -> list[dictionary.TableDoc]:
    """The description of every warehouse table: the source of its comments and of the data dictionary."""
    return [*dictionary.CONTRACT, *dictionary.DIMENSIONS, *(m.doc for m in marts.MARTS.values())]


# DuckDB's own limits while it builds: its default memory limit is 80 % of the machine, far past what
# the whole run may use; above this it spills to a temporary folder beside the private file. At 10⁵
# reports (2·10⁷ cells) the publishing process peaks at ≈ 0.8 GB with 512 MB (1.2 GB with 1 GB), and
# takes no more CPU.
THREADS = os.cpu_count() or 1
MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class Segments:
    """A table stored as parquet files (one a partition): DuckDB reads them itself, in one statement,
    without the cells passing through polars."""

    files: tuple[str, ...]


Table = pl.DataFrame | pl.LazyFrame | Segments


def _write_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, Table]) -> None:
    for name, frame in tables.items():
        if isinstance(frame, Segments):
            # In the order given, as a polars scan of the same files would concatenate them.
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [list(frame.files)])
            continue
        if isinstance(frame, pl.LazyFrame):
            # Streamed through a parquet file: the cells of every year never sit in memory at once.
            with tempfile.TemporaryDirectory() as folder:
                staged_file = Path(folder) / f"{name}.parquet"
                frame.sink_parquet(staged_file)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(staged_file)])
            continue
        con.register("_frame", frame.to_arrow())
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')  # name: ours, not input
        con.unregister("_frame")


def build_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    _write_tables(con, dictionary.dimension_tables())


def comment_tables(con: duckdb.DuckDBPyConnection) -> None:
    dictionary.apply_comments(con, table_docs())


# What turns the three contract tables into the published warehouse, in order.
WAREHOUSE_STEPS: tuple[BuildStep, ...] = (build_dimensions, marts.build_marts, comment_tables)


@dataclass
class Staged:
    """A complete warehouse in its private file, not yet published."""

    path: Path  # where it will be published
    private: Path
    published: bool = field(default=False)

    def read(self, table: str) -> pl.DataFrame:
        return query(self.private, f'SELECT * FROM "{table}"')  # table: one of ours

    def publish(self) -> Path:
        """Swap the private file in for the published one, atomically."""
        # A WAL beside the published name belongs to no file of ours (we never write the published file
        # in place); DuckDB would replay it into the new file on the next open.
        _wal(self.path).unlink(missing_ok=True)
        kill_point("publish_swap")
        os.replace(self.private, self.path)
        fsync_dir(self.path.parent)
        self.published = True
        kill_point("published")
        return self.path


@contextmanager
def staged(path: str | Path, tables: dict[str, Table], steps: Sequence[BuildStep] = ()) -> Iterator[Staged]:
    """Write `tables` (name -> frame) and run `steps` in a new private file; yield it, closed, to be
    checked and published. Whatever is not published, on success or failure, is removed on exit."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(path)
    private = path.with_name(f".{path.name}.{os.getpid()}.building")
    _discard(private)
    build = Staged(path, private)
    try:
        with closing(duckdb.connect(str(private), config={"threads": THREADS, "memory_limit": MEMORY_LIMIT})) as con:
            con.execute("SET enable_progress_bar = false")  # a build has no terminal to draw it on
            # One transaction: the many small statements (a COMMENT a column) do not commit one by one.
            con.execute("BEGIN TRANSACTION")
            _write_tables(con, tables)
            for step in steps:
                step(con)
            kill_point("publish_build")
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        with open(private, "rb") as f:  # on disk before it can be swapped in
            os.fsync(f.fileno())
        yield build
    finally:
        if not build.published:
            _discard(private)


def publish(path: str | Path, tables: dict[str, Table], steps: Sequence[BuildStep] = ()) -> Path:
    """Write `tables` and run `steps` in a new private file, then swap it in."""
    with staged(path, tables, steps) as build:
        return build.publish()


def query(path: str | Path, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run one read-only query against a warehouse file."""
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


@dataclass(frozen=True)
class TableInfo:
    rows: int
    columns: list[tuple[str, str, str | None]]  # name, DuckDB type, comment
    preview: pl.DataFrame


def describe(path: str | Path, tables: Sequence[str], preview_rows: int = 10) -> dict[str, TableInfo]:
    """Row count, columns (with types and comments) and the first rows of each table, in one connection."""
    out = {}
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        for table in tables:
            columns = con.sql("SELECT column_name, data_type, comment FROM duckdb_columns() "
                              "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
                              params=[table]).fetchall()
            # The table name is one of ours.
            rows = con.sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            preview = pl.from_arrow(con.sql(f'SELECT * FROM "{table}" LIMIT ?', params=[preview_rows]).to_arrow_table())
            out[table] = TableInfo(rows, columns, preview)
    return out


def _wal(path: Path) -> Path:
    return Path(str(path) + ".wal")


def _discard(private: Path) -> None:
    private.unlink(missing_ok=True)
    _wal(private).unlink(missing_ok=True)


def remove_abandoned_builds(path: str | Path) -> list[Path]:
    """Remove the private files of builds whose process is gone (killed before its clean-up could run)."""
    path = Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.building$")
    removed = []
    for candidate in path.parent.glob(f".{path.name}.*.building"):
        m = pattern.match(candidate.name)
        if m and not alive(int(m.group(1))):
            _discard(candidate)
            removed.append(candidate)
    return removed


def data_dictionary(path: str | Path) -> str:
    """The data dictionary (Markdown) of a published warehouse: its tables, columns, types and comments."""
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        return dictionary.render_markdown(con, table_docs())
