"""Parsed reports to the long-format polars frames of the warehouse contract."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from .model import Report

REPORTS_SCHEMA = {
    "report_id": pl.String,
    "source_file": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "agency": pl.String,
    "year": pl.Int32,
    "published": pl.Date,
    "form_version": pl.String,
    "status": pl.String,
    "status_reason": pl.String,
    "text_encoding": pl.String,
    "table_encoding": pl.String,
    "duplicate_of": pl.String,
    "n_cells": pl.Int64,
    "n_findings": pl.Int64,
    "address": pl.String,
    "area_code": pl.String,
}

FACTS_SCHEMA = {
    "report_id": pl.String,
    "section": pl.String,
    "row_code": pl.String,
    "col_code": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "raw_text": pl.String,
    "source_line": pl.Int32,
    # Where else a person finds the cell: the page of a PDF, and the table, row and column (1-based)
    # of a cell the reader found in a grid (HTML, DOCX, a ruled PDF table).
    "source_page": pl.Int32,
    "source_table": pl.Int32,
    "source_row": pl.Int32,
    "source_col": pl.Int32,
    "flags": pl.List(pl.String),
    "table_encoding": pl.String,
}

FINDINGS_SCHEMA = {
    "report_id": pl.String,
    "rule": pl.String,
    "severity": pl.String,
    "section": pl.String,
    "row_code": pl.String,
    "col_code": pl.String,
    "expected": pl.Float64,
    "actual": pl.Float64,
    "message": pl.String,
    "message_en": pl.String,
    "raw_text": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}


def current_reports(reports: pl.DataFrame) -> pl.DataFrame:
    """The rows of the files as they are now: without the versions a newer one of the same file
    replaced (`superseded_by`) nor files gone from the folder (`removed_at`), where the reports keep
    their history."""
    history = [pl.col(c).is_null() for c in ("superseded_by", "removed_at") if c in reports.columns]
    return reports.filter(*history) if history else reports


def reports_frame(reports: Iterable[Report]) -> pl.DataFrame:
    """One row per input file. A file whose bytes another file already had is recorded with
    `duplicate_of` naming that file; its cells and findings are the first file's."""
    first_path: dict[str, str] = {}
    rows = []
    for r in reports:
        duplicate_of = first_path.setdefault(r.report_id, r.source_file)
        is_dup = duplicate_of != r.source_file
        rows.append({
            "report_id": r.report_id, "source_file": r.source_file, "sha256": r.sha256,
            "size_bytes": r.size_bytes, "agency": r.agency, "year": r.year, "published": r.published,
            "form_version": r.form_version, "status": r.status, "status_reason": r.status_reason,
            "text_encoding": r.text_encoding, "table_encoding": r.table_encoding,
            "duplicate_of": duplicate_of if is_dup else None,
            "n_cells": 0 if is_dup else len(r.cells), "n_findings": 0 if is_dup else len(r.findings),
            "address": r.address, "area_code": r.area_code,
        })
    frame = pl.DataFrame(rows, schema={**REPORTS_SCHEMA, "published": pl.String}, orient="row")
    return frame.with_columns(pl.col("published").str.to_date(strict=False))


def facts_frame(reports: Iterable[Report]) -> pl.DataFrame:
    seen: set[str] = set()
    cells = []
    ids = []
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        cells.extend(r.cells)
        ids.extend([r.report_id] * len(r.cells))
    # Built column by column: a frame of 10⁵ reports has 2·10⁷ cells, and per-cell dicts or per-cell
    # list Series (polars builds one for each Python list of a List column) cost more than the parse.
    # Flags travel as one string a cell and are split by polars; no flag holds the separator.
    flags = pl.Series([_FLAG_SEP.join(c.flags) for c in cells], dtype=pl.String)
    frame = pl.DataFrame({
        "report_id": ids,
        "section": [c.section for c in cells],
        "row_code": [c.row_code for c in cells],
        "col_code": [c.col_code for c in cells],
        "value": [None if c.value is None else float(c.value) for c in cells],
        "unit": [c.unit for c in cells],
        "raw_text": [c.raw_text for c in cells],
        "source_line": [c.source_line for c in cells],
        **_origin_columns([c.origin for c in cells]),
        "flags": flags,
        "table_encoding": [c.table_encoding for c in cells],
    }, schema={**FACTS_SCHEMA, "flags": pl.String})
    return frame.with_columns(
        flags=pl.when(pl.col("flags") == "").then(pl.lit([], dtype=FACTS_SCHEMA["flags"]))
        .otherwise(pl.col("flags").str.split(_FLAG_SEP)))


_FLAG_SEP = "\x1f"


def _origin_columns(origins: list) -> dict[str, list]:
    """source_page, source_table, source_row and source_col of each origin (all NULL where none)."""
    if not any(origins):  # text reports: no origin beyond the line, and no loop over their cells
        return dict.fromkeys(("source_page", "source_table", "source_row", "source_col"), [None] * len(origins))
    return {
        "source_page": [o.page if o else None for o in origins],
        "source_table": [o.table if o else None for o in origins],
        "source_row": [o.row if o else None for o in origins],
        "source_col": [o.col if o else None for o in origins],
    }


def findings_frame(reports: Iterable[Report]) -> pl.DataFrame:
    seen: set[str] = set()
    rows = []
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        for f in r.findings:
            rows.append((r.report_id, f.rule, f.severity, f.section, f.row_code, f.col_code, f.expected,
                         f.actual, f.message, f.message_en, f.raw_text, f.source_line,
                         f.origin.page if f.origin else None))
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA, orient="row")
