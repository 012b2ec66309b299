"""A report checked on its own, as the office that wrote it checks a draft before publishing it.

The same core as a run, without Dagster and without a warehouse: the same parse, the same findings
of a report on its own (the parser's P rules, the identities I1–T4 and the soft W3, the values S1
and S2). Rules that need last year's report (W1, W2) are left out: one file has no year before it.
Each finding is given with the cells it is about, as the report wrote them, so that a person can
find them in the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from schemas.forms import FORMS, Identity

from .discover import report_files
from .frames import facts_frame, findings_frame, reports_frame
from .identities import NOT_EVALUABLE, axes
from .model import LEGACY, NOT_A_REPORT, UNREADABLE, Cell, Report
from .parse_all import pool_map
from .report import parse_file
from .validate import report_findings

# Exit statuses of `gongkai check`, from the best to the worst; several files exit with the worst.
CLEAN, HAS_ERRORS, NOT_CHECKED = 0, 1, 2
# Statuses of a file that could not be checked against a form: not read at all, or no form found in it.
UNCHECKED_STATUSES = (UNREADABLE, NOT_A_REPORT, LEGACY)
# Files checked by one worker at a time, at most: enough that the frames of a batch cost little beside
# its parse; a smaller folder is cut so that every worker gets several batches.
BATCH_FILES = 25
BATCHES_A_WORKER = 4
# Fewer files than this are checked in the calling process: starting workers costs more than they save.
PARALLEL_FROM = 8


@dataclass(frozen=True, slots=True)
class CheckedCell:
    """A cell a finding is about, as the report wrote it, with the flags of facts.flags (`blank`,
    `not_in_source`, …). `present` is False for a cell of the form that the parse did not yield at
    all (then `raw_text`, `value`, `line` and `page` are None). `side` says which side of an identity
    the cell is on ('lhs' or 'rhs'), None for other rules."""

    section: str | None
    row_code: str | None
    col_code: str | None
    raw_text: str | None
    value: float | None
    line: int | None
    page: int | None
    flags: tuple[str, ...] = ()
    present: bool = True
    side: str | None = None


@dataclass(frozen=True)
class CheckFinding:
    rule: str
    severity: str
    section: str | None
    row_code: str | None
    col_code: str | None
    expected: float | None
    actual: float | None
    message: str
    message_en: str
    cells: tuple[CheckedCell, ...] = ()


@dataclass
class FileCheck:
    file: str
    status: str
    status_reason: str | None
    form_version: str | None
    agency: str | None
    year: int | None
    findings: list[CheckFinding] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return self.status not in UNCHECKED_STATUSES

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def exit_status(self) -> int:
        if not self.checked:
            return NOT_CHECKED
        return HAS_ERRORS if self.errors else CLEAN


def exit_status(checks: Iterable[FileCheck]) -> int:
    """The worst of the files: 2 if one could not be checked, else 1 if one has an error, else 0."""
    return max((c.exit_status for c in checks), default=CLEAN)


def files_to_check(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """(path, name as shown) of every file to check: a file as given (whatever its kind: one that
    cannot be read says so), a folder's report files, recursively, as a run would find them."""
    found = []
    for given in paths:
        given = str(given)
        if os.path.isdir(given):
            found += [(path, path) for _, path, _ in report_files(given)]
        else:
            found.append((given, given))
    return found


def check_files(files: list[tuple[str, str]], jobs: int | None = None) -> Iterator[FileCheck]:
    """The checks of `files` ((path, name as shown)), in their order, a batch at a time as soon as it
    and those before it are done. A folder's worth is shared among `jobs` processes (default: one a
    core); a few files are checked in this process, where starting workers would cost more."""
    jobs = 1 if len(files) < PARALLEL_FROM else (jobs or os.cpu_count() or 1)
    size = max(1, min(BATCH_FILES, -(-len(files) // (jobs * BATCHES_A_WORKER))))
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    for checked in pool_map(check_batch, batches, jobs):
        yield from checked


def check_batch(files: list[tuple[str, str]]) -> list[FileCheck]:
    """Parse the files and find what each breaks on its own, with the pipeline's own functions; the
    frames of a batch are made once (files with the same bytes share their findings)."""
    reports = [parse_file(path, name) for path, name in files]
    findings = report_findings(reports_frame(reports), facts_frame(reports), findings_frame(reports))
    by_report: dict[str, list[dict]] = {}
    for row in findings.iter_rows(named=True):
        by_report.setdefault(row["report_id"], []).append(row)
    return [_file_check(r, by_report.get(r.report_id, [])) for r in reports]


def _file_check(report: Report, rows: list[dict]) -> FileCheck:
    cells = {}
    for cell in report.cells:
        cells.setdefault((cell.section, cell.row_code, cell.col_code), cell)  # a row given twice: its first
    identities = _identities(report.form_version)
    # The page of a parser's finding that names no cell (P4, P6), read like a cell's: where the file has pages.
    pages = {(f.rule, f.source_line): getattr(f, "source_page", None) for f in report.findings}
    return FileCheck(
        report.source_file, report.status, report.status_reason, report.form_version, report.agency,
        report.year,
        [CheckFinding(row["rule"], row["severity"], row["section"], row["row_code"], row["col_code"],
                      row["expected"], row["actual"], row["message"], row["message_en"],
                      _cells_of(row, identities, cells, pages))
         for row in sorted(rows, key=_finding_order)],
    )


def _finding_order(row: dict) -> tuple:
    """Errors first, then by rule and the line the finding is on."""
    return (row["severity"] != "error", row["rule"], row["source_line"] is None, row["source_line"] or 0)


def _identities(form_version: str | None) -> dict[tuple[str, str], Identity]:
    if form_version not in FORMS:
        return {}
    form = FORMS[form_version]
    return {(i.rule, i.section): i for i in (*form.identities, *form.soft_identities)}


def _cells_of(row: dict, identities: dict[tuple[str, str], Identity], cells: dict[tuple[str, str, str], Cell],
              pages: dict[tuple[str, int | None], int | None]) -> tuple[CheckedCell, ...]:
    """The cells a finding is about: every term of an identity where it applies (present or not), else
    the one cell the finding names, else the text it points to."""
    identity = identities.get((row["rule"].removesuffix(NOT_EVALUABLE), row["section"]))
    if identity is not None:
        member, along = axes(identity.over)
        if row[along] is None:
            return ()  # the identity's table was not read: no cell to show
        found = []
        for side, terms in (("lhs", identity.lhs), ("rhs", identity.rhs)):
            for term in terms:
                place = {member: term, along: row[along]}
                key = (row["section"], place["row_code"], place["col_code"])
                found.append(_checked(*key, cell=cells.get(key), side=side))
        return tuple(found)
    key = (row["section"], row["row_code"], row["col_code"])
    if key in cells:
        return (_checked(*key, cell=cells[key]),)
    if row["raw_text"] is not None or row["source_line"] is not None:
        return (CheckedCell(*key, raw_text=row["raw_text"], value=None, line=row["source_line"],
                            page=pages.get((row["rule"], row["source_line"]))),)
    return ()


def _checked(section: str, row_code: str, col_code: str, cell: Cell | None, side: str | None = None) -> CheckedCell:
    if cell is None:
        return CheckedCell(section, row_code, col_code, None, None, None, None, present=False, side=side)
    return CheckedCell(section, row_code, col_code, cell.raw_text,
                       None if cell.value is None else float(cell.value), cell.source_line,
                       getattr(cell, "source_page", None), tuple(cell.flags), side=side)
