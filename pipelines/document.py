"""The document model: what a reader makes of a file, and all that metadata, sections and the form
interpreter ever read.

A reader per format (``pipelines/readers/``) turns bytes into a ``Document``: its text in reading
order, one ``DocLine`` a line, and its tables as grids of ``DocCell``. Every line and cell keeps its
``Origin``, where a person finds it in the file as published. A table's rows also stand among the
lines, in their place in the reading order (``DocLine.table`` / ``DocLine.row``), so that headings
and the tables under them are found in one pass over the lines.

A table keeps its cells as written (``Table.cells``: one per cell of the source, with its row and
column spans) beside the expanded grid (``Table.grid``: every position a spanned cell covers holds
that cell), because a value cell can span two columns too: the grid says which columns a position
is in, the cells as written say how many values the source gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple


class Origin(NamedTuple):
    """Where a piece of a document is found in the file as published: for text and HTML the line of
    the decoded file; for PDF the page and the line on that page; for DOCX the table, row and column
    (1-based, in document order; a nested table counts after the one that holds it).

    Immutable. A named tuple rather than a frozen dataclass: one is made for every cell of every table
    read, and a frozen dataclass is built several times more slowly."""

    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None


@dataclass(slots=True)
class DocCell:
    """A table cell as the source wrote it: its text (whitespace squeezed, "" for a blank or
    ``&nbsp;``), its top-left position in the expanded grid (0-based) and how far it spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    origin: Origin = Origin()


@dataclass
class Table:
    cells: list[DocCell]  # as written, in reading order (row by row, left to right)

    @cached_property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @cached_property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    @cached_property
    def grid(self) -> list[list[DocCell | None]]:
        """The expanded grid: each cell copied into every position it spans; None where no cell
        stands (a short row)."""
        grid: list[list[DocCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    grid[r][c] = cell
        return grid

    def written_rows(self) -> list[list[DocCell]]:
        """The cells as written, by the row they start in (a cell spanning rows is in its first)."""
        rows: list[list[DocCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return rows


def place_spans(rows: list[list[tuple[str, int, int, Origin]]]) -> list[DocCell]:
    """Cells as HTML and DOCX write them, row by row as (text, rowspan, colspan, origin), given their
    grid positions: a cell starts at the first column its row leaves free of the cells spanning down
    from the rows above (the rule of pandas.io.html's ``_expand_colspan_rowspan``)."""
    cells: list[DocCell] = []
    # Row -> the columns that cells spanning down from the rows above take in it. Within a row the
    # columns only grow, so a row's own cells need no record.
    below: dict[int, set[int]] = {}
    for r, row in enumerate(rows):
        taken = below.pop(r, None)
        col = 0
        for text, rowspan, colspan, origin in row:
            if taken:
                while col in taken:
                    col += 1
            rowspan, colspan = max(1, rowspan), max(1, colspan)
            cells.append(DocCell(text, r, col, rowspan, colspan, origin))
            for dr in range(1, rowspan):
                below.setdefault(r + dr, set()).update(range(col, col + colspan))
            col += colspan
    return cells


@dataclass(slots=True)
class DocLine:
    """A line of the document's text in reading order. A table row stands here too, its written
    cells' texts joined by a tab, with ``table`` (index into Document.tables) and ``row`` set."""

    text: str
    origin: Origin = Origin()
    table: int | None = None
    row: int | None = None


@dataclass
class Document:
    format: str  # the reader's name: 'text', 'html', 'docx', 'pdf', …
    lines: list[DocLine] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str | None = None  # the <title>, the DOCX or PDF title property, where the file has one
    encoding: str | None = None  # the text encoding, for formats decoded from bytes (reports.text_encoding)
    # The format the tables were written in, where it is not the document's own (HTML tables inside a
    # Markdown file): the grids are recorded as f"{grid_format or format}_tables".
    grid_format: str | None = None

    @cached_property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
