"""Every file under the raw folder is recorded: read by the reader of its kind, or recorded as a kind
gongkai does not read with what to do about it; editor and OS litter is skipped by one rule."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipelines import kinds
from pipelines.discover import is_litter, report_files
from pipelines.frames import reports_frame
from pipelines.readers import READERS
from pipelines.report import parse_file, parse_report

from .conftest import SAMPLES_DIR

SAMPLE = "000_4a5927c6b61291aa.txt"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, b"<x/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
# Name -> (bytes, the words its reason must hold). None of these kinds has a reader.
UNSUPPORTED = {
    "report.doc": (OLE, "Word 97–2003 document (.doc): save it as .docx"),
    "report.wps": (OLE, "WPS Writer document (.wps): save it as .docx"),
    "stats.et": (OLE, "spreadsheet (.et)"),
    "stats.xls": (OLE, "spreadsheet (.xls)"),
    "stats.xlsx": (_zip("xl/workbook.xml"), "spreadsheet (.xlsx)"),
    "slides.ppt": (OLE, "presentation (.ppt)"),
    "report.ofd": (_zip("OFD.xml"), "OFD document (.ofd): export it as PDF"),
    "report.rtf": (b"{\\rtf1 ...}", "RTF document (.rtf): save it as .docx"),
    "page.mht": (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "web archive (.mht): save the page as"),
    "scan.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "image (.png)"),
    "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(64), "OCR is not part of gongkai"),
    "reports.zip": (_zip("a.txt"), "archive (.zip): unpack it into the raw folder"),
    "reports.rar": (b"Rar!\x1a\x07\x00" + bytes(16), "archive (.rar): unpack it into the raw folder"),
    "notes.json": (b'{"a": 1}', "a kind gongkai does not read: .json; gongkai reads .txt, .md, .html/.htm"),
    "README": (b"plain words", "a kind gongkai does not read: (no ending)"),
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_a_kind_without_a_reader_is_recorded_with_what_to_do(name, tmp_path):
    data, words = UNSUPPORTED[name]
    (tmp_path / name).write_bytes(data)
    report = parse_file(tmp_path / name, name)
    assert report.status == "unsupported_format", report.status_reason
    assert words in report.status_reason
    assert report.sha256 and report.size_bytes == len(data) and report.cells == [] and report.findings == []


def test_bytes_overrule_the_name_and_the_report_says_so():
    page = (b"<!DOCTYPE html><html><head><title>x</title></head><body>"
            + (SAMPLES_DIR / SAMPLE).read_bytes().replace(b"\n", b"<br>") + b"</body></html>")
    as_pdf = parse_report(page, "report.pdf")
    assert as_pdf.status == "parsed" and len(as_pdf.cells) == 198
    assert as_pdf.status_reason.startswith("read as a web page: its bytes are one, though it is named as a PDF")
    picture = parse_report(b"\x89PNG\r\n\x1a\n" + bytes(32), "report.txt")
    assert picture.status == "unsupported_format" and "read as an image" in picture.status_reason


def test_containers_several_kinds_share_are_told_by_the_name():
    # An .xls is an OLE file as a .doc is: the name says which; a ZIP named .docx is not an archive.
    assert kinds.of_file("a.xls", OLE)[0].name == "spreadsheet"
    assert kinds.of_file("a.doc", OLE)[0].name == "doc"
    assert kinds.of_file("a.docx", _zip("other.xml")) == (kinds.by_name("a.docx"), None)
    assert kinds.of_file("a.zip", _zip("word/document.xml"))[0].name == "docx"


def test_a_big_file_of_an_unread_kind_is_unsupported_not_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("pipelines.report.MAX_BYTES", 10)
    (tmp_path / "big.zip").write_bytes(_zip("a.txt"))
    (tmp_path / "big.txt").write_bytes(b"x" * 100)
    zipped, text = parse_file(tmp_path / "big.zip", "big.zip"), parse_file(tmp_path / "big.txt", "big.txt")
    assert zipped.status == "unsupported_format" and "unpack it" in zipped.status_reason and zipped.sha256
    assert text.status == "unreadable" and "size limit" in text.status_reason


@pytest.mark.parametrize("name", ["~$report.docx", ".~lock.report.docx#", ".DS_Store", "Thumbs.db", "THUMBS.DB",
                                  "desktop.ini", "._report.pdf", "ehthumbs.db"])
def test_litter_is_skipped(name):
    assert is_litter(name)


@pytest.mark.parametrize("name", ["report.txt", "~report.txt", ".hidden_report.md", "thumbs.db.txt", "_report.doc"])
def test_a_file_a_person_put_there_is_not_litter(name):
    assert not is_litter(name)


def test_a_folder_of_every_kind_gives_one_row_a_file(tmp_path):
    sample = (SAMPLES_DIR / SAMPLE).read_bytes()
    files = {
        "a/report.txt": sample,
        "a/report.md": sample.replace("年度报告".encode(), "年度报告（Markdown）".encode()),
        "b/report.html": b"<html><body><pre>" + sample + b"</pre></body></html>",
        "b/report.docx": _zip("word/document.xml"),
        "b/report.pdf": b"%PDF-1.7\n" + bytes(64),
        "b/scanned.pdf": b"%PDF-1.4\n" + bytes(32),
        "c/old.doc": OLE,
        "c/all.zip": _zip("a.txt"),
        "c/scan.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "c/~$old.doc": b"lock", "c/.DS_Store": b"\x00\x00", "Thumbs.db": b"x",
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    found = [name for name, _, _ in report_files(tmp_path)]
    assert found == sorted((n for n in files if not is_litter(n.rsplit("/", 1)[-1])), key=lambda n: n.split("/"))
    reports = reports_frame([parse_file(path, name) for name, path, _ in report_files(tmp_path)])
    assert reports.height == len(found)
    assert reports.filter(reports["status"] != "parsed")["status_reason"].null_count() == 0
    status = dict(zip(reports["source_file"], reports["status"]))
    assert status["a/report.txt"] == status["b/report.html"] == "parsed"
    assert {status[n] for n in ("c/old.doc", "c/all.zip", "c/scan.png")} == {"unsupported_format"}
    for name in ("b/report.docx", "b/report.pdf", "b/scanned.pdf"):
        # Read by their reader where one is installed (and then unreadable: these are no documents).
        kind = kinds.by_name(name).name
        assert status[name] == ("unreadable" if kind in READERS else "unsupported_format")


def test_a_run_over_every_kind_publishes_one_row_a_file(tmp_path, capsys):
    from assets.cli import main
    from pipelines.warehouse import query

    raw = tmp_path / "raw"
    sample = (SAMPLES_DIR / SAMPLE).read_bytes()
    page = ("<html><head><meta charset='gbk'><title>赣州经开区党政办公室2020年政府信息公开工作年度报告</title></head><body>"
            "<div class='nav'>首页</div><pre>").encode("gbk") + sample.decode("utf-8").encode("gbk") + b"</pre></body></html>"
    files = {"a/report.txt": sample, "b/page.htm": page, "c/old.doc": OLE, "c/all.zip": _zip("a.txt"),
             "c/scan.png": b"\x89PNG\r\n\x1a\n" + bytes(64), "c/~$old.doc": b"lock", ".DS_Store": b"\x00"}
    for name, data in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--ephemeral"]) == 0
    reports = query(warehouse, "SELECT source_file, status, status_reason, year, agency FROM reports ORDER BY 1")
    assert reports["source_file"].to_list() == ["a/report.txt", "b/page.htm", "c/all.zip", "c/old.doc", "c/scan.png"]
    rows = {r["source_file"]: r for r in reports.iter_rows(named=True)}
    # The page is read from its text (its year and agency as the text file's), and filed under its year.
    assert rows["b/page.htm"]["status"] == "parsed" and rows["b/page.htm"]["year"] == rows["a/report.txt"]["year"]
    assert rows["b/page.htm"]["agency"] == rows["a/report.txt"]["agency"]
    assert {rows[n]["status"] for n in ("c/all.zip", "c/old.doc", "c/scan.png")} == {"unsupported_format"}
    assert "unpack it into the raw folder" in rows["c/all.zip"]["status_reason"]


def test_a_files_year_is_read_as_the_parse_reads_it():
    from pipelines.parse_all import year_of

    page = "<html><head><title>某局2021年政府信息公开工作年度报告</title></head><body><p>正文</p></body></html>"
    assert year_of(page.encode(), "raw/page.html") == parse_report(page.encode(), "page.html").year == 2021
    assert year_of(_zip("a.txt"), "raw/all.zip") is None and year_of(OLE, "raw/old.doc") is None
    assert year_of(b"", "raw/empty.html") is None
