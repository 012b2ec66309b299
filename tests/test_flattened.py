"""Web-page text whose table cells run together: the 平潭 2021 and 2022 reports, cell by cell, and the
cutting of run-together digits by the form's identities."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from pipelines import splitting, values
from pipelines.encodings import ENCODINGS
from pipelines.frames import facts_frame, reports_frame
from pipelines.identities import identity_findings
from pipelines.report import parse_report
from pipelines.sections import TABLE_SECTIONS, find_sections
from pipelines.splitting import Run, cut_runs
from pipelines.text import decode
from schemas.forms import FORMS

from .conftest import FIXTURES, SAMPLES_DIR

REAL = FIXTURES / "real_world"
FORM = FORMS["2021"]
Z7 = [0] * 7

# Read off the texts by hand: each row's digits, cut where the row total and the column sums agree.
REQUESTS_2021 = {
    "received": [64, 0, 0, 2, 0, 4, 70],  # 640020470
    "granted": [27, 0, 0, 2, 0, 1, 30],  # 270020130: 2,7,0,0,20,1,30 fits its own total too
    "partly_granted": [5, 0, 0, 0, 0, 0, 5],  # 500000 5
    "refused_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "refused_enforcement_file": [6, 0, 0, 0, 0, 0, 6],
    "refused_query_matter": [1, 0, 0, 0, 0, 0, 1],
    "unable_not_held": [22, 0, 0, 0, 0, 3, 25],  # 220000325: 2,20,0,0,0,3,25 fits its own total too
    "other_misc": [1, 0, 0, 0, 0, 0, 1],
    "total_processed": [63, 0, 0, 2, 0, 4, 69],
    "carried_forward": [1, 0, 0, 0, 0, 0, 1],
}
APPEALS_2021 = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]  # 10203120001200000
REQUESTS_2022 = {
    "received": [71, 3, 0, 0, 0, 0, 74],
    "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "granted": [21, 0, 0, 0, 0, 0, 21],
    "partly_granted": [8, 1, 0, 0, 0, 0, 9],
    "refused_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "refused_process_info": [2, 0, 0, 0, 0, 0, 2],
    "refused_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
    "unable_not_held": [37, 0, 0, 0, 0, 0, 37],  # 3700000372.没有… : the 2 is the next row's numbering
    "other_no_correction": [2, 0, 0, 0, 0, 0, 2],
    "other_misc": [0, 2, 0, 0, 0, 0, 2],
    "total_processed": [72, 3, 0, 0, 0, 0, 75],
}
APPEALS_2022 = [0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]  # written with spaces: nothing to cut
# 二: rows with one column are unambiguous; 规章 000 can only be 0,0,0; the 行政规范性文件 run is not.
ACTIVE_2021 = {"rules": [0, 0, 0], "licensing": [2293], "penalty": [1282], "coercion": [42],
               "fees": [Decimal("24252.311082") * 10000]}
ACTIVE_2022 = {"rules": [0, 0, 0], "licensing": [10690], "penalty": [2113], "coercion": [0],
               "fees": [Decimal("9116.36") * 10000]}
UNSPLIT_RUNS = {"pingtan_2021_flattened.txt": "693665", "pingtan_2022_flattened.txt": "8855698"}
TABLE_LINE = 10  # the whole 正文 of these pages is one line


def _parse(name):
    return parse_report((REAL / name).read_bytes(), name)


def _expected(requests, appeals, active):
    want = {}
    for row in FORM.section("requests").rows:
        for col, v in zip(FORM.section("requests").columns_of(row), requests.get(row.code, Z7)):
            want[("requests", row.code, col)] = Decimal(v)
    for i, row in enumerate(FORM.section("appeals").rows):
        for col, v in zip(FORM.section("appeals").columns_of(row), appeals[5 * i:5 * i + 5]):
            want[("appeals", row.code, col)] = Decimal(v)
    for row, vs in active.items():
        for col, v in zip(FORM.section("active").columns_of(row), vs):
            want[("active", row, col)] = Decimal(v)
    return want


CASES = {
    "pingtan_2021_flattened.txt": _expected(REQUESTS_2021, APPEALS_2021, ACTIVE_2021),
    "pingtan_2022_flattened.txt": _expected(REQUESTS_2022, APPEALS_2022, ACTIVE_2022),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_cell_of_the_flattened_report(name):
    report = _parse(name)
    assert report.status == "parsed", report.status_reason
    assert report.form_version == "2021"
    assert report.table_encoding == "flattened"
    got = {(c.section, c.row_code, c.col_code): c for c in report.cells}
    assert set(got) == set(FORM.cells()), "one fact per cell of the form"
    for cell_key, want in CASES[name].items():
        assert got[cell_key].value == want, (cell_key, got[cell_key].raw_text)
    line = (REAL / name).read_text(encoding="utf-8").split("\n")[TABLE_LINE - 1]
    for c in report.cells:
        assert c.source_line == TABLE_LINE and c.raw_text in line


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_identities_hold_on_the_cut_tables(name):
    report = _parse(name)
    findings = identity_findings(facts_frame([report]), reports_frame([report]))
    broken = findings.filter(findings["rule"].is_in(["I1", "I2", "I3", "T4"]))
    assert broken.is_empty(), broken.to_dicts()
    checked = {r for r in findings["rule"].to_list()}
    assert not {"I1_NE", "I2_NE", "I3_NE", "T4_NE"} & checked, "every identity of 三 and 四 could be evaluated"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_run_no_identity_settles_stays_whole_and_is_reported(name):
    report = _parse(name)
    run = UNSPLIT_RUNS[name]
    cells = [c for c in report.cells if c.row_code == "normative_docs"]
    assert len(cells) == 3
    for c in cells:
        assert c.value is None and c.raw_text == run and values.UNSPLIT in c.flags
    [finding] = [f for f in report.findings if f.rule == splitting.RULE]
    assert (finding.section, finding.row_code, finding.raw_text, finding.source_line) == \
           ("active", "normative_docs", run, TABLE_LINE)


def test_cut_cells_are_flagged_and_separated_cells_are_not():
    cells = {(c.section, c.row_code, c.col_code): c for c in _parse("pingtan_2021_flattened.txt").cells}
    assert values.SPLIT_BY_IDENTITIES in cells[("requests", "received", "natural_person")].flags
    assert cells[("requests", "received", "natural_person")].raw_text == "64"
    # "500000 5": the source kept a space before the total.
    assert values.SPLIT_BY_IDENTITIES in cells[("requests", "partly_granted", "other_org")].flags
    assert values.SPLIT_BY_IDENTITIES not in cells[("requests", "partly_granted", "total")].flags
    assert cells[("active", "licensing", "decisions")].flags == ()
    fees = cells[("active", "fees", "amount")]
    assert fees.raw_text == "24252.311082" and values.UNIT_FROM_HEADER in fees.flags
    appeals_2022 = [c for c in _parse("pingtan_2022_flattened.txt").cells if c.section == "appeals"]
    assert all(values.SPLIT_BY_IDENTITIES not in c.flags for c in appeals_2022)


def test_a_damaged_run_is_not_guessed_and_the_rest_still_cuts():
    text = (REAL / "pingtan_2021_flattened.txt").read_text(encoding="utf-8")
    damaged = text.replace("申请数量640020470", "申请数量64002047")  # no cut of these 8 digits has total = sum
    report = parse_report(damaged.encode("utf-8"), "damaged.txt")
    got = {(c.row_code, c.col_code): c for c in report.cells if c.section == "requests"}
    for col in FORM.section("requests").columns_of("received"):
        assert got[("received", col)].value is None and got[("received", col)].raw_text == "64002047"
    assert [f.raw_text for f in report.findings if f.rule == splitting.RULE] == ["693665", "64002047"]
    # The balance I1 needs the received row and cannot help; the result sums I2 still settle these.
    assert [int(got[("granted", c)].value) for c in FORM.section("requests").columns_of("granted")] == \
           REQUESTS_2021["granted"]
    assert [int(got[("unable_not_held", c)].value) for c in FORM.section("requests").columns_of("unable_not_held")] == \
           REQUESTS_2021["unable_not_held"]


def test_without_the_column_sums_an_ambiguous_row_stays_whole():
    text = (REAL / "pingtan_2021_flattened.txt").read_text(encoding="utf-8")
    # Without the total row, I2 cannot be evaluated, and 270020130 fits two cuts on its own.
    cut = text.replace("（七）总计630020469", "")
    report = parse_report(cut.encode("utf-8"), "no_total.txt")
    granted = [c for c in report.cells if c.row_code == "granted"]
    assert all(c.value is None and c.raw_text == "270020130" for c in granted)
    assert "270020130" in [f.raw_text for f in report.findings if f.rule == splitting.RULE]


# --- which sections the encoding claims ----------------------------------------------------------------


def _section_scores(data: bytes):
    sections = find_sections(decode(data).text)
    return {code: ENCODINGS["flattened"].score(sections[code].lines) for code in TABLE_SECTIONS if code in sections}


@pytest.mark.parametrize("name", sorted(CASES))
def test_flattened_claims_the_flattened_sections(name):
    assert _section_scores((REAL / name).read_bytes()) == {"active": 1.0, "requests": 1.0, "appeals": 1.0}


@pytest.mark.parametrize("path", [*sorted(SAMPLES_DIR.iterdir()), REAL / "huaian_city_2024_pdftext.txt",
                                  REAL / "shanghai_kewei_2024.md"], ids=lambda p: p.name)
def test_flattened_leaves_other_encodings_alone(path):
    scores = _section_scores(path.read_bytes())
    assert scores and all(s == 0 for s in scores.values()), scores


# --- the cutting itself -----------------------------------------------------------------------------------


REQUESTS = FORM.section("requests")
APPEALS = FORM.section("appeals")
ACTIVE = FORM.section("active")


def _texts(run: Run, cut) -> list[list[str]]:
    return [[run.text[p.start:p.end] for p in row] for row in cut.pieces]


def test_digits_alone_can_decide():
    run = Run(("rules",), "000")
    [cut] = cut_runs(ACTIVE, FORM.identities, [run])
    assert cut.fits == 1 and _texts(run, cut) == [["0", "0", "0"]]
    assert all(p.cut for p in cut.pieces[0])


def test_no_leading_zeros():
    # 1000 in three cells: 1|0|00 and 1|00|0 write a zero with a leading zero; only 10|0|0 is left.
    run = Run(("rules",), "1000")
    [cut] = cut_runs(ACTIVE, FORM.identities, [run])
    assert _texts(run, cut) == [["10", "0", "0"]]


def test_several_cuts_and_no_identity_means_no_cut():
    [cut] = cut_runs(ACTIVE, FORM.identities, [Run(("normative_docs",), "693665")])
    assert cut.pieces is None and cut.fits == 10


def test_no_cut_at_all():
    [cut] = cut_runs(REQUESTS, FORM.identities, [Run(("received",), "12")])
    assert cut.pieces is None and cut.fits == 0


def test_a_single_cut_is_kept_even_where_the_identity_fails():
    # Seven digits in seven cells: nothing was chosen, so the validators, not the cutter, report I3.
    run = Run(("received",), "1111111")
    [cut] = cut_runs(REQUESTS, FORM.identities, [run])
    assert _texts(run, cut) == [["1"] * 7]


def test_the_row_identity_decides():
    run = Run(("received",), "640020470")
    [cut] = cut_runs(REQUESTS, FORM.identities, [run])
    assert _texts(run, cut) == [["64", "0", "0", "2", "0", "4", "70"]]


def test_spaces_are_boundaries():
    run = Run(("partly_granted",), "500000 5")
    [cut] = cut_runs(REQUESTS, FORM.identities, [run])
    assert _texts(run, cut) == [["5", "0", "0", "0", "0", "0", "5"]]
    assert [p.cut for p in cut.pieces[0]] == [True] * 6 + [False]


def test_one_run_over_several_rows():
    run = Run(("review", "suit_direct", "suit_after_review"), "10203120001200000")
    [cut] = cut_runs(APPEALS, FORM.identities, [run])
    assert [int(t) for row in _texts(run, cut) for t in row] == APPEALS_2021


def _table(rows: dict[str, str]) -> list[Run]:
    return [Run((code,), rows.get(code, "0000000")) for code in (r.code for r in REQUESTS.rows)]


# The runs of 三 in the 2021 text that are not all zeros.
RUNS_2021 = {"received": "640020470", "granted": "270020130", "partly_granted": "500000 5",
             "refused_internal_affairs": "1000001", "refused_enforcement_file": "6000006",
             "refused_query_matter": "1000001", "unable_not_held": "220000325", "other_misc": "1000001",
             "total_processed": "630020469", "carried_forward": "1000001"}


def test_the_columns_settle_what_each_row_leaves_open():
    runs = _table(RUNS_2021)
    alone = cut_runs(REQUESTS, [i for i in FORM.identities if i.over == "row"], runs)
    assert alone[[r.rows[0] for r in runs].index("granted")].fits == 2
    cuts = cut_runs(REQUESTS, FORM.identities, runs)
    got = {run.rows[0]: [int(t) for t in _texts(run, cut)[0]] for run, cut in zip(runs, cuts)}
    for code, want in REQUESTS_2021.items():
        assert got[code] == want, code


def test_a_column_the_report_breaks_does_not_veto_the_others():
    # The report's I1 fails in the natural_person column whatever the cut (received 65 ≠ 63 + 1);
    # that column is set aside and the result sums still decide 270020130 and 220000325.
    runs = _table({**RUNS_2021, "received": "650020471"})
    cuts = dict(zip((r.rows[0] for r in runs), cut_runs(REQUESTS, FORM.identities, runs)))
    assert _texts(runs[2], cuts["granted"]) == [["27", "0", "0", "2", "0", "1", "30"]]
    assert [int(t) for t in _texts(runs[0], cuts["received"])[0]] == [65, 0, 0, 2, 0, 4, 71]


def test_signs_and_decimals():
    run = Run(("licensing",), "5-3 7")  # 2019 form: items last year, change (signed), decisions
    [cut] = cut_runs(FORMS["2019"].section("active"), FORMS["2019"].identities, [run])
    assert _texts(run, cut) == [["5", "-3", "7"]], "a sign only ever starts a number"
    run = Run(("fees",), "9116.36")
    [cut] = cut_runs(ACTIVE, FORM.identities, [run])
    assert _texts(run, cut) == [["9116.36"]]
    [cut] = cut_runs(ACTIVE, FORM.identities, [Run(("fees",), "12.")])
    assert cut.fits == 0, "a number never ends in a point"


def test_a_run_too_long_to_search_gives_up_with_a_finding_not_a_guess():
    [cut] = cut_runs(REQUESTS, FORM.identities, [Run(("received",), "1" * 200)])
    assert cut.pieces is None and cut.fits == splitting.MANY


def test_an_appeals_run_that_cannot_be_cut_leaves_every_cell_null_and_is_reported():
    text = (REAL / "pingtan_2021_flattened.txt").read_text(encoding="utf-8")
    report = parse_report(text.replace("总计10203120001200000", "总计1020").encode("utf-8"), "short.txt")
    appeals = [c for c in report.cells if c.section == "appeals"]
    assert len(appeals) == 15
    assert all(c.value is None and c.raw_text == "1020" and values.UNSPLIT in c.flags for c in appeals)
    reported = [f for f in report.findings if f.rule == splitting.RULE and f.section == "appeals"]
    assert {f.raw_text for f in reported} == {"1020"} and {f.source_line for f in reported} == {TABLE_LINE}


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.iterdir()), ids=lambda p: p.name)
def test_a_sample_flattened_like_a_web_page_gets_no_value_wrong(path):
    # Run each sample's tables together as a web page does (separators and line breaks gone): what
    # the cutter cannot settle stays NULL, and every value it gives is the sample's own.
    text = path.read_text(encoding="utf-8")
    truth = {(c.section, c.row_code, c.col_code): c.value for c in parse_report(text.encode("utf-8"), path.name).cells}
    start = text.index("二、主动公开政府信息情况")
    flat = text[:start] + re.sub(r"[\t|\n]+", "", text[start:])
    report = parse_report(flat.encode("utf-8"), path.name)
    assert report.status == "parsed" and report.table_encoding == "flattened"
    assert {(c.section, c.row_code, c.col_code) for c in report.cells} == set(truth)
    for c in report.cells:
        assert c.value is None or c.value == truth[(c.section, c.row_code, c.col_code)], c
        assert c.value is not None or values.UNSPLIT in c.flags, c
    cut = sum(1 for c in report.cells if c.value is not None)
    assert cut >= {"000_4a5927c6b61291aa.txt": 190}.get(path.name, 30), cut
