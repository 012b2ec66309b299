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

# Facts checked at once: small beside a year's ≈ 3·10⁶ (≈ 200 a report), large enough that the fixed
# cost of a validation stays negligible.
CHUNK_ROWS = 400_000
ROW, SEEN = "_row", "_seen"  # helper columns: a row's number, a failure's place in a list


def value_findings(facts: pl.DataFrame) -> pl.DataFrame:
    """Cells whose value the form does not allow: negative values outside `change` (S1, the parser
    flags them), fractional counts (S2)."""
    cells = ("report_id", "section", "row_code", "col_code", "raw_text", "source_line", "source_page")
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


def report_findings(reports: pl.DataFrame, facts: pl.DataFrame | pl.LazyFrame, parse_findings: pl.DataFrame,
                    chunk_rows: int = CHUNK_ROWS) -> pl.DataFrame:
    """What each report says wrong on its own: the parser's findings, the identities, the values. Every
    one is about the cells of one report, so they are found a chunk of whole reports at a time, and a
    year's cells are never all in memory (a LazyFrame of facts is read a chunk at a time)."""
    facts = facts.lazy()
    ids = facts.select("report_id").collect()["report_id"]
    parts = [parse_findings]
    for start, length in report_slices(ids, chunk_rows):
        cells = facts.slice(start, length).collect()
        of_chunk = reports.filter(pl.col("report_id").is_in(cells["report_id"].unique().implode()))
        parts += [identity_findings(cells, of_chunk), value_findings(cells)]
    # Reports without a cell still have identities (not evaluable: their tables were not read).
    factless = reports.filter(~pl.col("report_id").is_in(ids.unique().implode()))
    parts.append(identity_findings(facts.clear(), factless))
    return sorted_findings(parts)


def report_slices(report_ids: pl.Series, chunk_rows: int = CHUNK_ROWS) -> list[tuple[int, int]]:
    """(offset, length) of consecutive slices of rows, each of about `chunk_rows` rows (more when a
    report's rows are longer), that never part the rows of a report: a slice ends only where every
    report begun in it has ended. Facts come a report after another, so this cuts between reports;
    rows of one report scattered far apart would make one large slice, never a wrong one."""
    if report_ids.is_empty():
        return [(0, 0)]
    ends = (pl.DataFrame({"report_id": report_ids}).with_row_index(ROW)
            .select(pl.col(ROW).max().over("report_id").cum_max() == pl.col(ROW))
            .to_series().arg_true())  # rows after which no report begun continues
    slices, start = [], 0
    for end in ends.to_list():
        if end + 1 - start >= chunk_rows or end + 1 == report_ids.len():
            slices.append((start, end + 1 - start))
            start = end + 1
    return slices


def all_findings(reports: pl.DataFrame, facts: pl.DataFrame, parse_findings: pl.DataFrame) -> pl.DataFrame:
    """Every finding about these reports: each on its own, and each against last year's."""
    return sorted_findings([report_findings(reports, facts, parse_findings), continuity_findings(facts, reports)])


def sorted_findings(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Findings frames as one, in the order of the findings table: by report, rule and cell, and in
    the order found where those are equal."""
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


def facts_failures(facts: pl.DataFrame | pl.LazyFrame, reports: pl.DataFrame,
                   chunk_rows: int = CHUNK_ROWS) -> pl.DataFrame | None:
    """`FactsOfReports` failures of the facts, checked in slices of whole reports. pandera makes a column
    per check, so a year checked at once would hold several copies of its cells; every check is about a
    row or about cells of one report (the uniqueness key includes report_id), so slices of whole
    reports find what one validation finds. Failure indices are the rows of `facts` as given."""
    facts = facts.lazy()
    found = []
    for start, length in report_slices(facts.select("report_id").collect()["report_id"], chunk_rows):
        failures = schema_failures(tables.FactsOfReports, with_report(facts.slice(start, length).collect(), reports))
        if failures is not None:
            found.append(failures.with_columns(pl.col("index") + start))  # a failure of the whole frame has none
    return merge_failures(found)


def merge_failures(found: list[pl.DataFrame]) -> pl.DataFrame | None:
    """The failures of several chunks as one validation would list them: check by check, by row, and a
    failure about the whole frame (no row: a wrong type, a missing column) once."""
    if not found:
        return None
    merged = pl.concat(found, how="vertical_relaxed")
    merged = merged.filter(pl.col("index").is_not_null() | pl.struct(pl.all()).is_first_distinct())
    check = ["schema_context", "column", "check"]
    return (merged.with_row_index(SEEN)
            .sort(pl.col(SEEN).min().over(check), "index", nulls_last=False, maintain_order=True)
            .drop(SEEN))


def findings_failures(findings: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame | None:
    return schema_failures(tables.FindingsOfReports, with_report(findings, reports))
