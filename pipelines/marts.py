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

from . import bodies
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


# Exact types. facts.value is DECIMAL(38, 6): every count and every amount in 元 a report can write
# (万元 with up to six decimals is 元 to the fen), with room for any count. In the marts a count is a
# BIGINT and money DECIMAL(18, 2), 元 to the fen; rates are DOUBLE.
FACT_VALUE = "DECIMAL(38, 6)"
COUNT, MONEY, RATE = pl.Int64, pl.Decimal(18, 2), pl.Float64


def _count(expr: str) -> str:
    """A count as a BIGINT. A fractional count (S2) is no count: NULL here, its value as written in facts."""
    return f"CASE WHEN ({expr}) = trunc({expr}) THEN ({expr})::BIGINT END"


def _money(expr: str) -> str:
    """An amount in 元 to the fen. One past DECIMAL(18, 2) (10¹⁶ 元) is no amount a body spends: NULL
    here, its value as written in facts."""
    return f"TRY_CAST(round({expr}, 2) AS DECIMAL(18, 2))"


@dataclass(frozen=True)
class Out:
    """One column of a mart: its SQL expression, its meaning, and its polars type (checked by the
    mart's schema)."""

    name: str
    sql: str
    zh: str
    en: str
    dtype: pl.DataType = RATE


@dataclass(frozen=True)
class Mart:
    name: str
    zh: str
    en: str
    outs: tuple[Out, ...]
    # FROM … of the SELECT whose list is `outs`.
    source: str
    reads: tuple[str, ...]  # the tables it is built from, for lineage
    prelude: str = ""  # WITH … before the SELECT

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
        con.execute(f'CREATE TABLE "{self.name}" AS\n{self.prelude}SELECT\n  {select}\n{self.source}')


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
        *(Out(u.name, _count(_unit_value(u, u.name)), *_unit_doc(u), COUNT) for u in unit_list),
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
            outs.append(Out(name, _count(_unit_value(u, name)), *_unit_doc(u, col_label[c]), COUNT))
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
        money = name.endswith("_yuan")
        outs.append(Out(name, (_money if money else _count)(f'c."{name}"'), zh + unit_zh + zh_note, en + unit_en + en_note,
                        MONEY if money else COUNT))
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
        Out("body_id", "r.body_id", "机关编号（见 dim_body；没有机关名称时为空）", "Body id (see dim_body; NULL without an agency)",
            pl.String),
        Out("region_reason", "CASE WHEN r.agency IS NULL THEN '报告没有机关名称，无法确定机关及其所在地区' ELSE bd.region_reason END",
            "机关未能定位（或只定位到上一级）的原因；已定位时为空",
            "Why the body is not placed in a region (or only partly); NULL where it is placed", pl.String),
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
LEFT JOIN dim_body bd ON bd.body_id = r.body_id
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
                "findings by rule, whether the 勾稽 balance holds and why its body is not placed.", tuple(outs), source,
                ("reports", "facts", "findings", "dim_body"))


def total_column() -> str:
    """The column of 三 that holds all applicants (总计)."""
    return next(iter(t for v, _ in versions_of(REQUESTS) for t in totals(v, REQUESTS, "row")))


def _strict_sum(expr: str) -> str:
    # Over the reports of one agency and year: a sum only when every report has the figure.
    return f"CASE WHEN count({expr}) = count(*) THEN sum({expr}) END"


def _typed_sum(expr: str, dtype: pl.DataType) -> str:
    """`_strict_sum` in the column's own type (DuckDB sums a BIGINT to a HUGEINT, a DECIMAL to DECIMAL(38, s))."""
    return f"CAST({_strict_sum(expr)} AS {'DECIMAL(18, 2)' if dtype == MONEY else 'BIGINT'})"


def agency_year_mart(requests: Mart, appeals: Mart, active: Mart) -> Mart:
    """Figures per agency and year, added up over the agency's reports of that year: the requests of
    all applicants (the total column), the appeals, the figures of 二 that both form versions have and
    the money; with the findings by rule and the 勾稽 flag."""
    total_col = total_column()
    req_units = [u for u in units(REQUESTS) if not u.detail]
    app_units = [u for u in units(APPEALS) if not u.detail]
    concluded = appeal_concluded()
    n_forms = len(FORMS)
    active_common = [active_column_name(r, c) for r, c, having in active_cells()
                     if len(having) == n_forms or active_column_name(r, c).endswith("_yuan")]
    outs = [
        Out("body_id", "r.body_id", "机关编号（见 dim_body）", "Body id (see dim_body)", pl.String),
        Out("agency", "arg_min(r.agency, r.report_id)", "发布机关（该年度报告标题所写的名称）",
            "Publishing body, as that year's report names it", pl.String),
        Out("year", "r.year", "报告年度", "Report year", pl.Int32),
        Out("n_reports", "count(*)", "该机关该年度的报告数（多于 1 时下列数值为各报告之和）",
            "Reports of this body for this year (where more than one, the figures are their sums)", pl.Int64),
        Out("report_ids", "list(r.report_id ORDER BY r.report_id)", "报告编号", "Report ids", pl.List(pl.String)),
        Out("form_versions", "list(DISTINCT r.form_version ORDER BY r.form_version)", "表格版本", "Form versions",
            pl.List(pl.String)),
    ]
    for u in req_units:
        o = requests.column(u.name)
        outs.append(Out(u.name, _typed_sum(f'q."{u.name}"', COUNT), f"所有申请人（总计列）：{o.zh}",
                        f"All applicants (the total column): {o.en}", COUNT))
    # The rates again from the sums (not lateral aliases: the joined marts have columns of these names).
    granted = " + ".join(_strict_sum(f'q."{g}"') for g in GRANTED)
    outs.append(Out("disclosure_rate", f"({granted}) / nullif({_strict_sum('q.total_processed')}, 0)",
                    requests.column("disclosure_rate").zh, requests.column("disclosure_rate").en))
    for u in app_units:
        for c in col_codes(APPEALS):
            o = appeals.column(f"{u.name}_{c}")
            outs.append(Out(o.name, _typed_sum(f'a."{o.name}"', o.dtype), o.zh, o.en, o.dtype))
    for u in app_units:
        o = appeals.column(f"{u.name}_correction_rate")
        terms = " + ".join(_strict_sum(f'a."{u.name}_{c}"') for c in concluded)
        outs.append(Out(o.name, f"{_strict_sum(f'a.{u.name}_{CORRECTED}')} / nullif({terms}, 0)", o.zh, o.en))
    for name in active_common:
        o = active.column(name)
        outs.append(Out(name, _typed_sum(f'd."{name}"', o.dtype), o.zh, o.en, o.dtype))
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
  SELECT body_id, year, {_count_map("rule")} AS findings_by_rule
  FROM (SELECT r.body_id, r.year, f.rule, count(*) AS n
        FROM findings f JOIN reports r ON r.report_id = f.report_id
        WHERE {REPORT_ROWS} GROUP BY ALL)
  GROUP BY body_id, year
) fr ON fr.body_id = r.body_id AND fr.year = r.year
WHERE {REPORT_ROWS} AND r.body_id IS NOT NULL AND r.year IS NOT NULL
GROUP BY r.body_id, r.year
ORDER BY r.body_id, r.year"""
    return Mart("mart_agency_year", "机关年度：每个机关（dim_body）每年一行，汇总三个部分的数据、各规则问题数和勾稽标志",
                "One row per body (dim_body) and year across the three sections, with findings by rule and a flag "
                "for whether the 勾稽 balance (I1) holds. Reports without an agency or a year are left out "
                "(see mart_data_quality).", tuple(outs), source,
                ("reports", "findings", "mart_requests", "mart_appeals", "mart_active_disclosure", "mart_data_quality"))


# --- bodies over the years, regions ------------------------------------------------------------------

CONTINUITY_RULE = "W1"  # carried over this year = carried forward the year before


def _w1() -> tuple[str, str]:
    """The rows W1 compares: (this year's, last year's), from the forms."""
    (current, previous), = {(r.current, r.previous) for f in FORMS.values() for r in f.continuities
                             if r.rule == CONTINUITY_RULE}
    return current, previous


def _trend_figures(agency_year: Mart) -> list[str]:
    """The headline figures of a body's year that its trend compares: requests received and processed,
    the disclosure rate, the totals of reviews and of lawsuits."""
    totals_of = [f"{u.name}_{t}" for u in units(APPEALS) if not u.detail
                 for v, _ in versions_of(APPEALS) for t in sorted(totals(v, APPEALS, "row"))]
    names = ["received", "total_processed", "disclosure_rate", *dict.fromkeys(totals_of)]
    return [n for n in names if n in agency_year.dtypes]


def body_trend_mart(agency_year: Mart) -> Mart:
    """A body's headline figures each year beside those of its previous report, and W1 beside them."""
    current, previous = _w1()
    outs = [
        Out("body_id", "a.body_id", "机关编号（见 dim_body）", "Body id (see dim_body)", pl.String),
        Out("name", "b.name", "机关规范名称", "The body's canonical name", pl.String),
        Out("year", "a.year", "报告年度", "Report year", pl.Int32),
        Out("agency", "a.agency", "该年度报告所写的机关名称", "The body's name as that year's report writes it",
            pl.String),
        Out("previous_year", "p.year", "该机关上一份报告的年度（之前没有报告时为空）",
            "Year of the body's previous report (NULL where it has none before)", pl.Int32),
    ]
    for name in _trend_figures(agency_year):
        o, dtype = agency_year.column(name), agency_year.column(name).dtype
        outs += [
            Out(name, f'a."{name}"', o.zh, o.en, dtype),
            Out(f"previous_{name}", f'p."{name}"', f"上一份报告的值：{o.zh}", f"In the previous report: {o.en}", dtype),
            Out(f"{name}_change", f'a."{name}" - p."{name}"', f"较上一份报告的变化：{o.zh}（任一为空时为空）",
                f"Change since the previous report: {o.en} (NULL where either is)", dtype),
        ]
    outs += [
        Out(current, f'a."{current}"', agency_year.column(current).zh, agency_year.column(current).en, COUNT),
        Out(f"previous_{previous}", f"CASE WHEN p.year = a.year - 1 THEN p.\"{previous}\" END",
            f"上年度报告的值：{agency_year.column(previous).zh}（上一份报告不是上年度的为空）",
            f"Last year's {agency_year.column(previous).en} (NULL where the previous report is not last year's)",
            COUNT),
        Out("w1_holds", f"""CASE WHEN coalesce(a.findings_by_rule[{_lit(CONTINUITY_RULE)}], 0) > 0 THEN false
         WHEN p.year IS DISTINCT FROM a.year - 1
           OR coalesce(a.findings_by_rule[{_lit(CONTINUITY_RULE + NOT_EVALUABLE)}], 0) > 0 THEN NULL
         ELSE true END""",
            "W1（本年上年结转＝上年度报告的结转下年度）是否成立；没有上年度报告或无法核验时为空",
            "Whether W1 (carried over = last year's carried forward) holds; NULL without last year's report or "
            "where it cannot be evaluated", pl.Boolean),
        Out("w1_findings", f"coalesce(a.findings_by_rule[{_lit(CONTINUITY_RULE)}], 0)::BIGINT",
            "W1 问题数（按申请人列计）", "W1 findings (one a column of applicants)", COUNT),
    ]
    prelude = f"""WITH ordered AS (
  SELECT *, lag(year) OVER (PARTITION BY body_id ORDER BY year) AS previous_year FROM mart_agency_year
)
"""
    source = """FROM ordered a
JOIN dim_body b ON b.body_id = a.body_id
LEFT JOIN mart_agency_year p ON p.body_id = a.body_id AND p.year = a.previous_year
ORDER BY a.body_id, a.year"""
    return Mart("mart_body_trend", "机关逐年变化：每个机关每年一行，主要数据与其上一份报告并列，附变化和 W1 结转核对",
                "One row per body and year: its headline figures beside those of its previous report, the change, "
                "and the W1 carry-over check side by side.", tuple(outs), source,
                ("mart_agency_year", "dim_body"), prelude)


REGION_LEVELS = ("province", "prefecture")


def region_year_mart() -> Mart:
    """Reports rolled up by province and by prefecture, each year."""
    total_col = total_column()
    figures = ("received", "total_processed", *GRANTED)
    levels = " UNION ALL ".join(
        f"SELECT {_lit(level)} AS region_level, {level}_code AS region_code, {level} AS region, * "
        f"FROM per_report WHERE {level}_code IS NOT NULL" for level in REGION_LEVELS)
    known = " AND ".join(f'"{f}" IS NOT NULL' for f in ("total_processed", *GRANTED))
    prelude = f"""WITH per_report AS (
  SELECT r.report_id, r.year, r.body_id, b.province_code, b.province, b.prefecture_code, b.prefecture,
    {", ".join(f'q."{f}"' for f in figures)}, dq.balance_holds
  FROM reports r
  JOIN dim_body b ON b.body_id = r.body_id
  LEFT JOIN mart_requests q ON q.report_id = r.report_id AND q.col_code = {_lit(total_col)}
  LEFT JOIN mart_data_quality dq ON dq.source_file = r.source_file
  WHERE {REPORT_ROWS} AND r.year IS NOT NULL
), levels AS ({levels}),
by_rule AS (
  SELECT region_level, region_code, year, {_count_map("rule")} AS findings_by_rule, sum(n)::BIGINT AS n_findings
  FROM (SELECT l.region_level, l.region_code, l.year, f.rule, count(*) AS n
        FROM levels l JOIN findings f ON f.report_id = l.report_id GROUP BY ALL)
  GROUP BY ALL
)
"""
    granted = " + ".join(f'l."{g}"' for g in GRANTED)
    outs = [
        Out("region_level", "l.region_level", "汇总层级：province（省级）或 prefecture（地市级）",
            "Level of the rollup: province or prefecture", pl.String),
        Out("region_code", "l.region_code", "行政区划代码（GB/T 2260，6 位）", "GB/T 2260 division code (6 digits)",
            pl.String),
        Out("region", "l.region", "行政区划名称", "Division name", pl.String),
        Out("province_code", "l.province_code", "所在省级行政区代码", "Code of its province", pl.String),
        Out("province", "l.province", "所在省级行政区", "Its province", pl.String),
        Out("year", "l.year", "报告年度", "Report year", pl.Int32),
        Out("n_reports", "count(*)", "报告数", "Reports", COUNT),
        Out("n_bodies", "count(DISTINCT l.body_id)", "机关数", "Bodies", COUNT),
        Out("received", "sum(l.received)::BIGINT", "本年新收申请数（总计列），仅计写明该数的报告",
            "Requests received (the total column), over the reports that give the figure", COUNT),
        Out("n_reports_received", "count(l.received)", "写明本年新收申请数的报告数",
            "Reports that give the requests received", COUNT),
        Out("total_processed", "sum(l.total_processed)::BIGINT", "办理结果总计，仅计写明该数的报告",
            "Requests processed, over the reports that give the figure", COUNT),
        Out("disclosure_rate", f"sum(CASE WHEN {known} THEN {granted} END) / "
            f"nullif(sum(CASE WHEN {known} THEN l.total_processed END), 0)",
            "公开率：（予以公开＋部分公开）÷ 办理结果总计，计入三项都写明的报告",
            "Disclosure rate: (granted + partly granted) / total processed, over the reports that give all three",
            RATE),
        Out("n_balance_evaluated", "count(l.balance_holds)", "可核验勾稽关系（I1）的报告数",
            "Reports whose 勾稽 balance (I1) can be evaluated", COUNT),
        Out("balance_holds_share", "avg(l.balance_holds::INTEGER)",
            "勾稽关系（I1）成立的报告占可核验报告的比例", "Share of the evaluable reports whose 勾稽 balance (I1) holds",
            RATE),
        Out("n_findings", "coalesce(any_value(fr.n_findings), 0)", "问题数", "Findings", COUNT),
        Out("findings_by_rule", f"coalesce(any_value(fr.findings_by_rule), {EMPTY_MAP})",
            "各规则的问题数（如 findings_by_rule['I1']）", "Findings by rule (e.g. findings_by_rule['I1'])", COUNT_MAP),
    ]
    source = """FROM levels l
LEFT JOIN by_rule fr ON fr.region_level = l.region_level AND fr.region_code = l.region_code AND fr.year = l.year
GROUP BY l.region_level, l.region_code, l.region, l.province_code, l.province, l.year
ORDER BY l.region_level, l.region_code, l.year"""
    return Mart("mart_region_year", "地区年度：每个省级、地市级行政区每年一行，汇总其机关的报告、申请、公开率、勾稽和各规则问题数",
                "One row per province and per prefecture and year: reports, bodies, requests received and "
                "processed, the disclosure rate, the share of reports whose 勾稽 balance (I1) holds, findings by "
                "rule. Bodies not placed (dim_body) are left out.", tuple(outs), source,
                ("reports", "findings", "dim_body", "mart_requests", "mart_data_quality"), prelude)


def all_marts() -> list[Mart]:
    """Every mart, in the order they are built (later ones read earlier ones)."""
    requests, appeals, active = requests_mart(), appeals_mart(), active_mart()
    agency_year = agency_year_mart(requests, appeals, active)
    return [requests, appeals, active, data_quality_mart(), agency_year, body_trend_mart(agency_year),
            region_year_mart()]


MARTS: dict[str, Mart] = {m.name: m for m in all_marts()}


DIM_BODY_READS = ("reports",)  # what dim_body is built from, for lineage


def build_bodies(con: duckdb.DuckDBPyConnection) -> None:
    """`dim_body` from the reports in `con`, and each report's `body_id`."""
    columns = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'reports'").fetchall()}
    clues = ", ".join(f"r.{c}" for c in bodies.CLUES if c in columns)  # reports written before they were read
    reports = pl.from_arrow(con.sql(
        f"SELECT r.report_id, r.source_file, r.agency, r.year, {clues + ', ' if clues else ''}{CURRENT} AS is_current "
        "FROM reports r").to_arrow_table())
    assigned = bodies.report_bodies(reports)
    con.register("_bodies", bodies.dim_body(assigned, reports.filter(pl.col("is_current"))).to_arrow())
    con.execute("CREATE TABLE dim_body AS SELECT * FROM _bodies")
    con.unregister("_bodies")
    con.register("_report_bodies", assigned.select("report_id", "source_file", "body_id").to_arrow())
    con.execute("ALTER TABLE reports ADD COLUMN body_id VARCHAR")
    con.execute("UPDATE reports SET body_id = b.body_id FROM _report_bodies b "
                "WHERE reports.report_id = b.report_id AND reports.source_file = b.source_file")
    con.unregister("_report_bodies")


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Create every mart from the contract tables and the dimensions in `con`."""
    # Through the double's shortest text, which is the decimal the report wrote (up to 15 significant
    # digits): cast directly, 999999999999.99 would read 999999999999.990016. A number past 10³² is no
    # count or amount (digits of a table's neighbours read as one): NULL here, as written in raw_text,
    # rather than a warehouse that cannot be built.
    con.execute(f"ALTER TABLE facts ALTER value SET DATA TYPE {FACT_VALUE} "
                f"USING TRY_CAST(value::VARCHAR AS {FACT_VALUE})")
    build_bodies(con)
    for mart in MARTS.values():
        mart.create(con)
