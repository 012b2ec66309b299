"""Properties of the parser on mutated reports: whatever is done to a real report's text (lines cut,
noise inserted, labels swapped for their variants, other byte encodings, whitespace shuffled), the
parser never fails and what it produces always fits the facts and findings schemas.

The examples are bounded and derived deterministically (derandomize), so CI runs the same cases
every time; the mutations are drawn from the samples and the real-world fixtures.
"""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.frames import facts_frame, findings_frame
from pipelines.model import STATUSES
from pipelines.report import parse_report
from pipelines.text import decode
from pipelines.validate import schema_failures
from schemas import tables
from schemas.forms import FORMS

from .conftest import FIXTURES, SAMPLES_DIR

SOURCES = {p.name: p.read_text(encoding="utf-8") for p in [
    *sorted(SAMPLES_DIR.iterdir()),
    *(FIXTURES / "real_world" / name for name in (
        "pingtan_2021_flattened.txt", "pingtan_2022_flattened.txt", "pingtan_2018_legacy_format.txt",
        "pingtan_2014_not_a_report.txt", "huaian_city_2024_pdftext.txt", "shanghai_kewei_2024.md")),
]}
# Every label with a variant the forms know of, both ways round (结果维持 ↔ 结果维护, 总计 ↔ 合计 …).
VARIANTS = sorted({pair for f in FORMS.values() for s in f.sections for item in (*s.rows, *s.columns)
                   for other in item.synonyms for pair in ((item.label_zh, other), (other, item.label_zh))})
LABELS = sorted({label for f in FORMS.values() for s in f.sections for item in (*s.rows, *s.columns)
                 for label in item.labels})
NOISE = st.one_of(
    st.sampled_from(LABELS),
    st.sampled_from(["-4-", "— 4 —", "\f", "|", "| |", "\t\t", "0 0 0 0 0 0 0", "640020470", "1 撤诉", "——",
                     "二、主动公开政府信息情况", "四、政府信息公开行政复议、行政诉讼情况", "（七）总计", "<td>3</td>",
                     "2020年1月1日", "１２３", "+801", "12900 万元"]),
    st.text(alphabet=st.sampled_from("0123456789 \t-.|（）、一二三四总计合计公开申请\u3000"), max_size=40),
)
WHITESPACE = ["", " ", "  ", "\t", "\u3000", "\u00a0", " \t "]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "crlf", "cr"]


def _encode(text: str, how: str) -> bytes:
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if how == "cr":
        return text.replace("\n", "\r").encode("utf-8")
    if how == "gbk":
        try:
            return text.encode("gbk")
        except UnicodeEncodeError:  # noise outside GBK: GB18030 holds every character
            return text.encode("gb18030")
    if how == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(how)


@st.composite
def mutated(draw):
    """A source text after a few mutations, and the bytes it is written in."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    lines = SOURCES[name].split("\n")
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["cut", "noise", "variant", "space", "truncate"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "cut" and len(lines) > 1:
            del lines[i]
        elif op == "noise":
            lines.insert(i, draw(NOISE))
        elif op == "variant":
            old, new = draw(st.sampled_from(VARIANTS))
            lines = "\n".join(lines).replace(old, new, draw(st.integers(1, 3))).split("\n")
        elif op == "space":
            line = lines[i]
            spots = [k for k, ch in enumerate(line) if ch.isspace()] or [len(line)]
            k = draw(st.sampled_from(spots))
            lines[i] = line[:k] + draw(st.sampled_from(WHITESPACE)) + line[k + 1:]
        elif op == "truncate":
            lines = lines[:i + 1]
    return name, _encode("\n".join(lines), draw(st.sampled_from(ENCODINGS)))


def _check(report, data: bytes) -> None:
    assert report.status in STATUSES
    assert "parser error" not in (report.status_reason or ""), report.status_reason
    if report.status not in ("parsed", "partial"):
        assert report.cells == [], "only reports whose tables were read have facts"
    facts = facts_frame([report])
    failures = schema_failures(tables.Facts, facts)
    assert failures is None, failures
    findings = findings_frame([report])
    failures = schema_failures(tables.Findings, findings)
    assert failures is None, failures
    # Every value leads back to the line the report wrote it on.
    if report.cells:
        lines = decode(data).lines
        for cell in report.cells:
            if cell.value is not None:
                assert cell.raw_text.split()[0] in lines[cell.source_line - 1], (cell, lines[cell.source_line - 1])


@settings(max_examples=90, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_reports_never_break_the_parser_or_the_schema(case):
    name, data = case
    _check(parse_report(data, name), data)


@settings(max_examples=24, derandomize=True, deadline=None, database=None)
@given(st.sampled_from(sorted(SOURCES)), st.sampled_from(ENCODINGS))
def test_the_byte_encoding_changes_nothing_but_its_record(name, how):
    text = SOURCES[name]
    reference = parse_report(text.encode("utf-8"), name)
    data = _encode(text, how)
    report = parse_report(data, name)
    assert report.cells == reference.cells
    assert report.findings == reference.findings
    assert (report.status, report.agency, report.year, report.published, report.form_version) == \
           (reference.status, reference.agency, reference.year, reference.published, reference.form_version)
    _check(report, data)


@settings(max_examples=30, derandomize=True, deadline=None, database=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_are_recorded_not_raised(data):
    report = parse_report(data, "bytes.txt")
    _check(report, data)
    assert report.status == "parsed" or report.status_reason, "a report not parsed says why"
