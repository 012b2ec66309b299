"""Measure reading Word (.docx) reports on one core: gongkai's reader against python-docx and
docx2python, for speed and for the cells they let the parser read right.

    .venv/bin/python scripts/benchmark_docx.py --reports 200

The reports are rendered in memory by the generator (`gongkai generate --encodings docx`): both form
versions and every variant (merged cells everywhere; labels split across runs; tables in layout
tables). Each candidate turns a file into text whose table rows are tab-separated cells as written
(merged cells once), which the parser then reads; its cells are compared with the truth.

python-docx and docx2python are not dependencies of gongkai: the script measures them where they are
installed (e.g. `pip install --target /tmp/cand python-docx docx2python` and PYTHONPATH=/tmp/cand)
and says which it skipped. It prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.corpus import FORM_OF_YEAR, YEARS, Body, body_name, draw_numbers, render  # noqa: E402
from pipelines.readers import docx as gongkai_docx  # noqa: E402
from pipelines.report import parse_report  # noqa: E402
from schemas.forms import FORMS  # noqa: E402

Corpus = list[tuple[bytes, dict, str, int]]  # (file, truth cells, agency, year)


def corpus(reports: int, seed: int) -> Corpus:
    out = []
    for number in range(reports):
        year = YEARS[number % len(YEARS)]
        form = FORMS[FORM_OF_YEAR[year]]
        agency = body_name(seed, number)
        cells = draw_numbers(form, Body(agency), random.Random(f"{seed}:{number}"))
        out.append((render(form, agency, year, "docx", cells, variant=number // len(YEARS)), cells, agency, year))
    return out


# --- candidates: bytes -> text with tab-separated table rows ---------------------------------------


def with_gongkai(data: bytes) -> str:
    return gongkai_docx.READER.read(data).text


def with_elementtree(data: bytes) -> str:
    """gongkai's walk over a tree the standard library's ElementTree parsed (the same API as lxml's)."""
    from xml.etree import ElementTree

    archive = zipfile.ZipFile(io.BytesIO(data))
    root = ElementTree.fromstring(archive.read("word/document.xml"))
    reader = gongkai_docx._Reader(gongkai_docx._TAGS[gongkai_docx.TRANSITIONAL])
    reader.blocks(root.find(f"{{{gongkai_docx.TRANSITIONAL}}}body"))
    return "\n".join(line.text for line in reader.lines)


def with_python_docx(data: bytes) -> str:
    """python-docx: blocks in order; a row's cells as written (a cell python-docx repeats for a
    horizontal merge once, the continuation of a vertical merge left out); a table holding tables
    read as layout."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []

    def blocks(container) -> None:
        for block in container.iter_inner_content():
            if not isinstance(block, Table):
                lines.append(block.text)
                continue
            if any(cell.tables for row in block.rows for cell in row.cells):
                for row in block.rows:
                    for cell in dict.fromkeys(row.cells):
                        blocks(cell)
                continue
            for row in block.rows:
                written = []
                for tc in row._tr.tc_lst:
                    merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                    if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                        continue
                    written.append(" ".join(Paragraph(p, None).text for p in tc.iter(qn("w:p"))))
                lines.append("\t".join(" ".join(t.split()) for t in written))

    blocks(docx.Document(io.BytesIO(data)))
    return "\n".join(lines)


def with_docx2python(data: bytes) -> str:
    """docx2python: its nested lists of tables, rows, cells and paragraphs. It repeats a merged
    cell's text in every grid column it covers and gives no spans, so a row is its cells as given."""
    from docx2python import docx2python

    lines = []
    with docx2python(io.BytesIO(data)) as result:
        for table in result.body:
            for row in table:
                cells = [" ".join(" ".join(p.split()) for p in cell if p.strip()) for cell in row]
                lines.append("\t".join(cells) if len(row) > 1 else cells[0] if cells else "")
    return "\n".join(lines)


CANDIDATES: dict[str, Callable[[bytes], str]] = {
    "gongkai (zipfile + lxml)": with_gongkai,
    "gongkai's walk over ElementTree": with_elementtree,
    "python-docx": with_python_docx,
    "docx2python": with_docx2python,
}


def measure(name: str, read: Callable[[bytes], str], reports: Corpus, repeat: int) -> dict | None:
    try:
        read(reports[0][0])
    except ImportError as e:
        print(f"skipped {name}: {e}", file=sys.stderr)
        return None
    best = float("inf")
    for _ in range(repeat):  # the best of a few passes: the machine is shared
        started = time.perf_counter()
        texts = [read(data) for data, *_ in reports]
        best = min(best, time.perf_counter() - started)
    started = time.perf_counter()
    parsed = [parse_report(t.encode("utf-8"), "x.txt") for t in texts]
    parse_ms = 1000 * (time.perf_counter() - started) / len(reports)
    exact = total = metadata = 0
    for report, (_, cells, agency, year) in zip(parsed, reports):
        read_cells = {(c.section, c.row_code, c.col_code): c.value for c in report.cells}
        total += len(cells)
        exact += sum(1 for key, (value, _) in cells.items() if read_cells.get(key) == Decimal(value))
        metadata += report.agency == agency and report.year == year
    read_ms = 1000 * best / len(reports)
    return {"reader": name, "read_ms": read_ms, "read_and_parse_ms": read_ms + parse_ms,
            "cells_exact": f"{exact}/{total} ({100 * exact / total:.1f}%)",
            "agency_and_year": f"{metadata}/{len(reports)}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    reports = corpus(args.reports, args.seed)
    size = sum(len(d) for d, *_ in reports) / len(reports)
    print(f"{len(reports)} generated reports, {size / 1024:.1f} KiB a file on average, one core, "
          f"best of {args.repeat} passes\n")
    print("| reader | read ms a report | read + parse ms a report | cells exact | agency and year |")
    print("|---|---|---|---|---|")
    for name, read in CANDIDATES.items():
        row = measure(name, read, reports, args.repeat)
        if row:
            print(f"| {row['reader']} | {row['read_ms']:.2f} | {row['read_and_parse_ms']:.2f} | "
                  f"{row['cells_exact']} | {row['agency_and_year']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
