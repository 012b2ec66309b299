"""Parsing many files, on every core, into the three frames of the contract."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .discover import relative_name
from .frames import facts_frame, findings_frame, reports_frame
from .model import Report
from .report import parse_report

CHUNK = 64  # files a worker parses per task: large enough to amortise pickling, small enough to balance


@dataclass
class Parsed:
    reports: pl.DataFrame
    facts: pl.DataFrame
    parse_findings: pl.DataFrame


def _parse_paths(items: list[tuple[str, str]]) -> list[Report]:
    return [parse_report(Path(path).read_bytes(), name) for path, name in items]


def parse_files(paths: list[Path], raw_dir: str | Path, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> Parsed:
    """Parse every file; with more than one worker, in a process pool. Results keep the input order."""
    items = [(str(p), relative_name(p, raw_dir)) for p in paths]
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    workers = workers or os.cpu_count() or 1
    reports: list[Report] = []
    if workers == 1 or len(chunks) <= 1:
        for chunk in chunks:
            reports.extend(_parse_paths(chunk))
            if progress:
                progress(len(reports), len(items))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_parse_paths, chunks):
                reports.extend(result)
                if progress:
                    progress(len(reports), len(items))
    return Parsed(reports_frame(reports), facts_frame(reports), findings_frame(reports))
