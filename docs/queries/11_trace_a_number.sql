-- 从数字回到原文 · From a number back to where the report wrote it
-- The requests one body received, cell by cell, with the text and the line of the decoded file.
SELECT
    r.source_file,
    f.col_code,
    d.label_zh,
    f.value,
    f.raw_text,
    f.source_line,
    f.flags
FROM facts f
JOIN reports r ON r.report_id = f.report_id AND r.superseded_by IS NULL AND r.removed_at IS NULL
  AND r.duplicate_of IS NULL
JOIN dim_col d ON d.section = f.section AND d.col_code = f.col_code
WHERE r.agency = '盐城经济技术开发区管理委员会' AND f.section = 'requests' AND f.row_code = 'received'
ORDER BY r.source_file, d.position;
