"""The published DuckDB warehouse: the contract tables, built privately and swapped in whole."""


import dagster as dg
import polars as pl

from pipelines.validate import count_findings
from pipelines.warehouse import publish

from .metadata import frame_metadata
from .resources import GongkaiPaths

GROUP_WAREHOUSE = "warehouse"
CONTRACT_TABLES = {
    "reports": "One row per input file: status, form version, agency, year, encodings, cells and findings.",
    "facts": "One row per table cell of 二, 三 and 四, in the codes of the warehouse contract.",
    "findings": "One row per rule a report breaks.",
}


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["warehouse", table])


@dg.multi_asset(
    group_name=GROUP_WAREHOUSE,
    specs=[dg.AssetSpec(_key(name), description=text, kinds={"duckdb"}, deps=[name if name != "reports" else "parsed_reports"])
           for name, text in CONTRACT_TABLES.items()],
)
def warehouse(context: dg.AssetExecutionContext, parsed_reports: pl.DataFrame, facts: pl.DataFrame,
              findings: pl.DataFrame, paths: GongkaiPaths):
    """Build every warehouse table in a private DuckDB file and swap it in for the published one."""
    reports = count_findings(parsed_reports, findings)
    tables = {"reports": reports, "facts": facts, "findings": findings}
    path = publish(paths.warehouse, tables)
    context.log.info(f"published {path}")
    for name, frame in tables.items():
        yield dg.MaterializeResult(asset_key=_key(name), metadata=frame_metadata(frame, path=str(path)))
