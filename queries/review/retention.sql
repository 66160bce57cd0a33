-- Gross revenue retention for the last four closed calendar quarters before $1: ARR of the
-- accounts in the portfolio at the quarter's start, and the part of it that churned within.
-- Net retention would need ARR history (expansion), which the data contract does not carry.
WITH quarters AS (
    SELECT
        (date_trunc('quarter', $1::DATE) - to_months(3 * k))::DATE AS first_day,
        (date_trunc('quarter', $1::DATE) - to_months(3 * (k - 1)))::DATE AS next_first_day
    FROM range(1, 5) AS t(k)
)
SELECT
    strftime(first_day, '%Y-%m-%d'),
    strftime(next_first_day - 1, '%Y-%m-%d'),
    coalesce(sum(arr) FILTER (WHERE contract_start <= first_day
                              AND (churned_on IS NULL OR churned_on > first_day)), 0)::DOUBLE,
    coalesce(sum(arr) FILTER (WHERE contract_start <= first_day
                              AND churned_on > first_day AND churned_on < next_first_day), 0)::DOUBLE,
    count(*) FILTER (WHERE contract_start <= first_day
                     AND churned_on > first_day AND churned_on < next_first_day)
FROM quarters CROSS JOIN accounts
GROUP BY first_day, next_first_day
ORDER BY first_day DESC
