"""Finding the six sections of a report, and the lines of the three that hold tables.

Headings are found in the document's text (its lines joined: never markup) by their words, not their
numbers (some reports renumber them) and not by line (text taken from web pages runs them into one
line): a section starts at a heading whose section's table markers follow it (the soonest, where the
same words also head a paragraph of prose), and ends where the next section starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .encodings import Line

# Section code -> (heading pattern, markers of its table that must follow the heading).
HEADINGS: dict[str, tuple[re.Pattern, tuple[str, ...]]] = {
    "active": (re.compile(r"主动公开政府信息(?:的)?情况"), ("第二十条", "信息内容", "规章")),
    "requests": (re.compile(r"收到和处理政府信息公开申请(?:的)?情况"), ("申请人", "自然人", "本年新收")),
    "appeals": (re.compile(r"行政(?:法)?复议\s*[、，,和及]?\s*(?:提起)?行政诉讼(?:的)?情况"), ("复议", "维持", "维护")),
    "problems": (re.compile(r"存在的主要问题"), ()),
    "other": (re.compile(r"其他需要报告的事项"), ()),
}
TABLE_SECTIONS = ("active", "requests", "appeals")
_NUMBERED = re.compile(r"(?:^|[\s。；;）)])\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+\s*[、.．])\s*$")
LOOKAHEAD = 600  # characters after a heading in which its table must begin


@dataclass(frozen=True)
class SectionText:
    code: str
    lines: list[Line]  # the section's text after its heading, by source line

    @property
    def first_line(self) -> int:
        return self.lines[0][0] if self.lines else 0


def find_sections(text: str) -> dict[str, SectionText]:
    """The sections found in `text`, each with its lines. Sections that cannot be found are absent."""
    found: list[tuple[int, int, str]] = []  # (heading start, body start, code)
    cursor = 0
    for code, (pattern, markers) in HEADINGS.items():
        hit = _first_heading(text, pattern, markers, cursor)
        if hit:
            found.append((hit[0], hit[1], code))
            cursor = hit[1]
    sections = {}
    for i, (_, body, code) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        sections[code] = SectionText(code, _lines_between(text, body, end))
    return sections


def _first_heading(text: str, pattern: re.Pattern, markers: tuple[str, ...], cursor: int):
    candidates = []
    for m in pattern.finditer(text, cursor):
        before = text[max(0, m.start() - 12):m.start()].rstrip(" \u3000")
        at_heading = m.start() == 0 or before.endswith("\n") or _NUMBERED.search(before)
        follows = text[m.end():m.end() + LOOKAHEAD]
        found = [follows.find(k) for k in markers if k in follows]
        if found or not markers:
            # A heading whose table starts soonest is the section's: a narrative sub-heading with the
            # same words ("（二）主动公开政府信息情况" in 一、总体情况) is followed by prose first.
            candidates.append((0 if at_heading else 1, min(found, default=0), m.start(), m.end()))
    if not candidates:
        return None
    _, _, start, end = min(candidates)
    return start, end


def _lines_between(text: str, begin: int, end: int) -> list[Line]:
    """The lines of text[begin:end], each with its line number; a line cut by `end` is kept to there."""
    if begin >= end:
        return []
    pieces = text[begin:end].split("\n")
    if text[end - 1] == "\n":
        pieces.pop()  # the line that starts at `end` is the next section's
    pieces[0] = pieces[0].lstrip("：:。 ")  # the rest of the heading's own line
    first = text.count("\n", 0, begin) + 1  # the number of the line `begin` is on
    return list(zip(range(first, first + len(pieces)), pieces))
