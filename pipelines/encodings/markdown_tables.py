"""Markdown: pipe tables (``| 规章 | 0 | 0 | 0 |``), often a PDF turned into Markdown, so a table comes
in fragments with lines of plain text between them.

Every pipe row is a row of cells, blank cells kept where they stand. The text between fragments is
what the converter could not put in a table: a line of it that ends in numbers is a row with its own
label (``行政许可 97``); its other words are marked as outside the table, because where the converter
put them says nothing about which row they label.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from ..document import Document
from .base import Line, RawCell, RawRow, is_page_furniture
from .spaced_text import line_cells, line_kind

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$|^\s*\|\s*:?-{3,}:?\s*\|\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 14)  # cells ("0", " 1 ") repeat across rows and reports
def _cell_text(field: str) -> str:
    # Converters write line breaks inside a cell as <br>, entities for blanks, and bold as **…**.
    return _SPACE.sub(" ", html.unescape(_BREAK.sub(" ", field)).replace("**", "").replace("__", "")).strip()


class MarkdownTables:
    name = "markdown_tables"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        # Only a section with a pipe table is Markdown: a separator line, or rows of several cells with
        # text (not the bare pipes of merged cells). Its text lines are read as spaced text, so this
        # scores at least as well as that encoding wherever a pipe table is present.
        body = piped = filled = separators = explained = 0
        for _, t in lines:
            kind = _line_kind(t)
            if kind is not None:
                body += 1
                piped += kind[0]
                filled += kind[1]
                separators += kind[2]
                explained += kind[3]
        if filled < 2 and not separators:
            return 0.0
        return (piped + explained) / body

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        rows: list[RawRow] = []
        for number, text in lines:
            if _SEPARATOR.match(text) or is_page_furniture(text):
                continue
            if _PIPE_ROW.match(text):
                fields = text.strip()[1:-1].split("|")
                rows.append([RawCell(_cell_text(f), number) for f in fields])
            else:
                rows.append(line_cells(number, _HEADING.sub("", text), outside_table=True))
        return rows


@lru_cache(maxsize=1 << 14)  # every section is scored by this encoding, and lines repeat across reports
def _line_kind(t: str) -> tuple[bool, bool, bool, bool] | None:
    """What a line is to the score: (a pipe row, one with several cells of text, a separator line,
    text that is no pipe row but reads as a table line); None for page furniture."""
    if is_page_furniture(t):
        return None
    piped = bool(_PIPE_ROW.match(t))
    return (piped, piped and t.count("|") >= 3 and bool(t.replace("|", "").strip()), bool(_SEPARATOR.match(t)),
            not piped and line_kind(t) != "other")


ENCODING = MarkdownTables()
