"""What a table cell says: a number, its unit, and why it needs care."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from schemas.forms import Column

# Flags, as they appear in facts.flags.
BLANK = "blank"  # the cell is empty: the value is NULL, not 0
DASH = "dash"  # the cell holds a dash or 无: NULL
NOT_A_NUMBER = "not_a_number"  # text where a number belongs: NULL
ANNOTATION = "annotation"  # text beside the number ("1 撤诉"): the number is the value
UNIT_CONVERTED = "unit_converted"  # 万元 in the cell, stored in 元
UNIT_FROM_HEADER = "unit_from_header"  # a bare number under a 万元 header, stored in 元
ASSUMED_UNIT = "assumed_unit"  # a bare number where nothing states the unit: taken as 元
UNEXPECTED_UNIT = "unexpected_unit"  # a money unit in a count column
INFERRED_COLUMN = "inferred_column"  # the source row had fewer cells than columns; placed by position
NOT_IN_SOURCE = "not_in_source"  # the source row had no cell that can be placed in this column
SPLIT_BY_IDENTITIES = "split_by_identities"  # run-together digits split by the report identities
NEGATIVE = "negative"  # a negative number where the form counts things: kept, and a finding

_DASHES = {"-", "--", "—", "——", "－", "/", "／", "\\", "无", "空", "—-", "╱", "*", "x", "X", "×"}
_NUMBER = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*"
    r"(?P<unit>万元|亿元|元|万|件|个|项|条|次|份)?\s*(?P<rest>.*)$",
    re.S,
)
# A leading number followed by 、 or . and then text is numbering of a label ("1.属于国家秘密").
_NUMBERED_LABEL = re.compile(r"^\d+\s*[.、．]\s*\D")


def fold(text: str) -> str:
    """Full-width digits and signs to ASCII, outer spaces trimmed."""
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").strip()


def kind(text: str) -> str:
    """'blank', 'value' or 'label': what a cell is, from its text alone."""
    t = fold(text)
    if not t:
        return "blank"
    if t in _DASHES:
        return "value"
    if _NUMBERED_LABEL.match(t):
        return "label"
    m = _NUMBER.match(t)
    if m and (not m.group("rest") or _annotation_ok(m.group("rest"), m)):
        return "value"
    return "label"


def _annotation_ok(rest: str, m: re.Match) -> bool:
    # "1 撤诉" and "22（其中修订16件）" are values with a note; "2.其他法律…" and "2020年" are not.
    if rest.startswith(("(", "（")):
        return True
    gap = m.string[m.end("int") if m.group("frac") is None else m.end("frac"):m.start("rest")]
    return bool(gap.strip() == "" and gap) and len(rest) <= 12


@dataclass(frozen=True)
class Value:
    value: Decimal | None
    unit: str
    flags: tuple[str, ...]


_WAN = Decimal(10000)
_YI = Decimal(100_000_000)


def parse(raw: str | None, column: Column) -> Value:
    """The value of a cell under `column`; money in 元. Never raises: what cannot be read is NULL
    with a flag, and the raw text stays beside it in the facts."""
    unit = column.unit
    t = fold(raw or "")
    if not t:
        return Value(None, unit, (BLANK,))
    if t in _DASHES:
        return Value(None, unit, (DASH,))
    m = _NUMBER.match(t)
    if not m:
        return Value(None, unit, (NOT_A_NUMBER,))
    flags: list[str] = []
    number = Decimal(m.group("int").replace(",", "") + ("." + m.group("frac") if m.group("frac") else ""))
    if m.group("sign") == "-":
        number = -number
    if number < 0 and not column.signed:
        flags.append(NEGATIVE)
    if m.group("rest"):
        flags.append(ANNOTATION)
    written = m.group("unit")
    if unit == "元":
        if written in ("万元", "万"):
            number *= _WAN
            flags.append(UNIT_CONVERTED)
        elif written == "亿元":
            number *= _YI
            flags.append(UNIT_CONVERTED)
        elif written != "元":
            if column.default_money_unit == "万元":
                number *= _WAN
                flags.append(UNIT_FROM_HEADER)
            elif column.default_unit_assumed:
                flags.append(ASSUMED_UNIT)
    elif written in ("万元", "亿元", "元", "万"):
        flags.append(UNEXPECTED_UNIT)
    return Value(number, unit, tuple(flags))
