"""Runs killed with SIGKILL at named points, then run again, publish the warehouse of one clean run.

Each case kills a real `gongkai run` (its whole process group, as the OOM killer or a reboot would) at
one point: inside a segment write, after a parse, between the catalog's commit and the year's assets,
between a year's assets, inside the publishing. The next run must succeed and publish exactly what a
clean run over the same folder publishes (see pipelines.snapshot), and leave nothing half-written.
The random-time sweep is `scripts/kill_sweep.py`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.corpus import Spec, generate
from pipelines.crashes import run
from pipelines.durable import abandoned
from pipelines.snapshot import differences, snapshot

from .conftest import SAMPLES_DIR

# Each point is reached in the process that runs the steps (`<point>:<n>`: the n-th time). One index
# step, then the years 2019, 2020 and 2021, then the publishing.
KILL_POINTS = [
    "segment_write:1",  # a worker between two parts of a segment: the segment is incomplete
    "parsed:2",  # 2020 parsed, its versions not yet in the catalog
    "catalog_committed:1",  # 2019's versions committed, none of its assets written
    "asset_stored:4",  # 2019's reports and facts written, not its findings
    "asset_stored:6",  # 2019 done, 2020 and 2021 not
    "publish_build",  # inside the build of the private file
    "publish_swap",  # the private file complete, not swapped in
    "published",  # swapped in, not yet recorded as published
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The samples and a small generated corpus over three years, in sub-folders."""
    tmp = tmp_path_factory.mktemp("corpus")
    generate(tmp / "gen", Spec(24, seed=7, years=(2019, 2020, 2021)), workers=1)
    raw = tmp / "raw"
    shutil.copytree(tmp / "gen" / "raw", raw / "generated")
    shutil.copytree(SAMPLES_DIR, raw / "samples")
    return raw


@pytest.fixture(scope="module")
def clean(folder, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("clean")
    ran = run(folder, tmp / "w.duckdb", dagster_home=tmp / "dagster")
    assert ran.returncode == 0, ran.output
    return snapshot(tmp / "w.duckdb")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_run_killed_at_any_point_then_run_again_publishes_the_clean_warehouse(point, folder, clean, tmp_path):
    warehouse, home = tmp_path / "w.duckdb", tmp_path / "dagster"
    killed = run(folder, warehouse, kill_at=point, dagster_home=home)
    assert killed.killed, f"the run was not killed at {point}:\n{killed.output}"
    again = run(folder, warehouse, dagster_home=home)
    assert again.returncode == 0, again.output
    assert differences(clean, snapshot(warehouse)) == []
    assert abandoned(tmp_path, recursive=True) == [], "what the killed run left half-written is removed"
    assert not list(tmp_path.glob(".w.duckdb.*")), "no private file of the killed build is left"
    third = run(folder, warehouse, dagster_home=home)
    assert third.returncode == 0 and "nothing new" in third.output, "the second run finished the work"


@pytest.mark.parametrize("point", ["publish_build", "publish_swap"])
def test_a_run_killed_inside_publishing_leaves_the_previous_warehouse_byte_identical(point, folder, clean, tmp_path):
    raw, warehouse, home = tmp_path / "raw", tmp_path / "w.duckdb", tmp_path / "dagster"
    shutil.copytree(folder, raw)
    moved = sorted((raw / "samples").iterdir())[0]
    moved.rename(raw / moved.name)
    assert run(raw, warehouse, dagster_home=home).returncode == 0
    before = warehouse.read_bytes()
    (raw / moved.name).rename(moved)  # back where it was: the clean run's folder
    killed = run(raw, warehouse, kill_at=point, dagster_home=home)
    assert killed.killed, killed.output
    assert warehouse.read_bytes() == before
    assert run(raw, warehouse, dagster_home=home).returncode == 0
    after = snapshot(warehouse)
    # The same warehouse as a clean run's, but for the history of the file that was moved and back.
    assert differences({k: v for k, v in clean.items() if k != "reports"},
                       {k: v for k, v in after.items() if k != "reports"}) == []
    history = after["reports"].filter(after["reports"]["previous_source_files"].list.len() > 0)
    assert history["source_file"].to_list() == [f"samples/{moved.name}"]
    assert history["previous_source_files"].to_list() == [[moved.name]]
