"""Bytes to lines, and the normal form in which labels are compared."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


class Unreadable(Exception):
    """The bytes are not a text we can read; the message says why."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as recorded in reports.text_encoding

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


# Byte-order marks, longest first (the UTF-32-LE mark begins with the UTF-16-LE one), with the
# recorded encoding name and the codec that strips the mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Files that are not text at all, by their first bytes.
_MAGIC = (
    (b"%PDF", "a PDF file (its text must be extracted first)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file)"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (a .doc or .xls file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)
SNIFF = 4096  # bytes looked at to tell binary from text
MAX_CONTROL_SHARE = 0.05  # more control characters than this in a decoded text: not text
# A UTF-8 text with a few damaged bytes is still UTF-8: when at most this share of its non-ASCII
# characters cannot be decoded, they are replaced (and the count recorded) rather than the whole
# file being read as GB18030, which decodes almost any bytes into nonsense.
MAX_BAD_UTF8_SHARE = 0.02
UTF16_PLAIN_SHARE = 0.9  # UTF-16 without a byte-order mark must read as this much plain Chinese text


def decode(data: bytes) -> Decoded:
    """Decode a report file: UTF-8 (with or without BOM), UTF-16 and UTF-32 with BOM, UTF-16 without
    BOM when its NUL bytes give it away, else GB18030 (a superset of GBK and GB2312). Line ends
    (CRLF, CR) become LF. Raises Unreadable with the reason."""
    if not data.strip():
        raise Unreadable("empty file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise Unreadable(f"not a text file: {what}")
    bom = next(((name, codec) for mark, name, codec in _BOMS if data.startswith(mark)), None)
    if bom:
        name, codec = bom
        try:
            return _checked(data.decode(codec), name)
        except UnicodeDecodeError as e:
            raise Unreadable(f"undecodable bytes: {name} byte-order mark, but invalid {name} at byte {e.start}") from None
    if b"\x00" in data[:SNIFF]:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16
        raise Unreadable("binary file (NUL bytes and no UTF-16 byte-order mark)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    non_ascii = sum(1 for ch in lenient if ord(ch) > 127)
    if bad <= MAX_BAD_UTF8_SHARE * non_ascii:
        return _checked(lenient, f"utf-8 ({bad} undecodable sequences replaced)")
    try:
        return _checked(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError as e:
        raise Unreadable(f"undecodable bytes: neither UTF-8 nor GB18030 (invalid GB18030 at byte {e.start})") from None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a byte-order mark, in whichever byte order reads as Chinese text. The NUL bytes
    that sent us here come from ASCII characters (and CJK ones such as 开, U+5F00); the wrong byte
    order turns them into Bopomofo, Hangul and rare ideographs."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        share = _plain_share(text[:SNIFF])
        if share >= UTF16_PLAIN_SHARE and (best is None or share > best[0]):
            best = (share, name, text)
    return _checked(best[2], best[1]) if best else None


def _plain_share(text: str) -> float:
    """The share of characters a Chinese report is made of: ASCII, CJK ideographs and punctuation,
    full-width forms."""
    plain = sum(1 for ch in text if ch < "\x7f" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f")
    return plain / max(1, len(text))


def _checked(text: str, name: str) -> Decoded:
    if not text.strip():
        raise Unreadable(f"empty file (only a byte-order mark or whitespace, as {name})")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise Unreadable(f"binary file (decodes as {name} but is mostly control characters)")
    return Decoded(text.replace("\r\n", "\n").replace("\r", "\n"), name)


# Unicode category Cc (U+0000–U+001F, U+007F–U+009F) but tab, line feed, form feed and carriage
# return: one regex scan instead of a category lookup per character.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    sample = text[:SNIFF]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


# Quotes dropped one by one with str.replace (a search in C that finds most of them absent), and
# spaces by str.split, which splits at exactly the characters `\s` matches: together several times
# faster than one regex pass, and str.translate with a table, which looks up every character of a
# report's text in a dict, is slower still.
_QUOTES = "\"'“”‘’「」『』"
# Numbering in front of a label: 一、 （一） 1. 1、 (1) 第一 …
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十\d]+\)|\d+(?:[.、,](?!\d)|\s))+")


def normalise(text: str) -> str:
    """Width, brackets, quotes and spaces folded: the form in which labels are compared."""
    # Labels come back report after report. A whole text is normalised a few times while its report
    # is parsed (form version, then the status of a file without one), and never again.
    return _normalise_label(text) if len(text) <= _LABEL_LENGTH else _normalise_text(text)


_LABEL_LENGTH = 200


@lru_cache(maxsize=1 << 16)
def _normalise_label(text: str) -> str:
    return _normalise(text)


@lru_cache(maxsize=2)
def _normalise_text(text: str) -> str:
    return _fold(nfkc_text(text))


@lru_cache(maxsize=2)
def nfkc_text(text: str) -> str:
    """A whole text in NFKC, kept for the report being parsed: its metadata and its form version both
    read it so."""
    # Line by line, which is the same: a line break is a starter that nothing decomposes to and that
    # composes with nothing, so normalisation never reaches across one (UAX #15, stable code points).
    # Lines already in NFKC (most of a table's) then pass the quick check and are not rebuilt: about
    # two and a half times faster than normalising the whole text at once.
    return "\n".join([unicodedata.normalize("NFKC", line) for line in text.split("\n")])


def _normalise(text: str) -> str:
    return _fold(unicodedata.normalize("NFKC", text))


def _fold(text: str) -> str:
    """The rest of `normalise`, for a text already in NFKC."""
    text = "".join(text.replace("〔", "[").replace("〕", "]").replace("【", "[").replace("】", "]").split())
    for quote in _QUOTES:
        if quote in text:
            text = text.replace(quote, "")
    return text


def strip_numbering(label: str) -> str:
    """The label without its leading numbering, for an already normalised label."""
    return _NUMBERING.sub("", label)
