"""Measure the PDF reader, one core, and write its section of docs/benchmarks.md.

    .venv/bin/python scripts/benchmark_pdf.py --reports 40

What it measures:
1. the Huai'an PDF (tests/fixtures/pdf/huaian_city_2024.pdf): ms a page to a document, split into
   PDFium's extraction and the layout (lines, rules, cells, tables);
2. generated PDFs (`gongkai generate`, layouts pdf_ruled and pdf_unruled, fonts embedded) and the same
   reports in a CID font that is not embedded (pages PDFium loses characters of go to pdfminer.six);
3. the cells read right against the truth of the generated corpus (a document's text parsed as a
   report);
4. for comparison, pdfplumber's words and its table finder on the same files, where it is installed;
5. reports and pages a second through a run's parse step (`parse_to_segments`: read, parse, write
   segments) on one worker and on two: each PDF layout alone, the Huai'an PDF, and a PDF-heavy year
   (half PDFs, half the text/HTML mix of scripts/benchmark.py), generated with --cores-reports reports
   of each PDF layout.

The section sits between its own markers after the hand-written analysis, so scripts/benchmark.py
keeps it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipelines import corpus, corpus_pdf  # noqa: E402
from pipelines.readers.pdf import READER, assemble, read_pages  # noqa: E402
from pipelines.report import parse_report  # noqa: E402

from benchmark import MIX, all_cores, cores_table, markdown, mix  # noqa: E402

HUAIAN = ROOT / "tests" / "fixtures" / "pdf" / "huaian_city_2024.pdf"
BEGIN = "<!-- pdf: written by scripts/benchmark_pdf.py -->"
END = "<!-- /pdf -->"


def per_page(files: list[bytes], repeat: int) -> tuple[float, float, float, int]:
    """Best-of-`repeat` ms a page for the whole read, the extraction and the layout; and the pages."""
    pages = sum(len(read_pages(d)) for d in files)
    whole, extract, lay = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        read = [read_pages(d) for d in files]
        middle = time.perf_counter()
        for p in read:
            assemble(p)
        done = time.perf_counter()
        extract.append(middle - started)
        lay.append(done - middle)
        started = time.perf_counter()
        for d in files:
            READER.read(d)
        whole.append(time.perf_counter() - started)
    return (1000 * min(whole) / pages, 1000 * min(extract) / pages, 1000 * min(lay) / pages, pages)


def plumber(files: list[bytes]) -> tuple[float, float] | None:
    """ms a page for pdfplumber's words and edges, and for its table finder; None when not installed."""
    try:
        import pdfplumber
    except ImportError:
        return None
    import io

    pages = 0
    started = time.perf_counter()
    for d in files:
        with pdfplumber.open(io.BytesIO(d)) as pdf:
            for page in pdf.pages:
                page.extract_words()
                _ = page.edges
                pages += 1
    words = time.perf_counter() - started
    started = time.perf_counter()
    for d in files:
        with pdfplumber.open(io.BytesIO(d)) as pdf:
            for page in pdf.pages:
                page.find_tables()
    return 1000 * words / pages, 1000 * (time.perf_counter() - started) / pages


def accuracy(out: Path) -> pl.DataFrame:
    truth = corpus.truth_cells(out).collect()
    reports = pl.read_parquet(out / "truth" / "reports.parquet")
    rows = []
    for encoding, names in reports.group_by("encoding").agg("source_file").sort("encoding").rows():
        cells = exact = whole = 0
        for name in names:
            report = parse_report(READER.read((out / "raw" / name).read_bytes()).text.encode("utf-8"), "x.txt")
            got = {(c.section, c.row_code, c.col_code): c.value for c in report.cells}
            mine = truth.filter(pl.col("source_file") == name).select("section", "row_code", "col_code", "value").rows()
            right = sum(1 for s, r, c, v in mine if got.get((s, r, c)) is not None and abs(float(got[(s, r, c)]) - v) < 1e-6)
            cells, exact, whole = cells + len(mine), exact + right, whole + (right == len(mine))
        rows.append((encoding, len(names), cells, exact, whole, exact / max(1, cells)))
    return pl.DataFrame(rows, schema={"layout": pl.String, "reports": pl.Int64, "cells": pl.Int64, "exact": pl.Int64,
                                      "reports_exact": pl.Int64, "accuracy": pl.Float64}, orient="row")


def cid_copies(n: int) -> list[bytes]:
    """Reports rendered in both layouts in STSong-Light, a CID font that is not embedded."""
    files = []
    for i in range(n):
        name, year = ("pdf_ruled", "pdf_unruled")[i % 2], 2019 + i % 6
        form = corpus.FORMS[corpus.FORM_OF_YEAR[year]]
        cells = corpus.draw_numbers(form, corpus.Body("测试市交通运输局"), random.Random(i))
        saved = corpus.LAYOUTS[name]
        corpus.LAYOUTS[name] = corpus.Layout(None, ".pdf", document=partial(
            corpus_pdf.render, ruled=name == "pdf_ruled", face_kind="cid"))
        try:
            files.append(corpus.render(form, "测试市交通运输局", year, name, cells))
        finally:
            corpus.LAYOUTS[name] = saved
    return files


def cores(bench: Path, reports: int) -> pl.DataFrame:
    """Reports and pages a second through the parse step on one and on two workers: each PDF layout,
    the Huai'an PDF (the same file `reports` // 2 times) and a PDF-heavy year holding them all."""
    out = bench / f"pdf-year-{reports}"
    if not (out / "truth" / "reports.parquet").exists():
        shutil.rmtree(out, ignore_errors=True)
        weight = sum(int(w) for _, _, w in (p.partition(":") for p in MIX.split(",")))
        encodings = mix(f"pdf_ruled:{weight // 2},pdf_unruled:{weight // 2},{MIX}")  # half the reports PDFs
        with all_cores():
            corpus.generate(out, corpus.Spec(4 * reports, seed=2, years=(2024,), encodings=encodings))
    files = sorted((out / "raw").rglob("*.*"))
    sets = {f"generated {name}": [p for p in files if p.parent.name == name] for name in ("pdf_ruled", "pdf_unruled")}
    sets["Huai'an (the same file)"] = [HUAIAN] * (reports // 2)
    sets["a PDF-heavy year (half PDFs, half the text/HTML mix)"] = files
    pages_of = {p: len(read_pages(p.read_bytes())) for p in {*files, HUAIAN} if p.suffix == ".pdf"}
    pages = pl.Series("pdf_pages", [sum(pages_of.get(p, 0) for p in paths) for paths in sets.values()])
    table = cores_table(sets, bench).insert_column(2, pages)
    per_report = pl.col("pdf_pages") / pl.col("reports")
    return table.with_columns(pages_per_s_1=pl.col("reports_per_s_1") * per_report,
                              pages_per_s_2=pl.col("reports_per_s_2") * per_report,
                              pages_per_cpu_s=1000 * per_report / pl.col("cpu_ms_1"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=40, help="generated reports (half ruled, half unruled)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cores-reports", type=int, default=1024,
                        help="reports of each PDF layout for the one- and two-worker figures (0: skip them)")
    parser.add_argument("--bench", default=str(ROOT / "bench"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    out = Path(args.bench) / f"pdf-corpus-{args.reports}"
    shutil.rmtree(out, ignore_errors=True)
    corpus.generate(out, corpus.Spec(args.reports, seed=1, encodings=("pdf_ruled", "pdf_unruled")), workers=1)
    by_layout: dict[str, list[bytes]] = {}
    for path in sorted((out / "raw").rglob("*.pdf")):
        by_layout.setdefault(path.parent.name, []).append(path.read_bytes())
    sets = {"Huai'an (real, 6 pages)": [HUAIAN.read_bytes()],
            **{f"generated {name} (embedded font)": files for name, files in sorted(by_layout.items())},
            "generated, CID font not embedded": cid_copies(max(2, args.reports // 10))}
    rows = []
    for name, files in sets.items():
        whole, extract, lay, pages = per_page(files, args.repeat)
        compare = plumber(files)
        rows.append((name, len(files), pages, whole, extract, lay, *(compare or (None, None))))
        print(rows[-1], flush=True)
    speed = pl.DataFrame(rows, schema={"files": pl.String, "n": pl.Int64, "pages": pl.Int64, "ms_per_page": pl.Float64,
                                       "pdfium_ms": pl.Float64, "layout_ms": pl.Float64,
                                       "pdfplumber_words_ms": pl.Float64, "pdfplumber_tables_ms": pl.Float64},
                         orient="row")
    right = accuracy(out)
    print(right)
    loads = [os.getloadavg()[0]]
    scaling = cores(Path(args.bench), args.cores_reports) if args.cores_reports else None
    loads.append(os.getloadavg()[0])
    scaling_text = "" if scaling is None else f"""
Through a run's parse step (`parse_to_segments`: read, parse, write the segments), on one worker and
on two, all cores allowed, load average {min(loads):.1f}–{max(loads):.1f} before and after: reports and
pages a second in wall time (`_1`, `_2`), CPU ms a report of all the step's processes, pages a
CPU-second on one worker; `speed_up` is the one-worker wall time over the two-worker one, as the load
allowed, `speed_up_free` the one-worker CPU time over the busiest process's of the two-worker run
(what two free cores would give, from the CPU each process used).

{markdown(scaling)}
"""
    section = f"""{BEGIN}
## PDF reader (one core)

Measured by `scripts/benchmark_pdf.py --reports {args.reports}` on {datetime.now(timezone.utc):%Y-%m-%d}, pinned to
one core, best of {args.repeat}, on a shared machine under load from other work (the figures are upper
bounds). `ms_per_page` is bytes to a `Document`: `pdfium_ms` PDFium's characters and rules, `layout_ms`
lines, cells and tables. pdfplumber (pdfminer.six underneath) is measured for comparison: its words
and edges alone, and its table finder. Target: ≤ 30 ms a page.

{markdown(speed)}

Cells read right against the truth of the generated PDFs (a document's text parsed as a report):

{markdown(right)}
{scaling_text}{END}
"""
    target = Path(args.out)
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section.rstrip("\n") + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
