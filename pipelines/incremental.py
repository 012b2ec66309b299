"""What was ingested before, so that a run parses only what is new.

A store is a folder of parquet files:

    catalog.parquet                               every version of every file ever ingested
    hashes.parquet                                sha256 of each raw file by (path, size, mtime, inode)
    parsed/<code version>/<partition>/<id>.<part>.parquet    parsed segments (see parse_all)
    parsed/<code version>/years.parquet           the report year of bytes read (sha256, year)

The same bytes are parsed once, whatever their path and however often they are seen again: the
report_id is the sha256's head. A file whose bytes change is a new version of that file: the earlier
version is marked superseded (`superseded_by`, `superseded_at`) and kept with its facts, so the
warehouse keeps what it once said and "current" views leave it out. A file renamed or moved (the same
bytes at a new path while the old path is gone) is the same version under its new name, its earlier
names kept in `previous_source_files`; a file gone from the folder keeps its row, marked `removed_at`,
until it comes back. Parsed results are filed under a fingerprint of the parser's code: a new parser
re-reads everything once, an unchanged one never does.

Crash consistency. Every file is written under a temporary name, fsynced and renamed into place (see
`durable`); a segment is complete only once its reports part exists, and the catalog is replaced whole.
What a year's assets were derived from is their `stamp` (see `Store.stamp`): a year whose stamps do
not match the store is not done, and the next run does it again, whatever moment the last one died.

Partitions are report years (the year in the title, as the parser reads it), and `undated` for files
that name none, or a year outside the range a report can have.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from .discover import report_files
from .durable import remove_abandoned, write_atomic
from .frames import FACTS_SCHEMA, FINDINGS_SCHEMA, REPORTS_SCHEMA
from .killpoint import kill_point
from .parse_all import COMPLETE_PART, FAILURES_SCHEMA, PARTS, Progress, hash_files, parse_to_segments, years_of

UNDATED = "undated"
FIRST_YEAR = 2008  # the 政府信息公开条例 took effect in May 2008: the first annual reports cover 2008

LISTING_SCHEMA = {"source_file": pl.String, "path": pl.String, "size_bytes": pl.Int64, "mtime_ns": pl.Int64,
                  "inode": pl.Int64}
# What a stat tells of a file, and so what must be equal for its recorded sha256 to be trusted.
STAT_KEY = ["path", "size_bytes", "mtime_ns", "inode"]
HASHES_SCHEMA = {**{k: LISTING_SCHEMA[k] for k in STAT_KEY}, "sha256": pl.String, "hashed_at_ns": pl.Int64}
# A file modified this close to (or after) the moment its hash was taken may have changed again within
# the file system's time-stamp granularity without its mtime moving: it is hashed again ("racily
# clean" in git's terms) until a hash taken well after its last modification is on record.
RACY_NS = 2_000_000_000
INDEX_SCHEMA = {**LISTING_SCHEMA, "sha256": pl.String, "report_id": pl.String, "partition": pl.String,
                "parsed": pl.Boolean}
TIMESTAMP = pl.Datetime("us", "UTC")
CATALOG_SCHEMA = {
    "source_file": pl.String,
    "sha256": pl.String,
    "report_id": pl.String,
    "partition": pl.String,
    "size_bytes": pl.Int64,
    "mtime_ns": pl.Int64,
    "ingested_at": TIMESTAMP,
    "superseded_by": pl.String,
    "superseded_at": TIMESTAMP,
    "removed_at": TIMESTAMP,
    "previous_source_files": pl.List(pl.String),
}
# The history of a file: replaced by newer bytes, gone from the folder, known before under other names.
HISTORY_SCHEMA = {"superseded_by": pl.String, "superseded_at": TIMESTAMP, "removed_at": TIMESTAMP,
                  "previous_source_files": pl.List(pl.String)}
# The reports of a partition: the contract's columns, then the history of the file.
PARTITION_REPORTS_SCHEMA = {**REPORTS_SCHEMA, **HISTORY_SCHEMA}
# A version the folder holds now: not replaced by newer bytes, not removed. The marts' filter.
IS_CURRENT = pl.col("superseded_by").is_null() & pl.col("removed_at").is_null()

# Modules whose code does not change what a file parses into: editing them keeps the parsed results.
_NOT_PARSER = {"incremental.py", "parse_all.py", "corpus.py", "warehouse.py", "marts.py", "continuity.py", "agency.py", "discover.py", "export.py", "durable.py",
               "killpoint.py", "crashes.py", "snapshot.py", "bodies.py", "check.py", "check_output.py",
               "corpus_pdf.py", "corpus_word_html.py", "render_docx.py"}
_ROOT = Path(__file__).resolve().parent.parent


def _to_read(files: pl.DataFrame, content: str) -> pl.DataFrame:
    """The files to read (for their cells, or their year), one a content (`content`: the column naming
    their bytes), in the order of their paths. The index's rows come in an order its joins do not keep
    from one run to the next, and the chunks parsed (hence the segments, and the order of a year's
    facts) must be the same for the same files. Of files with the same bytes, the first path is read."""
    return files.sort("path").unique(content, keep="first", maintain_order=True)


def year_partitions(last_year: int | None = None) -> list[str]:
    """Partition keys: every report year from 2008 to `last_year` (this year by default), and undated."""
    last = last_year or date.today().year
    return [str(y) for y in range(FIRST_YEAR, last + 1)] + [UNDATED]


def partition_of(year: int | None, last_year: int | None = None) -> str:
    last = last_year or date.today().year
    return str(year) if year is not None and FIRST_YEAR <= year <= last else UNDATED


def code_version() -> str:
    """A fingerprint of the code that makes a segment: the parser, the forms, and the findings and
    schema checks the workers add to it (validate, identities, schemas), and the parts it holds."""
    digest = hashlib.sha256(repr(PARTS).encode())
    sources = sorted([*(_ROOT / "pipelines").rglob("*.py"), *(_ROOT / "schemas").rglob("*.py")])
    for path in sources:
        if path.name in _NOT_PARSER or path.parent.name == "corpus":
            continue
        digest.update(path.relative_to(_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- the raw folder ----------------------------------------------------------------------------------


def list_files(raw_dir: str | Path) -> pl.DataFrame:
    """Every report file under raw_dir with its size and modification time: what a stat tells, cheaply."""
    files = report_files(raw_dir)
    return pl.DataFrame(
        {
            "source_file": [name for name, _, _ in files],
            "path": [path for _, path, _ in files],
            "size_bytes": [s.st_size for _, _, s in files],
            "mtime_ns": [s.st_mtime_ns for _, _, s in files],
            "inode": [s.st_ino for _, _, s in files],
        },
        schema=LISTING_SCHEMA,
    )


@dataclass
class Changes:
    """How the raw folder differs from what the store has ingested."""

    new: pl.DataFrame  # index rows whose bytes are not the current version of their file
    superseded: pl.DataFrame  # catalog rows that those new versions replace
    unparsed: pl.DataFrame  # index rows whose bytes the current parser has not read
    removed: pl.DataFrame  # catalog rows of current files no longer in the folder (or moved away)

    @property
    def partitions(self) -> list[str]:
        keys = (set(self.new["partition"]) | set(self.superseded["partition"]) | set(self.unparsed["partition"])
                | set(self.removed["partition"]))
        return sorted(keys)

    @property
    def empty(self) -> bool:
        return self.new.is_empty() and self.superseded.is_empty() and self.unparsed.is_empty() \
            and self.removed.is_empty()


def changes(index: pl.DataFrame, catalog: pl.DataFrame) -> Changes:
    """What a run over `index` (see Store.index) would add to `catalog`, by file version."""
    current = catalog.filter(IS_CURRENT)
    new = index.join(current, on=["source_file", "sha256"], how="anti")
    superseded = current.join(new.select("source_file", new_sha=pl.col("sha256")), on="source_file", how="inner") \
        .filter(pl.col("sha256") != pl.col("new_sha")).drop("new_sha")
    removed = current.join(index, on="source_file", how="anti")
    return Changes(new, superseded, index.filter(~pl.col("parsed")), removed)


def apply_versions(catalog: pl.DataFrame, files: pl.DataFrame, now: datetime,
                   present: pl.Series | None = None, partition: str | None = None) -> pl.DataFrame:
    """The catalog after seeing `files` (index rows) while the raw folder holds the paths `present`
    (those of `files` unless given):
    - bytes at a path new to them, whose current version's path is gone from the folder, are that file
      renamed or moved: its row takes the new path and keeps the old one in `previous_source_files`;
    - a version seen again is current again (neither superseded nor removed); size, time and partition
      follow the file;
    - unseen versions are added, and every other current version of the same path is superseded;
    - a current version whose path is gone is marked `removed_at` (only those of `partition`, if given).
    Pure: the store writes the result."""
    key = ["source_file", "sha256"]
    present = files["source_file"] if present is None else present
    seen = files.select(*key, "report_id", "partition", "size_bytes", "mtime_ns")
    catalog = _renamed(catalog, seen, present)
    known = catalog.join(seen.select(*key, "partition", "size_bytes", "mtime_ns"), on=key, how="left", suffix="_now")
    is_seen = pl.col("size_bytes_now").is_not_null()
    known = known.with_columns(
        partition=pl.coalesce("partition_now", "partition"),
        size_bytes=pl.coalesce("size_bytes_now", "size_bytes"),
        mtime_ns=pl.coalesce("mtime_ns_now", "mtime_ns"),
        superseded_by=pl.when(is_seen).then(None).otherwise(pl.col("superseded_by")),
        superseded_at=pl.when(is_seen).then(None).otherwise(pl.col("superseded_at")),
        removed_at=pl.when(is_seen).then(None).otherwise(pl.col("removed_at")),
    ).select(CATALOG_SCHEMA.keys())
    added = seen.join(catalog, on=key, how="anti").with_columns(
        ingested_at=pl.lit(now, TIMESTAMP), superseded_by=pl.lit(None, pl.String), superseded_at=pl.lit(None, TIMESTAMP),
        removed_at=pl.lit(None, TIMESTAMP), previous_source_files=pl.lit([], CATALOG_SCHEMA["previous_source_files"]),
    ).select(CATALOG_SCHEMA.keys())
    merged = pl.concat([known, added]).join(
        seen.select("source_file", now_sha=pl.col("sha256"), now_id=pl.col("report_id")), on="source_file", how="left")
    replaced = pl.col("now_sha").is_not_null() & (pl.col("sha256") != pl.col("now_sha")) & pl.col("superseded_by").is_null()
    gone = IS_CURRENT & ~pl.col("source_file").is_in(present.implode())
    if partition is not None:
        gone = gone & (pl.col("partition") == partition)
    return (
        merged.with_columns(
            superseded_by=pl.when(replaced).then(pl.col("now_id")).otherwise(pl.col("superseded_by")),
            superseded_at=pl.when(replaced).then(pl.lit(now, TIMESTAMP)).otherwise(pl.col("superseded_at")),
        )
        .with_columns(removed_at=pl.when(gone).then(pl.lit(now, TIMESTAMP)).otherwise(pl.col("removed_at")))
        .select(CATALOG_SCHEMA.keys())
        .cast(CATALOG_SCHEMA)
        .sort("source_file", "ingested_at", "sha256")
    )


def _renamed(catalog: pl.DataFrame, seen: pl.DataFrame, present: pl.Series) -> pl.DataFrame:
    """The catalog with renamed and moved files under their new paths. Bytes new at a path are paired
    with the current versions of the same bytes whose paths are gone, in path order: two copies moved
    are two renames, and a copy left behind is a copy, not a rename."""
    unseen = seen.join(catalog, on=["source_file", "sha256"], how="anti")
    gone = catalog.filter(pl.col("superseded_by").is_null() & ~pl.col("source_file").is_in(present.implode()))
    if unseen.is_empty() or gone.is_empty():
        return catalog

    def ranked(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.sort("source_file").select(
            "sha256", pl.int_range(pl.len()).over("sha256").alias("rank"), pl.col("source_file").alias(name))

    pairs = ranked(unseen, "new_file").join(ranked(gone, "old_file"), on=["sha256", "rank"]).drop("rank")
    return (
        catalog.join(pairs, left_on=["source_file", "sha256"], right_on=["old_file", "sha256"], how="left")
        .with_columns(
            previous_source_files=pl.when(pl.col("new_file").is_not_null())
            .then(pl.concat_list("previous_source_files", "source_file"))
            .otherwise(pl.col("previous_source_files")),
            source_file=pl.coalesce("new_file", "source_file"),
        )
        .select(CATALOG_SCHEMA.keys())
    )


# --- the store ---------------------------------------------------------------------------------------


@dataclass
class Ingested:
    """What one ingest of a partition did."""

    partition: str
    files: int  # files of the partition seen
    parsed: int  # files parsed now (the rest were known by their bytes)
    catalog_changed: bool

    @property
    def changed(self) -> bool:
        return self.parsed > 0 or self.catalog_changed


@dataclass
class PartitionFrames:
    reports: pl.DataFrame  # every version of every file of the partition, superseded ones included
    facts: pl.LazyFrame
    parse_findings: pl.LazyFrame


class Store:
    def __init__(self, root: str | Path, version: str | None = None):
        self.root = Path(root)
        self.version = version or code_version()

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.parquet"

    def parsed_dir(self, partition: str | None = None) -> Path:
        base = self.root / "parsed" / self.version
        return base / partition if partition else base

    def catalog(self) -> pl.DataFrame:
        if not self.catalog_path.exists():
            return pl.DataFrame(schema=CATALOG_SCHEMA)
        catalog = pl.read_parquet(self.catalog_path)
        # A catalog written before files could be renamed or removed: no file was, yet.
        missing = {name: pl.lit([] if name == "previous_source_files" else None, dtype)
                   for name, dtype in CATALOG_SCHEMA.items() if name not in catalog.columns}
        return catalog.with_columns(**missing).select(CATALOG_SCHEMA.keys()) if missing else catalog

    def last_change(self) -> float:
        """When the store last changed (a new segment or a new catalog), as a POSIX time; 0 if never."""
        stamp = self.root / "changed"
        return stamp.stat().st_mtime if stamp.exists() else 0.0

    def _touch(self) -> None:
        (self.root / "changed").write_text(datetime.now(UTC).isoformat())

    def known_partitions(self) -> pl.DataFrame:
        """sha256 and partition of every file the current parser has read."""
        files = sorted(self.parsed_dir().glob("*/*.reports.parquet"))
        if not files:
            return pl.DataFrame(schema={"sha256": pl.String, "partition": pl.String})
        return (
            pl.scan_parquet(files, include_file_paths="file")
            .select("sha256", partition=pl.col("file").str.split("/").list.get(-2))
            .unique("sha256")
            .collect()
        )

    def index(self, raw_dir: str | Path, last_year: int | None = None, workers: int | None = None,
              parse: bool = False, progress: Progress | None = None) -> pl.DataFrame:
        """Every report file under raw_dir with its sha256 and partition. The bytes, not the time
        stamps, say whether a file changed, but like git's index the store trusts a sha256 it took of
        a file whose path, size, mtime and inode are all unchanged since (see `hashes`); the year is
        read only for bytes the parser has not read yet. With `parse`, it is read by parsing them (see
        `parse_new`): each new file is read once in a run."""
        listing = list_files(raw_dir)
        recorded = self.recorded_index(listing, last_year)
        return recorded if recorded is not None else self.index_listing(listing, last_year, workers, parse, progress)

    @property
    def index_path(self) -> Path:
        return self.parsed_dir() / "index.parquet"

    def _index_stamp(self, last_year: int | None) -> str:
        """What an index depends on besides the listing: the parsed segments (the store's last change),
        the hashes on record and the last report year."""
        hashes = self.hashes_path.stat().st_mtime_ns if self.hashes_path.exists() else 0
        return f"{self.last_change()!r}/{hashes}/{last_year or date.today().year}"

    def record_index(self, index: pl.DataFrame, last_year: int | None = None) -> None:
        """Keep an index for the next `index` of the same folder: a run that planned from an index does
        not hash, scan the segments and read years again moments later in its index asset."""
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(index.with_columns(stamp=pl.lit(self._index_stamp(last_year))), self.index_path)

    def recorded_index(self, listing: pl.DataFrame, last_year: int | None = None) -> pl.DataFrame | None:
        """The recorded index, if it is what `index_listing` would make of `listing` now: the same files
        with the same stat, nothing parsed or hashed since, and no file hashed too soon after it was
        written (that one is read again, see `hashes`)."""
        if not self.index_path.exists():
            return None
        recorded = pl.read_parquet(self.index_path)
        if recorded.is_empty() or recorded["stamp"][0] != self._index_stamp(last_year):
            return None
        recorded = recorded.drop("stamp")
        if not recorded.select(LISTING_SCHEMA.keys()).equals(listing.sort("source_file")):
            return None
        on_record = pl.read_parquet(self.hashes_path).join(recorded.select(STAT_KEY), on=STAT_KEY, how="semi")
        trusted = on_record.filter(pl.col("mtime_ns") + RACY_NS <= pl.col("hashed_at_ns"))
        return recorded if trusted.height == recorded.height else None

    def index_listing(self, listing: pl.DataFrame, last_year: int | None = None, workers: int | None = None,
                      parse: bool = False, progress: Progress | None = None) -> pl.DataFrame:
        """Store.index for the files of a listing."""
        index = self.hashes(listing, workers).with_columns(
            report_id=pl.col("sha256").str.head(16))
        known = self.known_partitions()
        if parse and not index.join(known, on="sha256", how="anti").is_empty():
            known = self.parse_new(index, last_year, workers, progress)
        index = index.join(known, on="sha256", how="left")
        unknown = index.filter(pl.col("partition").is_null())
        # Bytes still unknown (not parsed, or their file could not be read when it was): their year
        # from the title, as the parser reads it.
        found = unknown.join(self._years_of(unknown, workers), on="sha256", how="left")
        found = found.select("path", year_partition=pl.Series([partition_of(y, last_year) for y in found["year"]],
                                                              dtype=pl.String))
        return (
            index.join(found, on="path", how="left")
            .with_columns(parsed=pl.col("partition").is_not_null(),
                          partition=pl.coalesce("partition", "year_partition"))
            .select(INDEX_SCHEMA.keys())
            .cast(INDEX_SCHEMA)
            .sort("source_file")
        )

    def parse_new(self, files: pl.DataFrame, last_year: int | None = None, workers: int | None = None,
                  progress: Progress | None = None) -> pl.DataFrame:
        """Parse the files (index rows: path, source_file, sha256) whose bytes the parser has not read,
        each into the partition of the year it reads: the year of a file is known by parsing it, so new
        bytes are read once, to find their year and their cells together. Returns `known_partitions`."""
        with self._lock("parse"):  # one parse of new bytes at a time: the same bytes are parsed once
            known = self.known_partitions()
            todo = _to_read(files.join(known, on="sha256", how="anti"), "sha256")
            if todo.is_empty():
                return known
            parse_to_segments(list(zip(todo["path"], todo["source_file"])), self.parsed_dir(), workers, progress,
                              route=partial(partition_of, last_year=last_year))
            self._touch()
            return self.known_partitions()

    @property
    def hashes_path(self) -> Path:
        return self.root / "hashes.parquet"

    def hashes(self, listing: pl.DataFrame, workers: int | None = None) -> pl.DataFrame:
        """The listing with the sha256 of each file. A file is read only when no hash of it is on record
        for its present (path, size, mtime_ns, inode), or when that hash was taken within RACY_NS of
        its mtime; so a rerun over an unchanged folder costs a stat a file. The known limit: bytes
        rewritten in place with the same size, and the mtime then set back (or kept, on a file system
        whose time stamps are coarser than RACY_NS), look unchanged until the file is touched."""
        on_record = (pl.read_parquet(self.hashes_path) if self.hashes_path.exists()
                     else pl.DataFrame(schema=HASHES_SCHEMA))
        trusted = on_record.filter(pl.col("mtime_ns") + RACY_NS <= pl.col("hashed_at_ns"))
        known = listing.join(trusted.select(*STAT_KEY, "sha256"), on=STAT_KEY, how="left")
        todo = known.filter(pl.col("sha256").is_null())
        if todo.is_empty():
            return known
        hashed_at = time.time_ns()  # before reading: a write during the read makes the hash racy
        fresh = todo.with_columns(sha256=pl.Series(hash_files(todo["path"].to_list(), workers), dtype=pl.String))
        # Records of other paths stay (another listing may hold them); those of paths hashed now are replaced.
        record = pl.concat([
            on_record.join(fresh.select("path"), on="path", how="anti"),
            fresh.select(*STAT_KEY, "sha256", hashed_at_ns=pl.lit(hashed_at, pl.Int64)),
        ]).cast(HASHES_SCHEMA)
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(record, self.hashes_path)  # a cache: a lost concurrent update is hashed again later
        return known.update(fresh.select("path", "sha256"), on="path")

    @property
    def years_path(self) -> Path:
        return self.parsed_dir() / "years.parquet"

    def _years_of(self, files: pl.DataFrame, workers: int | None) -> pl.DataFrame:
        """The report year of each file's bytes (sha256, year). Reading a year decodes the file, and a
        run asks twice (to plan, then in its index asset) for bytes not parsed yet: years read once are
        kept by sha256, beside the parsed segments of the parser that read them."""
        schema = {"sha256": pl.String, "year": pl.Int32}
        known = pl.read_parquet(self.years_path) if self.years_path.exists() else pl.DataFrame(schema=schema)
        todo = _to_read(files.join(known, on="sha256", how="anti"), "sha256")
        if todo.is_empty():
            return known
        read = pl.DataFrame({"sha256": todo["sha256"], "year": years_of(todo["path"].to_list(), workers)},
                            schema=schema)
        known = pl.concat([known, read])
        self.years_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(known, self.years_path)  # a cache: a lost concurrent update is read again later
        return known

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        """An exclusive lock of the store's `name`. An flock: the kernel releases it when its process
        dies, however it dies, so the lock of a killed run is free for the next one; the holder writes
        its pid in the file, for `gongkai doctor` to name."""
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{name}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.truncate(0)
                handle.write(str(os.getpid()))
                handle.flush()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def incomplete_segments(self, partition: str) -> list[Path]:
        """Parts of segments without their reports part: a worker killed while writing them."""
        folder = self.parsed_dir(partition)
        complete = {p.name.removesuffix(f".{COMPLETE_PART}.parquet") for p in folder.glob(f"*.{COMPLETE_PART}.parquet")}
        return sorted(p for p in folder.glob("*.parquet")
                      if p.name.split(".")[0] not in complete and p.name != "index.parquet")

    def clean_partition(self, partition: str) -> list[Path]:
        """Remove what killed runs left in a partition's folder: temporary files and incomplete
        segments. Run under the parse lock, so no live writer owns them."""
        folder = self.parsed_dir(partition)
        removed = [*remove_abandoned(folder), *self.incomplete_segments(partition)]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def stamp(self, partition: str, catalog: pl.DataFrame | None = None) -> str:
        """The fingerprint of what the partition's frames are now made of: its versions in the catalog
        whose bytes the parser has read (the rows of `frames(partition).reports`)."""
        catalog = self.catalog() if catalog is None else catalog
        ids = list(self.parsed_ids(partition))
        rows = catalog.filter((pl.col("partition") == partition) & pl.col("report_id").is_in(ids))
        return fingerprint(rows, self.version)

    def parsed_ids(self, partition: str) -> set[str]:
        files = sorted(self.parsed_dir(partition).glob("*.reports.parquet"))
        if not files:
            return set()
        return set(pl.scan_parquet(files).select("report_id").collect()["report_id"])

    def ingest(self, index: pl.DataFrame, partition: str, workers: int | None = None,
               progress: Progress | None = None, now: datetime | None = None) -> Ingested:
        """Parse the files of one partition (rows of `index`) whose bytes are new, and record their
        versions. A file of this partition that now belongs to another (its new bytes name another
        year) has its new version recorded too, so that the version here is superseded now; the new one
        joins its partition's frames when that partition has parsed it."""
        files = index.filter(pl.col("partition") == partition)
        with self._lock(f"partition-{partition}"):
            # Under the parse lock: a segment half-written is a dead writer's, and bytes that a run's
            # index is parsing now are not parsed twice.
            with self._lock("parse"):
                self.clean_partition(partition)
                known = self.parsed_ids(partition)
                todo = _to_read(files.filter(~pl.col("report_id").is_in(list(known))), "report_id")
                if todo.height:
                    parse_to_segments(list(zip(todo["path"], todo["source_file"])), self.parsed_dir(partition),
                                      workers, progress)
                elif progress:
                    progress(0, 0)  # nothing new to parse: known by their bytes
            kill_point("parsed")
            with self._lock("catalog"):
                catalog = self.catalog()
                here = catalog.filter(pl.col("superseded_by").is_null() & (pl.col("partition") == partition))
                moved = index.filter(pl.col("partition") != partition).join(here, on="source_file", how="semi")
                updated = apply_versions(catalog, pl.concat([files, moved]), now or datetime.now(UTC),
                                         present=index["source_file"], partition=partition)
                changed = not updated.equals(catalog.sort("source_file", "ingested_at", "sha256"))
                if changed:
                    self.root.mkdir(parents=True, exist_ok=True)
                    remove_abandoned(self.root)
                    # The commit point of the versions: the whole catalog, replaced by one rename.
                    write_atomic(updated, self.catalog_path, statistics=True)
                    kill_point("catalog_committed")
                if changed or todo.height:
                    self._touch()
        return Ingested(partition, files.height, todo.height, changed)

    def frames(self, partition: str) -> PartitionFrames:
        """Every version of every file of a partition, with the cells and parse findings of their bytes."""
        versions = self.catalog().filter(pl.col("partition") == partition)
        parsed = self._scan(partition, "reports", REPORTS_SCHEMA).drop("source_file", "duplicate_of").collect() \
            .unique("report_id", keep="first")
        current = IS_CURRENT
        first = (versions.filter(current).sort("source_file").group_by("report_id")
                 .agg(first_file=pl.col("source_file").first()))
        duplicate = current & pl.col("first_file").is_not_null() & (pl.col("first_file") != pl.col("source_file"))
        reports = (
            versions.select("source_file", "report_id", "ingested_at", *HISTORY_SCHEMA)
            .join(parsed, on="report_id", how="inner")  # versions recorded but not parsed yet join later
            .join(first, on="report_id", how="left")
            .with_columns(
                duplicate_of=pl.when(duplicate).then(pl.col("first_file")),
                n_cells=pl.when(duplicate).then(0).otherwise(pl.col("n_cells")),
                n_findings=pl.when(duplicate).then(0).otherwise(pl.col("n_findings")),
            )
            .sort("source_file", "ingested_at")
            .select(PARTITION_REPORTS_SCHEMA.keys())
            .cast(PARTITION_REPORTS_SCHEMA)
        )
        ids = reports.select(pl.col("report_id").unique()).lazy()
        return PartitionFrames(
            reports,
            self._scan(partition, "facts", FACTS_SCHEMA, ids),
            self._scan(partition, "parse_findings", FINDINGS_SCHEMA, ids),
        )

    def report_findings(self, partition: str, report_ids: pl.Series) -> pl.DataFrame:
        """What each of the reports `report_ids` of a partition breaks on its own (the parser's findings,
        the identities, the values), as the workers that parsed them found it: the same frame as
        `validate.report_findings` of the partition's frames."""
        from .validate import sorted_findings  # pandera: imported where checks run, not to plan

        ids = pl.LazyFrame({"report_id": report_ids.unique()})
        found = self._scan(partition, "report_findings", FINDINGS_SCHEMA, ids)
        return sorted_findings([found.collect()])

    def facts_failures(self, partition: str) -> tuple[pl.DataFrame | None, int]:
        """The schema failures of a partition's facts, as the workers that parsed them found them
        (`validate.facts_failures` of the partition's facts), with `index` the row in the partition's
        facts (its segments in order); and the number of facts rows."""
        from .validate import merge_failures

        complete = sorted(self.parsed_dir(partition).glob(f"*.{COMPLETE_PART}.parquet"))
        prefixes = [str(p).removesuffix(f".{COMPLETE_PART}.parquet") for p in complete]
        if not prefixes:
            return None, 0
        rows = pl.scan_parquet([f"{p}.facts.parquet" for p in prefixes], include_file_paths="file") \
            .group_by("file").len().collect()
        offsets = dict(zip(rows["file"], rows["len"]))
        found, offset = [], 0
        for prefix in prefixes:
            failures = pl.read_parquet(f"{prefix}.facts_failures.parquet")
            if failures.height:
                found.append(failures.cast(FAILURES_SCHEMA).with_columns(pl.col("index") + offset))
            offset += offsets.get(f"{prefix}.facts.parquet", 0)
        return merge_failures(found), offset

    def _scan(self, partition: str, part: str, schema: dict, of_reports: pl.LazyFrame | None = None) -> pl.LazyFrame:
        """A part of the partition's complete segments, in the order of their names and of the rows in
        each, and with `of_reports` only the rows of those reports (report_id), in the same order."""
        assert part in PARTS
        # Only complete segments: the reports file is the last one a worker writes.
        complete = sorted(self.parsed_dir(partition).glob("*.reports.parquet"))
        files = [str(p).removesuffix(".reports.parquet") + f".{part}.parquet" for p in complete]
        if not files:
            return pl.LazyFrame(schema=schema)
        rows = pl.scan_parquet(files).select(schema.keys()).cast(schema)
        if of_reports is None:
            return rows
        # In order: a year's facts are stored as they come, and its schema failures point at rows by
        # their place. A join keeps no order of its own (at a year's size its output order changed from
        # run to run).
        return rows.join(of_reports, on="report_id", how="semi", maintain_order="left")


def fingerprint(reports: pl.DataFrame, version: str) -> str:
    """What a partition's frames are made of: its file versions, their history and the parser that read
    them. The same for the reports frame of a partition (`Store.frames`) and for the catalog rows it is
    made of (`Store.stamp`), so a year's assets can be checked against the store without reading them.
    Times are left out: they say when, not what."""
    digest = hashlib.sha256(version.encode())
    rows = reports.select(
        "source_file", "sha256", "superseded_by", removed=pl.col("removed_at").is_not_null(),
        previous=pl.col("previous_source_files").list.join("\x1f"),
    ).sort("source_file", "sha256")
    digest.update(rows.write_csv().encode())
    return digest.hexdigest()[:16]


def pending(listing: pl.DataFrame, catalog: pl.DataFrame) -> pl.DataFrame:
    """Files of a listing (see list_files) that are new, or whose size or modification time differ from
    their current ingested version: what a run would have to look at. `ingested_partition` is the
    partition of the version they replace (null for a new file)."""
    current = catalog.filter(IS_CURRENT).select(
        "source_file", ingested_size=pl.col("size_bytes"), ingested_mtime=pl.col("mtime_ns"),
        ingested_partition=pl.col("partition"))
    return (
        listing.join(current, on="source_file", how="left")
        .filter(pl.col("ingested_partition").is_null() | (pl.col("size_bytes") != pl.col("ingested_size"))
                | (pl.col("mtime_ns") != pl.col("ingested_mtime")))
        .select(*LISTING_SCHEMA, "ingested_partition")
    )


def listing_digest(listing: pl.DataFrame) -> str:
    """A short digest of a listing: equal digests, no file added, removed, resized or touched."""
    rows = listing.select("source_file", "size_bytes", "mtime_ns").sort("source_file")
    return hashlib.sha256(rows.write_csv().encode()).hexdigest()[:16]


__all__ = ["IS_CURRENT", "UNDATED", "Changes", "Ingested", "PartitionFrames", "Store", "apply_versions", "changes",
           "code_version", "fingerprint", "list_files", "listing_digest", "partition_of", "pending",
           "year_partitions"]
