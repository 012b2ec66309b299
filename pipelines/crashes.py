"""Running `gongkai run` in a process group of its own and killing the whole group, as the OOM killer,
a reboot or a container restart would: the harness of the kill tests and of `scripts/kill_sweep.py`.

A run is killed either at a named point (`killpoint`, deterministic) or after a delay (a sweep).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .killpoint import ENV

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Ran:
    returncode: int
    output: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def _command(raw: Path, warehouse: Path) -> list[str]:
    return [sys.executable, "-m", "assets.cli", "run", "--raw-dir", str(raw), "--warehouse", str(warehouse)]


def _env(dagster_home: Path | None, kill_at: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV, "DAGSTER_HOME")}
    if dagster_home is not None:
        dagster_home.mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(dagster_home)
    if kill_at:
        env[ENV] = kill_at
    return env


def run(raw: Path, warehouse: Path, kill_at: str | None = None, dagster_home: Path | None = None,
        timeout: float = 600) -> Ran:
    """`gongkai run` in a new process group; with `kill_at`, the group kills itself at that point."""
    started = time.perf_counter()
    done = subprocess.run(_command(raw, warehouse), cwd=ROOT, env=_env(dagster_home, kill_at), capture_output=True,
                          text=True, timeout=timeout, start_new_session=True)
    return Ran(done.returncode, done.stdout + done.stderr, time.perf_counter() - started)


def run_killed_after(raw: Path, warehouse: Path, delay: float, dagster_home: Path | None = None) -> Ran:
    """`gongkai run` in a new process group, SIGKILLed as a group after `delay` seconds (unless done)."""
    started = time.perf_counter()
    process = subprocess.Popen(_command(raw, warehouse), cwd=ROOT, env=_env(dagster_home, None),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return Ran(process.returncode, output, time.perf_counter() - started)
