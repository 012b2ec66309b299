-- 谁在申请 · Who asks: requests received by type of applicant
-- Summed over the reports that give the column (a blank column is left out, not read as 0).
SELECT
    d.col_code,
    d.label_zh,
    d.label_en,
    sum(q.received) AS received,
    count(q.received) AS reports_giving_it,
    round(sum(q.received) / sum(sum(q.received)) OVER (), 3) AS share
FROM mart_requests q
JOIN dim_col d ON d.section = 'requests' AND d.col_code = q.col_code
WHERE NOT d.is_total
GROUP BY d.col_code, d.label_zh, d.label_en, d.position
ORDER BY d.position;
