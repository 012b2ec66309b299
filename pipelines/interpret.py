"""Rows of raw cells to the form's cells: which row a label names, which column a value stands in.

The same for every table encoding: an encoding only cuts text into rows of cells, and this module
knows the form. A value is placed in a column only where its position justifies it; every placement
that had to be inferred is flagged, and a value that cannot be placed is reported, never moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.forms import FORMS, Section

from . import values
from .encodings import RawCell, RawRow
from .labels import index, key
from .model import Cell, Finding
from .text import normalise

UNPLACED = "P1"  # a value whose column cannot be justified
DUPLICATE_ROW = "P2"  # a row the table gives twice
MISSING_ROW = "P3"  # a row of the form the table does not give
UNASSIGNED = "P4"  # values under no recognisable row label

# Words of header rows: a row with one of these is not a data row.
HEADER_WORDS = ("信息内容", "申请人情况", "勾稽", "法人或其他组织", "第二十条")


@dataclass
class SectionCells:
    cells: list[Cell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows_found: set[str] = field(default_factory=set)


def interpret(form_code: str, section_code: str, rows: list[RawRow], encoding: str) -> SectionCells:
    section = FORMS[form_code].section(section_code)
    if section_code == "appeals":
        return _appeals(section, rows, encoding)
    return _labelled_rows(form_code, section, rows, encoding)


def _split(row: RawRow) -> tuple[list[RawCell], list[RawCell]]:
    """Labels, and the value cells after the last label."""
    last_label = max((i for i, c in enumerate(row) if values.kind(c.text) == "label"), default=-1)
    return [c for c in row[: last_label + 1] if c.text], row[last_label + 1:]


def _is_header(section: Section, labels: list[RawCell]) -> bool:
    column_labels = {normalise(label) for c in section.columns for label in c.labels}
    return any(normalise(c.text) in column_labels or any(w in c.text for w in HEADER_WORDS) for c in labels)


def _labelled_rows(form_code: str, section: Section, rows: list[RawRow], encoding: str) -> SectionCells:
    out = SectionCells()
    ix = index(form_code, section.code)
    pending: str | None = None
    for row in rows:
        labels, cells = _split(row)
        has_number = any(values.kind(c.text) == "value" for c in cells)
        if not has_number and _is_header(section, labels):
            pending = None
            continue
        code = None
        for label in labels:
            m = ix.match(label.text)
            if m:
                code = m.code
        if code is None and len(labels) > 1:
            m = ix.match("".join(c.text for c in labels))
            code = m.code if m else None
        if not has_number and not (code and cells):
            pending = code or pending
            continue
        target = code or pending
        pending = None
        if target is None:
            out.findings.extend(_unplaced(section.code, None, cells, UNASSIGNED,
                                          "数值前没有可识别的行标签", "values under no recognisable row label"))
            continue
        if target in out.rows_found:
            out.findings.extend(_unplaced(section.code, target, cells, DUPLICATE_ROW,
                                          "该行在表中重复出现，仅保留第一次", "row given twice; the first is kept"))
            continue
        out.rows_found.add(target)
        _place(section, target, cells, encoding, out)
    for r in section.rows:
        if r.code not in out.rows_found:
            out.findings.append(Finding(MISSING_ROW, "warning", f"表中未找到“{r.label_zh}”行",
                                        f"row {r.code} not found in the table", section.code, r.code))
    return out


def _place(section: Section, row_code: str, cells: list[RawCell], encoding: str, out: SectionCells) -> None:
    columns = section.columns_of(row_code)
    k = len(cells)
    # More cells than columns: blank cells at the ends are layout (placeholders of merged labels).
    while len(cells) > len(columns) and values.kind(cells[0].text) == "blank":
        cells = cells[1:]
    while len(cells) > len(columns) and values.kind(cells[-1].text) == "blank":
        cells = cells[:-1]
    placed: dict[str, tuple[RawCell, tuple[str, ...]]] = {}
    unplaced: list[RawCell] = []
    if len(cells) == len(columns):
        placed = {c: (cell, ()) for c, cell in zip(columns, cells)}
    elif len(cells) > len(columns):
        placed = {c: (cell, ()) for c, cell in zip(columns, cells)}
        unplaced = cells[len(columns):]
    elif cells:
        # Fewer cells than columns: the source merged cells. Only the ends have a position we can
        # justify: the last cell ends at the last column (the total), the first starts at the first.
        placed[columns[-1]] = (cells[-1], (values.INFERRED_COLUMN,))
        if len(cells) >= 2:
            placed[columns[0]] = (cells[0], (values.INFERRED_COLUMN,))
        unplaced = cells[1:-1]
    for col in columns:
        column = section.column(col)
        if col in placed:
            cell, extra = placed[col]
            v = values.parse(cell.text, column)
            out.cells.append(Cell(section.code, row_code, col, v.value, v.unit, cell.text, cell.line,
                                  v.flags + extra + cell.flags, encoding))
        else:
            out.cells.append(Cell(section.code, row_code, col, None, column.unit, None, None,
                                  (values.NOT_IN_SOURCE,), encoding))
    if unplaced:
        out.findings.extend(_unplaced(section.code, row_code, unplaced, UNPLACED,
                                      f"该行有{k}个单元格而表有{len(columns)}列（源表合并了单元格），无法确定所在列",
                                      f"the row has {k} cells for {len(columns)} columns (merged in the source); "
                                      "the column of this value cannot be determined"))


def _unplaced(section: str, row_code: str | None, cells: list[RawCell], rule: str, zh: str, en: str):
    return [Finding(rule, "warning", zh, en, section, row_code, None, None, None, c.text, c.line)
            for c in cells if values.kind(c.text) != "blank"]


def _appeals(section: Section, rows: list[RawRow], encoding: str) -> SectionCells:
    """四: fifteen numbers, in the order review, suit_direct, suit_after_review, each upheld … total.
    Rows labelled with 复议/起诉 and five numbers each are read by their labels instead."""
    out = SectionCells()
    ix = index_appeals(section)
    labelled: dict[str, list[RawCell]] = {}
    stream: list[RawCell] = []
    for row in rows:
        labels, cells = _split(row)
        if not any(values.kind(c.text) == "value" for c in cells):
            continue
        while cells and values.kind(cells[0].text) == "blank":
            cells = cells[1:]
        while cells and values.kind(cells[-1].text) == "blank":
            cells = cells[:-1]
        code = next((ix[key(c.text)] for c in reversed(labels) if key(c.text) in ix), None)
        if code and len(cells) == len(section.columns) and code not in labelled:
            labelled[code] = cells
        stream.extend(cells)
    width = len(section.columns)
    if len(labelled) == len(section.rows):
        by_row = labelled
    elif len(stream) == width * len(section.rows):
        by_row = {r.code: stream[i * width:(i + 1) * width] for i, r in enumerate(section.rows)}
    else:
        if stream:
            out.findings.extend(_unplaced(section.code, None, stream, UNPLACED,
                                          f"复议诉讼表有{len(stream)}个数值，应为15个，无法确定其位置",
                                          f"the appeals table has {len(stream)} values, not 15; "
                                          "their places cannot be determined"))
        out.findings.append(Finding(MISSING_ROW, "warning", "未能读取行政复议、行政诉讼表",
                                    "the appeals table could not be read", section.code))
        return out
    for row_code, cells in by_row.items():
        out.rows_found.add(row_code)
        _place(section, row_code, cells, encoding, out)
    return out


def index_appeals(section: Section) -> dict[str, str]:
    return {key(label): r.code for r in section.rows for label in r.labels}
