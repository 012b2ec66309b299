"""Web pages (``.html``, ``.htm``): the page's text in reading order and its tables as grids, read by
lxml's HTML parser (libxml2; chosen over selectolax because it says on which line of the file each
element starts, which is where a person finds a fact: docs/benchmarks.md has the measurements).

What is read, and why:

- **Encoding.** A byte-order mark, else bytes that are valid UTF-8, else the charset the page declares
  in ``<meta>`` (GB2312 and GBK read as their superset GB18030), else pipelines.text.decode's guess.
  A declared charset loses to valid UTF-8 because sites often keep a stale declaration.
- **Text.** Block elements (p, div, h1–h6, li, br, tr, …) end a line; inline runs (span, font, b,
  Word's ``<o:p>``) join without a space, so a label Word split over runs reads whole. Entities are
  decoded and ``&nbsp;`` is blank. Comments, Word's conditional comments (``<!--[if gte mso 9]>``),
  scripts, styles and forms are not text.
- **Hidden text.** What a browser does not show (``display:none``, ``visibility:hidden``, Word's
  ``mso-hide:all``, the ``hidden`` attribute) is not read.
- **Site furniture.** Navigation, headers, footers and side bars are not report text: ``<nav>``,
  ``<footer>``, ``<aside>``, a ``<header>`` outside the article, and any element whose id or class
  names one (nav, menu, breadcrumb, footer, sidebar, share, copyright, position, location: a word of
  it, see FURNITURE) are skipped with all they hold. Inside a data table nothing is skipped.
- **Tables.** A table whose cells hold tables, or whose rows hold one cell at most, is layout: its
  cells are read as blocks and the tables inside them as tables. Any other table is a grid: its
  cells as written (text, rowspan, colspan) are placed by pipelines.document.place_spans; ``<br>``
  and ``<p>`` inside a cell become a space. Each row also stands among the lines, its cells joined by
  tabs.
- **Pages held in JavaScript.** A CMS page may carry the report as a string literal in a script
  (``var content = "<p style=\\"…\\">…"``, then ``document.write``): a literal holding markup is
  unescaped (``\\"``, ``\\n``, ``\\uXXXX``, …; literals joined by ``+`` as one; template literals
  too) and read in the script's place, each piece on the line of the file its literal stands on. A
  script whose literals hold less than MIN_LITERAL characters of markup is no content.
- **Provenance.** Every line and cell has the line of the decoded file where its text starts; a grid
  cell also its table, row and column (1-based, in document order).
"""

from __future__ import annotations

import re

from lxml import etree

from ..document import DocLine, Document, Origin, Table, place_spans
from ..text import Decoded, Unreadable, _checked, decode

SNIFF = 4096  # bytes in which a page declares its charset
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)""",
                           re.I)
# An XHTML page's XML declaration: lxml refuses a decoded text that still declares an encoding.
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
# Names pages declare for what Python reads as GB18030 (a superset of each).
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "csgb2312", "euc-cn"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Elements that are not text: their content is dropped (their tail, the text after them, is not).
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "select", "option", "button",
            "textarea", "iframe", "object", "svg", "map", "xml"}
# Elements that end a line of text.
BLOCKS = {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
          "section", "article", "main", "blockquote", "pre", "center", "form", "hr", "caption",
          "address", "figure", "figcaption", "fieldset", "legend", "body", "html", "tr", "td", "th",
          "thead", "tbody", "tfoot", "table", "header", "footer", "nav", "aside"}
# Site furniture: elements named so by their id or class (a word of it: "nav", "main-nav", "footer_box").
FURNITURE = re.compile(r"(?:^|[^a-z])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|footer|foot|sidebar|"
                       r"share|copyright|position|location)(?:$|[^a-z])", re.I)
_FURNITURE_TAGS = {"nav", "footer", "aside"}
MAX_COLSPAN = 1000  # the HTML standard's own limits on spans
MAX_ROWSPAN = 65534

# A script's string literal: double- or single-quoted on one line, or a template literal (backticks)
# over several; escapes kept as written.
_ONE_LITERAL = r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`"""
_LITERAL = re.compile(_ONE_LITERAL, re.S)
# Literals joined by "+" into one string.
_JOINED = re.compile(f"(?:{_ONE_LITERAL})(?:\\s*\\+\\s*(?:{_ONE_LITERAL}))*", re.S)
_MARKUP_IN_LITERAL = re.compile(r"<(?:p|table|div|span|tr|td|br|h\d)\b|\\u003c|\\x3c", re.I)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
# An escaped line break is markup's white space, not a line of the file: a space.
_JS_SIMPLE = {"n": " ", "r": " ", "t": "\t", "b": "", "f": "", "v": "", "0": "", "\n": ""}
MIN_LITERAL = 80  # characters of markup a literal must hold to be read as the page's content


def decode_page(data: bytes) -> Decoded:
    """The page's text and encoding (see the module's note)."""
    if not data.strip():
        raise Unreadable("empty file")
    if data.startswith(_BOMS) or b"\x00" in data[:SNIFF]:
        return decode(data)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:SNIFF])
    declared = (m.group(1) or m.group(2)).decode("ascii").lower() if m else None
    if declared:
        codec = "gb18030" if declared in _GB else declared
        try:
            return _checked(data.decode(codec), codec)
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration: the bytes are guessed as any text's
    return decode(data)


class HtmlReader:
    name = "html"
    suffixes = (".html", ".htm", ".xhtml", ".shtml")

    def read(self, data: bytes) -> Document:
        decoded = decode_page(data)
        text = decoded.text
        declaration = _XML_DECLARATION.match(text)  # match, not sub: sub would try every position
        if declaration:
            text = text[declaration.end():]
        try:
            # Plain etree elements, not lxml.html's: the same tree, without a Python class looked up
            # for every element the walk touches.
            root = etree.fromstring(text, _PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
            raise Unreadable(f"not an HTML page lxml can parse: {e}") from None
        if root is None:
            raise Unreadable("not an HTML page: no elements")
        title = _title(root)
        _inline_scripts(root)
        _prepare(root, text)
        builder = _Builder(Document(self.name, title=title, encoding=decoded.encoding))
        builder.block(root)
        builder.flush()
        return builder.document


_PARSER = etree.HTMLParser(remove_blank_text=False, no_network=True, huge_tree=True)


def _parse_fragment(markup: str) -> list:
    """The elements of a piece of markup (text before the first element as a <span>)."""
    root = etree.fromstring(f"<html><body><div>{markup}</div></body></html>", _PARSER)
    holder = root.find("body/div")
    parts = list(holder)
    if holder.text and holder.text.strip():
        lead = etree.Element("span")
        lead.text, lead.sourceline = holder.text, holder.sourceline
        parts.insert(0, lead)
    return parts


_TABLE_BLOCK = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def has_tables(text: str) -> bool:
    """Whether a text holds HTML tables (converters write Markdown tables with merged cells so)."""
    return "<t" in text and _TABLE_BLOCK.search(text) is not None


def text_with_tables(text: str, document: Document) -> None:
    """The lines of a text that holds HTML tables, into `document`: its lines as they are (numbered as
    the text's), each table read as this reader reads a page's, its rows standing where it stands."""
    builder = _Builder(document)
    at = 0
    for m in _TABLE_BLOCK.finditer(text):
        _text_lines(document, text, at, m.start())
        first = text.count("\n", 0, m.start()) + 1
        root = etree.fromstring(f"<html><body>{m.group(0)}</body></html>", _PARSER)
        for el in root.iter():
            el.sourceline = first + (el.sourceline or 1) - 1
        _prepare(root, m.group(0), first)
        builder.block(root.find("body"))
        builder.flush()
        at = m.end()
    _text_lines(document, text, at, len(text))
    document.grid_format = "html"


def _text_lines(document: Document, text: str, begin: int, end: int) -> None:
    """The lines of text[begin:end] as they are, blank ones too, each with its line number."""
    first = text.count("\n", 0, begin) + 1
    pieces = text[begin:end].split("\n")
    for n, piece in enumerate(pieces):
        if (n == 0 and begin > 0 or n == len(pieces) - 1 and end < len(text)) and not piece.strip():
            continue  # the rest of a table's own line: nothing of the text
        document.lines.append(DocLine(piece, Origin(line=first + n)))


def _title(root) -> str | None:
    found = root.find(".//title")
    text = _squeeze("".join(found.itertext())) if found is not None else ""
    return text or None


def _squeeze(text: str) -> str:
    """Runs of whitespace (with &nbsp;, U+00A0, and the ideographic space) as one space, none at the
    ends."""
    return " ".join(text.split())


def _tag(el) -> str | None:
    """The element's name as the HTML parser gives it (lower case; Word's ``o:p`` is ``o:p``); None for
    a comment or a processing instruction."""
    tag = el.tag
    return tag if isinstance(tag, str) else None


# --- the page's parts that are not report text ---------------------------------------------------------

def _inline_scripts(root) -> None:
    """Replace each script that holds the page's content as a string literal by that content, parsed."""
    for script in list(root.iter("script")):
        code = script.text or ""
        if not _MARKUP_IN_LITERAL.search(code):
            continue
        base = script.sourceline or 1
        pieces = []
        for m in _JOINED.finditer(code):
            # The literals of one expression, joined by as many newlines as stand between them in
            # the file, so that a line of the markup is a line of the file.
            parts, at = [], m.start()
            for lit in _LITERAL.finditer(code, m.start(), m.end()):
                parts.append("\n" * code.count("\n", at, lit.start()))
                parts.append(_unescape_js(next(g for g in lit.groups() if g is not None)))
                at = lit.end()  # a template literal's own line breaks are in the markup already
            markup = "".join(parts)
            if len(markup) >= MIN_LITERAL and _MARKUP_IN_LITERAL.search(markup):
                pieces.append((base + code.count("\n", 0, m.start()), markup))
        if not pieces:
            continue
        holder = etree.Element("div")
        for line, markup in pieces:
            for part in _parse_fragment(markup):
                for el in part.iter():
                    el.sourceline = line + (el.sourceline or 1) - 1
                holder.append(part)
        holder.sourceline = base
        holder.tail = script.tail
        script.getparent().replace(script, holder)


def _unescape_js(body: str) -> str:
    def one(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] == "u" and len(esc) > 1:
            code = esc[2:-1] if esc[1] == "{" else esc[1:]
            return chr(int(code, 16))
        if esc[0] == "x" and len(esc) == 3:
            return chr(int(esc[1:], 16))
        return _JS_SIMPLE.get(esc, esc)
    return _JS_ESCAPE.sub(one, body)


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_HIDDEN_ATTRIBUTE = re.compile(r"\shidden(?:[\s=/>]|$)", re.I)
_TAG_NAME = re.compile(r"<([A-Za-z][\w:.-]*)")
# The words of hiding (display:none; visibility:hidden, mso-hide and hidden all hold "hid"), found in
# the page's text by substring search, in lower case as pages write them: asking every element of a
# Word page (a style on each run) costs more than the rest of its reading, and most pages hide nothing.
_HIDING_WORDS = ("display", "hid")


def _hidden_tags(text: str, first_line: int) -> set[tuple[str, int]]:
    """(tag name, line) of each start tag in `text` that hides its element; the text's first line is
    `first_line` of the file."""
    found = set()
    for word in _HIDING_WORDS:
        at = text.find(word)
        while at != -1:
            start, end = text.rfind("<", 0, at), text.find(">", at)
            tag = text[start:end + 1] if start != -1 and end != -1 else ""
            name = _TAG_NAME.match(tag)
            if name and ">" not in tag[:-1] and (_HIDDEN.search(tag) or _HIDDEN_ATTRIBUTE.search(tag[:-1])):
                # The parser places an element on the line where its start tag closes.
                found.add((name.group(1).lower(), first_line + text.count("\n", 0, end)))
            at = text.find(word, at + len(word))
    return found


def _is_hidden(el) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _prepare(root, text: str, first_line: int = 1) -> None:
    """Make the text lxml gathers read as a person reads it: nothing a browser hides (display:none,
    visibility:hidden, Word's mso-hide:all, the hidden attribute), a space around every block (a
    cell's paragraphs and <br> are words apart), nothing of the elements that are no text. `text` is
    the markup the tree was parsed from, its first line `first_line` of the file."""
    for name, line in _hidden_tags(text, first_line):
        # The parser says where each element's start tag stands: only those of the hiding tags' lines
        # are asked.
        for el in [el for el in root.iter(name) if el.sourceline == line and _is_hidden(el)]:
            _remove(el)
    for el in root.iter(*BLOCKS):
        el.text = " " + el.text if el.text else " "
        el.tail = " " + el.tail if el.tail else " "
    for el in root.iter(*_SKIPPED):
        el.text = None
        for child in list(el):
            el.remove(child)


def _remove(el) -> None:
    """Take an element and all it holds out of the tree; the text after it stays, with its parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _is_furniture(el, tag: str) -> bool:
    """Site navigation, a header outside the article, a footer or a side bar (see the module's note).
    Asked of the elements the walk enters, so the cells of a data table are never asked."""
    if tag in _FURNITURE_TAGS:
        return True
    if tag == "header":
        return _outside_article(el)
    named = el.get("class") or el.get("id")
    return named is not None and tag not in ("html", "body") and bool(
        FURNITURE.search(f"{el.get('id', '')} {el.get('class', '')}"))


def _outside_article(el) -> bool:
    return not any(_tag(a) in ("article", "main") for a in el.iterancestors())


# --- text and tables in reading order --------------------------------------------------------------------

def _text_line(text: str, line: int | None) -> int | None:
    """The line a piece of text starts on: after the newlines that lead it."""
    if line is None or not text[:1].isspace():
        return line
    return line + text[:len(text) - len(text.lstrip())].count("\n")


def _tail_line(el) -> int | None:
    """The line an element's tail starts on: its own line plus the newlines of its text (the end tag's
    line is not kept by the parser)."""
    if el.sourceline is None:
        return None
    tag = _tag(el)
    inner = "".join(el.itertext()) if tag is not None and tag not in _SKIPPED else (el.text or "")
    return el.sourceline + inner.count("\n") + _text_line(el.tail or "", 0)


class _Builder:
    def __init__(self, document: Document):
        self.document = document
        self.pieces: list[str] = []
        self.line: int | None = None  # where the line being gathered starts

    def add(self, text: str, line: int | None) -> None:
        if self.line is None and not text.isspace():
            self.line = _text_line(text, line)
        self.pieces.append(text)

    def add_tail(self, el) -> None:
        """The text after an element; its line is worked out only when it starts a line."""
        text = el.tail
        if self.line is None and not text.isspace():
            self.line = _tail_line(el)
        self.pieces.append(text)

    def flush(self) -> None:
        text = _squeeze("".join(self.pieces))
        if text:
            self.document.lines.append(DocLine(text, Origin(line=self.line)))
        self.pieces, self.line = [], None

    def block(self, el) -> None:
        """The text of an element and its children."""
        tag = _tag(el)
        if tag is None or _is_furniture(el, tag):  # a comment (Word's conditional ones too), furniture
            return
        if tag == "table":
            self.flush()
            self.table(el)
            self.flush()
            return
        is_block = tag in BLOCKS
        if is_block:
            self.flush()
        if el.text:
            self.add(el.text, el.sourceline)
        for child in el:
            if child.tag not in _SKIPPED:
                self.block(child)
            if child.tail:
                self.add_tail(child)
        if is_block:
            self.flush()

    def table(self, el) -> None:
        rows = _rows(el)
        if _is_layout(el, rows):
            for tr in rows:
                for cell in _cells(tr):
                    self.block(cell)
            return
        index = len(self.document.tables)
        lines: list[int | None] = []  # each cell's line, in the order place_spans keeps
        written = []
        for r, tr in enumerate(rows):
            row = []
            for cell in _cells(tr):
                text, line = _cell_text(cell)
                lines.append(line)
                row.append((text, *_spans(cell, len(rows) - r), _UNPLACED))
            written.append(row)
        placed = place_spans(written)
        # An origin is made once a cell, when its place is known (origins are frozen).
        for cell, line in zip(placed, lines):
            cell.origin = Origin(line, None, index + 1, cell.row + 1, cell.col + 1)
        table = Table(placed)
        self.document.tables.append(table)
        by_row: list[list] = [[] for _ in range(table.n_rows)]
        for cell in placed:  # as written, row by row, left to right: the order of Table.written_rows
            by_row[cell.row].append(cell)
        for r, cells in enumerate(by_row):
            line = next((c.origin.line for c in cells), rows[r].sourceline if r < len(rows) else None)
            self.document.lines.append(DocLine("\t".join(c.text for c in cells), Origin(line=line, table=index + 1,
                                                                                       row=r + 1), index, r))


_UNPLACED = Origin()


def _rows(table) -> list:
    """The table's own rows (not those of tables inside its cells), in order."""
    rows = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _cells(tr) -> list:
    return [c for c in tr if c.tag in ("td", "th")]


def _is_layout(table, rows: list) -> bool:
    """A table laid out around content, not a grid of data: it holds tables (in its cells: the parser
    puts them nowhere else), or no row of it has two cells."""
    if all(len(_cells(tr)) <= 1 for tr in rows):
        return True
    return next(table.iterdescendants("table"), None) is not None


def _cell_text(cell) -> tuple[str, int | None]:
    """A cell's text (blocks and <br> inside it as spaces) and the line it starts on."""
    if len(cell) == 0:  # text alone, as most cells are
        text = cell.text or ""
        return _squeeze(text), _text_line(text, cell.sourceline) if text.strip() else cell.sourceline
    # Word writes a paragraph and several runs into every cell: the text is gathered by lxml in one
    # call (the blocks in it were spaced and the scripts emptied by _prepare) instead of walking the
    # runs one by one in Python.
    text = _squeeze(etree.tostring(cell, method="text", encoding=str, with_tail=False))
    return text, _first_line(cell) if text else cell.sourceline


def _first_line(el) -> int | None:
    """The line of the first text in an element that is not blank, in document order."""
    text = el.text
    if text and not text.isspace():
        return _text_line(text, el.sourceline)
    for child in el:
        if isinstance(child.tag, str):
            line = _first_line(child)
            if line is not None:
                return line
        tail = child.tail
        if tail and not tail.isspace():
            return _tail_line(child)
    return None


_LEADING_DIGITS = re.compile(r"\s*(\d+)")


def _spans(cell, rows_left: int) -> tuple[int, int]:
    """(rowspan, colspan), each at least 1 and at most what the table can hold."""
    rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
    return (1 if rowspan is None else min(_span(rowspan), MAX_ROWSPAN, max(1, rows_left)),
            1 if colspan is None else min(_span(colspan), MAX_COLSPAN))


def _span(value: str | None) -> int:
    digits = _LEADING_DIGITS.match(value or "")
    return max(1, int(digits.group(1))) if digits else 1


READER = HtmlReader()

