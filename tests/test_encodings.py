"""The table encodings beyond the samples (PDF text, Markdown, HTML) and how the interpreter places
their rows: by label, by the form's row order between labelled rows, or not at all (a finding)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.document import DocLine, Document, Origin
from pipelines.encodings import ENCODINGS, detect
from pipelines.readers.html import READER as HTML
from pipelines.encodings.base import is_page_furniture
from pipelines.encodings.spaced_text import line_cells
from pipelines.frames import facts_frame, reports_frame
from pipelines.identities import identity_findings
from pipelines.interpret import ROW_FROM_ORDER, interpret
from pipelines.labels import index
from pipelines.report import parse_report
from pipelines.sections import find_sections
from pipelines.text import decode
from schemas.forms import FORMS

from .conftest import FIXTURES

FIDELITY = FIXTURES / "fidelity"
REAL = FIXTURES / "real_world"


def _report(path):
    return parse_report(path.read_bytes(), path.name)


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def _requests(text: str, encoding: str):
    return interpret("2021", "requests", ENCODINGS[encoding].rows(_lines(text)), encoding)


ROW7 = "| {} | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"
ZEROS = "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |"


def test_the_pdf_report_yields_every_cell_with_its_identities_holding():
    report = _report(REAL / "huaian_city_2024_pdftext.txt")
    by_section = Counter(c.section for c in report.cells if c.value is not None)
    assert by_section == {"active": 10, "requests": 175, "appeals": 15}
    broken = identity_findings(facts_frame([report]), reports_frame([report]))
    assert broken.is_empty(), broken.select("rule", "row_code", "col_code").rows()
    assert not [f for f in report.findings if f.rule.startswith("P")]


def test_markdown_rows_moved_out_of_the_table_are_placed_by_order_and_flagged():
    report = _report(REAL / "shanghai_kewei_2024.md")
    cells = {(c.row_code, c.col_code): c for c in report.cells if c.section == "requests"}
    ordered = {r for (r, _), c in cells.items() if ROW_FROM_ORDER in c.flags}
    assert ordered == {"partly_granted", "refused_prohibited_by_law", "refused_internal_affairs", "unable_not_held",
                       "unable_needs_creation", "unable_unclear", "not_processed_abusive",
                       "not_processed_confirmation", "other_no_correction", "other_unpaid_fee"}
    assert ROW_FROM_ORDER not in cells[("granted", "total")].flags
    # Only the blank total of 结转下年度 leaves identities unevaluable; every evaluable one holds.
    rules = identity_findings(facts_frame([report]), reports_frame([report]))["rule"].to_list()
    assert sorted(rules) == ["I1_NE", "I3_NE"]


def test_an_unlabelled_row_is_placed_only_when_the_count_between_anchors_agrees():
    one_gap = "\n".join(["|---|---|", ROW7.format("（一）予以公开"), ZEROS, ROW7.format("1.属于国家秘密")])
    result = _requests(one_gap, "markdown_tables")
    placed = {c.row_code: c for c in result.cells if c.col_code == "natural_person"}
    assert placed["partly_granted"].value == 0 and ROW_FROM_ORDER in placed["partly_granted"].flags
    assert not [f for f in result.findings if f.rule == "P4"]

    two_for_one = "\n".join(["|---|---|", ROW7.format("（一）予以公开"), ZEROS, ZEROS, ROW7.format("1.属于国家秘密")])
    result = _requests(two_for_one, "markdown_tables")
    assert "partly_granted" not in {c.row_code for c in result.cells}
    assert [f.rule for f in result.findings if f.section == "requests" and f.raw_text == "0"] == ["P4"] * 14
    assert "partly_granted" in {f.row_code for f in result.findings if f.rule == "P3"}


def test_markdown_cells_with_line_breaks_entities_and_bold_are_read():
    text = "\n".join(["|---|---|", "| **（一）予以公开** | 5 | 0 | &nbsp; | 0 | 0 | 0 | 5 |",
                      "| （二）部分公开<br>（区分处理的，只计这一情形，不计其他情形） | 1<br/>撤诉 | 0 | 0 | 0 | 0 | 0 | 1 |"])
    cells = {(c.row_code, c.col_code): c for c in _requests(text, "markdown_tables").cells}
    assert cells[("granted", "total")].value == 5 and cells[("granted", "research")].value is None
    assert cells[("granted", "research")].flags == ("blank",)
    assert cells[("partly_granted", "natural_person")].value == 1
    assert cells[("partly_granted", "natural_person")].raw_text == "1 撤诉"


def test_pipe_rows_without_a_separator_line_are_markdown_but_bare_pipes_are_not():
    rows = [(1, "| 规章 | 0 | 0 | 3 |"), (2, "| 行政规范性文件 | 4 | 1 | 27 |")]
    assert detect(rows).name == "markdown_tables"
    assert ENCODINGS["markdown_tables"].score([(1, "规章 |"), (2, "|||"), (3, "0 |"), (4, "||||||")]) == 0.0


def test_a_value_alone_is_not_a_row_and_is_reported():
    text = "\n".join(["|---|---|", ROW7.format("（一）予以公开"), "1", ZEROS, ROW7.format("1.属于国家秘密")])
    result = _requests(text, "markdown_tables")
    assert {c.row_code for c in result.cells if ROW_FROM_ORDER in c.flags} == {"partly_granted"}
    assert [(f.rule, f.raw_text, f.source_line) for f in result.findings if f.rule == "P4"] == [("P4", "1", 3)]


def test_a_label_above_the_numbers_names_their_row_but_not_against_the_order():
    in_order = "\n".join(["1.属于国家秘密", "0 0 0 0 0 0 0", "2.其他法律行政法规禁止公开", "3 0 0 0 0 0 3",
                          "3.危及“三安全一稳定” 0 0 0 0 0 0 0"])
    result = _requests(in_order, "spaced_text")
    got = {c.row_code: c.value for c in result.cells if c.col_code == "total"}
    assert got["refused_prohibited_by_law"] == 3 and not [f for f in result.findings if f.rule == "P4"]

    # The label above "3 … 3" names a row that comes after the next labelled row: the labels
    # contradict each other, and the numbers are reported instead of placed.
    against = "\n".join(["1.属于国家秘密 0 0 0 0 0 0 0", "8.属于行政查询事项", "3 0 0 0 0 0 3",
                         "3.危及“三安全一稳定” 0 0 0 0 0 0 0"])
    result = _requests(against, "spaced_text")
    assert "refused_query_matter" not in {c.row_code for c in result.cells}
    assert {f.raw_text for f in result.findings if f.rule == "P4"} == {"3", "0"}


def test_the_row_of_fifteen_appeal_numbers_is_read_and_a_stray_number_reported():
    text = "\n".join(["行政复议 行政诉讼", "2 1 0 1 4 1 0 0 0 1 0 0 1 0 1", "全年共收到行政复议申请 4"])
    result = interpret("2021", "appeals", ENCODINGS["spaced_text"].rows(_lines(text)), "spaced_text")
    got = {(c.row_code, c.col_code): c.value for c in result.cells}
    assert got[("review", "total")] == 4 and got[("suit_after_review", "other")] == 1 and len(got) == 15
    assert [(f.rule, f.raw_text, f.source_line) for f in result.findings] == [("P4", "4", 3)]


@pytest.mark.parametrize("wrapped", [["2.其他", "法律行政法规禁止公开", "3 0 0 0 0 0 3"],
                                     ["2.其他", "法律行政法规禁止公开 3 0 0 0 0 0 3"],
                                     ["2.其他法律", "行政法规禁止", "公开", "3 0 0 0 0 0 3"]])
def test_a_label_wrapped_over_lines_is_read_whole(wrapped):
    text = "\n".join(["1.属于国家秘密 0 0 0 0 0 0 0", *wrapped, "3.危及“三安全一稳定” 0 0 0 0 0 0 0"])
    result = _requests(text, "spaced_text")
    got = {c.row_code: c.value for c in result.cells if c.col_code == "total"}
    assert got["refused_prohibited_by_law"] == 3 and "other_misc" not in got
    assert not [f for f in result.findings if f.rule in ("P2", "P4")]


@pytest.mark.parametrize("text", ["-4-", "— 4 —", "- 12 -", "第 3 页", "第3页 共6页", "\f", "  "])
def test_page_furniture(text):
    assert is_page_furniture(text)


@pytest.mark.parametrize("text", ["4", "0 0 0", "-4", "第二十条 第（一）项"])
def test_not_page_furniture(text):
    assert not is_page_furniture(text)


def test_spaced_lines_split_labels_from_numbers_and_keep_notes():
    cells = line_cells(7, "本 30 1 0 0 0 0 31")
    assert [c.text for c in cells] == ["本", "30", "1", "0", "0", "0", "0", "31"] and {c.line for c in cells} == {7}
    assert [c.text for c in line_cells(1, "0 1 撤诉 0")] == ["0", "1 撤诉", "0"]
    assert [c.text for c in line_cells(1, "为 2024 年 1 月")] == ["为", "2024", "年", "1", "月"]


def test_flattened_and_prose_sections_are_not_claimed():
    run_together = [(1, "三、收到和处理政府信息公开申请情况申请人情况自然人一、本年新收政府信息公开申请数量640020470"
                        "二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开270020130")]
    prose = [(1, "2024 年，市科委未发生政府信息公开收费事项，全年共收到申请 34 件，均已按要求办理完成，并在法定期限内答复。")]
    as_text = Document("text", [DocLine(t) for _, t in run_together])
    for name in ("spaced_text", "markdown_tables", "grid_tables"):
        assert ENCODINGS[name].score(run_together, as_text) == 0.0
        assert ENCODINGS[name].score(prose, as_text) == 0.0


def test_html_cells_merged_across_columns_are_not_moved():
    html = "\n".join([
        "<table>",
        "<tr><td colspan=2>（一）予以公开</td><td>5</td><td colspan=4>0</td><td>&nbsp;</td><td>6</td></tr>",
        "</table>"])
    page = HTML.read(html.encode())
    lines = [(n, line.text) for n, line in enumerate(page.lines, 1)]
    result = interpret("2021", "requests", ENCODINGS["grid_tables"].rows(lines, page), "html_tables")
    row = {c.col_code: c for c in result.cells if c.row_code == "granted"}
    assert row["natural_person"].value == 5 and row["total"].value == 6
    assert row["total"].origin == Origin(line=2, table=1, row=1, col=9)
    assert row["other_org"].value is None and row["other_org"].raw_text == ""
    assert all(row[c].value is None and "not_in_source" in row[c].flags
               for c in ("commercial", "research", "social_org", "legal_service"))
    assert [(f.rule, f.raw_text) for f in result.findings if f.row_code == "granted"] == [("P1", "0")]


def test_html_source_lines_count_lines_of_the_decoded_file():
    data = (FIDELITY / "sample000_gb18030.htm").read_bytes()
    lines = decode(data).lines
    report = parse_report(data, "sample000_gb18030.htm")
    cell = next(c for c in report.cells if (c.row_code, c.col_code) == ("normative_docs", "total_published"))
    assert cell.value == 78 and "<TD>78</TD>" in lines[cell.source_line - 1]


def test_a_report_in_one_big_table_is_read_section_by_section():
    page = "\n".join([
        "<html><body><table>",
        "<tr><td colspan=4>二、主动公开政府信息情况</td></tr>",
        "<tr><td colspan=4>第二十条第（一）项</td></tr>",
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>",
        "<tr><td>规章</td><td>1</td><td>0</td><td>11</td></tr>",
        "<tr><td colspan=4>三、收到和处理政府信息公开申请情况</td></tr>",
        "<tr><td>申请人情况</td><td>自然人</td></tr>",
        "</table></body></html>"])
    report = parse_report(page.encode(), "one_table.html")
    rules = {c.col_code: (c.value, c.source_line) for c in report.cells if c.row_code == "rules"}
    assert rules == {"issued": (1, 5), "repealed": (0, 5), "in_force": (11, 5)}
    assert report.table_encoding == "html_tables"


def test_a_prose_paragraph_headed_like_a_section_does_not_start_it():
    text = "\n".join([
        "一、总体情况", "（二）主动公开政府信息情况", "全年制定规章2件，主动公开政府信息326条。",
        "二、主动公开政府信息情况", "第二十条 第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 2 0 11", "三、收到和处理政府信息公开申请情况"])
    active = find_sections(text)["active"]
    assert active.first_line == 4 and [t for _, t in active.lines][1] == "第二十条 第（一）项"


def test_headings_of_a_page_are_found_in_its_text_not_its_markup():
    html = ("<p><strong>二、</strong>主动公开政府信息情况</p>" + "<table><tr><td style='x'></td></tr></table>" * 200 +
            "<table><tr><td>第二十条第（一）项</td><td>1</td></tr></table>")
    page = HTML.read(html.encode())
    assert page.lines[0].text == "二、主动公开政府信息情况"
    assert "active" in find_sections(page.text)


def test_each_section_is_read_by_its_own_encoding():
    report = _report(FIDELITY / "demo2021_mixed.txt")
    encodings = {c.section: c.table_encoding for c in report.cells}
    assert encodings == {"active": "cell_per_line", "requests": "markdown_tables", "appeals": "spaced_text"}


@pytest.mark.parametrize("label, row", [
    ("本年度办 理结果（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只记这一情形，不记其他情形）", "partly_granted"),
    ("1、信访投诉举报类申请", "not_processed_petition"),
    ("1. 信访举报投诉类申请", "not_processed_petition"),
    ("（七）合计", "total_processed"),
    ("３．危及“三安全一稳定”", "refused_three_security_one_stability"),
    ("5.要求行政机关确认或重新出", "not_processed_confirmation"),
    ("办 4.保护第三方合法权益", "refused_third_party"),
    ("规范性文件", "normative_docs"),
])
def test_labels_match_whatever_their_drift(label, row):
    section = "active" if row == "normative_docs" else "requests"
    assert index("2021", section).match(label).code == row


def test_detect_prefers_no_encoding_over_a_wrong_one():
    assert detect([(1, "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。")]) is None


REQUESTS_2021 = FORMS["2021"].section("requests")
VERTICAL = "三本年度办理结果（三）不予公开"
GROUP_PIECES = [["（三）不", "予公开"], ["（四）无"], ["法提供"], ["（五）不", "予处理"], ["（六）其", "他处理"]]


@st.composite
def pdf_text_of_requests(draw):
    """三 as PDF text comes out: each row's label on its numbers' line, above them, or wrapped around
    them; 1、 for 1.; spaces inside labels; vertical labels, group labels and page numbers between."""
    lines, expected = [], {}
    for row in REQUESTS_2021.rows:
        numbers = [str(draw(st.integers(0, 9999))) for _ in REQUESTS_2021.columns]
        expected[row.code] = numbers
        label = row.label_zh
        if draw(st.booleans()):
            label = label.replace(".", "、", 1)
        if draw(st.booleans()):
            cut = draw(st.integers(1, len(label) - 1))
            label = label[:cut] + " " + label[cut:]
        values = " ".join(numbers)
        layouts = [[f"{label} {values}"], [label, values]]
        if len(label) >= 8:  # a label long enough to wrap in its cell
            cut = draw(st.integers(3, len(label) - 2))
            head, tail = label[:cut], label[cut:]
            layouts += [[head, values, tail], [head, tail, values], [head, f"{tail} {values}"]]
        lines += draw(st.sampled_from(layouts))
    noisy = []
    for line in lines:
        noise = draw(st.sampled_from(["", "", "", "vertical", "prefix", "page", "group"]))
        if noise == "vertical":
            noisy.append(draw(st.sampled_from(VERTICAL)))
        elif noise == "page":
            noisy += [f"— {draw(st.integers(1, 9))} —", "\f"]
        elif noise == "group":
            noisy += draw(st.sampled_from(GROUP_PIECES))
        elif noise == "prefix":
            line = f"{draw(st.sampled_from(VERTICAL))} {line}"
        noisy.append(line)
    return noisy, expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pdf_text_of_requests())
def test_pdf_text_of_the_requests_table_is_read_exactly_whatever_its_layout(case):
    lines, expected = case
    result = _requests("\n".join(lines), "spaced_text")
    got: dict[str, list] = {}
    for cell in result.cells:
        got.setdefault(cell.row_code, []).append(cell.raw_text)
    assert got == expected, [(f.rule, f.row_code, f.raw_text, f.source_line) for f in result.findings]


@st.composite
def converted_markdown_of_requests(draw):
    """三 as a PDF-to-Markdown converter leaves it: pipe rows, some with their label moved out into text
    after a table break, and stray single numbers."""
    lines, expected, moved = ["|---|---|"], {}, []
    for row in REQUESTS_2021.rows:
        numbers = [str(draw(st.integers(0, 99))) for _ in REQUESTS_2021.columns]
        expected[row.code] = numbers
        keep = draw(st.sampled_from([True, True, False]))
        lines.append("| " + " | ".join(([row.label_zh] if keep else []) + numbers) + " |")
        if not keep:
            moved.append(row.label_zh)
        if draw(st.integers(0, 5)) == 0:
            lines += ["|---|---|---|---|---|---|---|", *moved[-2:]]
        if draw(st.integers(0, 12)) == 0:
            lines.append(str(draw(st.integers(0, 9))))
    return lines, expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(converted_markdown_of_requests())
def test_markdown_fragments_give_right_values_or_findings_never_wrong_ones(case):
    lines, expected = case
    rows = ENCODINGS["markdown_tables"].rows(_lines("\n".join(lines)))
    result = interpret("2021", "requests", rows, "markdown_tables")
    got: dict[str, list] = {}
    for cell in result.cells:
        got.setdefault(cell.row_code, []).append(cell.raw_text)
    assert all(got[r] == expected[r] for r in got)
    assert {f.row_code for f in result.findings if f.rule == "P3"} == set(expected) - set(got)
    # Nothing lost: every number of the text is a cell or a finding.
    numbers = sum(1 for row in rows for c in row if c.text.isdigit())
    reported = sum(1 for f in result.findings if f.rule in ("P1", "P2", "P4"))
    assert sum(1 for c in result.cells if c.raw_text is not None) + reported == numbers
