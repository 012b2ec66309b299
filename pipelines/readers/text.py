"""Plain text (``.txt``, ``.md`` and the like): the decoded file's lines, each with its line number.

The text's tables stay text: the table encodings (pipelines/encodings) recognise them in the lines.
HTML tables inside the text (Markdown converters write a table with merged cells so) are read as the
HTML reader reads a page's tables: grids, whose rows stand among the lines in their place.
"""

from __future__ import annotations

from ..document import Document, DocLine, Origin
from ..text import decode
from .html import has_tables, text_with_tables


class TextReader:
    name = "text"
    suffixes = (".txt", ".text", ".md", ".markdown")

    def read(self, data: bytes) -> Document:
        decoded = decode(data)
        if has_tables(decoded.text):
            document = Document(self.name, encoding=decoded.encoding)
            text_with_tables(decoded.text, document)
            return document
        texts = decoded.lines
        return Document(self.name, list(map(DocLine, texts, line_origins(len(texts)))), encoding=decoded.encoding)


# Origins are frozen, and a report's lines are numbered 1, 2, 3, … as every other report's: the origins
# of line numbers are made once and shared (a text report has hundreds of lines, a run 10⁵ reports).
_LINE_ORIGINS: list[Origin] = []


def line_origins(n: int) -> list[Origin]:
    """Origin(line=1) … Origin(line=n)."""
    if len(_LINE_ORIGINS) < n:
        _LINE_ORIGINS.extend(Origin(line=k) for k in range(len(_LINE_ORIGINS) + 1, n + 1))
    return _LINE_ORIGINS[:n]


READER = TextReader()
