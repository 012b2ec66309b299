-- 行政复议、行政诉讼纠错率 · How often reviews and lawsuits corrected a disclosure decision, by year
-- Corrected over concluded (upheld + corrected + other); pending cases are left out.
SELECT
    year,
    sum(review_total) AS reviews,
    sum(review_corrected) AS reviews_corrected,
    round(sum(review_corrected) / nullif(sum(review_upheld + review_corrected + review_other), 0), 3)
        AS review_correction_rate,
    sum(litigation_total) AS lawsuits,
    sum(litigation_corrected) AS lawsuits_corrected,
    round(sum(litigation_corrected) / nullif(sum(litigation_upheld + litigation_corrected + litigation_other), 0), 3)
        AS litigation_correction_rate
FROM mart_appeals
GROUP BY year
ORDER BY year;
