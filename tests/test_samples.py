"""Every cell of every bundled sample, against values read off the files by eye."""

from __future__ import annotations

import pytest

from pipelines.report import parse_report
from schemas.forms import FORMS

from .conftest import SAMPLES_DIR
from .expected_samples import SAMPLES


def _parse(name: str):
    return parse_report((SAMPLES_DIR / name).read_bytes(), name)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_cell_of_the_sample(name):
    report = _parse(name)
    assert report.status == "parsed", report.status_reason
    assert report.form_version == "2019"
    got = {(c.section, c.row_code, c.col_code): c for c in report.cells}
    assert set(got) == set(FORMS["2019"].cells()), "one fact per cell of the form, no more, no less"
    section_of = {}
    for (section, row), expected in SAMPLES[name].items():
        columns = FORMS["2019"].section(section).columns_of(row)
        assert len(columns) == len(expected), (section, row)
        for col, want in zip(columns, expected):
            cell = got[(section, row, col)]
            section_of[(section, row, col)] = cell
            value = None if cell.value is None else float(cell.value)
            assert value == (None if want is None else float(want)), (section, row, col, cell.raw_text, cell.source_line)
    assert len(section_of) == len(got), "the expectations cover every cell"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_value_keeps_its_source(name):
    report = _parse(name)
    lines = (SAMPLES_DIR / name).read_text(encoding="utf-8").split("\n")
    for cell in report.cells:
        if cell.value is not None:
            assert cell.raw_text and cell.source_line
            # The raw text is on the line it claims (wrapped cells start there).
            assert cell.raw_text.split()[0] in lines[cell.source_line - 1], (cell, lines[cell.source_line - 1])


def test_money_is_in_yuan_and_flagged():
    cells = {(c.row_code, c.col_code): c for c in _parse("003_f38378f0edcefb48.txt").cells}
    amount = cells[("procurement", "amount")]
    assert amount.raw_text == "12900 万元" and float(amount.value) == 129_000_000 and amount.unit == "元"
    assert "unit_converted" in amount.flags
    bare = {(c.row_code, c.col_code): c for c in _parse("002_d99c8dcb44f53e53.txt").cells}[("procurement", "amount")]
    assert "assumed_unit" in bare.flags and bare.unit == "元"


def test_signed_changes_are_kept_with_their_sign():
    cells = {(c.row_code, c.col_code): c for c in _parse("004_a167b1e233f24ae1.txt").cells}
    assert float(cells[("licensing", "change")].value) == -418
    assert "negative" not in cells[("licensing", "change")].flags
    plus = {(c.row_code, c.col_code): c for c in _parse("003_f38378f0edcefb48.txt").cells}[("licensing", "change")]
    assert plus.raw_text == "+801" and float(plus.value) == 801


def test_annotation_keeps_the_number_and_the_text():
    cells = {(c.section, c.row_code, c.col_code): c for c in _parse("003_f38378f0edcefb48.txt").cells}
    cell = cells[("appeals", "suit_direct", "other")]
    assert cell.raw_text == "1 撤诉" and float(cell.value) == 1 and "annotation" in cell.flags


def test_merged_cells_are_placed_only_where_justified():
    report = _parse("002_d99c8dcb44f53e53.txt")
    cells = {(c.row_code, c.col_code): c for c in report.cells if c.section == "requests"}
    assert "inferred_column" in cells[("granted", "natural_person")].flags
    assert "inferred_column" in cells[("granted", "total")].flags
    assert cells[("granted", "research")].value is None
    assert "not_in_source" in cells[("granted", "research")].flags
    unplaced = [f for f in report.findings if f.rule == "P1" and f.row_code == "granted"]
    assert [f.raw_text for f in unplaced] == ["0", "0", "0"], "the three middle cells are reported, not moved"


def test_blank_cell_is_null_not_zero():
    cells = {(c.row_code, c.col_code): c for c in _parse("003_f38378f0edcefb48.txt").cells}
    blank = cells[("unable_not_held", "commercial")]
    assert blank.value is None and blank.raw_text == "" and "blank" in blank.flags


def test_metadata_of_the_samples():
    got = {name: _parse(name) for name in SAMPLES}
    assert got["000_4a5927c6b61291aa.txt"].agency == "赣州经开区党政办公室"
    assert got["001_605866c201a9c82d.txt"].agency == "桃江经济开发区"
    assert got["002_d99c8dcb44f53e53.txt"].agency == "樟树市机关事务管理局"
    assert got["003_f38378f0edcefb48.txt"].agency == "盐城经济技术开发区管理委员会"
    assert got["004_a167b1e233f24ae1.txt"].agency == "宜丰县"
    assert {r.year for r in got.values()} == {2020}
    assert got["003_f38378f0edcefb48.txt"].published == "2021-01-25"
    assert {r.table_encoding for r in got.values()} == {"cell_per_line", "pipe_cells", "tab_rows"}
