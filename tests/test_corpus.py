"""The synthetic corpus: its numbers keep the forms' identities (but where it breaks them on purpose),
bodies continue from year to year, every encoding is written, and the parser reads it back."""

from __future__ import annotations

import polars as pl
import pytest

from assets.cli import main
from pipelines.corpus import LAYOUTS, Spec, accuracy, encodings, generate, truth_cells
from pipelines.encodings import ENCODINGS
from pipelines.incremental import Store, changes
from pipelines.readers import READERS
from schemas.forms import FORMS

# Two years of each form, every encoding at least twice.
SPEC = Spec(reports=56, seed=7, broken_share=0.25, years=(2019, 2020, 2021, 2022))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    reports = generate(out, SPEC, workers=1)
    return out, reports, truth_cells(out).collect()


@pytest.fixture(scope="module")
def parsed(corpus, tmp_path_factory):
    out, _, _ = corpus
    store = Store(tmp_path_factory.mktemp("state"))
    index = store.index(out / "raw", workers=2)
    partitions = changes(index, store.catalog()).partitions
    for partition in partitions:
        store.ingest(index, partition, workers=2)
    frames = [store.frames(p) for p in partitions]
    return pl.concat([f.reports for f in frames]), pl.concat([f.facts.collect() for f in frames])


def _sides(identity, frame: pl.DataFrame) -> pl.DataFrame:
    """lhs and rhs of an identity of the forms, per report and along its other axis."""
    member, along = ("row_code", "col_code") if identity.over == "col" else ("col_code", "row_code")
    terms = frame.filter((pl.col("section") == identity.section) & pl.col(member).is_in(identity.lhs + identity.rhs))
    side = pl.col(member).is_in(identity.lhs)
    return terms.group_by("source_file", along).agg(lhs=pl.col("value").filter(side).sum(),
                                                    rhs=pl.col("value").filter(~side).sum())


def test_every_encoding_the_parser_reads_is_written():
    # A layout written as text is read by the encoding of its name; one of another format (HTML,
    # Word's HTML, DOCX, PDF) by that format's reader.
    assert set(LAYOUTS) == set(encodings()), "every layout is read by the parser"
    assert {"cell_per_line", "pipe_cells", "tab_rows", "html_tables", "word_html"} <= set(encodings())
    assert all(name in ENCODINGS for name, layout in LAYOUTS.items() if layout.suffix in (".txt", ".md"))


def test_every_report_has_every_cell_of_its_form(corpus):
    _, reports, truth = corpus
    assert reports.height == SPEC.reports
    assert set(reports["encoding"]) == set(encodings()) and set(reports["form_version"]) == {"2019", "2021"}
    per_file = truth.group_by("source_file").len().join(reports, on="source_file")
    for form in FORMS.values():
        cells = len(list(form.cells()))
        assert set(per_file.filter(pl.col("form_version") == form.code)["len"]) == {cells}


def test_numbers_keep_the_identities_except_where_broken_on_purpose(corpus):
    _, reports, truth = corpus
    broken = reports.filter(pl.col("broken_rule").is_not_null())
    assert 0 < broken.height < reports.height
    truth = truth.join(reports.select("source_file", "form_version"), on="source_file")
    for form in FORMS.values():
        of_form = truth.filter(pl.col("form_version") == form.code)
        for identity in (*form.identities, *getattr(form, "soft_identities", ())):
            off = (pl.col("lhs") - pl.col("rhs")) if identity.relation == "<=" else (pl.col("lhs") - pl.col("rhs")).abs()
            failing = set(_sides(identity, of_form).filter(off > 1e-6)["source_file"])
            # A total put off may break the identities it takes part in too, but only in broken reports.
            assert failing <= set(broken["source_file"]), identity.rule
            meant = broken.filter((pl.col("broken_rule") == identity.rule) & (pl.col("form_version") == form.code))
            assert set(meant["source_file"]) <= failing, identity.rule


def test_bodies_carry_their_requests_over_from_last_year(corpus):
    _, reports, truth = corpus
    values = truth.join(reports.select("source_file", "agency", "year"), on="source_file")
    forward = values.filter(pl.col("row_code") == "carried_forward").select("agency", "col_code", pl.col("year") + 1,
                                                                            forward="value")
    over = values.filter(pl.col("row_code") == "carried_over").join(forward, on=["agency", "col_code", "year"])
    assert over.height > 0 and (over["value"] == over["forward"]).all()


def test_the_same_seed_writes_the_same_corpus(corpus, tmp_path):
    _, reports, truth = corpus
    small = Spec(reports=8, seed=SPEC.seed, broken_share=SPEC.broken_share, years=SPEC.years)
    again = generate(tmp_path / "a", small, workers=1)
    assert again.equals(reports.join(again.select("source_file"), on="source_file", how="semi"))
    other = generate(tmp_path / "b", Spec(reports=8, seed=SPEC.seed + 1, years=SPEC.years), workers=1)
    assert not other["agency"].equals(again["agency"])


def test_the_parser_reads_the_corpus_back(corpus, parsed):
    _, reports, truth = corpus
    parsed_reports, facts = parsed
    result = accuracy(truth.lazy(), reports, facts, parsed_reports)
    for row in result.iter_rows(named=True):
        # Nothing read wrong, ever: a cell the parser cannot place is missing, not guessed.
        assert row["wrong"] == 0, row
        if row["encoding"] != "flattened":  # cells run together: only what the identities can split
            assert row["exact"] == row["cells"], row
    assert set(result["encoding"]) == set(encodings())


def test_cli_generate_writes_the_corpus_and_its_truth(tmp_path, capsys):
    out = tmp_path / "corpus"
    assert main(["generate", "--out", str(out), "--reports", "10", "--seed", "3", "--broken-share", "0",
                 "--encodings", "tab_rows,pipe_cells", "--years", "2020-2021"]) == 0
    assert "10 reports" in capsys.readouterr().out
    reports = pl.read_parquet(out / "truth" / "reports.parquet")
    assert reports.height == 10 and set(reports["encoding"]) == {"tab_rows", "pipe_cells"}
    assert set(reports["year"]) == {2020, 2021} and reports["broken_rule"].null_count() == 10
    assert sorted(p.relative_to(out / "raw").as_posix() for p in (out / "raw").rglob("*.txt")) == \
        sorted(reports["source_file"])
    assert main(["generate", "--out", str(out), "--reports", "1", "--encodings", "nope"]) != 0
