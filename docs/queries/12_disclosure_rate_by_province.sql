-- 各省的公开率 · Disclosure rate by province
-- Over the reports of the bodies placed in a province (dim_body); a report that leaves a figure blank
-- is left out of the rate, never read as 0. region_level = 'prefecture' gives the same by prefecture.
SELECT
    region AS province,
    region_code AS province_code,
    year,
    n_reports,
    n_bodies,
    received,
    total_processed,
    round(disclosure_rate, 3) AS disclosure_rate
FROM mart_region_year
WHERE region_level = 'province'
ORDER BY year, disclosure_rate DESC NULLS LAST, province_code;
