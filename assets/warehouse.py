"""The published DuckDB warehouse: the contract tables, the code tables and the marts, built in a private
file, checked, and swapped in whole."""


import dagster as dg
import polars as pl

from pipelines.validate import count_findings, schema_failures
from pipelines.warehouse import WAREHOUSE_STEPS, Segments, Staged, TableInfo, describe, staged, table_docs
from schemas.marts import SCHEMAS

from .commits import record_published, warehouse_stamp
from .metadata import PREVIEW_ROWS, counts_markdown
from .resources import GongkaiPaths
from .validation import schema_check_result

GROUP_WAREHOUSE = "warehouse"
# The frame each contract table is written from.
CONTRACT_INPUTS = {"reports": "parsed_reports", "facts": "facts", "findings": "findings"}
DOCS = {d.name: d for d in table_docs()}


def key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["warehouse", table])


def schema_check_name(table: str) -> str:
    return f"{table}_schema"


def _deps(table: str) -> list[dg.AssetKey | str]:
    from pipelines.marts import DIM_BODY_READS, MARTS

    if table in CONTRACT_INPUTS:
        return [CONTRACT_INPUTS[table]]
    if table in MARTS:
        return [key(t) for t in MARTS[table].reads]
    if table == "dim_body":
        return [key(t) for t in DIM_BODY_READS]
    return []  # the code tables come from schemas/forms/


def _spec(table: str) -> dg.AssetSpec:
    doc = DOCS[table]
    return dg.AssetSpec(key(table), description=f"{doc.en}\n\n{doc.zh}", kinds={"duckdb"}, deps=_deps(table),
                        group_name=GROUP_WAREHOUSE)


@dg.multi_asset(
    specs=[_spec(name) for name in DOCS],
    check_specs=[dg.AssetCheckSpec(schema_check_name(t), asset=key(t), blocking=True,
                                   description=f"{t} conforms to its pandera model (schemas/marts.py); the warehouse "
                                               "is not published otherwise.")
                 for t in SCHEMAS],
)
def warehouse(context: dg.AssetExecutionContext, parsed_reports: pl.DataFrame, facts: Segments,
              findings: pl.DataFrame, paths: GongkaiPaths):
    """Build every warehouse table in a private DuckDB file, check the marts and the code tables against
    their models, and only then swap the file in for the published one. A failed build or check leaves
    the published warehouse as it was. Once it is swapped in, the state folder records which years'
    stamps it was built from: until then, the next run publishes again."""
    stamp = warehouse_stamp(paths.state_path)  # of the files just read: a year done meanwhile is not in it
    reports = count_findings(parsed_reports, findings)
    with staged(paths.warehouse, {"reports": reports, "facts": facts, "findings": findings}, WAREHOUSE_STEPS) as build:
        results = {t: _checked(build, t) for t in SCHEMAS}
        failed = [t for t, r in results.items() if not r.passed]
        if failed:
            yield from results.values()
            raise dg.Failure(f"not published: {', '.join(failed)} do not conform to their schemas; "
                             f"{paths.warehouse} is unchanged")
        path = build.publish()
    record_published(paths.state_path, stamp)
    context.log.info(f"published {path}")
    for table, info in describe(path, list(DOCS), PREVIEW_ROWS).items():
        yield dg.MaterializeResult(asset_key=key(table), metadata=_metadata(info, str(path), table))
    yield from results.values()


def _checked(build: Staged, table: str) -> dg.AssetCheckResult:
    frame = build.read(table)
    r = schema_check_result(schema_failures(SCHEMAS[table], frame), frame.height)
    return dg.AssetCheckResult(asset_key=key(table), check_name=schema_check_name(table), passed=r.passed,
                               severity=r.severity, metadata=r.metadata)


def _metadata(info: TableInfo, path: str, table: str) -> dict:
    """Row count, the columns with their types and comments, and a preview, as Dagster shows them."""
    return {
        "dagster/row_count": dg.MetadataValue.int(info.rows),
        "dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn(name, dtype, description=comment) for name, dtype, comment in info.columns]),
        "preview": counts_markdown(info.preview),
        "path": dg.MetadataValue.path(path),
        "sql": dg.MetadataValue.md(f"```sql\nSELECT * FROM {table} LIMIT 100;\n```"),
    }
