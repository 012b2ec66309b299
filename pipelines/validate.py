"""All findings of a run, and the schema checks of our own output."""

from __future__ import annotations

import pandera.errors
import polars as pl

from schemas import tables

from .frames import FINDINGS_SCHEMA
from .identities import identity_findings


def value_findings(facts: pl.DataFrame) -> pl.DataFrame:
    """Cells whose value the form does not allow: negative counts (S1), fractional counts (S2)."""
    counts = facts.filter((pl.col("unit") == "件") & pl.col("value").is_not_null())
    negative = counts.filter(pl.col("flags").list.contains(tables.NEGATIVE_FLAG)).select(
        "report_id", "section", "row_code", "col_code", "raw_text", "source_line",
        rule=pl.lit("S1"), severity=pl.lit("error"), expected=pl.lit(None, pl.Float64), actual=pl.col("value"),
        message=pl.format("计数为负数：{}", pl.col("raw_text")),
        message_en=pl.format("negative count: {}", pl.col("raw_text")),
    )
    fractional = counts.filter(pl.col("value") != pl.col("value").floor()).select(
        "report_id", "section", "row_code", "col_code", "raw_text", "source_line",
        rule=pl.lit("S2"), severity=pl.lit("error"), expected=pl.lit(None, pl.Float64), actual=pl.col("value"),
        message=pl.format("计数不是整数：{}", pl.col("raw_text")),
        message_en=pl.format("count is not a whole number: {}", pl.col("raw_text")),
    )
    return pl.concat([negative, fractional], how="diagonal_relaxed").select(FINDINGS_SCHEMA.keys()).cast(FINDINGS_SCHEMA) \
        if not (negative.is_empty() and fractional.is_empty()) else pl.DataFrame(schema=FINDINGS_SCHEMA)


def all_findings(reports: pl.DataFrame, facts: pl.DataFrame, parse_findings: pl.DataFrame) -> pl.DataFrame:
    frames = [parse_findings, identity_findings(facts, reports), value_findings(facts)]
    return pl.concat([f.cast(FINDINGS_SCHEMA) for f in frames]).sort("report_id", "rule", "section", "row_code", "col_code",
                                                                     nulls_last=True)


def count_findings(reports: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """reports with n_findings counted from the findings (duplicates count none of their own)."""
    counts = findings.group_by("report_id").len("n")
    return (
        reports.join(counts, on="report_id", how="left")
        .with_columns(n_findings=pl.when(pl.col("duplicate_of").is_null()).then(pl.col("n").fill_null(0)).otherwise(0)
                      .cast(pl.Int64))
        .drop("n")
    )


def schema_failures(model: type, frame: pl.DataFrame) -> pl.DataFrame | None:
    """pandera's failure cases for `frame` against `model`, all of them (lazy), or None when it conforms.
    Always a DataFrame: on a LazyFrame pandera would check the schema but not the data."""
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as e:
        return pl.DataFrame(e.failure_cases) if not isinstance(e.failure_cases, pl.DataFrame) else e.failure_cases
    return None
