"""The DOCX reader: paragraphs and tables in document order, merged cells expanded, tables in layout
tables read as tables of their own, the text of runs as a person reads it, origins, and a clear
reason for every file it cannot read. End to end, reports written by `gongkai generate` read at 100%."""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.corpus import Body, draw_numbers, render
from pipelines.document import Document, Origin
from pipelines.readers import reader_for
from pipelines.readers.docx import READER, STRICT, TRANSITIONAL
from pipelines.render_docx import CORNER, VARIANTS, package
from pipelines.report import parse_report
from pipelines.text import Unreadable
from schemas.forms import FORMS

from .conftest import FIXTURES

DOCX = FIXTURES / "docx"



def _read_body(body: str, title: str | None = None) -> Document:
    return READER.read(package(body, title))


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}</w:tc>"


def _grid(table):
    return [[c.text if c else None for c in row] for row in table.grid]


# --- end to end ----------------------------------------------------------------------------------


def test_the_reader_is_found_by_its_suffix():
    assert reader_for("报告.DOCX") is READER and READER.name == "docx"


@pytest.mark.parametrize("form_code,year", [("2019", 2020), ("2021", 2023)])
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_generated_reports_read_every_cell_right(form_code, year, variant):
    form = FORMS[form_code]
    cells = draw_numbers(form, Body("赣州市章贡区财政局"), random.Random(f"{form_code}{variant}"))
    data = render(form, "赣州市章贡区财政局", year, "docx", cells, day=9, variant=variant)
    document = READER.read(data)
    assert document.title == f"赣州市章贡区财政局{year}年政府信息公开工作年度报告"
    report = parse_report(data, "x.docx")
    assert (report.status, report.agency, report.year, report.form_version) == ("parsed", "赣州市章贡区财政局", year, form_code)
    assert str(report.published) == f"{year + 1}-01-09"
    read = {(c.section, c.row_code, c.col_code): (c.value, c.raw_text) for c in report.cells}
    assert {k: (Decimal(v), t) for k, (v, t) in cells.items()} == {k: read.get(k) for k in cells}


def test_fixtures_read_as_their_truth():
    truth = pl.read_csv(DOCX / "generated.truth.tsv", separator="\t", schema_overrides={"raw_text": pl.String})
    files = sorted(DOCX.glob("generated_*.docx"))
    assert len(files) == 5
    for path in files:
        report = parse_report(path.read_bytes(), path.name)
        assert report.status == "parsed" and report.agency == "抚州市高新技术产业开发区人民政府办公室"
        read = {(c.section, c.row_code, c.col_code): float(c.value) for c in report.cells if c.value is not None}
        expected = truth.filter(pl.col("source_file") == path.name)
        assert expected.height > 150
        for section, row, col, value in expected.select("section", "row_code", "col_code", "value").iter_rows():
            assert read.get((section, row, col)) == pytest.approx(value), (path.name, section, row, col)


# --- the grid ------------------------------------------------------------------------------------


def test_the_forms_merges_are_expanded():
    form = FORMS["2021"]
    cells = draw_numbers(form, Body("x"), random.Random(1))
    document = READER.read(render(form, "某县教育局", 2022, "docx", cells))
    active, requests, appeals = document.tables
    # 申请人情况 over the seven applicant columns, 法人或其他组织 over five, 自然人 and 总计 down two rows.
    assert (requests.n_rows, requests.n_cols) == (3 + len(form.section("requests").rows), 10)
    grid = _grid(requests)
    assert grid[0] == [CORNER] * 3 + ["申请人情况"] * 7
    assert grid[1][3:] == ["自然人", *["法人或其他组织"] * 5, "总计"]
    assert grid[2][3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    corner = requests.grid[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    # 三、本年度办理结果 runs down every row of the results, （三）不予公开 down its eight.
    results = next(c for c in requests.cells if c.text == "三、本年度办理结果")
    assert (results.row, results.col, results.rowspan, results.colspan) == (5, 0, 22, 1)
    refused = next(c for c in requests.cells if c.text == "（三）不予公开")
    assert (refused.row, refused.col, refused.rowspan) == (7, 1, 8)
    assert _grid(requests)[3][:3] == ["一、本年新收政府信息公开申请数量"] * 3
    granted = requests.grid[5]
    assert [c.text for c in granted[:3]] == ["三、本年度办理结果", "（一）予以公开", "（一）予以公开"]
    # 行政复议 over five columns, 行政诉讼 over ten; the review's labels down two rows.
    assert _grid(appeals)[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert _grid(appeals)[2][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert appeals.grid[2][0] is appeals.grid[1][0]
    # A one-column block of 二 has its value spread over the width of the widest.
    assert _grid(active)[3] == ["信息内容", *["本年处理决定数量"] * 3]


def test_origins_are_table_row_and_grid_column():
    form = FORMS["2021"]
    cells = draw_numbers(form, Body("x"), random.Random(1))
    document = READER.read(render(form, "某县教育局", 2022, "docx", cells))
    requests = document.tables[1]
    person = requests.grid[1][3]
    assert person.origin == Origin(table=2, row=2, col=4)
    total = requests.grid[3][9]
    assert total.origin == Origin(table=2, row=4, col=10)
    # A row among the lines: its written cells joined by a tab, where the table stands in the text.
    rows = [line for line in document.lines if line.table == 1]
    assert len(rows) == requests.n_rows
    assert rows[0].text == f"{CORNER}\t申请人情况" and rows[0].origin == Origin(table=2, row=1)
    assert rows[5].text.startswith("三、本年度办理结果\t（一）予以公开\t")
    assert rows[6].text.startswith("（二）部分公开")  # the results heading stands in its first row only
    heading = document.lines.index(rows[0]) - 1
    assert document.lines[heading].text == "三、收到和处理政府信息公开申请情况"
    assert document.lines[0].origin == Origin(line=1)
    paragraphs = [line.origin.line for line in document.lines if line.table is None]
    assert paragraphs == list(range(1, len(paragraphs) + 1))


def test_grid_before_and_old_horizontal_merges():
    body = ("<w:tbl><w:tr>" + _tc("a") + _tc("b") + _tc("c") + "</w:tr>"
            "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>" + _tc("d", "<w:hMerge w:val=\"restart\"/>")
            + _tc("", "<w:hMerge/>") + "</w:tr>"
            "<w:tr>" + _tc("e", "<w:gridSpan w:val=\"2\"/>") + _tc("f") + "</w:tr></w:tbl>")
    table = _read_body(body).tables[0]
    assert _grid(table) == [["a", "b", "c"], [None, "d", "d"], ["e", "e", "f"]]
    d = table.grid[1][1]
    assert (d.col, d.colspan, d.origin) == (1, 2, Origin(table=1, row=2, col=2))


def test_vertical_merges_continue_only_what_was_started_above():
    body = ("<w:tbl><w:tr>" + _tc("a", "<w:vMerge w:val=\"restart\"/>") + _tc("b") + "</w:tr>"
            "<w:tr>" + _tc("", "<w:vMerge w:val=\"continue\"/>") + _tc("c", "<w:vMerge/>") + "</w:tr>"
            "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("", "<w:vMerge/>") + "</w:tr>"
            "<w:tr>" + _tc("x", "<w:vMerge/>") + _tc("y") + "</w:tr></w:tbl>")
    table = _read_body(body).tables[0]
    # "b" was not merged: the continuing cell under it starts a merge of its own ("c" down two rows).
    assert _grid(table) == [["a x", "b"], ["a x", "c"], ["a x", "c"], ["a x", "y"]]
    a = table.grid[0][0]
    assert a.rowspan == 4 and a.text == "a x"  # the text Word shows in the merged cell: nothing dropped


def test_tables_inside_a_layout_table_are_tables_of_their_own():
    inner = "<w:tbl><w:tr>" + _tc("规章") + _tc("3") + "</w:tr></w:tbl>"
    second = "<w:tbl><w:tr>" + _tc("行政许可") + _tc("5") + "</w:tr></w:tbl>"
    body = (_p("前言") + "<w:tbl><w:tr><w:tc>" + _p("二、主动公开政府信息情况") + inner + "<w:p/></w:tc>"
            "<w:tc>" + second + "<w:p/></w:tc></w:tr></w:tbl>" + _p("结语")
            + "<w:tbl><w:tr>" + _tc("z") + "</w:tr></w:tbl>")
    document = _read_body(body)
    assert [_grid(t) for t in document.tables] == [[["规章", "3"]], [["行政许可", "5"]], [["z"]]]
    # The layout table is counted (table 1), the ones it holds after it.
    assert [t.cells[0].origin.table for t in document.tables] == [2, 3, 4]
    assert [(line.text, line.origin.line, line.table) for line in document.lines] == [
        ("前言", 1, None), ("二、主动公开政府信息情况", 2, None), ("规章\t3", None, 0), ("", 3, None),
        ("行政许可\t5", None, 1), ("", 4, None), ("结语", 5, None), ("z", None, 2)]


# --- the text of runs ----------------------------------------------------------------------------


def test_runs_join_and_tabs_and_breaks_are_spaces():
    body = ("<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>法人或</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
            "<w:r><w:rPr><w:b/></w:rPr><w:t>其他</w:t></w:r><w:ins w:id=\"2\"><w:r><w:t>组织</w:t></w:r></w:ins>"
            "<w:r><w:tab/><w:t>a</w:t><w:br/><w:t>b</w:t><w:cr/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t></w:r></w:p>")
    assert _read_body(body).lines[0].text == "法人或其他组织 a b c-d"


def test_deleted_hidden_and_field_text_is_left_out():
    field = ("<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>{}</w:instrText></w:r>"
             "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>{}</w:t></w:r>"
             "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>")
    body = ("<w:p><w:r><w:t>总</w:t></w:r><w:del w:id=\"1\"><w:r><w:delText>删</w:delText></w:r></w:del>"
            "<w:moveFrom w:id=\"3\"><w:r><w:t>移</w:t></w:r></w:moveFrom>"
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐</w:t></w:r><w:r><w:rPr><w:vanish w:val=\"0\"/></w:rPr><w:t>计</w:t></w:r>"
            + field.format(" PAGE \\* MERGEFORMAT ", "7")
            + field.format(" HYPERLINK \"http://x\" ", "链接")
            + "<w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>12</w:t></w:r></w:fldSimple>"
            "<w:fldSimple w:instr=\" DOCPROPERTY Title \"><w:r><w:t>题</w:t></w:r></w:fldSimple></w:p>")
    assert _read_body(body).lines[0].text == "总计链接题"


def test_a_table_of_contents_field_across_paragraphs_is_left_out():
    body = ("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>TOC \\o \"1-3\"</w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>一、总体情况</w:t><w:tab/><w:t>1</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>二、主动公开政府信息情况 2</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
            + _p("一、总体情况"))
    assert [line.text for line in _read_body(body).lines] == ["", "", "一、总体情况"]


def test_content_controls_and_text_boxes_are_read_once():
    box = "<w:txbxContent>" + _p("框中文字") + "</w:txbxContent>"
    body = ("<w:sdt><w:sdtPr><w:alias w:val=\"x\"/></w:sdtPr><w:sdtContent>" + _p("受控段落")
            + "<w:tbl><w:tr><w:sdt><w:sdtContent>" + _tc("格") + "</w:sdtContent></w:sdt></w:tr></w:tbl>"
            "</w:sdtContent></w:sdt>"
            "<w:p><w:r><w:t>锚</w:t></w:r><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
            f"<mc:Choice Requires=\"wps\"><w:drawing><wrap>{box}</wrap></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    document = _read_body(body)
    assert [line.text for line in document.lines] == ["受控段落", "格", "锚", "框中文字"]
    assert _grid(document.tables[0]) == [["格"]]


def test_a_cells_paragraphs_join_with_a_space():
    body = "<w:tbl><w:tr><w:tc>" + _p("法人或") + _p("  其他组织 ") + "<w:p/></w:tc></w:tr></w:tbl>"
    assert _read_body(body).tables[0].cells[0].text == "法人或 其他组织"


def test_title_only_where_set():
    assert _read_body(_p("x"), title="  某市2023年报告 ").title == "某市2023年报告"
    assert _read_body(_p("x"), title="").title is None
    assert _read_body(_p("x")).title is None


def test_strict_ooxml_reads_as_transitional():
    data = package(_p("甲") + "<w:tbl><w:tr>" + _tc("乙") + "</w:tr></w:tbl>")
    strict = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(strict, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item).replace(TRANSITIONAL.encode(), STRICT.encode()))
    document = READER.read(strict.getvalue())
    assert document.text == "甲\n乙"


# --- what cannot be read -------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _ole(*streams: str) -> bytes:
    # The compound file header and directory entries name their streams in UTF-16.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"".join(s.encode("utf-16-le") for s in streams)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (_ole("EncryptionInfo", "EncryptedPackage"), "encrypted .docx (password-protected)"),
    (_ole("WordDocument", "1Table"), "Word 97–2003 (.doc) writes: save it as .docx"),
    (b"{\\rtf1\\ansi x}", "an RTF file named .docx: open it in Word and save it as .docx"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "a web page (HTML) named .docx: rename it .html"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related;", "a web archive (MHT) named .docx"),
    (b"<?xml version='1.0'?><?mso-application progid='Word.Document'?>", "Word XML (a single .xml file)"),
    (b"\x89PNG\r\n\x1a\n", "damaged .docx: not a ZIP archive"),
    (package("<w:altChunk r:id=\"rId9\"/>"), "holds content in another format (w:altChunk"),
    (package(_p("x"))[:200], "damaged .docx"),
    (_zip({"xl/workbook.xml": b"<workbook/>"}), "not a Word document: the archive has no word/document.xml"),
    (_zip({"word/document.xml": b"<w:document xmlns:w='x'><w:body>"}), "is not well-formed XML"),
    (_zip({"word/document.xml": b"<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaa'>]><d>&a;</d>"}),
     "declares a DTD"),
    (_zip({"word/document.xml": b"<html/>"}), "not a Word document: word/document.xml holds <html>"),
])
def test_what_cannot_be_read_says_why(data, reason):
    with pytest.raises(Unreadable, match=None) as caught:
        READER.read(data)
    assert reason in str(caught.value)


def test_a_corrupt_member_is_damaged_not_a_crash():
    data = bytearray(package(_p("政府信息公开") * 200))
    at = bytes(data).index(b"word/document.xml") + 60  # inside the deflated document
    data[at:at + 40] = b"\xff" * 40
    with pytest.raises(Unreadable, match="damaged .docx"):
        READER.read(bytes(data))


_SAMPLE = render(FORMS["2021"], "某县教育局", 2022, "docx", draw_numbers(FORMS["2021"], Body("x"), random.Random(2)),
                 variant=3)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_damaged_bytes_give_a_document_or_a_reason(data):
    raw = bytearray(_SAMPLE)
    cut = data.draw(st.integers(0, len(raw)))
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    try:
        document = READER.read(bytes(raw[:cut] if data.draw(st.booleans()) else raw))
    except Unreadable as e:
        assert str(e)
    else:
        assert isinstance(document, Document)


def test_the_main_part_is_where_the_package_says_and_a_damaged_title_costs_only_the_title():
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
            b' Target="/word/main.xml"/></Relationships>')
    with zipfile.ZipFile(io.BytesIO(package(_p("正文"), title="题"))) as src:
        document_xml = src.read("word/document.xml")
    data = _zip({"_rels/.rels": rels, "word/main.xml": document_xml, "docProps/core.xml": b"<cp:coreProperties"})
    document = READER.read(data)
    assert document.text == "正文" and document.title is None


# --- numbered paragraphs ---------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbered(text: str, num_id: str, ilvl: int = 0) -> str:
    return (f"<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num_id}\"/></w:numPr></w:pPr>"
            f"<w:r><w:t>{text}</w:t></w:r></w:p>")


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, suff: str = "nothing") -> str:
    return (f"<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{fmt}\"/>"
            f"<w:suff w:val=\"{suff}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>")


def test_numbers_word_writes_are_read_before_the_text():
    numbering = (f"<w:numbering {_W}>"
                 "<w:abstractNum w:abstractNumId=\"0\">" + _lvl(0, "chineseCounting", "%1、")
                 + _lvl(1, "chineseCounting", "（%2）") + _lvl(2, "decimal", "%3.", suff="tab") + "</w:abstractNum>"
                 "<w:abstractNum w:abstractNumId=\"1\">" + _lvl(0, "bullet", "●") + "</w:abstractNum>"
                 "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
                 "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>"
                 "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/>"
                 "<w:lvlOverride w:ilvl=\"2\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
                 "</w:numbering>")
    body = (_numbered("总体情况", "1") + _numbered("主动公开", "1") + _numbered("予以公开", "1", 1)
            + _numbered("不予公开", "1", 1) + _numbered("属于国家秘密", "1", 2) + _numbered("其他法律", "1", 2)
            + _numbered("要点", "2") + _numbered("收到和处理", "1")
            + "<w:tbl><w:tr><w:tc>" + _numbered("无法提供", "1", 1) + "</w:tc><w:tc>" + _p("0") + "</w:tc></w:tr>"
            "<w:tr><w:tc>" + _numbered("本机关不掌握", "3", 2) + "</w:tc><w:tc>" + _p("1") + "</w:tc></w:tr></w:tbl>"
            + _numbered("不编号", "0"))
    document = READER.read(package(body, numbering=numbering))
    assert [line.text for line in document.lines] == [
        "一、总体情况", "二、主动公开", "（一）予以公开", "（二）不予公开", "1. 属于国家秘密", "2. 其他法律",
        "要点", "三、收到和处理", "（一）无法提供\t0", "1. 本机关不掌握\t1", "不编号"]


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (15, "十五"), (21, "二十一"), (100, "一百"),
                                    (105, "一百零五"), (110, "一百一十")])
def test_chinese_counting(n, text):
    from pipelines.readers.word_numbering import FORMATS

    assert FORMATS["chineseCounting"](n) == text


def test_the_same_report_is_written_as_the_same_bytes():
    form = FORMS["2019"]
    cells = draw_numbers(form, Body("x"), random.Random(5))
    assert render(form, "某县", 2020, "docx", cells, variant=4) == render(form, "某县", 2020, "docx", cells, variant=4)


def test_ruby_text_reads_its_base_not_its_phonetic_guide():
    body = ("<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhèng</w:t></w:r></w:rt>"
            "<w:rubyBase><w:r><w:t>政</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>务</w:t></w:r></w:p>")
    assert _read_body(body).lines[0].text == "政务"


def test_a_field_that_never_ends_hides_nothing():
    body = ("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
            "<w:r><w:t>一、总体情况</w:t></w:r></w:p>" + _p("正文"))
    assert [line.text for line in _read_body(body).lines] == ["一、总体情况", "正文"]


def test_elements_nested_beyond_reason_are_a_reason_not_a_crash():
    depth = 5000
    body = "<w:p>" + "<w:hyperlink>" * depth + "<w:r><w:t>x</w:t></w:r>" + "</w:hyperlink>" * depth + "</w:p>"
    with pytest.raises(Unreadable, match="nests its elements too deep"):
        _read_body(body)


def test_gongkai_generate_writes_word_files_read_as_their_truth(tmp_path):
    from assets.cli import main

    assert main(["generate", "--out", str(tmp_path), "--reports", "12", "--encodings", "docx", "--seed", "4"]) == 0
    reports = pl.read_parquet(tmp_path / "truth" / "reports.parquet")
    truth = pl.read_parquet(tmp_path / "truth" / "cells-*.parquet")
    assert reports.height == 12 and set(reports["encoding"]) == {"docx"}
    for source_file, agency, year in reports.select("source_file", "agency", "year").iter_rows():
        assert source_file.endswith(".docx")
        report = parse_report((tmp_path / "raw" / source_file).read_bytes(), source_file)
        assert (report.agency, report.year) == (agency, year)
        read = {(c.section, c.row_code, c.col_code): float(c.value) for c in report.cells if c.value is not None}
        expected = truth.filter(pl.col("source_file") == source_file)
        for section, row, col, value in expected.select("section", "row_code", "col_code", "value").iter_rows():
            assert read.get((section, row, col)) == pytest.approx(value), (source_file, section, row, col)


def test_a_damaged_span_is_cut_to_words_widest_table_and_empty_rows_still_stand():
    body = ("<w:tbl><w:tr>" + _tc("a", "<w:gridSpan w:val=\"999999999\"/>") + _tc("b") + "</w:tr>"
            "<w:tr></w:tr></w:tbl>")
    document = _read_body(body)
    table = document.tables[0]
    assert (table.n_cols, table.cells[0].colspan, table.cells[1].col) == (64, 63, 63)
    assert [(line.text, line.row) for line in document.lines] == [("a\tb", 0), ("", 1)]
