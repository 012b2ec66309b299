"""Measure reading Word (.docx) reports on one core: gongkai's reader against python-docx and
docx2python, for speed and for the cells they let the parser read right.

    .venv/bin/python scripts/benchmark_docx.py --reports 100

The reports are rendered in memory by the generator (`gongkai generate --encodings docx`): both form
versions and every variant (merged cells everywhere; labels split across runs; tables in layout
tables). Each candidate turns a file into text whose table rows are tab-separated cells as written
(merged cells once), which the parser then reads; its cells are compared with the truth.

python-docx, docx2python and lxml are not dependencies of gongkai: the script measures them where
they are installed (e.g. `pip install --target /tmp/cand python-docx docx2python lxml` and
PYTHONPATH=/tmp/cand) and says which it skipped. It prints a Markdown table for docs/benchmarks.md,
and a second one: reports a second through a run's parse step (read, parse, write the segments) on
one worker and on two, over --cores-reports generated files.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import timeit
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.corpus import FORM_OF_YEAR, YEARS, Body, Spec, body_name, draw_numbers, generate, render  # noqa: E402
from pipelines.readers import docx as gongkai_docx  # noqa: E402
from pipelines.report import parse_report  # noqa: E402
from schemas.forms import FORMS  # noqa: E402

from benchmark import all_cores, cores_table, markdown  # noqa: E402

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


def with_lxml(data: bytes) -> str:
    """gongkai's walk over a tree lxml parsed (lxml keeps ElementTree's API)."""
    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("word/document.xml"))
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
    "gongkai (zipfile + ElementTree)": with_gongkai,
    "gongkai's walk over lxml": with_lxml,
    "python-docx": with_python_docx,
    "docx2python": with_docx2python,
}


def cost(readers: dict[str, Callable[[bytes], str]], reports: Corpus, repeat: int) -> dict[str, float]:
    """Milliseconds of CPU a report for each reader: each file's best of `repeat` reads, the readers
    taking turns file by file, so that a busy machine weighs on them alike. CPU time, not wall time:
    on a shared machine the time a process waits for a core is not the reader's."""
    seconds = dict.fromkeys(readers, 0.0)
    for data, *_ in reports:
        for name, read in readers.items():
            timer = timeit.Timer(lambda: read(data), timer=time.process_time)
            seconds[name] += min(timer.repeat(repeat=repeat, number=1))
    return {name: 1000 * s / len(reports) for name, s in seconds.items()}


def correctness(read: Callable[[bytes], str], reports: Corpus) -> tuple[float, str, str]:
    """What the parser makes of a reader's text: its CPU ms a report, cells exact, agency and year right."""
    texts = [read(data) for data, *_ in reports]
    started = time.process_time()
    parsed = [parse_report(t.encode("utf-8"), "x.txt") for t in texts]
    parse_ms = 1000 * (time.process_time() - started) / len(reports)
    exact = total = metadata = 0
    for report, (_, cells, agency, year) in zip(parsed, reports):
        read_cells = {(c.section, c.row_code, c.col_code): c.value for c in report.cells}
        total += len(cells)
        exact += sum(1 for key, (value, _) in cells.items() if read_cells.get(key) == Decimal(value))
        metadata += report.agency == agency and report.year == year
    return parse_ms, f"{exact}/{total} ({100 * exact / total:.1f}%)", f"{metadata}/{len(reports)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cores-reports", type=int, default=1024,
                        help="generated files for the one- and two-worker figures (0: skip them)")
    parser.add_argument("--bench", default=str(ROOT / "bench"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    reports = corpus(args.reports, args.seed)
    size = sum(len(d) for d, *_ in reports) / len(reports)
    xml = sum(zipfile.ZipFile(io.BytesIO(d)).getinfo("word/document.xml").file_size for d, *_ in reports) / len(reports)
    print(f"{len(reports)} generated reports, {size / 1024:.1f} KiB a file ({xml / 1024:.0f} KiB of document XML) "
          "on average, one core, "
          f"CPU time, each file's best of {args.repeat} reads\n")
    readers = {}
    for name, read in CANDIDATES.items():
        try:
            read(reports[0][0])
            readers[name] = read
        except ImportError as e:
            print(f"skipped {name}: {e}", file=sys.stderr)
    read_ms = cost(readers, reports, args.repeat)
    print("| reader | read, ms a report | read + parse, ms a report | cells exact | agency and year |")
    print("|---|---|---|---|---|")
    for name, read in readers.items():
        parse_ms, cells, metadata = correctness(read, reports)
        print(f"| {name} | {read_ms[name]:.2f} | {read_ms[name] + parse_ms:.2f} | {cells} | {metadata} |")
    if args.cores_reports:
        out = Path(args.bench) / f"docx-{args.cores_reports}-{args.seed}"
        if not (out / "truth" / "reports.parquet").exists():
            with all_cores():
                generate(out, Spec(args.cores_reports, args.seed, encodings=("docx",)))
        files = sorted((out / "raw").rglob("*.docx"))
        print("\nThrough the parse step (read, parse, write the segments), wall time, all cores allowed:\n")
        print(markdown(cores_table({"generated docx": files}, Path(args.bench))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
