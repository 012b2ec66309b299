-- 最常见的不予公开理由 · The most common reasons for refusing a request
-- Every refused_* column of mart_requests (the rows of （三）不予公开), added up over all reports' total
-- column in one pass (requests refused, and reports that refused any for that reason), then one row per
-- reason with its labels from dim_row. A report that leaves a reason blank adds nothing to it.
SELECT
    d.row_code,
    d.label_zh,
    d.label_en,
    t.per_reason.requests AS requests_refused,
    t.per_reason.reports AS reports_using_it
FROM (
    UNPIVOT (
        SELECT struct_pack(requests := sum(COLUMNS('^refused_.')), reports := count_if(COLUMNS('^refused_.') > 0))
        FROM mart_requests
        WHERE col_code = 'total'
    ) ON COLUMNS(*) INTO NAME row_code VALUE per_reason
) t
JOIN dim_row d ON d.section = 'requests' AND d.row_code = t.row_code
WHERE d.group_code = 'refused'
ORDER BY requests_refused DESC NULLS LAST, d.position;
