"""Watching the raw folder: new or changed files request a run of the years they belong to."""

import hashlib

import dagster as dg
import polars as pl

from pipelines.incremental import IS_CURRENT, Store, list_files, listing_digest, pending

from .partitions import YEARS
from .resources import GongkaiPaths

INTERVAL_SECONDS = 120


def raw_files_sensor(job: dg.JobDefinition | str) -> dg.SensorDefinition:
    @dg.sensor(name="raw_files", job=job, minimum_interval_seconds=INTERVAL_SECONDS,
               description="Notices report files added to the raw folder or changed in it (by size or time "
                           "against what was ingested) and requests a run of each year they belong to: the "
                           "year in a new file's title, the year of the version a changed file replaces, and "
                           "undated for files without one. The cursor is a digest of the folder's listing, "
                           "so an unchanged folder costs one listing a tick.")
    def raw_files(context: dg.SensorEvaluationContext, paths: GongkaiPaths):
        listing = list_files(paths.raw_dir)
        digest = listing_digest(listing)
        if context.cursor == digest:
            return dg.SkipReason("no report file added, removed or changed since the last tick")
        store = Store(paths.state_path)
        catalog = store.catalog()
        todo = pending(listing, catalog)
        # Files gone from the folder (removed, or renamed: then their new path is in `todo` too).
        gone = catalog.filter(IS_CURRENT).join(listing, on="source_file", how="anti") \
            .select("partition", "source_file", sha256=pl.lit(None, pl.String))
        if todo.is_empty() and gone.is_empty():
            return dg.SensorResult(skip_reason="every report file is ingested as it is", cursor=digest)
        years = store.index_listing(todo.select(listing.columns)).select("source_file", "sha256", "partition")
        affected = (
            pl.concat([
                years.select("partition", "source_file", "sha256"),
                todo.filter(pl.col("ingested_partition").is_not_null()).join(years, on="source_file")
                .select(partition=pl.col("ingested_partition"), source_file="source_file", sha256="sha256"),
                gone,
            ])
            .filter(pl.col("partition").is_in(YEARS.get_partition_keys()))
            .unique()
            .sort("partition", "source_file")
        )
        requests = []
        for (year,), files in affected.group_by("partition", maintain_order=True):
            # The same files at the same bytes never ask twice for the same year, whatever the cursor.
            key = hashlib.sha256(files.select("source_file", "sha256").write_csv().encode()).hexdigest()[:16]
            requests.append(dg.RunRequest(partition_key=year, run_key=f"{year}:{key}",
                                          tags={"gongkai/trigger": "sensor", "gongkai/files": str(files.height)}))
        context.log.info(f"{todo.height} new or changed files, {gone.height} gone: runs for {', '.join(r.partition_key for r in requests)}")
        return dg.SensorResult(run_requests=requests, cursor=digest)

    return raw_files
