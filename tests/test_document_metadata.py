"""Agency, year and publication date come from the document's text, never from markup: a page's
<title> and text, a Markdown heading without its #, a signature without its emphasis."""

from __future__ import annotations

import re

import pytest

from pipelines.report import parse_report

from .conftest import FIXTURES, ROOT

MARKUP = re.compile(r"[<>#|*{}]")
EVERY_FIXTURE = sorted(p for p in [*FIXTURES.rglob("*"), *(ROOT / "data" / "raw").glob("*")]
                       if p.is_file() and p.suffix in (".txt", ".md", ".html", ".htm"))


@pytest.mark.parametrize("path", EVERY_FIXTURE, ids=lambda p: p.name)
def test_no_agency_of_any_fixture_carries_markup(path):
    report = parse_report(path.read_bytes(), path.name)
    assert report.agency is None or not MARKUP.search(report.agency), report.agency


def test_the_fixtures_checked_include_every_format():
    assert {p.suffix for p in EVERY_FIXTURE} >= {".txt", ".md", ".html", ".htm"} and len(EVERY_FIXTURE) > 20


PAGES = {
    "text, not markup": (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试区卫生健康委员会2022年政府信息公开工作年度报告'
        '</title></head><body><div class="nav">首页</div><h1>测试区卫生健康委员会2022年政府信息公开工作年度报告</h1>'
        '<p>正文</p><p style="text-align:right">测试区卫生健康委员会</p><p>2023年1月20日</p></body></html>',
        ("测试区卫生健康委员会", 2022, "2023-01-20")),
    # A page's information table (索引号, 名称, 发布日期 in cells) gives no label to the agency.
    "information table": (
        "<html><body><table class='info'><tr><td>索引号</td><td>FJ001-2022-001</td><td>发布机构</td>"
        "<td>平潭综合实验区管委会</td></tr><tr><td>名称</td><td colspan=3>平潭综合实验区2021年度政府信息公开工作年度报告"
        "</td></tr><tr><td>发布日期</td><td>2022-02-08</td><td>文号</td><td></td></tr></table><p>正文</p></body></html>",
        ("平潭综合实验区", 2021, "2022-02-08")),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_gives_agency_year_and_date_from_its_text(name):
    page, expected = PAGES[name]
    report = parse_report(page.encode(), "page.html")
    assert (report.agency, report.year, report.published) == expected


def test_a_title_only_in_the_pages_title_element_is_read():
    page = ("<html><head><title>测试区教育局2021年政府信息公开工作年度报告_政务公开_测试区人民政府</title></head>"
            "<body><p>根据《条例》编制本报告。</p></body></html>")
    report = parse_report(page.encode(), "page.html")
    assert (report.agency, report.year) == ("测试区教育局", 2021)


def test_markdown_headings_and_emphasis_are_no_part_of_a_name():
    text = "# 测试区卫生健康委员会2022年政府信息公开工作年度报告\n\n正文。\n\n**测试区财政局**\n\n2023年1月5日\n"
    report = parse_report(text.encode(), "report.md")
    assert (report.agency, report.year, report.published) == ("测试区卫生健康委员会", 2022, "2023-01-05")
    signed = parse_report("## 年度报告\n\n正文。\n\n**测试区财政局**\n\n2023年1月5日\n".encode(), "signed.md")
    assert signed.agency == "测试区财政局"


def test_a_page_prints_its_date_under_the_title():
    for real in ("pingtan_2021", "pingtan_2022"):
        page = parse_report((FIXTURES / "real_world" / f"{real}_page.html").read_bytes(), f"{real}_page.html")
        flat = parse_report((FIXTURES / "real_world" / f"{real}_flattened.txt").read_bytes(), f"{real}_flattened.txt")
        assert page.published == flat.published is not None
