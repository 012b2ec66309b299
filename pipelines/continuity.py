"""The soft rules across years (W1 carried over, W2 in force): a report against the same body's
report of the year before, as warnings.

The body is matched by `body_id` (pipelines/bodies.py: the name folded for width, spaces, brackets and
suffix variants, and the region, so that two counties' 财政局 are two bodies) and the year. Where a body has two different reports for last year, this year's report is
compared with each: which one is right is not ours to guess. A rule is compared only where last
year's form has the cell it needs (a 2019-form report has no `in_force`).
"""

from __future__ import annotations

import polars as pl

from schemas.forms import FORMS, Continuity, Section

from .bodies import report_bodies
from .frames import current_reports
from .identities import (NOT_EVALUABLE, TOLERANCE, absent_terms, along_values, as_findings, axes, by_cell, labels_zh,
                         location, number_text, table_not_read, tabled_reports)


def continuity_cells(facts: pl.LazyFrame) -> pl.LazyFrame:
    """The facts the rules across years read, out of all the facts of all years: a few rows a report."""
    wanted = [(rule.section, axes(rule.over)[0], code)
              for form in FORMS.values() for rule in form.continuities
              for code in (rule.current, rule.previous, *rule.plus, *rule.minus)]
    return facts.filter(pl.any_horizontal([(pl.col("section") == s) & (pl.col(member) == code)
                                           for s, member, code in dict.fromkeys(wanted)]))


def continuity_findings(facts: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Every break of a rule across years, for every report with a report of the same body the year
    before; `facts` needs only `continuity_cells`."""
    pairs = report_pairs(reports)
    parts = []
    for form in FORMS.values():
        of_form = pairs.filter(pl.col("form_version") == form.code)
        if of_form.is_empty():
            continue
        for rule in form.continuities:
            parts.append(_compare(form.section(rule.section), rule, of_form, facts))
    # The joins above leave rows in whatever order their threads finish: sorted, by report, rule and
    # cell (and the rest, to break ties), the warehouse's findings come out the same in every run.
    findings = as_findings(parts)
    return findings.sort(findings.columns, nulls_last=True)


def report_pairs(reports: pl.DataFrame) -> pl.DataFrame:
    """(report, the same body's report of the year before): report_id, form_version, previous_id,
    previous_form, previous_year."""
    # A file replaced by a newer version is no longer the body's report.
    current = current_reports(reports)
    ids = report_bodies(current).select("report_id", body="body_id").unique("report_id")
    bodies = tabled_reports(current, "year").filter(pl.col("year").is_not_null()).join(ids, on="report_id")
    previous = bodies.select("body", pl.col("year") + 1, previous_id="report_id", previous_form="form_version",
                             previous_year="year")
    return bodies.join(previous, on=["body", "year"]).select(
        "report_id", "form_version", "previous_id", "previous_form", "previous_year")


def _comparable(section: Section, rule: Continuity, along: str, alongs: tuple[str, ...]) -> pl.DataFrame:
    """(previous_form, along) where last year's form has the cell the rule reads."""
    rows = []
    for form in FORMS.values():
        cells = set(form.cells())
        for a in alongs:
            row, col = (rule.previous, a) if rule.over == "col" else (a, rule.previous)
            if (section.code, row, col) in cells:
                rows.append((form.code, a))
    return pl.DataFrame(rows, schema={"previous_form": pl.String, along: pl.String}, orient="row")


def _compare(section: Section, rule: Continuity, pairs: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    member, along = axes(rule.over)
    terms = (rule.current, *rule.plus, *rule.minus)
    alongs = along_values(section, rule.over, terms)
    in_section = facts.filter(pl.col("section") == section.code)
    with_table = in_section.select("report_id").unique()
    both = (pairs.join(with_table, on="report_id", how="semi")
            .join(with_table.rename({"report_id": "previous_id"}), on="previous_id", how="semi"))
    this_year = by_cell(in_section.filter(pl.col(member).is_in(terms) & pl.col(along).is_in(alongs)), along, member,
                        terms, {"current": (rule.current,), "plus": rule.plus, "minus": rule.minus}, rule.current)
    last_year = in_section.filter(pl.col(member) == rule.previous).select(
        pl.col("report_id").alias("previous_id"), along, previous="value")
    g = (
        both.join(_comparable(section, rule, along, alongs), on="previous_form")
        .join(this_year, on=["report_id", along], how="left")
        .join(last_year, on=["previous_id", along], how="left")
        .with_columns(expected=pl.col("previous") + pl.col("plus") - pl.col("minus"),
                      absent=absent_terms(terms))
    )
    evaluable = (pl.col("absent").list.len() == 0) & pl.col("previous").is_not_null()
    broken = evaluable & ((pl.col("current") - pl.col("expected")).abs() > TOLERANCE)
    where_zh, where_en, cells = location(section, along, rule.current)
    violations = g.filter(broken).select(
        "report_id",
        rule=pl.lit(rule.rule),
        severity=pl.lit(rule.severity),
        expected=pl.col("expected"),
        actual=pl.col("current"),
        message=pl.format(f"{{}}{rule.description_zh} 不成立：本年为 {{}}，按 {{}} 年报告（{{}}）应为 {{}}",
                          where_zh, number_text(pl.col("current")), pl.col("previous_year"), pl.col("previous_id"),
                          number_text(pl.col("expected"))),
        message_en=pl.format(f"{rule.rule} fails in {{}}: {rule.current} = {{}}, but last year's report {{}} ({{}}) "
                             "gives {}", where_en, number_text(pl.col("current")), pl.col("previous_id"),
                             pl.col("previous_year"), number_text(pl.col("expected"))),
        **cells,
    )
    member_labels = labels_zh(section, member)
    last_year_blank = pl.when(pl.col("previous").is_null())
    unknown = g.filter(~evaluable).select(
        "report_id",
        rule=pl.lit(rule.rule + NOT_EVALUABLE),
        severity=pl.lit("warning"),
        message=pl.format(
            f"{{}}{rule.description_zh} 无法核验（与 {{}} 年报告 {{}} 比较），空白或缺失的单元格：{{}}",
            where_zh, pl.col("previous_year"), pl.col("previous_id"),
            absent_terms(terms, tuple(member_labels[t] for t in terms))
            .list.concat(last_year_blank.then(pl.lit([f"上年{member_labels[rule.previous]}"])).otherwise(pl.lit([], pl.List(pl.String))))
            .list.join("、")),
        message_en=pl.format(
            f"{rule.rule} not evaluable in {{}} (against {{}}, {{}}): blank or missing {{}}",
            where_en, pl.col("previous_id"), pl.col("previous_year"),
            pl.col("absent")
            .list.concat(last_year_blank.then(pl.lit([f"last year's {rule.previous}"])).otherwise(pl.lit([], pl.List(pl.String))))
            .list.join(", ")),
        **cells,
    )
    # A table missing on either side: one finding for the pair, not one per cell.
    missing_table = table_not_read(pairs.join(both, on=["report_id", "previous_id"], how="anti"), rule.rule, section,
                                   rule.description_zh, "本年或上年报告的", " of this or last year's report")
    return pl.concat([violations, unknown, missing_table], how="diagonal_relaxed")
