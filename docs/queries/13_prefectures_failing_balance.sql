-- 勾稽关系最常不成立的地市 · The prefectures whose reports most often fail the 勾稽 balance (I1)
-- Counted over the reports whose balance can be evaluated (a blank cell leaves it unknown).
SELECT
    b.province,
    b.prefecture,
    b.prefecture_code,
    count(*) AS reports,
    count(q.balance_holds) AS evaluable,
    count(*) FILTER (WHERE NOT q.balance_holds) AS failing,
    round(count(*) FILTER (WHERE NOT q.balance_holds) / count(q.balance_holds), 3) AS failing_share
FROM mart_data_quality q
JOIN dim_body b USING (body_id)
WHERE q.form_version IS NOT NULL AND q.duplicate_of IS NULL AND b.prefecture_code IS NOT NULL
GROUP BY ALL
HAVING count(q.balance_holds) > 0
ORDER BY failing DESC, failing_share DESC, b.prefecture_code;
