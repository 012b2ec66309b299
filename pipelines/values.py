"""What a table cell says: a number, its unit, and why it needs care.

`kind` (what a cell is) and `parse` (what it is worth) read a cell the same way, so a cell an encoding
took for a value is never read as text, nor the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from collections.abc import Callable
from functools import lru_cache, partial

from schemas.forms import Column

# Flags, as they appear in facts.flags.
BLANK = "blank"  # the cell is empty: the value is NULL, not 0
DASH = "dash"  # the cell holds a dash or 无: NULL
NOT_A_NUMBER = "not_a_number"  # text where a number belongs: NULL
ANNOTATION = "annotation"  # text beside the number ("1 撤诉"): the number is the value
UNIT_CONVERTED = "unit_converted"  # a unit or magnitude in the cell (万元, 亿元, 1.2万): stored in 元 / units
UNIT_FROM_HEADER = "unit_from_header"  # a bare number under a 万元 header, stored in 元
ASSUMED_UNIT = "assumed_unit"  # a bare number where nothing states the unit: taken as 元
UNEXPECTED_UNIT = "unexpected_unit"  # a money unit in a count column, or a count unit in a money column
INFERRED_COLUMN = "inferred_column"  # the source row had fewer cells than columns; placed by position
NOT_IN_SOURCE = "not_in_source"  # the source row had no cell that can be placed in this column
SPLIT_BY_IDENTITIES = "split_by_identities"  # run-together digits split by the report identities
UNSPLIT = "unsplit"  # run-together digits that no split, or more than one, fits: kept whole, no value
NEGATIVE = "negative"  # a negative number where the form counts things: kept, and a finding

# A cell that says "nothing here": dashes, slashes, 无 …, alone or in brackets.
_DASH = re.compile(r"^[(\[]?(?:[-—–―─‐~/\\╱*xX×]+|无|空|暂无|不适用)[)\]]?$")
_NUMBER = re.compile(
    r"^(?P<sign>[+-]|增加|减少|增|减)?\s*"
    r"(?P<int>\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.(?P<frac>\d+))?(?P<space>\s*)"
    r"(?P<mag>[千万亿](?=元|件|个|项|条|次|份|人|家|宗|起|篇|$|\s|[(\[])|)"
    r"(?P<unit>元|件次|人次|件|个|项|条|次|份|人|家|宗|起|篇|)"
    r"(?P<gap>\s*)(?P<rest>.*)$",
    re.S,
)
# A leading number followed by 、 or . and then text is numbering of a label ("1.属于国家秘密").
_NUMBERED_LABEL = re.compile(r"^\d+\s*[.、]\s*\D")
# Only the characters of numbers, but not one number ("1 2", "566-418"): it stands where a value stands,
# so it is a value cell that is not a number (kept, with its text), never a label whose digits would vanish.
_NUMBER_CHARS = re.compile(r"^[+-]?\d[\d\s.,+-]*\d$")
_MAGNITUDE = {"千": Decimal(1000), "万": Decimal(10000), "亿": Decimal(100_000_000)}
_MAX_NOTE = 12  # an annotation after a space is a short note ("1 撤诉"); longer text is not a value
# Minus signs NFKC leaves alone.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\ufe63": "-"})


def fold(text: str) -> str:
    """Full-width digits, signs and brackets to ASCII, outer spaces trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def _read(t: str) -> re.Match | None:
    """The number a folded, non-empty, non-dash cell holds, or None when the cell is not a number."""
    if _NUMBERED_LABEL.match(t):
        return None
    m = _NUMBER.match(t)
    if m is None or not m["rest"]:
        return m
    rest = m["rest"]
    # "22（其中修订16件）" and "1 撤诉" are values with a note; "2020年", "3个工作日内" and "1 2" are not.
    if rest[0] in "([":
        return m
    gap = m["gap"] or (m["space"] and not m["mag"] and not m["unit"])
    if gap and len(rest) <= _MAX_NOTE and not re.match(r"[\d+\-.,]", rest):
        return m
    return None


# Cells repeat ("0", "1", "—" …) across rows and reports: what a text is is worth remembering.
@lru_cache(maxsize=1 << 16)
def kind(text: str) -> str:
    """'blank', 'value' or 'label': what a cell is, from its text alone."""
    t = fold(text)
    if not t:
        return "blank"
    if _DASH.match(t) or _read(t) or _NUMBER_CHARS.match(t):
        return "value"
    return "label"


@dataclass(frozen=True)
class Value:
    value: Decimal | None
    unit: str
    flags: tuple[str, ...]


@lru_cache(maxsize=1 << 16)  # pure, and a Value is immutable: one per (text, column) is enough
def parse(raw: str | None, column: Column) -> Value:
    """The value of a cell under `column`; money in 元. Never raises: what cannot be read is NULL
    with a flag, and the raw text stays beside it in the facts."""
    unit = column.unit
    t = fold(raw or "")
    if not t:
        return Value(None, unit, (BLANK,))
    if _DASH.match(t):
        return Value(None, unit, (DASH,))
    m = _read(t)
    if m is None:
        return Value(None, unit, (NOT_A_NUMBER,))
    flags: list[str] = []
    number = Decimal(m["int"].replace(",", "") + ("." + m["frac"] if m["frac"] else ""))
    if m["sign"] in ("-", "减少", "减"):
        number = -number
    if number < 0 and not column.signed:
        flags.append(NEGATIVE)
    if m["rest"]:
        flags.append(ANNOTATION)
    money_column, written_money = unit == "元", m["unit"] == "元"
    if money_column != written_money and m["unit"]:
        # 元 in a count column, 件 in a money column: the number stays as written, the flag says why.
        flags.append(UNEXPECTED_UNIT)
    elif m["mag"]:
        number *= _MAGNITUDE[m["mag"]]
        flags.append(UNIT_CONVERTED)
    elif money_column and not written_money:
        # A bare amount: its unit is the header's, or an assumption the flag owns up to.
        if column.default_money_unit == "万元":
            number *= _MAGNITUDE["万"]
            flags.append(UNIT_FROM_HEADER)
        elif column.default_unit_assumed:
            flags.append(ASSUMED_UNIT)
    return Value(number, unit, tuple(flags))


def parser(column: Column) -> Callable[[str | None], Value]:
    """`parse` under one column, remembered by the cell's text alone: a table's cells repeat the same
    few texts ("0", "1", "—") under each column, and hashing the column (all its fields) with every
    cell cost more than the lookup saved. Made once a column of the forms, so there are few of them."""
    # Over the uncached `parse`: a second cache underneath, keyed by the column, would only be hashed again.
    return lru_cache(maxsize=1 << 12)(partial(parse.__wrapped__, column=column))
