"""What says a unit of work is done: the stamps the assets' files carry, and the published record.

A year is done when the files of its four assets (its reports, facts, parse findings and report
findings) all carry the stamp of the store as it is now (`Store.stamp`): each file is renamed into
place whole, so stamps that agree say the files were derived, together, from the versions the catalog
names. Anything else (a run killed between two of them, a catalog changed since) is a year not done,
which the next run does again. The warehouse is done when `published` names the stamps of every
year it was built from.

Free of Dagster, like the plan of a run: the IO manager (`storage.py`) writes these files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from pipelines.durable import stamp_of, write_text_atomic
from pipelines.incremental import Store

# The assets of a year, in the order a run writes them: the last is the year's commit point.
YEAR_ASSETS = ("parsed_reports", "facts", "parse_findings", "report_findings")
PUBLISHED = "published"
FILE_STAMP = "fingerprint"  # the output metadata entry the IO manager writes into a file as its stamp


def asset_folder(state_path: str | Path, key_path: list[str] | tuple[str, ...]) -> Path:
    return Path(state_path) / "assets" / Path(*key_path)


def asset_file(state_path: str | Path, key_path: list[str] | tuple[str, ...], partition: str | None) -> Path:
    return asset_folder(state_path, key_path) / f"{partition or '_'}.parquet"


def year_stamps(state_path: str | Path, partition: str) -> dict[str, str | None]:
    return {a: stamp_of(asset_file(state_path, [a], partition)) for a in YEAR_ASSETS}


def materialised_years(state_path: str | Path) -> list[str]:
    """Partitions that some asset of a year has a file for."""
    years = {p.stem for a in YEAR_ASSETS for p in asset_folder(state_path, [a]).glob("*.parquet")}
    return sorted(years)


def store_years(store: Store, catalog: pl.DataFrame, index: pl.DataFrame | None = None) -> list[str]:
    """Partitions the store or the folder know of, and those with files of a year's assets."""
    known = set(catalog["partition"]) | set(materialised_years(store.root))
    if index is not None:
        known |= set(index["partition"])
    return sorted(known)


def uncommitted_years(store: Store, catalog: pl.DataFrame | None = None,
                      index: pl.DataFrame | None = None) -> dict[str, str]:
    """Years whose assets are not all derived from the store as it is now, with the store's stamp."""
    catalog = store.catalog() if catalog is None else catalog
    out = {}
    for partition in store_years(store, catalog, index):
        stamp = store.stamp(partition, catalog)
        if any(s != stamp for s in year_stamps(store.root, partition).values()):
            out[partition] = stamp
    return out


def warehouse_stamp(state_path: str | Path) -> str:
    """What a warehouse built now would be made of: the stamp of every year's last asset."""
    digest = hashlib.sha256()
    for partition in materialised_years(state_path):
        digest.update(f"{partition}={stamp_of(asset_file(state_path, ['report_findings'], partition))};".encode())
    return digest.hexdigest()[:16]


def published_path(state_path: str | Path) -> Path:
    return Path(state_path) / PUBLISHED


def record_published(state_path: str | Path, stamp: str) -> None:
    write_text_atomic(stamp, published_path(state_path))


def published_stamp(state_path: str | Path) -> str | None:
    path = published_path(state_path)
    return path.read_text(encoding="utf-8").strip() if path.exists() else None
