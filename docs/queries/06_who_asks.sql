-- 谁在申请 · Who asks: requests received by type of applicant
-- Summed over the reports that give the column (a blank column is left out, not read as 0).
SELECT
    d.col_code,
    d.label_zh,
    d.label_en,
    q.received,
    q.reports_giving_it,
    round(q.received / sum(q.received) OVER (), 3) AS share
FROM (
    SELECT col_code, sum(received) AS received, count(received) AS reports_giving_it
    FROM mart_requests
    WHERE col_code <> 'total'
    GROUP BY col_code
) q
JOIN dim_col d ON d.section = 'requests' AND d.col_code = q.col_code
ORDER BY d.position;
