"""Frames between assets, as parquet files: one a partition, under the state folder.

A consumer that annotates an input `pl.LazyFrame` gets a scan of the files and reads only what it uses;
one that annotates `pl.DataFrame` gets the frame; one that annotates `Segments`, the files themselves.
An unpartitioned consumer of a partitioned asset (the warehouse, over every year) gets the partitions
that have been materialised, as one frame. LazyFrame outputs are streamed to disk, so the cells of a
large year never need to be in memory at once.
"""

from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.durable import write_atomic
from pipelines.killpoint import kill_point
from pipelines.warehouse import Segments

from .commits import FILE_STAMP, asset_file, asset_folder
from .resources import GongkaiPaths


class ParquetFrames(dg.ConfigurableIOManager):
    """polars frames as parquet files under `<state folder>/assets/<asset key>/<partition>.parquet`,
    each written whole (temporary name, fsync, rename) and carrying the output's `fingerprint`
    metadata as its stamp (see `commits`)."""

    paths: dg.ResourceDependency[GongkaiPaths]

    def _folder(self, key: dg.AssetKey) -> Path:
        return asset_folder(self.paths.state_path, key.path)

    def _file(self, key: dg.AssetKey, partition: str | None) -> Path:
        return asset_file(self.paths.state_path, key.path, partition)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame | pl.LazyFrame | None) -> None:
        if obj is None:
            return
        partition = context.asset_partition_key if context.has_asset_partitions else None
        path = self._file(context.asset_key, partition)
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = context.output_metadata.get(FILE_STAMP)
        stamp = getattr(stamp, "value", stamp)
        # A reader sees the old file or the new one, never half of one, and so does the next run.
        write_atomic(obj, path, stamp=None if stamp is None else str(stamp), statistics=True)
        kill_point("asset_stored")

    def load_input(self, context: dg.InputContext) -> pl.DataFrame | pl.LazyFrame | Segments:
        key = context.asset_key
        if context.has_asset_partitions:
            wanted = list(context.asset_partition_keys)
            files = [self._file(key, p) for p in wanted if self._file(key, p).exists()]
            # One partition asked for by name must be there; over many, the materialised ones are the data.
            if len(wanted) == 1 and not files:
                raise FileNotFoundError(f"{key.to_user_string()} has not been materialised for {wanted[0]}")
        else:
            files = [self._file(key, None)] if self._file(key, None).exists() else []
        if not files:
            raise FileNotFoundError(f"{key.to_user_string()} has not been materialised yet")
        if context.dagster_type.typing_type is Segments:  # read by DuckDB itself, not through polars
            return Segments(tuple(str(f) for f in files))
        frame = pl.scan_parquet(files)
        lazy = context.dagster_type.typing_type is pl.LazyFrame
        return frame if lazy else frame.collect()
