"""Raw files in, long-format frames out: by report year, parsing only bytes never read before."""

import logging
import time

import dagster as dg
import polars as pl

from pipelines.incremental import Store

from .commits import FILE_STAMP, year_stamps
from .metadata import counts_markdown, frame_metadata
from .partitions import GROUP_INGEST, GROUP_PARSE, YEARS
from .resources import GongkaiPaths
from .runs import PROGRESS_LOGGER, progress_lines

progress_log = logging.getLogger(PROGRESS_LOGGER)  # the command line's own progress lines


def _say(context: dg.AssetExecutionContext):
    """Progress lines to the run's log, and to the command line's own progress."""

    def say(line: str) -> None:
        context.log.info(line)
        progress_log.info(line)

    return say


@dg.asset(group_name=GROUP_INGEST, kinds={"polars"})
def raw_file_index(context: dg.AssetExecutionContext, paths: GongkaiPaths) -> dg.Output[pl.DataFrame]:
    """Every report file under the raw folder (recursively: every file but editors' and systems' litter)
    with its size, its sha256 and its report year: the year in its title, as the parser reads it, or
    `undated`. A file is hashed again when its stat changed. Bytes the parser has not read are parsed
    here, on every core, into the segments of their year: a new file's year is known by parsing it, so
    each new file is read once. The index a `gongkai run` planned from moments before is taken as it is
    while the folder and the store are unchanged. A missing raw folder fails the run: an empty run over
    a mistyped path must not look like success."""
    started = time.perf_counter()

    index = Store(paths.state_path).index(paths.raw_dir, parse=True,
                                          progress=progress_lines(_say(context), "parsed {done}/{all} new files"))
    context.log.info(f"{index.height} report files under {paths.raw_dir} "
                     f"({time.perf_counter() - started:.1f} s)")
    by_year = (index.group_by("partition").agg(files=pl.len(), not_yet_parsed=(~pl.col("parsed")).sum())
               .sort("partition"))
    return dg.Output(index, metadata=frame_metadata(index, raw_dir=paths.raw_dir, by_year=counts_markdown(by_year)))


@dg.asset(group_name=GROUP_INGEST, partitions_def=YEARS, kinds={"polars"})
def raw_report_files(context: dg.AssetExecutionContext, raw_file_index: pl.DataFrame) -> dg.Output[pl.DataFrame]:
    """The report files of one report year (or the undated ones), from the index of the raw folder."""
    frame = raw_file_index.filter(pl.col("partition") == context.partition_key)
    context.log.info(f"{frame.height} report files for {context.partition_key}")
    return dg.Output(frame, metadata=frame_metadata(frame, not_yet_parsed=int((~frame["parsed"]).sum())))


@dg.multi_asset(
    group_name=GROUP_PARSE,
    partitions_def=YEARS,
    outs={
        "parsed_reports": dg.AssetOut(
            description="One row per version of each input file: status, form, agency, year, encodings; a file "
                        "whose bytes changed keeps its earlier version, marked superseded_by/superseded_at; a "
                        "file gone from the folder keeps its row, marked removed_at; a renamed or moved one "
                        "keeps its earlier paths in previous_source_files.",
            kinds={"polars"}, is_required=False),
        "facts": dg.AssetOut(description="One row per table cell of 二, 三 and 四: canonical codes, value in 件 or 元, "
                                         "raw text, source line and flags.", kinds={"polars"}, is_required=False),
        "parse_findings": dg.AssetOut(description="What the parser found wrong with a report's tables: values it could "
                                                  "not place, rows and tables it could not find.",
                                      kinds={"polars"}, is_required=False),
    },
)
def parse_reports(context: dg.AssetExecutionContext, raw_report_files: pl.DataFrame, raw_file_index: pl.DataFrame,
                  paths: GongkaiPaths):
    """The year's reports, cells and parse findings: every version of its files recorded, and the frames
    of their bytes gathered from the segments the index parsed them into (bytes it did not parse, such as
    a file that could not be read then, are parsed here, on every core). Bytes parsed before are not
    parsed again; when the year's assets are all stamped with what the store holds now (nothing changed
    and the last run of the year finished), nothing is materialised and the steps after this one are
    skipped."""
    year = context.partition_key
    store = Store(paths.state_path)
    total = raw_report_files.height
    started = time.perf_counter()

    # The whole index, not only this year's files: a file that left this year supersedes its version here.
    result = store.ingest(raw_file_index, year, progress=progress_lines(_say(context), f"{year}: parsed {{done}}/{{all}} new files"))
    context.log.info(f"{year}: {total} files, {result.parsed} parsed now, {total - result.parsed} known by their bytes "
                     f"({time.perf_counter() - started:.1f} s)")
    frames = store.frames(year)
    stamp = store.stamp(year)
    if not result.changed and all(s == stamp for s in year_stamps(paths.state_path, year).values()):
        context.log.info(f"{year}: nothing new since the year was last done; the steps after this one are skipped")
        return
    reports = frames.reports
    by_status = reports.group_by("status").len().sort("status")
    history = {"superseded": int(reports["superseded_by"].is_not_null().sum()),
               "removed": int(reports["removed_at"].is_not_null().sum()),
               "renamed": int((reports["previous_source_files"].list.len() > 0).sum())}
    # Each file carries the stamp of the store it was made from: see assets/commits.py.
    yield dg.Output(reports, "parsed_reports", metadata=frame_metadata(
        reports, by_status=counts_markdown(by_status), parsed_now=result.parsed, **history,
        **{FILE_STAMP: stamp}))
    yield dg.Output(frames.facts, "facts", metadata=frame_metadata(frames.facts, **{FILE_STAMP: stamp}))
    yield dg.Output(frames.parse_findings, "parse_findings",
                    metadata=frame_metadata(frames.parse_findings, **{FILE_STAMP: stamp}))
