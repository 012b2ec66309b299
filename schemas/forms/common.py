"""Parts both form versions share: the applicant columns of 三, most of its rows, all of 四, and the
identities. A version module picks from here and adds what is its own."""

from __future__ import annotations

from .model import Column, Continuity, Identity, Row, Section

REQUEST_COLUMNS = (
    Column("natural_person", "自然人", "Natural persons"),
    Column("commercial", "商业企业", "Commercial enterprises", synonyms=("商业", "企业")),
    Column("research", "科研机构", "Research institutions"),
    Column("social_org", "社会公益组织", "Public-interest organisations", synonyms=("社会组织",)),
    Column("legal_service", "法律服务机构", "Legal service institutions"),
    Column("other_org", "其他", "Other legal persons or organisations"),
    Column("total", "总计", "Total", synonyms=("合计",)),
)
APPLICANT_COLUMNS = tuple(c.code for c in REQUEST_COLUMNS if c.code != "total")

GROUPS = {
    "results": "三、本年度办理结果",
    "refused": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
GROUPS_EN = {
    "results": "Results of this year's requests",
    "refused": "Refused",
    "unable": "Unable to provide",
    "not_processed": "Not processed",
    "other": "Other handling",
}

REQUEST_HEAD_ROWS = (
    Row("received", "一、本年新收政府信息公开申请数量", "New requests received this year"),
    Row("carried_over", "二、上年结转政府信息公开申请数量", "Requests carried over from last year"),
    Row("granted", "（一）予以公开", "Granted", group="results"),
    Row("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "Partly granted",
        synonyms=("（二）部分公开（区分处理的，只记这一情形，不记其他情形）", "（二）部分公开"), group="results"),
    Row("refused_state_secret", "1.属于国家秘密", "Refused: state secret", group="refused"),
    Row("refused_prohibited_by_law", "2.其他法律行政法规禁止公开", "Refused: prohibited by other laws or regulations",
        group="refused"),
    Row("refused_three_security_one_stability", "3.危及“三安全一稳定”",
        "Refused: endangers the three securities and one stability", synonyms=("3.危及三安全一稳定",),
        group="refused"),
    Row("refused_third_party", "4.保护第三方合法权益", "Refused: protects a third party's lawful rights",
        group="refused"),
    Row("refused_internal_affairs", "5.属于三类内部事务信息", "Refused: internal-affairs information", group="refused"),
    Row("refused_process_info", "6.属于四类过程性信息", "Refused: process information", group="refused"),
    Row("refused_enforcement_file", "7.属于行政执法案卷", "Refused: administrative enforcement file", group="refused"),
    Row("refused_query_matter", "8.属于行政查询事项", "Refused: administrative query matter", group="refused"),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", "Unable: information not held", group="unable"),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", "Unable: would need to be created", group="unable"),
    Row("unable_unclear", "3.补正后申请内容仍不明确", "Unable: request still unclear after correction",
        group="unable"),
    Row("not_processed_petition", "1.信访举报投诉类申请", "Not processed: petition, report or complaint",
        synonyms=("1.信访投诉举报类申请",), group="not_processed"),
    Row("not_processed_duplicate", "2.重复申请", "Not processed: repeated request", group="not_processed"),
    Row("not_processed_publication", "3.要求提供公开出版物", "Not processed: asks for a publication",
        group="not_processed"),
    Row("not_processed_abusive", "4.无正当理由大量反复申请", "Not processed: mass repeated requests without cause",
        group="not_processed"),
    Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息",
        "Not processed: asks to confirm or reissue information already obtained", group="not_processed"),
)

REQUEST_TAIL_ROWS = (
    Row("total_processed", "（七）总计", "Total processed", synonyms=("（七）合计",), group="results"),
    Row("carried_forward", "四、结转下年度继续办理", "Carried forward to next year"),
)

RESULT_ROWS_HEAD = tuple(r.code for r in REQUEST_HEAD_ROWS if r.group and r.code not in ("total_processed",))


def requests_section(other_rows: tuple[Row, ...]) -> Section:
    return Section(
        code="requests",
        number="三",
        title_zh="收到和处理政府信息公开申请情况",
        title_en="Requests for government information received and processed",
        rows=REQUEST_HEAD_ROWS + other_rows + REQUEST_TAIL_ROWS,
        columns=REQUEST_COLUMNS,
        groups=GROUPS,
        groups_en=GROUPS_EN,
    )


APPEAL_COLUMNS = (
    Column("upheld", "结果维持", "Upheld", synonyms=("结果维护",)),
    Column("corrected", "结果纠正", "Corrected"),
    Column("other", "其他结果", "Other outcome"),
    Column("pending", "尚未审结", "Pending"),
    Column("total", "总计", "Total", synonyms=("合计",)),
)

APPEALS = Section(
    code="appeals",
    number="四",
    title_zh="政府信息公开行政复议、行政诉讼情况",
    title_en="Administrative reviews and lawsuits about disclosure",
    rows=(
        Row("review", "行政复议", "Administrative review"),
        Row("suit_direct", "未经复议直接起诉", "Lawsuit without prior review", group="litigation"),
        Row("suit_after_review", "复议后起诉", "Lawsuit after review", group="litigation"),
    ),
    columns=APPEAL_COLUMNS,
    groups={"litigation": "行政诉讼"},
    groups_en={"litigation": "Administrative litigation"},
)


def identities(result_rows: tuple[str, ...]) -> tuple[Identity, ...]:
    return (
        Identity("I1", "requests", "col", ("received", "carried_over"), ("total_processed", "carried_forward"),
                 "勾稽：本年新收＋上年结转＝办理结果总计＋结转下年度",
                 "Balance: received + carried over = total processed + carried forward"),
        Identity("I2", "requests", "col", ("total_processed",), result_rows,
                 "办理结果总计＝各项办理结果之和",
                 "Total processed = sum of the result rows"),
        Identity("I3", "requests", "row", ("total",), APPLICANT_COLUMNS,
                 "总计＝自然人与各类法人或其他组织之和",
                 "Total = sum of the six applicant columns"),
        Identity("T4", "appeals", "row", ("total",), ("upheld", "corrected", "other", "pending"),
                 "总计＝结果维持＋结果纠正＋其他结果＋尚未审结",
                 "Total = upheld + corrected + other + pending"),
    )


# Both versions carry the same rows of 三, so a 2021-form report continues a 2020 (2019-form) one.
CARRIED_OVER = Continuity(
    "W1", "requests", "col", current="carried_over", previous="carried_forward",
    description_zh="本年“上年结转政府信息公开申请数量”＝上年报告“结转下年度继续办理”",
    description_en="Carried over this year = carried forward in last year's report",
)
