"""What `gongkai check` prints: a file's findings as text, Markdown or JSON, in Chinese or English,
with the labels of sections, rows and columns as the form writes them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from schemas.forms import FORMS, Section
from schemas.tables import RULE_NAMES

from .check import CheckedCell, CheckFinding, FileCheck, exit_status
from .identities import NOT_EVALUABLE

# Cells listed under a not-evaluable finding in text and Markdown, at most (the JSON lists every one):
# a table not read leaves whole rows missing, and one line each would bury the other findings.
LISTED_CELLS = 7
# The version of the JSON document (docs/check.schema.json): raised when a field changes or goes.
JSON_VERSION = 1
LANGS = ("zh", "en")

STATUS = {
    "zh": {"parsed": "已解析", "partial": "部分解析", "legacy_format": "2019 年表式之前的旧式报告",
           "not_a_report": "不是年度报告", "unreadable": "无法读取"},
    "en": {"parsed": "parsed", "partial": "partly parsed", "legacy_format": "free-form report from before the 2019 form",
           "not_a_report": "not an annual report", "unreadable": "unreadable"},
}
SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}
# The flags that say why a cell has no value (facts.flags), as a person reads them.
FLAGS = {
    "zh": {"blank": "空白", "dash": "横线", "not_a_number": "不是数字", "not_in_source": "源表该行无此单元格",
           "unsplit": "连写数字未拆分"},
    "en": {"blank": "blank", "dash": "dash", "not_a_number": "not a number", "not_in_source": "not in the source row",
           "unsplit": "run-together digits, not cut"},
}
WORDS = {
    "zh": {
        "status": "状态", "form": "表式", "agency": "机关", "year": "年度", "row": "行", "column": "列",
        "expected": "应为", "actual": "报告为", "lhs": "左边", "rhs": "右边", "cells": "单元格", "rule": "规则",
        "severity": "级别", "section": "部分", "message": "说明", "file": "文件", "errors": "错误", "warnings": "警告",
        "absent": "报告中没有此单元格", "not_checked": "无法检查", "unknown": "未知",
        "colon": "：", "comma": "，", "quote": "“{}”", "aside": "（{}）",
    },
    "en": {
        "status": "status", "form": "form", "agency": "agency", "year": "year", "row": "row", "column": "column",
        "expected": "expected", "actual": "the report says", "lhs": "left", "rhs": "right", "cells": "cells",
        "rule": "rule", "severity": "severity", "section": "section", "message": "message", "file": "file",
        "errors": "errors", "warnings": "warnings", "absent": "not in the report", "not_checked": "not checked",
        "unknown": "unknown",
        "colon": ": ", "comma": ", ", "quote": '"{}"', "aside": " ({})",
    },
}


def rule_name(rule: str, lang: str) -> str:
    """I1 → 勾稽关系; I1_NE → 勾稽关系（无法核验）."""
    base = rule.removesuffix(NOT_EVALUABLE)
    names = RULE_NAMES.get(base)
    if names is None:
        return rule
    name = names[LANGS.index(lang)]
    if base == rule:
        return name
    return f"{name}（无法核验）" if lang == "zh" else f"{name} (not evaluable)"


def _section(form_version: str | None, code: str | None) -> Section | None:
    if form_version not in FORMS or code is None:
        return None
    return next((s for s in FORMS[form_version].sections if s.code == code), None)


def section_label(form_version: str | None, code: str | None, lang: str) -> str | None:
    section = _section(form_version, code)
    if section is None:
        return code
    return f"{section.number}、{section.title_zh}" if lang == "zh" else section.title_en


def row_label(form_version: str | None, section: str | None, code: str | None, lang: str) -> str | None:
    """The row's label; a numbered row (1.属于国家秘密) under its heading ((三)不予公开), because the
    numbers start again in each group and 3.其他 is in more than one."""
    s = _section(form_version, section)
    row = next((r for r in s.rows if r.code == code), None) if s else None
    if row is None:
        return code
    if lang == "en":
        return row.label_en
    heading = s.groups.get(row.group) if row.group else None
    return f"{heading} {row.label_zh}" if heading and row.label_zh[:1].isdigit() else row.label_zh


def col_label(form_version: str | None, section: str | None, code: str | None, lang: str) -> str | None:
    s = _section(form_version, section)
    column = next((c for c in s.columns if c.code == code), None) if s else None
    if column is None:
        return code
    return column.label_zh if lang == "zh" else column.label_en


def number(value: float | None) -> str | None:
    """A value as a report writes it: 5, not 5.0."""
    if value is None:
        return None
    return str(int(value)) if value == int(value) else repr(value)


# --- JSON ---------------------------------------------------------------------------------------------


def as_json(checks: list[FileCheck], lang: str, quiet: bool = False) -> dict:
    """The one JSON document of a check (docs/check.schema.json): the files shown, the summary of all."""
    return {
        "version": JSON_VERSION,
        "lang": lang,
        "files": [_file_json(c, lang) for c in checks if shown(c, quiet)],
        "summary": _summary(checks),
    }


def _summary(checks: list[FileCheck]) -> dict:
    return {
        "files": len(checks),
        "errors": sum(c.errors for c in checks),
        "warnings": sum(c.warnings for c in checks),
        "files_with_errors": sum(c.checked and c.errors > 0 for c in checks),
        "files_not_checked": sum(not c.checked for c in checks),
        "exit_status": exit_status(checks),
    }


def _file_json(check: FileCheck, lang: str) -> dict:
    return {
        "file": check.file, "status": check.status, "status_reason": check.status_reason,
        "form_version": check.form_version, "agency": check.agency, "year": check.year,
        "errors": check.errors, "warnings": check.warnings, "exit_status": check.exit_status,
        "findings": [_finding_json(check.form_version, f, lang) for f in check.findings],
    }


def _finding_json(form: str | None, f: CheckFinding, lang: str) -> dict:
    return {
        "rule": f.rule, "rule_name": rule_name(f.rule, lang), "severity": f.severity,
        "section": f.section, "section_label": section_label(form, f.section, lang),
        "row_code": f.row_code, "row_label": row_label(form, f.section, f.row_code, lang),
        "col_code": f.col_code, "col_label": col_label(form, f.section, f.col_code, lang),
        "expected": f.expected, "actual": f.actual,
        "message": f.message if lang == "zh" else f.message_en,
        "cells": [_cell_json(form, c, lang) for c in f.cells],
    }


def _cell_json(form: str | None, c: CheckedCell, lang: str) -> dict:
    return {
        "section": c.section, "row_code": c.row_code, "row_label": row_label(form, c.section, c.row_code, lang),
        "col_code": c.col_code, "col_label": col_label(form, c.section, c.col_code, lang),
        "raw_text": c.raw_text, "value": c.value, "line": c.line, "page": c.page, "flags": list(c.flags),
        "present": c.present, "side": c.side,
    }


# --- text ---------------------------------------------------------------------------------------------


def text(check: FileCheck, lang: str) -> str:
    """A file's check as lines for a terminal: its heading, each finding with its cells, a closing line."""
    w = WORDS[lang]
    lines = [check.file, "  " + _heading(check, lang)]
    if not check.checked:
        lines.append(f"  {w['not_checked']}{w['colon']}{check.status_reason or STATUS[lang][check.status]}")
        return "\n".join(lines)
    for f in check.findings:
        j = _finding_json(check.form_version, f, lang)  # it holds every label the text needs
        lines.append(f"  {SEVERITY[lang][f.severity]} {f.rule} {j['rule_name']} · {_place(j, lang)}")
        if f.expected is not None or f.actual is not None:
            lines.append(f"    {w['expected']} {number(f.expected)}{w['comma']}{w['actual']} {number(f.actual)}")
        lines.append(f"    {j['message']}")
        lines += [f"    {line}" for line in _cells_text(f, j["cells"], lang)]
    lines.append("  " + closing(check, lang))
    return "\n".join(lines)


def _heading(check: FileCheck, lang: str) -> str:
    w = WORDS[lang]
    parts = [(w["status"], STATUS[lang].get(check.status, check.status)), (w["form"], check.form_version),
             (w["agency"], check.agency), (w["year"], check.year)]
    return " · ".join(f"{k}{w['colon']}{w['unknown'] if v is None else v}" for k, v in parts)


def closing(check: FileCheck, lang: str) -> str:
    if lang == "zh":
        return f"{check.errors} 个错误，{check.warnings} 个警告"
    return f"{check.errors} error{'s' * (check.errors != 1)}, {check.warnings} warning{'s' * (check.warnings != 1)}"


def _place(j: dict, lang: str) -> str:
    """Where a finding is: its section, and its row and column as the form writes them."""
    w = WORDS[lang]
    parts = [j["section_label"] or ""]
    for key, word in (("row_label", w["row"]), ("col_label", w["column"])):
        if j[key]:
            parts.append(word + ("" if lang == "zh" else " ") + w["quote"].format(j[key]))
    return " · ".join(p for p in parts if p)


def _cells_text(f: CheckFinding, cells: list[dict], lang: str) -> list[str]:
    """A line a cell. A term that has a value says nothing about why an identity cannot be evaluated:
    under a not-evaluable finding only the blank and missing ones are listed, LISTED_CELLS at most."""
    if not f.rule.endswith(NOT_EVALUABLE):
        return [_cell_text(c, lang) for c in cells]
    empty = [c for c in cells if c["value"] is None]
    lines = [_cell_text(c, lang) for c in empty[:LISTED_CELLS]]
    more = len(empty) - LISTED_CELLS
    if more > 0:
        lines.append(f"……另有 {more} 个单元格" if lang == "zh" else f"… and {more} more cells")
    return lines


def _cell_text(c: dict, lang: str) -> str:
    w = WORDS[lang]
    side = _pad(w[c["side"]], 6) if c["side"] else ""
    where = " / ".join(x for x in (c["row_label"], c["col_label"]) if x)
    written = _written(c, lang)
    if not where:  # text the parser could not place: only where it stands
        return side + written
    return f"{side}{where}{w['colon']}{written}"


def _written(c: dict, lang: str) -> str:
    """The cell as written and where: “5”（第 117 行）, or why it has no text."""
    w = WORDS[lang]
    if not c["present"]:
        return w["aside"].format(w["absent"]).strip()
    shown = "" if c["raw_text"] is None else w["quote"].format(c["raw_text"])
    notes = []
    if c["page"] is not None:
        notes.append(f"第 {c['page']} 页" if lang == "zh" else f"page {c['page']}")
    if c["line"] is not None:
        notes.append(f"第 {c['line']} 行" if lang == "zh" else f"line {c['line']}")
    notes += [FLAGS[lang][f] for f in c["flags"] if f in FLAGS[lang]]
    return (shown + w["aside"].format(w["comma"].join(notes))).strip() if notes else shown


def shown(check: FileCheck, quiet: bool) -> bool:
    """Whether a file is printed: with --quiet, only a file with findings or one not checked."""
    return not quiet or bool(check.findings) or not check.checked


def summary_text(checks: list[FileCheck], lang: str, quiet: bool = False) -> str:
    """The table after several files: one row a file printed, then the totals of all."""
    w = WORDS[lang]
    rows = [(w["file"], w["status"], w["errors"], w["warnings"])]
    rows += [(c.file, STATUS[lang].get(c.status, c.status), str(c.errors), str(c.warnings))
             for c in checks if shown(c, quiet)]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(_pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(r)).rstrip() for r in rows]
    return "\n".join([*lines, totals(checks, lang)])


def totals(checks: list[FileCheck], lang: str) -> str:
    s = _summary(checks)
    if lang == "zh":
        return (f"共 {s['files']} 个文件：{s['files_with_errors']} 个有错误，{s['files_not_checked']} 个无法检查；"
                f"{s['errors']} 个错误，{s['warnings']} 个警告")
    return (f"{s['files']} files: {s['files_with_errors']} with errors, {s['files_not_checked']} not checked; "
            f"{s['errors']} errors, {s['warnings']} warnings")


def _width(s: str) -> int:
    """Columns a string takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _width(s))
    return fill + s if right else s + fill


# --- Markdown -----------------------------------------------------------------------------------------


def markdown(check: FileCheck, lang: str) -> str:
    """A file's check as a Markdown section with a table of its findings, to paste into a review."""
    w = WORDS[lang]
    lines = [f"### {_md(check.file)}", "", _md(_heading(check, lang)), ""]
    if not check.checked:
        lines.append(f"**{w['not_checked']}**: {_md(check.status_reason or STATUS[lang][check.status])}")
        return "\n".join(lines)
    if check.findings:
        header = (w["rule"], w["severity"], w["section"], w["row"], w["column"], w["expected"], w["actual"],
                  w["cells"], w["message"])
        lines += [_md_row(header), _md_row(["---"] * len(header))]
        for f in check.findings:
            j = _finding_json(check.form_version, f, lang)
            lines.append(_md_row([
                f"{f.rule} {j['rule_name']}", SEVERITY[lang][f.severity], j["section_label"] or "",
                j["row_label"] or "", j["col_label"] or "", number(f.expected) or "", number(f.actual) or "",
                "<br>".join(_cells_text(f, j["cells"], lang)), j["message"],
            ]))
        lines.append("")
    lines.append(f"**{closing(check, lang)}**")
    return "\n".join(lines)


def summary_markdown(checks: list[FileCheck], lang: str, quiet: bool = False) -> str:
    w = WORDS[lang]
    rows = [_md_row((w["file"], w["status"], w["errors"], w["warnings"])), "|---|---|--:|--:|"]
    rows += [_md_row((c.file, STATUS[lang].get(c.status, c.status), str(c.errors), str(c.warnings)))
             for c in checks if shown(c, quiet)]
    return "\n".join([*rows, "", totals(checks, lang)])


def _md(s: str) -> str:
    """Text safe inside a Markdown table cell."""
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"
