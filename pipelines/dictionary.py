"""What every warehouse table and column means, in Chinese and English, and the code tables.

This is the one place the warehouse is described: the `COMMENT ON` text of every table and column, the
Dagster descriptions and the data dictionary in `docs/` are all printed from these docs (the marts add
theirs in `marts.py`, generated from the forms). `dim_row` and `dim_col` are built from
`schemas/forms/`, the same description the parser reads, so their labels cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import polars as pl

from schemas.forms import FORMS, Row, Section

T = TypeVar("T")


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    zh: str
    en: str


@dataclass(frozen=True)
class TableDoc:
    name: str
    kind: str  # "contract", "mart" or "dimension": how the data dictionary groups them
    zh: str
    en: str
    columns: tuple[ColumnDoc, ...]


def bilingual(zh: str, en: str) -> str:
    return f"{zh} — {en}"


def _cols(*triples: tuple[str, str, str]) -> tuple[ColumnDoc, ...]:
    return tuple(ColumnDoc(*t) for t in triples)


CONTRACT = (
    TableDoc("reports", "contract",
             "每个输入文件的每个版本一行：状态、表格版本、机关、年度、编码、单元格数和问题数；当前文件的 superseded_by 与 removed_at 均为空",
             "One row per version of each input file: status, form version, agency, year, encodings, cells and "
             "findings; the files as they are now have superseded_by and removed_at NULL.", _cols(
                 ("report_id", "报告编号（由文件内容的 sha256 得出：内容相同即同一报告）",
                  "Report id (from the file's sha256: the same bytes are one report)"),
                 ("source_file", "源文件（相对于原始文件夹）", "Source file, relative to the raw folder"),
                 ("sha256", "文件内容的 sha256", "sha256 of the file's bytes"),
                 ("size_bytes", "文件大小（字节）", "File size in bytes"),
                 ("agency", "发布机关（从报告标题读出）", "Publishing body, read from the report's title"),
                 ("year", "报告年度", "Report year"),
                 ("published", "发布日期（报告中写明时）", "Publication date, where the report gives one"),
                 ("address", "报告中写明的联系地址（原文）；用于确定机关所在地区",
                  "The contact address the report gives, as written; it places a body its name does not"),
                 ("area_code", "报告中联系电话的区号；用于确定机关所在地区",
                  "The area code of the telephone number the report gives; it places a body its name does not"),
                 ("form_version", "表格版本：'2019'、'2021'，不适用时为空",
                  "Form version: '2019', '2021', or NULL where no form applies"),
                 ("status", "状态：parsed、partial、legacy_format、not_a_report、unreadable、unsupported_format（不读取的文件类型）",
                  "Status: parsed, partial, legacy_format, not_a_report, unreadable, unsupported_format (a kind of "
                  "file gongkai does not read)"),
                 ("status_reason", "未完整解析的原因（不读取的类型：文件类型及处理办法）",
                  "Why the report was not parsed cleanly (for an unsupported kind: the kind and what to do)"),
                 ("text_encoding", "文本编码", "Text encoding of the file"),
                 ("table_encoding", "表格的书写方式（pipe_cells、tab_rows、cell_per_line 等）",
                  "How the tables were written (pipe_cells, tab_rows, cell_per_line, …)"),
                 ("duplicate_of", "与之内容相同的先出现的文件（其数据只记一次）",
                  "The earlier file with the same bytes (its data is recorded once)"),
                 ("n_cells", "单元格数（facts 中的行数）", "Cells in facts"),
                 ("n_findings", "问题数（findings 中的行数）", "Rows in findings"),
                 ("superseded_by", "文件内容改变后，取代此版本的新版本的报告编号；当前版本为空",
                  "For an earlier version of a file whose bytes changed: the report_id of the version that "
                  "replaced it; NULL for the current version"),
                 ("superseded_at", "此版本被取代的时间", "When this version was replaced"),
                 ("removed_at", "文件从原始文件夹中消失的时间（行保留）；文件仍在或已恢复时为空",
                  "When the file was found gone from the raw folder (its row is kept); NULL while it is there, "
                  "and again once it comes back"),
                 ("previous_source_files", "同一文件（内容未变）被重命名或移动前的路径，按先后",
                  "Earlier paths of the same file (same bytes) before it was renamed or moved, oldest first"),
                 ("body_id", "机关编号（见 dim_body）；没有机关名称时为空",
                  "Body id (see dim_body); NULL where the report names no agency"),
             )),
    TableDoc("facts", "contract", "二、三、四部分表格的每个单元格一行，使用表格代码",
             "One row per table cell of sections 二, 三 and 四, in the codes of the forms.", _cols(
                 ("report_id", "报告编号", "Report id"),
                 ("section", "部分：active（二）、requests（三）、appeals（四）",
                  "Section: active (二), requests (三), appeals (四)"),
                 ("row_code", "行代码（见 dim_row）", "Row code (see dim_row)"),
                 ("col_code", "列代码（见 dim_col）", "Column code (see dim_col)"),
                 ("value", "数值；源单元格空白时为空（空白不等于 0）",
                  "The value; NULL where the source cell is blank (a blank is not 0)"),
                 ("unit", "单位：件，或 元（金额统一换算为元）", "Unit: 件, or 元 (money is converted to 元)"),
                 ("raw_text", "源单元格原文", "The cell as the report wrote it"),
                 ("source_line", "在解码后文件中的行号（从 1 起；PDF 为页内行号）",
                  "1-based line of the decoded file (of the page, for a PDF; NULL for a DOCX table cell)"),
                 ("source_page", "PDF 的页码（从 1 起），其他格式为空", "1-based page of a PDF; NULL for other formats"),
                 ("source_table", "读取器识别出的表格中的表格序号（从 1 起，按文档顺序；HTML、DOCX、有框线的 PDF 表格）",
                  "1-based table, in document order, of a cell read from a grid (HTML, DOCX, ruled PDF tables)"),
                 ("source_row", "该表格中的行号（从 1 起）", "1-based row of that table"),
                 ("source_col", "该表格中的列号（从 1 起，按展开合并单元格后的网格）",
                  "1-based column of that table, in the grid with merged cells expanded"),
                 ("flags", "需要注意的原因（blank、annotation、unit_converted、inferred_column 等）",
                  "Why the value needs care (blank, annotation, unit_converted, inferred_column, …)"),
                 ("table_encoding", "该表格的书写方式", "How this table was written"),
             )),
    TableDoc("findings", "contract", "报告违反的每条规则一行；数值本身保持原样",
             "One row per rule a report breaks; the numbers themselves stay as written.", _cols(
                 ("report_id", "报告编号", "Report id"),
                 ("rule", "规则：I1 勾稽、I2、I3、T4、*_NE（无法核验）、S1、S2、P1–P6 等",
                  "Rule: I1 balance, I2, I3, T4, *_NE (not evaluable), S1, S2, P1–P6, …"),
                 ("severity", "严重程度：error 或 warning", "Severity: error or warning"),
                 ("section", "部分", "Section"),
                 ("row_code", "行代码", "Row code"),
                 ("col_code", "列代码", "Column code"),
                 ("expected", "按规则应有的值", "The value the rule expects"),
                 ("actual", "报告中的值", "The value the report gives"),
                 ("message", "说明（中文）", "Message in Chinese"),
                 ("message_en", "说明（英文）", "Message in English"),
                 ("raw_text", "相关单元格原文", "The text of the cell concerned"),
                 ("source_line", "相关单元格的行号", "Line of the cell concerned"),
                 ("source_page", "相关单元格所在的 PDF 页码", "PDF page of the cell concerned"),
             )),
)

DIMENSIONS = (
    TableDoc("dim_body", "dimension",
             "每个发布报告的机关一行：规范名称、所见的各种写法、层级、类别，以及所在的省、地市、县（GB/T 2260 行政区划代码）",
             "One row per reporting body: its canonical name, every spelling seen, level, kind, and its province, "
             "prefecture and county (GB/T 2260 division codes).", _cols(
                 ("body_id", "机关编号：由规范化名称和行政区划代码得出，各次运行、各年度不变",
                  "Body id, derived from the folded name and the division code: the same in every run and year"),
                 ("name", "规范名称（多数报告所用的写法）", "Canonical name (the spelling most of its reports use)"),
                 ("name_variants", "报告中见到的全部写法", "Every spelling its reports use"),
                 ("level", "层级：省级、地市级、县级、乡镇级；名称未体现时为空",
                  "Level: 省级, 地市级, 县级 or 乡镇级; NULL where its name does not tell"),
                 ("kind", "类别：人民政府、政府部门、开发区、新区（开发区、新区及其机构）、其他",
                  "Kind: 人民政府 (the government itself), 政府部门 (a department), 开发区、新区 (a zone or new "
                  "area, or a body of one), 其他 (other)"),
                 ("province_code", "省级行政区代码（6 位）", "Province code (6 digits)"),
                 ("province", "省级行政区", "Province"),
                 ("prefecture_code", "地级行政区代码（直辖市为其本身的代码；省直辖县级行政区为空）",
                  "Prefecture code (a municipality's own code; NULL for a county-level unit under its province)"),
                 ("prefecture", "地级行政区", "Prefecture"),
                 ("county_code", "县级行政区代码", "County code"),
                 ("county", "县级行政区", "County"),
                 ("region_source", "由何确定所在地区：name（机关名称）、text（报告中的联系地址）、path（原始文件夹路径）；未定位时为空",
                  "What placed it: name (its name), text (the contact address in its report), path (the raw "
                  "folder path); NULL where it is not placed"),
                 ("region_reason", "未能定位（或只定位到上一级）的原因", "Why it is not placed (or only partly)"),
                 ("n_reports", "当前的报告数", "Its current reports"),
                 ("first_year", "最早的报告年度", "Year of its first report"),
                 ("last_year", "最近的报告年度", "Year of its last report"),
             )),
    TableDoc("dim_row", "dimension", "表格的每个行代码：中英文名称、所属部分和分组、所在表格版本",
             "Every row code of the forms: Chinese and English labels, section, group and the form versions "
             "that have it.", _cols(
                 ("section", "部分代码", "Section code"),
                 ("row_code", "行代码", "Row code"),
                 ("label_zh", "中文名称（各版本不同时以 / 分隔）",
                  "Chinese label (the versions' labels, separated by / where they differ)"),
                 ("label_en", "英文名称", "English label"),
                 ("group_code", "所属分组：results（办理结果）、refused、unable、not_processed、other、litigation",
                  "Group the row counts in: results, refused, unable, not_processed, other, litigation"),
                 ("group_zh", "分组名称（中文）", "Group heading in Chinese"),
                 ("group_en", "分组名称（英文）", "Group heading in English"),
                 ("is_total", "该行是其他行的合计", "The row is the total of other rows"),
                 ("form_versions", "有该行的表格版本", "Form versions that have this row"),
                 ("synonyms_zh", "报告中见到的其他写法", "Other wordings seen in reports"),
                 ("position", "在表格中的顺序", "Order in the form"),
             )),
    TableDoc("dim_col", "dimension", "表格的每个列代码：中英文名称、单位、所属部分、所在表格版本",
             "Every column code of the forms: Chinese and English labels, unit, section and the form versions "
             "that have it.", _cols(
                 ("section", "部分代码", "Section code"),
                 ("col_code", "列代码", "Column code"),
                 ("label_zh", "中文名称（各版本不同时以 / 分隔）",
                  "Chinese label (the versions' labels, separated by / where they differ)"),
                 ("label_en", "英文名称", "English label"),
                 ("unit", "单位：件 或 元", "Unit: 件 or 元"),
                 ("signed", "可为负数（增减）", "May be negative (a change)"),
                 ("is_total", "该列是其他列的合计", "The column is the total of other columns"),
                 ("form_versions", "有该列的表格版本", "Form versions that have this column"),
                 ("synonyms_zh", "报告中见到的其他写法", "Other wordings seen in reports"),
                 ("position", "在表格中的顺序", "Order in the form"),
             )),
)


# --- the forms, across versions ---------------------------------------------------------------------

def merged(sequences: Iterable[Sequence[T]]) -> list[T]:
    """Several orderings as one: an item first seen in a later sequence goes right after the item that
    precedes it there (so the 2021 rows of （六）其他处理 sit where the 2019 row does); new items that
    lead a sequence go before the first item it shares, or at the end when it shares none."""
    out: list[T] = []
    for seq in sequences:
        at: int | None = None
        leading: list[T] = []
        for item in seq:
            if item in out:
                if leading:
                    i = out.index(item)
                    out[i:i] = leading
                    leading = []
                at = out.index(item) + 1
            elif at is None:
                leading.append(item)
            else:
                out.insert(at, item)
                at += 1
        out.extend(leading)
    return out


def versions_of(section_code: str) -> list[tuple[str, Section]]:
    """(form version, section) for every version that has the section, oldest first."""
    return [(f.code, f.section(section_code)) for f in FORMS.values()
            if any(s.code == section_code for s in f.sections)]


def section_codes() -> list[str]:
    return merged([s.code for s in f.sections] for f in FORMS.values())


def row_codes(section_code: str) -> list[str]:
    return merged([r.code for r in s.rows] for _, s in versions_of(section_code))


def col_codes(section_code: str) -> list[str]:
    return merged([c.code for c in s.columns] for _, s in versions_of(section_code))


def group_of(section: Section, row: Row) -> str | None:
    """The group a row counts in. A row labelled with a group's own heading is that whole group: the
    2019 form has one row （六）其他处理 where the 2021 form has three under that heading."""
    for code, heading in section.groups.items():
        if row.label_zh == heading:
            return code
    return row.group


def totals(form_code: str, section_code: str, over: str) -> set[str]:
    """Codes that a hard identity of the form states as the sum of others (over="col": rows such as
    total_processed; over="row": columns such as total)."""
    return {i.lhs[0] for i in FORMS[form_code].identities
            if i.section == section_code and i.over == over and len(i.lhs) == 1
            and getattr(i, "relation", "=") == "="}


def _joined(labels: Iterable[str]) -> str:
    return " / ".join(dict.fromkeys(labels))


def dim_row() -> pl.DataFrame:
    rows = []
    for section_code in section_codes():
        versions = versions_of(section_code)
        for position, code in enumerate(row_codes(section_code), 1):
            having = [(v, s, s.row(code)) for v, s in versions if any(r.code == code for r in s.rows)]
            _, newest, row = having[-1]
            group = group_of(newest, row)
            rows.append({
                "section": section_code, "row_code": code,
                "label_zh": _joined(r.label_zh for _, _, r in having),
                "label_en": _joined(r.label_en for _, _, r in having),
                "group_code": group,
                "group_zh": newest.groups.get(group) if group else None,
                "group_en": newest.groups_en.get(group) if group else None,
                "is_total": any(code in totals(v, section_code, "col") for v, _, _ in having),
                "form_versions": [v for v, _, _ in having],
                "synonyms_zh": list(dict.fromkeys(s for _, _, r in having for s in r.synonyms)),
                "position": position,
            })
    return pl.DataFrame(rows, schema=DIM_ROW_SCHEMA, orient="row")


def dim_col() -> pl.DataFrame:
    rows = []
    for section_code in section_codes():
        versions = versions_of(section_code)
        for position, code in enumerate(col_codes(section_code), 1):
            having = [(v, s.column(code)) for v, s in versions if any(c.code == code for c in s.columns)]
            column = having[-1][1]
            rows.append({
                "section": section_code, "col_code": code,
                "label_zh": _joined(c.label_zh for _, c in having),
                "label_en": _joined(c.label_en for _, c in having),
                "unit": column.unit, "signed": column.signed,
                "is_total": any(code in totals(v, section_code, "row") for v, _ in having),
                "form_versions": [v for v, _ in having],
                "synonyms_zh": list(dict.fromkeys(s for _, c in having for s in c.synonyms)),
                "position": position,
            })
    return pl.DataFrame(rows, schema=DIM_COL_SCHEMA, orient="row")


DIM_ROW_SCHEMA = {
    "section": pl.String, "row_code": pl.String, "label_zh": pl.String, "label_en": pl.String,
    "group_code": pl.String, "group_zh": pl.String, "group_en": pl.String, "is_total": pl.Boolean,
    "form_versions": pl.List(pl.String), "synonyms_zh": pl.List(pl.String), "position": pl.Int32,
}
DIM_COL_SCHEMA = {
    "section": pl.String, "col_code": pl.String, "label_zh": pl.String, "label_en": pl.String,
    "unit": pl.String, "signed": pl.Boolean, "is_total": pl.Boolean,
    "form_versions": pl.List(pl.String), "synonyms_zh": pl.List(pl.String), "position": pl.Int32,
}


def dimension_tables() -> dict[str, pl.DataFrame]:
    return {"dim_row": dim_row(), "dim_col": dim_col()}


# --- comments in the warehouse, and the data dictionary ---------------------------------------------

def _literal(text: str) -> str:
    # COMMENT ON takes no bound parameters: the text is ours, quoted as an SQL string.
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection, docs: Iterable[TableDoc]) -> None:
    """COMMENT ON every documented table and column. A documented column the table lacks is an error."""
    for doc in docs:
        con.execute(f'COMMENT ON TABLE "{doc.name}" IS {_literal(bilingual(doc.zh, doc.en))}')
        for c in doc.columns:
            con.execute(f'COMMENT ON COLUMN "{doc.name}"."{c.name}" IS {_literal(bilingual(c.zh, c.en))}')


KIND_TITLES = {
    "contract": ("基础表", "Contract tables",
                 "The tables the parser and the validators write. Their columns are a public contract."),
    "mart": ("分析表", "Marts",
             "Tables built from the contract tables for analysis: one row per report (or per agency and year), "
             "one column per figure. A sum or a rate is NULL where a cell it needs is blank or missing: a blank "
             "is never read as 0."),
    "dimension": ("代码表", "Code tables",
                  "The reporting bodies and where they sit (`dim_body`), and every code of the two form versions, "
                  "printed from `schemas/forms/`, the description the parser reads."),
}


def render_markdown(con: duckdb.DuckDBPyConnection, docs: Sequence[TableDoc]) -> str:
    """The data dictionary of a built warehouse: its tables and columns with their types, as the
    warehouse itself records them (`duckdb_columns()`), and the text of their comments."""
    types = {(t, c): ty for t, c, ty in con.sql(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal AND schema_name = 'main'").fetchall()}
    lines = [
        "# Data dictionary 数据字典",
        "",
        "Generated by `gongkai dictionary` from the descriptions in `pipelines/dictionary.py` and "
        "`pipelines/marts.py` and the forms in `schemas/forms/`; do not edit by hand. The same text is in "
        "the warehouse as `COMMENT ON` every table and column:",
        "",
        "```sql",
        "SELECT table_name, comment FROM duckdb_tables();",
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns();",
        "```",
        "",
    ]
    for kind, (zh, en, intro) in KIND_TITLES.items():
        of_kind = [d for d in docs if d.kind == kind]
        lines += [f"## {en} · {zh}", "", intro, ""]
        lines += [f"- [`{d.name}`](#{d.name})" for d in of_kind] + [""]
        for d in of_kind:
            lines += [f"### {d.name}", "", d.zh, "", d.en, "", "| column | type | 中文 | English |", "|---|---|---|---|"]
            lines += [f"| `{c.name}` | {types.get((d.name, c.name), '?')} | {_cell(c.zh)} | {_cell(c.en)} |"
                      for c in d.columns]
            lines.append("")
    lines += _code_tables()
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code_tables() -> list[str]:
    rows, cols = dim_row(), dim_col()
    lines = ["## Codes · 代码", ""]
    for section_code in section_codes():
        section = versions_of(section_code)[-1][1]
        lines += [f"### `{section_code}` — {section.number}、{section.title_zh} · {section.title_en}", "",
                  "| row_code | 中文 | English | group | total | versions |", "|---|---|---|---|---|---|"]
        for r in rows.filter(pl.col("section") == section_code).iter_rows(named=True):
            lines.append(f"| `{r['row_code']}` | {_cell(r['label_zh'])} | {_cell(r['label_en'])} | "
                         f"{r['group_code'] or ''} | {'yes' if r['is_total'] else ''} | {', '.join(r['form_versions'])} |")
        lines += ["", "| col_code | 中文 | English | unit | total | versions |", "|---|---|---|---|---|---|"]
        for c in cols.filter(pl.col("section") == section_code).iter_rows(named=True):
            lines.append(f"| `{c['col_code']}` | {_cell(c['label_zh'])} | {_cell(c['label_en'])} | {c['unit']} | "
                         f"{'yes' if c['is_total'] else ''} | {', '.join(c['form_versions'])} |")
        lines.append("")
    return lines
