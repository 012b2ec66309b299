"""Bytes to lines, and the normal form in which labels are compared."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass


class Unreadable(Exception):
    """The bytes are not a text we can read; the message says why."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


# Recorded encoding name -> (byte-order mark, codec that strips it).
_BOMS = {
    "utf-8-sig": (codecs.BOM_UTF8, "utf-8-sig"),
    "utf-16-le": (codecs.BOM_UTF16_LE, "utf-16"),
    "utf-16-be": (codecs.BOM_UTF16_BE, "utf-16"),
}


def decode(data: bytes) -> Decoded:
    """Decode a report file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset
    of GBK and GB2312). Line ends become LF. Raises Unreadable with the reason."""
    if not data.strip():
        raise Unreadable("empty file")
    bom = next((name for name, (mark, _) in _BOMS.items() if data.startswith(mark)), None)
    candidates = [bom] if bom else ["utf-8", "gb18030"]
    if bom is None and b"\x00" in data[:4096]:
        raise Unreadable("binary file (NUL bytes and no UTF-16 byte-order mark)")
    for name in candidates:
        try:
            text = data.decode(_BOMS[name][1] if name in _BOMS else name)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.05:
            raise Unreadable(f"binary file (decodes as {name} but is mostly control characters)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return Decoded(text, name)
    raise Unreadable(f"undecodable bytes (tried {', '.join(candidates)})")


def _control_share(text: str) -> float:
    sample = text[:4096]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return bad / max(1, len(sample))


_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_SPACE = re.compile(r"\s+")
# Numbering in front of a label: 一、 （一） 1. 1、 (1) 第一 …
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十\d]+\)|\d+(?:[.、,](?!\d)|\s))+")


def normalise(text: str) -> str:
    """Width, brackets, quotes and spaces folded: the form in which labels are compared."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("〔", "[").replace("〕", "]").replace("【", "[").replace("】", "]")
    return _SPACE.sub("", text.translate(_QUOTES))


def strip_numbering(label: str) -> str:
    """The label without its leading numbering, for an already normalised label."""
    return _NUMBERING.sub("", label)
