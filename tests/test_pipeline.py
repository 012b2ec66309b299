"""The whole pipeline through Dagster, in process, on the samples; the definitions; the CLI."""

from __future__ import annotations

import ast
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from assets import checks
from assets.cli import main
from assets.definitions import build
from assets.resources import GongkaiPaths
from assets.runs import run_all
from pipelines.warehouse import query

from .conftest import ROOT, SAMPLES_DIR
from .expected_samples import SAMPLES


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    warehouse = out / "warehouse.duckdb"
    outcome = run_all(GongkaiPaths(raw_dir=str(SAMPLES_DIR), warehouse=str(warehouse)), dg.DagsterInstance.ephemeral(),
                      say=lambda _: None)
    assert outcome.success, outcome.message
    return outcome, warehouse


def test_definitions_load_with_assets_and_checks():
    defs = build()
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw_report_files", "parsed_reports", "facts", "parse_findings", "findings",
            "warehouse/reports", "warehouse/facts", "warehouse/findings"} <= keys
    check_names = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert {checks.FACTS_SCHEMA, checks.REPORTS_SCHEMA, checks.FINDINGS_SCHEMA, *checks.IDENTITY_RULES} <= check_names
    for key in defs.resolve_asset_graph().get_all_asset_keys():
        assert defs.resolve_asset_graph().get(key).description, f"{key} has no description"


def test_run_writes_the_three_contract_tables(run):
    result, warehouse = run
    assert result.success
    reports = query(warehouse, "SELECT * FROM reports ORDER BY source_file")
    assert reports["source_file"].to_list() == sorted(SAMPLES)
    assert set(reports["status"]) == {"parsed"}
    assert reports["form_version"].to_list() == ["2019"] * 5
    for column in ["report_id", "source_file", "sha256", "agency", "year", "form_version", "status",
                   "status_reason", "table_encoding", "n_cells", "n_findings"]:
        assert column in reports.columns
    facts = query(warehouse, "SELECT * FROM facts")
    for column in ["report_id", "section", "row_code", "col_code", "value", "unit", "raw_text", "source_line", "flags"]:
        assert column in facts.columns
    assert facts.height == 5 * 198
    findings = query(warehouse, "SELECT * FROM findings")
    for column in ["report_id", "rule", "severity", "section", "row_code", "col_code", "expected", "actual", "message"]:
        assert column in findings.columns


def test_warehouse_values_match_the_samples(run):
    _, warehouse = run
    facts = query(warehouse, """
        SELECT r.source_file, f.section, f.row_code, f.col_code, f.value
        FROM facts f JOIN reports r USING (report_id)""")
    from schemas.forms import FORMS
    got = {(s, sec, row, col): v for s, sec, row, col, v in facts.rows()}
    for name, rows in SAMPLES.items():
        for (section, row), values in rows.items():
            for col, want in zip(FORMS["2019"].section(section).columns_of(row), values):
                # Exact: facts.value is a DECIMAL, compared as one.
                assert got[(name, section, row, col)] == (None if want is None else Decimal(str(want))), (name, row, col)


def test_sample_identity_findings(run):
    _, warehouse = run
    errors = query(warehouse, """
        SELECT r.source_file, f.rule, f.row_code, f.col_code, f.expected, f.actual
        FROM findings f JOIN reports r USING (report_id)
        WHERE f.rule IN ('I1', 'I2', 'I3', 'T4') ORDER BY ALL""").rows()
    assert ("000_4a5927c6b61291aa.txt", "I3", "received", "total", 5.0, 0.0) in errors
    assert ("003_f38378f0edcefb48.txt", "T4", "suit_after_review", "total", 0.0, 1.0) in errors
    assert {e[0] for e in errors} == {"000_4a5927c6b61291aa.txt", "003_f38378f0edcefb48.txt"}


def test_checks_report_schemas_pass_and_identities_warn(run):
    outcome, _ = run
    evaluations = {e.check_name: e for result in outcome.results for e in result.get_asset_check_evaluations()}
    for name in (checks.FACTS_SCHEMA, checks.REPORTS_SCHEMA, checks.FINDINGS_SCHEMA, checks.EVERY_FILE_RECORDED):
        assert evaluations[name].passed, name
    assert not evaluations["T4"].passed and evaluations["T4"].severity == dg.AssetCheckSeverity.WARN
    assert evaluations["T4"].metadata["violations"].value == 1


def test_cli_run_prints_a_summary(tmp_path, capsys):
    raw = tmp_path / "raw" / "nested"
    raw.mkdir(parents=True)
    for name in SAMPLES:
        shutil.copy(SAMPLES_DIR / name, raw / name)
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    out = capsys.readouterr().out
    assert "files: 5" in out and "reports parsed: 5" in out and f"cells: {5 * 198}" in out
    assert "I3 1" in out and "T4 1" in out
    # 000 and 003 lie in a prefecture (赣州, 盐城) but no county.
    assert "bodies: 5  placed in a province: 5, a prefecture: 5, a county: 3" in out
    sources = query(warehouse, "SELECT source_file FROM reports ORDER BY 1")["source_file"].to_list()
    assert sources == [f"nested/{n}" for n in sorted(SAMPLES)], "paths are relative to the raw folder"


def test_cli_fails_clearly_on_a_missing_folder(tmp_path, capsys):
    assert main(["run", "--raw-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")]) != 0
    assert "raw folder not found" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()


def test_core_imports_no_dagster():
    for package in ("pipelines", "schemas"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
            names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
            assert not any(n.split(".")[0] in ("dagster", "assets") for n in names), path
