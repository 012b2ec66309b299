"""One report file, start to end: bytes → document → sections → cells, with its status and findings.

The reader is chosen by the file's kind (pipelines.kinds: its name, overruled by its bytes where they
disagree); a kind no reader reads is recorded as `unsupported_format` with what to do about it.
Everything after the reader reads the
Document: metadata its text, sections its lines, the table encodings its lines and grids. Each cell and
finding is then placed where a person finds it, through the origin of its line or grid cell."""

from __future__ import annotations

import hashlib
import os
import traceback
from pathlib import Path

from schemas.forms import FORMS

from . import kinds
from . import metadata as meta_mod
from .document import Document
from . import regions
from .encodings import ENCODINGS, detect
from .interpret import interpret
from .model import PARSED, PARTIAL, UNREADABLE, UNSUPPORTED, Finding, Report
from .readers import READERS, Reader
from .sections import TABLE_SECTIONS, find_sections
from .text import Unreadable

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
            kind = kinds.by_name(source_file)
            if kind is None or kind.name not in READERS:
                # Too big to read, and of a kind that would not be read anyway: what to do is the same.
                return Report(report_id(sha), source_file, sha, size, UNSUPPORTED,
                              kinds.unsupported_reason(kind, source_file, list(READERS)))
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
    kind, note = kinds.of_file(source_file, data)
    reader = reader_of(kind)
    if reader is None:
        report.status, report.status_reason = UNSUPPORTED, _noted(note, kinds.unsupported_reason(
            kind, source_file, _readable()))
        return report
    try:
        document = reader.read(data)
        report.text_encoding = document.encoding
        _parse_document(document, report)
        _place(document, report)
    except Unreadable as e:
        report.status, report.status_reason = UNREADABLE, str(e)
    except Exception as e:  # a parser bug must cost one file, not the run
        # What the parser had read before it failed cannot be trusted: the file is recorded, not its cells.
        report.cells, report.findings = [], []
        report.status = UNREADABLE
        report.status_reason = f"parser error: {type(e).__name__}: {e} | {traceback.format_exc(limit=-1).strip()}"
    if note:
        report.status_reason = _noted(note, report.status_reason)
    return report


def reader_of(kind: kinds.Kind | None) -> Reader | None:
    """The installed reader of a kind of file; None for a kind no reader reads."""
    return READERS.get(kind.name) if kind else None


def read_document(data: bytes, source_file: str) -> Document | None:
    """The document a file's reader makes of its bytes, as the parse reads it; None for a kind no
    reader reads. Raises Unreadable (or, for a reader's bug, anything) as the reader does."""
    return reader.read(data) if (reader := reader_of(kinds.of_file(source_file, data)[0])) else None


def _noted(note: str | None, reason: str | None) -> str | None:
    return "; ".join(r for r in (note, reason) if r) or None


def _readable() -> list[str]:
    """The endings of the kinds the installed readers read beyond text and HTML, for reasons."""
    return [s for r in READERS.values() if r.name not in ("text", "html") for s in r.suffixes]


def _parse_document(document: Document, report: Report) -> None:
    text = document.text
    meta = meta_mod.metadata(text, document.title)
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
        encoding = detect(section_text.lines, document) if section_text else None
        if encoding is None:
            missing.append(code)
            section = FORMS[form].section(code)
            report.findings.append(Finding(
                "P5", "error", f"未找到“{section.number}、{section.title_zh}”表格",
                f"the table of section {code} was not found", code))
            continue
        encodings.append(encoding.name)
        result = interpret(form, code, encoding.rows(section_text.lines, document), encoding.name)
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


def _place(document: Document, report: Report) -> None:
    """Each cell's and finding's place in the file as published: the origin of its grid cell, else of
    its document line (source_line holds that line's index until now)."""
    lines = document.lines
    for item in (*report.cells, *report.findings):
        origin = item.origin
        if origin is None and item.source_line is not None:
            origin = lines[item.source_line - 1].origin
        if origin is not None:
            item.source_line = origin.line
            # An origin that says no more than the line is not kept: text reports carry none.
            item.origin = origin if origin.page is not None or origin.table is not None else None


__all__ = ["ENCODINGS", "MAX_BYTES", "parse_file", "parse_report", "report_id"]
