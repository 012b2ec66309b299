"""Raw files in, long-format frames out."""


import dagster as dg
import polars as pl

from pipelines.discover import relative_name, report_files
from pipelines.parse_all import parse_files

from .metadata import counts_markdown, frame_metadata
from .resources import GongkaiPaths

GROUP_INGEST = "ingest"
GROUP_PARSE = "parse"


@dg.asset(group_name=GROUP_INGEST, kinds={"polars"})
def raw_report_files(context: dg.AssetExecutionContext, paths: GongkaiPaths) -> dg.Output[pl.DataFrame]:
    """Every report file under the raw folder (recursively: .txt, .md, .html, .htm), with its size.
    A missing raw folder fails the run: an empty run over a mistyped path must not look like success."""
    files = report_files(paths.raw_dir)
    frame = pl.DataFrame(
        {
            "path": [str(p) for p in files],
            "source_file": [relative_name(p, paths.raw_dir) for p in files],
            "size_bytes": [p.stat().st_size for p in files],
        },
        schema={"path": pl.String, "source_file": pl.String, "size_bytes": pl.Int64},
    )
    context.log.info(f"{frame.height} report files under {paths.raw_dir}")
    return dg.Output(frame, metadata=frame_metadata(frame, raw_dir=paths.raw_dir))


@dg.multi_asset(
    group_name=GROUP_PARSE,
    outs={
        "parsed_reports": dg.AssetOut(description="One row per input file: status, form, agency, year, encodings.",
                                      kinds={"polars"}),
        "facts": dg.AssetOut(description="One row per table cell of 二, 三 and 四: canonical codes, value in 件 or 元, "
                                         "raw text, source line and flags.", kinds={"polars"}),
        "parse_findings": dg.AssetOut(description="What the parser found wrong with a report's tables: values it could "
                                                  "not place, rows and tables it could not find.", kinds={"polars"}),
    },
)
def parse_reports(context: dg.AssetExecutionContext, raw_report_files: pl.DataFrame, paths: GongkaiPaths):
    """Decode each file, find its sections and tables, and read every cell into the form's codes."""
    from pathlib import Path

    def progress(done: int, total: int) -> None:
        if done == total or done % 1000 < 64:
            context.log.info(f"parsed {done}/{total} files")

    parsed = parse_files([Path(p) for p in raw_report_files["path"]], paths.raw_dir, progress=progress)
    by_status = parsed.reports.group_by("status").len().sort("status")
    yield dg.Output(parsed.reports, "parsed_reports", metadata=frame_metadata(parsed.reports, by_status=counts_markdown(by_status)))
    yield dg.Output(parsed.facts, "facts", metadata=frame_metadata(parsed.facts))
    yield dg.Output(parsed.parse_findings, "parse_findings", metadata=frame_metadata(parsed.parse_findings))
