"""The marts: tables for analysts, built in set-based SQL from the contract tables inside the private
warehouse file, before it is published.

Their columns are generated from the form description: a row of 三 is a column of `mart_requests`, a
group of rows (不予公开, 无法提供, …, from `Row.group`) is a column holding their sum, a cell of 二 is a
column of `mart_active_disclosure`. A new row or form version therefore reaches the marts, their
comments and their schemas without anyone writing its code here.

A sum or a rate is NULL where a cell it needs is blank or missing: a blank is not a zero, and a mart
never guesses. The cells themselves are in `facts`, exactly as the reports wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import polars as pl

from schemas.forms import FORMS, Column

from .dictionary import ColumnDoc, TableDoc, col_codes, group_of, merged, row_codes, totals, versions_of
from .identities import NOT_EVALUABLE
from .values import INFERRED_COLUMN

# Codes of the warehouse contract that define the marts' derived figures.
BALANCE_RULE = "I1"  # 勾稽: received + carried over = total processed + carried forward
GRANTED = ("granted", "partly_granted")  # the disclosure rate: these over total_processed
CORRECTED = "corrected"  # the correction rate of appeals: corrected over the concluded outcomes
PENDING = "pending"  # not concluded: left out of the correction rate

ACTIVE, REQUESTS, APPEALS = "active", "requests", "appeals"
_CODE = re.compile(r"^[A-Za-z0-9_]+$")


def _lit(code: str) -> str:
    """A code of the forms as an SQL string literal. Codes are ours, never input; the check keeps it so."""
    if not _CODE.match(code):
        raise ValueError(f"not a code: {code!r}")
    return f"'{code}'"


def _in(codes: Iterable[str]) -> str:
    return "(" + ", ".join(_lit(c) for c in codes) + ")"


@dataclass(frozen=True)
class Out:
    """One column of a mart: its SQL expression, its meaning, and its polars type (checked by the
    mart's schema)."""

    name: str
    sql: str
    zh: str
    en: str
    dtype: pl.DataType = pl.Float64


@dataclass(frozen=True)
class Mart:
    name: str
    zh: str
    en: str
    outs: tuple[Out, ...]
    # FROM … of the SELECT whose list is `outs`.
    source: str
    reads: tuple[str, ...]  # the tables it is built from, for lineage

    @property
    def doc(self) -> TableDoc:
        return TableDoc(self.name, "mart", self.zh, self.en, tuple(ColumnDoc(o.name, o.zh, o.en) for o in self.outs))

    @property
    def dtypes(self) -> dict[str, pl.DataType]:
        return {o.name: o.dtype for o in self.outs}

    def column(self, name: str) -> Out:
        return next(o for o in self.outs if o.name == name)

    def create(self, con: duckdb.DuckDBPyConnection) -> None:
        select = ",\n  ".join(f'{o.sql} AS "{o.name}"' for o in self.outs)
        con.execute(f'CREATE TABLE "{self.name}" AS\nSELECT\n  {select}\n{self.source}')


# --- units: a row of the form, or a group of rows summed --------------------------------------------

@dataclass(frozen=True)
class Unit:
    """What one mart column (or one column per form column) holds: the sum of `members`, the row codes
    in each form version. A single row is a unit of one member."""

    name: str
    members: dict[str, tuple[str, ...]]
    zh: str
    en: str
    is_group: bool
    detail: bool  # a row inside a group (its group has a column of its own)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(c for m in self.members.values() for c in m))


def units(section_code: str) -> list[Unit]:
    """The section's rows in form order, each followed, after the last row of its group, by the group.
    Rows of the group that holds a total row (三's 办理结果) stay single: they are the parts the total
    sums, not a group beside it."""
    versions = versions_of(section_code)
    codes = row_codes(section_code)
    newest = {code: next((s, s.row(code)) for _, s in reversed(versions) if any(r.code == code for r in s.rows))
              for code in codes}
    outer = {group_of(s, s.row(t)) for v, s in versions for t in totals(v, section_code, "col")}
    group = {code: group_of(*newest[code]) for code in codes}
    last_of = {group[c]: c for c in codes if group[c] and group[c] not in outer}
    out = []
    for code in codes:
        section, row = newest[code]
        g = group[code]
        in_group = g is not None and g not in outer
        if not (in_group and row.label_zh == section.groups.get(g)):  # the row that is its whole group
            having = {v: (code,) for v, s in versions if any(r.code == code for r in s.rows)}
            zh = " / ".join(dict.fromkeys(s.row(code).label_zh for v, s in versions if v in having))
            en = " / ".join(dict.fromkeys(s.row(code).label_en for v, s in versions if v in having))
            out.append(Unit(code, having, zh, en, is_group=False, detail=in_group))
        if in_group and last_of[g] == code:
            members = {v: tuple(r.code for r in s.rows if group_of(s, r) == g) for v, s in versions}
            out.append(Unit(g, {v: m for v, m in members.items() if m}, section.groups[g],
                            section.groups_en.get(g, g), is_group=True, detail=False))
    return out


def _versions_note(having: Iterable[str]) -> tuple[str, str]:
    having = list(having)
    if len(having) == len(FORMS):
        return "", ""
    return f"（仅 {'、'.join(having)} 版表格）", f" ({', '.join(having)} form only)"


def _expected(counts: dict[str, int], version: str = "r.form_version") -> str:
    """counts[form version] for the report's version, as SQL; NULL for a version without the unit."""
    return "CASE " + version + " " + " ".join(f"WHEN {_lit(v)} THEN {n}" for v, n in counts.items()) + " END"


def _value_if(cond: str) -> str:
    """The cell's value where `cond` holds, else NULL: inside an aggregate, the same as FILTER (WHERE cond),
    since aggregates skip NULLs. DuckDB runs a wide pivot of CASEs several times faster than one of
    FILTERs (a year's mart_requests: 1.4 against 3.3 s of CPU)."""
    return f"CASE WHEN {cond} THEN value END"


def _unit_aggregates(unit: Unit, alias: str, where: str = "") -> list[str]:
    """Aggregates over the facts of one report (and column): the unit's value and, for a group, how many
    of its members have one."""
    value = _value_if(f"row_code IN {_in(unit.codes)}" + (f" AND {where}" if where else ""))
    if not unit.is_group:
        return [f'max({value}) AS "{alias}__v"']
    return [f'sum({value}) AS "{alias}__v"', f'count({value}) AS "{alias}__n"']


def _unit_value(unit: Unit, alias: str, cells: str = "c") -> str:
    if not unit.is_group:
        return f'{cells}."{alias}__v"'
    # A group's sum only when every member has a value: one blank member leaves the sum unknown.
    expected = _expected({v: len(m) for v, m in unit.members.items()})
    return f'CASE WHEN {cells}."{alias}__n" = {expected} THEN {cells}."{alias}__v" END'


def _unit_doc(unit: Unit, column: Column | None = None) -> tuple[str, str]:
    """The comment of a unit's column (in one form column, for the marts with one per column)."""
    zh, en = unit.zh, unit.en
    if column is not None:
        zh, en = f"{zh}：{column.label_zh}", f"{en}: {column.label_en}"
    if unit.is_group:
        sums = {" + ".join(m) for m in unit.members.values()}
        if len(sums) == 1:
            zh_sum = en_sum = sums.pop()
        else:
            zh_sum = "；".join(f"{v} 版 {' + '.join(m)}" for v, m in unit.members.items())
            en_sum = "; ".join(f"{v} form: {' + '.join(m)}" for v, m in unit.members.items())
        zh += f"（合计：{zh_sum}；任一项空白或缺失时为空）"
        en += f" (sum: {en_sum}; NULL if any of them is blank or missing)"
    zh_note, en_note = _versions_note(unit.members)
    return zh + zh_note, en + en_note


def _rows_count(section_code: str) -> dict[str, int]:
    return {v: len(s.rows) for v, s in versions_of(section_code)}


# --- the fixed columns that open every per-report mart ---------------------------------------------

def _report_outs() -> list[Out]:
    return [
        Out("report_id", "r.report_id", "报告编号", "Report id", pl.String),
        Out("agency", "r.agency", "发布机关", "Publishing body", pl.String),
        Out("year", "r.year", "报告年度", "Report year", pl.Int32),
        Out("form_version", "r.form_version", "表格版本", "Form version", pl.String),
    ]


# The files the marts describe: the current version of each file now in the raw folder (a file whose
# bytes changed keeps its earlier version in `reports`, superseded; a file gone from the folder keeps
# its row, removed). Every mart filters by this one expression. A per-report mart also leaves out
# duplicate files (their numbers are their first copy's) and files without a form.
CURRENT = "r.superseded_by IS NULL AND r.removed_at IS NULL"
REPORT_ROWS = f"{CURRENT} AND r.duplicate_of IS NULL AND r.form_version IS NOT NULL"


def _per_report(aggregates: list[str], section_code: str) -> str:
    """FROM … of a mart with one row per report: the aggregates over its cells of one section as `c`."""
    return f"""FROM reports r
LEFT JOIN (
  SELECT report_id,
    {", ".join(aggregates)}
  FROM facts WHERE section = {_lit(section_code)}
  GROUP BY report_id
) c ON c.report_id = r.report_id
WHERE {REPORT_ROWS}
ORDER BY r.report_id"""


def requests_mart() -> Mart:
    unit_list = units(REQUESTS)
    aggregates = [a for u in unit_list for a in _unit_aggregates(u, u.name)]
    granted, processed = " + ".join(f'"{g}"' for g in GRANTED), '"total_processed"'
    outs = [
        *_report_outs(),
        Out("col_code", "d.col_code", "申请人类型（列代码，见 dim_col；total 为总计列）",
            "Applicant column (col_code, see dim_col; total is the 总计 column)", pl.String),
        *(Out(u.name, _unit_value(u, u.name), *_unit_doc(u)) for u in unit_list),
        # Lateral aliases: the columns just defined above.
        Out("disclosure_rate", f"({granted}) / nullif({processed}, 0)",
            "公开率：（予以公开＋部分公开）÷ 办理结果总计；总计为 0 或有空白时为空",
            "Disclosure rate: (granted + partly granted) / total processed; NULL when the total is 0 or a "
            "term is blank"),
        Out("n_missing", f"{_expected(_rows_count(REQUESTS))} - coalesce(c.n_values, 0)",
            "该列中没有数值的单元格数（空白、源表合并或未找到该行）",
            "Cells of this column without a value (blank, merged in the source, or row not found)", pl.Int64),
    ]
    source = f"""FROM reports r
JOIN dim_col d ON d.section = {_lit(REQUESTS)} AND list_contains(d.form_versions, r.form_version)
LEFT JOIN (
  SELECT report_id, col_code, count(value) AS n_values,
    {", ".join(aggregates)}
  FROM facts WHERE section = {_lit(REQUESTS)}
  GROUP BY report_id, col_code
) c ON c.report_id = r.report_id AND c.col_code = d.col_code
WHERE {REPORT_ROWS}
ORDER BY r.report_id, d.position"""
    return Mart("mart_requests", "政府信息公开申请：每份报告、每类申请人一行，含收到、结转、各类办理结果和公开率",
                "Requests for information: one row per report and applicant column, with requests received, "
                "carried over, each outcome and group of outcomes, carried forward and the disclosure rate.",
                tuple(outs), source, ("reports", "facts", "dim_col"))


def appeal_concluded() -> list[str]:
    """The outcome columns of 四 that a total adds up (T4), less the pending cases."""
    parts = {c for f in FORMS.values() for i in f.identities if i.section == APPEALS and i.over == "row"
             for c in i.rhs}
    return [c for c in col_codes(APPEALS) if c in parts and c != PENDING]


def appeals_mart() -> Mart:
    unit_list = units(APPEALS)
    cols = col_codes(APPEALS)
    col_label = {c: versions_of(APPEALS)[-1][1].column(c) for c in cols}
    aggregates, outs = [], [*_report_outs()]
    for u in unit_list:
        for c in cols:
            name = f"{u.name}_{c}"
            aggregates += _unit_aggregates(u, name, f"col_code = {_lit(c)}")
            outs.append(Out(name, _unit_value(u, name), *_unit_doc(u, col_label[c])))
    concluded = appeal_concluded()
    for u in (u for u in unit_list if not u.detail):
        terms = " + ".join(f'"{u.name}_{c}"' for c in concluded)
        outs.append(Out(f"{u.name}_correction_rate", f'"{u.name}_{CORRECTED}" / nullif({terms}, 0)',
                        f"{u.zh}纠错率：结果纠正 ÷ 已审结（{'＋'.join(col_label[c].label_zh for c in concluded)}）",
                        f"{u.en} correction rate: corrected / concluded ({' + '.join(concluded)})"))
    source = _per_report(aggregates, APPEALS)
    return Mart("mart_appeals", "行政复议、行政诉讼：每份报告一行，按结果分列的件数和纠错率",
                "Administrative reviews and lawsuits: one row per report, counts by outcome and correction rates.",
                tuple(outs), source, ("reports", "facts"))


def active_cells() -> list[tuple[str, str, dict[str, None]]]:
    """(row, column, versions having it) for every cell of 二 in any version, in form order."""
    versions = versions_of(ACTIVE)
    out = []
    for code in row_codes(ACTIVE):
        having = [(v, s) for v, s in versions if any(r.code == code for r in s.rows)]
        for col in merged([s.columns_of(code) for _, s in having]):
            out.append((code, col, {v: None for v, s in having if col in s.columns_of(code)}))
    return out


def active_column_name(row: str, col: str) -> str:
    money = any(s.column(col).unit == "元" for _, s in versions_of(ACTIVE) if any(c.code == col for c in s.columns))
    return f"{row}_{col}" + ("_yuan" if money else "")


def active_mart() -> Mart:
    versions = versions_of(ACTIVE)
    aggregates, outs = [], [*_report_outs()]
    for row, col, having in active_cells():
        name = active_column_name(row, col)
        aggregates.append(f'max({_value_if(f"row_code = {_lit(row)} AND col_code = {_lit(col)}")}) AS "{name}"')
        labels = [(s.row(row), s.column(col)) for v, s in versions if v in having]
        zh = " / ".join(dict.fromkeys(f"{r.label_zh}：{c.label_zh}" for r, c in labels))
        en = " / ".join(dict.fromkeys(f"{r.label_en}: {c.label_en}" for r, c in labels))
        unit_zh, unit_en = ("（元）", " (in 元)") if name.endswith("_yuan") else ("", "")
        zh_note, en_note = _versions_note(having)
        outs.append(Out(name, f'c."{name}"', zh + unit_zh + zh_note, en + unit_en + en_note))
    source = _per_report(aggregates, ACTIVE)
    return Mart("mart_active_disclosure", "主动公开（第二十条）：每份报告一行，两版表格的各项数据，金额以元计",
                "Proactive disclosure (Article 20): one row per report, every figure of both form versions, "
                "money in 元.", tuple(outs), source, ("reports", "facts"))


def _balance_cells() -> dict[str, int]:
    """How many cells the 勾稽 identity reads, in each form version."""
    counts = {}
    for f in FORMS.values():
        for i in f.identities:
            if i.rule == BALANCE_RULE:
                member = 1 if i.over == "col" else 2  # the position of a term in (section, row, col)
                counts[f.code] = sum(1 for cell in f.cells() if cell[0] == i.section and cell[member] in i.lhs + i.rhs)
    return counts


def _balance_terms() -> list[str]:
    return sorted({t for f in FORMS.values() for i in f.identities if i.rule == BALANCE_RULE for t in i.lhs + i.rhs})


def _count_map(key: str) -> str:
    """A MAP(key -> n) aggregate over rows (key, n)."""
    return f"MAP(list({key} ORDER BY {key}), list(n ORDER BY {key}))"


EMPTY_MAP = "MAP {}::MAP(VARCHAR, BIGINT)"
COUNT_MAP = pl.Map(pl.String, pl.Int64)


def data_quality_mart() -> Mart:
    own = "r.duplicate_of IS NULL"

    def count(expr: str) -> str:
        # A duplicate file's cells and findings are its first copy's: counted once, there.
        return f"CASE WHEN {own} THEN coalesce({expr}, 0) ELSE 0 END"

    outs = [
        Out("source_file", "r.source_file", "源文件", "Source file", pl.String),
        *_report_outs(),
        Out("status", "r.status", "状态", "Status", pl.String),
        Out("status_reason", "r.status_reason", "未完整解析的原因", "Why the report was not parsed cleanly", pl.String),
        Out("duplicate_of", "r.duplicate_of", "与之内容相同的先出现的文件", "The earlier file with the same bytes", pl.String),
        Out("text_encoding", "r.text_encoding", "文本编码", "Text encoding", pl.String),
        Out("table_encoding", "r.table_encoding", "表格的书写方式", "How the tables were written", pl.String),
        Out("table_encodings", f"CASE WHEN {own} THEN coalesce(c.table_encodings, []) ELSE [] END",
            "各表格所用的书写方式", "The encodings of the report's tables", pl.List(pl.String)),
        Out("n_cells", count("c.n_cells"), "单元格数", "Cells", pl.Int64),
        Out("n_values", count("c.n_values"), "有数值的单元格数", "Cells with a value", pl.Int64),
        Out("n_missing", count("c.n_cells - c.n_values"), "没有数值的单元格数（空白、源表合并）",
            "Cells without a value (blank, merged in the source)", pl.Int64),
        Out("n_inferred", count("c.n_inferred"), "按位置推定所在列的单元格数（源表合并了单元格）",
            "Cells placed by position (the source merged cells)", pl.Int64),
        Out("n_flagged", count("c.n_flagged"), "带有任何标记的单元格数", "Cells with any flag", pl.Int64),
        Out("cells_by_flag", f"CASE WHEN {own} THEN coalesce(fl.cells_by_flag, {EMPTY_MAP}) ELSE {EMPTY_MAP} END",
            "各标记的单元格数（如 cells_by_flag['blank']）", "Cells by flag (e.g. cells_by_flag['blank'])", COUNT_MAP),
        Out("n_findings", count("f.n_findings"), "问题数", "Findings", pl.Int64),
        Out("n_errors", count("f.n_errors"), "error 级问题数", "Findings of severity error", pl.Int64),
        Out("n_warnings", count("f.n_warnings"), "warning 级问题数", "Findings of severity warning", pl.Int64),
        Out("findings_by_rule", f"CASE WHEN {own} THEN coalesce(fr.findings_by_rule, {EMPTY_MAP}) ELSE {EMPTY_MAP} END",
            "各规则的问题数（如 findings_by_rule['I1']）", "Findings by rule (e.g. findings_by_rule['I1'])", COUNT_MAP),
        Out("balance_holds", f"""CASE WHEN NOT {own} OR r.form_version IS NULL THEN NULL
         WHEN coalesce(fr.findings_by_rule[{_lit(BALANCE_RULE)}], 0) > 0 THEN false
         WHEN coalesce(fr.findings_by_rule[{_lit(BALANCE_RULE + NOT_EVALUABLE)}], 0) > 0
           OR coalesce(b.n, 0) < {_expected(_balance_cells())} THEN NULL
         ELSE true END""",
            "勾稽关系（I1：本年新收＋上年结转＝办理结果总计＋结转下年度）是否成立；有空白或缺失单元格无法核验时为空",
            "Whether the 勾稽 balance (I1: received + carried over = total processed + carried forward) holds; "
            "NULL where a blank or missing cell leaves it not evaluable", pl.Boolean),
    ]
    source = f"""FROM reports r
LEFT JOIN (
  SELECT report_id, count(*) AS n_cells, count(value) AS n_values,
    count(*) FILTER (WHERE list_contains(flags, {_lit(INFERRED_COLUMN)})) AS n_inferred,
    count(*) FILTER (WHERE len(flags) > 0) AS n_flagged,
    list(DISTINCT table_encoding ORDER BY table_encoding) FILTER (WHERE table_encoding IS NOT NULL) AS table_encodings
  FROM facts GROUP BY report_id
) c ON c.report_id = r.report_id
LEFT JOIN (
  SELECT report_id, {_count_map("flag")} AS cells_by_flag
  FROM (SELECT report_id, flag, count(*) AS n
        FROM (SELECT report_id, unnest(flags) AS flag FROM facts) GROUP BY ALL)
  GROUP BY report_id
) fl ON fl.report_id = r.report_id
LEFT JOIN (
  SELECT report_id, count(*) AS n_findings, count(*) FILTER (WHERE severity = 'error') AS n_errors,
    count(*) FILTER (WHERE severity = 'warning') AS n_warnings
  FROM findings GROUP BY report_id
) f ON f.report_id = r.report_id
LEFT JOIN (
  SELECT report_id, {_count_map("rule")} AS findings_by_rule
  FROM (SELECT report_id, rule, count(*) AS n FROM findings GROUP BY ALL)
  GROUP BY report_id
) fr ON fr.report_id = r.report_id
LEFT JOIN (
  SELECT report_id, count(value) AS n FROM facts
  WHERE section = {_lit(REQUESTS)} AND row_code IN {_in(_balance_terms())}
  GROUP BY report_id
) b ON b.report_id = r.report_id
WHERE {CURRENT}
ORDER BY r.source_file"""
    return Mart("mart_data_quality", "数据质量：每个输入文件（当前版本）一行，含状态、编码、单元格、推定或标记的单元格、各规则问题数",
                "Data quality: one row per input file (its current version): status, encodings, cells, inferred or "
                "flagged cells, "
                "findings by rule and whether the 勾稽 balance holds.", tuple(outs), source,
                ("reports", "facts", "findings"))


def _strict_sum(expr: str) -> str:
    # Over the reports of one agency and year: a sum only when every report has the figure.
    return f"CASE WHEN count({expr}) = count(*) THEN sum({expr}) END"


def agency_year_mart(requests: Mart, appeals: Mart, active: Mart) -> Mart:
    """Figures per agency and year, added up over the agency's reports of that year: the requests of
    all applicants (the total column), the appeals, the figures of 二 that both form versions have and
    the money; with the findings by rule and the 勾稽 flag."""
    total_col = next(iter(t for v, _ in versions_of(REQUESTS) for t in totals(v, REQUESTS, "row")))
    req_units = [u for u in units(REQUESTS) if not u.detail]
    app_units = [u for u in units(APPEALS) if not u.detail]
    concluded = appeal_concluded()
    n_forms = len(FORMS)
    active_common = [active_column_name(r, c) for r, c, having in active_cells()
                     if len(having) == n_forms or active_column_name(r, c).endswith("_yuan")]
    outs = [
        Out("agency", "r.agency", "发布机关", "Publishing body", pl.String),
        Out("year", "r.year", "报告年度", "Report year", pl.Int32),
        Out("n_reports", "count(*)", "该机关该年度的报告数（多于 1 时下列数值为各报告之和）",
            "Reports of this body for this year (where more than one, the figures are their sums)", pl.Int64),
        Out("report_ids", "list(r.report_id ORDER BY r.report_id)", "报告编号", "Report ids", pl.List(pl.String)),
        Out("form_versions", "list(DISTINCT r.form_version ORDER BY r.form_version)", "表格版本", "Form versions",
            pl.List(pl.String)),
    ]
    for u in req_units:
        o = requests.column(u.name)
        outs.append(Out(u.name, _strict_sum(f'q."{u.name}"'), f"所有申请人（总计列）：{o.zh}",
                        f"All applicants (the total column): {o.en}"))
    # The rates again from the sums (not lateral aliases: the joined marts have columns of these names).
    granted = " + ".join(_strict_sum(f'q."{g}"') for g in GRANTED)
    outs.append(Out("disclosure_rate", f"({granted}) / nullif({_strict_sum('q.total_processed')}, 0)",
                    requests.column("disclosure_rate").zh, requests.column("disclosure_rate").en))
    for u in app_units:
        for c in col_codes(APPEALS):
            o = appeals.column(f"{u.name}_{c}")
            outs.append(Out(o.name, _strict_sum(f'a."{o.name}"'), o.zh, o.en))
    for u in app_units:
        o = appeals.column(f"{u.name}_correction_rate")
        terms = " + ".join(_strict_sum(f'a."{u.name}_{c}"') for c in concluded)
        outs.append(Out(o.name, f"{_strict_sum(f'a.{u.name}_{CORRECTED}')} / nullif({terms}, 0)", o.zh, o.en))
    for name in active_common:
        o = active.column(name)
        outs.append(Out(name, _strict_sum(f'd."{name}"'), o.zh, o.en))
    outs += [
        Out("n_findings", "coalesce(sum(dq.n_findings), 0)::BIGINT", "问题数", "Findings", pl.Int64),
        Out("n_errors", "coalesce(sum(dq.n_errors), 0)::BIGINT", "error 级问题数", "Findings of severity error", pl.Int64),
        Out("findings_by_rule", f"coalesce(any_value(fr.findings_by_rule), {EMPTY_MAP})",
            "各规则的问题数（如 findings_by_rule['I1']）", "Findings by rule (e.g. findings_by_rule['I1'])", COUNT_MAP),
        Out("balance_holds", """CASE WHEN bool_or(NOT dq.balance_holds) THEN false
         WHEN count(dq.balance_holds) < count(*) THEN NULL ELSE true END""",
            "每份报告的勾稽关系（I1）都成立；有报告不成立为 false；有报告无法核验为空",
            "The 勾稽 balance (I1) holds in every report; false if it fails in one; NULL if one cannot be "
            "evaluated", pl.Boolean),
    ]
    source = f"""FROM reports r
LEFT JOIN mart_requests q ON q.report_id = r.report_id AND q.col_code = {_lit(total_col)}
LEFT JOIN mart_appeals a ON a.report_id = r.report_id
LEFT JOIN mart_active_disclosure d ON d.report_id = r.report_id
LEFT JOIN mart_data_quality dq ON dq.source_file = r.source_file
LEFT JOIN (
  SELECT agency, year, {_count_map("rule")} AS findings_by_rule
  FROM (SELECT r.agency, r.year, f.rule, count(*) AS n
        FROM findings f JOIN reports r ON r.report_id = f.report_id
        WHERE {REPORT_ROWS} GROUP BY ALL)
  GROUP BY agency, year
) fr ON fr.agency = r.agency AND fr.year = r.year
WHERE {REPORT_ROWS} AND r.agency IS NOT NULL AND r.year IS NOT NULL
GROUP BY r.agency, r.year
ORDER BY r.agency, r.year"""
    return Mart("mart_agency_year", "机关年度：每个机关每年一行，汇总三个部分的数据、各规则问题数和勾稽标志",
                "One row per agency and year across the three sections, with findings by rule and a flag for "
                "whether the 勾稽 balance (I1) holds. Reports without an agency or a year are left out "
                "(see mart_data_quality).", tuple(outs), source,
                ("reports", "findings", "mart_requests", "mart_appeals", "mart_active_disclosure", "mart_data_quality"))


def all_marts() -> list[Mart]:
    """Every mart, in the order they are built (later ones read earlier ones)."""
    requests, appeals, active = requests_mart(), appeals_mart(), active_mart()
    return [requests, appeals, active, data_quality_mart(), agency_year_mart(requests, appeals, active)]


MARTS: dict[str, Mart] = {m.name: m for m in all_marts()}


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Create every mart from the contract tables and the dimensions in `con`."""
    for mart in MARTS.values():
        mart.create(con)
