"""The Dagster definitions: what `dagster dev -w workspace.yaml` loads and `gongkai run` materialises."""

from __future__ import annotations

import dagster as dg

from . import ingest, validation, warehouse
from .resources import GongkaiPaths

ASSETS = [ingest.raw_report_files, ingest.parse_reports, validation.findings, warehouse.warehouse]
CHECKS = [validation.facts_schema, validation.reports_schema, validation.findings_schema,
          validation.every_file_recorded, *validation.identity_checks]


def build(paths: GongkaiPaths | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        resources={"paths": paths or GongkaiPaths.from_env()},
        # One process: the multiprocess executor costs seconds per step, and parsing uses its own pool.
        executor=dg.in_process_executor,
    )


defs = build()
