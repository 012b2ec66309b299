"""The Dagster definitions: what `dagster dev -w workspace.yaml` loads and `gongkai run` materialises.

Jobs:
- `refresh_year`, by report year: index the raw folder, parse the year, find what is wrong with it and
  publish the warehouse (all years in one file). The yearly schedule and the raw-folder sensor run it.
- `index_raw_files`, `ingest_year` and `publish_warehouse`: the same three stages one at a time, as
  `gongkai run` uses them to ingest many years and publish once.
"""

import dagster as dg

from . import ingest, validation, warehouse
from .resources import GongkaiPaths
from .schedules import yearly_schedule
from .sensors import raw_files_sensor
from .storage import ParquetFrames

MODULES = [ingest, validation, warehouse]
ASSETS = dg.load_assets_from_modules(MODULES)
CHECKS = dg.load_asset_checks_from_modules(MODULES)

INDEX_JOB = "index_raw_files"
YEAR_JOB = "ingest_year"
PUBLISH_JOB = "publish_warehouse"
REFRESH_JOB = "refresh_year"


def _keys(partitioned: bool) -> list[dg.AssetKey]:
    """Keys of the assets partitioned by year (or of the others, but for the index)."""
    return [key for a in ASSETS for key in a.keys
            if (a.partitions_def is not None) == partitioned and key != ingest.raw_file_index.key]


refresh_year = dg.define_asset_job(REFRESH_JOB, selection=dg.AssetSelection.all(),
                                   description="Index the raw folder, ingest one report year and publish the warehouse.")
JOBS = [
    refresh_year,
    dg.define_asset_job(INDEX_JOB, selection=dg.AssetSelection.assets(ingest.raw_file_index),
                        description="Hash every file under the raw folder and read the year of new ones."),
    dg.define_asset_job(YEAR_JOB, selection=dg.AssetSelection.assets(*_keys(partitioned=True)),
                        description="Parse one report year and find what is wrong with its reports."),
    dg.define_asset_job(PUBLISH_JOB, selection=dg.AssetSelection.assets(*_keys(partitioned=False)),
                        description="Publish the warehouse from every year ingested."),
]


def build(paths: GongkaiPaths | None = None) -> dg.Definitions:
    paths = paths or GongkaiPaths.from_env()
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=JOBS,
        schedules=[yearly_schedule(refresh_year)],
        sensors=[raw_files_sensor(refresh_year)],
        resources={"paths": paths, "io_manager": ParquetFrames(paths=paths)},
        # One process: the multiprocess executor costs seconds per step, and parsing uses its own pool.
        executor=dg.in_process_executor,
    )


defs = build()
