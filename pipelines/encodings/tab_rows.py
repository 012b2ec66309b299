"""A row a line, cells separated by tabs, with empty fields where cells were merged and labels that
shift position from row to row (sample 003)."""

from __future__ import annotations

from functools import lru_cache

from ..document import Document
from .base import Line, RawCell, RawRow, content, has_markup, share


class TabRows:
    name = "tab_rows"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        return share(lines, _is_tab_row)

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        rows = []
        for number, text in content(lines):
            fields = [f.strip() for f in text.rstrip("\n").split("\t")]
            # Empty fields before the first label are placeholders of labels merged down from above.
            while fields and not fields[0]:
                fields.pop(0)
            rows.append([RawCell(f, number) for f in fields])
        return rows


@lru_cache(maxsize=1 << 14)  # every section is scored by this encoding, and lines repeat across reports
def _is_tab_row(text: str) -> bool:
    """Two or more fields with text, and no markup. Two fields have text exactly when a tab stands
    between the first and the last character that is not a space: no need to split the line."""
    return "\t" in text.strip() and not has_markup(text)


ENCODING = TabRows()
