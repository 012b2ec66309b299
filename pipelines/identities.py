"""The report identities of the forms (I1 勾稽, I2, I3, T4), evaluated on the facts as findings.

A violated identity is a fact about the report: the numbers stay as written and a finding says
which cells disagree and by how much. An identity that touches a blank or missing cell cannot be
evaluated, and says so in a finding of its own rather than passing silently.
"""

from __future__ import annotations

import polars as pl

from schemas.forms import FORMS, Identity

from .frames import FINDINGS_SCHEMA

NOT_EVALUABLE = "_NE"  # suffix of the rule of a not-evaluable finding: I1_NE, I2_NE, …
TOLERANCE = 1e-6


def identity_findings(facts: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Every violated or not-evaluable identity of every report, as findings rows."""
    versions = reports.select("report_id", "form_version").unique("report_id")
    facts = facts.join(versions, on="report_id", how="inner")
    parts = []
    for form in FORMS.values():
        of_form = facts.filter(pl.col("form_version") == form.code)
        if of_form.is_empty():
            continue
        for identity in form.identities:
            parts.append(_evaluate(of_form, identity))
    if not parts:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    return pl.concat(parts, how="diagonal_relaxed").select(FINDINGS_SCHEMA.keys()).cast(FINDINGS_SCHEMA)


def _evaluate(facts: pl.DataFrame, identity: Identity) -> pl.DataFrame:
    member, along = ("row_code", "col_code") if identity.over == "col" else ("col_code", "row_code")
    terms = identity.lhs + identity.rhs
    sub = facts.filter((pl.col("section") == identity.section) & pl.col(member).is_in(terms))
    side = pl.col(member).is_in(identity.lhs)
    g = (
        sub.group_by("report_id", along)
        .agg(
            lhs=pl.col("value").filter(side).sum(),
            rhs=pl.col("value").filter(~side).sum(),
            n_terms=pl.col(member).n_unique(),
            blanks=pl.col(member).filter(pl.col("value").is_null()).sort(),
        )
    )
    evaluable = (pl.col("n_terms") == len(terms)) & (pl.col("blanks").list.len() == 0)
    broken = evaluable & ((pl.col("lhs") - pl.col("rhs")).abs() > TOLERANCE)
    lhs_text = " + ".join(identity.lhs)
    rhs_text = " + ".join(identity.rhs) if len(identity.rhs) <= 4 else "the parts"
    fixed = {
        "section": pl.lit(identity.section),
        "row_code": pl.col(along) if identity.over == "row" else pl.lit(identity.lhs[0] if len(identity.lhs) == 1 else None, pl.String),
        "col_code": pl.col(along) if identity.over == "col" else pl.lit(identity.lhs[0] if len(identity.lhs) == 1 else None, pl.String),
        "raw_text": pl.lit(None, pl.String),
        "source_line": pl.lit(None, pl.Int32),
    }
    violations = g.filter(broken).select(
        "report_id",
        rule=pl.lit(identity.rule),
        severity=pl.lit("error"),
        expected=pl.col("rhs"),
        actual=pl.col("lhs"),
        message=pl.format(f"{identity.description_zh}不成立（{{}}：{{}}≠{{}}）", pl.col(along), pl.col("lhs"), pl.col("rhs")),
        message_en=pl.format(f"{identity.rule} fails for {{}}: {lhs_text} = {{}} but {rhs_text} = {{}}",
                             pl.col(along), pl.col("lhs"), pl.col("rhs")),
        **fixed,
    )
    unknown = g.filter(~evaluable).select(
        "report_id",
        rule=pl.lit(identity.rule + NOT_EVALUABLE),
        severity=pl.lit("warning"),
        expected=pl.lit(None, pl.Float64),
        actual=pl.lit(None, pl.Float64),
        message=pl.format(f"{identity.description_zh}无法核验（{{}}）：单元格空白或缺失", pl.col(along)),
        message_en=pl.format(f"{identity.rule} not evaluable for {{}}: blank or missing cells {{}}", pl.col(along),
                             pl.col("blanks").list.join(",")),
        **fixed,
    )
    return pl.concat([violations, unknown], how="diagonal_relaxed")
