"""pandera models of the warehouse tables, derived from the form description.

These check *our* output: a failure here means the pipeline produced something the contract does not
allow, which blocks the run. What is wrong with a report is not a failure here but a finding.

`Reports`, `Facts` and `Findings` check each table on its own. A code is only right for the form
of its report (a 2021 row code in a 2019 report is our bug), so `FactsOfReports` and
`FindingsOfReports` check facts and findings joined to their report's `form_version` and `status`
(`report_status`; NULL where no report has the `report_id`).
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
CELLS_PER_FORM = {f.code: sum(1 for _ in f.cells()) for f in FORMS.values()}
# A column code means the same in every form and section (a test holds the forms to it), so its
# unit and its sign can be checked by the code alone.
SIGNED_COLUMNS = sorted({c.code for f in FORMS.values() for s in f.sections for c in s.columns if c.signed})
MONEY_COLUMNS = sorted({c.code for f in FORMS.values() for s in f.sections for c in s.columns if c.unit == "元"})
UNITS = ["件", "元"]
STATUSES = ["parsed", "partial", "legacy_format", "not_a_report", "unreadable", "unsupported_format"]
TABLE_STATUSES = ["parsed", "partial"]  # the reports whose tables were read: the only ones with facts
SEVERITIES = ["error", "warning"]
NEGATIVE_FLAG = "negative"
# A NULL value says why in its flags.
NULL_FLAGS = ["blank", "dash", "not_a_number", "not_in_source", "unsplit"]

NOT_EVALUABLE = "_NE"
# Rule -> severity of a violation, for the rules the forms define: hard identities, soft ones, and
# the rules across years. Each has its not-evaluable twin (rule + "_NE"), always a warning.
FORM_RULES = {
    i.rule: i.severity
    for f in FORMS.values() for i in (*f.identities, *f.soft_identities, *f.continuities)
}
VALUE_RULES = ["S1", "S2"]  # a negative count, a fractional count
PARSE_RULES = ["P1", "P2", "P3", "P4", "P5", "P6"]  # what the parser could not place, find or cut
RULES = sorted([*FORM_RULES, *(r + NOT_EVALUABLE for r in FORM_RULES), *VALUE_RULES, *PARSE_RULES])
# Each rule's name as a person reads it (Chinese, English), as `gongkai check` prints it; a rule's
# not-evaluable twin is named after it.
RULE_NAMES = {
    "I1": ("勾稽关系", "balance"),
    "I2": ("办理结果总计", "total processed"),
    "I3": ("申请人合计", "applicant total"),
    "T4": ("复议诉讼合计", "review and lawsuit total"),
    "W1": ("上年结转衔接", "carried over from last year"),
    "W2": ("现行有效件数衔接", "documents in force"),
    "W3": ("新公开不超过公开总数", "newly published within total published"),
    "S1": ("负数", "negative value"),
    "S2": ("非整数计数", "fractional count"),
    "P1": ("无法确定所在列", "column cannot be justified"),
    "P2": ("行重复", "row given twice"),
    "P3": ("表行缺失", "form row not found"),
    "P4": ("数值无行标签", "values under no row label"),
    "P5": ("表格缺失", "table not found"),
    "P6": ("连写数字无法拆分", "run-together digits not cut"),
}

_SEP = "\x1f"


def _key(*columns: str) -> pl.Expr:
    return pl.concat_str([pl.col(c) for c in columns], separator=_SEP)


def _keys(rows) -> list[str]:
    return sorted({_SEP.join(r) for r in rows})


# The same sets as keys, for membership tests that keep the order of the rows checked.
CELLS = _keys((f.code, s, r, c) for f in FORMS.values() for s, r, c in f.cells())
FORM_ROWS = _keys((f.code, s.code, r.code) for f in FORMS.values() for s in f.sections for r in s.rows)
FORM_COLUMNS = _keys((f.code, s.code, c.code) for f in FORMS.values() for s in f.sections for c in s.columns)


def _within(expr: pl.Expr, allowed: list[str]) -> pl.Expr:
    """expr is in `allowed`; NULL (a part of the key missing) counts as not."""
    return expr.is_in(allowed).fill_null(False)


class Facts(pa.DataFrameModel):
    """One row per table cell of 二, 三 and 四."""

    report_id: str = pa.Field(str_matches=r"^[0-9a-f]{16}$")
    section: str = pa.Field(isin=SECTIONS)
    row_code: str = pa.Field(isin=ROW_CODES)
    col_code: str = pa.Field(isin=COL_CODES)
    value: float = pa.Field(nullable=True)
    unit: str = pa.Field(isin=UNITS)
    raw_text: str = pa.Field(nullable=True)
    source_line: pl.Int32 = pa.Field(nullable=True, ge=1)
    source_page: pl.Int32 = pa.Field(nullable=True, ge=1)
    source_table: pl.Int32 = pa.Field(nullable=True, ge=1)
    source_row: pl.Int32 = pa.Field(nullable=True, ge=1)
    source_col: pl.Int32 = pa.Field(nullable=True, ge=1)
    flags: pl.List(pl.String) = pa.Field(nullable=False)
    table_encoding: str = pa.Field(nullable=True)

    class Config:
        unique = ["report_id", "section", "row_code", "col_code"]

    @pa.dataframe_check(error="unit is 元 exactly for the money columns, 件 for the counts")
    def unit_matches_column(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("col_code").is_in(MONEY_COLUMNS) == (pl.col("unit") == "元"))

    @pa.dataframe_check(error="a value is a finite number")
    def value_is_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_null() | pl.col("value").is_finite())

    @pa.dataframe_check(error="a negative value outside `change` carries the 'negative' flag (and so a finding S1)")
    def negative_is_flagged(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("value").is_null()
            | (pl.col("value") >= 0)
            | pl.col("col_code").is_in(SIGNED_COLUMNS)
            | pl.col("flags").list.contains(NEGATIVE_FLAG)
        )

    @pa.dataframe_check(error="the 'negative' flag stands only on a negative value")
    def flag_is_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("flags").list.contains(NEGATIVE_FLAG) | (pl.col("value") < 0).fill_null(False))

    @pa.dataframe_check(error="a NULL value says why in its flags (blank, dash, not_a_number, not_in_source)")
    def null_says_why(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("value").is_not_null() | pl.col("flags").list.eval(pl.element().is_in(NULL_FLAGS)).list.any())

    @pa.dataframe_check(error="a value comes with the text it was read from and where it stands (its line, or "
                              "its table, row and column)")
    def value_has_source(cls, data: pa.PolarsData) -> pl.LazyFrame:
        placed = pl.col("source_line").is_not_null() | pl.all_horizontal(
            pl.col("source_table", "source_row", "source_col").is_not_null())
        return data.lazyframe.select(pl.col("value").is_null() | (pl.col("raw_text").is_not_null() & placed))


class FactsOfReports(Facts):
    """Facts joined to their report: every cell is a cell of its report's form."""

    form_version: str = pa.Field(isin=sorted(FORMS))
    report_status: str = pa.Field(isin=TABLE_STATUSES)

    @pa.dataframe_check(error="(section, row_code, col_code) is a cell of the report's form version")
    def cell_of_its_form(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_within(_key("form_version", "section", "row_code", "col_code"), CELLS))


def _current(data: pa.PolarsData) -> pl.Expr:
    """The rows of the files as they are now. Reports may keep the versions a newer one of the same
    file replaced (`superseded_by` names the newer one) and files gone from the folder (`removed_at`);
    the rules of one row a file hold for the rest."""
    names = data.lazyframe.collect_schema().names()
    return pl.all_horizontal(pl.lit(True), *(pl.col(c).is_null() for c in ("superseded_by", "removed_at") if c in names))


class Reports(pa.DataFrameModel):
    """One row per input file (and, where the reports keep their history, per earlier version of it)."""

    report_id: str = pa.Field(str_matches=r"^[0-9a-f]{16}$")
    source_file: str = pa.Field(str_length={"min_value": 1})
    # NULL only for a file refused unread (over the size limit, or not readable at all).
    sha256: str = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$")
    size_bytes: pl.Int64 = pa.Field(nullable=True, ge=0)
    agency: str = pa.Field(nullable=True)
    year: pl.Int32 = pa.Field(nullable=True, ge=1990, le=2100)
    published: pl.Date = pa.Field(nullable=True)
    form_version: str = pa.Field(nullable=True, isin=sorted(FORMS))
    status: str = pa.Field(isin=STATUSES)
    status_reason: str = pa.Field(nullable=True)
    text_encoding: str = pa.Field(nullable=True)
    table_encoding: str = pa.Field(nullable=True)
    duplicate_of: str = pa.Field(nullable=True)
    n_cells: pl.Int64 = pa.Field(ge=0)
    n_findings: pl.Int64 = pa.Field(ge=0)
    address: str = pa.Field(nullable=True)
    area_code: str = pa.Field(nullable=True, str_matches=r"^0[0-9]{2,3}$")

    @pa.dataframe_check(error="a report not parsed cleanly says why")
    def reason_unless_parsed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status") == "parsed") | pl.col("status_reason").is_not_null())

    @pa.dataframe_check(error="report_id is the start of the sha256; only an unread file has no sha256")
    def id_from_content(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.when(pl.col("sha256").is_null()).then(pl.col("status") == "unreadable")
            .otherwise(pl.col("sha256").str.slice(0, 16) == pl.col("report_id")))

    @pa.dataframe_check(error="a parsed report has every cell of its form")
    def parsed_is_complete(cls, data: pa.PolarsData) -> pl.LazyFrame:
        cells = pl.col("form_version").replace_strict(CELLS_PER_FORM, default=None, return_dtype=pl.Int64)
        return data.lazyframe.select(
            (pl.col("status") != "parsed") | pl.col("duplicate_of").is_not_null() | (pl.col("n_cells") == cells).fill_null(False))

    @pa.dataframe_check(error="one current row per source_file")
    def one_row_per_file(cls, data: pa.PolarsData) -> pl.LazyFrame:
        current = _current(data)
        return data.lazyframe.select(~(current & pl.when(current).then(pl.col("source_file")).is_duplicated()))

    @pa.dataframe_check(error="the same bytes are one report: one current row per report_id has no duplicate_of")
    def one_first_per_report(cls, data: pa.PolarsData) -> pl.LazyFrame:
        current = _current(data)
        firsts = (current & pl.col("duplicate_of").is_null()).sum().over("report_id")
        return data.lazyframe.select(~current | (firsts == 1))

    @pa.dataframe_check(error="duplicate_of names the first file with the same bytes; a duplicate counts no cells or findings")
    def duplicate_names_its_first(cls, data: pa.PolarsData) -> pl.LazyFrame:
        firsts = _key("source_file", "report_id").filter(_current(data) & pl.col("duplicate_of").is_null()).implode()
        return data.lazyframe.select(
            pl.col("duplicate_of").is_null()
            | (_key("duplicate_of", "report_id").is_in(firsts) & (pl.col("n_cells") == 0) & (pl.col("n_findings") == 0))
        )


class Findings(pa.DataFrameModel):
    """One row per rule a report breaks."""

    report_id: str = pa.Field(str_matches=r"^[0-9a-f]{16}$")
    rule: str = pa.Field(isin=RULES)
    severity: str = pa.Field(isin=SEVERITIES)
    section: str = pa.Field(nullable=True, isin=SECTIONS)
    row_code: str = pa.Field(nullable=True, isin=ROW_CODES)
    col_code: str = pa.Field(nullable=True, isin=COL_CODES)
    expected: float = pa.Field(nullable=True)
    actual: float = pa.Field(nullable=True)
    message: str = pa.Field(str_length={"min_value": 1})
    message_en: str = pa.Field(str_length={"min_value": 1})
    raw_text: str = pa.Field(nullable=True)
    source_line: pl.Int32 = pa.Field(nullable=True, ge=1)
    source_page: pl.Int32 = pa.Field(nullable=True, ge=1)

    @pa.dataframe_check(error="a rule of the forms is broken with its own severity, with expected and actual")
    def form_rule_severity(cls, data: pa.PolarsData) -> pl.LazyFrame:
        severity = pl.col("rule").replace_strict(FORM_RULES, default=None, return_dtype=pl.String)
        return data.lazyframe.select(
            severity.is_null()
            | ((pl.col("severity") == severity) & pl.col("expected").is_not_null() & pl.col("actual").is_not_null()))

    @pa.dataframe_check(error="a not-evaluable finding is a warning, with neither expected nor actual")
    def not_evaluable_is_a_warning(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col("rule").str.ends_with(NOT_EVALUABLE)
            | ((pl.col("severity") == "warning") & pl.col("expected").is_null() & pl.col("actual").is_null()))

    @pa.dataframe_check(error="a finding that names a row or a column names its section")
    def codes_have_a_section(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("section").is_not_null() | (pl.col("row_code").is_null() & pl.col("col_code").is_null()))


class FindingsOfReports(Findings):
    """Findings joined to their report: about a report that exists, in the codes of its form."""

    form_version: str = pa.Field(nullable=True, isin=sorted(FORMS))
    report_status: str = pa.Field(isin=STATUSES)

    @pa.dataframe_check(error="row_code is a row of the section in the report's form version")
    def row_of_its_form(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("row_code").is_null() | _within(_key("form_version", "section", "row_code"), FORM_ROWS))

    @pa.dataframe_check(error="col_code is a column of the section in the report's form version")
    def column_of_its_form(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("col_code").is_null() | _within(_key("form_version", "section", "col_code"), FORM_COLUMNS))
