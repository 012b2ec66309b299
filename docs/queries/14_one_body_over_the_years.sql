-- 一个机关的历年数据 · One body over the years
-- Put any spelling of the body's name in `params`: every spelling is one body (dim_body.name_variants).
-- Each year beside the body's previous report, and W1 (carried over = last year's carried forward).
WITH params AS (SELECT '樟树市机关事务管理局' AS name),
body AS (SELECT b.body_id FROM dim_body b JOIN params p ON list_contains(b.name_variants, p.name))
SELECT
    t.year,
    t.agency,
    t.received,
    t.previous_year,
    t.previous_received,
    t.received_change,
    t.total_processed,
    round(t.disclosure_rate, 3) AS disclosure_rate,
    t.carried_over,
    t.previous_carried_forward,
    t.w1_holds
FROM mart_body_trend t
JOIN body USING (body_id)
ORDER BY t.year;
