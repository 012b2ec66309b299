-- 勾稽关系不成立的机关 · Bodies whose 勾稽 balance fails
-- I1: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度, in every column. The report's numbers stay as it
-- wrote them; the finding says by how much the two sides differ.
SELECT
    r.agency,
    r.year,
    f.col_code,
    f.actual AS received_plus_carried_over,
    f.expected AS processed_plus_carried_forward,
    f.actual - f.expected AS difference,
    r.source_file
FROM findings f
JOIN reports r ON r.report_id = f.report_id AND r.superseded_by IS NULL AND r.duplicate_of IS NULL
WHERE f.rule = 'I1'
ORDER BY r.agency, r.year, f.col_code;
