"""One report file, start to end: bytes → text → sections → cells, with its status and findings."""

from __future__ import annotations

import hashlib
import os
import traceback
from pathlib import Path

from schemas.forms import FORMS

from . import metadata as meta_mod
from . import regions
from .encodings import ENCODINGS, detect
from .interpret import interpret
from .model import PARSED, PARTIAL, UNREADABLE, Finding, Report
from .sections import TABLE_SECTIONS, find_sections
from .text import Unreadable, decode

MAX_BYTES = 20 * 1024 * 1024  # larger files are refused unread: no report is near this size


def report_id(sha256: str) -> str:
    """The same bytes are the same report, whatever their path."""
    return sha256[:16]


def unread_id(source_file: str) -> str:
    """The id of a file that could not be opened: its bytes are unknown, so its path names it (a
    prefix keeps it apart from any content hash)."""
    return report_id(hashlib.sha256(f"unread:{source_file}".encode()).hexdigest())


def parse_file(path: str | Path, source_file: str) -> Report:
    """Parse the file at `path`, recorded as `source_file`. Never raises. A file over MAX_BYTES is
    refused unread: only hashed, in small blocks, so that its report_id is its content's like any
    other's; a file that cannot be opened is recorded with the OS's reason and no sha256. Both are
    `unreadable`."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            with open(path, "rb") as f:
                sha = hashlib.file_digest(f, "sha256").hexdigest()
            return Report(report_id(sha), source_file, sha, size, UNREADABLE,
                          f"file over the size limit ({size} > {MAX_BYTES} bytes): refused unread")
        data = Path(path).read_bytes()
    except OSError as e:
        return Report(unread_id(source_file), source_file, None, None, UNREADABLE,
                      f"file cannot be read: {type(e).__name__}: {e.strerror or e}")
    return parse_report(data, source_file)


def parse_report(data: bytes, source_file: str) -> Report:
    """Parse one file. Never raises: a file that cannot be read, or that breaks the parser, comes back
    as an `unreadable` report with the reason."""
    sha = hashlib.sha256(data).hexdigest()
    report = Report(report_id(sha), source_file, sha, len(data), PARSED)
    if len(data) > MAX_BYTES:
        report.status, report.status_reason = UNREADABLE, f"file over the size limit ({len(data)} > {MAX_BYTES} bytes)"
        return report
    try:
        decoded = decode(data)
        report.text_encoding = decoded.encoding
        _parse_text(decoded.text, report)
    except Unreadable as e:
        report.status, report.status_reason = UNREADABLE, str(e)
    except Exception as e:  # a parser bug must cost one file, not the run
        # What the parser had read before it failed cannot be trusted: the file is recorded, not its cells.
        report.cells, report.findings = [], []
        report.status = UNREADABLE
        report.status_reason = f"parser error: {type(e).__name__}: {e} | {traceback.format_exc(limit=-1).strip()}"
    return report


def _parse_text(text: str, report: Report) -> None:
    meta = meta_mod.metadata(text)
    report.agency, report.year, report.published = meta.agency, meta.year, meta.published
    report.address, report.area_code = regions.address(text), regions.area_code(text)
    form = meta_mod.form_version(text, meta.year)
    report.form_version = form
    if form is None:
        # Recorded with the reason, never forced into a form: legacy_format, partial or not_a_report.
        report.status, report.status_reason = meta_mod.without_form(text, meta)
        return
    sections = find_sections(text)
    encodings: list[str] = []
    missing: list[str] = []
    for code in TABLE_SECTIONS:
        section_text = sections.get(code)
        encoding = detect(section_text.lines) if section_text else None
        if encoding is None:
            missing.append(code)
            section = FORMS[form].section(code)
            report.findings.append(Finding(
                "P5", "error", f"未找到“{section.number}、{section.title_zh}”表格",
                f"the table of section {code} was not found", code))
            continue
        encodings.append(encoding.name)
        result = interpret(form, code, encoding.rows(section_text.lines), encoding.name)
        report.cells.extend(result.cells)
        report.findings.extend(result.findings)
    report.table_encoding = ",".join(dict.fromkeys(encodings)) or None
    incomplete = [f.row_code for f in report.findings if f.rule == "P3"]
    if missing or incomplete:
        report.status = PARTIAL
        parts = []
        if missing:
            parts.append("tables not found: " + ", ".join(missing))
        if incomplete:
            parts.append(f"{len(incomplete)} rows not found")
        report.status_reason = "; ".join(parts)


__all__ = ["ENCODINGS", "MAX_BYTES", "parse_file", "parse_report", "report_id"]
