"""Where the raw files are and where the warehouse goes: from the environment, with defaults."""

from __future__ import annotations

import os

import dagster as dg

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def env_raw_dir() -> str:
    return os.environ.get("GONGKAI_RAW_DIR", DEFAULT_RAW_DIR)


def env_warehouse() -> str:
    return os.environ.get("GONGKAI_WAREHOUSE", DEFAULT_WAREHOUSE)


class GongkaiPaths(dg.ConfigurableResource):
    """The raw folder (GONGKAI_RAW_DIR) and the published warehouse file (GONGKAI_WAREHOUSE)."""

    raw_dir: str = DEFAULT_RAW_DIR
    warehouse: str = DEFAULT_WAREHOUSE

    @classmethod
    def from_env(cls) -> GongkaiPaths:
        return cls(raw_dir=env_raw_dir(), warehouse=env_warehouse())
