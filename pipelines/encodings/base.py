"""What every table encoding gives the interpreter: rows of cells, each cell with the document line it
stands on (and a grid cell with its own origin)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, Protocol

from ..document import Document, Origin

# (1-based index of the line in Document.lines, text). For a text file that is the line of the decoded
# file; the report maps it through the line's Origin to where a person finds it.
Line = tuple[int, str]


class RawCell(NamedTuple):
    """A cell as an encoding cut it. Immutable, and made for every cell of every report: a named tuple
    is built several times faster than a frozen dataclass."""

    text: str
    line: int
    # Flags an encoding attaches to a cell it had to reconstruct (e.g. digits split by the identities);
    # they reach facts.flags beside the value's own.
    flags: tuple[str, ...] = ()
    # How many columns of the source grid the cell covers, where the encoding knows it (HTML colspan).
    span: int = 1
    # Text that stood outside any table (Markdown prose between table fragments): its place says
    # nothing about which row it labels, so it is never taken as the label of the next row.
    outside_table: bool = False
    # Where a cell of a document's table grid is found (its table, row and column), beside `line`,
    # the index of the document line of its row; None for a cell cut from a line of text.
    origin: Origin | None = None


RawRow = list[RawCell]


class TableEncoding(Protocol):
    """One way a report's tables come out as text.

    ``score`` says how well this encoding explains a section's lines (0 to 1); the best one reads the
    section. ``rows`` cuts the lines into rows of cells as the source laid them out: label cells and
    value cells in reading order, blank cells kept where they stand for an empty table cell and dropped
    where they are only layout (placeholders of merged cells).
    Both are given the report's Document beside the section's lines: an encoding of lines reads
    only the lines, an encoding of grids (grid_tables) reads the document's tables through them.
    """

    name: str

    def score(self, lines: list[Line], document: Document | None = None) -> float: ...

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]: ...


def share(lines: list[Line], holds: Callable[[str], bool]) -> float:
    """The share of the lines with any text of which `holds` is true (0 when none has text): the score
    of an encoding that explains a section line by line. One pass, without a list of the lines: every
    section is scored by every encoding."""
    body = explained = 0
    for _, t in lines:
        if t.strip():
            body += 1
            explained += holds(t)
    return explained / body if body else 0.0


def content(lines: list[Line]) -> list[Line]:
    """The lines with any text (the line tuples themselves, not rebuilt: every encoding asks)."""
    return [line for line in lines if line[1].strip()]


# Page furniture that PDF text leaves inside tables: page numbers between dashes ("-4-", "— 4 —",
# "- 4 -"), "第 4 页 共 6 页", and form feeds.
_PAGE_NUMBER = re.compile(r"^[-—–－~]+\s*\d{1,4}\s*[-—–－~]+$|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$")


_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # a tag, not an autolink <http://…>


# Each section is scored by several encodings, each asking these of every line: they are asked once.
@lru_cache(maxsize=1 << 14)
def has_markup(text: str) -> bool:
    """HTML tags on the line: the line belongs to the HTML encoding, whatever its tabs or spaces."""
    return bool(_MARKUP.search(text))


@lru_cache(maxsize=1 << 14)
def is_page_furniture(text: str) -> bool:
    t = text.replace("\f", "").strip()
    return not t or bool(_PAGE_NUMBER.match(t))
