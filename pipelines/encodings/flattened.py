"""Tables flattened to text with a web page: every cell of a row run together after its label
(``一、本年新收政府信息公开申请数量640020470``), a whole section often on one long line, and 四 as its
column headers followed by all fifteen numbers (``…尚未审结总计10203120001200000``).

No separator says where a label ends or a number begins, so the form's own labels are looked for in
the text, in the form's order; the digits between one label and the next are that row's run, cut into
cells by `pipelines.splitting` only where the digits and the form's identities allow exactly one cut.
A run that cannot be cut stays whole, flagged `unsplit`, and the interpreter reports it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from schemas.forms import FORMS, FormVersion, Section

from .. import values
from ..labels import key
from ..splitting import Cut, Run, cut_runs
from ..text import normalise
from ..document import Document
from .base import Line, RawCell, RawRow

FLAT_LINE = 60  # characters: a flattened table line holds several labels and their numbers
MIN_LABELS = 3  # form labels a line must hold to be a flattened table
SHORT_KEY = 3  # a label key this short ("总计", "规章") needs its numbering before it or digits after it
# Digits directly after a label or a closing quote: the start of a row's run.
_RUN = re.compile(r"[\s\"'“”‘’「」『』]*(?P<run>[+\-]?\d(?:[\d\s.+\-]*\d)?)[ \t]*(?P<unit>万元|亿元|元)?")
# Digits in text between labels that are part of its words, not values: 第20条, 2021年, （1）.
_WORDY_BEFORE = re.compile(r"第\s*$")
_WORDY_AFTER = re.compile(r"\s*(?:[条项款年月日号个件)）%]|[、.](?!\d))")
_DIGITS = re.compile(r"\d(?:[\d\s.]*\d)?")


@dataclass(frozen=True)
class _Variant:
    row: str
    key: str  # the label normalised, without its numbering
    numbering: re.Pattern | None  # the form's numbering of the label, as it may stand before the key


@dataclass(frozen=True)
class _Span:
    """A run, where it starts in the section text, and where it ends with its unit (万元)."""

    run: Run
    offset: int
    end: int


@dataclass(frozen=True)
class _Located:
    row: str
    start: int  # where the label (with its numbering) starts in the section text
    end: int  # where it ends


class _Text:
    """The section's lines as one string, folded character by character to ASCII digits and brackets
    (so that offsets stay those of the source), with the squeezed form in which labels are found."""

    def __init__(self, lines: list[Line]):
        self.raw = "\n".join(t for _, t in lines)
        self.folded = "".join(_fold_char(ch) for ch in self.raw)
        starts, pos = [], 0
        for number, text in lines:
            starts.append((pos, number))
            pos += len(text) + 1
        self._starts = starts
        squeezed, where = [], []
        for i, ch in enumerate(self.raw):
            for out in normalise(ch):
                squeezed.append(out)
                where.append(i)
        self.squeezed = "".join(squeezed)
        self.where = where  # squeezed offset -> source offset

    def line_of(self, offset: int) -> int:
        number = self._starts[0][1]
        for start, n in self._starts:
            if start > offset:
                break
            number = n
        return number


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


@lru_cache(maxsize=None)
def _variants(form_code: str, section_code: str) -> tuple[tuple[str, tuple[_Variant, ...]], ...]:
    """Per row of the section, in the form's order, the label variants to look for."""
    section = FORMS[form_code].section(section_code)
    out = []
    for row in section.rows:
        variants = []
        for label in row.labels:
            whole, k = normalise(label), key(label)
            numbering = whole[: len(whole) - len(k)] if whole.endswith(k) else ""
            variants.append(_Variant(row.code, k, _numbering_pattern(numbering) if numbering else None))
        # At one place, the longest variant is the label (部分公开（区分处理的…） over 部分公开).
        out.append((row.code, tuple(sorted(variants, key=lambda v: -len(v.key)))))
    return tuple(out)


def _numbering_pattern(numbering: str) -> re.Pattern:
    parts = []
    for ch in numbering:
        parts.append(r"[.、,]" if ch in ".、," else re.escape(ch))
    return re.compile(r"\s*".join(parts) + r"\s*$")


@lru_cache(maxsize=None)
def _all_label_keys() -> tuple[str, ...]:
    """Every row and column label of the table sections of every form, as keys: the words whose
    presence, run together with numbers, marks a flattened table."""
    keys: set[str] = set()
    for form in FORMS.values():
        for section in form.sections:
            for labels in [*(r.labels for r in section.rows), *(c.labels for c in section.columns)]:
                keys.update(key(label) for label in labels)
    return tuple(sorted((k for k in keys if len(k) >= 2), key=len, reverse=True))


def _locate(text: _Text, form_code: str, section_code: str) -> list[_Located]:
    """The rows of the section whose label the text holds, in the form's order."""
    found: list[_Located] = []
    cursor = 0  # in the squeezed text
    for _, variants in _variants(form_code, section_code):
        best = None  # ((squeezed start, -key length), squeezed end, label start, label end)
        for v in variants:
            hit = _find(text, v, cursor)
            if hit and (best is None or (hit[0], -len(v.key)) < best[0]):
                best = ((hit[0], -len(v.key)), hit[0] + len(v.key), hit[1], hit[2])
        if best:
            found.append(_Located(variants[0].row, best[2], best[3]))
            cursor = best[1]
    return found


def _find(text: _Text, v: _Variant, cursor: int) -> tuple[int, int, int] | None:
    """The first place from `cursor` where the variant stands as a label: (squeezed start, source
    start with the numbering, source end)."""
    at = text.squeezed.find(v.key, cursor)
    while at >= 0:
        start = text.where[at]
        end = text.where[at + len(v.key) - 1] + 1
        # Quotes and spaces that close the label (“三安全一稳定”) belong to it.
        while end < len(text.raw) and not normalise(text.raw[end]) and text.raw[end] not in "\n":
            end += 1
        numbered = v.numbering.search(text.folded, max(0, start - 12), start) if v.numbering else None
        # A short key (规章) is a label only with its numbering or with its numbers right after it;
        # elsewhere it is a word of the prose (有关规章制度).
        if numbered or len(v.key) > SHORT_KEY or _RUN.match(text.folded, end):
            return at, (numbered.start() if numbered else start), end
        at = text.squeezed.find(v.key, at + 1)
    return None


def _choose(text: _Text) -> tuple[FormVersion, Section, list[_Located]] | None:
    """The form and section whose labels the text holds most of (then the form's own markers)."""
    best = None
    for form in FORMS.values():
        markers = sum(1 for m in form.markers if normalise(m) in text.squeezed)
        for section in form.sections:
            located = _locate(text, form.code, section.code)
            score = (len(located), markers)
            if located and (best is None or score > best[0]):
                best = (score, form, section, located)
    return best[1:] if best else None


class Flattened:
    name = "flattened"

    def score(self, lines: list[Line], document: Document | None = None) -> float:
        """The share of the section's text on lines that hold several form labels, at least one of
        them run straight into digits. Text from PDFs has short lines; tables with separators do not
        run labels into numbers."""
        total = flat = 0
        for _, t in lines:
            n = len(t.strip())
            if n:
                total += n
                if _is_flat(t):
                    flat += n
        return flat / total if total else 0.0

    def rows(self, lines: list[Line], document: Document | None = None) -> list[RawRow]:
        text = _Text(lines)
        chosen = _choose(text)
        if chosen is None:
            return []
        form, section, located = chosen
        spans, leftovers = _runs(text, located)
        if not spans:
            spans, leftovers = _joint_run(text, located, leftovers)
        cuts = cut_runs(section, form.identities, [span.run for span in spans])
        of_row = {row: (span, cut) for span, cut in zip(spans, cuts) for row in span.run.rows}
        out: list[RawRow] = []
        for loc in located:
            label = RawCell(text.raw[loc.start:loc.end].strip(), text.line_of(loc.start))
            if loc.row in of_row:
                out.append([label, *_cells(text, *of_row[loc.row], loc.row)])
            else:
                out.append([label])
        out.extend(leftovers)
        return out


@lru_cache(maxsize=1 << 14)  # asked of every line of every section while detecting
def _is_flat(line: str) -> bool:
    squeezed = normalise(line)
    if len(squeezed) < FLAT_LINE:
        return False
    labels = _label_pattern()
    return len(set(labels.findall(squeezed))) >= MIN_LABELS and bool(re.search(labels.pattern + r"\d", squeezed))


@lru_cache(maxsize=None)
def _label_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(k) for k in _all_label_keys()))


def _runs(text: _Text, located: list[_Located]) -> tuple[list[_Span], list[RawRow]]:
    """Each located row's run (the digits right after its label); and rows for the digits that stand
    between labels under no label of the form (the interpreter reports them)."""
    spans: list[_Span] = []
    leftovers: list[RawRow] = []
    for i, loc in enumerate(located):
        stop = located[i + 1].start if i + 1 < len(located) else len(text.raw)
        m = _RUN.match(text.folded, loc.end, stop)
        rest = loc.end
        if m:
            spans.append(_Span(Run((loc.row,), m["run"]), m.start("run"), m.end()))
            rest = m.end()
        leftovers.extend(_stray(text, rest, stop))
    return spans, leftovers


def _stray(text: _Text, begin: int, stop: int) -> list[RawRow]:
    rows = []
    for m in _DIGITS.finditer(text.folded, begin, stop):
        if _WORDY_BEFORE.search(text.folded, max(begin, m.start() - 3), m.start()) or \
                _WORDY_AFTER.match(text.folded, m.end(), stop):
            continue
        label = text.raw[begin:m.start()].strip()
        cells = [RawCell(label, text.line_of(begin))] if label else []
        rows.append(cells + _whole(text, m.group(), m.start()))
        begin = m.end()
    return rows


def _joint_run(text: _Text, located: list[_Located], leftovers: list[RawRow]):
    """四 gives its column headers and then the numbers of all its rows: when no located row has a run
    of its own and the digits after the last label are the only stray ones, they are one run of all
    the located rows, in the form's order."""
    digits = list(_DIGITS.finditer(text.folded, located[-1].end)) if located else []
    if len(digits) != 1 or len(leftovers) != 1:
        return [], leftovers
    m = _RUN.match(text.folded, digits[0].start())
    assert m is not None  # it starts at a digit
    rows = tuple(loc.row for loc in located)
    return [_Span(Run(rows, m["run"]), m.start("run"), m.end())], []


def _cells(text: _Text, span: _Span, cut: Cut, row: str) -> list[RawCell]:
    run, offset = span.run, span.offset
    if cut.pieces is None:
        # Only the first row of a run that stays whole carries it; the others are left without values.
        if row != run.rows[0]:
            return []
        cells = _whole(text, run.text, offset)
        unit = text.raw[offset + len(run.text):span.end]
        if unit.strip():  # 12112900 万元: the unit stays with the digits it follows
            last = cells[-1]
            cells[-1] = RawCell(last.text + unit, last.line, last.flags)
        return cells
    pieces = cut.pieces[run.rows.index(row)]
    cells = []
    for p in pieces:
        flags = (values.SPLIT_BY_IDENTITIES,) if p.cut else ()
        # A unit written after the run (12900万元) belongs to its last number.
        end = span.end if p is cut.pieces[-1][-1] else offset + p.end
        cells.append(RawCell(text.raw[offset + p.start:end].strip(), text.line_of(offset + p.start), flags))
    return cells


def _whole(text: _Text, run: str, offset: int) -> list[RawCell]:
    """A run that could not be cut, one cell per group the source did separate, each flagged."""
    cells = []
    for m in re.finditer(r"\S+", run):
        at = offset + m.start()
        cells.append(RawCell(text.raw[at:offset + m.end()], text.line_of(at), (values.UNSPLIT,)))
    return cells


ENCODING = Flattened()
