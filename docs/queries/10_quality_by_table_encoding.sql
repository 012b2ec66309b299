-- 各种表格写法的数据质量 · Data quality by the way a report wrote its tables
-- Cells without a value, and cells placed by position where the source merged cells.
SELECT
    table_encoding,
    count(*) AS reports,
    sum(n_cells) AS cells,
    sum(n_missing) AS cells_without_value,
    sum(n_inferred) AS cells_placed_by_position,
    round(sum(n_missing) / nullif(sum(n_cells), 0), 3) AS share_without_value
FROM mart_data_quality
WHERE duplicate_of IS NULL AND form_version IS NOT NULL
GROUP BY table_encoding
ORDER BY reports DESC, table_encoding;
