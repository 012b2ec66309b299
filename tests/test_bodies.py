"""Bodies: one body under its spellings and across years, two bodies that share a name in two places,
and W1 matched by body."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import bodies
from pipelines.continuity import continuity_findings
from pipelines.corpus import body_name

from .test_validation import balanced, frames, make_report


def _key(name: str, address: str | None = None, source_file: str | None = None) -> str:
    return bodies.body_of(name, address, source_file).key


@pytest.mark.parametrize("a, b", [
    ("赣州经开区党政办公室", "赣州经济技术开发区党政办公室"),
    ("桃江经济开发区", "湖南桃江经济开发区管理委员会"),
    ("盐城经济技术开发区管理委员会", "盐城经济技术开发区"),
    ("樟树市机关事务管理局", "江西省樟树市机关事务管理局"),
    ("宜丰县", "宜丰县人民政府"),
    ("上海市科学技术委员会", "上海市科委"),
    ("平潭综合实验区", "平潭综合实验区管理委员会"),
    ("某市发展和改革委员会", "某市发改委"),
    ('<html><head><meta charset="utf-8"></head><body><p>宜丰县财政局', "宜丰县财政局"),  # a title read with its markup
])
def test_spellings_of_one_body_are_one_body(a, b):
    assert _key(a) == _key(b)


@pytest.mark.parametrize("a, b", [
    ("宜丰县财政局", "樟树市财政局"),  # every county has a 财政局
    ("宜丰县人民政府", "宜丰县人民政府办公室"),
    ("平潭综合实验区", "平潭县人民政府"),  # a zone is not its host's government
    ("宜丰县", "宜春市"),
    ("国家税务总局宜丰县税务局", "宜丰县税务局"),  # what the name says before its region stays in the key
])
def test_different_bodies_stay_apart(a, b):
    assert _key(a) != _key(b)


def test_a_body_placed_by_its_address_is_not_one_its_name_places_there():
    assert _key("财政局", "宜春市袁州区宜阳大道1号") != _key("宜春市袁州区财政局")
    assert _key("财政局", "宜春市袁州区宜阳大道1号") == _key("财政局", "袁州区宜阳大道9号")


def test_a_name_without_a_region_is_kept_apart_by_where_its_report_places_it():
    assert _key("财政局", None, "江西省/宜春市/宜丰县/") != _key("财政局", None, "江西省/宜春市/樟树市/")
    assert _key("财政局", None, "江西省/宜春市/宜丰县/") == _key("财政局", None, "江西省/宜春市/宜丰县/")


def test_level_and_kind():
    cases = {
        "淮安市人民政府": ("地市级", bodies.GOVERNMENT),
        "宜丰县": ("县级", bodies.GOVERNMENT),
        "江西省人民政府": ("省级", bodies.GOVERNMENT),
        "上海市科学技术委员会": ("省级", bodies.DEPARTMENT),
        "樟树市机关事务管理局": ("县级", bodies.DEPARTMENT),
        "宜丰县新庄镇人民政府": ("乡镇级", bodies.GOVERNMENT),
        "赣州经开区党政办公室": ("地市级", bodies.ZONE),
        "桃江经济开发区": ("县级", bodies.ZONE),
        "市生态环境局": (None, bodies.DEPARTMENT),
        "赣州市东湖区人民政府": ("县级", bodies.GOVERNMENT),  # a district the city does not have
    }
    for name, (level, kind) in cases.items():
        b = bodies.body_of(name)
        assert (b.level, b.kind) == (level, kind), name


def _reports(*rows: tuple[str, str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"report_id": pl.String, "source_file": pl.String, "agency": pl.String,
                                      "year": pl.Int32}, orient="row")


def test_one_body_under_two_spellings_in_two_years_has_one_body_id():
    reports = _reports(("a" * 16, "a.txt", "赣州经开区党政办公室", 2020),
                       ("b" * 16, "b.txt", "赣州经济技术开发区党政办公室", 2021),
                       ("c" * 16, "c.txt", "赣州经济技术开发区党政办公室", 2022),
                       ("d" * 16, "d.txt", "测试市生态环境局", 2021))
    assigned = bodies.report_bodies(reports)
    assert assigned.filter(pl.col("report_id") != "d" * 16)["body_id"].n_unique() == 1
    dim = bodies.dim_body(assigned)
    assert dim.height == 2
    zone = dim.filter(pl.col("province").is_not_null()).row(0, named=True)
    assert zone["name"] == "赣州经济技术开发区党政办公室"  # the spelling most reports use
    assert zone["name_variants"] == ["赣州经开区党政办公室", "赣州经济技术开发区党政办公室"]
    assert (zone["province_code"], zone["prefecture_code"], zone["county_code"]) == ("360000", "360700", None)
    assert (zone["region_source"], zone["first_year"], zone["last_year"], zone["n_reports"]) == ("name", 2020, 2022, 3)
    # The body of the synthetic corpus's 测试市 is not placed, and says why.
    test_city = dim.filter(pl.col("province").is_null()).row(0, named=True)
    assert test_city["region_source"] is None and "测试市生态环境局" in test_city["region_reason"]


def test_the_canonical_name_leaves_out_markup_read_before_it():
    reports = _reports(("a" * 16, "a.htm", '"utf-8"><title>宜丰县财政局', 2020), ("b" * 16, "b.txt", "宜丰县财政局", 2019),
                       ("c" * 16, "c.htm", '"utf-8"><title>宜丰县财政局', 2021))
    [body] = bodies.dim_body(bodies.report_bodies(reports)).to_dicts()
    assert body["name"] == "宜丰县财政局" and len(body["name_variants"]) == 2


def test_body_id_does_not_depend_on_the_other_reports_of_a_run():
    one = bodies.report_bodies(_reports(("a" * 16, "a.txt", "宜丰县人民政府", 2020)))
    many = bodies.report_bodies(_reports(("b" * 16, "b.txt", "樟树市财政局", 2019),
                                         ("a" * 16, "a.txt", "宜丰县", 2021)))
    assert one["body_id"][0] == many.filter(pl.col("report_id") == "a" * 16)["body_id"][0]


def test_w1_matches_a_body_across_spellings_but_not_across_places():
    last = make_report("2019", balanced("2019") | {("requests", "carried_forward", "total"): 9},
                       agency="江西省樟树市机关事务管理局", year=2020)
    this = make_report("2021", balanced("2021"), agency="樟树市机关事务管理局", year=2021)
    elsewhere = make_report("2021", balanced("2021"), agency="宜丰县机关事务管理局", year=2021)
    r, f = frames(last, this, elsewhere)
    w1 = continuity_findings(f, r).filter(pl.col("rule") == "W1")
    assert set(w1["report_id"]) == {this.report_id}


_WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, 10_000), spaces=st.lists(st.integers(0, 30), max_size=3), wide=st.booleans(),
       brackets=st.booleans())
def test_writing_a_name_another_way_keeps_its_body(index, spaces, wide, brackets):
    name = body_name(7, index)
    written = name + ("(本级)" if brackets else "")  # the body's own report, not its area's
    written = written.translate(str.maketrans(_WIDE)) if wide else written  # （本级）
    for at in sorted(spaces, reverse=True):
        written = written[:at] + " " + written[at:]
    assert _key(written) == _key(name)
    assert bodies.body_of(written).placement == bodies.body_of(name).placement
