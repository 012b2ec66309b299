"""The plain-tag reading of HTML tables gives exactly what the standard library's parser gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.encodings.html_tables import _read_plain, _Reader

_PLAIN = [
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<TD colspan=\"2\">", "<th colspan='3' class=x>",
    "<td rowspan=2>", "<br/>", "<br>", "<p>", "</p>", "<div class=\"a b\">", "</div>", "<span>", "</span>",
    "本年新收", "自然人", "12", " 3 ", "&nbsp;", "&amp;", "&#20013;", "\n", "  ", "<td colspan>", "<td COLSPAN = 4 >",
    "<strong>二、</strong>", "主动公开政府信息情况", "a > b", "<td data-x='1>2'>",
]
_OTHER = ["<", "<!-- note -->", "<script>x<y</script>", "<!DOCTYPE html>", "< td>"]


def _both(text: str):
    # Lines of the decoded file start elsewhere than the section's text.
    lines = [(n + 3, t) for n, t in enumerate(text.split("\n"))]
    fast = _read_plain(lines, text)
    slow = _Reader(lines)
    slow.feed(text)
    slow.close()
    return fast is not None, fast, slow.rows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN), max_size=60))
def test_plain_tags_read_as_the_standard_parser_reads_them(pieces):
    plain, fast, slow = _both("".join(pieces))
    assert plain or "'1>2'" in "".join(pieces)  # a ">" inside a quoted value is left to the standard parser
    if plain:
        assert fast == slow


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN + _OTHER), max_size=40))
def test_anything_else_is_left_to_the_standard_parser(pieces):
    plain, fast, slow = _both("".join(pieces))
    # A lone "<" followed by "a > b" is the plain tag <a >, whichever parser reads it.
    strays_open_tags = all(pieces[i + 1:i + 2] == ["a > b"] for i, p in enumerate(pieces) if p == "<")
    others = [p for p in _OTHER if p != "<"]
    assert plain == (not any(p in others for p in pieces) and strays_open_tags
                     and "'1>2'" not in "".join(pieces))
    if plain:
        assert fast == slow


def test_comments_and_scripts_go_through_the_standard_parser():
    plain, _, slow = _both("<table><tr><td>1</td><!-- <td>2</td> --></tr></table>")
    assert not plain
    assert [[c.text for c in row] for row in slow] == [["1"]]


def test_line_of_each_cell_is_where_its_text_starts():
    text = "<table>\n<tr><td>\n\n  自然人</td><td></td>\n<td colspan=2>&nbsp;\n12</td></tr></table>\n<p>说明</p>"
    lines = [(n + 10, t) for n, t in enumerate(text.split("\n"))]
    plain, fast, slow = _both(text)
    assert plain and fast == slow
    rows = _read_plain(lines, text)
    # Text after leading newlines is on a later line; a blank cell is on its tag's line.
    assert [(c.text, c.line, c.span) for c in rows[0]] == [("自然人", 13, 1), ("", 13, 1), ("12", 15, 2)]
    assert rows[1][0].outside_table and rows[1][0].line == 16
