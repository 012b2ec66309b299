"""The benchmark scripts' own logic: the floor over files of every format, each encoding's share of the
parse, the parse step timed on one worker and on two, and the 10× warehouse the mart query latencies
are measured on."""

from __future__ import annotations

import os
import sys
import time
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import benchmark  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def _one(con, sql: str, params=None):
    return con.sql(sql, params=params).fetchall()


def test_the_floor_reads_pdf_and_word_files_and_splits_text_ones():
    pdf = FIXTURES / "pdf" / "huaian_city_2024.pdf"
    docx = next(FIXTURES.rglob("*.docx"))
    text = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]  # UTF-8, LF line ends
    pdf_lines, docx_lines, text_lines = benchmark._split([str(pdf), str(docx), str(text)])
    assert (pdf_lines, docx_lines) == (0, 0)
    assert text_lines == text.read_bytes().count(b"\n") + 1 > 1


@pytest.fixture(scope="module")
def replicated(sample_warehouse, tmp_path_factory) -> tuple[Path, int]:
    with closing(duckdb.connect(str(sample_warehouse), read_only=True)) as con:
        have = _one(con, "SELECT count(*) FROM reports")[0][0]
    target = tmp_path_factory.mktemp("replicated") / "big.duckdb"
    assert benchmark.replicate(sample_warehouse, target, 3 * have) == 3 * have
    return target, have


def test_replicated_reports_are_new_files_of_new_bodies(sample_warehouse, replicated):
    target, have = replicated
    with closing(duckdb.connect(str(target), read_only=True)) as con:
        bodies = _one(con, "SELECT count(*) FROM dim_body")[0][0]
        assert _one(con, "SELECT count(DISTINCT report_id), count(DISTINCT source_file), count(DISTINCT sha256) "
                         "FROM reports")[0] == (3 * have,) * 3
        assert _one(con, "SELECT count(*) FROM reports WHERE report_id <> substr(sha256, 1, 16)")[0][0] == 0
        # Every body of a report is in dim_body, and each copy's bodies are bodies of their own.
        assert _one(con, "SELECT count(*) FROM reports r ANTI JOIN dim_body b USING (body_id) "
                         "WHERE r.body_id IS NOT NULL")[0][0] == 0
        assert _one(con, "SELECT count(DISTINCT body_id), count(DISTINCT name) FROM dim_body")[0] == (bodies, bodies)
        # The per-report tables follow their reports; facts stay those of the original reports.
        for table in ("findings", "mart_requests", "mart_data_quality"):
            assert _one(con, f"SELECT count(*) FROM {table} t ANTI JOIN reports USING (report_id)")[0][0] == 0
        assert _one(con, "SELECT count(DISTINCT report_id) FROM facts")[0][0] <= have
    with closing(duckdb.connect(str(sample_warehouse), read_only=True)) as con:
        assert bodies == 3 * _one(con, "SELECT count(*) FROM dim_body")[0][0]
        before = _one(con, "SELECT region_level, region_code, year, n_reports, n_bodies, received "
                           "FROM mart_region_year ORDER BY ALL")
        trend = _one(con, "SELECT count(*), count(previous_year) FROM mart_body_trend")[0]
    assert before, "the samples' bodies are placed in regions"
    with closing(duckdb.connect(str(target), read_only=True)) as con:
        # The marts built from the report-level tables are built again: the same regions, three
        # times the reports, bodies and requests; three times the bodies' years.
        after = _one(con, "SELECT region_level, region_code, year, n_reports, n_bodies, received "
                          "FROM mart_region_year ORDER BY ALL")
        assert after == [(lv, code, y, 3 * n, 3 * b, None if r is None else 3 * r) for lv, code, y, n, b, r in before]
        assert _one(con, "SELECT count(*), count(previous_year) FROM mart_body_trend")[0] == (3 * trend[0], 3 * trend[1])
        assert _one(con, "SELECT count(*) FROM mart_agency_year a ANTI JOIN dim_body USING (body_id)")[0][0] == 0


def test_every_mart_query_runs_on_the_replicated_warehouse(replicated):
    target, _ = replicated
    latencies = benchmark.query_latency(target, repeat=1)
    assert set(latencies["query"]) == set(benchmark.MART_QUERIES)
    assert latencies.filter(latencies["note"] != "").rows() == []
    marts = " ".join(benchmark.MART_QUERIES.values())
    assert "mart_region_year" in marts and "mart_body_trend" in marts


def test_per_encoding_shares_weigh_each_encodings_cost_by_its_files(tmp_path):
    raw = tmp_path / "raw" / "2024"
    for encoding, files in (("pdf", [FIXTURES / "pdf" / "huaian_city_2024.pdf"]),
                            ("text", sorted((ROOT / "data" / "raw").glob("*.txt"))[:3])):
        (raw / encoding).mkdir(parents=True)
        for f in files:
            (raw / encoding / f.name).write_bytes(f.read_bytes())
    frame = benchmark.per_encoding(tmp_path / "raw", sample=2).sort("encoding")
    assert frame["encoding"].to_list() == ["pdf", "text"]
    assert frame["files"].to_list() == [1, 2] and frame["corpus_files"].to_list() == [1, 3]
    assert frame["share_of_parse"].sum() == pytest.approx(1.0)
    pdf_ms, text_ms = frame["ms_per_report"]
    assert frame["share_of_parse"][0] == pytest.approx(pdf_ms / (pdf_ms + 3 * text_ms))


def test_group_cpu_counts_this_process_and_grows_with_its_work():
    own = f"/proc/{os.getpid()}"
    before = benchmark.group_cpu(os.getpgrp())
    assert own in before
    started = time.process_time()
    while time.process_time() - started < 0.3:
        sum(range(10_000))
    assert benchmark.group_cpu(os.getpgrp())[own] - before[own] >= 0.2


def test_cores_table_times_the_parse_step_on_one_worker_and_on_two(tmp_path):
    files = sorted((ROOT / "data" / "raw").glob("*.txt"))
    table = benchmark.cores_table({"samples": files * 2}, tmp_path)
    [row] = table.to_dicts()
    assert row["reports"] == 2 * len(files)
    assert row["reports_per_s_1"] > 0 and row["reports_per_s_2"] > 0
    assert row["cpu_ms_1"] > 0 and row["cpu_ms_2"] > 0
    assert list(tmp_path.iterdir()) == []  # the segments written are removed with their folder
