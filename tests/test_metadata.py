"""Agency, year, publication date and form version of every sample and real report; what a file on
neither form is."""

from __future__ import annotations

import pytest

from pipelines.metadata import form_version, metadata
from pipelines.report import parse_report

from .conftest import FIXTURES, SAMPLES_DIR

REAL = FIXTURES / "real_world"

# (agency, year, published) read off each file: the title, the closing lines, the archive header.
EXPECTED = {
    SAMPLES_DIR / "000_4a5927c6b61291aa.txt": ("赣州经开区党政办公室", 2020, "2021-01-30"),
    SAMPLES_DIR / "001_605866c201a9c82d.txt": ("桃江经济开发区", 2020, "2020-12-31"),
    SAMPLES_DIR / "002_d99c8dcb44f53e53.txt": ("樟树市机关事务管理局", 2020, None),  # title over two lines, no date
    SAMPLES_DIR / "003_f38378f0edcefb48.txt": ("盐城经济技术开发区管理委员会", 2020, "2021-01-25"),
    SAMPLES_DIR / "004_a167b1e233f24ae1.txt": ("宜丰县", 2020, None),
    REAL / "pingtan_2021_flattened.txt": ("平潭综合实验区", 2021, "2022-02-08"),  # 发布时间 of the archive
    REAL / "pingtan_2022_flattened.txt": ("平潭综合实验区", 2022, "2023-02-20"),
    REAL / "pingtan_2018_legacy_format.txt": ("平潭综合实验区", 2018, "2019-01-10"),
    # A letter: no report title, so no report year; the agency and date it signs with.
    REAL / "pingtan_2014_not_a_report.txt": ("平潭综合实验区管委会办公室", None, "2014-12-10"),
    REAL / "huaian_city_2024_pdftext.txt": ("淮安市人民政府", 2024, None),
    REAL / "shanghai_kewei_2024.md": ("上海市科委", 2024, None),  # year before the agency
}
FORM = {
    **{p: "2019" for p in EXPECTED if p.parent == SAMPLES_DIR},
    REAL / "pingtan_2021_flattened.txt": "2021",
    REAL / "pingtan_2022_flattened.txt": "2021",
    REAL / "huaian_city_2024_pdftext.txt": "2021",
    REAL / "shanghai_kewei_2024.md": "2021",
    REAL / "pingtan_2018_legacy_format.txt": None,  # it names 政府集中采购 once, in its prose
    REAL / "pingtan_2014_not_a_report.txt": None,
}


def _text(path):
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(EXPECTED), ids=lambda p: p.name)
def test_agency_year_and_date(path):
    meta = metadata(_text(path))
    assert (meta.agency, meta.year, meta.published) == EXPECTED[path]


@pytest.mark.parametrize("path", sorted(FORM), ids=lambda p: p.name)
def test_form_version_by_labels(path):
    meta = metadata(_text(path))
    assert form_version(_text(path), meta.year) == FORM[path]


def test_the_labels_decide_not_the_year():
    sample = _text(SAMPLES_DIR / "000_4a5927c6b61291aa.txt")
    relabelled = sample.replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1)
    assert metadata(relabelled).year == 2022
    assert form_version(relabelled, 2022) == "2019"
    flattened = _text(REAL / "pingtan_2021_flattened.txt")
    assert form_version(flattened, 2019) == "2021"


def test_without_either_versions_labels_the_year_decides_if_the_tables_are_there():
    sample = _text(SAMPLES_DIR / "000_4a5927c6b61291aa.txt")
    start, end = sample.index("二、主动公开政府信息情况"), sample.index("三、收到和处理政府信息公开申请情况")
    no_active = sample[:start] + sample[end:]
    assert form_version(no_active, 2020) == "2019"
    assert form_version(no_active, 2023) == "2021"
    assert form_version(no_active, None) is None
    assert form_version(no_active, 2015) is None, "no form before 2019"
    letter = _text(REAL / "pingtan_2014_not_a_report.txt")
    assert form_version(letter, 2020) is None, "no tables: no year makes a form"


def test_legacy_report_is_recognised_not_forced_into_a_form():
    report = parse_report((REAL / "pingtan_2018_legacy_format.txt").read_bytes(), "pingtan_2018.txt")
    assert report.status == "legacy_format"
    assert report.form_version is None and report.cells == [] and report.findings == []
    assert "2018" in report.status_reason and "政府信息公开情况统计表" in report.status_reason
    assert (report.agency, report.year) == ("平潭综合实验区", 2018)


def test_a_letter_is_not_a_report():
    report = parse_report((REAL / "pingtan_2014_not_a_report.txt").read_bytes(), "letter.txt")
    assert report.status == "not_a_report"
    assert report.form_version is None and report.cells == []
    assert "关于2014年政府信息公开工作要点落实情况的函" in report.status_reason


def test_an_early_report_without_the_statistics_table_is_legacy_by_its_year():
    text = "某某县2017年政府信息公开工作年度报告\n一、概述\n本年度主动公开信息1200条。\n"
    report = parse_report(text.encode("utf-8"), "2017.txt")
    assert (report.status, report.year, report.agency) == ("legacy_format", 2017, "某某县")
    assert "2017" in report.status_reason


def test_a_titled_report_without_tables_is_partial():
    text = "某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n全年公开信息1200条。\n"
    report = parse_report(text.encode("utf-8"), "notables.txt")
    assert report.status == "partial" and report.form_version is None
    assert "某某县人民政府2021年政府信息公开工作年度报告" in report.status_reason


@pytest.mark.parametrize("ending, published", [
    ("某某局\n\n2021年1月25日\n", "2021-01-25"),
    ("某某局\n二〇二一年一月二十五日\n", "2021-01-25"),
    ("某某局\n2020 年 12 月 3 日\n", "2020-12-03"),
    ("某某局\n2021-02-05\n", "2021-02-05"),
    ("本报告统计时限为2020年1月1日至2020年12月31日。\n", None),  # a period, not a closing date
    ("某某局\n2021年2月30日\n", None),  # no such day
    ("……情况。 某某区人民政府办公室 2022年2月8日 附件下载", "2022-02-08"),  # one line of web text
])
def test_closing_dates(ending, published):
    text = "某某局2020年政府信息公开工作年度报告\n一、总体情况\n……\n" + ending
    assert metadata(text).published == published


def test_the_closing_signature_names_the_agency_when_the_title_does_not():
    text = "政府信息公开工作年度报告\n一、总体情况\n……\n某某市生态环境局\n2021年1月20日\n"
    meta = metadata(text)
    assert (meta.agency, meta.published) == ("某某市生态环境局", "2021-01-20")


def test_the_closing_date_wins_over_the_archive_date():
    header = "标题: 某某局2020年政府信息公开工作年度报告\n发布时间: 2021-03-01 09:00\n==================== 正文 ====================\n"
    meta = metadata(header + "……\n某某局\n2021年1月20日\n")
    assert (meta.agency, meta.year, meta.published) == ("某某局", 2020, "2021-01-20")
    assert metadata(header + "……\n").published == "2021-03-01"
