"""Reading one table cell: its number, its unit, and the flags that say why it needs care."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines import values
from pipelines.values import kind, parse
from schemas.forms import FORMS

COUNT = FORMS["2019"].section("requests").column("total")
SIGNED = FORMS["2019"].section("active").column("change")
MONEY_ASSUMED = FORMS["2019"].section("active").column("amount")  # 采购总金额: a bare number is 元, assumed
MONEY_WAN = FORMS["2021"].section("active").column("amount")  # 本年收费金额（单位：万元）


def value_of(raw, column=COUNT):
    v = parse(raw, column)
    return (None if v.value is None else v.value), set(v.flags)


@pytest.mark.parametrize("raw, want", [
    ("0", 0), ("7", 7), ("640", 640), ("00", 0),
    ("１２３", 123),  # full-width digits
    ("1,234", 1234), ("12,345,678", 12345678), ("1，234", 1234),  # thousands separators, full-width comma
    ("  15  ", 15), ("\u300015\u3000", 15), ("\u00a015", 15),  # ideographic and no-break spaces
    ("5件", 5), ("5 件", 5), ("3个", 3), ("12人次", 12),  # count units
])
def test_counts(raw, want):
    got, flags = value_of(raw)
    assert got == Decimal(want) and flags == set()


def test_decimal_count_is_kept_as_written():
    # The validators report a fractional count (S2); the value is not rounded.
    assert value_of("2.5") == (Decimal("2.5"), set())
    assert value_of("1,234.50")[0] == Decimal("1234.50")


@pytest.mark.parametrize("raw, want", [
    ("+801", 801), ("-418", -418), ("- 418", -418), ("＋12", 12), ("－3", -3), ("\u22123", -3),
    ("增加5", 5), ("减少3", -3), ("减7", -7), ("0", 0),
])
def test_signed_changes(raw, want):
    got, flags = value_of(raw, SIGNED)
    assert got == Decimal(want)
    assert values.NEGATIVE not in flags, "a signed column may go below zero"


def test_a_negative_count_is_kept_and_flagged():
    got, flags = value_of("-2")
    assert got == Decimal(-2) and flags == {values.NEGATIVE}


@pytest.mark.parametrize("raw, want, flag", [
    ("104150元", 104150, None),
    ("12900 万元", 129_000_000, values.UNIT_CONVERTED),
    ("1.5亿元", 150_000_000, values.UNIT_CONVERTED),
    ("20千元", 20_000, values.UNIT_CONVERTED),
    ("3万", 30_000, values.UNIT_CONVERTED),
    ("3456", 3456, values.ASSUMED_UNIT),  # 采购总金额 states no unit: taken as 元, flagged
])
def test_money_in_yuan(raw, want, flag):
    v = parse(raw, MONEY_ASSUMED)
    assert v.value == Decimal(want) and v.unit == "元"
    assert set(v.flags) == ({flag} if flag else set())


def test_money_under_a_wan_header():
    v = parse("9116.36", MONEY_WAN)
    assert v.value == Decimal("91163600") and v.flags == (values.UNIT_FROM_HEADER,)
    # A unit written in the cell wins over the header.
    assert parse("3940元", MONEY_WAN).value == Decimal(3940)
    assert parse("2万元", MONEY_WAN).value == Decimal(20000)


def test_units_in_the_wrong_column_are_flagged_not_converted():
    assert value_of("20368万元") == (Decimal(20368), {values.UNEXPECTED_UNIT})
    assert value_of("5元") == (Decimal(5), {values.UNEXPECTED_UNIT})
    v = parse("5件", MONEY_ASSUMED)
    assert v.value == Decimal(5) and v.flags == (values.UNEXPECTED_UNIT,)


def test_a_magnitude_in_a_count_column_is_applied():
    assert value_of("1.2万") == (Decimal("12000.0"), {values.UNIT_CONVERTED})
    assert value_of("3万件") == (Decimal(30000), {values.UNIT_CONVERTED})


@pytest.mark.parametrize("raw, want", [
    ("1 撤诉", 1), ("22（其中修订16件）", 22), ("22(其中修订16件)", 22), ("5件（撤诉1件）", 5), ("3 件 驳回", 3),
])
def test_annotations_keep_the_number(raw, want):
    got, flags = value_of(raw)
    assert got == Decimal(want) and flags == {values.ANNOTATION}
    assert kind(raw) == "value"


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", None])
def test_blank_is_null_not_zero(raw):
    assert value_of(raw) == (None, {values.BLANK})
    assert kind(raw or "") == "blank"


@pytest.mark.parametrize("raw", ["-", "--", "—", "——", "－", "/", "／", "\\", "无", "（无）", "空", "╱", "*", "×", "–", "不适用"])
def test_dashes_are_null_and_flagged(raw):
    assert value_of(raw) == (None, {values.DASH})
    assert kind(raw) == "value", "a dash stands where a value stands"


@pytest.mark.parametrize("raw", [
    "1.属于国家秘密", "2、重复申请", "１．属于国家秘密",  # numbered labels
    "2020年", "3个工作日内", "行政许可", "总计",
    "约100", ".5", "1.",
    "1 这是一段很长的说明文字而不是一个简短的注释",  # a long text after a number is not a note on it
])
def test_text_is_not_a_number(raw):
    assert kind(raw) == "label"
    assert value_of(raw) == (None, {values.NOT_A_NUMBER})


@pytest.mark.parametrize("raw", ["1 2", "12 345", "1,2345", "566-418", "1.2.3"])
def test_digits_that_are_not_one_number_are_a_value_cell_without_a_value(raw):
    # Two numbers in one cell: which one is the value is not ours to guess, and as a label their
    # digits would vanish; as a value cell they stay in raw_text, flagged.
    assert kind(raw) == "value"
    assert value_of(raw) == (None, {values.NOT_A_NUMBER})


def test_kind_and_parse_agree_on_every_value_cell():
    # An encoding decides by `kind` which cells are values; `parse` must then read each of them.
    cells = ["0", "1 撤诉", "12900 万元", "+801", "—", "22（其中修订16件）", "１２", "1,234", "3万"]
    for raw in cells:
        assert kind(raw) == "value"
        v = parse(raw, MONEY_ASSUMED)
        assert v.value is not None or values.DASH in v.flags, raw


def test_the_unit_is_the_columns():
    assert parse("5", COUNT).unit == "件"
    assert parse("5", MONEY_ASSUMED).unit == "元"
    assert parse("", MONEY_WAN).unit == "元"
