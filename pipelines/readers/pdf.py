"""PDF: the text layer, through PDFium (pypdfium2), as lines in reading order and ruled tables as cells.

Each page's characters with their boxes and its ruling lines (path objects drawn as thin rectangles or
straight segments) are read from PDFium; `pdf_layout` turns them into lines and cells. Text outside
the ruled tables becomes lines grouped by baseline, one space a gap (what the `spaced_text` encoding
reads, tables without rules included). A ruled table becomes a `Table` whose rows also stand among the
lines, cells joined by tabs. A table that runs on from the foot of one page to the head of the next,
with nothing between but page furniture (page numbers, and running heads and feet: a line first or
last on two pages or more), is one table; the furniture follows it in the lines.

Every line and cell keeps its page and its line on the page (1-based; a table row counts as a line).

PDFium gives no text for a character whose CID font is neither embedded nor installed when the
character stands alone in its text object (vertical labels, one character a line, as reportlab's
STSong-Light writes them on a machine without Chinese fonts). A page where that happens is read
again with pdfminer.six, which maps character codes through the font's CMap alone, and the characters
it finds where PDFium found none are added.

A PDF that forbids copying but opens without a password is read like any other: the permission is
the publisher's wish, not a lock, and the text is published to be read.
"""

from __future__ import annotations

import ctypes
import logging
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ..document import DocCell, DocLine, Document, Origin, Table
from ..text import Unreadable
from . import pdf_layout as layout
from .pdf_layout import Box, Char, Edge, GridTable

SCANNED = "no text layer (scanned; OCR is not part of gongkai)"
THIN = 3.0  # a path this narrow (points) is a ruling line, whatever its drawing
# Past these, paths are drawings (charts, seals, text turned to outlines) and finding cells among them
# would cost more than the page is worth: a table's rules are a few hundred at most.
MAX_SEGMENTS = 2000
MAX_EDGES = 1500
# A grid is read as cells only when at most this many characters (or this share of those in its cells)
# stand level with it outside its cells: punctuation spilling over a rule, not a column left unruled.
STRAY = 2
STRAY_SHARE = 0.05
# More characters than this share without Unicode (private-use codes or U+FFFD) and the text is no text.
UNMAPPED_SHARE = 0.5
# Page numbers, with or without their dashes ("- 3 -", "— 4 —", "3", "第 4 页 共 6 页"): page furniture,
# which may stand between the parts of a table that runs across a page break. A bare number counts
# here, where a page's foot is known to lie between the parts, as it cannot in the text encodings.
_PAGE_NUMBER = re.compile(r"^[-—–－~]*\s*\d{1,4}\s*[-—–－~]*$|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$")


@dataclass
class Page:
    number: int  # 1-based
    chars: list[Char]
    edges: list[Edge]
    images: int  # image objects: a page of images and no text is a scan


class PdfReader:
    name = "pdf"
    suffixes = (".pdf",)

    def read(self, data: bytes) -> Document:
        pages, title = open_pages(data)
        check_text(pages)
        return assemble(pages, title=title)


def check_text(pages: list[Page]) -> None:
    """Raise Unreadable for pages with no text to read: a scan, blank pages, glyphs without Unicode."""
    if not any(p.chars for p in pages):
        if any(p.images for p in pages):
            raise Unreadable(SCANNED)
        raise Unreadable("no text layer (the pages are blank)")
    chars = [c.text for p in pages for c in p.chars]
    unmapped = sum(1 for c in chars if "\ue000" <= c <= "\uf8ff" or c == "\ufffd")
    if unmapped > UNMAPPED_SHARE * len(chars):
        raise Unreadable(f"text layer without Unicode ({unmapped} of {len(chars)} characters have no text: "
                         "the fonts do not say which characters they draw)")


READER = PdfReader()


# --- bytes to pages ------------------------------------------------------------------------------------


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = raw.FPDF_GetLastError()
        if code == raw.FPDF_ERR_PASSWORD:
            raise Unreadable("encrypted PDF: it needs a password to open; save an unprotected copy") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise Unreadable("encrypted PDF: its security handler is not supported; save an unprotected copy") from None
        raise Unreadable(f"damaged PDF: PDFium cannot open it ({e})") from None


def read_pages(data: bytes) -> list[Page]:
    """Every page's characters, ruling lines and image count. Raises Unreadable for a file PDFium
    cannot open (encrypted, damaged)."""
    return open_pages(data)[0]


def open_pages(data: bytes) -> tuple[list[Page], str | None]:
    """The pages, and the document's title property where it has one."""
    if b"%PDF" not in data[:1024]:  # the header may follow a little junk, as readers allow
        raise Unreadable("damaged PDF: no %PDF header")
    document = _open(data)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            try:
                pages.append(_page(data, page, index))
            finally:
                page.close()
        title = (document.get_metadata_value("Title") or "").strip() or None
        return pages, title
    except pdfium.PdfiumError as e:
        raise Unreadable(f"damaged PDF: a page cannot be read ({e})") from None
    finally:
        document.close()


def _page(data: bytes, page: pdfium.PdfPage, index: int) -> Page:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage, height)
        edges, images, lost = _objects(page, textpage, height)
    finally:
        textpage.close()
    if lost:
        chars = fill_lost(chars, _pdfminer_chars(data, index, height))
    return Page(index + 1, chars, edges, images)


def fill_lost(chars: list[Char], second: list[Char]) -> list[Char]:
    """PDFium's characters, and those of a second reading where PDFium has none: the characters it
    lost. Only characters the second reading could map to text are taken (pdfminer.six writes
    "(cid:N)" for one it could not)."""
    cells: dict[tuple[int, int], list[Char]] = {}  # PDFium's characters by 10-point square of their centre
    for c in chars:
        cells.setdefault((int((c.x0 + c.x1) / 20), int(c.middle / 10)), []).append(c)

    def near(c: Char) -> bool:
        """A character of PDFium's reading stands where this one does (within 0.4 of the font size: the
        two read widths differently)."""
        x, y = (c.x0 + c.x1) / 2, c.middle
        reach = 0.4 * max(c.size, 1.0)
        return any(abs((o.x0 + o.x1) / 2 - x) <= reach and abs(o.middle - y) <= reach
                   for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in cells.get((int(x / 10) + dx, int(y / 10) + dy), ()))

    return chars + [c for c in second if len(c.text) == 1 and not near(c)]


def _chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    chars = []
    rect = raw.FS_RECTF()
    handle = textpage.raw
    space = False
    for i in range(raw.FPDFText_CountChars(handle)):
        code = raw.FPDFText_GetUnicode(handle, i)
        if raw.FPDFText_IsGenerated(handle, i) or 0xD800 <= code < 0xE000:
            continue  # PDFium's own breaks and surrogate halves are not text
        if code <= 32 or code == 0x3000:
            space = True  # a space the PDF wrote: a word break even where the gap is narrow
            continue
        raw.FPDFText_GetLooseCharBox(handle, i, rect)
        size = raw.FPDFText_GetFontSize(handle, i)
        chars.append(Char(chr(code), rect.left, rect.right, height - rect.top, height - rect.bottom, size, space))
        space = False
    return chars


def _objects(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Edge], int, bool]:
    """The page's ruling lines, how many images it shows, and whether a text object's characters were
    lost (a text object with no extent and no text)."""
    edges: list[Edge] = []
    images = 0
    lost = False
    for obj in page.get_objects(max_depth=4):
        kind = obj.type
        if kind == raw.FPDF_PAGEOBJ_PATH:
            edges += _path_edges(obj, height)
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_TEXT and not lost:
            left, bottom, right, top = obj.get_bounds()
            # PDFium gives a lone glyph of a font it has not got no extent and no text. An embedded font
            # is always had (a space alone in its own text object also comes out so).
            if right - left < 0.01 and top - bottom < 0.01:
                lost = (raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0) <= 2  # only the terminator
                        and not raw.FPDFFont_GetIsEmbedded(raw.FPDFTextObj_GetFont(obj.raw)))
    return edges, images, lost


def _path_edges(obj: pdfium.PdfObject, height: float) -> list[Edge]:
    left, bottom, right, top = obj.get_bounds()
    if right - left <= THIN and top - bottom > THIN:
        x = (left + right) / 2
        return [Edge("v", x, x, height - top, height - bottom)]
    if top - bottom <= THIN and right - left > THIN:
        y = height - (top + bottom) / 2
        return [Edge("h", left, right, y, y)]
    if right - left <= THIN:
        return []
    return _segments(obj, height)


def _segments(obj: pdfium.PdfObject, height: float) -> list[Edge]:
    """The horizontal and vertical straight segments of a larger path (a rectangle's four sides, a grid
    drawn as one path); curves and slanted lines are no rules."""
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj.raw, matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[Edge] = []
    start = last = None
    count = raw.FPDFPath_CountSegments(obj.raw)
    if count > MAX_SEGMENTS:
        return []  # an outline or a drawing, not the rules of a table
    for i in range(count):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, i)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = (matrix.a * x.value + matrix.c * y.value + matrix.e,
                 height - (matrix.b * x.value + matrix.d * y.value + matrix.f))
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = last = point
            continue
        if kind == raw.FPDF_SEGMENT_LINETO and last is not None:
            edges += _segment(last, point)
        last = point
        if raw.FPDFPathSegment_GetClose(segment) and start is not None:
            edges += _segment(point, start)
            last = start
    return edges


def _segment(a: tuple[float, float], b: tuple[float, float]) -> list[Edge]:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 0.5:
        return [Edge("h", min(x0, x1), max(x0, x1), y0, y0)]
    if abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 0.5:
        return [Edge("v", x0, x0, min(y0, y1), max(y0, y1))]
    return []


def _pdfminer_chars(data: bytes, index: int, height: float) -> list[Char]:
    """One page's characters as pdfminer.six reads them (the fallback for characters PDFium lost), with
    no layout analysis: the characters are all we take."""
    from io import BytesIO

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    chars: list[Char] = []
    space = False

    def walk(item) -> None:
        nonlocal space
        if isinstance(item, LTChar):
            text = item.get_text()
            if not text.strip():
                space = True
            else:
                chars.append(Char(text, item.x0, item.x1, height - item.y1, height - item.y0, item.size, space))
                space = False
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child)

    # pdfminer.six logs each page of a file that asks not to be copied from: the text is read all the
    # same, as PDFium reads it; the message is noise here.
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        for page in PDFPage.get_pages(BytesIO(data), pagenos={index}):
            interpreter.process_page(page)
            walk(device.get_result())
    except Exception:  # noqa: BLE001 - a second reading that fails leaves the first one as it was
        return []
    finally:
        logger.setLevel(level)
    return chars


# --- pages to a document -------------------------------------------------------------------------------


@dataclass
class _Piece:
    """A line or a ruled table of one page, in reading order."""

    top: float
    text: str = ""
    grid: GridTable | None = None
    cells: list[tuple[Box, str]] | None = None


def page_pieces(page: Page) -> list[_Piece]:
    """A page as lines and tables, top to bottom: the characters inside a ruled table's cells are their
    text, the rest lines."""
    edges = layout.merge_edges(page.edges)
    if len(edges) > MAX_EDGES:  # a drawing or a chart: no table is read from it, its text is read as lines
        edges = []
    # A grid of one column is a frame round paragraphs (or lines ruled under them), not a table.
    grids = [g for g in layout.tables(layout.cells(layout.intersections(edges), edges)) if len(g.xs) > 2]
    loose = page.chars
    numbers = layout.number_runs(loose) if grids else []
    pieces: list[_Piece] = []
    for grid in grids:
        held: dict[Box, list[Char]] = {box: [] for box in grid.boxes}
        rest = []
        boxes = cells_of(grid, loose, numbers)
        for char in loose:
            box = boxes[id(char)]
            (held[box] if box is not None else rest).append(char)
        # Text beside the cells, level with them, means the rules close only part of the table (a
        # table drawn without its outer sides): its rows are read as lines, whole, not half as cells.
        beside = sum(1 for c in rest if grid.ys[0] < c.middle < grid.ys[-1])
        if beside > max(STRAY, STRAY_SHARE * sum(len(chars) for chars in held.values())):
            continue
        loose = rest
        cells = [(box, layout.join_lines([line.text for line in layout.text_lines(held[box])]))
                 for box in sorted(grid.boxes, key=lambda b: (b.top, b.x0))]
        pieces.append(_Piece(grid.bbox.top, grid=grid, cells=cells))
    pieces += [_Piece(line.top, text=line.text) for line in layout.text_lines(loose)]
    return sorted(pieces, key=lambda p: p.top)


@dataclass
class _Part:
    """A table's part on one page, and the lines that stand for its rows."""

    page: int
    first_line: int
    piece: _Piece
    rows: list[DocLine]


def cells_of(grid: GridTable, chars: list[Char], numbers: list[list[Char]]) -> dict[int, Box | None]:
    """The cell of each character (by id), or None outside the grid's cells. The characters of one number
    go together to the cell that holds most of them (the leftmost of those that hold as many): a number
    wider than its cell runs over the rule into the next cell or past the table's edge, and its last
    digits are still its own."""
    boxes = {id(char): grid.box_of(char) for char in chars}
    for run in numbers:
        found = [boxes.get(id(char), False) for char in run]
        if False in found or len(set(found)) == 1:  # read by another table already, or all in one cell
            continue
        held = [box for box in found if box is not None]
        if held:
            best = max(dict.fromkeys(held), key=held.count)
            for char in run:
                boxes[id(char)] = best
    return boxes


def furniture(pieces: list[list[_Piece]]) -> set[str]:
    """Running heads and feet: a line that stands first or last on two pages or more, the same but for
    its digits ("淮安市人民政府办公室 2", "第 3 页"). Given as texts with their digits as "#"."""
    seen: dict[str, int] = {}
    for page in pieces:
        lines = [p for p in page if p.grid is None]
        ends = {_DIGITS.sub("#", p.text) for p in lines[:1] + lines[-1:]}
        for text in ends:
            seen[text] = seen.get(text, 0) + 1
    return {text for text, n in seen.items() if n >= 2}


_DIGITS = re.compile(r"\d+")


def assemble(pages: list[Page], title: str | None = None) -> Document:
    """The pages' lines and tables in reading order, a table continued across a page break made one."""
    document = Document("pdf", title=title)
    parts: list[list[_Part]] = []  # by table
    held: list[DocLine] = []  # page furniture met while the last table may still continue
    open_table: GridTable | None = None  # the last table, while only page furniture follows it
    by_page = [page_pieces(page) for page in pages]
    running = furniture(by_page)
    for page, pieces in zip(pages, by_page):
        line_no = 0
        for piece in pieces:
            line_no += 1
            if piece.grid is None:
                line = DocLine(piece.text, Origin(page=page.number, line=line_no))
                if open_table is not None and (_PAGE_NUMBER.match(piece.text)
                                               or _DIGITS.sub("#", piece.text) in running):
                    held.append(line)
                    continue
                document.lines += held + [line]
                held, open_table = [], None
                continue
            if open_table is None or not _continues(open_table, piece.grid):
                document.lines += held
                held = []
                parts.append([])
            rows = [DocLine("", Origin(page=page.number, line=line_no + r), table=len(parts) - 1)
                    for r in range(len(piece.grid.ys) - 1)]
            parts[-1].append(_Part(page.number, line_no, piece, rows))
            document.lines += rows
            line_no += len(rows) - 1
            open_table = piece.grid
    document.lines += held
    document.tables = [_table(table_parts) for table_parts in parts]
    return document


def _continues(previous: GridTable, grid: GridTable) -> bool:
    """A table at the head of a page continues the one at the foot of the page before when their outer
    sides line up."""
    return (abs(previous.xs[0] - grid.xs[0]) <= 2 * layout.SNAP
            and abs(previous.xs[-1] - grid.xs[-1]) <= 2 * layout.SNAP)


def _table(parts: list[_Part]) -> Table:
    """One table from its parts, page after page: the columns of every part on one grid (a part may
    have rules the others lack), the rows one after another. Fills in the text of the rows' lines."""
    xs = layout.merge_positions([x for part in parts for x in part.piece.grid.xs])
    cells: list[DocCell] = []
    offset = 0
    for part in parts:
        grid = part.piece.grid
        placed = layout.GridTable(grid.boxes, xs, grid.ys)
        by_row: dict[int, list[DocCell]] = {}
        for box, text in part.piece.cells:
            row, col, rowspan, colspan = placed.place(box)
            cell = DocCell(text, offset + row, col, rowspan, colspan, Origin(page=part.page, line=part.first_line + row))
            cells.append(cell)
            by_row.setdefault(row, []).append(cell)
        for row, line in enumerate(part.rows):
            line.text = "\t".join(c.text for c in sorted(by_row.get(row, []), key=lambda c: c.col))
            line.row = offset + row
        offset += len(part.rows)
    return Table(cells)
