"""`gongkai check`: one report file checked on its own, without Dagster or a warehouse, its findings
printed in Chinese or English, as text, Markdown or JSON, with the documented exit statuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import fields, make_dataclass
from pathlib import Path

import polars as pl
import pytest

from assets.cli import main
from pipelines.check import PARALLEL_FROM, CheckedCell, CheckFinding, FileCheck, check_files, files_to_check
from pipelines.check_output import markdown, row_label, text
from pipelines.corpus import Spec, generate
from pipelines.model import Cell, Finding
from pipelines.warehouse import query
from schemas.forms import FORMS
from schemas.tables import RULE_NAMES, RULES

from .conftest import FIXTURES, ROOT, SAMPLES_DIR
from .json_schema import errors

SCHEMA = json.loads((ROOT / "docs" / "check.schema.json").read_text(encoding="utf-8"))
SAMPLE_000 = SAMPLES_DIR / "000_4a5927c6b61291aa.txt"
SAMPLE_001 = SAMPLES_DIR / "001_605866c201a9c82d.txt"
SAMPLE_003 = SAMPLES_DIR / "003_f38378f0edcefb48.txt"
NOT_A_REPORT = FIXTURES / "real_world" / "pingtan_2014_not_a_report.txt"


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(["check", *map(str, argv)])
    return status, capsys.readouterr().out


def as_json(capsys, *argv: str) -> tuple[int, dict]:
    status, out = run(capsys, "--format", "json", *argv)
    return status, json.loads(out)


@pytest.fixture(scope="module")
def clean_corpus(tmp_path_factory) -> Path:
    """Generated reports that keep every identity, in several encodings and both forms."""
    out = tmp_path_factory.mktemp("clean")
    generate(out, Spec(reports=4, seed=3, broken_share=0.0, years=(2020, 2021),
                       encodings=("tab_rows", "cell_per_line")), workers=1)
    return out / "raw"


def test_sample_000_fails_its_balance_with_the_cells_as_written(capsys):
    status, out = run(capsys, SAMPLE_000)
    assert status == 1
    assert "状态：已解析 · 表式：2019 · 机关：赣州经开区党政办公室 · 年度：2020" in out
    # 新收 总计 = 0 while its applicant columns sum to 5: I1 in the 总计 column and I3 in the 新收 row.
    assert "错误 I1 勾稽关系 · 三、收到和处理政府信息公开申请情况 · 列“总计”" in out
    assert "错误 I3 申请人合计 · 三、收到和处理政府信息公开申请情况 · 行“一、本年新收政府信息公开申请数量” · 列“总计”" in out
    assert out.count("应为 5，报告为 0") == 2
    assert "左边  一、本年新收政府信息公开申请数量 / 总计：“0”（第 117 行）" in out
    assert "右边  一、本年新收政府信息公开申请数量 / 自然人：“5”（第 111 行）" in out
    assert out.rstrip().endswith("2 个错误，0 个警告")


def test_sample_003_fails_its_lawsuit_total_in_english(capsys):
    status, out = run(capsys, "--lang", "en", SAMPLE_003)
    assert status == 1
    # 复议后起诉 总计 1 whose parts sum to 0.
    assert 'error T4 review and lawsuit total · Administrative reviews and lawsuits about disclosure · ' \
           'row "Lawsuit after review" · column "Total"' in out
    assert "expected 0, the report says 1" in out
    assert 'left  Lawsuit after review / Total: "1" (line 82)' in out
    # A not-evaluable identity shows the cell that has no value, and why.
    assert 'right Unable: information not held / Commercial enterprises: "" (line 65, blank)' in out
    assert out.rstrip().endswith("1 error, 2 warnings")


def test_a_report_without_errors_exits_0(capsys):
    status, out = run(capsys, SAMPLE_001)
    assert status == 0
    assert "0 个错误，34 个警告" in out


def test_reports_that_keep_every_identity_have_no_findings(capsys, clean_corpus):
    status, document = as_json(capsys, clean_corpus)
    assert status == 0
    assert {f["form_version"] for f in document["files"]} == {"2019", "2021"}
    assert [(f["status"], f["findings"]) for f in document["files"]] == [("parsed", [])] * 4


def test_a_total_broken_on_purpose_is_found_where_it_was_broken(tmp_path):
    """Generated reports with one total off (the corpus's truth says which), in the encodings whose
    digits are never run together: each broken one has that error (a total off can break a second
    identity it is a term of), no other has any."""
    encodings = ("tab_rows", "cell_per_line", "pipe_cells", "spaced_text", "markdown_tables", "html_tables")
    truth = generate(tmp_path, Spec(reports=24, seed=5, broken_share=0.5, years=(2020, 2022), encodings=encodings),
                     workers=1)
    broken = {r["source_file"]: (r["broken_rule"], r["broken_row"], r["broken_col"]) for r in truth.iter_rows(named=True)}
    assert 0 < sum(b[0] is not None for b in broken.values()) < len(broken)
    for checked in check_files(files_to_check([tmp_path / "raw"])):
        errors_found = {(f.rule, f.row_code, f.col_code) for f in checked.findings if f.severity == "error"}
        expected = broken[Path(checked.file).relative_to(tmp_path / "raw").as_posix()]
        assert expected in errors_found if expected[0] else not errors_found, checked.file
        assert checked.exit_status == (1 if expected[0] else 0)


def test_the_findings_are_those_of_a_run_but_the_rules_across_years(sample_warehouse):
    """The same core: a run's findings of each sample, less W1 and W2, which need last year's report."""
    checked = {c.file: c for c in check_files(files_to_check([SAMPLES_DIR]))}
    of_run = query(sample_warehouse, """
        SELECT r.source_file, f.rule, f.severity, f.section, f.row_code, f.col_code, f.expected, f.actual, f.message
        FROM findings f JOIN reports r USING (report_id) WHERE f.rule NOT IN ('W1', 'W2', 'W1_NE', 'W2_NE')""")
    assert of_run.height > 0
    for name, c in checked.items():
        mine = sorted((f.rule, f.severity, f.section, f.row_code, f.col_code, f.expected, f.actual, f.message)
                      for f in c.findings)
        theirs = sorted(of_run.filter(pl.col("source_file") == Path(name).name).drop("source_file").rows())
        assert mine == theirs, name


def test_json_follows_its_schema(capsys):
    status, document = as_json(capsys, SAMPLES_DIR, SAMPLE_000)
    assert status == 1
    assert errors(document, SCHEMA) == []
    assert document["summary"] == {"files": 6, "errors": 5, "warnings": 163, "files_with_errors": 3,
                                   "files_not_checked": 0, "exit_status": 1}
    first = document["files"][0]
    assert (first["file"], first["form_version"], first["agency"], first["year"]) == (
        str(SAMPLE_000), "2019", "赣州经开区党政办公室", 2020)
    balance = first["findings"][0]
    assert (balance["rule"], balance["rule_name"], balance["severity"], balance["col_code"], balance["col_label"],
            balance["expected"], balance["actual"]) == ("I1", "勾稽关系", "error", "total", "总计", 5.0, 0.0)
    assert [(c["row_code"], c["raw_text"], c["line"], c["side"]) for c in balance["cells"]] == [
        ("received", "0", 117, "lhs"), ("carried_over", "0", 126, "lhs"),
        ("total_processed", "5", 342, "rhs"), ("carried_forward", "0", 351, "rhs")]


def test_the_schema_validator_rejects_what_the_schema_does_not_allow(capsys):
    _, document = as_json(capsys, SAMPLE_000)
    del document["files"][0]["findings"][0]["cells"][0]["line"]
    document["files"][0]["year"] = "2020"
    document["summary"]["exit_status"] = 3
    document["files"][0]["findings"][0]["extra"] = 1
    assert set(errors(document, SCHEMA)) == {
        "$.files[0].findings[0]: 'extra' is not allowed",
        "$.files[0].findings[0].cells[0]: 'line' is required",
        "$.files[0].year: '2020' is not of type ['integer', 'null']",
        "$.summary.exit_status: 3 is not one of [0, 1, 2]",
    }


def test_the_schema_names_every_rule_a_check_gives():
    check_rules = [r for r in RULES if not r.startswith(("W1", "W2"))]
    finding = {**SCHEMA["$defs"]["finding"], "required": [], "properties": {"rule": SCHEMA["$defs"]["finding"]
                                                                          ["properties"]["rule"]}}
    assert [r for r in check_rules if errors({"rule": r}, finding, SCHEMA)] == []


def test_markdown_is_a_table_a_row_a_finding(capsys):
    status, out = run(capsys, "--format", "markdown", SAMPLE_000, SAMPLE_003)
    assert status == 1
    lines = out.splitlines()
    assert "### " + str(SAMPLE_000) in lines
    header = "| 规则 | 级别 | 部分 | 行 | 列 | 应为 | 报告为 | 单元格 | 说明 |"
    assert lines.count(header) == 2
    rows = [line for line in lines if line.startswith("| I") or line.startswith("| T4")]
    assert len(rows) == 2 + 3
    assert all(row.count(" | ") == 8 for row in rows)  # no cell text broke the table
    assert "| I1 勾稽关系 | 错误 | 三、收到和处理政府信息公开申请情况 |  | 总计 | 5 | 0 |" in out
    assert "| 文件 | 状态 | 错误 | 警告 |" in lines  # the summary of several files


def test_markdown_escapes_pipes_in_what_a_report_wrote():
    check = FileCheck("a|b.txt", "parsed", None, "2019", "机关", 2020, [CheckFinding(
        "S1", "error", "requests", "received", "total", None, -1.0, "数值为负数：-1|2", "negative", (
            CheckedCell("requests", "received", "total", "-1|2", -1.0, 7, None),))])
    out = markdown(check, "zh")
    row = next(line for line in out.splitlines() if line.startswith("| S1"))
    assert row.count(" | ") == 8 and "“-1\\|2”" in row and "### a\\|b.txt" in out


def test_a_cell_from_a_pdf_shows_its_page():
    check = FileCheck("r.pdf", "parsed", None, "2021", "机关", 2022, [CheckFinding(
        "S2", "error", "requests", "refused_state_secret", "natural_person", None, 1.5, "计数不是整数：1.5", "", (
            CheckedCell("requests", "refused_state_secret", "natural_person", "1.5", 1.5, 40, 3),))])
    assert "（三）不予公开 1.属于国家秘密 / 自然人：“1.5”（第 3 页，第 40 行）" in text(check, "zh")
    assert 'Refused: state secret / Natural persons: "1.5" (page 3, line 40)' in text(check, "en")


def test_a_numbered_row_is_named_under_its_heading():
    assert row_label("2021", "requests", "other_misc", "zh") == "（六）其他处理 3.其他"
    assert row_label("2019", "requests", "other", "zh") == "（六）其他处理"
    assert row_label("2021", "requests", "other_misc", "en") == "Other: miscellaneous"


def test_every_rule_has_a_name():
    assert sorted({r.removesuffix("_NE") for r in RULES}) == sorted(RULE_NAMES)


@pytest.mark.parametrize("make", ["missing", "empty", "binary"])
def test_a_file_that_cannot_be_read_exits_2_with_the_reason(capsys, tmp_path, make):
    path = tmp_path / "report.txt"
    if make == "empty":
        path.write_bytes(b"")
    elif make == "binary":
        path.write_bytes(bytes(range(256)) * 40)
    status, out = run(capsys, path, SAMPLE_000)
    assert status == 2
    block = out.split("\n\n")[0]
    assert block.startswith(str(path)) and "状态：无法读取" in block and "无法检查：" in block
    reason = block.split("无法检查：")[1]
    assert reason.strip()
    assert "共 2 个文件：1 个有错误，1 个无法检查" in out


def test_a_file_that_is_not_a_report_exits_2(capsys):
    status, document = as_json(capsys, NOT_A_REPORT)
    assert status == 2
    (checked,) = document["files"]
    assert (checked["status"], checked["exit_status"], checked["findings"]) == ("not_a_report", 2, [])
    assert checked["status_reason"]


def test_quiet_prints_only_the_files_with_findings(capsys, tmp_path, clean_corpus):
    folder = tmp_path / "drafts"
    shutil.copytree(clean_corpus, folder / "clean")
    shutil.copy(SAMPLE_000, folder)
    status, out = run(capsys, "--quiet", folder)
    assert status == 1
    assert out.count(str(folder)) == 2  # the file's block and its summary row, no clean file
    assert "000_4a5927c6b61291aa.txt" in out
    assert "共 5 个文件：1 个有错误，0 个无法检查；2 个错误，0 个警告" in out
    status, out = run(capsys, folder)
    assert out.count(str(folder)) == 10
    status, document = as_json(capsys, "--quiet", folder)
    assert [Path(f["file"]).name for f in document["files"]] == ["000_4a5927c6b61291aa.txt"]
    assert (document["summary"]["files"], status) == (5, 1)


def test_a_folder_is_checked_in_parallel_as_it_is_one_by_one(tmp_path):
    for copy in range(6):  # several batches a worker
        shutil.copytree(SAMPLES_DIR, tmp_path / f"copy{copy}")
    files = files_to_check([tmp_path])
    assert len(files) >= PARALLEL_FROM
    in_parallel = list(check_files(files, jobs=2))
    assert in_parallel == list(check_files(files, jobs=1))
    # Files with the same bytes, in one batch or not, each have their findings.
    copies = [c for c in in_parallel if c.file.endswith("000_4a5927c6b61291aa.txt")]
    assert len(copies) == 6 and all(c.findings == copies[0].findings and c.errors == 2 for c in copies)


def test_no_report_file_found_exits_2(capsys, tmp_path):
    assert main(["check", str(tmp_path)]) == 2
    assert "no report files found" in capsys.readouterr().err


def test_the_command_does_not_import_dagster():
    """A check must start fast: the command's path imports neither Dagster nor DuckDB."""
    code = ("import sys; from assets.cli import main; status = main(['check', '--quiet', sys.argv[1]]); "
            "print(sorted(m for m in ('dagster', 'duckdb') if m in sys.modules)); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLE_000)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip().endswith("[]")


def test_a_table_not_read_is_an_error_and_its_missing_cells_are_listed_briefly(capsys):
    status, out = run(capsys, FIXTURES / "fidelity" / "huaian_city_2024_section3_other_extractor.txt")
    assert status == 1
    assert "状态：部分解析" in out
    assert "错误 P5 表格缺失 · 四、政府信息公开行政复议、行政诉讼情况" in out
    block = out.split("警告 I2_NE")[1].split("警告")[0].strip().splitlines()
    assert sum("（报告中没有此单元格）" in line for line in block) == 7
    assert block[-1].strip() == "……另有 4 个单元格"
    _, document = as_json(capsys, FIXTURES / "fidelity" / "huaian_city_2024_section3_other_extractor.txt")
    listed = next(f for f in document["files"][0]["findings"] if f["rule"] == "I2_NE")
    i2 = next(i for i in FORMS["2021"].identities if i.rule == "I2")
    assert len(listed["cells"]) == 1 + len(i2.rhs)  # every term, in the JSON
    assert sum(not c["present"] for c in listed["cells"]) == 11


def test_the_readme_shows_what_the_command_prints(capsys, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ gongkai check data/raw/000_4a5927c6b61291aa.txt\n", 1)[1].split("$ echo $?", 1)[0]
    monkeypatch.chdir(ROOT)
    status, out = run(capsys, "data/raw/000_4a5927c6b61291aa.txt")
    assert shown == out.rstrip("\n") + "\n" and status == 1


def test_the_page_of_a_cell_and_of_a_finding_is_read_where_the_parse_gives_one(monkeypatch):
    """A reader of paged files gives cells and the parser's findings a `source_page`; a check shows it."""
    import pipelines.check as check

    def with_page(cls):
        # The class's fields and a page: a class of its own, since a compiled class takes no Python
        # subclass and no attribute it does not declare.
        return make_dataclass(f"Paged{cls.__name__}", [*((f.name, f.type) for f in fields(cls)),
                                                        ("source_page", "int | None", None)])

    PagedCell, PagedFinding = with_page(Cell), with_page(Finding)

    def page(line: int | None) -> int | None:
        return None if line is None else 1 + line // 100

    def paged(path, name):
        report = real_parse(path, name)
        report.cells = [PagedCell(**{f.name: getattr(c, f.name) for f in fields(Cell)}, source_page=page(c.source_line))
                        for c in report.cells]
        report.findings = [PagedFinding(**{f.name: getattr(x, f.name) for f in fields(Finding)},
                                        source_page=page(x.source_line)) for x in report.findings]
        return report

    real_parse = check.parse_file
    monkeypatch.setattr(check, "parse_file", paged)
    (kewei,) = check_files([(str(FIXTURES / "real_world" / "shanghai_kewei_2024.md"), "kewei.md")])
    unplaced = next(f for f in kewei.findings if f.rule == "P4")
    assert [(c.line, c.page) for c in unplaced.cells] == [(172, 2)]
    balance = next(f for f in kewei.findings if f.rule == "I1_NE")
    assert [(c.line, c.page) for c in balance.cells if c.line is not None] == [
        (c.line, 1 + c.line // 100) for c in balance.cells if c.line is not None] != []


def test_output_cut_short_by_its_reader_is_no_error():
    """`gongkai check … | head`: the reader closing the pipe early ends the command quietly."""
    command = [sys.executable, "-c", "import sys; from assets.cli import main; sys.exit(main())",
               "check", "data/raw"]
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    process.stdout.readline()
    process.stdout.close()  # as head does once it has its lines
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
