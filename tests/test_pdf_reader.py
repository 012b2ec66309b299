"""The PDF reader: the stages of its layout alone, the real Huai'an report read directly, PDFs it must
refuse with a reason, fonts that are not embedded, and generated PDFs against their truth."""

from __future__ import annotations

import io
import random
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.corpus import Spec, generate, truth_cells
from pipelines.document import Document
from pipelines.encodings.base import is_page_furniture
from pipelines.readers import reader_for
from pipelines.readers import pdf_layout as layout
from pipelines.readers.pdf import READER, SCANNED, cells_of, read_pages
from pipelines.readers.pdf_layout import Box, Char, Edge
from pipelines.report import parse_report
from pipelines.text import Unreadable, decode

from .conftest import FIXTURES
from .test_fidelity import Case, expected_cells

PDFS = FIXTURES / "pdf"
HUAIAN = PDFS / "huaian_city_2024.pdf"
HUAIAN_TEXT = FIXTURES / "real_world" / "huaian_city_2024_pdftext.txt"



@pytest.fixture(scope="module")
def huaian() -> Document:
    return READER.read(HUAIAN.read_bytes())


# --- the layout, stage by stage ------------------------------------------------------------------------


def _char(text: str, x: float, top: float, size: float = 10.0) -> Char:
    return Char(text, x, x + size, top, top + size, size)


def _run(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [_char(ch, x + i * size, top, size) for i, ch in enumerate(text)]


def test_chars_on_one_baseline_make_a_line_and_a_gap_makes_one_space():
    chars = _run("规章", 0, 100) + _run("11", 60, 100.5) + _run("行政", 0, 112)
    lines = layout.text_lines(list(reversed(chars)))
    assert [line.text for line in lines] == ["规章 11", "行政"]


def test_a_vertical_label_one_character_a_line_stays_one_line_each():
    chars = [_char(ch, 0, 100 + 14 * i) for i, ch in enumerate("本年度")] + _run("30", 40, 100)
    assert [line.text for line in layout.text_lines(chars)] == ["本 30", "年", "度"]


def test_wrapped_chinese_joins_without_a_space_and_latin_with_one():
    assert layout.join_lines(["商业企", "业"]) == "商业企业"
    assert layout.join_lines(["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）"]) == \
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert layout.join_lines(["Total", "amount"]) == "Total amount"


def test_rules_drawn_in_pieces_are_joined_and_ticks_dropped():
    edges = [Edge("h", 0, 50, 10, 10), Edge("h", 50, 100, 10.8, 10.8), Edge("h", 0, 1, 40, 40)]
    merged = layout.merge_edges(edges)
    assert len(merged) == 1 and merged[0].x0 == 0 and merged[0].x1 == 100 and abs(merged[0].top - 10.4) < 0.01


def _grid_edges() -> list[Edge]:
    """A 3×3 grid of 30-point cells whose top row is one cell over all three columns, and whose left
    column's lower two cells are one cell (a label merged down)."""
    return [Edge("h", 0, 90, 0, 0), Edge("h", 0, 90, 30, 30), Edge("h", 30, 90, 60, 60), Edge("h", 0, 90, 90, 90),
            Edge("v", 0, 0, 0, 90), Edge("v", 30, 30, 30, 90), Edge("v", 60, 60, 30, 90), Edge("v", 90, 90, 0, 90)]


def test_crossings_of_the_rules():
    points = layout.intersections(layout.merge_edges(_grid_edges()))
    assert (0, 0) in points and (90, 90) in points and (30, 60) in points
    assert (0, 60) not in points  # the rule at 60 starts at x = 30: the merged label has none
    assert (30, 0) not in points  # nor does the top row's merged cell


def test_cells_closed_by_rules_and_their_spans_in_the_grid():
    edges = layout.merge_edges(_grid_edges())
    boxes = layout.cells(layout.intersections(edges), edges)
    assert len(boxes) == 6
    (table,) = layout.tables(boxes)
    assert table.xs == [0, 30, 60, 90] and table.ys == [0, 30, 60, 90]
    spans = sorted(table.place(b) for b in boxes)
    assert spans == [(0, 0, 1, 3), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)]


def test_separate_grids_are_separate_tables():
    shifted = [Edge(e.orientation, e.x0, e.x1, e.top + 200, e.bottom + 200) for e in _grid_edges()]
    edges = layout.merge_edges(_grid_edges() + shifted)
    tables = layout.tables(layout.cells(layout.intersections(edges), edges))
    assert [t.ys[0] for t in tables] == [0, 200]


@st.composite
def merged_grids(draw) -> list[Box]:
    """A table as the rectangles of its cells: random column widths and row heights, and cells merged
    over random blocks of rows and columns."""
    widths = draw(st.lists(st.integers(12, 80), min_size=2, max_size=7))
    heights = draw(st.lists(st.integers(12, 40), min_size=1, max_size=7))
    xs = [72 + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [100 + sum(heights[:i]) for i in range(len(heights) + 1)]
    taken: set[tuple[int, int]] = set()
    boxes = []
    for r in range(len(heights)):
        for c in range(len(widths)):
            if (r, c) in taken:
                continue
            rowspan = draw(st.integers(1, len(heights) - r))
            colspan = 1
            while c + colspan < len(widths) and (r, c + colspan) not in taken and draw(st.booleans()):
                colspan += 1
            while any((r + rowspan - 1, c + k) in taken for k in range(colspan)):
                rowspan -= 1
            taken |= {(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)}
            boxes.append(Box(xs[c], ys[r], xs[c + colspan], ys[r + rowspan]))
    return boxes


@settings(max_examples=200, deadline=None)
@given(merged_grids())
def test_any_grid_of_merged_cells_is_found_with_its_spans(boxes):
    edges = [e for b in boxes for e in (Edge("h", b.x0, b.x1, b.top, b.top), Edge("h", b.x0, b.x1, b.bottom, b.bottom),
                                         Edge("v", b.x0, b.x0, b.top, b.bottom), Edge("v", b.x1, b.x1, b.top, b.bottom))]
    edges = layout.merge_edges(edges)
    (table,) = layout.tables(layout.cells(layout.intersections(edges), edges))
    assert sorted((b.x0, b.top, b.x1, b.bottom) for b in table.boxes) == sorted((b.x0, b.top, b.x1, b.bottom) for b in boxes)
    # Rows and columns are the lines some cell begins or ends at.
    xs = sorted({b.x0 for b in boxes} | {b.x1 for b in boxes})
    ys = sorted({b.top for b in boxes} | {b.bottom for b in boxes})
    for box in boxes:
        want = (ys.index(box.top), xs.index(box.x0), ys.index(box.bottom) - ys.index(box.top),
                xs.index(box.x1) - xs.index(box.x0))
        assert table.place(box) == want


def test_a_box_holds_the_characters_whose_middle_is_inside():
    box = Box(0, 0, 30, 30)
    assert box.holds(_char("a", 5, 5)) and not box.holds(_char("b", 25, 5))


# --- the Huai'an report --------------------------------------------------------------------------------


def test_the_reader_is_found_by_the_file_name():
    assert reader_for("报告.PDF") is READER


def test_the_huaian_pdf_gives_every_cell_of_its_text_rendering(huaian):
    report = parse_report(HUAIAN.read_bytes(), HUAIAN.name)
    case = Case(HUAIAN, "huaian_city_2024_pdftext.expected.tsv", "", "")
    expected = expected_cells(case, report.form_version)
    got = {(c.section, c.row_code, c.col_code): c.value for c in report.cells}
    assert report.status == "parsed" and report.form_version == "2021" and report.year == 2024
    assert report.agency == "淮安市人民政府"
    assert len(expected.cells) == 200
    assert {k: got.get(k) for k in expected.cells} == expected.cells
    # …and the same values as the text a PDF extractor gave, cell for cell, with the same findings.
    text = parse_report(HUAIAN_TEXT.read_bytes(), HUAIAN_TEXT.name)
    assert {(c.section, c.row_code, c.col_code): c.value for c in text.cells} == got
    assert sorted((f.rule, f.row_code, f.col_code) for f in text.findings) == \
        sorted((f.rule, f.row_code, f.col_code) for f in report.findings)


def test_every_value_points_at_its_page_and_line(huaian):
    report = parse_report(HUAIAN.read_bytes(), HUAIAN.name)
    # The parse resolves a cell to the page and the line on that page where a person finds it.
    by_place = {}
    for line in huaian.lines:
        by_place.setdefault((line.origin.page, line.origin.line), []).append(line.text)
    for cell in report.cells:
        if cell.value is not None:
            assert cell.origin is not None and cell.origin.page is not None and cell.source_line is not None
            assert any(cell.raw_text.split()[0] in text for text in by_place[(cell.origin.page, cell.source_line)])
    where = {(c.section, c.row_code, c.col_code): c.origin for c in report.cells}
    assert where[("active", "licensing", "decisions")].page == 3
    assert where[("active", "penalty", "decisions")].page == 4
    assert where[("requests", "received", "total")].page == 4
    assert where[("requests", "carried_forward", "total")].page == 5
    assert where[("appeals", "review", "total")].page == 5


def test_the_table_of_section_three_runs_across_the_page_break_as_one(huaian):
    requests = next(t for t in huaian.tables if any(c.text == "申请人情况" for c in t.cells))
    assert {c.origin.page for c in requests.cells} == {4, 5}
    rows = [line for line in huaian.lines if line.table == huaian.tables.index(requests)]
    assert [line.row for line in rows] == list(range(requests.n_rows))
    assert rows[-1].text.startswith("四、结转下年度继续办理")
    # The page number between the two parts stands after the table, not inside it.
    after = huaian.lines[huaian.lines.index(rows[-1]) + 1]
    assert after.text == "-4-" and after.table is None and after.origin.page == 4


def test_merged_cells_keep_their_spans_and_wrapped_text_is_joined(huaian):
    cells = {c.text: c for t in huaian.tables for c in t.cells}
    vertical = cells["三、本年度办理结果"]  # written one character a line down its merged cell
    assert vertical.rowspan > 10 and vertical.colspan == 1
    assert cells["商业企业"].rowspan == 1  # "商业企" over "业" in the PDF
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in cells
    assert cells["申请人情况"].colspan == 7


def test_prose_is_read_by_baseline_with_its_page_and_line(huaian):
    first = huaian.lines[0]
    assert first.text == "淮安市人民政府" and (first.origin.page, first.origin.line) == (1, 1)
    assert huaian.title == "政府信息公开工作年度报告"
    assert huaian.lines[-1].text == "-6-" and huaian.lines[-1].origin.page == 6


# --- PDFs refused with a reason ------------------------------------------------------------------------


@pytest.mark.parametrize("data, reason", [
    ((PDFS / "scanned_page.pdf").read_bytes(), SCANNED),
    ((PDFS / "encrypted.pdf").read_bytes(), "encrypted PDF: it needs a password to open"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged PDF"),
    (HUAIAN.read_bytes()[:60_000], "damaged PDF"),
    (b"<html>not a pdf</html>", "damaged PDF: no %PDF header"),
], ids=["scanned", "encrypted", "garbage", "truncated", "not a pdf"])
def test_unreadable_pdfs_say_why(data, reason):
    with pytest.raises(Unreadable) as error:
        READER.read(data)
    assert str(error.value).startswith(reason)


def test_blank_pages_are_no_text_layer_but_not_a_scan():
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.showPage()
    canvas.save()
    with pytest.raises(Unreadable, match="the pages are blank"):
        READER.read(out.getvalue())


# --- fonts that are not embedded -----------------------------------------------------------------------


def test_lone_characters_of_a_font_not_embedded_are_kept():
    """reportlab's STSong-Light is a CID font never embedded: PDFium, with no Chinese font installed,
    gives no text for a character alone in its text object (a vertical label); the page is read again
    with pdfminer.six."""
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(font("cid"), 10)
    canvas.drawString(72, 800, "三、收到和处理政府信息公开申请情况")
    for i, ch in enumerate("本年度"):
        canvas.drawString(80, 760 - 14 * i, ch)
        canvas.drawString(120, 760 - 14 * i, f"{i} 0 12")
    canvas.showPage()
    canvas.save()
    document = READER.read(out.getvalue())
    assert [line.text for line in document.lines] == ["三、收到和处理政府信息公开申请情况", "本 0 0 12", "年 1 0 12",
                                                      "度 2 0 12"]


# --- generated PDFs against their truth ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf_corpus")
    generate(out, Spec(8, seed=5, encodings=("pdf_ruled", "pdf_unruled")), workers=1)
    return out


def _wrong_cells(path: Path, name: str, truth: pl.DataFrame) -> list:
    report = parse_report(path.read_bytes(), path.name)
    got = {(c.section, c.row_code, c.col_code): c.value for c in report.cells}
    mine = truth.filter(pl.col("source_file") == name)
    assert mine.height > 150
    return [(s, r, c, v, got.get((s, r, c))) for s, r, c, v in mine.select("section", "row_code", "col_code", "value").rows()
            if got.get((s, r, c)) is None or abs(float(got[(s, r, c)]) - v) > 1e-6]


def test_generated_pdfs_are_read_at_100_percent(corpus):
    truth = truth_cells(corpus).collect()
    files = sorted((corpus / "raw").rglob("*.pdf"))
    assert {f.parent.name for f in files} == {"pdf_ruled", "pdf_unruled"}
    for path in files:
        name = str(path.relative_to(corpus / "raw"))
        assert _wrong_cells(path, name, truth) == [], name


def test_generated_pdfs_have_tables_across_pages_and_page_numbers(corpus):
    across = 0
    for path in sorted((corpus / "raw").rglob("*.pdf")):
        document = READER.read(path.read_bytes())
        assert document.lines[-1].text == f"- {max(line.origin.page for line in document.lines)} -"
        if path.parent.name == "pdf_ruled":
            assert len(document.tables) == 3
            across += any(len({c.origin.page for c in t.cells}) > 1 for t in document.tables)
        else:
            assert not document.tables
    assert across >= 1


def test_a_generated_pdf_in_a_font_not_embedded_is_read_the_same(monkeypatch):
    """The same report set in STSong-Light, not embedded: the reader gives every cell all the same."""
    from pipelines import corpus, corpus_pdf

    form = corpus.FORMS[corpus.FORM_OF_YEAR[2022]]
    cells = corpus.draw_numbers(form, corpus.Body("测试市交通运输局"), random.Random(7))
    embedded = corpus.render(form, "测试市交通运输局", 2022, "pdf_unruled", cells)
    monkeypatch.setitem(corpus.LAYOUTS, "pdf_unruled", corpus.Layout(
        None, ".pdf", document=lambda blocks: corpus_pdf.render(blocks, ruled=False, face_kind="cid")))
    cid = corpus.render(form, "测试市交通运输局", 2022, "pdf_unruled", cells)
    assert embedded != cid
    want = {(s, r, c): float(v) for (s, r, c), (v, _) in cells.items()}
    for data in (embedded, cid):
        report = parse_report(data, "x.pdf")
        assert {(c.section, c.row_code, c.col_code): float(c.value) for c in report.cells if c.value is not None} == want


def test_every_page_keeps_its_number_in_the_origin(corpus):
    path = sorted((corpus / "raw").rglob("*.pdf"))[0]
    pages = read_pages(path.read_bytes())
    document = READER.read(path.read_bytes())
    assert {line.origin.page for line in document.lines} == {p.number for p in pages}
    assert decode(document.text.encode()).text == document.text


def _paged_table(head: str, rows_by_page: list[list[list[str]]]) -> bytes:
    """A ruled table of three columns run over pages, each page with a running head and its number at
    the foot."""
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    face = font()
    xs = (72, 300, 400, 500)
    for number, rows in enumerate(rows_by_page, 1):
        canvas.setFont(face, 9)
        canvas.drawString(72, 800, head)
        top = 200 if number == 1 else 760  # the first part stands at the foot of its page
        canvas.line(xs[0], top, xs[-1], top)
        for row in rows:
            for x, text in zip(xs, row):
                canvas.drawString(x + 3, top - 14, text)
            canvas.line(xs[0], top - 20, xs[-1], top - 20)
            for x in xs:
                canvas.line(x, top, x, top - 20)
            top -= 20
        canvas.drawCentredString(297, 40, f"第 {number} 页")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_a_table_runs_on_past_a_running_head_and_a_page_number():
    data = _paged_table("测试市人民政府办公室文件", [[["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "11"]],
                                                    [["行政规范性文件", "8", "66"]]])
    document = READER.read(data)
    (table,) = document.tables
    assert [c.text for c in table.cells] == ["信息内容", "本年制发件数", "现行有效件数", "规章", "1", "11",
                                            "行政规范性文件", "8", "66"]
    assert [c.row for c in table.cells[-3:]] == [2, 2, 2] and table.cells[-1].origin.page == 2
    texts = [line.text for line in document.lines]
    assert texts == ["测试市人民政府办公室文件", "信息内容\t本年制发件数\t现行有效件数", "规章\t1\t11",
                     "行政规范性文件\t8\t66", "第 1 页", "测试市人民政府办公室文件", "第 2 页"]


def test_a_text_layer_without_unicode_is_unreadable():
    from pipelines.readers import pdf

    page = pdf.Page(1, [Char(chr(0xE000 + i), 10 * i, 10 * i + 9, 0, 10, 10) for i in range(20)], [], 0)
    with pytest.raises(Unreadable, match="without Unicode"):
        pdf.check_text([page])


def test_a_table_whose_rules_close_only_some_columns_is_read_as_lines():
    """Drawn without its outer sides, a table's inner columns close into cells but its labels and
    totals do not: its rows are read whole, as lines, rather than half as cells."""
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(font(), 9)
    xs, top = (72, 250, 320, 390, 460, 530), 700
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数", ""], ["规章", "1", "0", "11", ""],
            ["行政规范性文件", "8", "26", "66", ""]]
    for row in rows:
        for x, text in zip(xs, row):
            canvas.drawString(x + 3, top - 14, text)
        canvas.line(xs[0], top, xs[-1], top)
        top -= 20
    canvas.line(xs[0], top, xs[-1], top)
    for x in xs[1:-1]:  # inner rules only
        canvas.line(x, 700, x, top)
    canvas.showPage()
    canvas.save()
    document = READER.read(out.getvalue())
    assert not document.tables
    assert [line.text for line in document.lines] == ["信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 1 0 11",
                                                      "行政规范性文件 8 26 66"]


def test_cells_drawn_as_rectangles_each_make_the_grid():
    """Each cell stroked as a rectangle of its own (shared sides drawn twice) and a label merged over
    two rows: the rectangles' sides are the rules."""
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(font(), 9)
    cells = [(72, 700, 100, 40, "行政复议"), (172, 700, 80, 20, "结果维持"), (252, 700, 80, 20, "总计"),
             (172, 680, 80, 20, "72"), (252, 680, 80, 20, "351")]
    for x, top, w, h, text in cells:
        canvas.rect(x, top - h, w, h)
        canvas.drawString(x + 3, top - 14, text)
    canvas.showPage()
    canvas.save()
    (table,) = READER.read(out.getvalue()).tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [
        ("行政复议", 0, 0, 2, 1), ("结果维持", 0, 1, 1, 1), ("总计", 0, 2, 1, 1), ("72", 1, 1, 1, 1), ("351", 1, 2, 1, 1)]


def test_the_same_report_renders_to_the_same_bytes():
    """A rerun over a generated corpus finds nothing new: the PDF carries no time stamp or random id."""
    from pipelines import corpus

    form = corpus.FORMS[corpus.FORM_OF_YEAR[2020]]
    cells = corpus.draw_numbers(form, corpus.Body("测试县民政局"), random.Random(3))
    for layout in ("pdf_ruled", "pdf_unruled"):
        assert corpus.render(form, "测试县民政局", 2020, layout, cells) == corpus.render(form, "测试县民政局", 2020, layout, cells)


def test_pdfminer_reads_only_pages_that_lost_characters(corpus, monkeypatch):
    """Pages in an embedded font (and the Huai'an report) never pay for the slower second reading."""
    from pipelines.readers import pdf

    def refuse(*args):
        raise AssertionError("read again with pdfminer.six")

    monkeypatch.setattr(pdf, "_pdfminer_chars", refuse)
    for path in [HUAIAN, *sorted((corpus / "raw").rglob("*.pdf"))]:
        READER.read(path.read_bytes())


def test_a_page_of_drawing_is_read_as_lines():
    """A page whose paths are a drawing (thousands of short rules, as a chart or text turned to outlines
    gives) is no table: its text is read as lines."""
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(font(), 9)
    canvas.drawString(72, 760, "图表 12 34")
    for i in range(900):  # ticks apart from each other: no two join into one rule
        x, y = 72 + (i % 30) * 15, 100 + (i // 30) * 20
        canvas.line(x, y, x + 6, y)
        canvas.line(x, y + 4, x, y + 10)
    canvas.showPage()
    canvas.save()
    document = READER.read(out.getvalue())
    assert not document.tables and [line.text for line in document.lines] == ["图表 12 34"]


def test_a_pdf_that_forbids_copying_but_opens_without_a_password_is_read():
    """Many reports are published with an owner password only (no copying, no editing): that is no
    lock on reading."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    from pipelines.corpus_pdf import font

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0))
    canvas.setFont(font(), 12)
    canvas.drawString(72, 760, "测试局2024年政府信息公开工作年度报告")
    canvas.showPage()
    canvas.save()
    assert [line.text for line in READER.read(out.getvalue()).lines] == ["测试局2024年政府信息公开工作年度报告"]


def test_a_second_reading_fills_only_the_places_left_empty():
    from pipelines.readers.pdf import fill_lost

    first = _run("0 12", 40, 100)
    second = _run("本", 0, 100) + _run("0 12", 40, 100) + [Char("(cid:12)", 80, 90, 100, 110, 10)]
    assert [c.text for c in fill_lost(first, second)] == ["0", " ", "1", "2", "本"]


def test_page_numbers_between_the_parts_of_a_ruled_table_are_no_finding():
    """A table of 三 running across pages has the page's number between its parts: page furniture,
    not values under no row label (P4)."""
    from pipelines import corpus

    form = corpus.FORMS[corpus.FORM_OF_YEAR[2019]]
    cells = corpus.draw_numbers(form, corpus.Body("测试市交通运输局"), random.Random(18))
    report = parse_report(corpus.render(form, "测试市交通运输局", 2019, "pdf_ruled", cells), "x.pdf")
    document = READER.read(corpus.render(form, "测试市交通运输局", 2019, "pdf_ruled", cells))
    assert any(is_page_furniture(line.text) and line.table is None for line in document.lines)
    assert report.status == "parsed" and report.table_encoding == "pdf_tables"
    assert [f for f in report.findings if f.rule.startswith("P")] == []


def _digits(text: str, x0: float, width: float = 4.4, top: float = 10.0) -> list[Char]:
    return [Char(c, x0 + i * width, x0 + (i + 1) * width, top, top + 8.0, 8.0) for i, c in enumerate(text)]


def test_a_number_wider_than_its_cell_is_read_whole_in_the_cell_that_holds_most_of_it():
    # Three ruled cells of one row, 0–20, 20–40, 40–60: "1766" runs over the first rule, "1289" past the
    # table's right edge, and "0" sits in the middle cell as written.
    grid = layout.grid_of([Box(x, 0.0, x + 20.0, 30.0) for x in (0.0, 20.0, 40.0)])
    over, beside, past = _digits("1766", 6.0), _digits("0", 28.0), _digits("1289", 46.0)
    chars = over + beside + past
    boxes = cells_of(grid, chars, layout.number_runs(chars))
    first, middle, last = sorted(grid.boxes, key=lambda b: b.x0)
    assert grid.box_of(over[-1]) == middle and grid.box_of(past[-1]) is None, "the digits past the rules"
    assert {boxes[id(c)] for c in over} == {first}
    assert boxes[id(beside[0])] == middle
    assert {boxes[id(c)] for c in past} == {last}


def test_texts_that_collide_over_a_rule_stay_two_numbers():
    # "1818" runs over the rule and its last digit is drawn over the first of "653": two texts, not one
    # number of seven digits.
    grid = layout.grid_of([Box(x, 0.0, x + 16.0, 30.0) for x in (0.0, 16.0)])
    left, right = _digits("1818", 2.0), _digits("653", 18.0)
    chars = left + right
    runs = layout.number_runs(chars)
    assert ["".join(c.text for c in run) for run in runs] == ["1818", "653"]
    boxes = cells_of(grid, chars, runs)
    first, second = sorted(grid.boxes, key=lambda b: b.x0)
    assert {boxes[id(c)] for c in left} == {first} and {boxes[id(c)] for c in right} == {second}


def test_numbers_apart_in_neighbouring_cells_are_not_joined():
    chars = _digits("72", 2.0) + _digits("64", 22.0)  # a gap of twice a digit between them
    assert ["".join(c.text for c in run) for run in layout.number_runs(chars)] == ["72", "64"]
