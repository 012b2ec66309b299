-- 最常见的不予公开理由 · The most common reasons for refusing a request
-- Every refused_* column of mart_requests (the rows of （三）不予公开), summed over all reports' total
-- column, with its labels from dim_row. A report that leaves a reason blank adds nothing to it.
SELECT
    d.row_code,
    d.label_zh,
    d.label_en,
    sum(u.value) AS requests_refused,
    count(*) FILTER (WHERE u.value > 0) AS reports_using_it
FROM (
    UNPIVOT (SELECT report_id, COLUMNS('^refused_.') FROM mart_requests WHERE col_code = 'total')
    ON COLUMNS('^refused_.') INTO NAME row_code VALUE value
) u
JOIN dim_row d ON d.section = 'requests' AND d.row_code = u.row_code
WHERE d.group_code = 'refused'
GROUP BY d.row_code, d.label_zh, d.label_en, d.position
ORDER BY requests_refused DESC NULLS LAST, d.position;
