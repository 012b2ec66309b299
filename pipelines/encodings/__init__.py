"""Table encodings, one module each.

A module here that defines ``ENCODING`` (a TableEncoding) is found by name: adding a new encoding is
adding one file. Each section of a report is read by whichever encoding explains its lines best, so a
report may mix encodings. An encoding reads a section's lines of the report's Document (its text in
reading order) and, for the tables a reader found as grids, the Document itself.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..document import Document
from .base import Line, RawCell, RawRow, TableEncoding

__all__ = ["ENCODINGS", "Line", "RawCell", "RawRow", "TableEncoding", "detect"]

MIN_SCORE = 0.3


def _discover() -> dict[str, TableEncoding]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "base":
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "ENCODING"):
                found[module.ENCODING.name] = module.ENCODING
    return found


ENCODINGS: dict[str, TableEncoding] = _discover()


def detect(lines: list[Line], document: Document | None = None) -> TableEncoding | None:
    """The encoding that explains these lines (of `document`) best, or None when none explains enough
    of them. Of equal scores the first found (by module name) wins. An encoding recorded by the
    document's format (grid_tables as html_tables, docx_tables, …) comes back so named."""
    best_score, best = -1.0, None
    for enc in ENCODINGS.values():
        score = enc.score(lines, document)
        if score > best_score:
            best_score, best = score, enc
        # Scores are at most 1 and ties go to the encoding scored first: nothing after a perfect score
        # can win, and scoring every section with every encoding was a large share of a parse.
        if best_score >= 1.0:
            break
    if best_score < MIN_SCORE:
        return None
    for_document = getattr(best, "for_document", None)
    return for_document(document) if for_document else best
