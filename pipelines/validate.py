"""All findings of a run, and the schema checks of our own output.

Findings describe the reports and never change them: every cell stays in the facts as written. A
schema failure is different: it means our own output breaks the contract.
"""

from __future__ import annotations

import pandera.errors
import polars as pl

from schemas import tables

from .continuity import continuity_findings
from .frames import FINDINGS_SCHEMA
from .identities import as_findings, identity_findings


def value_findings(facts: pl.DataFrame) -> pl.DataFrame:
    """Cells whose value the form does not allow: negative values outside `change` (S1, the parser
    flags them), fractional counts (S2)."""
    cells = ("report_id", "section", "row_code", "col_code", "raw_text", "source_line")
    negative = facts.filter(pl.col("flags").list.contains(tables.NEGATIVE_FLAG)).select(
        *cells,
        rule=pl.lit("S1"), severity=pl.lit("error"), actual=pl.col("value"),
        message=pl.format("数值为负数：{}", pl.col("raw_text")),
        message_en=pl.format("negative value where the form counts: {}", pl.col("raw_text")),
    )
    fractional = facts.filter((pl.col("unit") == "件") & (pl.col("value") != pl.col("value").floor())).select(
        *cells,
        rule=pl.lit("S2"), severity=pl.lit("error"), actual=pl.col("value"),
        message=pl.format("计数不是整数：{}", pl.col("raw_text")),
        message_en=pl.format("count is not a whole number: {}", pl.col("raw_text")),
    )
    return as_findings([negative, fractional])


def report_findings(reports: pl.DataFrame, facts: pl.DataFrame, parse_findings: pl.DataFrame) -> pl.DataFrame:
    """What each report says wrong on its own: the parser's findings, the identities, the values."""
    return _sorted([parse_findings, identity_findings(facts, reports), value_findings(facts)])


def all_findings(reports: pl.DataFrame, facts: pl.DataFrame, parse_findings: pl.DataFrame) -> pl.DataFrame:
    """Every finding about these reports: each on its own, and each against last year's."""
    return _sorted([report_findings(reports, facts, parse_findings), continuity_findings(facts, reports)])


def _sorted(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat([f.cast(FINDINGS_SCHEMA) for f in frames]).sort(
        "report_id", "rule", "section", "row_code", "col_code", nulls_last=True, maintain_order=True)


def count_findings(reports: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """reports with n_findings counted from the findings (duplicates count none of their own)."""
    counts = findings.group_by("report_id").len("n")
    return (
        reports.join(counts, on="report_id", how="left", maintain_order="left")
        .with_columns(n_findings=pl.when(pl.col("duplicate_of").is_null()).then(pl.col("n").fill_null(0)).otherwise(0)
                      .cast(pl.Int64))
        .drop("n")
    )


def with_report(frame: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its report's `form_version` and `report_status` (NULL where no report has its
    report_id): what `FactsOfReports` and `FindingsOfReports` check."""
    of_report = (
        reports.filter(pl.col("duplicate_of").is_null())
        .select("report_id", "form_version", report_status="status")
        .unique("report_id", keep="first")
    )
    return frame.join(of_report, on="report_id", how="left", maintain_order="left")


def schema_failures(model: type, frame: pl.DataFrame) -> pl.DataFrame | None:
    """pandera's failure cases for `frame` against `model`, all of them (lazy), or None when it conforms.
    Always a DataFrame: on a LazyFrame pandera would check the schema but not the data."""
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as e:
        return e.failure_cases if isinstance(e.failure_cases, pl.DataFrame) else pl.DataFrame(e.failure_cases)
    return None


def facts_failures(facts: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame | None:
    return schema_failures(tables.FactsOfReports, with_report(facts, reports))


def findings_failures(findings: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame | None:
    return schema_failures(tables.FindingsOfReports, with_report(findings, reports))
