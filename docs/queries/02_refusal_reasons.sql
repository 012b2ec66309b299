-- 最常见的不予公开理由 · The most common reasons for refusing a request
-- Every row of the （三）不予公开 group, from the form description (dim_row.group_code), summed over
-- all reports' total column.
SELECT
    d.row_code,
    d.label_zh,
    d.label_en,
    sum(f.value) AS requests_refused,
    count(*) FILTER (WHERE f.value > 0) AS reports_using_it
FROM facts f
JOIN reports r ON r.report_id = f.report_id AND r.superseded_by IS NULL AND r.duplicate_of IS NULL
JOIN dim_row d ON d.section = f.section AND d.row_code = f.row_code
WHERE d.group_code = 'refused' AND f.col_code = 'total'
GROUP BY d.row_code, d.label_zh, d.label_en, d.position
ORDER BY requests_refused DESC NULLS LAST, d.position;
