"""Rows of raw cells to the form's cells: which row a label names, which column a value stands in.

The same for every table encoding: an encoding only cuts text into rows of cells, and this module
knows the form. A row of values belongs to the form row its label names (on the row itself, or on the
label lines just above it, as text taken from PDFs has it); a row whose label cannot be read is placed
only where the form's fixed row order leaves exactly one place for it. A value is placed in a column
only where its position justifies it; every placement that had to be inferred is flagged, and a value
that cannot be placed is reported, never moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from schemas.forms import FORMS, Section

from . import splitting, values
from .encodings import RawCell, RawRow
from .labels import LabelIndex, index, key
from .model import Cell, Finding
from .text import normalise

UNPLACED = "P1"  # a value whose column cannot be justified
DUPLICATE_ROW = "P2"  # a row the table gives twice
MISSING_ROW = "P3"  # a row of the form the table does not give
UNASSIGNED = "P4"  # values under no recognisable row label

# A flag of facts.flags: an unlabelled row placed by the form's row order between labelled rows.
ROW_FROM_ORDER = "row_from_order"

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


def _split(row: RawRow) -> tuple[list[RawCell], list[RawCell], bool]:
    """Labels, the value cells after the last label, and whether any of those holds a value (is not
    blank)."""
    # Read from the end: values follow the labels, so the last label is found after a few cells.
    last_label = len(row) - 1
    has_value = False
    while last_label >= 0:
        kind = values.kind(row[last_label].text)
        if kind == "label":
            break
        has_value = has_value or kind == "value"
        last_label -= 1
    return [c for c in row[: last_label + 1] if c.text], row[last_label + 1:], has_value


_PER_SECTION: dict[tuple[str, int], tuple[Section, object]] = {}


def _of_section(what: str, section: Section, make):
    """`make(section)`, computed once a section (sections are constants of the forms)."""
    key = (what, id(section))
    cached = _PER_SECTION.get(key)
    if cached is None or cached[0] is not section:
        cached = _PER_SECTION[key] = (section, make(section))
    return cached[1]


def _columns_of(section: Section, row_code: str) -> tuple[str, ...]:
    """`section.columns_of(row_code)`, looked up in a table made once a section."""
    return _of_section("columns_of", section, lambda s: {r.code: s.columns_of(r) for r in s.rows})[row_code]


def _row_columns(section: Section) -> dict[str, tuple[tuple[str, str, Callable], ...]]:
    """Each row's columns, as (code, unit, parser of a cell's text), made once a section."""
    def make(s: Section):
        column = {c.code: (c.code, c.unit, values.parser(c)) for c in s.columns}
        return {r.code: tuple(column[code] for code in s.columns_of(r)) for r in s.rows}
    return _of_section("row columns", section, make)


def _column_labels(section: Section) -> frozenset[str]:
    """The normalised column labels of a section."""
    return _of_section("labels", section, lambda s: frozenset(normalise(l) for c in s.columns for l in c.labels))


def _is_header(section: Section, labels: list[RawCell]) -> bool:
    column_labels = _column_labels(section)
    return any(normalise(c.text) in column_labels or any(w in c.text for w in HEADER_WORDS) for c in labels)


@dataclass
class _DataRow:
    """A row of values, with the form row its label names (None when no label names one)."""

    cells: list[RawCell]
    code: str | None
    own_label: bool  # the label stands on the row itself, not on the lines before it


def _labelled_rows(form_code: str, section: Section, rows: list[RawRow], encoding: str) -> SectionCells:
    out = SectionCells()
    data = _data_rows(section, rows, index(form_code, section.code))
    for i, row_code, extra in _align(section, data, out):
        out.rows_found.add(row_code)
        _place(section, row_code, data[i].cells, encoding, out, extra)
    for r in section.rows:
        if r.code not in out.rows_found:
            out.findings.append(Finding(MISSING_ROW, "warning", f"表中未找到“{r.label_zh}”行",
                                        f"row {r.code} not found in the table", section.code, r.code))
    return out


def _data_rows(section: Section, rows: list[RawRow], ix: LabelIndex) -> list[_DataRow]:
    """The rows that hold values, each with the row its own label names or, failing that, the row
    named by the label lines since the previous data row (text taken from PDFs puts labels above
    their numbers and wraps them over lines)."""
    data: list[_DataRow] = []
    block: list[str] = []  # the label lines since the previous data row
    for row in rows:
        labels, cells, has_number = _split(row)
        if not has_number and _is_header(section, labels):
            block = []
            continue
        code = _match(ix, labels)
        if not has_number and not (code and cells):
            # Text outside the table is no evidence of which row comes next.
            inside = "".join(c.text for c in labels if not c.outside_table)
            if inside:
                block.append(inside)
            continue
        own = code is not None
        if code is None:
            code = _match_wrapped(ix, block, "".join(c.text for c in labels))
        data.append(_DataRow(cells, code, own))
        block = []
    return data


def _match(ix: LabelIndex, labels: list[RawCell]) -> str | None:
    code = None
    for label in labels:
        m = ix.match(label.text)
        if m:
            code = m.code
    if code is None and len(labels) > 1:
        m = ix.match("".join(c.text for c in labels))
        code = m.code if m else None
    return code


def _match_wrapped(ix: LabelIndex, block: list[str], own: str) -> str | None:
    """The row the label lines above a data row name. A label wrapped over lines ends on the lines
    nearest its numbers (the lines before them may be the wrapped tail of the row above), perhaps with
    its last piece on the data row itself: the best match of the last lines joined, with or without
    that piece, the fewest lines winning a tie. So the head "2.其" of a wrapped "2.其他法律行政法规禁止
    公开" is read whole, a tail "属于国家秘密" left above it is not taken for its own row, and text
    that runs on past a label names no row."""
    best = None
    for m in range(1, len(block) + 1):
        head = "".join(block[-m:])
        for found in (ix.match(head), ix.match(head + own)):
            if found and not found.trailing and (best is None or found.score > best.score):
                best = found
    return best.code if best else None


def _align(section: Section, data: list[_DataRow], out: SectionCells):
    """Which form row each data row fills: (index in `data`, row code, flags of the placement).

    A label decides its row. The form's rows come in a fixed order, so the labelled rows that keep
    that order are anchors, and a run of unlabelled rows between two anchors fills the form rows
    between them when the count and the widths agree exactly. Everything else is reported: a row
    named twice (P2), a row named only by the lines before it against the order of the anchors, or
    unlabelled values the order cannot place (P4).
    """
    order = _of_section("order", section, lambda s: {r.code: i for i, r in enumerate(s.rows)})
    anchors = _in_order([(i, order[d.code], 2 if d.own_label else 1) for i, d in enumerate(data) if d.code])
    placed: list[tuple[int, str, tuple[str, ...]]] = []
    taken: set[str] = set()
    for i, d in enumerate(data):
        if d.code is None:
            continue
        if not d.own_label and i not in anchors:
            out.findings.extend(_unplaced(
                section.code, None, d.cells, UNASSIGNED,
                f"数值前的标签“{section.row(d.code).label_zh}”与表中各行的顺序不符，无法确定所在行",
                f"the label before these values names {d.code}, against the order of the table's rows"))
        elif d.code in taken:
            out.findings.extend(_unplaced(section.code, d.code, d.cells, DUPLICATE_ROW,
                                          "该行在表中重复出现，仅保留第一次", "row given twice; the first is kept"))
        else:
            taken.add(d.code)
            placed.append((i, d.code, ()))
    i = 0
    while i < len(data):
        if data[i].code is not None:
            i += 1
            continue
        j = i
        while j < len(data) and data[j].code is None:
            j += 1
        placed.extend(_by_order(section, order, data, (i, j), anchors, taken, out))
        i = j
    return sorted(placed)


def _in_order(labelled: list[tuple[int, int, int]]) -> set[int]:
    """The data rows (index, form position, weight) of the heaviest run in strictly increasing form
    order: the labels that agree with each other about where they stand."""
    positions = [pos for _, pos, _ in labelled]
    if all(a < b for a, b in zip(positions, positions[1:])):
        # The usual table: every label in the form's order. Weights are positive, so the whole run is
        # heavier than any part of it.
        return {i for i, _, _ in labelled}
    best: list[tuple[int, list[int]]] = []
    for k, (i, pos, weight) in enumerate(labelled):
        prev = max((best[m] for m in range(k) if labelled[m][1] < pos), key=lambda b: b[0], default=(0, []))
        best.append((prev[0] + weight, prev[1] + [i]))
    return set(max(best, key=lambda b: b[0], default=(0, []))[1])


def _code_of(row: _DataRow) -> str:
    assert row.code is not None
    return row.code


def _by_order(section: Section, order: dict[str, int], data: list[_DataRow], span: tuple[int, int],
              anchors: set[int], taken: set[str], out: SectionCells):
    """Unlabelled data rows span[0]..span[1]-1 placed in the free form rows between the anchors
    around them, when each fits its row; otherwise each is reported."""
    start, end = span
    before, after = start - 1, end
    # Only anchors bound a run: next to a row whose label broke the order, no place is certain.
    bounded = (before < 0 or before in anchors) and (after >= len(data) or after in anchors)
    # The rows around the span are anchors, or none: an anchor's label names its row.
    lo = order[_code_of(data[before])] if before >= 0 else -1
    hi = order[_code_of(data[after])] if after < len(data) else len(section.rows)
    slots = [r.code for r in section.rows[lo + 1:hi] if r.code not in taken]
    widths = {len(_columns_of(section, c)) for c in slots}
    # A row of numbers no slot is wide enough for (a stray number) is not a row of this table.
    run = [k for k in range(start, end) if _width(data[k].cells, widths) in widths]
    for k in range(start, end):
        if k not in run:
            out.findings.extend(_unplaced(section.code, None, data[k].cells, UNASSIGNED,
                                          "数值前没有可识别的行标签", "values under no recognisable row label"))
    fits = bounded and len(run) == len(slots) and all(
        _width(data[k].cells, {len(_columns_of(section, c))}) == len(_columns_of(section, c)) for k, c in zip(run, slots))
    if fits:
        taken.update(slots)
        return [(k, c, (ROW_FROM_ORDER,)) for k, c in zip(run, slots)]
    for k in run:
        out.findings.extend(_unplaced(
            section.code, None, data[k].cells, UNASSIGNED,
            f"数值前没有可识别的行标签，且{len(run)}行无标签数值与可能的{len(slots)}个表行无法一一对应",
            f"values under no recognisable row label; {len(run)} unlabelled rows cannot be matched one to one "
            f"with the {len(slots)} form rows they may fill"))
    return []


def _width(cells: list[RawCell], widths: set[int]) -> int:
    """How many columns a row covers, not counting blank cells at its ends beyond the widest it may be."""
    return sum(c.span for c in _trim(cells, max(widths, default=0)))


def _trim(cells: list[RawCell], width: int) -> list[RawCell]:
    """Without the blank cells at its ends while the row has more cells than `width`: such cells are
    layout (placeholders of merged labels), not empty cells of the table."""
    while len(cells) > width and values.kind(cells[0].text) == "blank":
        cells = cells[1:]
    while len(cells) > width and values.kind(cells[-1].text) == "blank":
        cells = cells[:-1]
    return cells


def _place(section: Section, row_code: str, cells: list[RawCell], encoding: str, out: SectionCells,
           extra_flags: tuple[str, ...] = ()) -> None:
    columns = _row_columns(section)[row_code]
    for c in cells:  # a loop, not any(): this runs for every row of every report
        if c.flags and values.UNSPLIT in c.flags:
            # Digits the encoding could not cut into cells: no column is justified for any of them.
            unsplit, findings = splitting.unsplit_cells(section, row_code, cells, encoding)
            out.cells.extend(unsplit)
            out.findings.extend(findings)
            return
    k = len(cells)
    cells = _trim(cells, len(columns))
    placed, unplaced = _assign(cells, len(columns))
    code, append = section.code, out.cells.append
    for (col, unit, parse), given in zip(columns, placed):
        if given is None:
            append(Cell(code, row_code, col, None, unit, None, None, _NOT_IN_SOURCE, encoding))
        else:
            cell, extra = given
            v = parse(cell.text)
            flags = v.flags
            if extra or extra_flags or cell.flags:  # mostly none: the value's own flags as they are
                flags = flags + extra + extra_flags + cell.flags
            append(Cell(code, row_code, col, v.value, v.unit, cell.text, cell.line, flags, encoding, cell.origin))
    if unplaced:
        out.findings.extend(_unplaced(section.code, row_code, unplaced, UNPLACED,
                                      f"该行有{k}个单元格而表有{len(columns)}列（源表合并了单元格），无法确定所在列",
                                      f"the row has {k} cells for {len(columns)} columns (merged in the source); "
                                      "the column of this value cannot be determined"))


_ByPosition = tuple[RawCell, tuple[str, ...]]  # a cell and the flags its placement earned
_INFERRED = (values.INFERRED_COLUMN,)
_NOT_IN_SOURCE = (values.NOT_IN_SOURCE,)


def _assign(cells: list[RawCell], width: int) -> tuple[list[_ByPosition | None], list[RawCell]]:
    """The cell each of a row's `width` columns gets (None where no cell can be placed there), and
    the cells that have no column."""
    if len(cells) >= width:
        if any(c.span > 1 for c in cells) and sum(c.span for c in cells) == width:
            return _by_span(cells, width)
        return [(cell, ()) for cell in cells[:width]], cells[width:]
    placed: list[_ByPosition | None] = [None] * width
    if not cells:
        return placed, []
    if sum(c.span for c in cells) == width:  # cells fewer than columns, so some span several
        return _by_span(cells, width)
    # Fewer cells than columns: the source merged cells. Only the ends have a position we can
    # justify: the last cell ends at the last column (the total), the first starts at the first.
    placed[-1] = (cells[-1], _INFERRED)
    if len(cells) >= 2:
        placed[0] = (cells[0], _INFERRED)
    return placed, cells[1:-1]


def _by_span(cells: list[RawCell], width: int) -> tuple[list[_ByPosition | None], list[RawCell]]:
    """The source gives each cell's columns (HTML colspan): a single-column cell stands where it is;
    a value over several merged columns belongs to none of them in particular."""
    placed: list[_ByPosition | None] = [None] * width
    unplaced: list[RawCell] = []
    col = 0
    for cell in cells:
        if cell.span == 1:
            placed[col] = (cell, ())
        else:
            unplaced.append(cell)
        col += cell.span
    return placed, unplaced


def _unplaced(section: str, row_code: str | None, cells: list[RawCell], rule: str, zh: str, en: str):
    return [Finding(rule, "warning", zh, en, section, row_code, None, None, None, c.text, c.line, c.origin)
            for c in cells if values.kind(c.text) != "blank"]


def _appeals(section: Section, rows: list[RawRow], encoding: str) -> SectionCells:
    """四: fifteen numbers, in the order review, suit_direct, suit_after_review, each upheld … total.
    Rows labelled with 复议/起诉 and five numbers each are read by their labels instead; otherwise the
    one row of fifteen numbers, or all the section's numbers when they are fifteen in all."""
    out = SectionCells()
    ix = index_appeals(section)
    labelled: dict[str, list[RawCell]] = {}
    value_rows: list[list[RawCell]] = []
    for row in rows:
        labels, cells, has_value = _split(row)
        if not has_value:
            continue
        cells = _trim(cells, 0)
        code = next((ix[key(c.text)] for c in reversed(labels) if key(c.text) in ix), None)
        if code and len(cells) == len(section.columns) and code not in labelled:
            labelled[code] = cells
        value_rows.append(cells)
    width = len(section.columns)
    all_values = width * len(section.rows)
    stream = [c for cells in value_rows for c in cells]
    full = [cells for cells in value_rows if len(cells) == all_values]
    if any(values.UNSPLIT in c.flags for c in stream):
        by_row = {r.code: stream for r in section.rows}  # one run of all rows that could not be cut
    elif len(labelled) == len(section.rows):
        by_row = labelled
    elif len(stream) == all_values or len(full) == 1:
        # Numbers outside the one full row stand under no label of this table: reported, not used.
        used = stream if len(stream) == all_values else full[0]
        others = [c for c in stream if not any(c is u for u in used)]
        out.findings.extend(_unplaced(section.code, None, others, UNASSIGNED,
                                      "复议诉讼表之外的数值，无法确定其位置",
                                      "a value outside the row of the appeals table; its place cannot be determined"))
        by_row = {r.code: used[i * width:(i + 1) * width] for i, r in enumerate(section.rows)}
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
