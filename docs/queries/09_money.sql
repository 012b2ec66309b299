-- 政府集中采购与行政事业性收费 · The largest procurement (2019 form) and fees (2021 form), in 万元
-- Money is stored in 元 whatever unit the report used; facts.flags says where a unit was assumed.
SELECT
    agency,
    year,
    form_version,
    procurement_projects,
    round(procurement_amount_yuan / 1e4, 2) AS procurement_wan_yuan,
    round(fees_amount_yuan / 1e4, 2) AS fees_wan_yuan
FROM mart_active_disclosure
ORDER BY coalesce(procurement_amount_yuan, fees_amount_yuan) DESC NULLS LAST, agency
LIMIT 20;
