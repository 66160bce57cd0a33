-- One account's product use per week (the 7 days ending on each of the 13 weeks' last day, the
-- last ending on the as-of date): events and distinct active users. $1 = as-of, $2 = account_id.
WITH weeks AS (
    SELECT ($1::DATE - (7 * w)::INTEGER)::DATE AS week_end FROM range(0, 13) t(w)
)
SELECT strftime(week_end, '%Y-%m-%d'),
    coalesce(sum(u.count), 0)::UBIGINT,
    count(DISTINCT u.user_id)::UBIGINT
FROM weeks
LEFT JOIN usage u
    ON u.account_id = $2
   AND u.occurred_at >= CAST(week_end - 6 AS TIMESTAMP)
   AND u.occurred_at < CAST(week_end + 1 AS TIMESTAMP)
GROUP BY week_end
ORDER BY week_end
