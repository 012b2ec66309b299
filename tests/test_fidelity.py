"""Fidelity: every cell of every fixture, in every table encoding, against values read off the source.

`fixtures/fidelity/MANIFEST.tsv` lists the fixtures: the five samples, real reports in harder encodings
(PDF text, Markdown) and renderings of the forms in each encoding (HTML, and a 2021-form report in
every encoding). Each has an expected-cells file: a row a line, ``section  row_code  values…`` in the
form's column order, ``N`` for a cell that must be NULL, and ``finding  rule  section  raw_text  line``
for a value that must be reported rather than placed. The test prints the cell accuracy per fixture
and overall, and fails on any wrong cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.document import Document
from pipelines.report import parse_report, read_document
from pipelines.text import decode
from schemas.forms import FORMS

from .conftest import FIXTURES, ROOT
from .expected_samples import SAMPLES

FIDELITY = FIXTURES / "fidelity"
Key = tuple[str, str, str]  # (section, row_code, col_code)


@dataclass
class Expected:
    form: str | None  # the form version the cells' columns come from
    cells: dict[Key, Decimal | None] = field(default_factory=dict)
    findings: list[tuple[str, str, str, int]] = field(default_factory=list)  # (rule, section, raw, line)


@dataclass(frozen=True)
class Case:
    path: Path
    expected: str
    table_encoding: str
    about: str

    @property
    def name(self) -> str:
        return self.path.name


def _cases() -> list[Case]:
    cases = []
    for line in (FIDELITY / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, expected, encoding, about = line.split("\t")
            cases.append(Case(ROOT / path, expected, encoding, about))
    return cases


CASES = _cases()


def _number(text: str) -> Decimal | None:
    return None if text == "N" else Decimal(text)


def _rows_to_cells(form: str, rows: dict[tuple[str, str], list], where: str) -> dict[Key, Decimal | None]:
    cells = {}
    for (section, row), row_values in rows.items():
        columns = FORMS[form].section(section).columns_of(row)
        assert len(columns) == len(row_values), f"{where}: {section}/{row} has {len(columns)} columns"
        for col, v in zip(columns, row_values):
            cells[(section, row, col)] = None if v is None else Decimal(str(v))
    return cells


def expected_cells(case: Case, form: str | None) -> Expected:
    if case.expected.startswith("sample:"):
        return Expected("2019", _rows_to_cells("2019", SAMPLES[case.expected.removeprefix("sample:")], case.expected))
    out = Expected(form)
    rows: dict[tuple[str, str], list] = {}
    for n, line in enumerate((FIDELITY / case.expected).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0] == "finding":
            rule, section, raw, at = fields[1:]
            out.findings.append((rule, section, raw, int(at)))
        else:
            section, row, row_values = fields
            assert (section, row) not in rows, f"{case.expected}:{n} gives {section}/{row} twice"
            rows[(section, row)] = [_number(v) for v in row_values.split()]
    assert form is not None, f"{case.name}: no form version recognised"
    out.cells = _rows_to_cells(form, rows, case.expected)
    return out


@dataclass
class Score:
    case: Case
    cells: int
    right: int
    wrong: list[str]


def score(case: Case) -> Score:
    data = case.path.read_bytes()
    report = parse_report(data, case.name)
    expected = expected_cells(case, report.form_version)
    wrong = []
    if report.form_version != expected.form:
        wrong.append(f"form version {report.form_version}, not {expected.form}")
    got = {(c.section, c.row_code, c.col_code): c for c in report.cells}
    right = 0
    for key, want in expected.cells.items():
        cell = got.get(key)
        if cell is None:
            wrong.append(f"{'/'.join(key)}: no cell, expected {want}")
        elif cell.value != want:
            wrong.append(f"{'/'.join(key)}: {cell.value} from {cell.raw_text!r} on line {cell.source_line}, "
                         f"expected {want}")
        else:
            right += 1
    # A value where the expectations have no cell is as wrong as a wrong value.
    for key, cell in got.items():
        if key not in expected.cells and cell.value is not None:
            wrong.append(f"{'/'.join(key)}: unexpected value {cell.value} from line {cell.source_line}")
    reported = {(f.rule, f.section, f.raw_text, f.source_line) for f in report.findings}
    wrong.extend(f"finding {f} not reported" for f in expected.findings if f not in reported)
    return Score(case, len(expected.cells), right, wrong)


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {c.name: score(c) for c in CASES}


def test_every_cell_of_every_fixture(scores, capsys):
    total = sum(s.cells for s in scores.values())
    right = sum(s.right for s in scores.values())
    with capsys.disabled():
        print("\ncell accuracy by fixture")
        for s in scores.values():
            print(f"  {s.case.name:50} {s.right:4}/{s.cells:<4} {100 * s.right / max(1, s.cells):6.2f}%  {s.case.about}")
        print(f"  {'overall':50} {right:4}/{total:<4} {100 * right / max(1, total):6.2f}%")
    failures = {name: s.wrong for name, s in scores.items() if s.wrong}
    assert not failures, "\n".join(f"{name}:\n  " + "\n  ".join(w[:20]) for name, w in failures.items())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_table_is_read_by_its_encoding(case):
    report = parse_report(case.path.read_bytes(), case.name)
    assert report.table_encoding == case.table_encoding


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_value_points_at_its_line(case):
    """source_line is the 1-based line where the cell's text stands: of the decoded file, or, for a
    PDF, of the page source_page names."""
    data = case.path.read_bytes()
    report = parse_report(data, case.name)
    on_page: dict[tuple[int, int], list[str]] = {}
    if case.path.suffix == ".pdf":
        for line in read_document(data, case.name).lines:
            on_page.setdefault((line.origin.page, line.origin.line), []).append(line.text)
    else:
        lines = decode(data).lines
    for cell in report.cells:
        if cell.value is not None:
            first_word = cell.raw_text.split()[0]
            if on_page:
                assert any(first_word in t for t in on_page[(cell.origin.page, cell.source_line)]), cell
            else:
                assert first_word in lines[cell.source_line - 1], (cell, lines[cell.source_line - 1])


def test_the_fixtures_cover_every_encoding():
    from pipelines.encodings import ENCODINGS

    recorded = {e for c in CASES for e in c.table_encoding.split(",")}
    mine = {"cell_per_line", "pipe_cells", "tab_rows", "spaced_text", "markdown_tables", "grid_tables"}
    # The grids a reader finds are recorded by its format: HTML's as html_tables.
    as_recorded = {ENCODINGS[e].for_document(Document("html")).name if e == "grid_tables" else e for e in mine}
    assert mine <= set(ENCODINGS) and as_recorded <= recorded
