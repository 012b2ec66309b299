"""Writing files so that a crash at any moment leaves either the old file or the new one, whole.

SQLite's rule for an atomic commit, by rename: write the new content under a temporary name, fsync it,
rename it over the old name, fsync the folder (so that the rename itself survives a power cut). A
temporary name carries the pid of its writer: one left by a killed process is known as such and
removed by the next writer of that folder, or by `gongkai doctor`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import polars as pl

STAMP_KEY = "gongkai.stamp"  # parquet key-value metadata: what a file was derived from
# Rows in a parquet row group: DuckDB's own row group. The warehouse copies the facts in the order of
# their files, one batch a parquet row group; a batch of DuckDB's size is written as it comes, a
# smaller one is first merged with its neighbours (every cell appended twice: a fifth more work).
ROW_GROUP_ROWS = 122_880
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.(?:tmp|building)$")


def temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(frame: pl.DataFrame | pl.LazyFrame, path: Path, stamp: str | None = None,
                 statistics: bool = False) -> None:
    """Write `frame` as parquet at `path`, atomically and durably: readers, and the next run after a
    crash, see the previous file or this one, never a part. `stamp` is kept in the file's metadata."""
    tmp = temporary_name(path)
    metadata = {STAMP_KEY: stamp} if stamp is not None else None
    if isinstance(frame, pl.LazyFrame):
        frame.sink_parquet(tmp, statistics=statistics, metadata=metadata, row_group_size=ROW_GROUP_ROWS)
    else:
        frame.write_parquet(tmp, statistics=statistics, metadata=metadata, row_group_size=ROW_GROUP_ROWS)
    commit_file(tmp, path)


def write_text_atomic(text: str, path: Path) -> None:
    tmp = temporary_name(path)
    tmp.write_text(text, encoding="utf-8")
    commit_file(tmp, path)


def commit_file(tmp: Path, path: Path) -> None:
    """fsync `tmp`, rename it to `path`, fsync the folder."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def stamp_of(path: Path) -> str | None:
    """The stamp written with a parquet file; None for a file missing, unreadable or without one."""
    try:
        return pl.read_parquet_metadata(path).get(STAMP_KEY)
    except (OSError, pl.exceptions.PolarsError):
        return None


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(folder: Path, recursive: bool = False) -> list[Path]:
    """Temporary files under `folder` whose writer is gone: killed before it could rename or remove them."""
    if not folder.is_dir():
        return []
    candidates = folder.rglob(".*") if recursive else folder.glob(".*")
    found = []
    for path in candidates:
        m = _TEMPORARY.match(path.name)
        if m and path.is_file() and not alive(int(m.group(1))):
            found.append(path)
    return sorted(found)


def remove_abandoned(folder: Path, recursive: bool = False) -> list[Path]:
    removed = abandoned(folder, recursive)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
