-- 勾稽关系不成立的机关 · Bodies whose 勾稽 balance fails
-- I1: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度, in every column. The figures are those of the
-- total column; `columns_failing` counts the columns (applicant types and total) where I1 fails, and
-- `findings` holds each with its numbers (rule = 'I1').
SELECT
    agency,
    year,
    findings_by_rule['I1'] AS columns_failing,
    received,
    carried_over,
    total_processed,
    carried_forward,
    received + carried_over - total_processed - carried_forward AS difference
FROM mart_agency_year
WHERE balance_holds = false
ORDER BY agency, year;
