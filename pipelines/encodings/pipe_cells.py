"""Cells ending in " |", one a line, with lines of bare pipes standing for merged cells (sample 001).

The source gives no row breaks, so a row is cut where a label follows a value."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import values
from ..document import Document
from .base import Line, RawCell, RawRow, share

_BARE = re.compile(r"^\|+$")
# A line of this encoding, spaces around it aside: a cell ending in a pipe (a Markdown row starts with
# one too), or bare pipes.
_PIPE_LINE = re.compile(r"\s*(?:[^|\s].*\||\|+)\s*")


class PipeCells:
    name = "pipe_cells"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        return share(lines, _is_pipe_line)

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        rows: list[RawRow] = []
        row: RawRow = []
        seen_value = False
        for number, text in lines:
            t = text.strip()
            if not t or (t[0] == "|" and _BARE.match(t)):
                continue  # placeholders of merged cells: no content, no position we can trust
            if not t.endswith("|"):
                if row:
                    rows.append(row)
                rows.append([RawCell(t, number)])
                row, seen_value = [], False
                continue
            cell = RawCell(t[:-1].strip(), number)
            is_value = values.kind(cell.text) != "label"
            if not is_value and seen_value:
                rows.append(row)
                row, seen_value = [], False
            row.append(cell)
            seen_value = seen_value or is_value
        if row:
            rows.append(row)
        return rows


# Every section is scored by this encoding, and lines repeat across reports.
@lru_cache(maxsize=1 << 14)
def _is_pipe_line(text: str) -> bool:
    return bool(_PIPE_LINE.fullmatch(text))


ENCODING = PipeCells()
