"""Materialisation metadata: row counts, the column schema and a preview of a frame."""

from __future__ import annotations

import dagster as dg
import polars as pl

PREVIEW_ROWS = 10


def frame_metadata(frame: pl.DataFrame | pl.LazyFrame, **extra) -> dict:
    """Row count, column schema and a preview; of a LazyFrame without reading more than that needs."""
    lazy = frame.lazy()
    schema = dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in lazy.collect_schema().items()])
    preview = lazy.head(PREVIEW_ROWS).with_columns(pl.col(pl.List(pl.String)).list.join(";")).collect()
    rows = frame.height if isinstance(frame, pl.DataFrame) else lazy.select(pl.len()).collect().item()
    return {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/column_schema": schema,
        "preview": dg.MetadataValue.md(_markdown(preview)),
        **extra,
    }


def counts_markdown(frame: pl.DataFrame) -> dg.MetadataValue:
    return dg.MetadataValue.md(_markdown(frame))


def _markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_(no rows)_"
    cells = [[("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ") for v in row] for row in frame.rows()]
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * frame.width
    return "\n".join([head, rule, *("| " + " | ".join(r) + " |" for r in cells)])
