"""The schemas of our output, the identities, the soft rules and the value rules, on frames built here.

Reports are built cell by cell from the form description: a balanced report satisfies every
identity, and each test breaks it in one known way.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets import checks
from pipelines import values
from pipelines.agency import agency_key
from pipelines.continuity import continuity_findings
from pipelines.frames import FINDINGS_SCHEMA, facts_frame, findings_frame, reports_frame
from pipelines.identities import identity_findings
from pipelines.model import Cell, Report
from pipelines.report import parse_report
from pipelines.validate import (all_findings, count_findings, facts_failures, findings_failures, schema_failures,
                                value_findings)
from schemas import tables
from schemas.forms import FORMS

from .conftest import SAMPLES_DIR

SAMPLE_000 = "000_4a5927c6b61291aa.txt"
SAMPLE_003 = "003_f38378f0edcefb48.txt"


# --- building reports ------------------------------------------------------------------------------


def balanced(form_code: str) -> dict[tuple[str, str, str], int]:
    """A value for every cell of the form such that every rule holds: each result row 1 in each
    applicant column, the totals their sums, the balance with one carried over and one forward."""
    form = FORMS[form_code]
    requests = form.section("requests")
    results = [r.code for r in requests.rows if r.group and r.code != "total_processed"]
    applicants = [c.code for c in requests.columns if c.code != "total"]
    per_column = {code: 1 for code in results} | {
        "total_processed": len(results), "received": len(results), "carried_over": 1, "carried_forward": 1}
    v = {}
    for row, n in per_column.items():
        for col in applicants:
            v[("requests", row, col)] = n
        v[("requests", row, "total")] = n * len(applicants)
    for r in form.section("appeals").rows:
        v |= {("appeals", r.code, c): 1 for c in ("upheld", "corrected", "other", "pending")}
        v[("appeals", r.code, "total")] = 4
    for s, r, c in form.cells():
        if s == "active":
            v[(s, r, c)] = 5 if c in ("total_published", "in_force") else 1
    assert set(v) == set(form.cells())
    return v


def make_report(form_code: str, cells: dict, *, agency: str = "某县人民政府", year: int = 2020,
                name: str | None = None, status: str = "parsed") -> Report:
    """A report with `cells` ((section, row, col) -> value; None is a blank cell; a missing key is a
    cell the table did not have)."""
    name = name or f"{agency}{year}.txt"
    sha = hashlib.sha256(name.encode()).hexdigest()
    form = FORMS[form_code]
    out = []
    for line, key in enumerate(form.cells(), start=1):
        if key not in cells:
            continue
        value = cells[key]
        column = form.section(key[0]).column(key[2])
        parsed = values.parse("" if value is None else str(value), column)
        out.append(Cell(*key, parsed.value, parsed.unit, str(value) if value is not None else "", line, parsed.flags))
    return Report(sha[:16], name, sha, 1000, status, agency=agency, year=year, form_version=form_code, cells=out)


def frames(*reports: Report) -> tuple[pl.DataFrame, pl.DataFrame]:
    return reports_frame(reports), facts_frame(reports)


def identities_of(*reports: Report) -> pl.DataFrame:
    r, f = frames(*reports)
    return identity_findings(f, r)


def failed_checks(failures: pl.DataFrame | None) -> set[str]:
    return set() if failures is None else set(failures["check"].cast(pl.String))


def _parse_sample(name: str) -> Report:
    return parse_report((SAMPLES_DIR / name).read_bytes(), name)


# --- the forms hold what the checks rely on ------------------------------------------------------


def test_a_column_code_means_one_unit_and_sign_in_every_form():
    seen: dict[str, tuple] = {}
    for form in FORMS.values():
        for section in form.sections:
            for c in section.columns:
                assert seen.setdefault(c.code, (c.unit, c.signed)) == (c.unit, c.signed), c.code


def test_check_names_cover_the_rules_of_the_forms():
    hard = {i.rule for f in FORMS.values() for i in f.identities}
    soft = {r.rule for f in FORMS.values() for r in (*f.soft_identities, *f.continuities)}
    assert set(checks.IDENTITY_RULES) == hard and set(checks.SOFT_RULES) == soft
    assert all(i.severity == "error" and i.relation == "=" for f in FORMS.values() for i in f.identities)
    assert all(r.severity == "warning" for f in FORMS.values() for r in (*f.soft_identities, *f.continuities))


def test_the_negative_flag_is_the_one_the_parser_sets():
    assert tables.NEGATIVE_FLAG == values.NEGATIVE
    assert set(tables.NULL_FLAGS) <= {values.BLANK, values.DASH, values.NOT_A_NUMBER, values.NOT_IN_SOURCE, values.UNSPLIT}


# --- identities ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form_code", sorted(FORMS))
def test_a_balanced_report_has_no_findings(form_code):
    r, f = frames(make_report(form_code, balanced(form_code)))
    assert all_findings(r, f, pl.DataFrame(schema=FINDINGS_SCHEMA)).is_empty()


def test_i1_balance_breaks_for_one_column():
    cells = balanced("2019") | {("requests", "carried_over", "research"): 3}
    found = identities_of(make_report("2019", cells))
    i1 = found.filter(pl.col("rule") == "I1").row(0, named=True)
    assert found.filter(pl.col("rule") == "I1").height == 1
    # received + carried over (now 3) against total processed + carried forward, as written
    n_results = balanced("2019")[("requests", "received", "research")]
    assert (i1["col_code"], i1["actual"], i1["expected"]) == ("research", n_results + 3, n_results + 1)
    assert i1["severity"] == "error" and i1["row_code"] is None
    assert "科研机构" in i1["message"] and "勾稽" in i1["message"] and "research" in i1["message_en"]
    # The total column of that row no longer sums up either: I3 says so on its own.
    assert found.filter(pl.col("rule") == "I3")["row_code"].to_list() == ["carried_over"]


def test_i2_of_the_2021_form_counts_the_three_other_rows():
    cells = balanced("2021")
    for row in ("other_no_correction", "other_unpaid_fee", "other_misc"):
        bumped = cells | {("requests", row, "natural_person"): 4}
        i2 = identities_of(make_report("2021", bumped)).filter(pl.col("rule") == "I2")
        assert i2.select("row_code", "col_code", "actual", "expected").rows() == [
            ("total_processed", "natural_person", cells[("requests", "total_processed", "natural_person")],
             cells[("requests", "total_processed", "natural_person")] + 3)], row


def test_i3_and_t4_name_the_total_cell_and_where_it_was_written():
    cells = balanced("2021") | {("appeals", "suit_direct", "total"): 7, ("requests", "granted", "total"): 0}
    report = make_report("2021", cells)
    found = identities_of(report).filter(pl.col("rule").is_in(["I3", "T4"])).sort("rule")
    line = {(c.section, c.row_code, c.col_code): c.source_line for c in report.cells}
    assert found.select("rule", "row_code", "col_code", "actual", "expected", "raw_text", "source_line").rows() == [
        ("I3", "granted", "total", 0, 6, "0", line[("requests", "granted", "total")]),
        ("T4", "suit_direct", "total", 7, 4, "7", line[("appeals", "suit_direct", "total")]),
    ]


def test_a_blank_cell_is_not_evaluable_never_passed():
    cells = balanced("2019") | {("requests", "received", "commercial"): None}
    found = identities_of(make_report("2019", cells))
    assert set(found.select("rule", "row_code", "col_code").rows()) == {
        ("I1_NE", None, "commercial"), ("I3_NE", "received", "total")}
    assert set(found["severity"]) == {"warning"}
    assert found["expected"].is_null().all() and found["actual"].is_null().all()
    i1 = found.filter(pl.col("rule") == "I1_NE").row(0, named=True)
    assert "received" in i1["message_en"] and "一、本年新收政府信息公开申请数量" in i1["message"]


def test_a_missing_row_and_a_missing_table_are_not_evaluable():
    cells = {k: v for k, v in balanced("2019").items() if k[1] != "carried_forward" and k[0] != "appeals"}
    found = identities_of(make_report("2019", cells, status="partial"))
    ne = found.group_by("rule").len().sort("rule").rows()
    # carried_forward missing: I1 in each of the 7 columns, I3 for that row; appeals: one T4_NE.
    assert ne == [("I1_NE", 7), ("I3_NE", 1), ("T4_NE", 1)]
    t4 = found.filter(pl.col("rule") == "T4_NE").row(0, named=True)
    assert t4["section"] == "appeals" and t4["row_code"] is None and "行政复议" in t4["message"]


def test_only_reports_whose_tables_were_read_are_evaluated():
    cells = balanced("2019") | {("requests", "received", "total"): 0}
    assert not identities_of(make_report("2019", cells)).is_empty()
    for status in ("unreadable", "legacy_format", "not_a_report"):
        assert identities_of(make_report("2019", cells, status=status)).is_empty(), status


def test_w3_new_published_may_not_exceed_total_published():
    cells = balanced("2019") | {("active", "rules", "new_published"): 9, ("active", "normative_docs", "new_published"): 5}
    w3 = identities_of(make_report("2019", cells)).filter(pl.col("rule") == "W3")
    assert w3.select("row_code", "col_code", "actual", "expected", "severity").rows() == [
        ("rules", "new_published", 9, 5, "warning")]  # equal is allowed
    assert "本年新公开数量≤对外公开总数量" in w3["message"][0] and "exceeds" in w3["message_en"][0]


def test_the_samples_keep_their_numbers_and_get_their_findings():
    reports = [_parse_sample(p.name) for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    r, f = frames(*reports)
    found = identity_findings(f, r).join(r.select("report_id", "source_file"), on="report_id")
    errors = found.filter(pl.col("rule").is_in(["I1", "I2", "I3", "T4"]))
    assert set(errors["source_file"]) == {SAMPLE_000, SAMPLE_003}
    i3 = errors.filter((pl.col("source_file") == SAMPLE_000) & (pl.col("rule") == "I3")).row(0, named=True)
    t4 = errors.filter((pl.col("source_file") == SAMPLE_003) & (pl.col("rule") == "T4")).row(0, named=True)
    assert (i3["row_code"], i3["col_code"], i3["actual"], i3["expected"]) == ("received", "total", 0, 5)
    assert (t4["row_code"], t4["col_code"], t4["actual"], t4["expected"]) == ("suit_after_review", "total", 1, 0)
    # The numbers stay as written.
    value = {(c.section, c.row_code, c.col_code): c.value for rep in reports if rep.source_file == SAMPLE_000
             for c in rep.cells}
    assert value[("requests", "received", "total")] == 0 and value[("requests", "received", "natural_person")] == 5


# --- soft rules across years ----------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("盐城经济技术开发区管理委员会", "盐城经济技术开发区管委会"),
    ("宜丰县人民政府", "宜丰县"),
    ("宜丰县人民政府", "宜丰县政府"),
    ("ＸＸ市人民政府办公室", "XX市政府办"),
    ("樟树市机关事务管理局（本级）", "樟树市 机关事务管理局"),
    ("某市(某)局", "某市【某】局"),
    ("某街道办事处", "某街道"),
    ("某市卫生健康委员会", "某市卫生健康委"),
])
def test_agency_names_that_match(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize("a, b", [
    ("宜丰县人民政府", "宜丰县人民政府办公室"),
    ("某市统计局", "某市审计局"),
    ("某区", "某县"),
    ("某市发展和改革委员会", "某市改革委员会"),
])
def test_agency_names_that_do_not_match(a, b):
    assert agency_key(a) != agency_key(b)


def _continuity(*reports: Report) -> pl.DataFrame:
    r, f = frames(*reports)
    return continuity_findings(f, r)


def test_w1_carried_over_against_last_years_carried_forward():
    last = make_report("2019", balanced("2019") | {("requests", "carried_forward", "total"): 9,
                                                    ("requests", "carried_forward", "natural_person"): 4},
                       agency="盐城经济技术开发区管理委员会", year=2020)
    this = make_report("2021", balanced("2021"), agency="盐城经济技术开发区 管委会", year=2021)
    w1 = _continuity(last, this).filter(pl.col("rule") == "W1").sort("col_code")
    assert w1.select("report_id", "row_code", "col_code", "actual", "expected", "severity").rows() == [
        (this.report_id, "carried_over", "natural_person", 1, 4, "warning"),
        (this.report_id, "carried_over", "total", 6, 9, "warning"),
    ]
    assert last.report_id in w1["message"][0] and "2020" in w1["message"][0]
    # The same numbers under another body's name, or two years apart, are not compared.
    other = make_report("2021", balanced("2021"), agency="盐城市人民政府", year=2021)
    later = make_report("2021", balanced("2021"), agency="盐城经济技术开发区管委会", year=2022)
    assert _continuity(last, other, later).filter(pl.col("rule").str.starts_with("W1")).is_empty()


def test_findings_across_years_come_out_in_one_order_whatever_the_order_of_their_input():
    reports = []
    for k, agency in enumerate(("宜丰县财政局", "樟树市财政局", "宜丰县人民政府", "樟树市人民政府")):
        last = balanced("2019") | {("requests", "carried_forward", "total"): 9 + k,
                                   ("requests", "carried_forward", "research"): None}
        reports += [make_report("2019", last, agency=agency, year=2020),
                    make_report("2021", balanced("2021"), agency=agency, year=2021)]
    r, f = frames(*reports)
    found = continuity_findings(f, r)
    assert found["rule"].unique().sort().to_list() == ["W1", "W1_NE"] and found["report_id"].n_unique() == 4
    for seed in range(3):
        shuffled = continuity_findings(f.sample(fraction=1, shuffle=True, seed=seed),
                                       r.sample(fraction=1, shuffle=True, seed=seed))
        assert shuffled.equals(found)
    assert found.equals(found.sort("report_id", "rule", "section", "row_code", "col_code", maintain_order=True))


def test_w1_blank_last_year_is_not_evaluable():
    last = make_report("2019", balanced("2019") | {("requests", "carried_forward", "research"): None}, year=2020)
    this = make_report("2019", balanced("2019"), year=2021)
    found = _continuity(last, this)
    assert found.select("rule", "col_code").rows() == [("W1_NE", "research")]
    assert "上年" in found["message"][0] and "last year's carried_forward" in found["message_en"][0]


def test_w1_compares_with_each_report_a_body_has_for_last_year():
    first = make_report("2019", balanced("2019"), year=2020, name="a.txt")
    second = make_report("2019", balanced("2019") | {("requests", "carried_forward", "total"): 2}, year=2020,
                         name="b.txt")
    this = make_report("2019", balanced("2019"), year=2021)
    w1 = _continuity(first, second, this).filter(pl.col("rule") == "W1")
    assert w1.select("col_code", "expected").rows() == [("total", 2)]
    assert second.report_id in w1["message"][0]


def test_w2_in_force_moves_by_issued_and_repealed():
    last = make_report("2021", balanced("2021"), year=2021)  # in force 5
    moved = {("active", "rules", "issued"): 3, ("active", "rules", "repealed"): 1, ("active", "rules", "in_force"): 7}
    this = make_report("2021", balanced("2021") | moved | {("active", "normative_docs", "in_force"): 6}, year=2022)
    w2 = _continuity(last, this).filter(pl.col("rule") == "W2")
    # rules: 5 + 3 − 1 = 7 holds; normative_docs: 5 + 1 − 1 = 5, but 6 is written.
    assert w2.select("row_code", "col_code", "actual", "expected").rows() == [("normative_docs", "in_force", 6, 5)]


def test_w2_is_not_compared_with_a_2019_form_report():
    last = make_report("2019", balanced("2019"), year=2020)
    this = make_report("2021", balanced("2021") | {("active", "rules", "in_force"): 99}, year=2021)
    assert _continuity(last, this).filter(pl.col("rule").str.starts_with("W2")).is_empty()


# --- value rules --------------------------------------------------------------------------------------


def test_negative_and_fractional_values_are_kept_and_found():
    cells = balanced("2019") | {("requests", "granted", "research"): -2, ("appeals", "review", "upheld"): "1.5",
                                ("active", "licensing", "change"): -418, ("active", "procurement", "amount"): -10}
    r, f = frames(make_report("2019", cells))
    kept = {(x["row_code"], x["col_code"]): x["value"] for x in f.iter_rows(named=True)}
    assert kept[("granted", "research")] == -2 and kept[("review", "upheld")] == 1.5
    found = value_findings(f).sort("rule", "row_code")
    assert found.select("rule", "row_code", "col_code", "actual").rows() == [
        ("S1", "granted", "research", -2), ("S1", "procurement", "amount", -10), ("S2", "review", "upheld", 1.5)]
    assert facts_failures(f, r) is None, "flagged negatives conform to the schema"


# --- schemas ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_frames():
    reports = [_parse_sample(p.name) for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    r, f = frames(*reports)
    found = all_findings(r, f, findings_frame(reports))
    return count_findings(r, found), f, found


def test_the_samples_conform(sample_frames):
    r, f, found = sample_frames
    assert schema_failures(tables.Reports, r) is None
    assert facts_failures(f, r) is None
    assert findings_failures(found, r) is None


def _set(frame: pl.DataFrame, row: int, **values) -> pl.DataFrame:
    index = pl.int_range(pl.len()) == row
    return frame.with_columns(**{k: pl.when(index).then(pl.lit(v)).otherwise(pl.col(k)) for k, v in values.items()})


def _row_of(frame: pl.DataFrame, **where) -> int:
    mask = pl.all_horizontal(pl.col(k) == v for k, v in where.items())
    return frame.with_row_index().filter(mask)["index"][0]


def test_facts_codes_must_be_of_the_reports_form(sample_frames):
    r, f, _ = sample_frames
    i = _row_of(f, section="requests", row_code="other")
    wrong = _set(f, i, row_code="other_misc")  # a 2021 row in a 2019 report
    assert failed_checks(facts_failures(wrong, r)) == {"(section, row_code, col_code) is a cell of the report's form version"}
    j = _row_of(f, section="requests", row_code="granted", col_code="total")
    assert failed_checks(facts_failures(_set(f, j, col_code="upheld"), r))  # a column of 四 in 三


def test_facts_schema_collects_every_failure(sample_frames):
    r, f, _ = sample_frames
    bad = _set(f, _row_of(f, row_code="procurement", col_code="amount"), unit="件")
    bad = _set(bad, _row_of(bad, row_code="granted", col_code="research"), value=-3.0)  # negative, not flagged
    bad = _set(bad, _row_of(bad, row_code="granted", col_code="commercial"), value=None, flags=pl.Series([[]]))
    bad = pl.concat([bad, bad.head(1)])  # a cell twice
    bad = _set(bad, 1, report_id="not-an-id")
    # Every broken rule is reported in one validation, not the first alone.
    assert {"unit is 元 exactly for the money columns, 件 for the counts",
            "a negative value outside `change` carries the 'negative' flag (and so a finding S1)",
            "a NULL value says why in its flags (blank, dash, not_a_number, not_in_source)",
            "multiple_fields_uniqueness",
            "str_matches('^[0-9a-f]{16}$')"} <= failed_checks(facts_failures(bad, r))


def test_facts_of_a_report_that_does_not_exist_fail(sample_frames):
    r, f, _ = sample_frames
    orphan = _set(f, 0, report_id="0123456789abcdef")
    assert failed_checks(facts_failures(orphan, r))


def test_reports_schema(sample_frames):
    r, _, _ = sample_frames
    assert failed_checks(schema_failures(tables.Reports, _set(r, 0, status="partial"))) == {
        "a report not parsed cleanly says why"}
    assert failed_checks(schema_failures(tables.Reports, _set(r, 1, n_cells=10))) == {
        "a parsed report has every cell of its form"}
    assert failed_checks(schema_failures(tables.Reports, _set(r, 2, report_id="0123456789abcdef"))) >= {
        "report_id is the start of the sha256; only an unread file has no sha256"}
    dup = pl.concat([r, _set(r.head(1), 0, source_file="copy.txt", duplicate_of="nowhere.txt", n_cells=0,
                                n_findings=0)])
    assert failed_checks(schema_failures(tables.Reports, dup)) == {
        "duplicate_of names the first file with the same bytes; a duplicate counts no cells or findings"}
    two_firsts = pl.concat([r, _set(r.head(1), 0, source_file="copy.txt")])
    assert "the same bytes are one report: one current row per report_id has no duplicate_of" in failed_checks(
        schema_failures(tables.Reports, two_firsts))
    assert "one current row per source_file" in failed_checks(schema_failures(tables.Reports, pl.concat([r, r.head(1)])))


def test_reports_may_keep_earlier_versions_of_a_file(sample_frames):
    r, _, _ = sample_frames
    # An earlier version of sample 000's file (other bytes), replaced by the one parsed now.
    old_sha = hashlib.sha256(b"earlier bytes").hexdigest()
    earlier = _set(r.head(1), 0, sha256=old_sha, report_id=old_sha[:16], status="partial", status_reason="truncated")
    history = pl.concat([r.with_columns(superseded_by=pl.lit(None, pl.String)),
                         earlier.with_columns(superseded_by=pl.lit(r["report_id"][0]))])
    assert schema_failures(tables.Reports, history) is None
    both_current = history.with_columns(superseded_by=pl.lit(None, pl.String))
    assert failed_checks(schema_failures(tables.Reports, both_current)) == {"one current row per source_file"}


def test_findings_schema(sample_frames):
    r, _, found = sample_frames
    i = _row_of(found, rule="T4")
    assert failed_checks(findings_failures(_set(found, i, rule="T9"), r))
    assert failed_checks(findings_failures(_set(found, i, severity="warning"), r)) == {
        "a rule of the forms is broken with its own severity, with expected and actual"}
    ne = _row_of(found, rule="I3_NE")
    assert failed_checks(findings_failures(_set(found, ne, severity="error"), r)) == {
        "a not-evaluable finding is a warning, with neither expected nor actual"}
    assert failed_checks(findings_failures(_set(found, i, row_code="other_misc", section="requests"), r)) == {
        "row_code is a row of the section in the report's form version"}
    assert failed_checks(findings_failures(_set(found, i, report_id="0123456789abcdef"), r))


# --- properties ---------------------------------------------------------------------------------------

REQUESTS_2021 = FORMS["2021"].section("requests")
RESULT_ROWS = [r.code for r in REQUESTS_2021.rows if r.group and r.code != "total_processed"]
APPLICANTS = [c.code for c in REQUESTS_2021.columns if c.code != "total"]


@st.composite
def consistent_requests(draw):
    """A 三 table of the 2021 form with random counts that satisfy I1, I2 and I3."""
    v = {}
    for col in APPLICANTS:
        results = {row: draw(st.integers(0, 50)) for row in RESULT_ROWS}
        processed = sum(results.values())
        forward = draw(st.integers(0, 20))
        carried = draw(st.integers(0, processed + forward))
        v |= {("requests", row, col): n for row, n in results.items()}
        v |= {("requests", "total_processed", col): processed, ("requests", "carried_forward", col): forward,
              ("requests", "carried_over", col): carried, ("requests", "received", col): processed + forward - carried}
    for row in {r for _, r, _ in v}:
        v[("requests", row, "total")] = sum(v[("requests", row, c)] for c in APPLICANTS)
    return v


@settings(max_examples=25, deadline=None)
@given(consistent_requests(), st.data())
def test_a_changed_cell_is_found_where_it_stands(table, data):
    base = balanced("2021") | table
    assert identities_of(make_report("2021", base)).is_empty()
    key = data.draw(st.sampled_from(sorted(table)))
    delta = data.draw(st.integers(1, 9))
    found = identities_of(make_report("2021", base | {key: base[key] + delta}))
    _, row, col = key
    assert not found.is_empty() and set(found["severity"]) == {"error"}
    # Every finding is about the changed cell's column or row, and is off by exactly the change.
    for f in found.iter_rows(named=True):
        assert f["col_code"] == col or f["row_code"] == row, f
        assert abs(f["actual"] - f["expected"]) == delta, f


NAME = st.text(alphabet="某市县区局委办公室人民政府管理员会街道事处卫生健康统计", min_size=1, max_size=12)


@given(NAME, st.lists(st.sampled_from([" ", "\u3000"]), max_size=3))
def test_agency_key_ignores_width_and_spaces(name, spaces):
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    assert agency_key(wide + "".join(spaces)) == agency_key(name) == agency_key(agency_key(name))
