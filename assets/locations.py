"""Where the raw files, the warehouse and the state folder are: from the environment, with defaults.

Kept apart from the Dagster resource that carries them, so that the command line can plan a run (and
find nothing new) without importing Dagster.
"""

import os
from pathlib import Path

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
