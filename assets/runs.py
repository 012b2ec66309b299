"""Running the pipeline in this process, as `gongkai run` does: the years that changed, then one publish.

The plan comes from the core (`pipelines.incremental`): the raw folder is hashed once, compared with
what was ingested, and only the report years with new, changed or never-parsed files are run. With
nothing new and the warehouse already published from the store as it is, nothing runs and nothing is
written.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines.incremental import UNDATED, Store, changes

from .definitions import INDEX_JOB, PUBLISH_JOB, YEAR_JOB, build
from .resources import GongkaiPaths

Say = Callable[[str], None]


@dataclass
class Outcome:
    success: bool
    files: int = 0
    years: list[str] = field(default_factory=list)  # the years run
    published: bool = False
    message: str = ""
    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)


def run_all(paths: GongkaiPaths, instance: dg.DagsterInstance, say: Say = print) -> Outcome:
    """Ingest every year with something new under the raw folder and publish the warehouse."""
    started = time.perf_counter()
    store = Store(paths.state_path)
    index = store.index(paths.raw_dir)
    plan = changes(index, store.catalog())
    years = plan.partitions
    say(f"{index.height} report files ({time.perf_counter() - started:.1f} s to hash them): "
        f"{plan.new.height} new or changed, {plan.superseded.height} superseded"
        + (f"; years to run: {', '.join(years)}" if years else ""))
    warehouse = Path(paths.warehouse)
    if index.is_empty() and not years and not warehouse.exists():
        years = [UNDATED]  # an empty folder still publishes an (empty) warehouse
    stale = not warehouse.exists() or warehouse.stat().st_mtime < store.last_change()
    if not years and not stale:
        say("nothing new: the warehouse is up to date")
        return Outcome(True, index.height, message="nothing new")
    defs = build(paths)
    outcome = Outcome(True, index.height, years)
    for name, partition in [(INDEX_JOB, None), *((YEAR_JOB, y) for y in years), (PUBLISH_JOB, None)]:
        step = time.perf_counter()
        result = defs.resolve_job_def(name).execute_in_process(instance=instance, partition_key=partition,
                                                            raise_on_error=False)
        outcome.results.append(result)
        if not result.success:
            failed = [e for e in result.all_events if e.is_failure]
            outcome.success = False
            outcome.message = failed[0].message if failed else "run failed"
            return outcome
        say(f"{name}{' ' + partition if partition else ''}: done ({time.perf_counter() - step:.1f} s)")
    outcome.published = True
    return outcome
