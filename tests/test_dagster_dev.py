"""`dagster dev -w workspace.yaml` starts, loads the code location and lists our assets over GraphQL.

The server runs in its own process group with a temporary DAGSTER_HOME and is stopped by its process
group id; every wait is bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import ROOT, SAMPLES_DIR

START_TIMEOUT = 150  # seconds for the webserver to answer and the code location to load
STOP_TIMEOUT = 20
QUERY = "{ assetNodes { assetKey { path } } }"
EXPECTED = {"raw_file_index", "raw_report_files", "parsed_reports", "facts", "parse_findings", "warehouse/facts"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _asset_keys(port: int) -> set[str] | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": QUERY}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None
    nodes = (body.get("data") or {}).get("assetNodes") or []
    return {"/".join(n["assetKey"]["path"]) for n in nodes}


def _stop(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def test_dagster_dev_serves_the_asset_graph(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "GONGKAI_RAW_DIR": str(SAMPLES_DIR),
           "GONGKAI_WAREHOUSE": str(tmp_path / "w.duckdb")}
    Path(env["DAGSTER_HOME"]).mkdir()
    dagster = Path(sys.executable).with_name("dagster")
    log = open(tmp_path / "dagster_dev.log", "wb")
    process = subprocess.Popen([str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)  # its own process group: stopped whole, by its id
    try:
        deadline = time.monotonic() + START_TIMEOUT
        keys: set[str] | None = None
        while time.monotonic() < deadline and process.poll() is None:
            keys = _asset_keys(port)
            if keys and EXPECTED <= keys:
                break
            time.sleep(1)
        output = (tmp_path / "dagster_dev.log").read_text(errors="replace")[-3000:]
        assert process.poll() is None, f"dagster dev exited with {process.returncode}:\n{output}"
        assert keys and EXPECTED <= keys, f"assets listed: {sorted(keys or [])}\n{output}"
    finally:
        _stop(process)
        log.close()
    assert process.poll() is not None, "dagster dev is stopped"
