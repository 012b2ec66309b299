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
        lines = [DocLine(text, Origin(line=n)) for n, text in enumerate(decoded.lines, 1)]
        return Document(self.name, lines, encoding=decoded.encoding)


READER = TextReader()
