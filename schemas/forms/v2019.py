"""国办公开办函〔2019〕60号: the form of the 2019 and 2020 reports."""

from __future__ import annotations

from .common import APPEALS, CARRIED_OVER, RESULT_ROWS_HEAD, identities, requests_section
from .model import Column, FormVersion, Identity, Row, Section

DOCUMENT_COLUMNS = ("new_made", "new_published", "total_published")
ITEM_COLUMNS = ("prev_count", "change", "decisions")

ACTIVE = Section(
    code="active",
    number="二",
    title_zh="主动公开政府信息情况",
    title_en="Proactive disclosure (Article 20)",
    rows=(
        Row("rules", "规章", "Rules (规章)", columns=DOCUMENT_COLUMNS),
        Row("normative_docs", "规范性文件", "Normative documents", synonyms=("行政规范性文件",),
            columns=DOCUMENT_COLUMNS),
        Row("licensing", "行政许可", "Administrative licensing", columns=ITEM_COLUMNS),
        Row("other_services", "其他对外管理服务事项", "Other external management services", columns=ITEM_COLUMNS),
        Row("penalty", "行政处罚", "Administrative penalties", columns=ITEM_COLUMNS),
        Row("coercion", "行政强制", "Administrative coercion", columns=ITEM_COLUMNS),
        Row("fees", "行政事业性收费", "Administrative fees", columns=("prev_count", "change")),
        Row("procurement", "政府集中采购", "Centralised government procurement", columns=("projects", "amount")),
    ),
    columns=(
        Column("new_made", "本年新制作数量", "Newly made this year"),
        Column("new_published", "本年新公开数量", "Newly published this year"),
        Column("total_published", "对外公开总数量", "Total published"),
        Column("prev_count", "上一年项目数量", "Items last year"),
        Column("change", "本年增/减", "Change this year", signed=True, synonyms=("本年增减",)),
        Column("decisions", "处理决定数量", "Decisions"),
        Column("projects", "采购项目数量", "Procurement projects"),
        Column("amount", "采购总金额", "Total procurement amount", unit="元",
               default_money_unit="元", default_unit_assumed=True),
    ),
)

OTHER_ROWS = (Row("other", "（六）其他处理", "Other handling", group="results"),)

# What a body published this year cannot exceed all it has published.
PUBLISHED_WITHIN_TOTAL = Identity(
    "W3", "active", "row", ("new_published",), ("total_published",),
    "本年新公开数量≤对外公开总数量", "Newly published this year ≤ total published",
    relation="<=", severity="warning",
)

FORM = FormVersion(
    code="2019",
    title="国办公开办函〔2019〕60号《政府信息公开工作年度报告格式（试行）》",
    report_years="2019–2020",
    sections=(ACTIVE, requests_section(OTHER_ROWS), APPEALS),
    identities=identities(RESULT_ROWS_HEAD + ("other",)),
    markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "其他对外管理服务事项", "政府集中采购", "采购项目数量", "采购总金额"),
    soft_identities=(PUBLISHED_WITHIN_TOTAL,),
    continuities=(CARRIED_OVER,),
)
