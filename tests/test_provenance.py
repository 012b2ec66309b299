"""Every fact and finding says where a person finds it: the origin of its document line or grid cell,
whatever reader made the document."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines import report as report_module
from pipelines.document import DocLine, Document, Origin
from pipelines.frames import facts_frame, findings_frame, reports_frame
from pipelines.identities import identity_findings
from pipelines.report import parse_report
from pipelines.text import decode
from schemas.tables import Facts, Findings

from .conftest import SAMPLES_DIR

SAMPLE = "000_4a5927c6b61291aa.txt"
TABLES = "tests/fixtures/fidelity/demo2021_tables.html"


@dataclass
class PagedReader:
    """A reader as a PDF reader is: lines with their page and their line on the page."""

    name: str = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)
    per_page: int = 40

    def read(self, data: bytes) -> Document:
        lines = decode(data).lines
        return Document(self.name, [DocLine(t, Origin(line=n % self.per_page + 1, page=n // self.per_page + 1))
                                    for n, t in enumerate(lines)], encoding="pdf text layer")


def test_lines_of_paged_documents_give_page_and_line(monkeypatch):
    monkeypatch.setitem(report_module.READERS, "pdf", PagedReader())
    data = (SAMPLES_DIR / SAMPLE).read_bytes()
    report = parse_report(data, "report.pdf")
    text = parse_report(data, SAMPLE)
    assert report.status == "parsed" and report.text_encoding == "pdf text layer"
    lines = decode(data).lines
    for paged, plain in zip(report.cells, text.cells, strict=True):
        assert (paged.value, paged.raw_text) == (plain.value, plain.raw_text)
        if plain.source_line is not None:
            n = plain.source_line - 1
            assert (paged.origin.page, paged.source_line) == (n // 40 + 1, n % 40 + 1)
            assert paged.raw_text.split()[0] in lines[n]
    facts = facts_frame([report])
    Facts.validate(facts)
    assert facts["source_page"].max() > 1 and facts["source_table"].null_count() == facts.height
    # Sample 000 breaks I1 and I3 on a cell: the finding points at the cell's page.
    findings = pl.concat([findings_frame([report]), identity_findings(facts, reports_frame([report]))])
    Findings.validate(findings)
    placed = findings.filter(pl.col("source_line").is_not_null())
    assert placed.height and placed["source_page"].null_count() == 0
    for line, page, raw in placed.select("source_line", "source_page", "raw_text").rows():
        assert raw.split()[0] in lines[(page - 1) * 40 + line - 1]


def test_grid_cells_give_table_row_and_column():
    data = open(TABLES, "rb").read()
    report = parse_report(data, "tables.html")
    lines = decode(data).lines
    facts = facts_frame([report])
    Facts.validate(facts)
    valued = facts.filter(pl.col("value").is_not_null())
    assert valued["source_table"].null_count() == 0 and valued["source_page"].null_count() == valued.height
    # The grid position is the cell's: the table's written row holds its text on that line.
    for cell in report.cells:
        if cell.value is not None:
            assert cell.origin.table >= 1 and cell.origin.row >= 1 and cell.origin.col >= 1
            assert cell.raw_text.split()[0] in lines[cell.source_line - 1]


def test_a_cell_of_a_grid_without_lines_is_placed_by_its_table():
    # As DOCX gives them: table, row and column, and no line.
    facts = facts_frame([parse_report((SAMPLES_DIR / SAMPLE).read_bytes(), SAMPLE)])
    facts = facts.with_columns(source_line=pl.lit(None, pl.Int32), source_table=pl.lit(1, pl.Int32),
                               source_row=pl.lit(2, pl.Int32), source_col=pl.lit(3, pl.Int32))
    Facts.validate(facts)
    unplaced = facts.with_columns(source_col=pl.lit(None, pl.Int32))
    try:
        Facts.validate(unplaced.filter(pl.col("value").is_not_null()))
    except Exception as e:
        assert "where it stands" in str(e)
    else:
        raise AssertionError("a value with no line and no grid position passed")
