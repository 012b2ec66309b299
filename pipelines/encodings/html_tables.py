"""HTML pages (``.html``/``.htm``): ``<table>`` rows of ``<td>``/``<th>`` cells.

A cell merged down over rows (``rowspan``) appears once, in its first row, as the form's group labels
do; a cell merged across columns (``colspan``) is one cell that knows how many columns it covers, so
the interpreter can place the cells around it exactly. ``&nbsp;`` and empty cells are blank cells.
Each cell keeps the line of the decoded file its text starts on. Text outside the tables is kept
as rows marked outside the table.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from .base import Line, RawCell, RawRow
from .spaced_text import line_cells

_CELL_TAG = re.compile(r"<t[dh][\s>]", re.I)
_SPACE = re.compile(r"\s+")
# Tags that break text into separate blocks, outside tables and (as a space) inside a cell.
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "caption"}
_SKIPPED = {"script", "style", "head", "title"}


class _Reader(HTMLParser):
    def __init__(self, line_of: list[int]):
        super().__init__(convert_charrefs=True)
        self.line_of = line_of  # parser line (1-based) -> line of the decoded file
        self.rows: list[RawRow] = []
        self.tables = 0  # depth of open <table> elements
        self.skipping = 0
        self.row: RawRow | None = None
        self.cell: dict | None = None  # text parts, first line with text, line of the tag, span
        self.loose: list[str] = []  # text outside tables since the last block boundary
        self.loose_line: int | None = None

    def _line(self, data: str = "") -> int:
        lineno, _ = self.getpos()
        # The text starts after the newlines that lead the data.
        lead = len(data) - len(data.lstrip())
        lineno += data[:lead].count("\n")
        return self.line_of[min(lineno, len(self.line_of)) - 1]

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "table":
            self._flush_loose()
            self.tables += 1
        elif tag in ("tr", "td", "th"):
            # A section can start inside a table whose <table> tag came before its heading.
            if not self.tables:
                self._flush_loose()
                self.tables = 1
            if tag == "tr":
                self._end_row()
                self.row = []
                return
            self._end_cell()
            if self.row is None:
                self.row = []
            span = dict(attrs).get("colspan") or "1"
            self.cell = {"parts": [], "line": None, "tag_line": self._line(), "span": _int(span)}
        elif tag in _BLOCKS:
            if self.cell is not None:
                self.cell["parts"].append(" ")
            elif not self.tables:
                self._flush_loose()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() in _SKIPPED:
            self.skipping -= 1

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table" and self.tables:
            self._end_row()
            self.tables -= 1
        elif tag in _BLOCKS and self.cell is None and not self.tables:
            self._flush_loose()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.cell is not None:
            if self.cell["line"] is None and data.strip():
                self.cell["line"] = self._line(data)
            self.cell["parts"].append(data)
        elif not self.tables and data.strip():
            if self.loose_line is None:
                self.loose_line = self._line(data)
            self.loose.append(data)

    def _end_cell(self):
        if self.cell is None:
            return
        text = _SPACE.sub(" ", "".join(self.cell["parts"])).strip()
        line = self.cell["line"] or self.cell["tag_line"]
        if self.row is not None:
            self.row.append(RawCell(text, line, span=self.cell["span"]))
        self.cell = None

    def _end_row(self):
        self._end_cell()
        if self.row:
            self.rows.append(self.row)
        self.row = None

    def _flush_loose(self):
        text = _SPACE.sub(" ", "".join(self.loose)).strip()
        if text:
            self.rows.append(line_cells(self.loose_line, text, outside_table=True))
        self.loose, self.loose_line = [], None

    def close(self):
        super().close()
        self._end_row()
        self._flush_loose()


_LEADING_DIGITS = re.compile(r"\s*(\d+)")


def _int(text: str) -> int:
    digits = _LEADING_DIGITS.match(text)
    return max(1, int(digits.group(1))) if digits else 1


# The standard library's HTMLParser is pure Python and was most of an HTML report's parse. Pages made of
# plain tags (no comments, scripts, declarations inside the section, or stray "<") are cut by one regex
# into the same events, with the same line numbers, and handed to the same reader; anything else goes
# through HTMLParser itself.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
                  r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*)\s*(/?)>""")
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+)))?""")


def _feed_plain(reader: _Reader, text: str) -> bool:
    """Feed `text` to the reader as HTMLParser would, if it is plain tags and text; False (and nothing
    fed) otherwise."""
    tags = list(_TAG.finditer(text))
    if text.count("<") != len(tags):
        return False
    events = []
    pos = 0
    line = 1
    for m in tags:
        if m.start() > pos:
            events.append((line, None, text[pos:m.start()], None, False))
            line += text.count("\n", pos, m.start())
        events.append((line, m.group(2).lower(), m.group(3), m.group(1) == "/", m.group(4) == "/"))
        line += text.count("\n", m.start(), m.end())
        pos = m.end()
    if pos < len(text):
        events.append((line, None, text[pos:], None, False))
    for line, tag, body, closing, self_closing in events:
        reader.lineno = line
        if tag is None:
            reader.handle_data(unescape(body) if "&" in body else body)
        elif closing:
            reader.handle_endtag(tag)
        else:
            attrs = [(a.group(1).lower(), _attr_value(a)) for a in _ATTR.finditer(body)] if body else []
            (reader.handle_startendtag if self_closing else reader.handle_starttag)(tag, attrs)
    reader._end_row()
    reader._flush_loose()
    return True


def _attr_value(m: re.Match) -> str | None:
    value = next((v for v in m.group(2, 3, 4) if v is not None), None)
    return unescape(value) if value and "&" in value else value


class HtmlTables:
    name = "html_tables"

    def score(self, lines: list[Line]) -> float:
        # Table cell markup is unambiguous: no other encoding explains a section that has it.
        return 1.0 if len(_CELL_TAG.findall("\n".join(t for _, t in lines))) >= 2 else 0.0

    def rows(self, lines: list[Line]) -> list[RawRow]:
        if not lines:
            return []
        reader = _Reader([n for n, _ in lines])
        text = "\n".join(t for _, t in lines)
        if not _feed_plain(reader, text):
            reader.feed(text)
            reader.close()
        return reader.rows


ENCODING = HtmlTables()
