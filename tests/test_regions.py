"""Placing bodies in province → prefecture → county (GB/T 2260 codes) from their names, the address
their reports give and the raw folder path."""

import pytest

from pipelines import regions
from pipelines.corpus import DEPARTMENTS

# The samples and the real reports: name as titled → (province, prefecture, county).
PLACEMENTS = {
    "赣州经开区党政办公室": ("江西省", "赣州市", None),
    "赣州经开区": ("江西省", "赣州市", None),
    "桃江经济开发区": ("湖南省", "益阳市", "桃江县"),
    "樟树市机关事务管理局": ("江西省", "宜春市", "樟树市"),
    "盐城经济技术开发区管理委员会": ("江苏省", "盐城市", None),
    "宜丰县": ("江西省", "宜春市", "宜丰县"),
    "淮安市人民政府": ("江苏省", "淮安市", None),
    "上海市科学技术委员会": ("上海市", "上海市", None),
    "上海市科委": ("上海市", "上海市", None),
    "平潭综合实验区": ("福建省", "福州市", "平潭县"),
    "平潭综合实验区管委会办公室": ("福建省", "福州市", "平潭县"),
}


@pytest.mark.parametrize("name", PLACEMENTS)
def test_the_bodies_of_the_samples_and_real_reports_are_placed_by_their_names(name):
    p = regions.from_name(name)
    assert (p.province, p.prefecture, p.county) == PLACEMENTS[name]
    assert p.source == regions.FROM_NAME and p.reason is None


def test_codes_are_six_digit_gb2260_codes_of_each_level():
    p = regions.from_name("樟树市机关事务管理局")
    assert (p.province_code, p.prefecture_code, p.county_code) == ("360000", "360900", "360982")
    municipality = regions.from_name("上海市科学技术委员会")
    # A municipality is its own prefecture.
    assert municipality.province_code == municipality.prefecture_code == "310000"
    assert regions.from_name("重庆市万州区人民政府").county_code == "500101"
    # A county-level city under its province directly has no prefecture.
    direct = regions.from_name("仙桃市财政局")
    assert (direct.province, direct.prefecture, direct.county) == ("湖北省", None, "仙桃市")


@pytest.mark.parametrize("name", ["市生态环境局", "测试市生态环境局", "测试市测试区财政局", "公安局", "城区人民政府"])
def test_a_name_that_names_no_division_is_not_placed(name):
    p = regions.from_name(name)
    assert not p.placed and p.code is None
    assert p.reason


def test_a_county_name_of_two_provinces_stays_null_with_the_reason():
    p = regions.from_name("通州区财政局")
    assert not p.placed
    assert "北京市通州区" in p.reason and "江苏省南通市通州区" in p.reason
    # Named with its city, it is placed.
    assert regions.from_name("南通市通州区财政局").county_code == "320612"


def test_a_name_two_divisions_of_one_province_share_is_placed_as_far_as_they_agree():
    # 西湖区: Hangzhou's and Nanchang's; with its province named, only one remains.
    assert regions.from_name("江西省南昌市西湖区教育局").county == "西湖区"
    assert regions.from_name("江西省南昌市西湖区教育局").prefecture == "南昌市"


def test_a_district_the_city_does_not_have_stops_the_chain_at_the_city():
    p = regions.from_name("赣州市东湖区财政局")  # 东湖区 is Nanchang's
    assert (p.province, p.prefecture, p.county) == ("江西省", "赣州市", None)
    assert "东湖区" in p.reason


def test_a_division_since_merged_is_placed_as_far_as_its_name_still_holds():
    p = regions.from_name("三明市梅列区人民政府")  # merged into 三元区 in 2021
    assert (p.province, p.prefecture, p.county) == ("福建省", "三明市", None)


def test_zones_are_placed_in_their_host():
    assert regions.from_name("苏州工业园区管委会").prefecture == "苏州市"
    assert regions.from_name("雄安新区管理委员会").prefecture == "保定市"
    assert regions.from_name("湖南桃江经济开发区管理委员会").county == "桃江县"
    for zone in regions.ZONES:  # every host is a division of the table
        assert zone.host in regions.table().divisions


def test_a_name_is_placed_by_the_first_division_it_names():
    p = regions.from_name("国家税务总局宜丰县税务局")
    assert (p.county, p.source) == ("宜丰县", regions.FROM_NAME)
    assert regions.from_name("中共樟树市委办公室").county == "樟树市"


@pytest.mark.parametrize("name, short", [
    ("宜丰县", "宜丰"), ("樟树市", "樟树"), ("赣州市", "赣州"), ("广西壮族自治区", "广西"), ("内蒙古自治区", "内蒙古"),
    ("新疆维吾尔自治区", "新疆"), ("延边朝鲜族自治州", "延边"), ("黔东南苗族侗族自治州", "黔东南"),
    ("巴音郭楞蒙古自治州", "巴音郭楞"), ("石柱土家族自治县", "石柱"), ("白沙黎族自治县", "白沙"), ("城区", None),
])
def test_short_forms(name, short):
    assert regions.short_form(name) == short


def test_a_provinces_short_form_names_it():
    assert regions.from_name("江西财政厅").province == "江西省"
    assert regions.from_name("广西壮族自治区财政厅").province_code == regions.from_name("广西财政厅").province_code == "450000"
    # 吉林 is 吉林省 and 吉林市, which lies in it: the province.
    jilin = regions.from_name("吉林财政厅")
    assert (jilin.province, jilin.prefecture) == ("吉林省", None) and jilin.reason


def test_department_words_are_not_read_as_divisions():
    # 公安局 is not 公安县, 自然资源局 not 资源县: a short form counts only before a name or a zone.
    for department in DEPARTMENTS:
        assert regions.chain(department) is None, department
        assert not regions.from_text("联系地址：" + department).placed


def test_the_address_places_a_body_its_name_does_not():
    text = "如对本报告有任何疑问，请与宜丰县人民政府办公室联系（地址：宜丰县行政中心323，电话：0795-2991000）。"
    assert regions.address(text) == "宜丰县行政中心323"
    p = regions.place("市生态环境局", regions.address(text), None)
    assert (p.county, p.source) == ("宜丰县", regions.FROM_TEXT)


def test_the_telephone_area_code_places_a_body_after_its_address():
    assert regions.area_code("如有疑问请联系。电话:0737—8821418。") == "0737"
    assert regions.area_code("联系电话（0795）2991000") == "0795"
    assert regions.area_code("电话：7333735") is None  # a local number names no area
    p = regions.place("生态环境局", None, None, "0795")
    assert (p.province, p.prefecture, p.county, p.source) == ("江西省", "宜春市", None, regions.FROM_TEXT)
    # The address, when it places the body, comes first; the folder after.
    assert regions.place("生态环境局", "宜丰县行政中心", None, "0795").county == "宜丰县"
    assert regions.place("生态环境局", None, "福建省/福州市/x.txt", "0795").prefecture == "宜春市"
    # A code a whole province shares places only the province; every code of the table places something.
    hainan = regions.place("生态环境局", None, None, "0898")
    assert (hainan.province, hainan.prefecture) == ("海南省", None)
    assert len(regions.area_code_divisions()) >= 320 and regions.from_area_code("0565") == regions.UNPLACED


def test_contact_details_are_read_where_a_report_opens_or_closes():
    middle = "正文。" * 3000
    assert regions.address("地址：宜丰县行政中心，" + middle) == "宜丰县行政中心"
    assert regions.area_code(middle + "电话：0795-2991000") == "0795"
    assert regions.address(middle + "地址：宜丰县行政中心" + middle) is None  # a street named in the body of the text


def test_the_raw_folder_path_places_a_body_last():
    p = regions.place("财政局", None, "福建省/福州市/财政局2020年报.txt")
    assert (p.province, p.prefecture, p.source) == ("福建省", "福州市", regions.FROM_PATH)
    # The name decides before the path; the file's own name is not read.
    assert regions.place("宜丰县", None, "福建省/福州市/x.txt").source == regions.FROM_NAME
    assert not regions.place("财政局", None, "宜丰县财政局.txt").placed


def test_a_name_that_places_the_body_is_not_overridden_by_its_address():
    # A provincial department sits in a city, but is the province's.
    p = regions.place("江西省某某局", "宜春市宜阳大道1号", None)
    assert (p.province, p.prefecture, p.source) == ("江西省", None, regions.FROM_NAME)


def test_the_address_decides_where_the_name_is_ambiguous():
    p = regions.place("西湖区教育局", "南昌市红谷滩区1号", None)
    assert (p.province, p.prefecture, p.source) == ("江西省", "南昌市", regions.FROM_TEXT)
