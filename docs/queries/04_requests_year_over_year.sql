-- 某机关申请量的逐年变化 · Year-over-year change in the requests one body received
-- Put the body you follow in `params`, in any spelling its reports use (dim_body.name_variants).
-- A year the body has no report for shows no change.
WITH params AS (SELECT '盐城经济技术开发区管理委员会' AS agency),
body AS (SELECT b.body_id FROM dim_body b JOIN params p ON list_contains(b.name_variants, p.agency))
SELECT
    a.agency,
    a.year,
    a.received,
    prev.received AS received_last_year,
    a.received - prev.received AS change,
    round((a.received - prev.received) / nullif(prev.received, 0), 3) AS change_rate
FROM mart_agency_year a
JOIN body USING (body_id)
LEFT JOIN mart_agency_year prev ON prev.body_id = a.body_id AND prev.year = a.year - 1
ORDER BY a.year;
