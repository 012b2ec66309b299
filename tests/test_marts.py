"""The marts and the code tables: values read off the sample files by hand, a 2021-form report, the
schemas that guard them, and the comments that document them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from pipelines.frames import FACTS_SCHEMA, FINDINGS_SCHEMA
from pipelines.incremental import PARTITION_REPORTS_SCHEMA
from pipelines.validate import schema_failures
from pipelines.warehouse import ALL_TABLES, WAREHOUSE_STEPS, publish, query
from schemas.forms import FORMS
from schemas.marts import SCHEMAS

from .expected_samples import REFUSED, RESULT_ROWS

# The samples by file, as the reports name them.
GANZHOU, TAOJIANG, ZHANGSHU, YANCHENG, YIFENG = (
    "000_4a5927c6b61291aa.txt", "001_605866c201a9c82d.txt", "002_d99c8dcb44f53e53.txt",
    "003_f38378f0edcefb48.txt", "004_a167b1e233f24ae1.txt")


def _rows(warehouse, table: str, where: str = "TRUE", params: list | None = None) -> list[dict]:
    frame = query(warehouse, f"SELECT m.* FROM {table} m JOIN reports r USING (report_id) "
                             f"WHERE r.superseded_by IS NULL AND {where} ORDER BY ALL", params)
    return frame.to_dicts()


def _requests(warehouse, source_file: str, col: str) -> dict:
    [row] = _rows(warehouse, "mart_requests", "r.source_file = ? AND m.col_code = ?", [source_file, col])
    return row


# --- mart_requests ----------------------------------------------------------------------------------

def test_requests_total_column_of_yancheng_by_hand(sample_warehouse):
    # 003: 三 received 38, carried over 1; granted 10, partly 14; refused 4.保护第三方, 5.内部事务,
    # 6.过程性信息, 8.行政查询 one each; not held 10; total 38; carried forward 1.
    row = _requests(sample_warehouse, YANCHENG, "total")
    assert {k: row[k] for k in ["received", "carried_over", "granted", "partly_granted", "refused", "unable",
                                "not_processed", "other", "total_processed", "carried_forward"]} == {
        "received": 38, "carried_over": 1, "granted": 10, "partly_granted": 14, "refused": 4, "unable": 10,
        "not_processed": 0, "other": 0, "total_processed": 38, "carried_forward": 1}
    assert [row[r] for r in REFUSED] == [0, 0, 0, 1, 1, 1, 0, 1]
    assert row["disclosure_rate"] == pytest.approx(24 / 38)
    assert row["n_missing"] == 0


def test_requests_of_yifeng_and_ganzhou_by_hand(sample_warehouse):
    # 004: received 23, granted 20, refused 2 (third party) + 1 (internal affairs), total 23.
    row = _requests(sample_warehouse, YIFENG, "total")
    assert (row["received"], row["granted"], row["refused"], row["total_processed"]) == (23, 20, 3, 23)
    assert row["disclosure_rate"] == pytest.approx(20 / 23)
    # 000: the total column says 0 received though natural persons sent 5; it granted 4 and did not hold 1.
    row = _requests(sample_warehouse, GANZHOU, "total")
    assert (row["received"], row["granted"], row["unable"], row["total_processed"]) == (0, 4, 1, 5)
    assert row["disclosure_rate"] == pytest.approx(0.8)
    assert _requests(sample_warehouse, GANZHOU, "natural_person")["received"] == 5


def test_a_blank_cell_leaves_its_sums_and_rates_null(sample_warehouse):
    # 003: 本机关不掌握 has no commercial cell, the other two 无法提供 rows are 0: the group is unknown.
    row = _requests(sample_warehouse, YANCHENG, "commercial")
    assert row["unable_not_held"] is None and row["unable_needs_creation"] == 0 and row["unable"] is None
    assert row["refused"] == 0 and row["n_missing"] == 1
    # 004: the result rows give only the total: natural persons' outcomes are all unknown, not 0.
    row = _requests(sample_warehouse, YIFENG, "natural_person")
    assert row["received"] == 23 and row["carried_forward"] == 0
    assert row["granted"] is None and row["refused"] is None and row["disclosure_rate"] is None
    assert row["n_missing"] == len(RESULT_ROWS)
    # 001: processed 0 in total: no rate rather than a division by zero.
    row = _requests(sample_warehouse, TAOJIANG, "total")
    assert row["total_processed"] == 0 and row["disclosure_rate"] is None


def test_requests_mart_has_one_row_per_report_and_applicant_column(sample_warehouse):
    frame = query(sample_warehouse, "SELECT report_id, col_code FROM mart_requests")
    columns = [c.code for c in FORMS["2019"].section("requests").columns]
    assert frame.height == 5 * len(columns)
    assert frame.group_by("report_id").agg(pl.col("col_code"))["col_code"].to_list() == [columns] * 5


def test_single_row_columns_are_the_facts(sample_warehouse):
    """Every mart_requests column of one form row holds exactly the cell of facts, NULL for NULL."""
    rows = [r.code for r in FORMS["2019"].section("requests").rows if r.code != "other"]
    cells = query(sample_warehouse, f"""
        WITH m AS (SELECT report_id, col_code, {", ".join(rows)} FROM mart_requests)
        SELECT * FROM m UNPIVOT INCLUDE NULLS (mart_value FOR row_code IN ({", ".join(rows)})) u""")
    assert cells.height == 5 * 7 * len(rows)
    mismatches = query(sample_warehouse, f"""
        WITH m AS (SELECT report_id, col_code, {", ".join(rows)} FROM mart_requests)
        SELECT * FROM m UNPIVOT INCLUDE NULLS (mart_value FOR row_code IN ({", ".join(rows)})) u
        ANTI JOIN (SELECT * FROM facts WHERE section = 'requests') f
        ON f.report_id = u.report_id AND f.row_code = u.row_code AND f.col_code = u.col_code
           AND f.value IS NOT DISTINCT FROM u.mart_value""")
    assert mismatches.is_empty()


# --- mart_appeals, mart_active_disclosure -----------------------------------------------------------

def test_appeals_of_yancheng_by_hand(sample_warehouse):
    # 003: 四 reads 0 0 0 0 0 | 0 0 1 0 1 | 0 0 0 0 1.
    [row] = _rows(sample_warehouse, "mart_appeals", "r.source_file = ?", [YANCHENG])
    assert (row["review_total"], row["suit_direct_other"], row["suit_direct_total"], row["suit_after_review_total"]) \
        == (0, 1, 1, 1)
    assert (row["litigation_upheld"], row["litigation_corrected"], row["litigation_other"], row["litigation_pending"],
            row["litigation_total"]) == (0, 0, 1, 0, 2)
    assert row["litigation_correction_rate"] == 0  # none corrected of the one concluded
    assert row["review_correction_rate"] is None  # no review concluded


def test_active_disclosure_by_hand(sample_warehouse):
    by_file = {r["source_file"]: r for r in query(sample_warehouse, """
        SELECT r.source_file, m.* FROM mart_active_disclosure m JOIN reports r USING (report_id)""").to_dicts()}
    row = by_file[YANCHENG]
    assert (row["licensing_prev_count"], row["licensing_change"], row["licensing_decisions"]) == (4420, 801, 11488)
    assert (row["coercion_change"], row["fees_prev_count"], row["procurement_projects"]) == (-7, 2, 121)
    assert row["procurement_amount_yuan"] == 129_000_000  # 12900 万元
    assert (by_file[YIFENG]["licensing_change"], by_file[YIFENG]["penalty_change"]) == (-418, -2003)
    assert by_file[YIFENG]["procurement_amount_yuan"] == 203_680_000  # 20368 万元
    assert by_file[TAOJIANG]["procurement_amount_yuan"] == 104150  # 104150元
    # 3000644.004元: 元 to the fen in the mart, exactly as written in facts.
    assert by_file[ZHANGSHU]["procurement_amount_yuan"] == Decimal("3000644.00")
    [(exact,)] = query(sample_warehouse, """SELECT f.value FROM facts f JOIN reports r USING (report_id)
        WHERE r.source_file = ? AND f.row_code = 'procurement' AND f.col_code = 'amount'""", [ZHANGSHU]).rows()
    assert exact == Decimal("3000644.004")
    # The 2021 form's cells are not in a 2019-form report.
    assert all(r["rules_issued"] is None and r["fees_amount_yuan"] is None for r in by_file.values())


# --- mart_data_quality, mart_agency_year ------------------------------------------------------------

def test_data_quality_by_hand(sample_warehouse):
    rows = {r["source_file"]: r for r in query(sample_warehouse, "SELECT * FROM mart_data_quality").to_dicts()}
    assert set(rows) == {GANZHOU, TAOJIANG, ZHANGSHU, YANCHENG, YIFENG}
    assert {f: r["n_cells"] for f, r in rows.items()} == dict.fromkeys(rows, 198)
    # Cells without a value, counted in expected_samples: 001 the six applicant columns of 22 rows,
    # 002 five columns of 21 rows, 003 one cell, 004 natural persons' 20 result rows + five columns of 21.
    assert {f: r["n_missing"] for f, r in rows.items()} == {
        GANZHOU: 0, TAOJIANG: 6 * 22, ZHANGSHU: 5 * 21, YANCHENG: 1, YIFENG: 20 + 5 * 21}
    # 勾稽: broken in 000 (0 + 0 ≠ 5 in the total column), holds in 003, not evaluable where cells are blank.
    assert {f: r["balance_holds"] for f, r in rows.items()} == {
        GANZHOU: False, TAOJIANG: None, ZHANGSHU: None, YANCHENG: True, YIFENG: None}
    assert rows[GANZHOU]["findings_by_rule"]["I1"] == 1


def test_data_quality_counts_agree_with_facts_and_findings(sample_warehouse):
    by_rule = query(sample_warehouse, """
        SELECT r.source_file, f.rule, count(*) AS n FROM findings f JOIN reports r USING (report_id)
        WHERE r.superseded_by IS NULL GROUP BY ALL""")
    by_flag = query(sample_warehouse, """
        SELECT r.source_file, flag, count(*) AS n
        FROM (SELECT report_id, unnest(flags) AS flag FROM facts) JOIN reports r USING (report_id)
        WHERE r.superseded_by IS NULL GROUP BY ALL""")
    for row in query(sample_warehouse, "SELECT * FROM mart_data_quality").to_dicts():
        mine = by_rule.filter(pl.col("source_file") == row["source_file"])
        assert row["findings_by_rule"] == dict(mine.select("rule", "n").rows())
        assert row["n_findings"] == mine["n"].sum()
        flags = by_flag.filter(pl.col("source_file") == row["source_file"])
        assert row["cells_by_flag"] == dict(flags.select("flag", "n").rows())


def test_agency_year_by_hand(sample_warehouse):
    rows = {r["agency"]: r for r in query(sample_warehouse, "SELECT * FROM mart_agency_year").to_dicts()}
    assert len(rows) == 5 and {r["year"] for r in rows.values()} == {2020}
    row = rows["宜丰县"]
    assert (row["n_reports"], row["received"], row["granted"], row["total_processed"]) == (1, 23, 20, 23)
    assert row["disclosure_rate"] == pytest.approx(20 / 23)
    assert (row["licensing_decisions"], row["penalty_decisions"], row["coercion_decisions"]) == (10949, 2396, 170)
    assert row["balance_holds"] is None
    assert rows["赣州经开区党政办公室"]["balance_holds"] is False
    yancheng = rows["盐城经济技术开发区管理委员会"]
    assert yancheng["balance_holds"] is True and yancheng["litigation_total"] == 2


# --- a 2021-form report, beside a 2019-form one -----------------------------------------------------

def _report_rows(report_id: str, version: str, agency: str, year: int) -> dict:
    row = dict.fromkeys(PARTITION_REPORTS_SCHEMA) | {
        "report_id": report_id, "source_file": f"{report_id}.txt", "sha256": report_id * 4, "size_bytes": 1,
        "agency": agency, "year": year, "published": date(year + 1, 1, 20), "form_version": version,
        "status": "parsed", "n_cells": 0, "n_findings": 0}
    return row | {"previous_source_files": []}


def _cells(report_id: str, version: str, value) -> list[dict]:
    return [{"report_id": report_id, "section": s, "row_code": r, "col_code": c, "value": value(s, r, c),
             "unit": FORMS[version].section(s).column(c).unit, "raw_text": "x", "source_line": 1, "flags": [],
             "table_encoding": "tab_rows"} for s, r, c in FORMS[version].cells()]


@pytest.fixture(scope="module")
def two_forms(tmp_path_factory):
    """A 2021-form report whose every cell is 1 (the fee, 2.5 万元, is 25000 元) and a 2019-form report
    whose every cell is 2, by the same body a year apart."""
    reports = pl.DataFrame([_report_rows("a" * 16, "2021", "某县", 2021), _report_rows("b" * 16, "2019", "某县", 2020)],
                           schema=PARTITION_REPORTS_SCHEMA)
    fee = lambda s, r, c: 25000.0 if (r, c) == ("fees", "amount") else 1.0  # noqa: E731
    facts = pl.DataFrame(_cells("a" * 16, "2021", fee) + _cells("b" * 16, "2019", lambda *_: 2.0), schema=FACTS_SCHEMA)
    findings = pl.DataFrame(schema=FINDINGS_SCHEMA)
    path = publish(tmp_path_factory.mktemp("two_forms") / "w.duckdb",
                   {"reports": reports, "facts": facts, "findings": findings}, WAREHOUSE_STEPS)
    return path


def test_a_2021_report_fills_the_2021_columns(two_forms):
    req = {r["form_version"]: r for r in query(two_forms, "SELECT * FROM mart_requests WHERE col_code = 'total'").to_dicts()}
    # 2021: （六）其他处理 is three rows of 1; 2019: one row of 2.
    assert (req["2021"]["other_no_correction"], req["2021"]["other"]) == (1, 3)
    assert (req["2019"]["other_no_correction"], req["2019"]["other"]) == (None, 2)
    assert (req["2021"]["refused"], req["2019"]["refused"]) == (8, 16)
    assert req["2021"]["disclosure_rate"] == 2  # every row 1: granted + partly over a total of 1
    act = {r["form_version"]: r for r in query(two_forms, "SELECT * FROM mart_active_disclosure").to_dicts()}
    assert (act["2021"]["rules_issued"], act["2021"]["fees_amount_yuan"], act["2021"]["licensing_decisions"]) == (1, 25000, 1)
    assert (act["2021"]["rules_new_made"], act["2021"]["procurement_amount_yuan"]) == (None, None)
    assert (act["2019"]["rules_new_made"], act["2019"]["fees_amount_yuan"], act["2019"]["licensing_decisions"]) == (2, None, 2)
    years = query(two_forms, "SELECT year, form_versions, licensing_decisions FROM mart_agency_year ORDER BY year").rows()
    assert years == [(2020, ["2019"], 2), (2021, ["2021"], 1)]


def test_the_marts_of_both_forms_conform_to_their_schemas(two_forms):
    for table, schema in SCHEMAS.items():
        assert schema_failures(schema, query(two_forms, f"SELECT * FROM {table}")) is None, table


# --- the schemas catch what would be our fault --------------------------------------------------------

def test_the_samples_conform_to_the_mart_schemas(sample_warehouse):
    for table, schema in SCHEMAS.items():
        assert schema_failures(schema, query(sample_warehouse, f"SELECT * FROM {table}")) is None, table


@pytest.mark.parametrize("table, breakage", [
    ("mart_requests", pl.when(pl.col("refused").is_not_null()).then(pl.col("refused") + 1).alias("refused")),
    ("mart_requests", (pl.col("disclosure_rate") * 2).alias("disclosure_rate")),
    ("mart_requests", pl.lit(None, pl.String).alias("col_code")),
    ("mart_appeals", (pl.col("litigation_total") + 1).alias("litigation_total")),
    ("mart_active_disclosure", pl.lit(1.0).alias("rules_issued")),
    ("mart_data_quality", (pl.col("n_values") + 1).alias("n_values")),
    ("mart_agency_year", pl.lit(3, pl.Int64).alias("n_reports")),
    ("dim_row", pl.lit(["2030"]).alias("form_versions")),
    # Exact types: a count is a BIGINT, money DECIMAL(18, 2).
    ("mart_agency_year", pl.col("received").cast(pl.Float64)),
    ("mart_requests", pl.col("received").cast(pl.Float64)),
    ("mart_active_disclosure", pl.col("procurement_amount_yuan").cast(pl.Float64)),
    ("mart_active_disclosure", pl.col("procurement_amount_yuan").cast(pl.Decimal(38, 6))),
    ("mart_region_year", pl.col("n_bodies") + 5),
    ("mart_body_trend", (pl.col("received") + 1).alias("received_change")),
    ("dim_body", pl.lit("999999").alias("county_code")),
    ("dim_body", pl.lit(None, pl.String).alias("region_source")),
])
def test_a_broken_mart_fails_its_schema(sample_warehouse, table, breakage):
    frame = query(sample_warehouse, f"SELECT * FROM {table}")
    assert schema_failures(SCHEMAS[table], frame.with_columns(breakage)) is not None


def test_a_row_given_twice_fails_the_schema(sample_warehouse):
    frame = query(sample_warehouse, "SELECT * FROM mart_requests")
    assert schema_failures(SCHEMAS["mart_requests"], pl.concat([frame, frame.head(1)])) is not None


# --- the code tables and the comments ---------------------------------------------------------------

def test_code_tables_hold_every_code_of_the_forms(sample_warehouse):
    dim_row = query(sample_warehouse, "SELECT * FROM dim_row")
    dim_col = query(sample_warehouse, "SELECT * FROM dim_col")
    for form in FORMS.values():
        for section in form.sections:
            for row in section.rows:
                [got] = dim_row.filter(section=section.code, row_code=row.code).to_dicts()
                assert form.code in got["form_versions"] and row.label_zh in got["label_zh"].split(" / ")
            for col in section.columns:
                [got] = dim_col.filter(section=section.code, col_code=col.code).to_dicts()
                assert form.code in got["form_versions"] and col.label_en in got["label_en"].split(" / ")
    groups = dict(dim_row.filter(section="requests").select("row_code", "group_code").rows())
    assert {r for r, g in groups.items() if g == "refused"} == set(REFUSED)
    # The 2019 form's single row （六）其他处理 is the group the 2021 form splits in three.
    assert groups["other"] == groups["other_misc"] == "other"
    assert dim_row.filter("is_total")["row_code"].to_list() == ["total_processed"]
    assert set(dim_col.filter("is_total")["section"]) == {"requests", "appeals"}
    assert dim_col.filter(section="active", col_code="amount")["unit"].to_list() == ["元"]


def test_every_table_and_column_has_a_chinese_and_english_comment(sample_warehouse):
    cjk, latin = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{2,}")
    tables = query(sample_warehouse, "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'")
    assert set(tables["table_name"]) == set(ALL_TABLES)
    columns = query(sample_warehouse, """SELECT table_name, column_name, comment FROM duckdb_columns()
                                         WHERE NOT internal AND schema_name = 'main'""")
    assert set(columns["table_name"]) == set(ALL_TABLES)
    for name, comment in [*tables.rows(), *((f"{t}.{c}", comment) for t, c, comment in columns.rows())]:
        assert comment and cjk.search(comment) and latin.search(comment), name
