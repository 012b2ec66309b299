"""Exact types: money read in 万元 reaches facts and the marts in 元 to the fen, with no float noise;
counts are BIGINT."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from pipelines.incremental import HISTORY_SCHEMA
from pipelines.frames import FINDINGS_SCHEMA, facts_frame, reports_frame
from pipelines.warehouse import WAREHOUSE_STEPS, publish, query

from .test_validation import balanced, make_report

FEE = ("active", "fees", "amount")  # 2021 form: 本年收费金额（单位：万元）


def _warehouse(tmp_path, *reports):
    frame = reports_frame(reports).with_columns(pl.lit(None, dtype).alias(name) for name, dtype in HISTORY_SCHEMA.items())
    return publish(tmp_path / "w.duckdb", {"reports": frame, "facts": facts_frame(reports),
                                           "findings": pl.DataFrame(schema=FINDINGS_SCHEMA)}, WAREHOUSE_STEPS)


def test_wan_yuan_read_back_in_yuan_to_the_fen(tmp_path):
    cells = balanced("2021") | {FEE: "4166.241619"}
    this = make_report("2021", cells, agency="宜丰县人民政府", year=2021)
    last = make_report("2021", balanced("2021") | {FEE: "0.01"}, agency="宜丰县", year=2020)
    w = _warehouse(tmp_path, this, last)
    [(value,)] = query(w, "SELECT value FROM facts WHERE report_id = ? AND row_code = 'fees' AND col_code = 'amount'",
                       [this.report_id]).rows()
    assert value == Decimal("41662416.19")
    [(mart,)] = query(w, "SELECT fees_amount_yuan FROM mart_active_disclosure WHERE report_id = ?",
                      [this.report_id]).rows()
    assert isinstance(mart, Decimal) and str(mart) == "41662416.19"
    # Summed over a body's year (宜丰县 and 宜丰县人民政府 are one body), still exact.
    by_year = query(w, "SELECT body_id, year, fees_amount_yuan FROM mart_agency_year ORDER BY year")
    assert by_year["body_id"].n_unique() == 1
    assert by_year.select("year", "fees_amount_yuan").rows() == [(2020, Decimal("100.00")), (2021, Decimal("41662416.19"))]


def test_a_number_past_the_decimal_does_not_stop_the_warehouse(tmp_path):
    digits = "1" + "0" * 40
    report = make_report("2021", balanced("2021") | {("requests", "received", "natural_person"): digits})
    w = _warehouse(tmp_path, report)
    [row] = query(w, "SELECT value, raw_text FROM facts WHERE row_code = 'received' AND col_code = 'natural_person'").rows()
    assert row == (None, digits)


def test_a_fractional_count_is_no_count_in_the_marts_but_stays_in_facts(tmp_path):
    report = make_report("2021", balanced("2021") | {("requests", "received", "natural_person"): "1.5"})
    w = _warehouse(tmp_path, report)
    [(received,)] = query(w, "SELECT received FROM mart_requests WHERE col_code = 'natural_person'").rows()
    assert received is None
    [(value,)] = query(w, "SELECT value FROM facts WHERE row_code = 'received' AND col_code = 'natural_person'").rows()
    assert value == Decimal("1.5")
    types = dict(query(w, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'mart_requests'").rows())
    assert types["received"] == types["granted"] == "BIGINT" and types["disclosure_rate"] == "DOUBLE"


@pytest.mark.parametrize("written, exact", [
    ("999999999999.99", "999999999999.99"),  # 14 significant digits of 元: a double's noise, cast directly
    ("123456789012345.6", "123456789012345.6"),
    ("0.000001", "0.000001"),
    ("12345678.123456", "12345678.123456"),
    ("0.1万", "1000"),
])
def test_amounts_read_back_exactly(tmp_path, written, exact):
    money = ("active", "procurement", "amount")  # 2019 form: 元
    report = make_report("2019", balanced("2019") | {money: written})
    w = _warehouse(tmp_path, report)
    [(value,)] = query(w, "SELECT value FROM facts WHERE row_code = 'procurement' AND col_code = 'amount'").rows()
    assert value == Decimal(exact)
