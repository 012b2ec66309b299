"""The HTML reader: a page's text in reading order and its tables as grids, whatever way the page was
made (hand-written, a CMS template, Word, a JavaScript string), each piece with its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.document import Origin, place_spans
from pipelines.readers.html import READER, decode_page
from pipelines.report import parse_report
from pipelines.text import Unreadable

from .conftest import FIXTURES

REAL = FIXTURES / "real_world"


def read(page: str, encoding: str = "utf-8"):
    return READER.read(page.encode(encoding))


def texts(page: str) -> list[str]:
    return [line.text for line in read(page).lines]


def grid(page: str, index: int = 0) -> list[list[str | None]]:
    table = read(page).tables[index]
    return [[c.text if c else None for c in row] for row in table.grid]


def test_rowspan_and_colspan_are_expanded_in_the_grid_and_kept_as_written():
    page = ("<table><tr><td rowspan=2>行政复议</td><td colspan=2>行政诉讼</td></tr>"
            "<tr><td>直接起诉</td><td>复议后起诉</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>")
    assert grid(page) == [["行政复议", "行政诉讼", "行政诉讼"], ["行政复议", "直接起诉", "复议后起诉"], ["1", "2", "3"]]
    cells = read(page).tables[0].cells
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in cells[:2]] == [
        ("行政复议", 0, 0, 2, 1), ("行政诉讼", 0, 1, 1, 2)]
    # A row's line holds its cells as written: the cell spanning down stands in its first row only.
    assert texts(page) == ["行政复议\t行政诉讼", "直接起诉\t复议后起诉", "1\t2\t3"]


def test_spans_beyond_the_table_are_cut_to_it():
    page = "<table><tr><td rowspan=99999 colspan=0>a</td><td colspan='3x'>b</td></tr><tr><td>c</td></tr></table>"
    assert grid(page) == [["a", "b", "b", "b"], ["a", "c", None, None]]


def test_breaks_and_paragraphs_in_cells_are_spaces_and_entities_are_decoded():
    page = ("<table><tr><td>本年制发<br>件数</td><td><p>本年</p><p>废止</p></td><td>&nbsp;</td>"
            "<td>&#20013;&amp;&lt;x&gt;</td><td> &nbsp; 12&nbsp;</td></tr></table>")
    assert grid(page) == [["本年制发 件数", "本年 废止", "", "中&<x>", "12"]]


def test_labels_split_across_runs_read_whole_and_word_markup_is_no_text():
    page = ("<html xmlns:o='urn:schemas-microsoft-com:office:office'><body>"
            "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Title>旧标题</o:Title></o:DocumentProperties></xml><![endif]-->"
            "<p class=MsoNormal><![if !supportLists]><span>一、<span style='font:7pt'>&nbsp;&nbsp;</span></span><![endif]>"
            "<span style='font-family:宋体'>总体</span><span lang=EN-US>情况</span><o:p></o:p></p>"
            "<table><tr><td><p class=MsoNormal><span>本年新</span><span>收</span><o:p></o:p></p></td>"
            "<td><p class=MsoNormal><span lang=EN-US>&nbsp;</span><span lang=EN-US>7</span><span>&nbsp;</span></p></td>"
            "</tr></table></body></html>")
    assert texts(page) == ["一、 总体情况", "本年新收\t7"]


def test_a_table_of_tables_is_layout_and_its_inner_tables_are_read():
    page = ("<table width=1000><tr><td>站点导航栏</td><td>首页</td></tr><tr><td colspan=2><p>二、主动公开政府信息情况</p>"
            "<table><tr><td>规章</td><td>1</td></tr></table><p>说明</p></td></tr></table>")
    doc = read(page)
    assert len(doc.tables) == 1 and [[c.text for c in row] for row in doc.tables[0].grid] == [["规章", "1"]]
    assert [line.text for line in doc.lines] == ["站点导航栏", "首页", "二、主动公开政府信息情况", "规章\t1", "说明"]
    assert [line.table for line in doc.lines] == [None, None, None, 0, None]


def test_a_table_of_one_column_is_layout():
    page = "<table><tr><td><p>标题</p><p>正文一</p></td></tr><tr><td>正文二</td></tr></table>"
    doc = read(page)
    assert doc.tables == [] and texts(page) == ["标题", "正文一", "正文二"]


def test_navigation_headers_and_footers_are_not_report_text():
    page = ("<html><head><title>某局2022年政府信息公开工作年度报告_首页</title><style>p{}</style></head><body>"
            "<nav><a>首页</a></nav><header>网站标题</header><div class='top-nav'>导航</div>"
            "<div id='breadcrumb'>当前位置：首页</div><div class='position'>位置</div>"
            "<article><header><h1>某局2022年政府信息公开工作年度报告</h1></header><p>正文</p></article>"
            "<aside>相关链接</aside><div class='footer-wrap'>版权所有</div><footer>备案号</footer>"
            "<div class='footnote'>注释</div><script>var a = 1;</script><noscript>请开启脚本</noscript></body></html>")
    doc = read(page)
    assert [line.text for line in doc.lines] == ["某局2022年政府信息公开工作年度报告", "正文", "注释"]
    assert doc.title == "某局2022年政府信息公开工作年度报告_首页"


def test_a_page_held_in_a_javascript_string_is_read_in_the_scripts_place():
    page = ("<html><body>\n<div class='nav'>导航</div>\n<h1>标题</h1>\n<script>\nvar x = 'short';\n"
            "var content = \"<p style=\\\"text-align:center\\\">\\u4e8c\\u3001主动公开政府信息情况<\\/p>\\n"
            "<table><tr><td>规章<\\/td><td>1<\\/td><\\/tr>\" +\n"
            " '<tr><td>行政规范性文件<\\/td><td>12<\\/td><\\/tr><\\/table><p>it\\'s \\x41</p>';\n"
            "document.write(content);\n</script>\n<p>页尾</p>\n</body></html>")
    doc = read(page)
    assert [(line.text, line.origin.line) for line in doc.lines] == [
        ("标题", 3), ("二、主动公开政府信息情况", 6), ("规章\t1", 6), ("行政规范性文件\t12", 7), ("it's A", 7), ("页尾", 10)]
    assert doc.tables[0].cells[-1].origin.line == 7


def test_a_page_in_a_template_literal_keeps_its_lines():
    page = ("<html><body>\n<script>\nvar a = 'x' +\n 'y';\nvar t = `<p>二、主动公开政府信息情况</p>\n<table>"
            "<tr><td>规章</td><td>1</td></tr>\n<tr><td>行政规范性文件</td><td>12</td></tr></table>` +\n"
            "  \"<p>说明文字说明文字</p>\";\n</script></body></html>")
    assert [(line.text, line.origin.line) for line in read(page).lines] == [
        ("二、主动公开政府信息情况", 5), ("规章\t1", 6), ("行政规范性文件\t12", 7), ("说明文字说明文字", 8)]


def test_a_script_without_markup_is_dropped():
    assert texts("<p>a</p><script>var s = \"" + "x" * 200 + "\";</script><p>b</p>") == ["a", "b"]


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "gb18030", "x-gbk"])
def test_the_charset_declared_in_meta_is_read(declared):
    page = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={declared}'></head><body><p>政府信息公开</p></body></html>"
    doc = READER.read(page.encode("gbk"))
    assert doc.encoding == "gb18030" and [line.text for line in doc.lines] == ["政府信息公开"]


def test_valid_utf8_wins_over_a_stale_declaration():
    page = "<meta charset=gbk><p>政府信息公开</p>"
    assert decode_page(page.encode("utf-8")).encoding == "utf-8"
    assert texts(page) == ["政府信息公开"]


def test_an_empty_page_is_unreadable():
    with pytest.raises(Unreadable):
        READER.read(b"  \n")


def test_each_line_and_cell_has_the_line_its_text_starts_on():
    page = "<html>\n<body>\n<p>\n\n  说明</p>\n<table>\n<tr><td>\n规章</td>\n<td>1</td></tr>\n</table>\n</body></html>"
    doc = read(page)
    assert [(line.text, line.origin.line) for line in doc.lines] == [("说明", 5), ("规章\t1", 8)]
    assert [(c.text, c.origin.line, c.origin.row, c.origin.col) for c in doc.tables[0].cells] == [
        ("规章", 8, 1, 1), ("1", 9, 1, 2)]


def _values(report) -> dict:
    return {(c.section, c.row_code, c.col_code): c.value for c in report.cells if c.value is not None}


@pytest.mark.parametrize("year", ["2021", "2022"])
def test_real_pages_give_the_cells_their_flattened_text_gives(year):
    """The same report as the site serves it and as its text was flattened: every cell the flattened
    text gives (where its digits could be split uniquely) is read from the page with the same value,
    and the page gives every cell of the form."""
    page = parse_report((REAL / f"pingtan_{year}_page.html").read_bytes(), f"pingtan_{year}_page.html")
    flat = parse_report((REAL / f"pingtan_{year}_flattened.txt").read_bytes(), f"pingtan_{year}_flattened.txt")
    assert page.status == "parsed" and page.table_encoding == "html_tables" and len(page.cells) == 200
    assert (page.agency, page.year, page.form_version) == (flat.agency, flat.year, flat.form_version)
    from_page, from_flat = _values(page), _values(flat)
    assert len(from_flat) > 100 and from_page.items() >= from_flat.items()
    assert len(from_page) == 200


def _place_naively(rows):
    """The rule of pandas.io.html, position by position: each cell at the first column its row leaves
    free of the cells spanning down from above."""
    taken, out = set(), []
    for r, row in enumerate(rows):
        col = 0
        for text, rowspan, colspan, _ in row:
            while (r, col) in taken:
                col += 1
            out.append((text, r, col, max(1, rowspan), max(1, colspan)))
            taken |= {(r + dr, col + dc) for dr in range(max(1, rowspan)) for dc in range(max(1, colspan))}
            col += max(1, colspan)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=6), max_size=8))
def test_spans_are_placed_as_pandas_places_them(shape):
    rows = [[(f"{r}.{c}", rowspan, colspan, Origin()) for c, (rowspan, colspan) in enumerate(row)]
            for r, row in enumerate(shape)]
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in place_spans(rows)] == _place_naively(rows)


def test_an_xhtml_page_with_an_xml_declaration_is_read_in_its_encoding():
    page = ('<?xml version="1.0" encoding="gb2312"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            "<body>\n<p>政府信息公开</p><table><tr><td>规章</td><td>1</td></tr></table></body></html>")
    doc = READER.read(page.encode("gbk"))
    assert doc.encoding == "gb18030"
    assert [(line.text, line.origin.line) for line in doc.lines] == [("政府信息公开", 4), ("规章\t1", 4)]


_PIECES = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th colspan=2>", "<td rowspan='3'>",
           "<td rowspan=0 colspan=-1>", "<br>", "<p>", "</p>", "<div class='nav'>", "<div id=zoom>", "</div>",
           "<span>", "</span>", "<o:p></o:p>", "<![if !supportLists]>", "<![endif]>", "<!--[if gte mso 9]><xml>",
           "</xml><![endif]-->", "<!-- c -->", "<script>var c = \"<p>x<\\/p>\\u4e00\";</script>",
           "<script>var s = '", "<style>p{}</style>", "<title>t</title>", "<header>", "</header>", "<nav>",
           "二、主动公开政府信息情况", "规章", "12", "&nbsp;", "&amp;", "&#x4e00;", "\n", "\t", "<", ">", "\\\"", "<thead>",
           "<tbody>", "<caption>c</caption>", "<?xml version='1.0'?>", "\x00", "\ufeff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_any_markup_gives_a_document_or_a_reason(pieces):
    data = "".join(pieces).encode("utf-8")
    try:
        doc = READER.read(data)
    except Unreadable as e:
        assert str(e)
        return
    for line in doc.lines:
        assert line.text == line.text.strip() and "\n" not in line.text
        assert line.origin.line is None or line.origin.line >= 1
    for table in doc.tables:
        assert all(c.origin.table == doc.tables.index(table) + 1 for c in table.cells)
        assert all(0 <= c.row < table.n_rows and 0 <= c.col < table.n_cols for c in table.cells)
    report = parse_report(data, "page.html")
    assert not (report.status_reason or "").startswith("parser error"), report.status_reason


def test_what_a_browser_hides_is_not_read():
    page = ("<p>甲<span style='display: none'>隐藏</span>乙</p><div hidden>无</div>"
            "<table><tr><td>规章<span style='mso-hide:all'>9</span></td><td>1</td></tr>"
            "<tr style='visibility:hidden'><td>旧</td><td>2</td></tr></table><p style='color:none-such'>丙</p>")
    assert texts(page) == ["甲乙", "规章\t1", "丙"]
    # A start tag over several lines, as Word writes its styles.
    assert texts("<p>a<span\n  style='color:red;\n  display : none'\n>x</span>b</p>") == ["ab"]
