"""Bytes to text: every encoding a report arrives in, line ends, and files that are no text."""

from __future__ import annotations

import codecs
import random
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.report import parse_report
from pipelines.text import Unreadable, decode, nfkc_text, normalise, strip_numbering

from .conftest import SAMPLES_DIR

SAMPLE = "003_f38378f0edcefb48.txt"  # tab rows, an annotation, a unit: the richest sample
TEXT = (SAMPLES_DIR / SAMPLE).read_text(encoding="utf-8")


@pytest.mark.parametrize("data, recorded", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16-le"),  # Python writes the byte-order mark, little-endian here
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),  # no byte-order mark: the NUL bytes of ASCII give it away
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("utf-32"), "utf-32-le"),
])
def test_every_encoding_decodes_to_the_same_text(data, recorded):
    decoded = decode(data)
    assert decoded.text == TEXT
    assert decoded.encoding == recorded


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_line_ends_become_lf(ending):
    decoded = decode(TEXT.replace("\n", ending).encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.lines == TEXT.split("\n"), "line numbers do not move"


def test_gbk_copy_of_a_sample_gives_exactly_the_same_cells():
    utf8 = parse_report(TEXT.encode("utf-8"), SAMPLE)
    for data in (TEXT.encode("gbk"), codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
                 TEXT.replace("\n", "\r\n").encode("gbk")):
        other = parse_report(data, SAMPLE)
        assert other.cells == utf8.cells
        assert other.findings == utf8.findings
        assert (other.status, other.agency, other.year, other.published) == \
               (utf8.status, utf8.agency, utf8.year, utf8.published)
    assert parse_report(TEXT.encode("gbk"), SAMPLE).text_encoding == "gb18030"
    assert len(utf8.cells) > 100


def test_a_few_damaged_bytes_do_not_turn_utf8_into_gb18030():
    data = TEXT.encode("utf-8")
    cut = data.index("总体情况".encode("utf-8")) + 1  # inside a character
    decoded = decode(data[:cut] + data[cut + 2:])
    assert decoded.encoding == "utf-8 (1 undecodable sequences replaced)"
    assert "\ufffd" in decoded.text and "政府信息公开" in decoded.text
    assert decoded.text.replace("\ufffd", "") == TEXT.replace("总体情况", "体情况", 1), "nothing else is lost"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b" \r\n\t\n", "empty file"),
    (codecs.BOM_UTF8, "empty file"),
    (codecs.BOM_UTF16_LE + " \u3000\n".encode("utf-16-le"), "empty file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    (b"\x00\x01\x02\x03binary\x00\x00\x00\x07" * 50, "binary"),
    (bytes(range(1, 32)) * 40, "control characters"),
    (codecs.BOM_UTF8 + b"\xff\xfe\xfd abc", "byte-order mark"),
])
def test_bytes_that_are_no_text_are_unreadable_with_the_reason(data, reason):
    with pytest.raises(Unreadable, match=reason):
        decode(data)


def test_random_bytes_are_unreadable_and_recorded():
    data = random.Random(7).randbytes(3000)
    report = parse_report(data, "noise.txt")
    assert report.status == "unreadable"
    assert report.status_reason and report.cells == []


def test_unreadable_report_keeps_its_reason():
    report = parse_report(bytes(range(256)) * 8, "report.txt")
    assert report.status == "unreadable" and "binary" in report.status_reason
    assert report.sha256 and report.report_id == report.sha256[:16]


def test_labels_are_compared_in_normal_form():
    assert normalise("（二）部分公开 （区分处理的）") == "(二)部分公开(区分处理的)"
    assert normalise("3.危及“三安全一稳定”") == "3.危及三安全一稳定"
    assert normalise("本年度办 理结果") == "本年度办理结果"
    assert normalise("〔2019〕") == "[2019]"
    assert strip_numbering(normalise("（七）总计")) == "总计"
    assert strip_numbering(normalise("1、信访举报投诉类申请")) == "信访举报投诉类申请"
    assert strip_numbering(normalise("四、结转下年度继续办理")) == "结转下年度继续办理"
    assert strip_numbering("2020年") == "2020年", "a year is not numbering"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_mark_in_a_text_of_many_ideographs(codec):
    # 公开 (开 is U+5F00) puts NUL bytes on both sides: the byte order is told by what reads as text.
    text = (SAMPLES_DIR / "004_a167b1e233f24ae1.txt").read_text(encoding="utf-8")
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


def test_html_tables_inside_a_text_are_grids_among_its_lines():
    from pipelines.readers.text import READER

    doc = READER.read("标题\n\n说明 <table>\n<tr><td>规章</td><td>1</td></tr></table> 后文\n\n末行\n".encode())
    assert [(line.text, line.origin.line, line.table) for line in doc.lines] == [
        ("标题", 1, None), ("", 2, None), ("说明 ", 3, None), ("规章\t1", 4, 0), (" 后文", 4, None), ("", 5, None),
        ("末行", 6, None), ("", 7, None)]
    assert doc.grid_format == "html" and doc.tables[0].cells[1].origin.line == 4
    plain = READER.read("a | b\n\n\tc\n".encode())
    assert [(line.text, line.origin.line) for line in plain.lines] == [("a | b", 1), ("", 2), ("\tc", 3), ("", 4)]
    assert plain.grid_format is None and plain.tables == []


# Characters NFKC changes, composes or reorders, beside line breaks: full-width forms, circled and
# parenthesised numbers, a decomposed Hangul syllable's jamo, combining marks (of several classes) that
# compose with a base or are reordered, ligatures, the ideographic space, CR.
_NFKC_TRICKY = "\n\r 1a（）：，①⑴㈠ﬁ\u3000\u1100\u1161\u11a8e\u0301\u0327\u0323\u0308\u212b\uff21规章"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_NFKC_TRICKY, max_size=40))
def test_a_whole_text_in_nfkc_is_the_same_normalised_line_by_line(text):
    assert nfkc_text(text) == unicodedata.normalize("NFKC", text)


# Every character Python counts as a space (the regex `\s` of the labels' folding), the quotes it
# drops, the brackets it rewrites, and text around them.
_FOLDED = "规章 a1\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000\u200b\"'“”‘’「」『』〔〕【】"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_FOLDED, max_size=40))
def test_normalising_drops_exactly_the_spaces_and_quotes_a_regex_would(text):
    expected = re.sub("[\"'“”‘’「」『』\\s]+", "", unicodedata.normalize("NFKC", text).replace("〔", "[").replace(
        "〕", "]").replace("【", "[").replace("】", "]"))
    assert normalise(text) == expected
    assert normalise(text * 20) == expected * 20  # a whole text, not a label
