"""The identities of the forms (I1 勾稽, I2, I3, T4, and the soft W3), evaluated on the facts as findings.

A violated identity is a fact about the report: the numbers stay as written and a finding says
which cells disagree and by how much. An identity that touches a blank or missing cell cannot be
evaluated, and says so in a finding of its own rather than passing silently; so does every identity
of a table that was not read at all.

The identities are data in `schemas/forms/`; nothing here names a row or a column.
"""

from __future__ import annotations

import polars as pl

from schemas.forms import FORMS, Identity, Section

from .frames import FINDINGS_SCHEMA

NOT_EVALUABLE = "_NE"  # suffix of the rule of a not-evaluable finding: I1_NE, I2_NE, …
TOLERANCE = 1e-6  # values are decimals read as floats: compare sums with room for rounding
TABLE_STATUSES = ("parsed", "partial")  # reports whose tables were read, in whole or in part
AXIS_ZH = {"col_code": "列", "row_code": "行"}
AXIS_EN = {"col_code": "column", "row_code": "row"}
PRESENT = "_present"  # how many terms of an identity have a value, in a cell's group
IDENTITY_COLUMNS = ("report_id", "section", "row_code", "col_code", "value", "raw_text", "source_line", "source_page")


def identity_findings(facts: pl.DataFrame | pl.LazyFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Every violated or not-evaluable identity of every report, as findings rows."""
    tabled = tabled_reports(reports)
    # Only the columns a finding reads, each section's cells cut out once for all its identities.
    cells = facts.lazy().select(IDENTITY_COLUMNS)
    parts = []
    for form in FORMS.values():
        ids = tabled.filter(pl.col("form_version") == form.code).select("report_id")
        if ids.is_empty():
            continue
        rules = (*form.identities, *form.soft_identities)
        sections = sorted({identity.section for identity in rules})
        of_form = cells.join(ids.lazy(), on="report_id", how="semi").filter(pl.col("section").is_in(sections)).collect()
        in_section = {code: of_form.filter(pl.col("section") == code) for code in sections}
        with_table = {code: frame.select(pl.col("report_id").unique()) for code, frame in in_section.items()}
        for identity in rules:
            parts.append(_evaluate(form.section(identity.section), identity, ids, in_section[identity.section],
                                   with_table[identity.section]))
    return as_findings(parts)


def tabled_reports(reports: pl.DataFrame, *extra: str) -> pl.DataFrame:
    """One row per report whose tables were read (duplicates are one report), with its form."""
    return (
        reports.filter(pl.col("status").is_in(TABLE_STATUSES) & pl.col("form_version").is_not_null())
        .select("report_id", "form_version", *extra)
        .unique("report_id", keep="first", maintain_order=True)
    )


def axes(over: str) -> tuple[str, str]:
    """(the column holding the identity's terms, the column it is evaluated along)."""
    return ("row_code", "col_code") if over == "col" else ("col_code", "row_code")


def along_values(section: Section, over: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Where an identity applies: the columns every term row has (over="col"), or the rows that have
    every term column (over="row"; in 二 each row has its own columns)."""
    if over == "col":
        shared = set.intersection(*(set(section.columns_of(t)) for t in terms))
        return tuple(c.code for c in section.columns if c.code in shared)
    return tuple(r.code for r in section.rows if set(terms) <= set(section.columns_of(r)))


def labels_zh(section: Section, column: str) -> dict[str, str]:
    """code -> Chinese label, for the rows (column="row_code") or the columns of a section."""
    items = section.rows if column == "row_code" else section.columns
    return {i.code: i.label_zh for i in items}


def label_of(column: str, section: Section) -> pl.Expr:
    return pl.col(column).replace_strict(labels_zh(section, column), default=pl.col(column), return_dtype=pl.String)


def number_text(expr: pl.Expr) -> pl.Expr:
    """A value as a report would write it: 5, not 5.0."""
    whole = expr == expr.floor()
    return pl.when(whole).then(expr.cast(pl.Int64).cast(pl.String)).otherwise(expr.cast(pl.String))


def by_cell(cells: pl.DataFrame, along: str, member: str, terms: tuple[str, ...], sums: dict[str, tuple[str, ...]],
            pinned: str | None = None) -> pl.DataFrame:
    """One row per (report, along): for each name in `sums` the sum of the values of its member codes,
    `_has_i` whether term i has a value, and the `raw_text` and `source_line` of the `pinned` cell.
    The columns are made row by row first: polars aggregates plain columns fast, and a filter inside
    an aggregation one group at a time."""
    marked = cells.with_columns(
        *(pl.when(pl.col(member).is_in(codes)).then(pl.col("value")).alias(name) for name, codes in sums.items()),
        *(((pl.col(member) == t) & pl.col("value").is_not_null()).alias(f"_has_{i}") for i, t in enumerate(terms)),
    )
    g = marked.group_by("report_id", along).agg(pl.col(*sums).sum(), pl.col(r"^_has_\d+$").any())
    if pinned:
        source = marked.filter(pl.col(member) == pinned).select("report_id", along, "raw_text", "source_line", "source_page")
        g = g.join(source, on=["report_id", along], how="left")
    return g


def sums_by_cell(cells: pl.DataFrame, along: str, member: str, sums: dict[str, tuple[str, ...]],
                 pinned: str | None = None) -> pl.DataFrame:
    """`by_cell` with, instead of a flag for each term, `PRESENT`: how many of the member codes have a value
    (counted once each, so that the count says whether every term has one). Which terms lack a value
    is asked (`terms_present`) only of the few cells where some do."""
    marked = cells.with_columns(
        *(pl.when(pl.col(member).is_in(codes)).then(pl.col("value")).alias(name) for name, codes in sums.items()),
        pl.when(pl.col("value").is_not_null()).then(pl.col(member)).alias(PRESENT),
    )
    g = marked.group_by("report_id", along).agg(pl.col(*sums).sum(), pl.col(PRESENT).drop_nulls().n_unique())
    if pinned:
        source = marked.filter(pl.col(member) == pinned).select("report_id", along, "raw_text", "source_line", "source_page")
        g = g.join(source, on=["report_id", along], how="left")
    return g


def terms_present(cells: pl.DataFrame, along: str, member: str, terms: tuple[str, ...]) -> pl.DataFrame:
    """One row per (report, along): `_has_i` whether term i has a value, as `absent_terms` reads them."""
    return cells.with_columns(
        ((pl.col(member) == t) & pl.col("value").is_not_null()).alias(f"_has_{i}") for i, t in enumerate(terms)
    ).group_by("report_id", along).agg(pl.col(r"^_has_\d+$").any())


def absent_terms(terms: tuple[str, ...], names: tuple[str, ...] | None = None) -> pl.Expr:
    """The terms (or their `names`) without a value, in the form's order, after `by_cell`."""
    names = names or terms
    return pl.concat_list(
        [pl.when(pl.col(f"_has_{i}").fill_null(False)).then(pl.lit(None, pl.String)).otherwise(pl.lit(n))
         for i, n in enumerate(names)]
    ).list.drop_nulls()


def location(section: Section, along: str, pinned: str | None) -> tuple[pl.Expr, pl.Expr, dict[str, pl.Expr]]:
    """Where a finding points: the start of its Chinese message, its place in English, and its
    cell columns. `pinned` is the one member code the rule is about (then the group's `raw_text` and
    `source_line` are that cell's), or None for a rule about a whole column or row."""
    where_zh = pl.format(f"表{section.number}“{{}}”{AXIS_ZH[along]}：", label_of(along, section))
    where_en = pl.format(f"{AXIS_EN[along]} {{}}", pl.col(along))
    cells = {
        "section": pl.lit(section.code),
        "row_code": pl.col(along) if along == "row_code" else pl.lit(pinned, pl.String),
        "col_code": pl.col(along) if along == "col_code" else pl.lit(pinned, pl.String),
        "raw_text": pl.col("raw_text") if pinned else pl.lit(None, pl.String),
        "source_line": pl.col("source_line") if pinned else pl.lit(None, pl.Int32),
        "source_page": pl.col("source_page") if pinned else pl.lit(None, pl.Int32),
    }
    return where_zh, where_en, cells


def as_findings(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames with some of the findings columns as one findings frame (the others NULL)."""
    parts = [p for p in parts if not p.is_empty()]
    if not parts:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    frame = pl.concat(parts, how="diagonal_relaxed")
    return frame.select(pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                        for c, t in FINDINGS_SCHEMA.items())


def table_not_read(ids: pl.DataFrame, rule: str, section: Section, description_zh: str,
                   whose_zh: str = "", whose_en: str = "") -> pl.DataFrame:
    """One not-evaluable finding per report whose table of `section` was not read."""
    return ids.select(
        "report_id",
        rule=pl.lit(rule + NOT_EVALUABLE),
        severity=pl.lit("warning"),
        section=pl.lit(section.code),
        message=pl.lit(f"未读取到{whose_zh}“{section.number}、{section.title_zh}”表格，{description_zh} 无法核验"),
        message_en=pl.lit(f"{rule} not evaluable: the table of section {section.code}{whose_en} was not read"),
    )


def _evaluate(section: Section, identity: Identity, ids: pl.DataFrame, in_section: pl.DataFrame,
              with_table: pl.DataFrame) -> pl.DataFrame:
    """The findings of one identity: `in_section` holds the cells of its section of the reports `ids`,
    `with_table` the reports that have any."""
    member, along = axes(identity.over)
    terms = (*identity.lhs, *identity.rhs)
    alongs = along_values(section, identity.over, terms)
    # Only an identity with one cell on its left names that cell (I2, I3, T4: the total); I1 has two.
    pinned = identity.lhs[0] if len(identity.lhs) == 1 else None
    term_cells = in_section.filter(pl.col(member).is_in(terms) & pl.col(along).is_in(alongs))
    g = sums_by_cell(term_cells, along, member, {"lhs": identity.lhs, "rhs": identity.rhs}, pinned)
    grid = with_table.join(pl.DataFrame({along: alongs}, schema={along: pl.String}), how="cross")
    g = grid.join(g, on=["report_id", along], how="left")
    evaluable = pl.col(PRESENT).fill_null(0) == len(terms)
    excess = pl.col("lhs") - pl.col("rhs")
    broken = evaluable & (excess.abs() > TOLERANCE if identity.relation == "=" else excess > TOLERANCE)
    where_zh, where_en, cells = location(section, along, pinned)
    lhs_en = " + ".join(identity.lhs)
    rhs_en = (" + ".join(identity.rhs) if len(identity.rhs) <= 4
              else f"the sum of {identity.rhs[0]} … {identity.rhs[-1]} ({len(identity.rhs)} {AXIS_EN[member]}s)")
    relation_zh, relation_en = ("不等于", "but") if identity.relation == "=" else ("大于", "exceeds")
    violations = g.filter(broken).select(
        "report_id",
        rule=pl.lit(identity.rule),
        severity=pl.lit(identity.severity),
        expected=pl.col("rhs"),
        actual=pl.col("lhs"),
        message=pl.format(f"{{}}{identity.description_zh} 不成立：左边为 {{}}，{relation_zh}右边 {{}}",
                          where_zh, number_text(pl.col("lhs")), number_text(pl.col("rhs"))),
        message_en=pl.format(f"{identity.rule} fails in {{}}: {lhs_en} = {{}} {relation_en} {rhs_en} = {{}}",
                             where_en, number_text(pl.col("lhs")), number_text(pl.col("rhs"))),
        **cells,
    )
    member_labels = labels_zh(section, member)
    # Which terms are absent is listed only where some are: a list a row for every row would cost more
    # than all the rest of the identity.
    unknown = g.filter(~evaluable)
    present = terms_present(term_cells.join(unknown.select("report_id", along), on=["report_id", along], how="semi"),
                            along, member, terms)
    unknown = unknown.join(present,
                           on=["report_id", along], how="left").with_columns(absent=absent_terms(terms)).select(
        "report_id",
        rule=pl.lit(identity.rule + NOT_EVALUABLE),
        severity=pl.lit("warning"),
        message=pl.format(f"{{}}{identity.description_zh} 无法核验，空白或缺失的单元格：{{}}", where_zh,
                          absent_terms(terms, tuple(member_labels[t] for t in terms)).list.join("、")),
        message_en=pl.format(f"{identity.rule} not evaluable in {{}}: blank or missing {{}}", where_en,
                             pl.col("absent").list.join(", ")),
        **cells,
    )
    missing_table = table_not_read(ids.join(with_table, on="report_id", how="anti"), identity.rule, section,
                                   identity.description_zh)
    return pl.concat([violations, unknown, missing_table], how="diagonal_relaxed")
