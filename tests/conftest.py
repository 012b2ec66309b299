from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The warehouse of one whole run (`gongkai run`) over the bundled samples. Shared: read it only."""
    from assets.cli import main

    warehouse = tmp_path_factory.mktemp("sample_warehouse") / "warehouse.duckdb"
    assert main(["run", "--raw-dir", str(SAMPLES_DIR), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    return warehouse
