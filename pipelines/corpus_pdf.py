"""PDF renderings of the synthetic corpus (`gongkai generate`): a report's headings, prose and tables laid
out on A4 pages with reportlab, as government offices publish them.

Two layouts: `ruled` draws every table as a grid of rules (a row's first cell spans the columns its row
leaves over; header words and long labels wrap inside their cells, as "商业企" over "业"); `unruled`
sets a table's rows as lines, the labels at the left and the numbers in columns, with no rules (the
text a PDF without table borders gives). Tables run on across page breaks, and every page has its
number at the foot ("- 3 -").

The text is set in WenQuanYi Micro Hei, embedded (subset), as real reports embed their fonts; `font
="cid"` sets it in reportlab's STSong-Light instead, a CID font that is never embedded (readers must
then map the character codes themselves).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

Table = list[list[str]]
Block = tuple[str, "str | Table"]  # (heading or "", a paragraph or a table)

WIDTH, HEIGHT = A4
MARGIN = 72.0
BODY = 11.0  # points: prose
CELL = 8.0  # points: table text
PAD = 3.0  # inside a ruled cell
LEADING = 1.45  # line height, times the font size
LABEL_SHARE = 0.45  # of the table's width, for the label columns of a row with numbers


@lru_cache(maxsize=2)
def font(kind: str = "embedded") -> str:
    """The registered name of the font to set text in."""
    if kind == "cid":
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"
    import paperang_p2_fonts_cjk
    from reportlab.pdfbase.ttfonts import TTFont

    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    pdfmetrics.registerFont(TTFont("WenQuanYiMicroHei", str(path), subfontIndex=0))
    return "WenQuanYiMicroHei"


def _is_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and not any("\u4e00" <= ch <= "\u9fff" for ch in text.replace("万元", ""))


def _wrap(text: str, width: float, face: str, size: float) -> list[str]:
    """Lines of at most `width` points: Chinese breaks between any two characters, a run of Latin
    letters and digits never (it overflows rather than be split)."""
    pieces: list[str] = []
    for ch in text:
        if pieces and ch.isascii() and not ch.isspace() and pieces[-1][-1:].isascii() and not pieces[-1][-1:].isspace():
            pieces[-1] += ch
        else:
            pieces.append(ch)
    lines, line = [], ""
    for piece in pieces:
        if line and pdfmetrics.stringWidth(line + piece, face, size) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class _Pages:
    """A canvas with a cursor going down the page, turning pages and numbering them."""

    def __init__(self, face: str):
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1)
        self.face = face
        self.page = 1
        self.y = HEIGHT - MARGIN

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.turn()

    def turn(self) -> None:
        self.canvas.setFont(self.face, 10)
        self.canvas.drawCentredString(WIDTH / 2, MARGIN / 2, f"- {self.page} -")
        self.canvas.showPage()
        self.page += 1
        self.y = HEIGHT - MARGIN

    def text(self, x: float, y: float, text: str, size: float) -> None:
        self.canvas.setFont(self.face, size)
        self.canvas.drawString(x, y, text)

    def paragraph(self, text: str, size: float = BODY, indent: float = 0.0) -> None:
        for line in _wrap(text, WIDTH - 2 * MARGIN - indent, self.face, size):
            self.room(size * LEADING)
            self.y -= size * LEADING
            self.text(MARGIN + indent, self.y + size * 0.25, line, size)

    def close(self) -> bytes:
        self.turn()
        self.canvas.save()
        return self.buffer.getvalue()


def _numbers(row: list[str]) -> int:
    """How many cells the row ends in that are numbers."""
    n = len(row)
    while n and _is_number(row[n - 1]):
        n -= 1
    return len(row) - n


def _ruled(pages: _Pages, table: Table) -> None:
    """A grid of rules: the label columns share LABEL_SHARE of the width, the number columns the rest."""
    width = WIDTH - 2 * MARGIN
    n_numbers = max(_numbers(row) for row in table)
    n_cols = max(max(len(r) for r in table), n_numbers + 1)
    n_labels = n_cols - n_numbers
    label_w = width * LABEL_SHARE / max(1, n_labels) if n_numbers else width / n_cols
    number_w = (width - label_w * n_labels) / n_numbers if n_numbers else 0.0
    xs = [MARGIN + label_w * i for i in range(n_labels)] + [MARGIN + label_w * n_labels + number_w * i
                                                           for i in range(n_numbers + 1)]
    c = pages.canvas
    c.setLineWidth(0.6)
    for row in table:
        # A row's cells take the last columns; its first cell spans those the row leaves over.
        starts = list(range(n_cols - len(row), n_cols))
        starts[0] = 0
        spans = [(xs[a], xs[b]) for a, b in zip(starts, starts[1:] + [n_cols])]
        wrapped = [_wrap(text, right - left - 2 * PAD, pages.face, CELL) for text, (left, right) in zip(row, spans)]
        height = max(len(w) for w in wrapped) * CELL * LEADING + 2 * PAD
        first = row is table[0]
        if pages.y - height < MARGIN:  # the table runs on to the next page, closed above again there
            pages.turn()
            c.setLineWidth(0.6)
            first = True
        top = pages.y
        if first:
            c.line(MARGIN, top, xs[-1], top)
        bottom = top - height
        for lines, (left, right) in zip(wrapped, spans):
            for k, line in enumerate(lines):
                pages.text(left + PAD, top - PAD - (k + 0.8) * CELL * LEADING + CELL * 0.3, line, CELL)
            c.line(left, top, left, bottom)
        c.line(xs[-1], top, xs[-1], bottom)
        c.line(MARGIN, bottom, xs[-1], bottom)
        pages.y = bottom
    pages.y -= BODY


def _unruled(pages: _Pages, table: Table) -> None:
    """Rows as lines: a label too long for its place wraps, and the row's numbers then stand on a line
    of their own between its first and second lines (their vertical middle), as in PDFs set with
    centred cells."""
    width = WIDTH - 2 * MARGIN
    step_y = CELL * LEADING * 1.6
    for row in table:
        n = len(row) - _numbers(row)
        labels, numbers = row[:n], row[n:]
        if not numbers:
            pages.paragraph(" ".join(labels), CELL)
            continue
        left = width * LABEL_SHARE if labels else 0.0
        wrapped = _wrap(" ".join(labels), left - 2 * PAD, pages.face, CELL) if labels else []
        lines = max(1, len(wrapped)) + (1 if len(wrapped) > 1 else 0)
        pages.room(lines * step_y)
        y = pages.y - step_y + CELL * 0.25
        number_y = y - step_y / 2 if len(wrapped) > 1 else y
        for k, line in enumerate(wrapped):
            pages.text(MARGIN, y - k * step_y, line, CELL)
        step = (width - left) / len(numbers)
        for i, number in enumerate(numbers):
            pages.text(MARGIN + left + step * i + 2, number_y, number, CELL)
        pages.y -= max(1, len(wrapped)) * step_y
    pages.y -= BODY


def render(blocks: Sequence[Block], ruled: bool = True, face_kind: str = "embedded") -> bytes:
    """A report's blocks as PDF bytes: each heading, then its paragraph or its table."""
    pages = _Pages(font(face_kind))
    for heading, body in blocks:
        if heading:
            pages.paragraph(heading, BODY + 1)
        if isinstance(body, str):
            pages.paragraph(body, BODY, indent=2 * BODY if heading else 0.0)
        elif ruled:
            _ruled(pages, body)
        else:
            _unruled(pages, body)
    return pages.close()


def ruled(blocks: Sequence[Block]) -> bytes:
    return render(blocks, ruled=True)


def unruled(blocks: Sequence[Block]) -> bytes:
    return render(blocks, ruled=False)
