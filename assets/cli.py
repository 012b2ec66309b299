"""The `gongkai` command line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .locations import env_raw_dir, env_state_dir, env_warehouse


def _run(args: argparse.Namespace) -> int:
    from .locations import state_dir_for
    from .runs import plan

    raw_dir = Path(args.raw_dir)
    if not raw_dir.is_dir():
        print(f"gongkai: raw folder not found: {raw_dir}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    # Planning needs no Dagster: with nothing new, Dagster is not even imported.
    planned = plan(str(raw_dir), args.state_dir or state_dir_for(str(args.warehouse)), str(args.warehouse), say)
    if planned.nothing_new:
        say("nothing new: the warehouse is up to date")
    else:
        import dagster as dg

        from .resources import GongkaiPaths
        from .runs import run_all

        paths = GongkaiPaths(raw_dir=str(raw_dir), warehouse=str(args.warehouse), state_dir=args.state_dir)
        with dg.DagsterInstance.ephemeral() if args.ephemeral else _instance() as instance:
            outcome = run_all(paths, instance, say=say, planned=planned)
        if not outcome.success:
            print(f"gongkai: run failed: {outcome.message}", file=sys.stderr)
            return 1
    from pipelines.warehouse import query

    # Counts of the files as they are now: a file whose bytes changed keeps its earlier version,
    # superseded, and a file gone from the folder keeps its row, removed.
    summary = query(args.warehouse, """
        SELECT (SELECT count(*) FROM reports WHERE superseded_by IS NULL AND removed_at IS NULL) AS files,
               (SELECT count(*) FROM reports WHERE status = 'parsed' AND duplicate_of IS NULL
                                               AND superseded_by IS NULL AND removed_at IS NULL) AS parsed,
               (SELECT count(*) FROM facts) AS cells,
               (SELECT count(*) FROM findings) AS findings""").row(0, named=True)
    by_status = query(args.warehouse, "SELECT status, count(*) AS n FROM reports GROUP BY status ORDER BY status").rows()
    by_rule = query(args.warehouse, "SELECT rule, count(*) AS n FROM findings GROUP BY rule ORDER BY rule").rows()
    print(f"warehouse: {args.warehouse}  ({time.perf_counter() - started:.1f} s)")
    print(f"files: {summary['files']}  reports parsed: {summary['parsed']}  cells: {summary['cells']}  "
          f"findings: {summary['findings']}")
    print("reports by status: " + ", ".join(f"{s} {n}" for s, n in by_status))
    print("findings by rule: " + (", ".join(f"{r} {n}" for r, n in by_rule) or "none"))
    if query(args.warehouse, "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'dim_body'")["n"][0]:
        bodies = query(args.warehouse, "SELECT count(*) AS n, count(province) AS province, count(prefecture) AS "
                                       "prefecture, count(county) AS county FROM dim_body").row(0, named=True)
        print(f"bodies: {bodies['n']}  placed in a province: {bodies['province']}, a prefecture: "
              f"{bodies['prefecture']}, a county: {bodies['county']} (docs/regions.md)")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipelines.export import ExportError, export

    try:
        files = export(args.warehouse, args.out, args.format)
    except ExportError as e:
        print(f"gongkai: {e}", file=sys.stderr)
        return 2
    for f in files:
        print(f)
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    from pipelines.warehouse import data_dictionary

    if not Path(args.warehouse).is_file():
        print(f"gongkai: warehouse not found: {args.warehouse} (run `gongkai run` first)", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(args.warehouse), encoding="utf-8")
    print(out)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import doctor
    from .locations import state_dir_for

    state = args.state_dir or state_dir_for(str(args.warehouse))
    report = doctor(args.raw_dir, state, args.warehouse, repair=not args.check)
    for line in report.lines():
        print(line)
    if args.check:
        return 0 if report.healthy else 1
    return 1 if report.not_repaired else 0


def _check(args: argparse.Namespace) -> int:
    import json

    from pipelines import check_output as out
    from pipelines.check import check_files, exit_status, files_to_check

    files = files_to_check(args.paths)
    if not files:
        print("gongkai: no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    checks = []
    for checked in check_files(files, args.jobs):
        checks.append(checked)
        if args.format == "json" or not out.shown(checked, args.quiet):
            continue
        print(out.markdown(checked, args.lang) if args.format == "markdown" else out.text(checked, args.lang),
              end="\n\n", flush=True)
    if args.format == "json":
        print(json.dumps(out.as_json(checks, args.lang, args.quiet), ensure_ascii=False, indent=2))
    elif len(checks) > 1:
        summary = out.summary_markdown if args.format == "markdown" else out.summary_text
        print(summary(checks, args.lang, args.quiet))
    return exit_status(checks)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return int(text)


def _instance():
    import dagster as dg

    return dg.DagsterInstance.get() if _has_dagster_home() else dg.DagsterInstance.ephemeral()


def _has_dagster_home() -> bool:
    import os

    return bool(os.environ.get("DAGSTER_HOME"))


def _generate(args: argparse.Namespace) -> int:
    from pipelines.corpus import LAYOUTS, Spec, generate

    encodings = tuple(e for e in args.encodings.split(",") if e) if args.encodings else ()
    unknown = sorted(set(encodings) - set(LAYOUTS))
    if unknown:
        print(f"gongkai: unknown encodings: {', '.join(unknown)} (known: {', '.join(LAYOUTS)})", file=sys.stderr)
        return 2
    first, _, last = args.years.partition("-")
    years = tuple(range(int(first), int(last or first) + 1))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"generated {done}/{total} batches of bodies", file=sys.stderr, flush=True)

    reports = generate(args.out, Spec(args.reports, args.seed, args.broken_share, years, encodings), progress=progress)
    print(f"{reports.height} reports in {args.out}/raw, truth in {args.out}/truth "
          f"({time.perf_counter() - started:.1f} s); by encoding: "
          + ", ".join(f"{e} {n}" for e, n in reports.group_by("encoding").len().sort("encoding").rows()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gongkai",
        description="Turn 政府信息公开工作年度报告 into checked data in a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="parse every report under the raw folder and publish the warehouse",
        description="Materialise every asset through Dagster, in process, for every report file under the raw "
                    "folder (recursively: .txt, .md, .html, .htm), publish the warehouse and print a summary. "
                    "Exits 0 when the run succeeded, whatever the reports' findings.")
    run.add_argument("--raw-dir", default=env_raw_dir(), help="folder of report files (GONGKAI_RAW_DIR; default data/raw)")
    run.add_argument("--warehouse", default=env_warehouse(),
                     help="DuckDB file to publish (GONGKAI_WAREHOUSE; default data/warehouse.duckdb)")
    run.add_argument("--state-dir", default=env_state_dir(),
                     help="folder of what was ingested before (GONGKAI_STATE_DIR; default: beside the warehouse)")
    run.add_argument("--ephemeral", action="store_true",
                     help="keep no Dagster run history, even when DAGSTER_HOME is set")
    run.set_defaults(handler=_run)
    doctor = commands.add_parser(
        "doctor", help="check the state folder against the warehouse and the raw folder, and repair it",
        description="Verify what was ingested (the state folder) against the raw folder and the published "
                    "warehouse; remove what killed runs left (temporary files, incomplete or unreadable segments, "
                    "unreadable caches), rebuild what can be derived again, and say what it did and what the next "
                    "`gongkai run` will do. With --check, only look: exit 1 if anything needs doing.")
    doctor.add_argument("--raw-dir", default=env_raw_dir(), help="folder of report files (GONGKAI_RAW_DIR)")
    doctor.add_argument("--warehouse", default=env_warehouse(), help="the published DuckDB file (GONGKAI_WAREHOUSE)")
    doctor.add_argument("--state-dir", default=env_state_dir(),
                        help="folder of what was ingested before (GONGKAI_STATE_DIR; default: beside the warehouse)")
    doctor.add_argument("--check", action="store_true", help="only look; exit 1 if anything needs repair or a run")
    doctor.set_defaults(handler=_doctor)
    export = commands.add_parser(
        "export", help="write every table of the warehouse to Parquet or CSV files",
        description="Write every mart, the code tables and reports, facts and findings, one file each named "
                    "after the table (mart_requests.parquet, …). The warehouse is opened read-only.")
    export.add_argument("--format", choices=["parquet", "csv"], required=True, help="file format")
    export.add_argument("--out", required=True, help="folder to write the files to (created if missing)")
    export.add_argument("--warehouse", default=env_warehouse(),
                        help="DuckDB file to export (GONGKAI_WAREHOUSE; default data/warehouse.duckdb)")
    export.set_defaults(handler=_export)
    dictionary = commands.add_parser(
        "dictionary", help="write the data dictionary of the warehouse (Markdown)",
        description="Print every table and column of a published warehouse, with its type and its Chinese and "
                    "English description, and the codes of the forms, as Markdown.")
    dictionary.add_argument("--warehouse", default=env_warehouse(),
                            help="DuckDB file to describe (GONGKAI_WAREHOUSE; default data/warehouse.duckdb)")
    dictionary.add_argument("--out", default="docs/data-dictionary.md", help="file to write (default %(default)s)")
    dictionary.set_defaults(handler=_dictionary)
    generate = commands.add_parser(
        "generate", help="write a synthetic corpus of reports with the truth of every cell",
        description="Write reports in every table encoding the parser reads and both form versions, with numbers "
                    "that keep the identities (but in a chosen share), under OUT/raw, and the truth of every "
                    "cell under OUT/truth (parquet), to measure the parser's accuracy and speed at scale.")
    generate.add_argument("--out", default="data/corpus", help="folder to write (default data/corpus)")
    generate.add_argument("--reports", type=int, default=1000, help="how many reports (default 1000)")
    generate.add_argument("--seed", type=int, default=0, help="the same seed writes the same corpus")
    generate.add_argument("--broken-share", type=float, default=0.1,
                          help="share of reports with one total off (default 0.1)")
    generate.add_argument("--years", default="2019-2024", help="report years, FIRST-LAST (default 2019-2024)")
    generate.add_argument("--encodings", default="",
                          help="comma-separated table encodings or file layouts such as docx, pdf_ruled, "
                               "pdf_unruled, word_html (default: every layout the parser reads)")
    generate.set_defaults(handler=_generate)
    check = commands.add_parser(
        "check", help="check report files on their own and print their findings",
        description="Parse each file and check it on its own, as a run would (the identities I1–T4, W3, the "
                    "values S1–S2 and what the parser could not read, P1–P6; not W1/W2, which need last year's "
                    "report), without Dagster or a warehouse, and print its findings with the cells they are "
                    "about. Exits 0 when no file has an error, 1 when one has, 2 when a file cannot be read or "
                    "has no report form to check against.")
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="report files, or folders searched recursively for report files")
    check.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the output (default zh)")
    check.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                       help="text (default), one JSON document (docs/check.schema.json), or Markdown tables")
    check.add_argument("--quiet", action="store_true", help="print only the files with findings")
    check.add_argument("--jobs", type=_positive, default=None,
                       help="processes for many files (default: one a core)")
    check.set_defaults(handler=_check)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader of our output left (`gongkai check … | head`): what it did not read is not an
        # error. Standard output is pointed at devnull so that Python's flush at exit fails no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
