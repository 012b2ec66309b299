"""Reports written as Word (.docx) files, the way the official forms lay their tables out: merged cells
where the form merges them (申请人情况 over the applicant columns, 法人或其他组织 over five, 三、本年度办理结果
down the results, 行政诉讼 over ten columns), paragraphs around the tables, the title in the document's
properties.

The XML is written directly (a .docx is a ZIP of a few XML parts): no library between the form and the
file, so what the generator writes is exactly what a reader is tested against. Variants make the
corpus cover what real Word files do: labels split across runs (as editing leaves them), with
deleted text and a page-number field beside them; tables held inside a layout table; headings and
list items whose numbers Word writes from its numbering part.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from schemas.forms import FormVersion, Section

from .document import Origin, place_spans

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Span = tuple[str, int, int]  # (text, rowspan, colspan)
# What the forms write in the corner of 三 above the row labels.
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SpannedTable = list[list[Span]]  # cells as written, row by row


@dataclass(frozen=True)
class Variant:
    split_runs: bool = False  # labels split across runs, with deleted text and a field beside them
    nested: bool = False  # each table held in a one-cell layout table with its heading
    numbered: bool = False  # headings (一、…) and the items of 三 (1.…) numbered by Word: the numbers in no run


VARIANTS = (Variant(), Variant(split_runs=True), Variant(nested=True), Variant(split_runs=True, nested=True),
            Variant(numbered=True))


# --- the form's tables, merged as the form merges them ------------------------------------------------


def spanned_tables(form: FormVersion, cells: dict) -> dict[str, SpannedTable]:
    return {"active": _active(form.section("active"), cells),
            "requests": _requests(form.section("requests"), cells),
            "appeals": _appeals(form.section("appeals"), cells)}


def _active(section: Section, cells: dict) -> SpannedTable:
    """Blocks of rows with their own header; a block narrower than the widest has its last column
    spread over the rest (2021: 本年处理决定数量 over three columns)."""
    width = 1 + max(len(section.columns_of(row)) for row in section.rows)
    table: SpannedTable = []
    header = None

    def spread(texts: list[str]) -> list[Span]:
        spans = [(t, 1, 1) for t in texts]
        text, _, _ = spans[-1]
        spans[-1] = (text, 1, width - len(texts) + 1)
        return spans

    for row in section.rows:
        columns = section.columns_of(row)
        if columns != header:
            table.append(spread(["信息内容", *(section.column(c).label_zh for c in columns)]))
            header = columns
        table.append(spread([row.label_zh, *(cells[("active", row.code, c)][1] for c in columns)]))
    return table


def _requests(section: Section, cells: dict) -> SpannedTable:
    """Three label columns and seven value columns. The results heading runs down every row of the
    results; each group of them (（三）不予公开 …) runs down its own rows beside their labels."""
    columns = [c for c in section.columns if c.code != "total"]
    table: SpannedTable = [
        [(CORNER, 3, 3), ("申请人情况", 1, len(section.columns))],
        [(columns[0].label_zh, 2, 1), ("法人或其他组织", 1, len(columns) - 1), (section.column("total").label_zh, 2, 1)],
        [(c.label_zh, 1, 1) for c in columns[1:]],
    ]
    results = [r for r in section.rows if r.group]
    group_size: dict[str, int] = {}
    for row in results:
        group_size[row.group] = group_size.get(row.group, 0) + 1
    seen: set[str] = set()
    for row in section.rows:
        spans: list[Span] = []
        if row.group is None:
            spans.append((row.label_zh, 1, 3))
        else:
            if "results" not in seen:
                spans.append((section.groups["results"], len(results), 1))
                seen.add("results")
            if row.group == "results":
                spans.append((row.label_zh, 1, 2))
            else:
                if row.group not in seen:
                    spans.append((section.groups[row.group], group_size[row.group], 1))
                    seen.add(row.group)
                spans.append((row.label_zh, 1, 1))
        spans += [(cells[("requests", row.code, c)][1], 1, 1) for c in section.columns_of(row)]
        table.append(spans)
    return table


def _appeals(section: Section, cells: dict) -> SpannedTable:
    """行政复议 over its five columns, 行政诉讼 over ten; the review's column labels run down two rows."""
    labels = [c.label_zh for c in section.columns]
    first, *litigation = section.rows
    n = len(labels)
    return [
        [(first.label_zh, 1, n), (section.groups["litigation"], 1, n * len(litigation))],
        [*((label, 2, 1) for label in labels), *((r.label_zh, 1, n) for r in litigation)],
        [(label, 1, 1) for _ in litigation for label in labels],
        [(cells[("appeals", r.code, c.code)][1], 1, 1) for r in section.rows for c in section.columns],
    ]


# --- XML -------------------------------------------------------------------------------------------

# What Word writes around every run, paragraph and cell of a report (fonts, sizes, spacing, widths,
# revision ids): most of a real document part's bytes, so that reading it is measured as in life.
_RPR = ('<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="宋体" w:cs="宋体"/>'
        '<w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>')
_PPR = ('<w:pPr><w:widowControl/><w:spacing w:line="300" w:lineRule="exact"/><w:jc w:val="center"/>'
        '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="20"/></w:rPr></w:pPr>')
_P = '<w:p w:rsidR="00A31C4E" w:rsidRDefault="00A31C4E" w:rsidP="004B2F1D">'
_R = '<w:r w:rsidRPr="00D86B2E">'
_TCPR = '<w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/>'


def _runs(text: str, split: bool) -> str:
    """A paragraph's runs. Split: cut in two runs of different formatting, with the spell-check and
    bookmark marks Word leaves between them."""
    if not split or len(text) < 2 or text.isascii():
        return f"{_R}{_RPR}<w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r>" if text else ""
    cut = len(text) // 2
    return (f"{_R}{_RPR}<w:t>{escape(text[:cut])}</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
            f"<w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/><w:bookmarkEnd w:id=\"0\"/>"
            f"{_R}<w:rPr><w:b/><w:sz w:val=\"20\"/></w:rPr><w:t>{escape(text[cut:])}</w:t></w:r>"
            f"<w:proofErr w:type=\"spellEnd\"/>")


def _paragraph(text: str, split: bool = False, noise: bool = False, numbered: bool | str = False) -> str:
    """A paragraph; numbered True: a heading ("二、主动公开…") whose number Word writes from the heading
    style's list, the text holding only its words; numbered a list's id: an item ("1.属于…") of it."""
    props = _PPR
    if numbered is True and "、" in text:
        text = text.split("、", 1)[1]
        props = '<w:pPr><w:pStyle w:val="2"/></w:pPr>'
    elif isinstance(numbered, str):  # an item of a list: its number is Word's, from list `numbered`
        text = text.split(".", 1)[1]
        props = f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbered}"/></w:numPr></w:pPr>'
    body = _runs(text, split)
    if noise:  # what editing leaves in a paragraph: deleted text, and a field whose result is no text of the report
        body += ("<w:del w:id=\"1\" w:author=\"x\"><w:r><w:delText>（删去的文字）</w:delText></w:r></w:del>"
                 "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
                 "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
                 "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>")
    return f"{_P}{props}{body}</w:p>"


def _table(table: SpannedTable, split: bool, numbered: bool = False) -> str:
    """Rows of cells as written, expanded to the DOCX grid: a cell spanning columns is one w:tc with
    gridSpan; a cell spanning rows is a w:tc with vMerge="restart" and, in each row below, a w:tc with
    vMerge continuing it."""
    placed = place_spans([[(text, rs, cs, Origin()) for text, rs, cs in row] for row in table])
    n_cols = max(c.col + c.colspan for c in placed)
    by_row: dict[int, list] = {}
    for cell in placed:
        for r in range(cell.row, cell.row + cell.rowspan):
            by_row.setdefault(r, []).append(cell)
    rows = []
    lists = iter(_ITEM_LISTS)  # numbered: each group's items ("1.", "2.", …) a list of their own
    items = None
    for r in range(len(table)):
        tcs = []
        for cell in sorted(by_row.get(r, []), key=lambda c: c.col):
            props = f"<w:gridSpan w:val=\"{cell.colspan}\"/>" if cell.colspan > 1 else ""
            if cell.rowspan > 1:
                props += "<w:vMerge w:val=\"restart\"/>" if cell.row == r else "<w:vMerge/>"
            text = cell.text if cell.row == r else ""
            label = split and not text.lstrip("+-").replace(".", "").isdigit()
            item: bool | str = False
            if numbered and _ITEM.match(text):
                if text.startswith("1."):
                    items = next(lists)
                item = items
            width = _TCPR.format(w=600 * cell.colspan)
            tcs.append(f"<w:tc><w:tcPr>{width}{props}</w:tcPr>{_paragraph(text, label, numbered=item)}</w:tc>")
        rows.append('<w:tr w:rsidR="00A31C4E" w:rsidTr="004B2F1D"><w:trPr><w:trHeight w:val="400"/></w:trPr>'
                    + "".join(tcs) + "</w:tr>")
    grid = "<w:tblGrid>" + "<w:gridCol w:w=\"600\"/>" * n_cols + "</w:tblGrid>"
    return f"<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>{grid}{''.join(rows)}</w:tbl>"


def _held(heading: str, table: str, split: bool, numbered: bool) -> str:
    """A layout table of one cell holding a section's heading and its table (Word wants a paragraph
    after a table in a cell)."""
    return ("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"9000\"/>"
            f"</w:tblGrid><w:tr><w:tc>{_paragraph(heading, split, numbered=numbered)}{table}<w:p/></w:tc></w:tr></w:tbl>")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '{}</Types>')
_TYPES = {
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "word/numbering.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
    "word/styles.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
}
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
    'Target="numbering.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '</Relationships>')
# The heading style "2" (标题 2) numbers its paragraphs 一、二、… from list 1, as reports' templates do;
# the items of each group in 三 ("1.属于国家秘密" …) are numbered by a list of their own, restarting at 1.
_ITEM_LISTS = tuple(str(n) for n in range(2, 10))
_ITEM = re.compile(r"\d+\.\D")
_NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W}">'
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
    '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
    '<w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:suff w:val="nothing"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + "".join(f'<w:num w:numId="{n}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
              '<w:startOverride w:val="1"/></w:lvlOverride></w:num>' for n in _ITEM_LISTS)
    + '</w:numbering>')
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/></w:style>'
    '</w:styles>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '{}</Relationships>')
_CORE_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
             'core-properties" Target="docProps/core.xml"/>')


def _core(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{escape(title)}</dc:title><dc:creator>gongkai</dc:creator></cp:coreProperties>')


def package(body: str, title: str | None = None, numbering: str | None = None, styles: str | None = None) -> bytes:
    """A .docx holding `body` (the XML of w:body's children) and, where given, the title property
    and the parts that number paragraphs (word/numbering.xml, word/styles.xml)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" xmlns:r="{R}">'
                f'<w:body>{body}<w:sectPr/></w:body></w:document>')
    parts = {"word/document.xml": document}
    if title is not None:
        parts["docProps/core.xml"] = _core(title)
    if numbering is not None:
        parts["word/_rels/document.xml.rels"] = _DOCUMENT_RELS
        parts["word/numbering.xml"] = numbering
        parts["word/styles.xml"] = styles or f'<w:styles xmlns:w="{W}"/>'
    # Each part there is has its content type and relationship; none is named that is not there. The
    # content types come first in the archive, as Word writes them (tools tell a .docx by it).
    types = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>'
                    for name, kind in _TYPES.items() if name in parts)
    parts = {"[Content_Types].xml": _CONTENT_TYPES.format(types),
             "_rels/.rels": _RELS.format(_CORE_REL if title is not None else ""), **parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts.items():
            # A fixed time stamp: the same seed writes the same bytes, so the same report ids.
            z.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render(form: FormVersion, agency: str, year: int, cells: dict, blocks: list[tuple[str, str]],
           variant: int = 0) -> bytes:
    """A report as a .docx: `blocks` are (heading, text) in order as the text renderings have them, a
    table's text starting with a NUL; the tables are drawn here, with their merges, in the order the
    form has them. `variant` picks one of VARIANTS (cycling), so that a corpus has them all."""
    chosen = VARIANTS[variant % len(VARIANTS)]
    split, numbered = chosen.split_runs, chosen.numbered
    drawn = iter(spanned_tables(form, cells).values())
    body = []
    for n, (heading, text) in enumerate(blocks):
        if text.startswith("\x00"):
            xml = _table(next(drawn), split, numbered)
            if chosen.nested:
                body.append(_held(heading, xml, split, numbered))
            else:
                body += [_paragraph(heading, split, numbered=numbered), xml]
            continue
        if heading:
            body.append(_paragraph(heading, split, numbered=numbered))
        body.append(_paragraph(text, split, noise=split and n == 1))
    if numbered:
        return package("".join(body), title=blocks[0][1], numbering=_NUMBERING, styles=_STYLES)
    return package("".join(body), title=blocks[0][1])
