"""HTML pages (``.html``/``.htm``): ``<table>`` rows of ``<td>``/``<th>`` cells.

A cell merged down over rows (``rowspan``) appears once, in its first row, as the form's group labels
do; a cell merged across columns (``colspan``) is one cell that knows how many columns it covers, so
the interpreter can place the cells around it exactly. ``&nbsp;`` and empty cells are blank cells.
Each cell keeps the line of the decoded file its text starts on. Text outside the tables is kept
as rows marked outside the table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html import unescape
from html.parser import HTMLParser
from itertools import accumulate

from .base import Line, RawCell, RawRow
from .spaced_text import line_cells

_CELL_TAG = re.compile(r"<t[dh][\s>]", re.I)
# Tags that break text into separate blocks, outside tables and (as a space) inside a cell.
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "caption"}
_SKIPPED = {"script", "style", "head", "title"}


def _squeeze(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (str.split and the regex \\s agree on what
    whitespace is)."""
    return " ".join(text.split())


class _Reader(HTMLParser):
    """Rows of cells from the events of an HTML parser. Tag names arrive lowercased; where a piece
    starts is kept as its offset in the text."""

    def __init__(self, lines: list[Line]):
        super().__init__(convert_charrefs=True)
        self.line_of = [n for n, _ in lines]  # line of the text (0-based) -> line of the decoded file
        self.line_starts = list(accumulate((len(t) + 1 for _, t in lines[:-1]), initial=0))
        self.rows: list[RawRow] = []
        self.tables = 0  # depth of open <table> elements
        self.skipping = 0
        self.row: RawRow | None = None
        # The open cell: its pieces of text (None when no cell is open), where its tag stood, how many
        # columns it covers, and its first piece of text that is not blank and where that starts. The
        # cell's line is worked out once, when it ends, from that piece or (a blank cell) from the tag.
        self.cell: list[str] | None = None
        self.cell_at = 0
        self.cell_span = 1
        self.cell_text = ""
        self.cell_text_at: int | None = None
        self.loose: list[str] = []  # text outside tables since the last block boundary
        self.loose_at: int | None = None  # where the first of them starts

    def _position(self) -> int:
        """Where the piece being read starts: its offset in the text."""
        lineno, column = self.getpos()
        return self.line_starts[lineno - 1] + column

    def _line(self, offset: int, data: str = "") -> int:
        index = bisect_right(self.line_starts, offset) - 1
        if data[:1].isspace():  # the text starts after the newlines that lead the data
            index += data[:len(data) - len(data.lstrip())].count("\n")
        return self.line_of[min(index, len(self.line_of) - 1)]

    def handle_starttag(self, tag, attrs):
        opener = _OPENERS.get(tag)
        if opener is not None:
            opener(self, attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED:
            self.skipping -= 1

    def handle_endtag(self, tag):
        closer = _CLOSERS.get(tag)
        if closer is not None:
            closer(self)

    # What each start tag does (attributes matter to a cell only).

    def _skip(self, attrs):
        self.skipping += 1

    def _open_table(self, attrs):
        self._flush_loose()
        self.tables += 1

    def _enter_table(self):
        # A section can start inside a table whose <table> tag came before its heading.
        self._flush_loose()
        self.tables = 1

    def _open_row(self, attrs):
        if not self.tables:
            self._enter_table()
        self._end_row()
        self.row = []

    def _open_cell(self, attrs):
        if not self.tables:
            self._enter_table()
        if self.cell is not None:
            self._end_cell()
        if self.row is None:
            self.row = []
        self.cell, self.cell_at, self.cell_span = [], self._position(), _colspan(attrs)
        self.cell_text_at = None

    def _open_block(self, attrs):
        if self.cell is not None:
            self.cell.append(" ")
        elif not self.tables:
            self._flush_loose()

    # What each end tag does.

    def _unskip(self):
        self.skipping = max(0, self.skipping - 1)

    def _close_table(self):
        if self.tables:
            self._end_row()
            self.tables -= 1

    def _close_block(self):
        if self.cell is None and not self.tables:
            self._flush_loose()

    def handle_data(self, data):
        if self.skipping:
            return
        cell = self.cell
        if cell is not None:
            if self.cell_text_at is None and data.strip():
                self.cell_text, self.cell_text_at = data, self._position()
            cell.append(data)
        elif not self.tables and data.strip():
            if self.loose_at is None:
                self.loose_at = self._position()
            self.loose.append(data)

    def _end_cell(self):
        parts = self.cell
        if parts is None:
            return
        text = _squeeze(parts[0] if len(parts) == 1 else "".join(parts))
        if self.row is not None:
            if self.cell_text_at is None:
                line = self._line(self.cell_at)
            else:
                line = self._line(self.cell_text_at, self.cell_text)
            self.row.append(RawCell(text, line, span=self.cell_span))
        self.cell = None

    def _end_row(self):
        if self.cell is not None:
            self._end_cell()
        if self.row:
            self.rows.append(self.row)
        self.row = None

    def _flush_loose(self):
        text = _squeeze("".join(self.loose))
        if text:
            line = self._line(self.loose_at, self.loose[0])
            self.rows.append(line_cells(line, text, outside_table=True))
        self.loose, self.loose_at = [], None

    def close(self):
        super().close()
        self._end_row()
        self._flush_loose()


_OPENERS = {"table": _Reader._open_table, "tr": _Reader._open_row, "td": _Reader._open_cell,
            "th": _Reader._open_cell, **dict.fromkeys(_BLOCKS, _Reader._open_block),
            **dict.fromkeys(_SKIPPED, _Reader._skip)}
_CLOSERS = {"table": _Reader._close_table, "tr": _Reader._end_row, "td": _Reader._end_cell,
            "th": _Reader._end_cell, **dict.fromkeys(_BLOCKS, _Reader._close_block),
            **dict.fromkeys(_SKIPPED, _Reader._unskip)}

_LEADING_DIGITS = re.compile(r"\s*(\d+)")


def _colspan(attrs: list[tuple[str, str | None]]) -> int:
    if not attrs:
        return 1
    text = dict(attrs).get("colspan") or "1"
    digits = _LEADING_DIGITS.match(text)
    return max(1, int(digits.group(1))) if digits else 1


# The standard library's HTMLParser is pure Python and was most of an HTML report's parse. Pages made of
# plain tags (no comments, scripts, declarations inside the section, or stray "<") are cut by one regex
# into tags and the text between them, and handed to the same reader as the same events; anything else
# goes through HTMLParser itself.
_TAG = (r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
        r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*)\s*(/?)>""")
# One token a match: a whole tag (with its parts) or a run of text. Nothing but plain tags and text
# when the tokens cover the text end to end.
_TOKEN = re.compile(f"({_TAG}|[^<]+)")
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+)))?""")


class _PlainReader(_Reader):
    """The reader fed by the regex, which says where each piece starts."""

    offset = 0

    def _position(self) -> int:
        return self.offset


def _read_plain(lines: list[Line], text: str) -> list[RawRow] | None:
    """The rows of `text` read as HTMLParser would, if it is plain tags and text; None otherwise."""
    reader = _PlainReader(lines)
    offset = 0
    # findall, not finditer: tuples are much cheaper to make than match objects; offsets are summed.
    for token, closing, tag, attrs, self_closing in _TOKEN.findall(text):
        reader.offset = offset
        offset += len(token)
        if not tag:
            reader.handle_data(unescape(token) if "&" in token else token)
            continue
        tag = tag.lower()
        if closing:
            closer = _CLOSERS.get(tag)
            if closer is not None:
                closer(reader)
        elif tag in _OPENERS:
            # Only a cell's attributes (its colspan) are read.
            pairs = _attrs(attrs) if attrs and tag in ("td", "th") else []
            if self_closing:
                reader.handle_startendtag(tag, pairs)
            else:
                _OPENERS[tag](reader, pairs)
    if offset != len(text):  # the tokens skipped a "<" that opens no plain tag
        return None
    reader._end_row()
    reader._flush_loose()
    return reader.rows


def _attrs(body: str) -> list[tuple[str, str | None]]:
    return [(a.group(1).lower(), _attr_value(a)) for a in _ATTR.finditer(body)]


def _attr_value(m: re.Match) -> str | None:
    value = next((v for v in m.group(2, 3, 4) if v is not None), None)
    return unescape(value) if value and "&" in value else value


class HtmlTables:
    name = "html_tables"

    def score(self, lines: list[Line]) -> float:
        # Table cell markup is unambiguous: no other encoding explains a section that has it. Two cell
        # tags decide it, wherever they are: the search stops at the second.
        cells = _CELL_TAG.finditer("\n".join(t for _, t in lines))
        return 1.0 if next(cells, None) and next(cells, None) else 0.0

    def rows(self, lines: list[Line]) -> list[RawRow]:
        if not lines:
            return []
        text = "\n".join(t for _, t in lines)
        rows = _read_plain(lines, text)
        if rows is None:
            reader = _Reader(lines)
            reader.feed(text)
            reader.close()
            rows = reader.rows
        return rows


ENCODING = HtmlTables()
