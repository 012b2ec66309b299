-- 有问题的报告占比 · The share of reports with any finding, and with an error
-- Over the current version of every file that has a form; errors are broken identities and values the
-- form does not allow, warnings are what could not be checked or placed.
SELECT
    year,
    count(*) AS reports,
    count(*) FILTER (WHERE n_findings > 0) AS with_findings,
    round(count(*) FILTER (WHERE n_findings > 0) / count(*), 3) AS share_with_findings,
    count(*) FILTER (WHERE n_errors > 0) AS with_errors,
    round(count(*) FILTER (WHERE n_errors > 0) / count(*), 3) AS share_with_errors
FROM mart_data_quality
WHERE duplicate_of IS NULL AND form_version IS NOT NULL
GROUP BY year
ORDER BY year;
