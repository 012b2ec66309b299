"""Word (.docx): the main document part read straight from the ZIP with the standard library's
ElementTree — no python-docx or docx2python between the XML and the document (measured in
docs/benchmarks.md: several times faster than both, and faster than lxml on the same walk: lxml
parses quicker but makes a Python object of every element the walk visits).

What is read, in document order: the body's paragraphs and tables, also those inside content
controls (w:sdt) and custom XML, and the paragraphs of text boxes (after the paragraph holding
them; of a box written twice for old and new Word, mc:Fallback, only one copy). A paragraph's text
is its runs joined, so that a label split across runs by editing reads whole; tabs and breaks are
spaces. Left out, as they are not the report's text: deleted and moved-away text (w:del,
w:moveFrom), hidden text (w:vanish), field instructions, and the results of fields that only number
pages or list headings (PAGE, NUMPAGES, TOC, …); other fields keep their results (a hyperlink's
words). In a file with a field that never ends, no field's result is left out. Numbered paragraphs
begin with the number Word writes for them (word_numbering.py). Headers, footers, footnotes and
comments are not read: page furniture and notes, not the report.

Tables: a cell spanning columns (w:gridSpan, or the old w:hMerge) and rows (w:vMerge restart and
continue) becomes one DocCell with its spans; w:gridBefore leaves columns free at a row's start. A
table whose cells hold tables is layout: its cells are read as blocks, so its paragraphs are lines
and its inner tables tables of their own.

Origins: a paragraph is Origin(line=n), n its number among the paragraphs read as lines (1-based);
a cell is Origin(table=t, row=r, col=c): t counts every table in document order, a layout table too
and a nested one after the one that holds it, as Word's own navigation counts them; r the table's
row and c the column of the table's grid where the cell starts, both 1-based. A table row among the
lines has Origin(table=t, row=r).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from xml.etree import ElementTree as ET

from ..document import DocCell, DocLine, Document, Origin, Table
from ..text import Unreadable
from .word_numbering import Numbering

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file keeps its package in
MAX_PART_BYTES = 200 * 1024 * 1024  # a document part unpacking to more is refused (a ZIP bomb, not a report)
MAX_SPAN = 63  # Word's most columns a table: a damaged span is cut to it, not spread over a huge grid

TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
# What zipfile raises on a damaged archive: bad headers, bad data, unknown methods or versions,
# encrypted members, offsets out of range.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
              ValueError, OSError)

# Fields whose results number pages or list headings: text Word makes, not text of the report.
UNREAD_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF", "TOC", "INDEX"})


class _Tags:
    """The element names of one namespace (transitional or strict), made once."""

    def __init__(self, ns: str) -> None:
        w = f"{{{ns}}}"
        self.val = f"{w}val"
        self.p, self.r, self.t, self.tbl, self.tr, self.tc = (w + n for n in ("p", "r", "t", "tbl", "tr", "tc"))
        self.sdt, self.sdt_content, self.custom_xml = w + "sdt", w + "sdtContent", w + "customXml"
        self.tab, self.ptab, self.br, self.cr = w + "tab", w + "ptab", w + "br", w + "cr"
        self.no_break_hyphen = w + "noBreakHyphen"
        self.fld_char, self.fld_char_type, self.instr_text, self.fld_simple, self.instr = (
            w + "fldChar", w + "fldCharType", w + "instrText", w + "fldSimple", w + "instr")
        self.txbx_content, self.alt_chunk = w + "txbxContent", w + "altChunk"
        self.r_pr, self.vanish, self.tc_pr, self.tr_pr = w + "rPr", w + "vanish", w + "tcPr", w + "trPr"
        self.p_pr = w + "pPr"
        self.grid_span, self.v_merge, self.h_merge, self.grid_before = (
            w + "gridSpan", w + "vMerge", w + "hMerge", w + "gridBefore")
        # Subtrees with no text of the report: properties, deleted and moved-away text, the phonetic
        # guide over ruby text, old copies.
        self.skipped = frozenset({w + "pPr", w + "tblPr", w + "tblGrid", w + "sectPr", w + "del",
                                  w + "moveFrom", w + "sdtPr", w + "sdtEndPr", w + "delText",
                                  w + "delInstrText", w + "rt", MC + "Fallback"})
        self.blocks_within = frozenset({self.sdt, self.sdt_content, self.custom_xml, w + "ins", w + "moveTo"})


_TAGS = {ns: _Tags(ns) for ns in (TRANSITIONAL, STRICT)}


class _Field:
    __slots__ = ("instr", "in_result", "unread")

    def __init__(self) -> None:
        self.instr: list[str] = []
        self.in_result = False
        self.unread = False


def _field_kind(instr: str) -> str:
    words = instr.split()
    return words[0].upper() if words else ""


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _on(element: ET.Element | None, val: str) -> bool:
    """A toggle property (w:vanish, …) is on unless its w:val says off."""
    return element is not None and element.get(val, "true") not in ("0", "false", "off")


class _Reader:
    def __init__(self, tags: _Tags, numbering: Numbering | None = None, fields_hide: bool = True) -> None:
        self.w = tags
        self.numbering = numbering
        self.fields_hide = fields_hide  # off for a file whose fields do not end: their text is all shown
        self.lines: list[DocLine] = []
        self.tables: list[Table] = []
        self.paragraphs = 0
        self.table_number = 0
        self.fields: list[_Field] = []  # open complex fields: they may run across paragraphs
        self.boxes: list[ET.Element] = []  # text boxes met in the paragraph being read

    # --- blocks --------------------------------------------------------------------------------

    def children(self, element: ET.Element):
        """The block-level children, looking through content controls and custom XML."""
        for child in element:
            if child.tag in self.w.blocks_within:
                yield from self.children(child)
            else:
                yield child

    def blocks(self, container: ET.Element) -> None:
        w = self.w
        for child in self.children(container):
            if child.tag == w.p:
                self.paragraph(child)
            elif child.tag == w.tbl:
                self.table(child)
            elif child.tag == w.alt_chunk:
                # Word turns such a chunk into its own text only when it saves the file: until then
                # the text is in another format, and reading around it would lose it unsaid.
                raise Unreadable("the document holds content in another format (w:altChunk, e.g. HTML): "
                                 "open it in Word and save it as .docx")

    def number(self, p: ET.Element) -> list[str]:
        """The paragraph's text so far: the number Word writes before it, where it is numbered."""
        if self.numbering is None:
            return []
        label = self.numbering.label(p.find(self.w.p_pr))
        return [label] if label else []

    def paragraph(self, p: ET.Element) -> None:
        parts = self.number(p)
        self.runs(p, parts)
        self.paragraphs += 1
        self.lines.append(DocLine("".join(parts).strip(), Origin(line=self.paragraphs)))
        boxes, self.boxes = self.boxes, []
        for box in boxes:
            self.blocks(box)

    # --- text of runs ------------------------------------------------------------------------------

    def hidden(self) -> bool:
        return self.fields_hide and any(f.unread or not f.in_result for f in self.fields)

    def runs(self, element: ET.Element, parts: list[str]) -> None:
        w = self.w
        for child in element:
            tag = child.tag
            if tag == w.t:
                if not self.fields or not self.hidden():
                    parts.append(child.text or "")
            elif tag == w.r_pr:  # a run's properties come first in it: hidden text ends the run here
                if _on(child.find(w.vanish), w.val):
                    return
            elif tag in w.skipped:
                continue
            elif tag in (w.tab, w.ptab, w.br, w.cr):
                if not self.fields or not self.hidden():
                    parts.append(" ")
            elif tag == w.no_break_hyphen:
                parts.append("-")
            elif tag == w.fld_char:
                self.field_char(child.get(w.fld_char_type))
            elif tag == w.instr_text:
                if self.fields:
                    self.fields[-1].instr.append(child.text or "")
            elif tag == w.fld_simple:
                if _field_kind(child.get(w.instr, "")) not in UNREAD_FIELDS:
                    self.runs(child, parts)
            elif tag == w.txbx_content:
                self.boxes.append(child)
            else:  # hyperlinks, insertions, smart tags, content controls, drawings around text boxes
                self.runs(child, parts)

    def field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            top = self.fields[-1]
            top.in_result = True
            top.unread = _field_kind("".join(top.instr)) in UNREAD_FIELDS
        elif kind == "end" and self.fields:
            self.fields.pop()

    # --- tables ----------------------------------------------------------------------------------

    def table(self, tbl: ET.Element) -> None:
        w = self.w
        self.table_number += 1
        number = self.table_number
        rows = [tr for tr in self.children(tbl) if tr.tag == w.tr]
        grid = [[tc for tc in self.children(tr) if tc.tag == w.tc] for tr in rows]
        if any(child.tag == w.tbl for row in grid for tc in row for child in self.children(tc)):
            for row in grid:  # layout: what its cells hold is read as the document's own blocks
                for tc in row:
                    self.blocks(tc)
            return
        cells: list[DocCell] = []
        spanning: dict[int, DocCell] = {}  # grid column -> the cell a vMerge started there
        for r, (tr, tcs) in enumerate(zip(rows, grid)):
            col = min(MAX_SPAN, max(0, self.int_prop(tr.find(w.tr_pr), w.grid_before, 0)))
            last: DocCell | None = None
            for tc in tcs:
                props = tc.find(w.tc_pr)
                span = min(MAX_SPAN, max(1, self.int_prop(props, w.grid_span, 1)))
                v_merge = props.find(w.v_merge) if props is not None else None
                h_merge = props.find(w.h_merge) if props is not None else None
                text = self.cell_text(tc)
                above = spanning.get(col)
                if v_merge is not None and v_merge.get(w.val, "continue") == "continue" \
                        and above is not None and above.row + above.rowspan == r:
                    above.rowspan += 1
                    if text:  # Word shows a merged cell's text in its first cell: nothing is dropped
                        above.text = _squeeze(f"{above.text} {text}")
                    last = above
                elif h_merge is not None and h_merge.get(w.val, "continue") == "continue" and last is not None:
                    last.colspan += span
                    if text:
                        last.text = _squeeze(f"{last.text} {text}")
                else:
                    last = DocCell(text, r, col, 1, span, Origin(table=number, row=r + 1, col=col + 1))
                    cells.append(last)
                    if v_merge is not None:
                        spanning[col] = last
                    else:
                        spanning.pop(col, None)
                col += span
        index = len(self.tables)
        table = Table(cells)
        self.tables.append(table)
        written = table.written_rows()
        for r in range(len(rows)):  # every row of the source, those left empty too
            texts = [c.text for c in written[r]] if r < len(written) else []
            self.lines.append(DocLine("\t".join(texts), Origin(table=number, row=r + 1), table=index, row=r))

    def int_prop(self, props: ET.Element | None, tag: str, default: int) -> int:
        element = props.find(tag) if props is not None else None
        try:
            return int(element.get(self.w.val)) if element is not None else default
        except (TypeError, ValueError):
            return default

    def cell_text(self, tc: ET.Element) -> str:
        """The cell's paragraphs joined by spaces (a label wrapped into two paragraphs reads as one);
        text boxes in a cell are part of the cell."""
        texts = []
        for child in self.children(tc):
            if child.tag == self.w.p:
                parts = self.number(child)
                self.runs(child, parts)
                boxes, self.boxes = self.boxes, []
                for box in boxes:
                    parts.append(" " + self.cell_text(box))
                texts.append("".join(parts))
        return _squeeze(" ".join(texts))


# --- the package ---------------------------------------------------------------------------------


def _not_a_zip(data: bytes) -> str:
    """Why bytes named .docx are no Word file: what they are instead, where that can be told (sites
    serve web pages and RTF under a Word name), and what to do."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        return "not a .docx: an RTF file named .docx: open it in Word and save it as .docx"
    if head.startswith(b"mime-version") or b"multipart/related" in head:
        return "not a .docx: a web archive (MHT) named .docx: open it in Word and save it as .docx"
    if b"<html" in head or b"<!doctype html" in head:
        return "not a .docx: a web page (HTML) named .docx: rename it .html to have it read"
    if head.startswith(b"<?xml") and b"word" in head:
        return "not a .docx: Word XML (a single .xml file) named .docx: open it in Word and save it as .docx"
    return "damaged .docx: not a ZIP archive"


def _open(data: bytes) -> zipfile.ZipFile:
    if not data.strip():
        raise Unreadable("empty file")
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise Unreadable("encrypted .docx (password-protected): save it without a password to have it read")
        raise Unreadable("not a .docx: an OLE compound file, as Word 97–2003 (.doc) writes: save it as .docx")
    if not data.startswith(b"PK"):
        raise Unreadable(_not_a_zip(data))
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as e:
        raise Unreadable(f"damaged .docx: {e}") from None


def _targets(archive: zipfile.ZipFile, part: str = "") -> dict[str, str]:
    """The relationships of the package (or of one of its parts) by type, the last word of the type's
    URI: where the main document and the core properties are, where the document's numbering and
    styles are. Targets are relative to the part's folder."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels") if part else "_rels/.rels"
    try:
        root = ET.fromstring(archive.read(rels))
    except (KeyError, ET.ParseError, *ZIP_ERRORS):  # the parts' usual names are tried
        return {}
    targets = {}
    for rel in root.iter(REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Type", "").rsplit("/", 1)[-1]] = posixpath.normpath(path)
    return targets


def _part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise Unreadable(f"refused: {name} unpacks to {info.file_size} bytes (over {MAX_PART_BYTES})")
    try:
        return archive.read(info)
    except ZIP_ERRORS as e:
        raise Unreadable(f"damaged .docx: {name} cannot be unpacked ({e})") from None


def _xml(data: bytes, name: str) -> ET.Element:
    # OOXML has no DTD: one is refused unread, and with it every entity trick on an untrusted file.
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise Unreadable(f"damaged .docx: {name} declares a DTD")
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise Unreadable(f"damaged .docx: {name} is not well-formed XML ({e})") from None


def _optional(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    """A part the text does not need whole (properties, numbering, styles): a damaged one costs what
    it adds (the title, the numbers of numbered paragraphs), not the document."""
    try:
        data = _part(archive, name)
        return _xml(data, name) if data is not None else None
    except Unreadable:
        return None


def _title(archive: zipfile.ZipFile, targets: dict[str, str]) -> str | None:
    core = _optional(archive, targets.get("core-properties", "docProps/core.xml"))
    element = core.find(DC_TITLE) if core is not None else None
    return (_squeeze(element.text or "") or None) if element is not None else None


def _numbering(archive: zipfile.ZipFile, main: str, ns: str) -> Numbering | None:
    targets = _targets(archive, main)
    folder = posixpath.dirname(main)
    numbering = _optional(archive, targets.get("numbering", posixpath.join(folder, "numbering.xml")))
    if numbering is None:
        return None
    styles = _optional(archive, targets.get("styles", posixpath.join(folder, "styles.xml")))
    return Numbering(numbering, styles, f"{{{ns}}}")


class DocxReader:
    name = "docx"
    suffixes = (".docx",)

    def read(self, data: bytes) -> Document:
        archive = _open(data)
        targets = _targets(archive)
        main = targets.get("officeDocument", "word/document.xml")
        xml = _part(archive, main)
        if xml is None:
            raise Unreadable(f"not a Word document: the archive has no {main}")
        root = _xml(xml, main)
        ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        tags = _TAGS.get(ns)
        if tags is None or root.tag != f"{{{ns}}}document":
            raise Unreadable(f"not a Word document: {main} holds <{root.tag}>")
        body = root.find(f"{{{ns}}}body")
        reader = _Reader(tags, _numbering(archive, main, ns))
        if body is not None:
            try:
                reader.blocks(body)
                if reader.fields:
                    # A field that never ends would hide all the text after it: in a damaged file the
                    # fields are not trusted, and only their instructions are left out.
                    reader = _Reader(tags, _numbering(archive, main, ns), fields_hide=False)
                    reader.blocks(body)
            except RecursionError:
                raise Unreadable(f"damaged .docx: {main} nests its elements too deep to read") from None
        return Document(self.name, reader.lines, reader.tables, title=_title(archive, targets))


READER = DocxReader()
