"""Bodies and regions in a published warehouse: the samples and real reports placed, a body under two
spellings over two years, bodies placed by their folder or not at all, and the marts over them."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.warehouse import query

from .conftest import FIXTURES, ROOT, SAMPLES_DIR

REAL = FIXTURES / "real_world"
TAOJIANG, ZHANGSHU = "001_605866c201a9c82d.txt", "002_d99c8dcb44f53e53.txt"
PHONE = "电话:0737—8821418"  # 益阳's area code, in 001 and the copies made of it


def _retitled(sample: str, old: str, new: str, phone: bool = True) -> str:
    text = (SAMPLES_DIR / sample).read_text(encoding="utf-8")
    assert old in text and PHONE in text
    return text.replace(old, new, 1).replace(PHONE, PHONE if phone else "")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    from assets.cli import main

    root = tmp_path_factory.mktemp("bodies")
    raw = root / "raw"
    shutil.copytree(SAMPLES_DIR, raw / "samples")
    for name in ("huaian_city_2024_pdftext.txt", "shanghai_kewei_2024.md", "pingtan_2021_flattened.txt",
                 "pingtan_2022_flattened.txt", "pingtan_2018_legacy_format.txt"):
        shutil.copy(REAL / name, raw / name)
    # The same body a year later, under a longer spelling of its name.
    zhangshu = (SAMPLES_DIR / ZHANGSHU).read_text(encoding="utf-8")
    (raw / "zhangshu_2021.txt").write_text(
        zhangshu.replace("樟树市机关事务管理局2020年政府", "江西省樟树市机关事务管理局2021年政府", 1), encoding="utf-8")
    # A body whose name names no city, with no address or telephone: not placed; the same in a folder
    # of its region; the same with its telephone's area code.
    (raw / "corpus").mkdir()
    (raw / "corpus" / "test_city.txt").write_text(
        _retitled(TAOJIANG, "桃江经济开发区2020年", "测试市生态环境局2020年", phone=False), encoding="utf-8")
    (raw / "福建省" / "福州市").mkdir(parents=True)
    (raw / "福建省" / "福州市" / "finance.txt").write_text(
        _retitled(TAOJIANG, "桃江经济开发区2020年", "财政局2020年", phone=False), encoding="utf-8")
    (raw / "corpus" / "transport.txt").write_text(
        _retitled(TAOJIANG, "桃江经济开发区2020年", "交通运输局2020年"), encoding="utf-8")
    path = root / "w.duckdb"
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(path), "--ephemeral"]) == 0
    return path


def _bodies(warehouse: Path) -> dict[str, dict]:
    """dim_body by every spelling of each body's name."""
    return {v: r for r in query(warehouse, "SELECT * FROM dim_body").to_dicts() for v in r["name_variants"]}


@pytest.mark.parametrize("name, province, prefecture, county", [
    ("赣州经开区党政办公室", "江西省", "赣州市", None),
    ("桃江经济开发区", "湖南省", "益阳市", "桃江县"),
    ("樟树市机关事务管理局", "江西省", "宜春市", "樟树市"),
    ("盐城经济技术开发区管理委员会", "江苏省", "盐城市", None),
    ("宜丰县", "江西省", "宜春市", "宜丰县"),
    ("淮安市人民政府", "江苏省", "淮安市", None),
    ("上海市科委", "上海市", "上海市", None),
    ("平潭综合实验区", "福建省", "福州市", "平潭县"),
])
def test_the_samples_and_real_reports_are_placed(warehouse, name, province, prefecture, county):
    body = _bodies(warehouse)[name]
    assert (body["province"], body["prefecture"], body["county"], body["region_source"]) == (
        province, prefecture, county, "name")
    assert body["province_code"].endswith("0000") and len(body["province_code"]) == 6


def test_one_body_under_two_spellings_over_two_years(warehouse):
    body = _bodies(warehouse)["樟树市机关事务管理局"]
    assert body["name"] == "江西省樟树市机关事务管理局"  # of spellings used as often, the latest year's
    assert body["name_variants"] == ["樟树市机关事务管理局", "江西省樟树市机关事务管理局"]
    assert (body["n_reports"], body["first_year"], body["last_year"]) == (2, 2020, 2021)
    ids = query(warehouse, "SELECT DISTINCT body_id FROM reports WHERE agency LIKE '%樟树市机关事务管理局'")
    assert ids["body_id"].to_list() == [body["body_id"]]
    trend = query(warehouse, "SELECT * FROM mart_body_trend WHERE body_id = ? ORDER BY year",
                  [body["body_id"]]).to_dicts()
    assert [(t["year"], t["previous_year"], t["agency"]) for t in trend] == [
        (2020, None, "樟树市机关事务管理局"), (2021, 2020, "江西省樟树市机关事务管理局")]
    # The same numbers both years: no change. W1 pairs the two spellings' reports, but last year's
    # applicant columns are blank: not evaluable.
    assert (trend[1]["received"], trend[1]["previous_received"], trend[1]["received_change"]) == (0, 0, 0)
    assert (trend[1]["carried_over"], trend[1]["previous_carried_forward"], trend[1]["w1_holds"]) == (0, 0, None)
    w1 = query(warehouse, "SELECT f.rule FROM findings f JOIN reports r USING (report_id) WHERE r.body_id = ?",
               [body["body_id"]])["rule"].to_list()
    assert "W1_NE" in w1 and "W1" not in w1


def test_a_body_over_two_years_with_w1_beside_its_figures(warehouse):
    body = _bodies(warehouse)["平潭综合实验区"]
    [trend] = query(warehouse, "SELECT * FROM mart_body_trend WHERE body_id = ? AND year = 2022",
                    [body["body_id"]]).to_dicts()
    # 2022 received 74 against 70 in 2021; carried over 1, as 2021 carried forward.
    assert (trend["previous_year"], trend["received"], trend["previous_received"], trend["received_change"]) == (
        2021, 74, 70, 4)
    assert (trend["carried_over"], trend["previous_carried_forward"], trend["w1_holds"]) == (1, 1, True)


def test_the_example_query_of_one_body_over_the_years(warehouse):
    sql = (ROOT / "docs" / "queries" / "14_one_body_over_the_years.sql").read_text(encoding="utf-8")
    rows = query(warehouse, sql.replace("'樟树市机关事务管理局'", "'江西省樟树市机关事务管理局'")).to_dicts()
    assert [(r["year"], r["agency"], r["previous_year"], r["received_change"]) for r in rows] == [
        (2020, "樟树市机关事务管理局", None, None), (2021, "江西省樟树市机关事务管理局", 2020, 0)]


def test_a_body_the_name_does_not_place(warehouse):
    bodies = _bodies(warehouse)
    test_city = bodies["测试市生态环境局"]
    assert test_city["province_code"] is None and test_city["region_source"] is None
    [quality] = query(warehouse, "SELECT region_reason FROM mart_data_quality WHERE source_file = ?",
                      ["corpus/test_city.txt"]).rows()
    assert "测试市生态环境局" in quality[0]
    # The folder places what the name does not.
    finance = bodies["财政局"]
    assert (finance["province"], finance["prefecture"], finance["region_source"]) == ("福建省", "福州市", "path")
    # So does the telephone's area code.
    transport = bodies["交通运输局"]
    assert (transport["province"], transport["prefecture"], transport["region_source"]) == ("湖南省", "益阳市", "text")


def test_a_county_reports_address_and_area_code_are_recorded(warehouse):
    [row] = query(warehouse, "SELECT address, area_code FROM reports WHERE source_file = ?",
                  ["samples/004_a167b1e233f24ae1.txt"]).rows()
    assert row == ("宜丰县行政中心323", "0795")


def test_region_year_rolls_up_by_province_and_prefecture(warehouse):
    rows = {(r["region_level"], r["region"], r["year"]): r
            for r in query(warehouse, "SELECT * FROM mart_region_year").to_dicts()}
    jiangxi = rows[("province", "江西省", 2020)]
    # 000 (赣州), 002 (樟树), 004 (宜丰) in 2020.
    assert (jiangxi["n_reports"], jiangxi["n_bodies"], jiangxi["received"], jiangxi["total_processed"]) == (3, 3, 23, 28)
    assert jiangxi["disclosure_rate"] == pytest.approx(24 / 28)  # 4 of 5 (000) and 20 of 23 (004)
    assert (jiangxi["n_balance_evaluated"], jiangxi["balance_holds_share"]) == (1, 0)  # only 000's, which fails
    assert jiangxi["findings_by_rule"]["I1"] == 1
    yichun = rows[("prefecture", "宜春市", 2020)]
    assert (yichun["region_code"], yichun["province_code"], yichun["n_reports"]) == ("360900", "360000", 2)
    assert ("prefecture", "上海市", 2024) in rows and ("prefecture", "福州市", 2022) in rows
    # A body not placed is in no region.
    assert sum(r["n_reports"] for k, r in rows.items() if k[0] == "province") == query(
        warehouse, "SELECT count(*) AS n FROM reports r JOIN dim_body b USING (body_id) "
        "WHERE r.form_version IS NOT NULL AND r.duplicate_of IS NULL AND b.province IS NOT NULL")["n"][0]


def test_counts_are_bigint_and_money_decimal(warehouse):
    types = dict(query(warehouse, """SELECT table_name || '.' || column_name, data_type FROM duckdb_columns()
        WHERE table_name IN ('facts', 'mart_agency_year', 'mart_region_year', 'mart_active_disclosure')""").rows())
    assert types["facts.value"] == "DECIMAL(38,6)"
    assert types["mart_agency_year.received"] == types["mart_region_year.received"] == "BIGINT"
    assert types["mart_active_disclosure.procurement_amount_yuan"] == "DECIMAL(18,2)"
    assert types["mart_agency_year.fees_amount_yuan"] == "DECIMAL(18,2)"
    [(amount,)] = query(warehouse, """SELECT procurement_amount_yuan FROM mart_active_disclosure
        JOIN reports USING (report_id) WHERE source_file = 'samples/004_a167b1e233f24ae1.txt'""").rows()
    assert amount == Decimal("203680000.00")  # 20368 万元
