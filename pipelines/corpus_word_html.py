"""Reports as Word saves them as a web page ("Web Page, Filtered" and the full kind), for the corpus of
`gongkai generate`: the markup that real CMS pages carry when an editor pasted a Word document.

What makes it Word's: the Office namespaces and ``<o:p>`` paragraph marks, the document properties in
a conditional comment (``<!--[if gte mso 9]><xml>…</xml><![endif]-->``), list numbers inside
``<![if !supportLists]>``, ``MsoNormal`` paragraphs in every table cell, text split across ``<span>``
runs wherever the formatting changes (the middle of a label included), ``&nbsp;`` runs as spacing,
and ``MsoNormalTable`` tables whose group headings are merged across columns.
"""

from __future__ import annotations

import html

Table = list[list[str]]

_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>政务公开办</o:Author>
  <o:Pages>6</o:Pages>
 </o:DocumentProperties>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:Zoom>90</w:Zoom>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{margin:0cm;
	text-align:justify;
	font-size:10.5pt;
	font-family:"Times New Roman",serif;}}
@page WordSection1
	{{size:595.3pt 841.9pt;}}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
"""
_TAIL = "</div>\n</body>\n</html>\n"
_RUN = "<span style='font-family:仿宋_GB2312;mso-ascii-font-family:\"Times New Roman\"'>{}</span>"
_NUMBER_RUN = "<span lang=EN-US style='font-family:\"Times New Roman\",serif'>{}</span>"


def _runs(text: str) -> str:
    """The text as Word writes it: split into runs where the formatting changes (here: between
    digits and the rest, and in the middle of a long label, as a bold or font change would)."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if current and ch.isdigit() != current[-1].isdigit():
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    out = []
    for piece in pieces:
        if piece.isdigit():
            out.append(_NUMBER_RUN.format(piece))
        elif len(piece) >= 4:
            half = len(piece) // 2
            out.append(_RUN.format(html.escape(piece[:half])) + _RUN.format(html.escape(piece[half:])))
        else:
            out.append(_RUN.format(html.escape(piece)))
    return "".join(out)


def _paragraph(text: str, numbered: bool = False) -> str:
    if numbered and "、" in text[:4]:
        number, _, rest = text.partition("、")
        # Word's list numbers: shown only where lists are not supported (every browser).
        return (f"<p class=MsoListParagraph style='margin-left:0cm;text-indent:32.0pt'><![if !supportLists]>"
                f"<span style='font-family:黑体'>{html.escape(number)}、<span style='font:7.0pt \"Times New Roman\"'>"
                f"&nbsp;&nbsp; </span></span><![endif]>{_runs(rest)}<span lang=EN-US><o:p></o:p></span></p>")
    return (f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'>{_runs(text)}"
            f"<span lang=EN-US><o:p></o:p></span></p>")


def _cell(text: str, width: int, colspan: int = 1) -> str:
    span = f" colspan={colspan}" if colspan > 1 else ""
    body = _runs(text) if text else "<span lang=EN-US>&nbsp;</span>"
    return (f"<td width={width}{span} valign=center style='width:{width * 0.75:.1f}pt;border:solid windowtext 1.0pt;\n"
            f"  padding:0cm 5.4pt 0cm 5.4pt'>\n  <p class=MsoNormal align=center style='text-align:center'>{body}"
            f"<span lang=EN-US><o:p></o:p></span></p>\n  </td>")


def table(rows: Table) -> str:
    """A table as Word writes it. A header row of one cell (申请人情况) is merged across the table."""
    width = max(len(r) for r in rows)
    out = ["<div align=center>",
           "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600\n"
           " style='border-collapse:collapse;border:none'>"]
    for row in rows:
        colspan = width if len(row) == 1 else 1
        out.append(" <tr style='height:20.0pt'>\n  " + "\n  ".join(_cell(t, 600 // width, colspan) for t in row)
                   + "\n </tr>")
    out += ["</table>", "</div>"]
    return "\n".join(out)


def page(blocks: list[tuple[str, str]]) -> str:
    """The page around the report's blocks: (heading, text), a table's text starting with NUL."""
    title = html.escape(blocks[0][1])
    body = [f"<p class=MsoNormal align=center style='text-align:center'><b>{_runs(blocks[0][1])}</b>"
            "<b><span lang=EN-US><o:p></o:p></span></b></p>",
            "<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"]
    for heading, text in blocks[1:]:
        if heading:
            body.append(_paragraph(heading, numbered=True))
        body.append(text[1:] if text.startswith("\x00") else _paragraph(text))
    return _HEAD.format(title=title) + "\n".join(body) + "\n" + _TAIL
