"""Findings about the reports, and the checks that show them (and our own schemas) in the UI."""


import dagster as dg
import polars as pl

from pipelines.validate import all_findings, schema_failures
from schemas import tables

from . import checks
from .ingest import GROUP_PARSE
from .metadata import counts_markdown, frame_metadata

SAMPLE_ROWS = 10


@dg.asset(group_name=GROUP_PARSE, kinds={"polars"})
def findings(parsed_reports: pl.DataFrame, facts: pl.DataFrame, parse_findings: pl.DataFrame) -> dg.Output[pl.DataFrame]:
    """One row per rule a report breaks: the identities (I1 勾稽, I2, I3, T4, and *_NE where a blank cell
    leaves one not evaluable), values the form does not allow (S1, S2) and what the parser could not
    place (P1–P5). Findings describe the reports; the numbers in `facts` stay as written."""
    frame = all_findings(parsed_reports, facts, parse_findings)
    by_rule = frame.group_by("rule", "severity").len().sort("rule")
    return dg.Output(frame, metadata=frame_metadata(frame, by_rule=counts_markdown(by_rule)))


def _schema_check(model: type, frame: pl.DataFrame) -> dg.AssetCheckResult:
    failures = schema_failures(model, frame)
    if failures is None:
        return dg.AssetCheckResult(passed=True, metadata={"rows": frame.height})
    sample = failures.head(SAMPLE_ROWS).select(pl.all().cast(pl.String))
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"failures": failures.height, "sample": counts_markdown(sample)},
    )


@dg.asset_check(asset="facts", name=checks.FACTS_SCHEMA, blocking=True,
                description="facts conform to the pandera model: codes of the form, units, one row per cell.")
def facts_schema(facts: pl.DataFrame) -> dg.AssetCheckResult:
    return _schema_check(tables.Facts, facts)


@dg.asset_check(asset="parsed_reports", name=checks.REPORTS_SCHEMA, blocking=True,
                description="reports conform to the pandera model; every report not parsed cleanly says why.")
def reports_schema(parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
    return _schema_check(tables.Reports, parsed_reports)


@dg.asset_check(asset="findings", name=checks.FINDINGS_SCHEMA, blocking=True,
                description="findings conform to the pandera model.")
def findings_schema(findings: pl.DataFrame) -> dg.AssetCheckResult:
    return _schema_check(tables.Findings, findings)


@dg.asset_check(asset="parsed_reports", name=checks.EVERY_FILE_RECORDED, blocking=True,
                additional_ins={"raw_report_files": dg.AssetIn("raw_report_files")},
                description="Every raw file has exactly one row in reports: nothing was lost.")
def every_file_recorded(raw_report_files: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
    missing = set(raw_report_files["source_file"]) - set(parsed_reports["source_file"])
    return dg.AssetCheckResult(
        passed=not missing and raw_report_files.height == parsed_reports.height,
        metadata={"files": raw_report_files.height, "reports": parsed_reports.height, "missing": len(missing)},
    )


def _identity_check(rule: str):
    @dg.asset_check(asset="facts", name=rule, additional_ins={"findings": dg.AssetIn("findings")},
                    description=f"Reports whose tables break identity {rule} (a warning: it describes the report).")
    def check(facts: pl.DataFrame, findings: pl.DataFrame) -> dg.AssetCheckResult:
        broken = findings.filter(pl.col("rule") == rule)
        not_evaluable = findings.filter(pl.col("rule") == rule + "_NE")
        sample = broken.head(SAMPLE_ROWS).select("report_id", "row_code", "col_code", "expected", "actual", "message")
        return dg.AssetCheckResult(
            passed=broken.is_empty(),
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "violations": broken.height,
                "reports": broken["report_id"].n_unique(),
                "not_evaluable": not_evaluable.height,
                "sample": counts_markdown(sample),
                "sql": dg.MetadataValue.md(
                    f"```sql\nSELECT * FROM findings WHERE rule = '{rule}' ORDER BY report_id;\n```"),
            },
        )

    return check


identity_checks = [_identity_check(rule) for rule in checks.IDENTITY_RULES]
