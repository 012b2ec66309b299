"""Cells separated by spaces, a table row over one or more lines: the text that PDF extraction gives
(lines grouped by baseline, one space per gap).

A line is a run of label words followed by a run of numbers (``规章 1 0 11``, ``3001 53 0 0 61 4
3119``, ``本 30 1 0 0 0 0 31`` where ``本`` is one character of a vertical label). Labels wrap over
lines and often stand on the line before their numbers; which row a line of numbers belongs to is
the interpreter's business, from the labels and the form's row order. Page numbers and form feeds
inside a table are dropped.
"""

from __future__ import annotations

from functools import lru_cache

from .. import values
from ..document import Document
from .base import Line, RawCell, RawRow, has_markup, is_page_furniture

LONG_LINE = 100  # longer lines are prose, or cells run together without spaces: not this encoding
SHORT_TEXT = 40  # a line of text no longer than this can be a label
ANNOTATION = 6  # a word this short right after a number can be its note ("1 撤诉")
DATE_WORDS = ("年", "月", "日", "号")


def _is_value(text: str) -> bool:
    return values.kind(text) == "value"


def _is_note(word: str) -> bool:
    # "2024 年" in prose is a date, not a number with a note.
    return len(word) <= ANNOTATION and not word.startswith(DATE_WORDS)


def line_cells(number: int, text: str, outside_table: bool = False) -> RawRow:
    """One line as cells: its label words, then its numbers. A line that does not end in numbers is
    all label. Label cells carry `outside_table` when the caller says the text stood outside a table."""
    labels, cells = _split(text)
    return [RawCell(w, number, outside_table=outside_table) for w in labels] + [RawCell(c, number) for c in cells]


# A section's lines are split when its encoding is scored and again when it is read, and lines such as
# "0 0 0 0 0" repeat across reports: the split of a text is worth remembering.
@lru_cache(maxsize=1 << 14)
def _split(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = text.replace("\f", " ").split()
    cells: list[str] = []
    i = len(words)
    while i > 0:
        word = words[i - 1]
        if _is_value(word):
            cells.insert(0, word)
            i -= 1
        elif i >= 2 and _is_note(word) and _is_value(words[i - 2]) and _is_value(f"{words[i - 2]} {word}"):
            cells.insert(0, f"{words[i - 2]} {word}")  # a number with its note, as in "1 撤诉"
            i -= 2
        else:
            break
    return tuple(words[:i]), tuple(cells)


def is_table_line(text: str) -> bool:
    """Lines this encoding can be asked to read: no tabs, pipes or markup, not a long run of text."""
    t = text.strip()
    return bool(t) and len(t) <= LONG_LINE and "\t" not in text and "|" not in t and not has_markup(t)


@lru_cache(maxsize=1 << 14)
def line_kind(text: str) -> str:
    """'numbers' for a line that ends in numbers, 'label' for a short line of text, else 'other'."""
    if not is_table_line(text):
        return "other"
    if _split(text)[1]:  # numbers stand only at the end of a line
        return "numbers"
    return "label" if len(text.strip()) <= SHORT_TEXT else "other"


class SpacedText:
    name = "spaced_text"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        kinds = [line_kind(t) for _, t in lines if not is_page_furniture(t)]
        if "numbers" not in kinds:
            return 0.0
        return (len(kinds) - kinds.count("other")) / len(kinds)

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        return [line_cells(n, t) for n, t in lines if not is_page_furniture(t)]


ENCODING = SpacedText()
