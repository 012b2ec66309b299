"""Measure `gongkai check` and write the results to docs/benchmarks-check.md.

    .venv/bin/python scripts/benchmark_check.py --reports 1000

What it measures, each as the command a person runs (a new process every time):
1. a cold start on one report: `gongkai check FILE`, --repeat times, for the median and the fastest;
2. a folder of --reports generated reports (`gongkai generate`, reused when it is there): on every
   core, and on one (`--jobs 1`).
The machine's load average is written beside the results: they are wall times.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The command as installed (the console script), as a person runs it.
GONGKAI = [str(Path(sys.executable).with_name("gongkai"))]
ONE_REPORT = ROOT / "data" / "raw" / "000_4a5927c6b61291aa.txt"


def timed(argv: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return time.perf_counter() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10, help="cold starts on one report")
    parser.add_argument("--bench-dir", default=str(ROOT / "bench"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-check.md"))
    args = parser.parse_args()

    corpus = Path(args.bench_dir) / f"check-corpus-{args.reports}"
    if not (corpus / "raw").is_dir():
        subprocess.run([*GONGKAI, "generate", "--out", str(corpus), "--reports", str(args.reports), "--seed", "1"],
                       cwd=ROOT, check=True)
    files = sum(1 for p in (corpus / "raw").rglob("*") if p.is_file())

    load_before = os.getloadavg()
    cold = [timed([*GONGKAI, "check", str(ONE_REPORT)])[0] for _ in range(args.repeat)]
    parallel, status = timed([*GONGKAI, "check", "--quiet", str(corpus / "raw")])
    serial, _ = timed([*GONGKAI, "check", "--quiet", "--jobs", "1", str(corpus / "raw")])
    load_after = os.getloadavg()

    rows = [
        ("one report, cold start (`gongkai check FILE`)",
         f"median {statistics.median(cold):.2f} s, fastest {min(cold):.2f} s ({args.repeat} runs)"),
        (f"a folder of {files} reports, {os.cpu_count()} processes",
         f"{parallel:.1f} s ({1000 * parallel / files:.1f} ms a report; exit {status})"),
        ("the same folder, one process (`--jobs 1`)", f"{serial:.1f} s ({1000 * serial / files:.1f} ms a report)"),
    ]
    text = "\n".join([
        "# Benchmarks of `gongkai check`",
        "",
        f"Measured by `scripts/benchmark_check.py --reports {args.reports}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d}: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}. The folder is `gongkai generate --reports {args.reports} --seed 1` "
        "(every table encoding, both forms, a tenth of the reports with one total off). Wall times of the "
        "command, each a new process; the machine was shared: load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 minute).",
        "",
        "| measure | result |",
        "|---|---|",
        *(f"| {m} | {r} |" for m, r in rows),
        "",
    ])
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
