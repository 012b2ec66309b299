"""Matching a label as a report writes it to a row or column of the form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas.forms import FORMS, Section

from .text import normalise, strip_numbering


def key(label: str) -> str:
    return strip_numbering(normalise(label))


_ARABIC_NUMBER = re.compile(r"^(\d+)\s*[.、,]")


def number(label: str) -> str | None:
    """The Arabic number a label starts with ("2.其他" → "2"), if any."""
    m = _ARABIC_NUMBER.match(normalise(label))
    return m.group(1) if m else None


@dataclass(frozen=True)
class Match:
    code: str
    score: int
    # The label holds the row's label with more text after it ("部分公开…1.属"): a label wrapped over
    # lines ends where its numbers begin, so such text is the tail of one label and the head of the next.
    trailing: bool = False


class LabelIndex:
    """Row labels of one section of one form, with their variants, in matchable form.

    A label matches a row when, after normalising, it is the row's label, contains it, or (for a
    label cut by wrapping) is a long enough start of it. The longest key wins, so 行政规范性文件 is not
    taken for 规范性文件's row in a form that has both, and 3.其他 is not 其他法律行政法规禁止公开.
    Numbering is compared too where it tells rows apart.
    """

    SHORT = 2  # keys this short only match exactly

    def __init__(self, section: Section):
        self.section = section
        self.keys: list[tuple[str, str, str | None]] = []
        for row in section.rows:
            for label in row.labels:
                self.keys.append((key(label), row.code, number(label)))
        self.keys.sort(key=lambda kv: -len(kv[0]))
        self._matches: dict[str, Match | None] = {}  # the same labels come back in every report

    def match(self, label: str) -> Match | None:
        if label not in self._matches:
            if len(self._matches) > 1 << 16:
                self._matches.clear()
            self._matches[label] = self._match(label)
        return self._matches[label]

    def _match(self, label: str) -> Match | None:
        k = key(label)
        if not k:
            return None
        n = number(label)
        best: Match | None = None
        for text, code, row_number in self.keys:
            # Where both are numbered, a short or partial match must agree on the number: "2.其他",
            # the head of a wrapped "2.其他法律行政法规禁止公开", is not "3.其他".
            if n and row_number and n != row_number and (k != text or len(text) <= self.SHORT):
                continue
            trailing = False
            if k == text:
                score = 1000 + len(text)
            elif len(text) > self.SHORT and text in k:
                score = 500 + len(text)
                trailing = not k.endswith(text)
            elif len(k) >= 5 and text.startswith(k):
                score = 100 + len(k)
            else:
                continue
            if best is None or score > best.score:
                best = Match(code, score, trailing)
        return best


@lru_cache(maxsize=None)
def index(form_code: str, section_code: str) -> LabelIndex:
    return LabelIndex(FORMS[form_code].section(section_code))
