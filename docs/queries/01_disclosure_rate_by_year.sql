-- 各年度公开率 · Disclosure rate by year
-- (予以公开 + 部分公开) ÷ 办理结果总计, pooled over the reports whose total column gives all three
-- figures (a blank is not a zero: a report that leaves one blank is left out, and counted apart).
SELECT
    year,
    count(*) FILTER (WHERE granted IS NOT NULL AND partly_granted IS NOT NULL AND total_processed IS NOT NULL)
        AS reports,
    count(*) FILTER (WHERE granted IS NULL OR partly_granted IS NULL OR total_processed IS NULL)
        AS reports_left_out,
    sum(granted + partly_granted) AS granted_or_partly,
    sum(total_processed) FILTER (WHERE granted IS NOT NULL AND partly_granted IS NOT NULL) AS processed,
    round(sum(granted + partly_granted)
          / nullif(sum(total_processed) FILTER (WHERE granted IS NOT NULL AND partly_granted IS NOT NULL), 0), 3)
        AS disclosure_rate
FROM mart_requests
WHERE col_code = 'total'
GROUP BY year
ORDER BY year;
