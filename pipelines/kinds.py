"""What kind of file a raw file is, by its name and by its first bytes, and what a person can do with
a kind gongkai does not read.

The name's ending says what the file claims to be; the first bytes (magic numbers, the names inside a
ZIP container, the opening of an HTML page) say what it is. Where they disagree the bytes win and the
report says so: a ``.pdf`` that is a saved web page is read as HTML.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .readers import reader_for


@dataclass(frozen=True)
class Kind:
    name: str  # a reader's name ('text', 'html', 'docx', 'pdf') or a kind no reader reads ('doc', 'zip', …)
    what: str  # as a person calls it, for reasons: "Word 97–2003 document (.doc)"
    advice: str = ""  # what to do when gongkai has no reader for it


# Kinds by file-name ending (lower case). Readers' own kinds need no advice.
_BY_SUFFIX: dict[str, Kind] = {}


def _add(suffixes: str, name: str, what: str, advice: str = "") -> None:
    for suffix in suffixes.split():
        _BY_SUFFIX[suffix] = Kind(name, what.format(suffix=suffix), advice)


_SAVE_AS = "save it as .docx (or PDF) and put that in the raw folder"
_add(".txt .text .md .markdown", "text", "text file ({suffix})")
_add(".html .htm .xhtml .shtml", "html", "web page ({suffix})")
_add(".pdf", "pdf", "PDF document (.pdf)", "no PDF reader is installed; save the report as .html or .txt")
_add(".docx", "docx", "Word document (.docx)", "no DOCX reader is installed; save the report as .html or .txt")
_add(".doc .dot", "doc", "Word 97–2003 document ({suffix})", _SAVE_AS)
_add(".wps .wpt", "wps", "WPS Writer document ({suffix})", _SAVE_AS)
_add(".rtf", "rtf", "RTF document (.rtf)", _SAVE_AS)
_add(".odt", "odt", "OpenDocument text (.odt)", _SAVE_AS)
_add(".mht .mhtml", "mht", "web archive ({suffix})", "save the page as a web page (.html, HTML only)")
_add(".ofd", "ofd", "OFD document (.ofd)", "export it as PDF (e.g. with the OFD reader that opened it)")
_add(".et .ett .xls .xlsx .xlsm .ods .csv", "spreadsheet", "spreadsheet ({suffix})",
     "an annual report is read from the report itself: put its .docx, PDF or web page in the raw folder")
_add(".ppt .pptx .dps .odp", "presentation", "presentation ({suffix})",
     "an annual report is read from the report itself: put its .docx, PDF or web page in the raw folder")
_add(".png .jpg .jpeg .gif .bmp .tif .tiff .webp", "image", "image ({suffix})",
     "a picture of a report has no text (OCR is not part of gongkai): find the report as PDF, Word or a web page")
_add(".zip .rar .7z .tar .gz .tgz .bz2 .xz", "archive", "archive ({suffix})",
     "unpack it into the raw folder: the files inside are read one by one")

UNKNOWN_ADVICE = "gongkai reads .txt, .md, .html/.htm{more}: save the report in one of them"

# The first bytes of kinds that are not text, longest-known first.
_MAGIC = (
    (b"%PDF", Kind("pdf", "PDF document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind("doc", "OLE document (Word 97–2003, Excel 97–2003 or WPS)", _SAVE_AS)),
    (b"\x89PNG", _BY_SUFFIX[".png"]),
    (b"\xff\xd8\xff", _BY_SUFFIX[".jpg"]),
    (b"GIF8", _BY_SUFFIX[".gif"]),
    (b"II*\x00", _BY_SUFFIX[".tif"]),
    (b"MM\x00*", _BY_SUFFIX[".tif"]),
    (b"{\\rtf", _BY_SUFFIX[".rtf"]),
    (b"Rar!\x1a\x07", _BY_SUFFIX[".rar"]),
    (b"7z\xbc\xaf\x27\x1c", _BY_SUFFIX[".7z"]),
    (b"\x1f\x8b", _BY_SUFFIX[".gz"]),
)
_ZIP = b"PK\x03\x04"
# A page, whatever its name: a doctype or a root element at the start (after a BOM and whitespace).
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)


def by_name(name: str) -> Kind | None:
    """The kind a file name claims, by its ending (a reader's own endings first); None for an ending
    no kind has."""
    reader = reader_for(name)
    lower = name.lower()
    dot = lower.rfind(".")
    known = _BY_SUFFIX.get(lower[dot:]) if dot > lower.rfind("/") else None
    if reader is not None and (known is None or known.name != reader.name):
        return Kind(reader.name, f"{reader.name} file ({lower[dot:]})")
    return known


def by_bytes(data: bytes) -> Kind | None:
    """The kind the first bytes show, where they show one; None for text and anything unknown."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if _HTML_START.match(data[:1024]):
        return _BY_SUFFIX[".html"]
    return None


def _zip_kind(data: bytes) -> Kind:
    """A ZIP container: an Office Open XML or OpenDocument file, or an archive."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _BY_SUFFIX[".zip"]
    if "word/document.xml" in names:
        return _BY_SUFFIX[".docx"]
    if any(n.startswith("xl/") for n in names):
        return _BY_SUFFIX[".xlsx"]
    if any(n.startswith("ppt/") for n in names):
        return _BY_SUFFIX[".pptx"]
    if "content.xml" in names and "mimetype" in names:
        return _BY_SUFFIX[".odt"]
    return _BY_SUFFIX[".zip"]


# Containers several kinds share: where the bytes show the container, the name tells which kind it is
# (an .xls is an OLE file as a .doc is; a damaged .docx is still a ZIP), and the name is trusted.
_SHARED = {"doc": {"doc", "wps", "spreadsheet", "presentation"},
           "archive": {"docx", "spreadsheet", "presentation", "odt", "ofd", "archive"}}


def of_file(name: str, data: bytes) -> tuple[Kind | None, str | None]:
    """The file's kind, and a note where its bytes overrule its name ("read as a web page: …")."""
    claimed, shown = by_name(name), by_bytes(data)
    if shown is None or (claimed is not None and (shown.name == claimed.name
                                                  or claimed.name in _SHARED.get(shown.name, ()))):
        return claimed, None
    ending = claimed.what if claimed else "a name with no known ending"
    what = re.sub(r" \(\.\w+\)$", "", shown.what)  # the kind the bytes show has no ending of its own
    return shown, f"read as {_article(what)}: its bytes are one, though it is named as {_article(ending)}"


def _article(what: str) -> str:
    return ("an " if what[:1].lower() in "aeiou" else "a ") + what


def unsupported_reason(kind: Kind | None, name: str, readable: list[str]) -> str:
    """The reason recorded for a file no reader reads: its kind and what to do."""
    if kind is None:
        dot = name.rfind(".")
        ending = name[dot:] if dot > name.rfind("/") else "(no ending)"
        more = "".join(f", {s}" for s in readable)
        return f"a kind gongkai does not read: {ending}; " + UNKNOWN_ADVICE.format(more=more)
    return f"{kind.what}: {kind.advice}"
