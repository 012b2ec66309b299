"""Where the raw files are and where the warehouse goes: from the environment, with defaults."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def env_raw_dir() -> str:
    return os.environ.get("GONGKAI_RAW_DIR", DEFAULT_RAW_DIR)


def env_warehouse() -> str:
    return os.environ.get("GONGKAI_WAREHOUSE", DEFAULT_WAREHOUSE)


def env_state_dir() -> str:
    return os.environ.get("GONGKAI_STATE_DIR", "")


def state_dir_for(warehouse: str) -> str:
    """The state folder that goes with a warehouse: beside it, named after it (data/warehouse.state)."""
    path = Path(warehouse)
    return str(path.with_name(path.stem + ".state"))


class GongkaiPaths(dg.ConfigurableResource):
    """The raw folder (GONGKAI_RAW_DIR), the published warehouse file (GONGKAI_WAREHOUSE) and the state
    folder of what was ingested before (GONGKAI_STATE_DIR; empty: beside the warehouse)."""

    raw_dir: str = DEFAULT_RAW_DIR
    warehouse: str = DEFAULT_WAREHOUSE
    state_dir: str = ""

    @property
    def state_path(self) -> str:
        return self.state_dir or state_dir_for(self.warehouse)

    @classmethod
    def from_env(cls) -> GongkaiPaths:
        return cls(raw_dir=env_raw_dir(), warehouse=env_warehouse(), state_dir=env_state_dir())
