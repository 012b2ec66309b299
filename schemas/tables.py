"""pandera models of the warehouse tables, derived from the form description.

These check *our* output: a failure here means the pipeline produced something the contract does not
allow, which blocks the run. What is wrong with a report is not a failure here but a finding.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.forms import FORMS

SECTIONS = sorted({s.code for f in FORMS.values() for s in f.sections})
ROW_CODES = sorted({r.code for f in FORMS.values() for s in f.sections for r in s.rows})
COL_CODES = sorted({c.code for f in FORMS.values() for s in f.sections for c in s.columns})
# Every (form_version, section, row_code, col_code) the forms have.
CELL_KEYS = pl.DataFrame(
    [(f.code, s, r, c) for f in FORMS.values() for s, r, c in f.cells()],
    schema=["form_version", "section", "row_code", "col_code"],
    orient="row",
)
SIGNED_COLUMNS = sorted({c.code for f in FORMS.values() for s in f.sections for c in s.columns if c.signed})
MONEY_COLUMNS = sorted({c.code for f in FORMS.values() for s in f.sections for c in s.columns if c.unit == "元"})
STATUSES = ["parsed", "partial", "legacy_format", "not_a_report", "unreadable"]
SEVERITIES = ["error", "warning"]
NEGATIVE_FLAG = "negative"


class Facts(pa.DataFrameModel):
    """One row per table cell of 二, 三 and 四."""

    report_id: str = pa.Field(nullable=False, str_length={"min_value": 16, "max_value": 16})
    section: str = pa.Field(isin=SECTIONS)
    row_code: str = pa.Field(isin=ROW_CODES)
    col_code: str = pa.Field(isin=COL_CODES)
    value: float = pa.Field(nullable=True)
    unit: str = pa.Field(isin=["件", "元"])
    raw_text: str = pa.Field(nullable=True)
    source_line: pl.Int32 = pa.Field(nullable=True, ge=1)
    flags: pl.List(pl.String) = pa.Field(nullable=False)
    table_encoding: str = pa.Field(nullable=True)

    class Config:
        unique = ["report_id", "section", "row_code", "col_code"]

    @pa.dataframe_check(error="unit is 元 exactly for the money columns")
    def unit_matches_column(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("col_code").is_in(MONEY_COLUMNS) == (pl.col("unit") == "元"))

    @pa.dataframe_check(error="a negative value outside `change` must carry the 'negative' flag")
    def negative_is_flagged(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("value").is_null()
            | (pl.col("value") >= 0)
            | pl.col("col_code").is_in(SIGNED_COLUMNS)
            | pl.col("flags").list.contains(NEGATIVE_FLAG)
        )

    @pa.dataframe_check(error="a value comes with the text it was read from")
    def value_has_source(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("value").is_null() | (pl.col("raw_text").is_not_null() & pl.col("source_line").is_not_null())
        )


class Reports(pa.DataFrameModel):
    """One row per input file."""

    report_id: str = pa.Field(str_length={"min_value": 16, "max_value": 16})
    source_file: str = pa.Field(unique=True)
    sha256: str = pa.Field(str_length={"min_value": 64, "max_value": 64})
    agency: str = pa.Field(nullable=True)
    year: pl.Int32 = pa.Field(nullable=True, ge=1990, le=2100)
    form_version: str = pa.Field(nullable=True, isin=sorted(FORMS))
    status: str = pa.Field(isin=STATUSES)
    status_reason: str = pa.Field(nullable=True)
    table_encoding: str = pa.Field(nullable=True)
    n_cells: pl.Int64 = pa.Field(ge=0)
    n_findings: pl.Int64 = pa.Field(ge=0)

    @pa.dataframe_check(error="a report not parsed cleanly says why")
    def reason_unless_parsed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status") == "parsed") | pl.col("status_reason").is_not_null())


class Findings(pa.DataFrameModel):
    """One row per rule a report breaks."""

    report_id: str = pa.Field(str_length={"min_value": 16, "max_value": 16})
    rule: str
    severity: str = pa.Field(isin=SEVERITIES)
    section: str = pa.Field(nullable=True, isin=SECTIONS)
    row_code: str = pa.Field(nullable=True, isin=ROW_CODES)
    col_code: str = pa.Field(nullable=True, isin=COL_CODES)
    expected: float = pa.Field(nullable=True)
    actual: float = pa.Field(nullable=True)
    message: str
    message_en: str
