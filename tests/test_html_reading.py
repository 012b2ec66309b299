"""The plain-tag reading of HTML tables gives exactly what the standard library's parser gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.encodings.html_tables import _feed_plain, _Reader

_PLAIN = [
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<TD colspan=\"2\">", "<th colspan='3' class=x>",
    "<td rowspan=2>", "<br/>", "<br>", "<p>", "</p>", "<div class=\"a b\">", "</div>", "<span>", "</span>",
    "本年新收", "自然人", "12", " 3 ", "&nbsp;", "&amp;", "&#20013;", "\n", "  ", "<td colspan>", "<td COLSPAN = 4 >",
    "<strong>二、</strong>", "主动公开政府信息情况", "a > b", "<td data-x='1>2'>",
]
_OTHER = ["<", "<!-- note -->", "<script>x<y</script>", "<!DOCTYPE html>", "< td>"]


def _both(text: str):
    lines = [n + 3 for n in range(text.count("\n") + 1)]  # lines of the decoded file start elsewhere
    fast = _Reader(lines)
    plain = _feed_plain(fast, text)
    slow = _Reader(lines)
    slow.feed(text)
    slow.close()
    return plain, fast.rows, slow.rows


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
    assert plain == (not any(p in _OTHER for p in pieces) and "'1>2'" not in "".join(pieces))
    if plain:
        assert fast == slow


def test_comments_and_scripts_go_through_the_standard_parser():
    plain, _, slow = _both("<table><tr><td>1</td><!-- <td>2</td> --></tr></table>")
    assert not plain
    assert [[c.text for c in row] for row in slow] == [["1"]]
