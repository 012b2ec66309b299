"""国办公开办函〔2021〕30号: the form of the reports from 2021 on."""

from __future__ import annotations

from .common import APPEALS, CARRIED_OVER, RESULT_ROWS_HEAD, identities, requests_section
from .model import Column, Continuity, FormVersion, Row, Section

DOCUMENT_COLUMNS = ("issued", "repealed", "in_force")

ACTIVE = Section(
    code="active",
    number="二",
    title_zh="主动公开政府信息情况",
    title_en="Proactive disclosure (Article 20)",
    rows=(
        Row("rules", "规章", "Rules (规章)", columns=DOCUMENT_COLUMNS),
        # Many 2021-form reports keep the 2019 wording 规范性文件.
        Row("normative_docs", "行政规范性文件", "Administrative normative documents", synonyms=("规范性文件",),
            columns=DOCUMENT_COLUMNS),
        Row("licensing", "行政许可", "Administrative licensing", columns=("decisions",)),
        Row("penalty", "行政处罚", "Administrative penalties", columns=("decisions",)),
        Row("coercion", "行政强制", "Administrative coercion", columns=("decisions",)),
        Row("fees", "行政事业性收费", "Administrative fees", columns=("amount",)),
    ),
    columns=(
        Column("issued", "本年制发件数", "Issued this year"),
        Column("repealed", "本年废止件数", "Repealed this year"),
        Column("in_force", "现行有效件数", "In force"),
        Column("decisions", "本年处理决定数量", "Decisions this year", synonyms=("处理决定数量",)),
        Column("amount", "本年收费金额（单位：万元）", "Fees collected this year", unit="元",
               synonyms=("本年收费金额",), default_money_unit="万元"),
    ),
)

OTHER_ROWS = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not correct the request in time", group="other"),
    Row("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not pay the fee in time", group="other"),
    Row("other_misc", "3.其他", "Other: miscellaneous", group="other"),
)

# The documents in force move by what was issued and repealed; a body may also re-count them, so
# this is a warning, compared only with a report of the same form (the 2019 form has no in_force).
IN_FORCE = Continuity(
    "W2", "active", "row", current="in_force", previous="in_force", plus=("issued",), minus=("repealed",),
    description_zh="现行有效件数＝上年现行有效件数＋本年制发件数－本年废止件数",
    description_en="In force = last year's in force + issued − repealed",
)

FORM = FormVersion(
    code="2021",
    title="国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》",
    report_years="2021–",
    sections=(ACTIVE, requests_section(OTHER_ROWS), APPEALS),
    identities=identities(RESULT_ROWS_HEAD + tuple(r.code for r in OTHER_ROWS)),
    markers=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
             "逾期不补正", "逾期未按收费通知"),
    continuities=(CARRIED_OVER, IN_FORCE),
)
