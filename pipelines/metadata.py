"""Who published a report, for which year, when, and on which form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schemas.forms import FORMS

from .text import normalise

_TITLE = re.compile(
    r"(?P<agency>[^\n。，,；;：:]{2,60}?)\s*(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*(?:度)?\s*"
    r"(?:本级)?\s*政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)"
)
_YEAR_ONLY = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*政府信息公开(?:工作)?(?:年度)?报告")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_AGENCY_SUFFIX = re.compile(r"(人民政府|委员会|管理局|局|厅|办公室|管委会|政府|中心|委|院|署|部|所|处|室|街道办事处|街道|镇|乡)$")
TITLE_LINES = 8  # a title is within the first lines of the text (it may wrap over two)
SIGNATURE_LINES = 8


@dataclass(frozen=True)
class Meta:
    agency: str | None
    year: int | None
    published: str | None
    has_title: bool


def metadata(text: str) -> Meta:
    lines = [unicodedata.normalize("NFKC", l).strip() for l in text.split("\n")]
    head_lines = [l for l in lines if l][:TITLE_LINES]
    # Wrapped titles (樟树市机关事务管理局2020年政府 / 信息公开工作年度报告): join the head lines.
    head = "".join(head_lines)
    agency = year = None
    m = _TITLE.search(head)
    if m:
        agency = _clean_agency(m.group("agency"))
        year = int(m.group("year"))
    else:
        m = _YEAR_ONLY.search(text[:5000])
        if m:
            year = int(m.group("year"))
    tail = [l for l in lines if l][-SIGNATURE_LINES:]
    published = None
    for i in range(len(tail) - 1, -1, -1):
        d = _DATE.fullmatch(tail[i].replace(" ", ""))
        if d:
            published = f"{int(d['y']):04d}-{int(d['m']):02d}-{int(d['d']):02d}"
            if agency is None and i > 0 and _AGENCY_SUFFIX.search(tail[i - 1]):
                agency = tail[i - 1]
            break
    return Meta(agency, year, published, m is not None)


def _clean_agency(raw: str) -> str | None:
    agency = re.sub(r"\s+", "", raw)
    agency = re.sub(r"^(?:附件\d*[:：]?|关于)", "", agency)
    agency = agency.strip("《》“”\"' ")
    return agency or None


def form_version(text: str) -> str | None:
    """The form version whose own labels the text has most of; None when it has none of them."""
    folded = normalise(text)
    scores = {code: sum(1 for k in f.markers if normalise(k) in folded) for code, f in FORMS.items()}
    best = max(scores, key=lambda c: scores[c])
    return best if scores[best] > 0 else None


# Words of a pre-2019 free-form report (its 统计表 and its chapters).
LEGACY_MARKERS = ("政府信息公开情况统计表", "依申请公开情况", "因政府信息公开申请提起行政复议", "政府信息公开的收费及减免情况",
                  "主动公开政府信息的情况", "依申请公开政府信息的情况", "主动公开政府信息情况")
REPORT_WORDS = ("政府信息公开", "年度报告")
