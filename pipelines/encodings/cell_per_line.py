"""One cell a line: every cell on its own tab-indented line, a blank line between rows, and a cell too
long for its line wrapped onto the next line without the tab (samples 000, 002, 004)."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import values
from ..document import Document
from .base import Line, RawCell, RawRow, has_markup, share

# A line of one cell: a tab, then text with no tab but the trailing ones.
_ONE_CELL = re.compile(r"\t[^\t]*\t*")


class CellPerLine:
    name = "cell_per_line"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        return share(lines, _is_one_cell)

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        rows: list[RawRow] = []
        row: RawRow = []
        for number, text in lines:
            if text.startswith("\t"):
                row.append(RawCell(text.strip(), number))
            elif text.strip() and row and row[-1].text:
                # An untabbed line continues the cell above it (商业 / 企业).
                row[-1] = RawCell(row[-1].text + text.strip(), row[-1].line)
            else:
                if row:
                    rows.append(row)
                row = [RawCell(text.strip(), number)] if text.strip() else []
                if row:
                    rows.append(row)
                    row = []
        if row:
            rows.append(row)
        # Blank cells before a row's first label hold the place of a label merged down from above.
        return [_drop_leading_blanks(r) for r in rows if any(c.text for c in r)]


def _drop_leading_blanks(row: RawRow) -> RawRow:
    i = 0
    while i < len(row) and values.kind(row[i].text) == "blank":
        i += 1
    return row[i:]


# Every section is scored by this encoding, and lines ("\t0", headings) repeat across reports.
@lru_cache(maxsize=1 << 14)
def _is_one_cell(text: str) -> bool:
    return bool(_ONE_CELL.fullmatch(text)) and not has_markup(text)


ENCODING = CellPerLine()
