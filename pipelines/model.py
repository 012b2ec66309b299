"""The records the core produces: one report, its cells, and what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .document import Origin

# Report statuses, as in reports.status.
PARSED = "parsed"
PARTIAL = "partial"
LEGACY = "legacy_format"
NOT_A_REPORT = "not_a_report"
UNREADABLE = "unreadable"
UNSUPPORTED = "unsupported_format"  # a kind of file no reader reads (.doc, .xls, images, archives, …)
STATUSES = (PARSED, PARTIAL, LEGACY, NOT_A_REPORT, UNREADABLE, UNSUPPORTED)


@dataclass(slots=True)  # one per cell of every report: slots make them quicker to build and to read
class Cell:
    section: str
    row_code: str
    col_code: str
    value: Decimal | None
    unit: str
    raw_text: str | None
    source_line: int | None
    flags: tuple[str, ...] = ()
    table_encoding: str | None = None
    # Where a person finds the cell (facts.source_page, source_table, source_row, source_col beside
    # source_line). While a report is parsed it is the grid cell's own origin, if any, and source_line
    # the index of its document line; the report then resolves both to the file as published.
    origin: Origin | None = None


@dataclass
class Finding:
    rule: str
    severity: str  # 'error' or 'warning'
    message: str  # Chinese
    message_en: str
    section: str | None = None
    row_code: str | None = None
    col_code: str | None = None
    expected: float | None = None
    actual: float | None = None
    raw_text: str | None = None
    source_line: int | None = None
    origin: Origin | None = None  # as Cell.origin (findings.source_page)


@dataclass
class Report:
    report_id: str
    source_file: str
    sha256: str | None  # None for a file refused unread
    size_bytes: int | None
    status: str
    status_reason: str | None = None
    text_encoding: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date
    form_version: str | None = None
    table_encoding: str | None = None  # encodings of 二/三/四, joined by "," when they differ
    address: str | None = None  # the contact address the report gives, as written
    area_code: str | None = None  # the area code of the telephone number it gives
    cells: list[Cell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
