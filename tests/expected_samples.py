"""Every cell of the five bundled samples, read off the files by eye.

Rows list their values in the form's column order; N is a cell the warehouse must hold as NULL
(blank in the source, or a column the source merged away).
"""

N = None
Z3, Z7, Z15 = [0] * 3, [0] * 7, [0] * 15

REFUSED = ["refused_state_secret", "refused_prohibited_by_law", "refused_three_security_one_stability",
           "refused_third_party", "refused_internal_affairs", "refused_process_info", "refused_enforcement_file",
           "refused_query_matter"]
UNABLE = ["unable_not_held", "unable_needs_creation", "unable_unclear"]
NOT_PROCESSED = ["not_processed_petition", "not_processed_duplicate", "not_processed_publication",
                 "not_processed_abusive", "not_processed_confirmation"]
RESULT_ROWS = ["granted", "partly_granted", *REFUSED, *UNABLE, *NOT_PROCESSED, "other", "total_processed"]


def _appeals(values):
    return {("appeals", "review"): values[0:5], ("appeals", "suit_direct"): values[5:10],
            ("appeals", "suit_after_review"): values[10:15]}


def _requests(rows: dict) -> dict:
    return {("requests", r): v for r, v in rows.items()}


def _active(rows: dict) -> dict:
    return {("active", r): v for r, v in rows.items()}


ZERO_ACTIVE_ITEMS = {"licensing": Z3, "other_services": Z3, "penalty": Z3, "coercion": Z3, "fees": [0, 0]}

SAMPLES = {
    "000_4a5927c6b61291aa.txt": {
        **_active({"rules": Z3, "normative_docs": [5, 5, 78], **ZERO_ACTIVE_ITEMS, "procurement": [0, 0]}),
        **_requests({
            "received": [5, 0, 0, 0, 0, 0, 0], "carried_over": Z7,
            **{r: Z7 for r in RESULT_ROWS},
            "granted": [4, 0, 0, 0, 0, 0, 4], "unable_not_held": [1, 0, 0, 0, 0, 0, 1],
            "total_processed": [5, 0, 0, 0, 0, 0, 5], "carried_forward": Z7,
        }),
        **_appeals(Z15),
    },
    # Rows of 三 are one merged cell: its value ends at the last column, the total.
    "001_605866c201a9c82d.txt": {
        **_active({"rules": Z3, "normative_docs": Z3, **ZERO_ACTIVE_ITEMS, "procurement": [14, 104150]}),
        **_requests({
            **{r: [N, N, N, N, N, N, 0] for r in ["received", "carried_over", *RESULT_ROWS]},
            "carried_forward": Z7,
        }),
        **_appeals(Z15),
    },
    # From 三、本年度办理结果 on, rows have 5 cells for 7 columns: only the first and last can be placed.
    "002_d99c8dcb44f53e53.txt": {
        **_active({"rules": Z3, "normative_docs": [1, 1, 1], **ZERO_ACTIVE_ITEMS, "procurement": [1, 3000644.004]}),
        **_requests({
            "received": Z7, "carried_over": Z7,
            **{r: [0, N, N, N, N, N, 0] for r in [*RESULT_ROWS, "carried_forward"]},
        }),
        **_appeals(Z15),
    },
    "003_f38378f0edcefb48.txt": {
        **_active({
            "rules": [32, 3, 3], "normative_docs": [129, 30, 30], "licensing": [4420, 801, 11488],
            "other_services": [749, 111, 3122], "penalty": [361, 73, 521], "coercion": [8, -7, 1],
            "fees": [2, 5], "procurement": [121, 129_000_000],
        }),
        **_requests({
            **{r: Z7 for r in RESULT_ROWS},
            "received": [38, 0, 0, 0, 0, 0, 38], "carried_over": [1, 0, 0, 0, 0, 0, 1],
            "granted": [10, 0, 0, 0, 0, 0, 10], "partly_granted": [14, 0, 0, 0, 0, 0, 14],
            "refused_third_party": [1, 0, 0, 0, 0, 0, 1], "refused_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
            "refused_process_info": [1, 0, 0, 0, 0, 0, 1], "refused_query_matter": [1, 0, 0, 0, 0, 0, 1],
            "unable_not_held": [10, N, 0, 0, 0, 0, 10],
            "total_processed": [38, 0, 0, 0, 0, 0, 38], "carried_forward": [1, 0, 0, 0, 0, 0, 1],
        }),
        **_appeals([0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]),
    },
    # 三's result rows have a blank first cell, three merged cells and the total.
    "004_a167b1e233f24ae1.txt": {
        **_active({
            "rules": Z3, "normative_docs": [15, 15, 177], "licensing": [566, -418, 10949], "other_services": Z3,
            "penalty": [3542, -2003, 2396], "coercion": [220, -32, 170], "fees": [22, 0],
            "procurement": [217, 203_680_000],
        }),
        **_requests({
            "received": [23, 0, 0, 0, 0, 0, 23], "carried_over": Z7,
            **{r: [N, N, N, N, N, N, 0] for r in RESULT_ROWS},
            "granted": [N, N, N, N, N, N, 20], "refused_third_party": [N, N, N, N, N, N, 2],
            "refused_internal_affairs": [N, N, N, N, N, N, 1], "total_processed": [N, N, N, N, N, N, 23],
            "carried_forward": [0, N, N, N, N, N, 0],
        }),
        **_appeals(Z15),
    },
}
