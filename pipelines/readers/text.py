"""Plain text (``.txt``, ``.md`` and the like): the decoded file's lines, each with its line number.

The text's tables stay text: the table encodings (pipelines/encodings) recognise them in the lines.
"""

from __future__ import annotations

from ..document import Document, DocLine, Origin
from ..text import decode


class TextReader:
    name = "text"
    suffixes = (".txt", ".text", ".md", ".markdown")

    def read(self, data: bytes) -> Document:
        decoded = decode(data)
        lines = [DocLine(text, Origin(line=n)) for n, text in enumerate(decoded.lines, 1)]
        return Document(self.name, lines, encoding=decoded.encoding)


READER = TextReader()
