"""Where the raw files are and where the warehouse goes: from the environment, with defaults."""

from __future__ import annotations

import dagster as dg

from .locations import (DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE, env_raw_dir, env_state_dir, env_warehouse,
                        state_dir_for)


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
