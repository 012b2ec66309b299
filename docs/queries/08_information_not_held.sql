-- “本机关不掌握相关政府信息”的比例 · Which bodies most often answer "we do not hold it"
-- Share of all requests processed, for the reports that processed any.
SELECT
    agency,
    year,
    unable_not_held,
    total_processed,
    round(unable_not_held / total_processed, 3) AS share_not_held
FROM mart_requests
WHERE col_code = 'total' AND total_processed > 0
ORDER BY share_not_held DESC NULLS LAST, agency
LIMIT 20;
