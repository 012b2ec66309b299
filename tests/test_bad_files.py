"""Nothing is lost: every input file gets a row in `reports` with a status and, unless it was parsed
cleanly, a reason; every cell the parser read reaches `facts`. The bad files are built here."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from assets import checks
from assets.resources import GongkaiPaths
from assets.runs import run_all
from pipelines import report as report_module
from pipelines.frames import facts_frame, findings_frame, reports_frame
from pipelines.report import MAX_BYTES, parse_file, parse_report
from pipelines.validate import all_findings
from pipelines.warehouse import query

from .conftest import SAMPLES_DIR
from .expected_samples import SAMPLES

SAMPLE = "000_4a5927c6b61291aa.txt"  # one cell a line, every cell written out

LEGACY = """某某县人民政府2017年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》要求编制。

一、概述
2017年，我县认真贯彻落实政府信息公开工作要求。

二、主动公开政府信息的情况
全年主动公开政府信息1200条。

三、依申请公开政府信息的情况
全年共受理政府信息公开申请15件，均按时答复。

附件：政府信息公开情况统计表
指标 单位 数量
主动公开政府信息数 条 1200
收到申请数 件 15

某某县人民政府办公室
2018年3月20日
"""

NOTICE = """关于做好2014年度政府信息公开工作的通知

各乡镇人民政府，县直各单位：
为进一步做好政府信息公开工作，现将有关事项通知如下。
一、高度重视，加强领导。
二、按时报送材料。

某某县人民政府办公室
2014年12月1日
"""


def sample_bytes(name: str = SAMPLE) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def cell_line(data: bytes, section: str, row: str, col: str) -> int:
    """The source line of a cell, as the parser reads it."""
    cells = {(c.section, c.row_code, c.col_code): c for c in parse_report(data, "x.txt").cells}
    return cells[(section, row, col)].source_line


def truncated(data: bytes) -> bytes:
    """The report cut off in the middle of 三, after the third cell of the row of 本机关不掌握相关政府信息."""
    line = cell_line(data, "requests", "unable_not_held", "research")
    return "\n".join(data.decode("utf-8").split("\n")[:line]).encode("utf-8")


def with_line(data: bytes, section: str, row: str, col: str, text: str) -> bytes:
    """The report with the line of one cell written as `text`."""
    lines = data.decode("utf-8").split("\n")
    lines[cell_line(data, section, row, col) - 1] = text
    return "\n".join(lines).encode("utf-8")


BAD_FILES = {
    # name -> (bytes, expected status, words of the reason)
    "empty.txt": (b"", "unreadable", "empty file"),
    "blank.txt": (b" \r\n\t\n", "unreadable", "empty file"),
    # Bytes overrule the name: a picture named .txt is a picture.
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "unsupported_format",
                  "read as an image: its bytes are one, though it is named as a text file (.txt); image"),
    "binary.txt": (bytes(range(256)) * 8, "unreadable", "binary"),
    "undecodable.txt": ("政府信息公开".encode() + b"\xff\x80\xff" + "年度报告".encode(), "unreadable", "undecodable"),
    "legacy.txt": (LEGACY.encode(), "legacy_format", "before the 2019 form"),
    "notice.txt": (NOTICE.encode("gb18030"), "not_a_report", "no 政府信息公开工作年度报告 title"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_recorded_with_its_reason(name, tmp_path):
    data, status, reason = BAD_FILES[name]
    (tmp_path / name).write_bytes(data)
    report = parse_file(tmp_path / name, name)
    assert (report.status, report.source_file) == (status, name)
    assert reason in report.status_reason, report.status_reason
    assert report.cells == [] and report.sha256 is not None


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:  # sparse: no disk is spent on it
        f.truncate(MAX_BYTES + 1)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    report = parse_file(big, "huge.txt")
    assert report.status == "unreadable" and "size limit" in report.status_reason
    assert report.size_bytes == MAX_BYTES + 1 and report.cells == []
    # Its id is its content's, like any other file's.
    import hashlib
    with open(big, "rb") as f:
        assert report.sha256 == hashlib.file_digest(f, "sha256").hexdigest()
    assert report.report_id == report.sha256[:16]


def test_a_file_that_cannot_be_opened_is_recorded(tmp_path):
    report = parse_file(tmp_path / "gone.txt", "gone.txt")
    assert report.status == "unreadable" and "cannot be read" in report.status_reason
    assert report.sha256 is None and len(report.report_id) == 16


def test_a_truncated_report_is_partial_and_keeps_the_cells_it_had():
    full = parse_report(sample_bytes(), SAMPLE)
    cut = parse_report(truncated(sample_bytes()), "cut.txt")
    assert cut.status == "partial"
    assert "rows not found" in cut.status_reason and "appeals" in cut.status_reason
    before = {(c.section, c.row_code, c.col_code): (c.value, c.raw_text, c.source_line) for c in full.cells}
    kept = {(c.section, c.row_code, c.col_code): (c.value, c.raw_text, c.source_line) for c in cut.cells}
    rows_kept = {(s, r) for s, r, _ in kept}
    assert ("requests", "granted") in rows_kept and ("requests", "carried_forward") not in rows_kept
    # Every whole row the cut report had is read as the full report reads it.
    whole = {k for k in kept if (k[0], k[1]) != ("requests", "unable_not_held")}
    assert whole and all(kept[k] == before[k] for k in whole)
    assert {f.rule for f in cut.findings} >= {"P3", "P5"}
    # What the cut leaves unknown is not evaluable, never passed.
    r, f = reports_frame([cut]), facts_frame([cut])
    found = all_findings(r, f, findings_frame([cut]))
    assert {"I1_NE", "I2_NE", "T4_NE"} <= set(found["rule"])
    hard = ["I1", "I2", "I3", "T4"]
    errors = set(found.filter(pl.col("rule").is_in(hard)).select("rule", "row_code", "col_code").rows())
    whole_report = all_findings(reports_frame([full]), facts_frame([full]), findings_frame([full]))
    # The cut invents no break: what it still finds (000's received total) the whole report has too.
    assert errors == {("I3", "received", "total")}
    assert errors <= set(whole_report.filter(pl.col("rule").is_in(hard)).select("rule", "row_code", "col_code").rows())


def test_the_same_bytes_under_two_paths_are_one_report():
    data = sample_bytes()
    first, second = parse_report(data, "a/first.txt"), parse_report(data, "b/second.txt")
    reports = reports_frame([first, second])
    assert reports["report_id"].n_unique() == 1 and reports.height == 2
    assert reports.select("source_file", "duplicate_of").rows() == [("a/first.txt", None), ("b/second.txt", "a/first.txt")]
    assert reports["n_cells"].to_list() == [len(first.cells), 0]
    assert facts_frame([first, second]).height == len(first.cells), "cells are not repeated"
    assert findings_frame([first, second]).height == len(first.findings), "findings are not repeated"


def test_a_parser_error_costs_one_file_not_the_run(tmp_path, monkeypatch):
    real = report_module._parse_document

    def breaks_on_one(document, report):
        if report.source_file == "breaks.txt":
            raise RuntimeError("table layout not handled")
        return real(document, report)

    monkeypatch.setattr(report_module, "_parse_document", breaks_on_one)
    for name in ("breaks.txt", "fine.txt"):
        (tmp_path / name).write_bytes(sample_bytes())
    broken, fine = (parse_file(tmp_path / n, n) for n in ("breaks.txt", "fine.txt"))
    assert broken.status == "unreadable" and broken.cells == [] and broken.findings == []
    assert "parser error: RuntimeError: table layout not handled" in broken.status_reason
    assert fine.status == "parsed" and len(fine.cells) == 198


def test_every_cell_the_parser_read_reaches_the_facts_as_written():
    data = sample_bytes()
    data = with_line(data, "requests", "granted", "natural_person", "\t-4")
    data = with_line(data, "requests", "granted", "commercial", "\t2.5")
    data = with_line(data, "requests", "granted", "research", "\t3（含转办1件）")
    report = parse_report(data, "odd.txt")
    facts = facts_frame([report])
    assert facts.height == len(report.cells) == 198
    written = {(c.row_code, c.col_code): c.raw_text for c in report.cells if c.section == "requests"}
    got = {(x["row_code"], x["col_code"]): (x["value"], x["raw_text"], x["flags"]) for x in facts.iter_rows(named=True)}
    assert got[("granted", "natural_person")][:2] == (-4.0, written[("granted", "natural_person")])
    assert "negative" in got[("granted", "natural_person")][2]
    assert got[("granted", "commercial")][0] == 2.5
    assert got[("granted", "research")][0] == 3.0 and "annotation" in got[("granted", "research")][2]
    found = all_findings(reports_frame([report]), facts, findings_frame([report]))
    rules = set(found.select("rule", "col_code").rows())
    assert {("S1", "natural_person"), ("S2", "commercial")} <= rules


# --- through Dagster: files in = rows in reports ------------------------------------------------------


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    raw = root / "raw"
    (raw / "copies").mkdir(parents=True)
    for name in SAMPLES:
        shutil.copy(SAMPLES_DIR / name, raw / name)
    for name, (data, _, _) in BAD_FILES.items():
        (raw / name).write_bytes(data)
    (raw / "copies" / SAMPLE).write_bytes(sample_bytes())  # the same bytes under a second path
    (raw / "truncated.txt").write_bytes(truncated(sample_bytes()))
    (raw / "breaks.txt").write_bytes(sample_bytes("002_d99c8dcb44f53e53.txt").replace(b"2020", b"2021"))
    with open(raw / "huge.txt", "wb") as f:
        f.truncate(MAX_BYTES + 1)
    # The same body a year later, carrying over 3 requests where it had carried none forward.
    next_year = sample_bytes().replace("2020年".encode(), "2021年".encode())
    (raw / "next_year.txt").write_bytes(with_line(next_year, "requests", "carried_over", "natural_person", "\t3"))
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())

    real = report_module._parse_document

    def breaks_on_one(document, report):
        if report.source_file == "breaks.txt":
            raise RuntimeError("table layout not handled")
        return real(document, report)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report_module, "_parse_document", breaks_on_one)
        warehouse = root / "warehouse.duckdb"
        outcome = run_all(GongkaiPaths(raw_dir=str(raw), warehouse=str(warehouse)), dg.DagsterInstance.ephemeral(),
                          say=lambda _: None)
    assert outcome.success, outcome.message
    return files, outcome, warehouse


def test_files_in_equal_rows_in_reports(bad_run):
    files, _, warehouse = bad_run
    reports = query(warehouse, "SELECT * FROM reports ORDER BY source_file")
    assert reports["source_file"].to_list() == files
    status = dict(zip(reports["source_file"], reports["status"]))
    for name, (_, want, _) in BAD_FILES.items():
        assert status[name] == want, name
    assert status["huge.txt"] == status["breaks.txt"] == "unreadable"
    assert status["truncated.txt"] == "partial"
    assert all(status[name] == "parsed" for name in SAMPLES)
    unclean = reports.filter(pl.col("status") != "parsed")
    assert unclean["status_reason"].is_not_null().all()
    reason = dict(zip(reports["source_file"], reports["status_reason"]))
    assert "size limit" in reason["huge.txt"] and "parser error: RuntimeError" in reason["breaks.txt"]


def test_a_duplicate_is_recorded_once_with_both_paths(bad_run):
    _, _, warehouse = bad_run
    rows = query(warehouse, "SELECT source_file, duplicate_of, n_cells, report_id FROM reports "
                            "WHERE report_id = (SELECT report_id FROM reports WHERE source_file = ?) ORDER BY 1",
                 [SAMPLE])
    assert rows.select("source_file", "duplicate_of").rows() == [(SAMPLE, None), (f"copies/{SAMPLE}", SAMPLE)]
    assert rows["n_cells"].to_list() == [198, 0]
    facts = query(warehouse, "SELECT count(*) AS n FROM facts WHERE report_id = ?", [rows["report_id"][0]])
    assert facts["n"][0] == 198


def test_the_cells_of_a_partial_report_are_in_the_warehouse(bad_run):
    _, _, warehouse = bad_run
    got = query(warehouse, """SELECT count(*) AS n FROM facts f JOIN reports r USING (report_id)
                              WHERE r.source_file = 'truncated.txt'""")["n"][0]
    kept = parse_report(truncated(sample_bytes()), "truncated.txt").cells
    assert got == len(kept) > 0


def test_every_file_recorded_and_the_schemas_pass_in_the_run(bad_run):
    _, outcome, _ = bad_run
    evaluations = [e for result in outcome.results for e in result.get_asset_check_evaluations()]
    by_name: dict[str, list] = {}
    for e in evaluations:
        by_name.setdefault(e.check_name, []).append(e)
    for name in (checks.EVERY_FILE_RECORDED, checks.REPORTS_SCHEMA, checks.FACTS_SCHEMA, checks.FINDINGS_SCHEMA):
        assert by_name.get(name) and all(e.passed for e in by_name[name]), name


def test_the_rules_across_years_see_every_year_of_the_run(bad_run):
    _, outcome, warehouse = bad_run
    w1 = query(warehouse, """SELECT r.source_file, f.row_code, f.col_code, f.expected, f.actual, f.severity
                             FROM findings f JOIN reports r USING (report_id) WHERE f.rule = 'W1'""")
    assert w1.rows() == [("next_year.txt", "carried_over", "natural_person", 0.0, 3.0, "warning")]
    check = next(e for result in outcome.results for e in result.get_asset_check_evaluations() if e.check_name == "W1")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["violations"].value == 1
    # The query in the check's metadata lists them from the published warehouse.
    assert query(warehouse, check.metadata["sql"].value).height == 1


def test_each_rule_check_counts_what_its_query_lists(bad_run):
    _, outcome, warehouse = bad_run
    evaluations = [e for result in outcome.results for e in result.get_asset_check_evaluations()]
    for rule in (*checks.IDENTITY_RULES, *checks.SOFT_RULES):
        of_rule = [e for e in evaluations if e.check_name == rule]
        assert of_rule, rule
        counted = sum(e.metadata["violations"].value for e in of_rule)
        listed = query(warehouse, of_rule[0].metadata["sql"].value)
        assert counted == listed.height, rule
        assert all(e.passed == (e.metadata["violations"].value == 0) for e in of_rule)
    t4 = query(warehouse, next(e for e in evaluations if e.check_name == "T4").metadata["sql"].value)
    assert t4.select("source_file", "row_code").rows() == [("003_f38378f0edcefb48.txt", "suit_after_review")]
