"""Measure the pipeline on a synthetic corpus, in one run, and write the results to docs/benchmarks.md.

    .venv/bin/python scripts/benchmark.py --reports 100000

What it measures, in order (all on every core, unless said):
1. the corpus: `gongkai generate` into bench/corpus-N (reused when it is there);
2. the floor: reading every file, and decoding and splitting a text or HTML file into lines;
3. parse throughput: every file parsed into segments, as a run does, and per encoding on one core;
4. end to end: `gongkai run` into a fresh warehouse, with the peak RSS of its whole process tree;
5. a rerun with nothing new;
6. accuracy: the warehouse's cells against the corpus's truth;
7. mart queries on a warehouse of --mart-reports reports (the published one, its reports copied as if
   new bodies had published them: `replicate`).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

ANALYSIS_MARKER = "<!-- analysis: written by hand, kept by scripts/benchmark.py -->"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import native  # noqa: E402
from pipelines.corpus import Spec, accuracy, generate, truth_cells  # noqa: E402
from pipelines.incremental import list_files  # noqa: E402
from pipelines.parse_all import map_chunks, parse_to_segments, pool_map  # noqa: E402
from pipelines.readers import reader_for  # noqa: E402
from pipelines.report import parse_report  # noqa: E402
from pipelines.text import decode  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
TEXT_READERS = {"text", "html"}  # files the floor decodes and splits into lines

# The default mix of table encodings, by weight: mostly text from PDFs and tables of web pages, then
# the simpler layouts, and a few pages whose cells ran together (the costliest to read).
MIX = "spaced_text:6,html_tables:5,cell_per_line:3,tab_rows:2,pipe_cells:2,markdown_tables:1,flattened:1"


def mix(spec: str) -> tuple[str, ...]:
    """`name:weight,...` as the cycle of encodings the generator walks (each name `weight` times,
    interleaved so that any run of reports has the mix)."""
    weights = {}
    for part in filter(None, spec.split(",")):
        name, _, weight = part.partition(":")
        weights[name] = int(weight or 1)
    cycle: list[str] = []
    for turn in range(max(weights.values(), default=0)):
        cycle += [name for name, weight in weights.items() if weight > turn]
    return tuple(cycle)


def _split(paths: list[str]) -> list[int]:
    """Lines of each file; a PDF or Word file is only read, since its text is its reader's work (a
    parse), not a floor under it."""
    counts = []
    for p in paths:
        data = Path(p).read_bytes()
        counts.append(len(decode(data).text.split("\n")) if reader_for(p).name in TEXT_READERS else 0)
    return counts


def group(pgid: int) -> Iterator[tuple[str, list[str]]]:
    """The /proc folder and the stat fields after the name (state, ppid, pgrp, …) of every live
    process of a process group."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(stat[2]) == pgid:
            yield entry.path, stat


def tree_rss(pgid: int) -> int:
    """Resident bytes of every process in a process group."""
    total = 0
    for folder, _ in group(pgid):
        try:
            total += int(Path(folder, "statm").read_text().split()[1]) * PAGE
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total


def timed_run(cmd: list[str], env: dict) -> tuple[float, int, str]:
    """Seconds, peak RSS of the whole process tree, and the output of a command run in its own group."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({process.returncode}):\n{output[-4000:]}")
    return time.perf_counter() - started, peak, output


def per_encoding(raw: Path, sample: int) -> pl.DataFrame:
    """Milliseconds a report on one core, by encoding, on up to `sample` files of each, and each
    encoding's estimated share of the corpus's parse time (its files times its cost)."""
    rows = []
    by_encoding: dict[str, list[Path]] = {}
    for path in sorted(raw.rglob("*.*")):
        by_encoding.setdefault(path.parent.name, []).append(path)
    for encoding, paths in sorted(by_encoding.items()):
        data = [(p.read_bytes(), p.name) for p in paths[:sample]]
        for d, n in data[:3]:
            parse_report(d, n)  # warm the caches, as a long run has them
        started = time.perf_counter()
        for d, n in data:
            parse_report(d, n)
        parse = time.perf_counter() - started
        rows.append((encoding, len(data), 1000 * parse / len(data), len(paths)))
    frame = pl.DataFrame(rows, schema={"encoding": pl.String, "files": pl.Int64, "ms_per_report": pl.Float64,
                                       "corpus_files": pl.Int64}, orient="row")
    cost = pl.col("ms_per_report") * pl.col("corpus_files")
    return frame.with_columns(share_of_parse=cost / cost.sum())


@contextmanager
def all_cores() -> Iterator[None]:
    """Every core allowed to this process (and so to the processes it starts) for a while, however it
    was pinned. A script pinned to one core starts its process pools in here: their forkserver keeps
    the affinity it was started with."""
    pinned = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if pinned is not None:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    try:
        yield
    finally:
        if pinned is not None:
            os.sched_setaffinity(0, pinned)


TICK = os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> dict[str, float]:
    """CPU seconds (user and system) of every live process of a process group, by /proc folder."""
    return {folder: (int(stat[11]) + int(stat[12])) / TICK for folder, stat in group(pgid)}  # utime, stime


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, as the machine's load allowed
    cpu: float  # CPU seconds of every process of the step (this one, the pool's workers)
    busiest: float  # CPU seconds of its busiest process: the wall time on free cores, but for waits


def on_cores(items: list[tuple[str, str]], bench: Path, workers: tuple[int, ...] = (1, 2)) -> dict[int, Timing]:
    """How a run's parse step (`parse_to_segments`: read, parse, write the segments) goes over
    (path, source_file) items on each number of workers. The CPU time of each process is sampled
    from /proc while it runs (a worker's last tenth of a second may be missed), so that what a
    second core would buy shows even while other work keeps the machine's cores busy. Each count
    needs a few chunks of files a worker to say anything."""
    timings = {}
    pgid = os.getpgrp()
    with all_cores():
        list(pool_map(abs, [1, 2], 2))  # the forkserver starts once a process, as in a run of many years
        for n in workers:
            before = group_cpu(pgid)
            last = dict(before)
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.1):
                    last.update(group_cpu(pgid))

            sampler = threading.Thread(target=sample, daemon=True)
            with tempfile.TemporaryDirectory(dir=bench) as tmp:
                sampler.start()
                started = time.perf_counter()
                parse_to_segments(items, tmp, workers=n)
                wall = time.perf_counter() - started
                done.set()
                sampler.join()
            last.update(group_cpu(pgid))
            used = {pid: cpu - before.get(pid, 0.0) for pid, cpu in last.items()}
            timings[n] = Timing(wall, sum(used.values()), max(used.values()))
    return timings


def cores_table(sets: dict[str, list[Path]], bench: Path) -> pl.DataFrame:
    """For each named list of files (a file may be listed more than once), through the parse step on
    one worker and on two: reports a second (wall time, under whatever load the machine had), CPU
    ms a report (every process of the step), and the speed-up of the second worker, measured and as
    the CPU times give it on two free cores (one worker's CPU time over the busiest process's)."""
    rows = []
    for name, paths in sets.items():
        t = on_cores([(str(p), f"{i:07d}/{p.name}") for i, p in enumerate(paths)], bench)
        n = len(paths)
        rows.append((name, n, n / t[1].wall, n / t[2].wall, 1000 * t[1].cpu / n, 1000 * t[2].cpu / n,
                     t[1].wall / t[2].wall, t[1].cpu / t[2].busiest))
        print(*rows[-1], f"load average {os.getloadavg()[0]:.1f}", flush=True)
    return pl.DataFrame(rows, schema={"files": pl.String, "reports": pl.Int64, "reports_per_s_1": pl.Float64,
                                      "reports_per_s_2": pl.Float64, "cpu_ms_1": pl.Float64, "cpu_ms_2": pl.Float64,
                                      "speed_up": pl.Float64, "speed_up_free": pl.Float64}, orient="row")


def profile_source(raw: Path, sample: int, bench: Path) -> pl.DataFrame:
    """`profile` of the parser's Python source, in a process of its own when this one runs the compiled
    modules: cProfile sees a compiled module's functions as one opaque call, and where the time goes in
    the source is where compiling them helps."""
    if native.running() == "python":
        return profile(raw, sample)
    with tempfile.TemporaryDirectory(dir=bench) as tmp:
        out = Path(tmp) / "profile.parquet"
        subprocess.run([sys.executable, __file__, "--profile-of", str(raw), str(sample), str(out)], check=True,
                       env={**os.environ, native.PURE_ENV: "1"})
        return pl.read_parquet(out)


def profile(raw: Path, sample: int, top: int = 15) -> pl.DataFrame:
    """Where one core spends a parse: the functions with the most time of their own, over a sample of
    files of every encoding (cProfile, so the shares matter more than the absolute times)."""
    import cProfile
    import pstats

    by_encoding: dict[str, list[Path]] = {}
    for path in sorted(raw.rglob("*.*")):
        by_encoding.setdefault(path.parent.name, []).append(path)
    data = [(p.read_bytes(), p.name) for paths in by_encoding.values() for p in paths[:sample]]
    profiler = cProfile.Profile()
    profiler.enable()
    for d, n in data:
        parse_report(d, n)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(s[2] for s in stats.values())
    rows = sorted(((f"{Path(file).name}:{line} {name}", s[2], s[3]) for (file, line, name), s in stats.items()),
                  key=lambda r: -r[1])[:top]
    return pl.DataFrame([(f, 100 * own / total, 100 * cum / total) for f, own, cum in rows],
                        schema={"function": pl.String, "own_%": pl.Float64, "with_callees_%": pl.Float64},
                        orient="row")


MART_QUERIES = {
    "requests received by year": "SELECT year, sum(received) FROM mart_agency_year GROUP BY year ORDER BY year",
    "ten busiest bodies of a year": "SELECT agency, received FROM mart_agency_year WHERE year = 2022 "
                                    "ORDER BY received DESC NULLS LAST LIMIT 10",
    "reports breaking I1 by year": "SELECT r.year, count(DISTINCT f.report_id) FROM findings f "
                                   "JOIN reports r USING (report_id) WHERE f.rule = 'I1' GROUP BY ALL ORDER BY 1",
    "one body over the years": "SELECT * FROM mart_agency_year WHERE body_id = $body_id ORDER BY year",
    "refusals of a year by reason": "SELECT sum(refused_state_secret), sum(refused_third_party), sum(refused) "
                                    "FROM mart_requests WHERE year = 2022",
    "reports by status and encoding": "SELECT status, table_encoding, count(*) FROM reports "
                                      "WHERE superseded_by IS NULL GROUP BY ALL",
    "provinces of a year by disclosure rate": "SELECT region, n_reports, received, disclosure_rate "
                                              "FROM mart_region_year WHERE region_level = 'province' "
                                              "AND year = 2022 ORDER BY disclosure_rate DESC NULLS LAST",
    "bodies whose requests grew most in a year": "SELECT body_id, name, received, previous_received "
                                                 "FROM mart_body_trend WHERE year = 2022 "
                                                 "ORDER BY received_change DESC NULLS LAST LIMIT 20",
    "bodies whose carry-over breaks W1 by year": "SELECT year, count(*) FROM mart_body_trend "
                                                 "WHERE NOT w1_holds GROUP BY year ORDER BY year",
}

# How a copy of the warehouse's reports changes a column, by its name: the copy `k` of a report is the
# same report published by a new body, as another file (new bytes, so a new report id).
_COPY = {
    "report_id": "substr(sha256({c} || ':' || k), 1, 16)",
    "superseded_by": "substr(sha256({c} || ':' || k), 1, 16)",
    "duplicate_of": "substr(sha256({c} || ':' || k), 1, 16)",
    "sha256": "sha256(report_id || ':' || k)",  # the new report id is its head, as for a real file
    "report_ids": "list_transform({c}, lambda i: substr(sha256(i || ':' || k), 1, 16))",
    "body_id": "substr(sha256({c} || ':' || k), 1, 16)",
    "agency": "{c} || '#' || k",
    "name": "{c} || '#' || k",
    "name_variants": "list_transform({c}, lambda n: n || '#' || k)",
    "source_file": "'copy' || k || '/' || {c}",
    "previous_source_files": "list_transform({c}, lambda f: 'copy' || k || '/' || f)",
}


def replicate(warehouse: Path, target: Path, reports: int) -> int:
    """A copy of the warehouse holding up to `reports` reports: its reports repeated as if new bodies
    had published them (new report ids, files, bodies and body names; the same figures and places);
    facts are left as they are (2·10⁸ rows at 10⁶ reports).

    The report-level tables are copied (reports, findings, dim_body, and the marts built from facts);
    the marts built from those alone (by body and year, a body's trend, by region and year) are built
    again by `pipelines.marts`, so their rows are what publishing the copies would give: ten times the
    bodies, the same regions with ten times the reports."""
    from pipelines.marts import MARTS

    shutil.copy(warehouse, target)
    with closing(duckdb.connect(str(target))) as con:
        have = con.sql("SELECT count(*) FROM reports").fetchall()[0][0]
        copies = max(1, -(-reports // max(1, have)))

        def columns(table: str) -> list[str]:
            return [c for (c,) in con.sql("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                          "ORDER BY ordinal_position", params=[table]).fetchall()]

        rebuilt = [m for m in MARTS.values() if "facts" not in m.reads]
        copied = ["reports", "findings", "dim_body", *(m.name for m in MARTS.values() if "facts" in m.reads)]
        for table in copied:
            select = ", ".join(_COPY.get(c, "{c}").format(c=f'"{c}"') for c in columns(table))
            con.execute(f'INSERT INTO "{table}" SELECT {select} FROM "{table}", range(1, ?) AS t(k)', [copies])
        for mart in rebuilt:  # in build order: later ones read earlier ones
            con.execute(f'DROP TABLE "{mart.name}"')
            mart.create(con)
        con.execute("CHECKPOINT")
        return con.sql("SELECT count(*) FROM reports").fetchall()[0][0]


def query_latency(warehouse: Path, repeat: int = 5) -> pl.DataFrame:
    rows = []
    with closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        # The body with the most reports, so that "one body" queries return its years.
        body = con.sql("SELECT body_id FROM dim_body ORDER BY n_reports DESC, body_id LIMIT 1").fetchall()[0][0]
        for name, sql in MART_QUERIES.items():
            params = {"body_id": body} if "$body_id" in sql else None
            try:
                con.sql(sql, params=params).fetchall()
            except duckdb.Error as e:
                rows.append((name, None, f"failed: {e}".splitlines()[0]))
                continue
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                con.sql(sql, params=params).fetchall()
                times.append(1000 * (time.perf_counter() - started))
            rows.append((name, sorted(times)[len(times) // 2], ""))
    return pl.DataFrame(rows, schema={"query": pl.String, "median_ms": pl.Float64, "note": pl.String}, orient="row")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    return (f"{os.cpu_count()} cores ({cpu}), {memory} GB RAM, Linux {platform.release()}, Python {platform.python_version()}, "
            f"parser modules {native.running()}")


def markdown(frame: pl.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * frame.width
    body = ["| " + " | ".join("" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row) + " |"
            for row in frame.rows()]
    return "\n".join([head, rule, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--encodings", default=MIX,
                        help="table encodings of the corpus, comma-separated, each with an optional :weight "
                             "(the share of reports it gets); empty: every encoding in equal shares")
    parser.add_argument("--mart-reports", type=int, default=1_000_000)
    parser.add_argument("--per-encoding-sample", type=int, default=100)
    parser.add_argument("--separate-parse", action="store_true",
                        help="also time a parse into segments outside Dagster (the run's own steps are always timed)")
    parser.add_argument("--bench", default=str(ROOT / "bench"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--marts-of", metavar="WAREHOUSE",
                        help="only the mart queries: replicate this warehouse to --mart-reports reports, time the "
                             "queries and print them (nothing is written to --out)")
    parser.add_argument("--profile-of", nargs=3, metavar=("RAW", "SAMPLE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_of:  # profile_source's own process
        raw_dir, sample, out = args.profile_of
        profile(Path(raw_dir), int(sample)).write_parquet(out)
        return 0
    bench = Path(args.bench)
    if args.marts_of:
        bench.mkdir(parents=True, exist_ok=True)
        big = bench / "marts-replicated.duckdb"
        started = time.perf_counter()
        n_big = replicate(Path(args.marts_of), big, args.mart_reports)
        print(f"replicated warehouse: {n_big} reports ({time.perf_counter() - started:.1f} s to build)\n")
        print(markdown(query_latency(big)))
        big.unlink()
        return 0
    encodings = mix(args.encodings)
    slug = "-".join(f"{e}{encodings.count(e)}" for e in dict.fromkeys(encodings))
    corpus = bench / (f"corpus-{args.reports}-{args.seed}" + (f"-{slug}" if encodings else ""))
    results: dict[str, str] = {}

    def note(key: str, value: str) -> None:
        results[key] = value
        print(f"{key}: {value}", flush=True)

    if not (corpus / "truth" / "reports.parquet").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        generate(corpus, Spec(args.reports, args.seed, encodings=encodings))
        note("corpus generated", f"{time.perf_counter() - started:.1f} s")
    raw = corpus / "raw"
    files = list_files(raw)
    note("corpus", f"{files.height} files, {files['size_bytes'].sum() / 1e6:.0f} MB")

    started = time.perf_counter()
    map_chunks(_split, files["path"].to_list())
    floor = time.perf_counter() - started
    note("floor", f"{floor:.1f} s ({1000 * floor / files.height:.2f} ms a file)")

    if args.separate_parse:
        with tempfile.TemporaryDirectory(dir=bench) as tmp:
            started = time.perf_counter()
            parse_to_segments(list(zip(files["path"], files["source_file"])), tmp)
            parse = time.perf_counter() - started
        note("parse", f"{parse:.1f} s ({files.height / parse:.0f} reports/s)")
    by_encoding = per_encoding(raw, args.per_encoding_sample)
    hot = profile_source(raw, max(5, args.per_encoding_sample // 4), bench)

    run = bench / f"run-{args.reports}-{args.seed}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    warehouse = run / "warehouse.duckdb"
    env = {**os.environ}
    env.pop("DAGSTER_HOME", None)
    command = [str(Path(sys.executable).with_name("gongkai")), "run", "--raw-dir", str(raw), "--warehouse",
               str(warehouse), "--ephemeral"]
    seconds, peak, output = timed_run(command, env)
    note("end to end", f"{seconds:.1f} s ({seconds / floor:.1f}× the floor), peak RSS {peak / 2**30:.2f} GB")
    summary = [line for line in output.splitlines() if line.startswith(("files:", "reports by status", "findings by"))]
    steps = [line for line in output.splitlines()
             if ": done (" in line or "to list, hash" in line or line.startswith("warehouse:")]
    again, again_peak, again_output = timed_run(command, env)
    note("rerun with nothing new", f"{again:.1f} s, peak RSS {again_peak / 2**30:.2f} GB "
                                   f"({'nothing new' if 'nothing new' in again_output else 'ran again'})")

    with closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        facts = pl.from_arrow(con.sql("SELECT report_id, section, row_code, col_code, value FROM facts")
                              .to_arrow_table())
        reports = pl.from_arrow(con.sql("SELECT report_id, source_file FROM reports WHERE superseded_by IS NULL")
                                .to_arrow_table())
    truth_reports = pl.read_parquet(corpus / "truth" / "reports.parquet")
    accurate = accuracy(truth_cells(corpus), truth_reports, facts, reports)
    del facts

    big = run / "marts-replicated.duckdb"
    started = time.perf_counter()
    n_big = replicate(warehouse, big, args.mart_reports)
    note("replicated warehouse", f"{n_big} reports ({time.perf_counter() - started:.1f} s to build)")
    queries = query_latency(big)
    big.unlink()

    text = f"""# Benchmarks

Measured by `scripts/benchmark.py --reports {args.reports}{" --encodings " + args.encodings if encodings else ""}` on {datetime.now(timezone.utc):%Y-%m-%d}: {machine()}.
The corpus is synthetic (`gongkai generate`, seed {args.seed}): the table encodings above, in their shares,
both form versions, a tenth of the reports with one total off. Targets on this machine: 10⁵ reports end
to end ≤ 3 minutes and ≤ 10× the floor, peak RSS ≤ 2 GB, a rerun with nothing new ≤ 3 s, mart queries
≤ 200 ms on a warehouse of 10⁶ reports.

| measure | result |
|---|---|
""" + "\n".join(f"| {k} | {v} |" for k, v in results.items()) + f"""

`gongkai run` said:

```
{chr(10).join(steps + summary)}
```

## Parse cost by encoding (one core, ms a report)

{markdown(by_encoding)}

## Where a parse spends its time (cProfile of the parser's Python source, share of one core's time)

{markdown(hot)}

## Accuracy against the truth of the corpus

{markdown(accurate)}

## Mart queries ({n_big} reports; median of 5)

{markdown(queries)}
"""
    # The reading of the numbers is written by hand below the marker; a new measurement keeps it.
    out = Path(args.out)
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    if ANALYSIS_MARKER in previous:
        text += "\n" + previous[previous.index(ANALYSIS_MARKER):]
    out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
