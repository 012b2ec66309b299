"""Running the pipeline in this process, as `gongkai run` does: the years that changed, then one publish.

The plan comes from the core (`pipelines.incremental`) and needs no Dagster: the raw folder is listed,
only files whose (size, mtime, inode) changed since they were last hashed are read, the result is
compared with what was ingested, and only the report years with new, changed, removed or never-parsed
files are run, with every year a killed run left undone (its assets' stamps differ from the store, see
`commits`). With nothing new and the warehouse already published from the years as they are, nothing
runs, nothing is written and Dagster is not even imported.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.durable import remove_abandoned
from pipelines.incremental import UNDATED, Store, changes
from pipelines.parse_all import Progress

from .commits import published_stamp, uncommitted_years, warehouse_stamp

if TYPE_CHECKING:
    import dagster as dg

    from .resources import GongkaiPaths

Say = Callable[[str], None]
# Progress of the steps inside a run (files parsed out of the year's total), for the command line.
PROGRESS_LOGGER = "gongkai.progress"
# Dagster's own console output during a CLI run: warnings and errors only. The run's events still go to
# the instance's event log in full, which is what the Dagster UI shows when DAGSTER_HOME is set.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class Plan:
    """What a run has to do: the years to ingest, and whether the warehouse must be published."""

    files: int
    years: list[str]
    publish: bool

    @property
    def nothing_new(self) -> bool:
        return not self.years and not self.publish


@dataclass
class Outcome:
    success: bool
    files: int = 0
    years: list[str] = field(default_factory=list)  # the years run
    published: bool = False
    message: str = ""
    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)


def plan(raw_dir: str, state_path: str, warehouse: str, say: Say = print) -> Plan:
    """Hash what changed under the raw folder and decide which years to run (no Dagster needed)."""
    started = time.perf_counter()
    store = Store(state_path)
    remove_abandoned(store.root, recursive=True)  # what killed runs left half-written: never read, removed
    index = store.index(raw_dir, parse=True, progress=progress_lines(say, "parsed {done}/{all} new files"))
    catalog = store.catalog()
    found = changes(index, catalog)
    undone = uncommitted_years(store, catalog, index)
    years = sorted(set(found.partitions) | set(undone))
    say(f"{index.height} report files ({time.perf_counter() - started:.1f} s to list, hash and parse the new ones): "
        f"{found.new.height} new or changed, {found.superseded.height} superseded, {found.removed.height} removed"
        + (f"; years to run: {', '.join(years)}" if years else "")
        + (f" ({', '.join(sorted(undone))} left undone before)" if set(undone) - set(found.partitions) else ""))
    published = Path(warehouse)
    if index.is_empty() and not years and not published.exists():
        years = [UNDATED]  # an empty folder still publishes an (empty) warehouse
    stale = not published.exists() or published_stamp(state_path) != warehouse_stamp(state_path)
    if years or stale:
        store.record_index(index)  # the run's index asset takes it as it is, unless the folder changes meanwhile
    return Plan(index.height, years, bool(years) or stale)


PROGRESS_EVERY = 5.0  # seconds between progress lines of a long parse


def progress_lines(say: Say, template: str, every: float = PROGRESS_EVERY) -> Progress:
    """A progress callback that says `template` (with {done}, {all} and {rate}, files a second) every
    `every` seconds and when the work is done."""
    started = last = time.perf_counter()

    def progress(done: int, all_files: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if all_files and (done == all_files or now - last >= every):
            last = now
            say(template.format(done=done, all=all_files) + f" ({done / max(now - started, 1e-9):.0f} files/s)")

    return progress


def run_all(paths: GongkaiPaths, instance: dg.DagsterInstance, say: Say = print,
            planned: Plan | None = None) -> Outcome:
    """Ingest every year with something new under the raw folder and publish the warehouse."""
    planned = planned or plan(paths.raw_dir, paths.state_path, paths.warehouse, say)
    if planned.nothing_new:
        say("nothing new: the warehouse is up to date")
        return Outcome(True, planned.files, message="nothing new")
    from .definitions import INDEX_JOB, PUBLISH_JOB, YEAR_JOB, build

    defs = build(paths)
    outcome = Outcome(True, planned.files, planned.years)
    steps = [(INDEX_JOB, None), *((YEAR_JOB, y) for y in planned.years), (PUBLISH_JOB, None)]
    with _progress_to(say):
        for done, (name, partition) in enumerate(steps, 1):
            step = time.perf_counter()
            result = defs.resolve_job_def(name).execute_in_process(
                instance=instance, partition_key=partition, run_config=QUIET, raise_on_error=False)
            outcome.results.append(result)
            if not result.success:
                failed = [e for e in result.all_events if e.is_failure]
                outcome.success = False
                outcome.message = failed[0].message if failed else "run failed"
                return outcome
            say(f"{name}{' ' + partition if partition else ''}: done ({time.perf_counter() - step:.1f} s; "
                f"step {done} of {len(steps)})")
    outcome.published = True
    return outcome


class _Say(logging.Handler):
    def __init__(self, say: Say):
        super().__init__(logging.INFO)
        self.say = say

    def emit(self, record: logging.LogRecord) -> None:
        self.say(record.getMessage())


@contextmanager
def _progress_to(say: Say) -> Iterator[None]:
    """Route the progress logger to `say` while a CLI run lasts."""
    logger, handler = logging.getLogger(PROGRESS_LOGGER), _Say(say)
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
