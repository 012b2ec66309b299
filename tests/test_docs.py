"""The documentation analysts read: the generated data dictionary is current, and every example query
answers its question on the sample warehouse (the expected answers read off the sample files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.cli import main
from pipelines.warehouse import data_dictionary, query

from .conftest import ROOT
from .test_marts import two_forms  # noqa: F401  (a fixture: a warehouse with a 2019- and a 2021-form report)

DICTIONARY = ROOT / "docs" / "data-dictionary.md"
QUERIES = ROOT / "docs" / "queries"


def test_the_committed_data_dictionary_is_up_to_date(sample_warehouse):
    assert DICTIONARY.read_text(encoding="utf-8") == data_dictionary(sample_warehouse), \
        "run `gongkai dictionary` and commit docs/data-dictionary.md"


def test_gongkai_dictionary_writes_it(sample_warehouse, tmp_path):
    out = tmp_path / "dictionary.md"
    assert main(["dictionary", "--warehouse", str(sample_warehouse), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for table in ["reports", "facts", "findings", "mart_requests", "mart_agency_year", "dim_row", "dim_col"]:
        assert f"\n### {table}\n" in text
    assert "| `refused` | BIGINT | （三）不予公开" in text
    assert "| `procurement_amount_yuan` | DECIMAL(18,2) |" in text and "| `value` | DECIMAL(38,6) |" in text
    assert "\n### dim_body\n" in text and "\n### mart_region_year\n" in text and "\n### mart_body_trend\n" in text
    assert main(["dictionary", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(out)]) == 2


def _run(warehouse: Path, name: str, replace: tuple[str, str] | None = None) -> list[dict]:
    sql = (QUERIES / name).read_text(encoding="utf-8")
    if replace:
        sql = sql.replace(*replace)
    return query(warehouse, sql).to_dicts()


def _refusals(rows):
    top = {r["row_code"]: (r["requests_refused"], r["reports_using_it"]) for r in rows}
    # 003 refused one each for a third party, internal affairs, process information, a query matter;
    # 004 two for a third party and one for internal affairs.
    assert top == {"refused_third_party": (3, 2), "refused_internal_affairs": (2, 2), "refused_process_info": (1, 1),
                   "refused_query_matter": (1, 1), "refused_state_secret": (0, 0), "refused_prohibited_by_law": (0, 0),
                   "refused_three_security_one_stability": (0, 0), "refused_enforcement_file": (0, 0)}
    assert rows[0]["row_code"] == "refused_third_party" and rows[0]["label_zh"] == "4.保护第三方合法权益"
    return True


# Each query, and what it answers on the samples. Granted or partly granted: 4 (000) + 24 (003) + 20 (004);
# processed: 5 + 38 + 23 (001 and 002 processed none).
ANSWERS = {
    "01_disclosure_rate_by_year.sql": lambda rows: rows == [
        {"year": 2020, "reports": 5, "reports_left_out": 0, "granted_or_partly": 48, "processed": 66,
         "disclosure_rate": round(48 / 66, 3)}],
    "02_refusal_reasons.sql": _refusals,
    # 000: its total column received 0 and carried over 0, but processed 5 (I1 fails in that column only).
    "03_balance_failures.sql": lambda rows: [(r["agency"], r["columns_failing"], r["received"], r["carried_over"],
                                              r["total_processed"], r["carried_forward"], r["difference"])
                                             for r in rows] == [("赣州经开区党政办公室", 1, 0, 0, 5, 0, -5)],
    "04_requests_year_over_year.sql": lambda rows: [(r["year"], r["received"], r["received_last_year"]) for r in rows]
    == [(2020, 38, None)],
    # Every sample has a finding; errors: 000 (I1, I3) and 003 (T4: its lawsuits after review total 1 of 0).
    "05_share_of_reports_with_findings.sql": lambda rows: [(r["reports"], r["with_findings"], r["with_errors"])
                                                           for r in rows] == [(5, 5, 2)],
    # Natural persons: 5 + 0 + 38 + 23 (001 leaves the column blank); nobody else asked.
    "06_who_asks.sql": lambda rows: [(r["col_code"], r["received"], r["reports_giving_it"]) for r in rows][:2]
    == [("natural_person", 66, 4), ("commercial", 0, 4)] and rows[0]["share"] == 1,
    # 003's two lawsuits: one concluded (other outcome), one pending; no review anywhere.
    "07_appeal_correction_rates.sql": lambda rows: [(r["reviews"], r["review_correction_rate"], r["lawsuits"],
                                                     r["litigation_correction_rate"]) for r in rows] == [(0, None, 2, 0)],
    "08_information_not_held.sql": lambda rows: [(r["agency"], r["unable_not_held"], r["total_processed"])
                                                 for r in rows]
    == [("盐城经济技术开发区管理委员会", 10, 38), ("赣州经开区党政办公室", 1, 5), ("宜丰县", 0, 23)],
    # 20368万元, 12900万元, 3000644.004元, 104150元, 0.
    "09_money.sql": lambda rows: [(r["agency"], r["procurement_wan_yuan"]) for r in rows] == [
        ("宜丰县", 20368), ("盐城经济技术开发区管理委员会", 12900), ("樟树市机关事务管理局", 300.06),
        ("桃江经济开发区", 10.42), ("赣州经开区党政办公室", 0)],
    # cell_per_line: 000, 002, 004 (0 + 105 + 125 cells without a value); pipe_cells 001; tab_rows 003.
    "10_quality_by_table_encoding.sql": lambda rows: [(r["table_encoding"], r["reports"], r["cells_without_value"])
                                                      for r in rows]
    == [("cell_per_line", 3, 230), ("pipe_cells", 1, 132), ("tab_rows", 1, 1)],
    # 003's line 53: 38 from natural persons, 38 in all.
    "11_trace_a_number.sql": lambda rows: [(r["col_code"], r["raw_text"]) for r in rows][::6]
    == [("natural_person", "38"), ("total", "38")] and len({r["source_line"] for r in rows}) == 1,
    # 江西: 000, 002, 004 (granted 4 + 20 of 5 + 23 processed); 江苏: 003 (24 of 38); 湖南: 001 processed none.
    "12_disclosure_rate_by_province.sql": lambda rows: [(r["province"], r["n_reports"], r["disclosure_rate"])
                                                        for r in rows]
    == [("江西省", 3, round(24 / 28, 3)), ("江苏省", 1, round(24 / 38, 3)), ("湖南省", 1, None)],
    # The balance can be evaluated in 000 (赣州, fails) and 003 (盐城, holds) only.
    "13_prefectures_failing_balance.sql": lambda rows: [(r["prefecture"], r["evaluable"], r["failing"])
                                                        for r in rows] == [("赣州市", 1, 1), ("盐城市", 1, 0)],
    "14_one_body_over_the_years.sql": lambda rows: [(r["year"], r["agency"], r["received"], r["previous_year"])
                                                    for r in rows] == [(2020, "樟树市机关事务管理局", 0, None)],
}


def test_every_example_query_has_its_answer():
    assert sorted(p.name for p in QUERIES.glob("*.sql")) == sorted(ANSWERS)
    for path in QUERIES.glob("*.sql"):
        head = path.read_text(encoding="utf-8").splitlines()[0]
        assert head.startswith("-- ") and " · " in head, f"{path.name} opens with its question in 中文 · English"


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_example_query_answers_on_the_samples(sample_warehouse, name):
    rows = _run(sample_warehouse, name)
    assert rows and ANSWERS[name](rows), rows


def test_year_over_year_on_two_years(two_forms):  # noqa: F811
    rows = _run(two_forms, "04_requests_year_over_year.sql", ("盐城经济技术开发区管理委员会", "某县"))
    assert [(r["year"], r["received"], r["received_last_year"], r["change"], r["change_rate"]) for r in rows] == [
        (2020, 2, None, None, None), (2021, 1, 2, -1, -0.5)]


def test_readme_tells_analysts_to_open_the_warehouse_read_only():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "duckdb -readonly data/warehouse.duckdb" in readme and "read_only=True" in readme
    assert "docs/data-dictionary.md" in readme and "docs/queries/" in readme
