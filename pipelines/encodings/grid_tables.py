"""Tables a reader found as grids (HTML ``<table>``, DOCX tables, ruled PDF tables): the rows of the
Document's tables whose lines fall in a section.

A row gives its cells as written: a cell merged down over rows (rowspan) appears once, in its first
row, as the form's group labels do; a cell merged across columns (colspan) is one cell that knows how
many columns it covers (RawCell.span), so the interpreter can place the cells around it exactly.
Text between the tables is kept as rows marked outside the table, but for page furniture (a page
number between the parts of a table running across pages). Each cell keeps the document line
of its row and its own origin (table, row, column).

The encoding is recorded by the format that gave the grid: ``html_tables`` (also for HTML tables
inside a text or Markdown file), ``docx_tables``, ``pdf_tables``.
"""

from __future__ import annotations

from ..document import Document
from .base import Line, RawCell, RawRow, is_page_furniture
from .spaced_text import line_cells

MIN_CELLS = 2  # grid cells a section must hold to be read as a grid


class GridTables:
    def __init__(self, format: str = "grid"):
        self.format = format
        self.name = f"{format}_tables"

    def for_document(self, document: Document | None) -> GridTables:
        """The encoding as recorded for this document's format."""
        return GridTables(document.grid_format or document.format) if document is not None else self

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        # A grid is the reader's own finding, not a guess from the text: no other encoding explains a
        # section that holds one.
        if document is None:
            return 0.0
        doc_lines = document.lines
        cells = 0
        for number, _ in lines:
            line = doc_lines[number - 1]
            if line.table is not None:
                cells += line.text.count("\t") + 1
                if cells >= MIN_CELLS:
                    return 1.0
        return 0.0

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        if document is None:
            return []
        rows: list[RawRow] = []
        written: dict[int, list] = {}  # table index -> its cells as written, by row
        for i, (number, text) in enumerate(lines):
            line = document.lines[number - 1]
            table = line.table
            if table is None:
                # A page number a PDF printed between the parts of a table is no row of it, as in text.
                if text.strip() and not is_page_furniture(text):
                    rows.append(line_cells(number, " ".join(text.split()), outside_table=True))
                continue
            if table not in written:
                written[table] = document.tables[table].written_rows()
            assert line.row is not None  # a line of a table is one of its rows
            cells = written[table][line.row]
            if i == 0 and text != line.text:
                # The section starts inside this row, after its heading: only the cells after it.
                cells = _after(cells, len(line.text) - len(text))
            row = [RawCell(c.text, number, span=c.colspan, origin=c.origin) for c in cells]
            if row:
                rows.append(row)
        return rows


def _after(cells: list, cut: int) -> list:
    """The cells of a row (its line: their texts joined by tabs) that start at or after offset `cut`."""
    kept, at = [], 0
    for cell in cells:
        if at >= cut:
            kept.append(cell)
        at += len(cell.text) + 1
    return kept


ENCODING = GridTables()
