"""Matching a label as a report writes it to a row or column of the form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from schemas.forms import FORMS, Section

from .text import normalise, strip_numbering


def key(label: str) -> str:
    return strip_numbering(normalise(label))


@dataclass(frozen=True)
class Match:
    code: str
    score: int


class LabelIndex:
    """Row labels of one section of one form, with their variants, in matchable form.

    A label matches a row when, after normalising, it is the row's label, contains it, or (for a
    label cut by wrapping) is a long enough start of it. The longest key wins, so 行政规范性文件 is not
    taken for 规范性文件's row in a form that has both, and 3.其他 is not 其他法律行政法规禁止公开.
    """

    SHORT = 2  # keys this short only match exactly

    def __init__(self, section: Section):
        self.section = section
        self.keys: list[tuple[str, str]] = []
        for row in section.rows:
            for label in row.labels:
                self.keys.append((key(label), row.code))
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
        best: Match | None = None
        for text, code in self.keys:
            if k == text:
                score = 1000 + len(text)
            elif len(text) > self.SHORT and text in k:
                score = 500 + len(text)
            elif len(k) >= 5 and text.startswith(k):
                score = 100 + len(k)
            else:
                continue
            if best is None or score > best.score:
                best = Match(code, score)
        return best


@lru_cache(maxsize=None)
def index(form_code: str, section_code: str) -> LabelIndex:
    return LabelIndex(FORMS[form_code].section(section_code))
