"""Readers, one module a format: bytes to a ``Document`` (pipelines/document.py).

A module here that defines ``READER`` (a ``Reader``) is found by name: adding a format is adding one
file. A reader raises ``pipelines.text.Unreadable`` with the reason a person can act on when the
bytes are not a document it can read (a scanned PDF, an encrypted one, a damaged archive).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Protocol

from ..document import Document

__all__ = ["READERS", "Reader", "reader_for"]


class Reader(Protocol):
    name: str  # as recorded: 'text', 'html', 'docx', 'pdf', …
    suffixes: tuple[str, ...]  # lower-case file name endings it reads, with the dot: ('.pdf',)

    def read(self, data: bytes) -> Document: ...


def _discover() -> dict[str, Reader]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "READER"):
            found[module.READER.name] = module.READER
    return found


READERS: dict[str, Reader] = _discover()


def reader_for(name: str) -> Reader | None:
    """The reader for a file name, by its ending; None for a kind gongkai does not read."""
    lower = name.lower()
    return next((r for r in READERS.values() for s in r.suffixes if lower.endswith(s)), None)
