"""HTML reading, one core: milliseconds a report for the whole parse of generated pages (plain tables,
Word's HTML) and the real pages among the fixtures, and lxml against selectolax on the same pages:
the parse alone, the parse and a walk that takes every table's cells with their spans, and whether the
two give the same cells; then reports a second through a run's parse step (read, parse, write the
segments) on one worker and on two, over --cores-reports generated pages of each layout.

    .venv/bin/python scripts/benchmark_html.py [--reports 200] [--repeat 3]

selectolax is not a dependency: install it (`pip install selectolax`) to compare; without it, only
lxml is measured.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

from benchmark import all_cores, cores_table
from pipelines.corpus import Spec, generate
from pipelines.readers.html import READER, decode_page
from pipelines.report import parse_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = ["real_world/pingtan_2021_page.html", "real_world/pingtan_2022_page.html", "fidelity/demo2021_word.htm",
        "fidelity/demo2021_js_string.html", "fidelity/demo2021_tables.html"]


def best_ms(work, items, repeat: int) -> float:
    """The best of `repeat` passes over the items, in ms an item (the best pass: the least disturbed
    by other processes on a shared machine)."""
    for item in items[:3]:
        work(item)  # warm the caches, as a long run has them
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            work(item)
        times.append((time.perf_counter() - started) / len(items))
    return 1000 * min(times)


def lxml_cells(text: str) -> list[list[tuple[str, int, int]]]:
    root = lxml.html.document_fromstring(text)
    return [[(" ".join(td.text_content().split()), int(td.get("rowspan", 1) or 1), int(td.get("colspan", 1) or 1))
             for td in tr if td.tag in ("td", "th")] for tr in root.iter("tr")]


def selectolax_cells(text: str) -> list[list[tuple[str, int, int]]]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    return [[(" ".join(td.text(deep=True).split()), int(td.attributes.get("rowspan") or 1),
              int(td.attributes.get("colspan") or 1))
             for td in tr.iter() if td.tag in ("td", "th")] for tr in tree.css("tr")]


def markdown(rows: list[tuple], head: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="generated pages of each layout")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cores-reports", type=int, default=1024,
                        help="generated pages of each layout for the one- and two-worker figures (0: skip them)")
    parser.add_argument("--bench", default=str(ROOT / "bench"))
    args = parser.parse_args(argv)
    try:
        import selectolax  # noqa: F401
        have_selectolax = True
    except ImportError:
        have_selectolax = False

    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, Spec(2 * args.reports, encodings=("html_tables", "word_html")), workers=1)
        sets = {layout: [(p.read_bytes(), p.name) for p in sorted(Path(tmp, "raw").rglob(f"{layout}/*.html"))]
                for layout in ("html_tables", "word_html")}
    sets["real pages (fixtures)"] = [((FIXTURES / f).read_bytes(), Path(f).name) for f in REAL]

    parse_rows = []
    for name, files in sets.items():
        ms = best_ms(lambda f: parse_report(*f), files, args.repeat)
        read_ms = best_ms(lambda f: READER.read(f[0]), files, args.repeat)
        kb = statistics.mean(len(d) for d, _ in files) / 1024
        parse_rows.append((name, len(files), kb, read_ms, ms))
    print("## Whole parse, one core (ms a report)\n")
    print(markdown(parse_rows, ("pages", "files", "KiB a page", "HTML reader", "whole parse")))

    texts = {name: [decode_page(d).text for d, _ in files] for name, files in sets.items()}
    rows = []
    for name, pages in texts.items():
        row = [name, best_ms(lxml.html.document_fromstring, pages, args.repeat), best_ms(lxml_cells, pages, args.repeat)]
        if have_selectolax:
            from selectolax.lexbor import LexborHTMLParser

            row += [best_ms(LexborHTMLParser, pages, args.repeat), best_ms(selectolax_cells, pages, args.repeat)]
            row.append(sum(lxml_cells(p) == selectolax_cells(p) for p in pages))
        rows.append(tuple(row))
    head = ("pages", "lxml parse", "lxml cells")
    if have_selectolax:
        head += ("selectolax parse", "selectolax cells", "same cells (pages)")
    print("\n## lxml against selectolax (ms a page)\n")
    print(markdown(rows, head))
    if args.cores_reports:
        out = Path(args.bench) / f"html-{args.cores_reports}"
        if not (out / "truth" / "reports.parquet").exists():
            with all_cores():
                generate(out, Spec(2 * args.cores_reports, seed=3, encodings=("html_tables", "word_html")))
        sets = {f"generated {layout}": sorted((out / "raw").rglob(f"{layout}/*.html"))
                for layout in ("html_tables", "word_html")}
        table = cores_table(sets, Path(args.bench))
        print("\n## Through the parse step (read, parse, write the segments), one worker and two\n")
        print(markdown(table.rows(), tuple(table.columns)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
