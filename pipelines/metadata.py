"""Who published a report, for which year, when, and on which form; and what a file without the
form's tables is.

A report names itself in its title (平潭综合实验区2021年度政府信息公开工作年度报告, or 2024年上海市科委…),
may sign off with its agency and a date, and pages saved from a website carry an archive header
(标题: …, 发布时间: …) before the line that opens the 正文. The form version is told by the labels only
one version has (schemas/forms: `markers`), not by the year a report claims.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from schemas.forms import FORMS

from .labels import key
from .model import LEGACY, NOT_A_REPORT, PARTIAL
from .text import nfkc_text, normalise

_REPORT = r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)"
# Agency then year (桃江经济开发区2020年政府信息公开工作年度报告), or year then agency (2024年上海市科委…).
_TITLE_AGENCY_FIRST = re.compile(
    r"(?P<agency>[^。，,；;：:、\s]{2,60}?)(?P<year>(?:19|20)\d{2})年(?:度)?(?:本级)?" + _REPORT)
_TITLE_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d{2})年(?:度)?(?P<agency>[^。，,；;：:、\s]{2,40}?)" + _REPORT)
_YEAR_ONLY = re.compile(r"(?P<year>(?:19|20)\d{2})年(?:度)?" + _REPORT)
# Words of a web page's breadcrumb, which can stand before a title on the same line.
# And the labels of a page's information table before the title's cell (索引号 … 名称 | 标题).
_BREADCRUMB = re.compile(r".*(?:当前位置|首页|政府信息公开年报|信息公开年报|年报专栏|标题|名称|题目)")
_AGENCY_PREFIX = re.compile(r"^(?:附件\d*|关于|《)+")
_NOT_AGENCY = re.compile(r"政府信息|公开|关于|通知|工作|情况|报告|要点|事项")
HEAD_CHARS = 300  # a title is within the first characters of a text
_AGENCY_SUFFIX = re.compile(
    r"(人民政府|委员会|管理局|局|厅|办公室|管委会|政府|中心|委|院|署|部|所|处|室|街道办事处|街道|镇|乡|区|县|市)$")

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二][〇○零一二三四五六七八九]{3})\s*年\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
# A web-archive header: "key: value" lines, closed by a line such as "===== 正文 =====".
_ARCHIVE_FIELD = re.compile(r"^(?P<key>[^:：\s]{1,8})\s*[:：]\s*(?P<value>.*)$")
_ARCHIVE_END = re.compile(r"^\W*正文\W*$")
ARCHIVE_LINES = 20  # the header is within the first lines
TITLE_LINES = 8  # a title is within the first lines of the text (it may wrap over two)
SIGNATURE_LINES = 8  # the closing agency and date are within the last lines
INLINE_TAIL = 160  # text flattened from a web page ends "… 平潭综合实验区管委会办公室 2014年12月10日 附件下载"
TRAILER = 12  # characters a closing date may be followed by on its line (附件下载)
HEAD_DATE_LINES = 12  # a page prints its publication date within the first lines, under the title
_LABELLED_DATE = re.compile(r"(?:发布|发文|成文|印发)?(?:时间|日期)\s*[:：]?\s*(?P<date>(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})")
# What a name never holds: tags, and the characters of markup and Markdown (headings, emphasis, cells).
_TAG = re.compile(r"<[^<>]*>")
_MARKUP_CHARS = re.compile(r"[<>#|*{}`]")
_RULE_LINE = re.compile(r"^[\s|:=*_-]+$")  # a Markdown rule or a table's separator row


@dataclass(frozen=True)
class Meta:
    agency: str | None
    year: int | None
    published: str | None  # ISO date
    has_title: bool
    title: str | None = None  # as the archive header or the title lines give it
    archive: dict[str, str] = field(default_factory=dict)


def metadata(text: str, title: str | None = None) -> Meta:
    """Metadata from a document's text, and from its title (a page's <title>, a file's title property)
    where it has one."""
    # NFKC maps no character to a line break and composes none with one: the text is normalised once,
    # not line by line.
    lines = [line.strip() for line in nfkc_text(text).split("\n")]
    archive, body = _archive_header(lines)
    body = [line for line in body if line]
    titles = [archive.get("标题", "")] if archive.get("标题") else []
    if title:
        titles.append(unicodedata.normalize("NFKC", title))
    # Wrapped titles (樟树市机关事务管理局2020年政府 / 信息公开工作年度报告): the head lines joined.
    titles.append("".join(re.sub(r"\s+", "", _clean_name(line)) for line in body[:TITLE_LINES]
                          if not _RULE_LINE.match(line)))
    agency = year = title = None
    for candidate in titles:
        found = _title(re.sub(r"\s+", "", candidate))
        if found:
            agency, year, title = found
            break
    if year is None:
        m = _YEAR_ONLY.search(re.sub(r"\s+", "", "".join(body[:TITLE_LINES * 4]))[:5000])
        year = int(m["year"]) if m else None
    closing, signature = _closing(body)
    published = closing or _date(archive.get("发布时间", ""), _ISO_DATE) or _head_date(body)
    agency = agency or signature or _clean_name(archive.get("发布机构", "")) or None
    return Meta(agency, year, published, title is not None, title or (titles[0] if archive.get("标题") else None),
                archive)


def _archive_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    for i, line in enumerate(lines[:ARCHIVE_LINES]):
        if _ARCHIVE_END.match(line) and "=" in line:
            fields = {}
            for head in lines[:i]:
                m = _ARCHIVE_FIELD.match(head)
                if m and m["value"].strip():
                    fields[m["key"]] = m["value"].strip()
            return fields, lines[i + 1:]
    return {}, lines


def _title(text: str) -> tuple[str, int, str] | None:
    """Agency, year and title from the start of a text whose spaces are squeezed out."""
    head = text[:HEAD_CHARS]
    for pattern in (_TITLE_AGENCY_FIRST, _TITLE_YEAR_FIRST):
        for m in pattern.finditer(head):
            agency = _clean_agency(m["agency"])
            if agency:
                return agency, int(m["year"]), m.group(0)
    return None


def _clean_name(raw: str) -> str:
    """A name without markup or Markdown around or inside it (<b>, # headings, **bold**, | cells)."""
    return _MARKUP_CHARS.sub("", _TAG.sub("", raw)).strip()


def _head_date(body: list[str]) -> str | None:
    """A date labelled as the publication's near the top, as pages print it under the title
    (发布时间：2023-02-20 15:07, 日期：2023年2月20日)."""
    for line in body[:HEAD_DATE_LINES]:
        m = _LABELLED_DATE.search(line)
        if m:
            date = _date(m["date"], _ISO_DATE) or _date(m["date"], _DATE)
            if date:
                return date
    return None


def _clean_agency(raw: str) -> str | None:
    """The body's name, or None when the words are no name (…2014年政府信息公开工作要点…年度报告有关事项)."""
    agency = _BREADCRUMB.sub("", _clean_name(raw))
    agency = _AGENCY_PREFIX.sub("", agency).strip("《》“”\"' ")
    return agency if len(agency) >= 2 and not _NOT_AGENCY.search(agency) else None


def _closing(body: list[str]) -> tuple[str | None, str | None]:
    """The closing date and the agency signed above it (or before it on the same line)."""
    tail = body[-SIGNATURE_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        squeezed = re.sub(r"\s+", "", tail[i])
        m = _DATE.fullmatch(squeezed) or _ISO_DATE.fullmatch(squeezed)
        if m:
            date = _iso(m)
            if date:
                above = tail[i - 1] if i > 0 else ""
                above = _clean_name(above)
                return date, (above if _AGENCY_SUFFIX.search(above) and len(above) <= 40 else None)
    # Web-page text on one line: a date near the end, after a space, followed by little or nothing.
    end = body[-1] if body else ""
    for m in reversed(list(_DATE.finditer(end, max(0, len(end) - INLINE_TAIL)))):
        before, after = end[:m.start()], end[m.end():]
        if before[-1:].isspace() and len(after.strip()) <= TRAILER and not re.search(r"[。，；,;]", after):
            date = _iso(m)
            if date:
                words = before.split()
                name = _clean_name(words[-1]) if words else ""
                signature = name if name and _AGENCY_SUFFIX.search(name) else None
                return date, signature
    return None, None


def _date(text: str, pattern: re.Pattern) -> str | None:
    m = pattern.search(text)
    return _iso(m) if m else None


def _iso(m: re.Match) -> str | None:
    try:
        return dt.date(_number(m["y"]), _number(m["m"]), _number(m["d"])).isoformat()
    except ValueError:
        return None


def _number(text: str) -> int:
    """Arabic digits, or Chinese ones: 二〇二一 digit by digit, 二十五 as a number."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


# --- the form version -----------------------------------------------------------------------------------

MIN_MARKERS = 2  # a version's own labels a text must hold to be on that version
# Or: labels of the tables of 三 and 四 (both versions) a text must hold to be on a form at all. A
# free-form report mentions a few of them (行政复议, 部分公开) in its prose; a form report has them all.
MIN_TABLE_LABELS = 8
SHORT_LABEL = 3  # keys this short (其他, 总计) say nothing on their own


def form_version(text: str, year: int | None = None) -> str | None:
    """The form version whose own labels the text has most of. When the text has the form's tables but
    no version's own labels tell which (二 missing, say), the version of the report year; else None."""
    folded = normalise(text)
    markers = {code: sum(1 for k in f.markers if normalise(k) in folded) for code, f in FORMS.items()}
    ranked = sorted(markers, key=lambda c: -markers[c])
    best = ranked[0]
    clear = markers[best] >= MIN_MARKERS and (len(ranked) == 1 or markers[best] > markers[ranked[1]])
    if clear:
        return best
    if table_labels(folded) < MIN_TABLE_LABELS or year is None:
        return None
    # The newest version in use by the report year.
    in_use = [f for f in FORMS.values() if _first_year(f) <= year]
    return max(in_use, key=_first_year).code if in_use else None


def table_labels(folded: str) -> int:
    """How many distinct row labels of 三 and 四 (of any version) a normalised text holds."""
    keys = {key(label) for f in FORMS.values() for code in ("requests", "appeals")
            for row in f.section(code).rows for label in row.labels}
    return sum(1 for k in keys if len(k) > SHORT_LABEL and k in folded)


def _first_year(form) -> int:
    return int(form.report_years[:4])  # "2019–2020", "2021–"


# --- files without the form's tables ------------------------------------------------------------------------

# Words of a pre-2019 free-form report: its statistics table and its chapters.
LEGACY_MARKERS = ("政府信息公开情况统计表", "主动公开政府信息的情况", "主动公开政府信息情况", "依申请公开政府信息的情况",
                  "政府信息依申请公开", "因政府信息公开申请提起行政复议", "政府信息公开的收费及减免情况")
LEGACY_BEFORE = 2019  # the fixed forms start with the 2019 reports


def without_form(text: str, meta: Meta) -> tuple[str, str]:
    """Status and reason of a file on neither form: a free-form report from before the forms
    (legacy_format), a report whose tables are missing (partial), or no report at all (not_a_report)."""
    folded = normalise(text)
    legacy = [w for w in LEGACY_MARKERS if normalise(w) in folded]
    early = meta.year is not None and meta.year < LEGACY_BEFORE
    if meta.has_title and (early or legacy):
        when = f"a {meta.year} report" if meta.year else "a report"
        words = f"; it has {'、'.join(legacy)}" if legacy else ""
        return LEGACY, f"{when} in the free form used before the 2019 form{words}"
    if meta.has_title:
        return PARTIAL, f"titled as an annual report ({meta.title}), but the tables of neither form were found"
    if legacy and early:
        return LEGACY, f"a {meta.year} text in the free form used before the 2019 form; it has {'、'.join(legacy)}"
    named = f" (its title: {meta.title})" if meta.title else ""
    return NOT_A_REPORT, f"no 政府信息公开工作年度报告 title and none of the form's tables{named}"
