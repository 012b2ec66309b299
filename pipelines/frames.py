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
}


def current_reports(reports: pl.DataFrame) -> pl.DataFrame:
    """The rows of the files as they are now: without the versions a newer one of the same file
    replaced (`superseded_by`, where the reports keep their history)."""
    return reports.filter(pl.col("superseded_by").is_null()) if "superseded_by" in reports.columns else reports


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
        })
    frame = pl.DataFrame(rows, schema={**REPORTS_SCHEMA, "published": pl.String}, orient="row")
    return frame.with_columns(pl.col("published").str.to_date(strict=False))


def facts_frame(reports: Iterable[Report]) -> pl.DataFrame:
    seen: set[str] = set()
    cols: dict[str, list] = {k: [] for k in FACTS_SCHEMA}
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        for c in r.cells:
            cols["report_id"].append(r.report_id)
            cols["section"].append(c.section)
            cols["row_code"].append(c.row_code)
            cols["col_code"].append(c.col_code)
            cols["value"].append(None if c.value is None else float(c.value))
            cols["unit"].append(c.unit)
            cols["raw_text"].append(c.raw_text)
            cols["source_line"].append(c.source_line)
            cols["flags"].append(list(c.flags))
            cols["table_encoding"].append(c.table_encoding)
    return pl.DataFrame(cols, schema=FACTS_SCHEMA)


def findings_frame(reports: Iterable[Report]) -> pl.DataFrame:
    seen: set[str] = set()
    rows = []
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        for f in r.findings:
            rows.append((r.report_id, f.rule, f.severity, f.section, f.row_code, f.col_code, f.expected,
                         f.actual, f.message, f.message_en, f.raw_text, f.source_line))
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA, orient="row")
