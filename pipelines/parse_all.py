"""Work over many files on every core: hashing them, reading their year, parsing them into parquet.

Workers write their frames to parquet themselves and send back only a small summary: the parent never
holds the cells of a large run (2·10⁷ facts would not fit in memory as Python objects), and no cell is
pickled between processes.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from .durable import write_atomic
from .frames import facts_frame, findings_frame, reports_frame
from .killpoint import kill_point
from .metadata import metadata
from .report import MAX_BYTES, parse_file, read_document

CHUNK = 256  # files a worker hashes per task: large enough to amortise a task, small enough to balance
# Files a worker parses per task, at most. A chunk's findings and schema check cost per report about
# 0.56 ms at 256 files and 0.34 ms at 1024 (each polars and pandera step has a fixed cost), so chunks
# are large; a small run still gets several chunks a worker (`parse_chunk`), so that all cores finish
# together.
PARSE_CHUNK = 1024
MIN_PARSE_CHUNK = 32
# A worker's first collection threshold. Parsing allocates millions of short-lived objects, and at
# Python's default (700) the collector ran so often that it took a seventh of a parse: with the
# modules frozen out of its sight and this threshold, a report costs 16 % less CPU. Cycles are still
# collected, only in larger batches.
WORKER_GC_THRESHOLD = 10_000
WORKERS_ENV = "GONGKAI_WORKERS"  # worker processes, where the cores this process may use are not its share
Progress = Callable[[int, int], None]  # (files done, files in all)
T = TypeVar("T")
R = TypeVar("R")

# Segment files: the reports file is written last, so a segment whose reports file exists is complete;
# the other parts of a segment without one are what a killed worker left, ignored and removed. Besides
# what the parser read, a segment holds what is found about its reports one by one: their findings
# (the parser's, the identities', the values') and the schema check of their facts, found by the worker
# that parsed them while the cells are at hand, so that a year's checks cost no second pass over them.
PARTS = ("facts", "parse_findings", "report_findings", "facts_failures", "reports")
COMPLETE_PART = PARTS[-1]
# A segment's facts_failures: pandera's failure cases of its facts (see validate.facts_failures), with
# `index` the row in the segment's facts; none when they conform.
FAILURES_SCHEMA = {"failure_case": pl.String, "schema_context": pl.String, "column": pl.String, "check": pl.String,
                   "check_number": pl.Int32, "index": pl.Int64}


def cores() -> int:
    """Worker processes to start: GONGKAI_WORKERS if set, else the cores this process may run on (its
    affinity mask, which `taskset` and a cpuset set; a container's CPU quota shows in none, hence the
    variable)."""
    if os.environ.get(WORKERS_ENV, "").strip():
        return max(1, int(os.environ[WORKERS_ENV]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def workers_for(n_items: int, workers: int | None = None, chunk: int = CHUNK) -> int:
    """Processes worth starting: one a core, and none for work smaller than a chunk."""
    return max(1, min(workers or cores(), -(-n_items // chunk)))


def parse_chunk(n_items: int, workers: int | None = None) -> int:
    """Files a parse task takes: four tasks a worker or more, each of MIN_PARSE_CHUNK to PARSE_CHUNK files."""
    return max(1, min(PARSE_CHUNK, max(MIN_PARSE_CHUNK, -(-n_items // (4 * (workers or cores()))))))


def map_chunks(fn: Callable[[list[T]], list[R]], items: Sequence[T], workers: int | None = None,
               progress: Progress | None = None, chunk: int = CHUNK) -> list[R]:
    """fn over `items` in chunks, on up to `workers` processes, results in input order. `progress` is
    called in this process after each chunk."""
    chunks = [list(items[i:i + chunk]) for i in range(0, len(items), chunk)]
    out: list[R] = []
    for result in pool_map(fn, chunks, workers_for(len(items), workers, chunk)):
        out.extend(result)
        if progress:
            progress(len(out), len(items))
    return out


def pool_map(fn: Callable[[T], R], tasks: list[T], workers: int) -> Iterator[R]:
    """fn over tasks, in order: in this process for one worker, else in a process pool."""
    if workers == 1 or len(tasks) <= 1:
        yield from map(fn, tasks)
        return
    # forkserver: forking a process that runs Dagster's threads could copy a held lock into the child.
    # The server loads the parser and the checks once; each worker forked from it inherits them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, f"{__package__}.validate"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
        yield from pool.map(fn, tasks)


def _worker_start() -> None:
    """Set up a worker's garbage collector for parsing: what is loaded so far (the modules) lives as
    long as the worker, so it is frozen out of every collection, and collections come less often."""
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


# --- hashing and years -------------------------------------------------------------------------------


def sha256_of(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _hash_chunk(paths: list[str]) -> list[str]:
    return [sha256_of(p) for p in paths]


def hash_files(paths: Sequence[str], workers: int | None = None) -> list[str]:
    """The sha256 of every file, in order."""
    return map_chunks(_hash_chunk, paths, workers)


def year_of(data: bytes, name: str = "report.txt") -> int | None:
    """The report year as the parser will record it (from the document its reader makes of the file
    called `name`), or None: no reader reads it, it cannot be read, or it names no year (or is too
    large for the parser to read)."""
    if len(data) > MAX_BYTES:
        return None
    try:
        document = read_document(data, name)
    except Exception:  # the parse records why; planning only needs to know there is no year
        return None
    return metadata(document.text, document.title).year if document else None


def _year_chunk(paths: list[str]) -> list[int | None]:
    # A file over the size limit is not read at all (year_of would refuse it once in memory).
    return [None if os.path.getsize(p) > MAX_BYTES else year_of(Path(p).read_bytes(), p) for p in paths]


def years_of(paths: Sequence[str], workers: int | None = None) -> list[int | None]:
    return map_chunks(_year_chunk, paths, workers)


# --- parsing into segments ---------------------------------------------------------------------------


@dataclass
class Segment:
    """One chunk of parsed files, written as parquet files `<prefix>.<part>.parquet`."""

    prefix: str
    files: int
    facts: int
    statuses: dict[str, int] = field(default_factory=dict)

    def path(self, part: str) -> Path:
        return segment_path(self.prefix, part)


def segment_path(prefix: str | Path, part: str) -> Path:
    return Path(f"{prefix}.{part}.parquet")


# Where a report's segment goes: a folder, or a function of the report's year that names a subfolder
# (its partition), for files whose partition is known only once they are parsed.
Route = Callable[[int | None], str]


def _parse_chunk(task: tuple[str, int, list[tuple[str, str]], Route | None]) -> list[Segment]:
    folder, start, items, route = task
    reports = [parse_file(path, name) for path, name in items]
    groups: dict[str, list] = {}
    for report in reports:  # in file order within each group
        groups.setdefault(str(Path(folder) / route(report.year)) if route else folder, []).append(report)
    return [_write_segment(Path(where), start, group) for where, group in groups.items()]


def _write_segment(folder: Path, start: int, reports: list) -> Segment:
    folder.mkdir(parents=True, exist_ok=True)
    # Named by what it holds and where its chunk starts among the files parsed: a year's segments are
    # read in the order of their names, so the same files parsed in the same chunks give the same order
    # of rows, run after run, and no two chunks of one parse share a name.
    held = "\n".join([str(start), *(r.report_id for r in reports)])
    prefix = str(folder / hashlib.sha256(held.encode()).hexdigest()[:32])
    frames = {"facts": facts_frame(reports), "parse_findings": findings_frame(reports), "reports": reports_frame(reports)}
    from .validate import facts_failures, report_findings  # pandera: imported where checks run, not to plan

    frames["report_findings"] = report_findings(frames["reports"], frames["facts"], frames["parse_findings"])
    failures = facts_failures(frames["facts"], frames["reports"])
    frames["facts_failures"] = (pl.DataFrame(schema=FAILURES_SCHEMA) if failures is None
                                else failures.select(FAILURES_SCHEMA.keys()).cast(FAILURES_SCHEMA))
    for part in PARTS:
        if part == COMPLETE_PART:
            kill_point("segment_write")
        write_atomic(frames[part], segment_path(prefix, part))
    return Segment(prefix, len(reports), frames["facts"].height, dict(Counter(r.status for r in reports)))


def parse_to_segments(items: Sequence[tuple[str, str]], folder: str | Path, workers: int | None = None,
                      progress: Progress | None = None, route: Route | None = None) -> list[Segment]:
    """Parse every (path, source_file) into segments under `folder`, one segment per chunk of files, or
    with `route`, one per chunk and partition, under `folder`/route(the report's year)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = parse_chunk(len(items), workers)
    tasks = [(str(folder), i, list(items[i:i + size]), route) for i in range(0, len(items), size)]
    segments: list[Segment] = []
    done = 0
    for written in pool_map(_parse_chunk, tasks, workers_for(len(items), workers, size)):
        segments += written
        kill_point("segment_parsed")
        done += sum(s.files for s in written)
        if progress:
            progress(done, len(items))
    return segments
