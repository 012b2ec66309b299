"""`gongkai doctor`: the state folder checked against the warehouse and the raw folder, and repaired
where what is wrong can be derived again.

What it looks at, and what it does (without `--check`):
- temporary files of writers that are gone, private builds of the warehouse: removed;
- segments of parsed files that are incomplete (a worker killed between its parts) or unreadable:
  removed, so that the next run parses their files again;
- segments of another parser's version: removed (a new parser reads everything again anyway);
- the caches (`hashes.parquet`, `years.parquet`, the recorded index) when unreadable: removed, and the
  hashes taken again from the raw folder;
- the catalog when unreadable: rebuilt from the files in the folder (their history is lost: said so);
- a year's asset files when unreadable: removed; years whose assets are not all derived from the store
  as it is (a killed run): named, the next run does them again;
- the warehouse: missing, unreadable, or not built from the years as they are; files in the raw folder
  without a current row in it, current rows without their file: named, the next run publishes.
It takes the store's locks without waiting: while a run holds one, it only looks.

Free of Dagster: it runs, like the plan of a run, without starting it.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines.durable import abandoned, write_atomic
from pipelines.incremental import CATALOG_SCHEMA, IS_CURRENT, Store, apply_versions, list_files
from pipelines.parse_all import PARTS, segment_path
from pipelines.warehouse import query, remove_abandoned_builds

from .commits import (YEAR_ASSETS, asset_file, materialised_years, published_stamp, uncommitted_years,
                      warehouse_stamp)


@dataclass
class Report:
    """What the doctor found: what it repaired, what the next run will do, what it could not mend."""

    repaired: list[str] = field(default_factory=list)
    to_repair: list[str] = field(default_factory=list)  # found while only looking (--check, or a run under way)
    for_the_next_run: list[str] = field(default_factory=list)
    not_repaired: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not (self.repaired or self.to_repair or self.for_the_next_run or self.not_repaired)

    def lines(self) -> list[str]:
        return ([f"repaired: {m}" for m in self.repaired] + [f"to repair: {m}" for m in self.to_repair]
                + [f"next run: {m}" for m in self.for_the_next_run]
                + [f"not repaired: {m}" for m in self.not_repaired]) or ["the state folder, the warehouse and the raw "
                                                                         "folder agree"]


def _readable(path: Path) -> bool:
    try:
        pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        return False
    return True


@contextmanager
def _locks(store: Store) -> Iterator[bool]:
    """Every lock of the store, without waiting: True if all were taken (no run is under way)."""
    folder = store.root / "locks"
    with ExitStack() as stack:
        taken = True
        for path in sorted(folder.glob("*.lock")) if folder.is_dir() else []:
            handle = stack.enter_context(open(path, "a+"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                taken = False
                break
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        yield taken


def doctor(raw_dir: str | Path, state_path: str | Path, warehouse: str | Path, repair: bool = True) -> Report:
    store, report = Store(state_path), Report()
    with _locks(store) as free:
        if not free:
            report.not_repaired.append("a run holds the store's locks: looked only; run doctor again once it ends")
            repair = False
        _temporaries(store, Path(warehouse), report, repair)
        _segments(store, report, repair)
        _caches(store, raw_dir, report, repair)
        _catalog(store, raw_dir, report, repair)
        _years(store, report, repair)
    _warehouse(store, raw_dir, Path(warehouse), report)
    return report


def _act(report: Report, repair: bool, problem: str, remedy: str, action) -> None:
    """Say what is wrong and what mends it; mend it when repairing."""
    if repair:
        action()
        report.repaired.append(f"{problem}: {remedy}")
    else:
        report.to_repair.append(f"{problem}: to be {remedy}")


def _temporaries(store: Store, warehouse: Path, report: Report, repair: bool) -> None:
    left = abandoned(store.root, recursive=True)
    if left:
        _act(report, repair, f"{len(left)} temporary files of killed runs", "removed",
             lambda: [p.unlink(missing_ok=True) for p in left])
    if repair and warehouse.parent.is_dir():
        removed = remove_abandoned_builds(warehouse)
        if removed:
            report.repaired.append(f"{len(removed)} private builds of the warehouse by killed runs removed")


def _segments(store: Store, report: Report, repair: bool) -> None:
    parsed = store.root / "parsed"
    for other in sorted(p for p in parsed.iterdir() if p.is_dir() and p.name != store.version) \
            if parsed.is_dir() else []:
        _act(report, repair, f"segments of another parser's version ({other.name})", "removed",
             lambda other=other: shutil.rmtree(other))
    current = store.parsed_dir()
    for folder in sorted(p for p in current.iterdir() if p.is_dir()) if current.is_dir() else []:
        partition = folder.name
        incomplete = store.incomplete_segments(partition)
        if incomplete:
            _act(report, repair, f"{partition}: {len(incomplete)} parts of incomplete segments", "removed",
                 lambda incomplete=incomplete: [p.unlink(missing_ok=True) for p in incomplete])
        for reports_part in sorted(folder.glob("*.reports.parquet")):
            prefix = str(reports_part).removesuffix(".reports.parquet")
            parts = [segment_path(prefix, part) for part in PARTS]
            if all(p.exists() and _readable(p) for p in parts):
                continue
            files = _rows(reports_part)
            _act(report, repair, f"{partition}: an unreadable segment ({Path(prefix).name}, "
                                 f"{files if files is not None else 'an unknown number of'} files)",
                 "removed; the next run parses its files again", lambda parts=parts: [p.unlink(missing_ok=True) for p in parts])


def _rows(path: Path) -> int | None:
    try:
        return pl.read_parquet(path).height
    except (OSError, pl.exceptions.PolarsError):
        return None


def _caches(store: Store, raw_dir: str | Path, report: Report, repair: bool) -> None:
    for path in (store.hashes_path, store.years_path, store.index_path):
        if path.exists() and not _readable(path):
            _act(report, repair, f"an unreadable cache ({path.relative_to(store.root)})", "removed",
                 lambda path=path: path.unlink(missing_ok=True))
    if repair and not store.hashes_path.exists() and Path(raw_dir).is_dir() and store.catalog_path.exists():
        store.hashes(list_files(raw_dir))
        report.repaired.append("the hashes of the raw folder's files taken again (hashes.parquet rebuilt)")


def _catalog(store: Store, raw_dir: str | Path, report: Report, repair: bool) -> None:
    if not store.catalog_path.exists() or _readable(store.catalog_path):
        return

    def rebuild() -> None:
        index = store.index(raw_dir)
        catalog = apply_versions(pl.DataFrame(schema=CATALOG_SCHEMA), index, datetime.now(UTC),
                                 present=index["source_file"])
        write_atomic(catalog, store.catalog_path, statistics=True)

    _act(report, repair, "the catalog is unreadable", "rebuilt from the files now in the raw folder (the history "
                         "of earlier versions, removed files and earlier paths is lost)", rebuild)


def _years(store: Store, report: Report, repair: bool) -> None:
    for partition in materialised_years(store.root):
        for name in YEAR_ASSETS:
            path = asset_file(store.root, [name], partition)
            if path.exists() and not _readable(path):
                _act(report, repair, f"{partition}: an unreadable {name} file", "removed",
                     lambda path=path: path.unlink(missing_ok=True))
    if not store.catalog_path.exists() or not _readable(store.catalog_path):
        return
    undone = uncommitted_years(store)
    if undone:
        report.for_the_next_run.append(f"years not done (a run was stopped, or the store changed since): "
                                       f"{', '.join(sorted(undone))}; the next run does them again")


def _warehouse(store: Store, raw_dir: str | Path, warehouse: Path, report: Report) -> None:
    if not warehouse.exists():
        report.for_the_next_run.append(f"no warehouse at {warehouse}: the next run publishes one")
        return
    try:
        current = query(warehouse, "SELECT source_file FROM reports WHERE superseded_by IS NULL AND removed_at IS NULL")
    except Exception as e:  # duckdb's errors, of a file that is not a warehouse of this version
        report.for_the_next_run.append(f"the warehouse cannot be read ({type(e).__name__}): the next run publishes it")
        return
    if published_stamp(store.root) != warehouse_stamp(store.root):
        report.for_the_next_run.append("the warehouse was not built from the years as they are: the next run "
                                       "publishes it")
    if not Path(raw_dir).is_dir():
        report.not_repaired.append(f"raw folder not found: {raw_dir}")
        return
    files = set(list_files(raw_dir)["source_file"])
    recorded = set(current["source_file"])
    missing, gone = files - recorded, recorded - files
    if missing or gone:
        report.for_the_next_run.append(f"the warehouse differs from the raw folder: {len(missing)} files without "
                                       f"a current row, {len(gone)} current rows without their file")
    catalog = store.catalog() if store.catalog_path.exists() and _readable(store.catalog_path) else None
    if catalog is not None and catalog.filter(IS_CURRENT)["source_file"].is_duplicated().any():
        report.not_repaired.append("the catalog holds two current versions of one file")
