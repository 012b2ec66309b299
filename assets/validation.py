"""Findings about the reports, and the checks that show them (and our own schemas) in the UI.

Two kinds of check: a schema check says our own output breaks the contract, so it blocks what comes
after it (severity ERROR); a rule check says reports break a rule of the form, which is what the
findings are for, so it warns (severity WARN) and points to the rows in the warehouse.
"""


import dagster as dg
import polars as pl

from pipelines.continuity import continuity_cells, continuity_findings
from pipelines.durable import stamp_of
from pipelines.frames import current_reports
from pipelines.incremental import Store
from pipelines.validate import findings_failures, schema_failures
from schemas import tables
from schemas.forms import FORMS

from . import checks
from .commits import FILE_STAMP, asset_file
from .partitions import GROUP_VALIDATE, YEARS
from .metadata import counts_markdown, frame_metadata
from .resources import GongkaiPaths

SAMPLE_ROWS = 10


@dg.asset(group_name=GROUP_VALIDATE, partitions_def=YEARS, kinds={"polars"}, deps=["facts", "parse_findings"])
def report_findings(context: dg.AssetExecutionContext, parsed_reports: pl.DataFrame,
                    paths: GongkaiPaths) -> dg.Output[pl.DataFrame]:
    """What each report of the year breaks on its own: the identities (I1 勾稽, I2, I3, T4, and *_NE
    where a blank cell or a table not read leaves one not evaluable), W3 (newly published ≤ total
    published), values the form does not allow (S1, S2) and what the parser could not place or cut (P1–P6).
    Findings describe the reports; the numbers in `facts` stay as written. They were found report by
    report by the workers that parsed the reports, from the same facts and parse findings, and are
    gathered here. Its file is the year's commit point: it carries the stamp of the reports it was found
    from, and only then is the year done."""
    frame = Store(paths.state_path).report_findings(context.partition_key, parsed_reports["report_id"])
    stamp = stamp_of(asset_file(paths.state_path, ["parsed_reports"], context.partition_key))
    return dg.Output(frame, metadata={**_findings_metadata(frame), **({FILE_STAMP: stamp} if stamp else {})})


@dg.asset(group_name=GROUP_VALIDATE, kinds={"polars"})
def findings(report_findings: pl.DataFrame, parsed_reports: pl.DataFrame, facts: pl.LazyFrame) -> dg.Output[pl.DataFrame]:
    """One row per rule a report breaks, over every year: each report's own findings, and the soft rules
    across years (W1 carried over against the same body's carried forward of the year before, W2 the
    documents in force). Feeds the warehouse's `findings` table."""
    across = continuity_findings(continuity_cells(facts).collect(), parsed_reports)
    frame = pl.concat([report_findings, across])
    return dg.Output(frame, metadata=_findings_metadata(frame))


def _findings_metadata(frame: pl.DataFrame) -> dict:
    by_rule = frame.group_by("rule", "severity").len().sort("rule")
    return frame_metadata(frame, by_rule=counts_markdown(by_rule))


# --- schema checks: blocking, severity ERROR ---------------------------------------------------------


def schema_check_result(failures: pl.DataFrame | None, rows: int) -> dg.AssetCheckResult:
    """The result of a schema check from pandera's failure cases (None: the frame conforms)."""
    if failures is None:
        return dg.AssetCheckResult(passed=True, metadata={"rows": rows})
    by_check = failures.group_by("column", "check").len("failures").sort("failures", descending=True)
    sample = failures.head(SAMPLE_ROWS).select(pl.all().cast(pl.String))
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": rows, "failures": failures.height, "by_check": counts_markdown(by_check),
                  "sample": counts_markdown(sample)},
    )


def schema_asset_check(asset: str | dg.AssetKey, name: str, model: type, description: str) -> dg.AssetChecksDefinition:
    """A blocking check that the asset (a polars DataFrame) conforms to the pandera `model`; a failure
    is severity ERROR and stops everything downstream of the asset."""

    @dg.asset_check(asset=asset, name=name, blocking=True, description=description, partitions_def=YEARS)
    def _check(frame: pl.DataFrame) -> dg.AssetCheckResult:
        return schema_check_result(schema_failures(model, frame), frame.height)

    return _check


@dg.asset_check(asset="facts", name=checks.FACTS_SCHEMA, blocking=True, partitions_def=YEARS,
                description="facts conform to the pandera model: each cell a cell of its report's form version, "
                            "the unit of its column, negative values flagged, one row per cell. Checked report "
                            "by report by the workers that parsed them.")
def facts_schema(context: dg.AssetCheckExecutionContext, facts: pl.LazyFrame, paths: GongkaiPaths) -> dg.AssetCheckResult:
    failures, _ = Store(paths.state_path).facts_failures(context.partition_key)
    return schema_check_result(failures, facts.select(pl.len()).collect().item())


reports_schema = schema_asset_check(
    "parsed_reports", checks.REPORTS_SCHEMA, tables.Reports,
    "reports conform to the pandera model: every report not parsed cleanly says why, a parsed report has "
    "every cell of its form, the same bytes are one report.")


@dg.asset_check(asset="findings", name=checks.FINDINGS_SCHEMA, blocking=True,
                additional_ins={"parsed_reports": dg.AssetIn("parsed_reports")},
                description="findings conform to the pandera model: known rules and severities, codes of the "
                            "report's form version.")
def findings_schema(findings: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
    return schema_check_result(findings_failures(findings, parsed_reports), findings.height)


@dg.asset_check(asset="parsed_reports", name=checks.EVERY_FILE_RECORDED, blocking=True, partitions_def=YEARS,
                additional_ins={"raw_report_files": dg.AssetIn("raw_report_files")},
                description="Every file now in the raw folder has exactly one current row in reports (neither "
                            "superseded nor removed), and no current row is without its file: nothing was lost, "
                            "nothing invented. A file renamed or moved is current under its new path.")
def every_file_recorded(raw_report_files: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
    current = current_reports(parsed_reports)
    files, recorded = set(raw_report_files["source_file"]), set(current["source_file"])
    return dg.AssetCheckResult(
        passed=files == recorded and raw_report_files.height == current.height,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"files": raw_report_files.height, "reports": current.height,
                  "missing": len(files - recorded), "without_file": len(recorded - files)},
    )


# --- rule checks: severity WARN, with the SQL that lists every finding -------------------------------


def findings_sql(rule: str) -> str:
    """The query that lists every finding of `rule` about the files as they are now, from the published
    warehouse, with the file it is about (once, whatever other paths have the same bytes)."""
    return (
        "SELECT r.source_file, r.agency, r.year, f.section, f.row_code, f.col_code, f.expected, f.actual, f.message\n"
        "FROM findings f JOIN reports r ON r.report_id = f.report_id\n"
        "  AND r.duplicate_of IS NULL AND r.superseded_by IS NULL AND r.removed_at IS NULL\n"
        f"WHERE f.rule = '{rule}'\n"  # the rule is one of our constants, not input
        "ORDER BY r.source_file, f.section, f.row_code, f.col_code;"
    )


def _rule_result(rule: str, findings: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
    """The findings of `rule` about the files as they are now (what `findings_sql` lists)."""
    files = (current_reports(parsed_reports).filter(pl.col("duplicate_of").is_null()).unique("report_id")
             .select("report_id", "source_file"))
    findings = findings.join(files.select("report_id"), on="report_id", how="semi")
    broken = findings.filter(pl.col("rule") == rule)
    sample = (broken.head(SAMPLE_ROWS).join(files, on="report_id", how="left", maintain_order="left")
              .select("source_file", "section", "row_code", "col_code", "expected", "actual", "message"))
    return dg.AssetCheckResult(
        passed=broken.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "violations": broken.height,
            "reports": broken["report_id"].n_unique(),
            "not_evaluable": findings.filter(pl.col("rule") == rule + tables.NOT_EVALUABLE).height,
            "sample": counts_markdown(sample),
            "sql": dg.MetadataValue.text(findings_sql(rule)),
            "sql_not_evaluable": dg.MetadataValue.text(findings_sql(rule + tables.NOT_EVALUABLE)),
        },
    )


def _rule_description(rule: str) -> str:
    description = next(r.description_en for f in FORMS.values()
                       for r in (*f.identities, *f.soft_identities, *f.continuities) if r.rule == rule)
    return (f"{rule}: {description}. Fails (a warning: it describes the reports) where a report breaks it; "
            "cells that leave it not evaluable are counted apart.")


def _identity_check(rule: str) -> dg.AssetChecksDefinition:
    """A rule each report is checked against on its own: a check of the year's facts."""

    @dg.asset_check(asset="facts", name=rule, description=_rule_description(rule), partitions_def=YEARS,
                    additional_ins={"report_findings": dg.AssetIn("report_findings"),
                                    "parsed_reports": dg.AssetIn("parsed_reports")})
    def check(facts: pl.LazyFrame, report_findings: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
        return _rule_result(rule, report_findings, parsed_reports)

    return check


def _across_years_check(rule: str) -> dg.AssetChecksDefinition:
    """A rule across years: a check of the findings of every year, where it is evaluated."""

    @dg.asset_check(asset="findings", name=rule, description=_rule_description(rule),
                    additional_ins={"parsed_reports": dg.AssetIn("parsed_reports")})
    def check(findings: pl.DataFrame, parsed_reports: pl.DataFrame) -> dg.AssetCheckResult:
        return _rule_result(rule, findings, parsed_reports)

    return check


ACROSS_YEARS = {r.rule for f in FORMS.values() for r in f.continuities}
identity_checks = [(_across_years_check if rule in ACROSS_YEARS else _identity_check)(rule)
                   for rule in (*checks.IDENTITY_RULES, *checks.SOFT_RULES)]
