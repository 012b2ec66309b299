"""A year's facts are checked and their findings found a chunk of whole reports at a time: the result is
what one pass over every cell gives."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.frames import findings_frame
from pipelines.identities import identity_findings
from pipelines.validate import (sorted_findings, facts_failures, report_findings, report_slices, schema_failures, value_findings,
                                with_report)
from schemas import tables

from .test_validation import SAMPLES_DIR, _parse_sample, _row_of, _set, balanced, frames, make_report


@pytest.fixture(scope="module")
def year():
    reports = [_parse_sample(p.name) for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    reports += [make_report("2019", balanced("2019") | {("requests", "granted", "total"): 999}, agency="某镇"),
                make_report("2021", {k: v for k, v in balanced("2021").items() if k[0] != "appeals"}, agency="某区"),
                make_report("2019", {}, agency="某乡", status="partial")]  # no table read: no cell at all
    r, f = frames(*reports)
    return r, f, findings_frame(reports)


def _rows(failures: pl.DataFrame | None) -> list[tuple]:
    return sorted(failures.select(pl.all().cast(pl.String)).rows(), key=str) if failures is not None else []


def test_a_chunked_check_finds_what_one_validation_finds(year, tmp_path):
    r, f, _ = year
    bad = _set(f, _row_of(f, row_code="procurement", col_code="amount"), unit="件")
    bad = _set(bad, f.height - 1, value=-3.0, flags=pl.Series([[]]))  # in the last report's chunk
    bad = pl.concat([bad, bad.slice(400, 1), bad.head(1)])  # two cells twice, in different chunks
    bad = _set(bad, 1, report_id="not-an-id")  # a cell of no report: the chunk of orphans
    whole = schema_failures(tables.FactsOfReports, with_report(bad, r))
    assert whole is not None and whole["index"].n_unique() >= 6
    for chunk_rows in (1, 300, 10**6):
        chunked = facts_failures(bad, r, chunk_rows=chunk_rows)
        assert _rows(chunked) == _rows(whole), chunk_rows  # the same failures, at the same rows
    path = tmp_path / "facts.parquet"
    bad.write_parquet(path)
    assert _rows(facts_failures(pl.scan_parquet(path), r, chunk_rows=500)) == _rows(whole)


def test_a_failure_of_the_whole_frame_is_listed_once(year):
    r, f, _ = year
    failures = facts_failures(f.with_columns(pl.col("source_line").cast(pl.Int64)), r, chunk_rows=1)
    assert failures.filter(pl.col("index").is_null())["check"].to_list() == ["dtype('Int32')"]


def test_conforming_facts_pass_in_chunks(year):
    r, f, _ = year
    assert facts_failures(f, r, chunk_rows=500) is None
    assert facts_failures(f.head(0), r) is None


def test_chunked_findings_are_those_of_one_pass(year, tmp_path):
    r, f, parse_findings = year
    one_pass = sorted_findings([parse_findings, identity_findings(f, r), value_findings(f)])
    assert {"I2", "T4_NE"} <= set(one_pass["rule"])  # the rules the built reports break
    factless = r.filter(pl.col("n_cells") == 0)["report_id"]
    assert one_pass.filter(pl.col("report_id").is_in(factless.implode())).height == 5  # every identity, not evaluable
    path = tmp_path / "facts.parquet"
    f.write_parquet(path)
    for facts, chunk_rows in ((f, 1), (f, 300), (f.sample(fraction=1, shuffle=True, seed=1), 300),
                              (pl.scan_parquet(path), 500)):
        chunked = report_findings(r, facts, parse_findings, chunk_rows=chunk_rows)
        assert chunked.sort(pl.all(), nulls_last=True).equals(one_pass.sort(pl.all(), nulls_last=True))


def test_slices_part_no_report():
    ids = pl.Series(["a", "a", "b", "b", "b", "c", "d", "d"])
    assert report_slices(ids, 1) == [(0, 2), (2, 3), (5, 1), (6, 2)]
    assert report_slices(ids, 4) == [(0, 5), (5, 3)]
    assert report_slices(pl.Series(["a", "b", "a", "c", "c"]), 1) == [(0, 3), (3, 2)]  # a's rows stay together
    assert report_slices(pl.Series([], dtype=pl.String), 10) == [(0, 0)]


def test_shuffled_facts_are_checked_whole(year):
    r, f, _ = year
    shuffled = pl.concat([f, f.head(1)]).sample(fraction=1, shuffle=True, seed=2)  # one cell twice, anywhere
    whole = schema_failures(tables.FactsOfReports, with_report(shuffled, r))
    assert _rows(facts_failures(shuffled, r, chunk_rows=300)) == _rows(whole) != []
