-- Events and active users per day for one account over the 90 days up to the as-of date.
-- $1 = as-of date, $2 = account_id.
SELECT coalesce(x.events, 0)::UBIGINT, coalesce(x.users, 0)::UBIGINT
FROM generate_series($1::DATE - 89, $1::DATE, INTERVAL 1 DAY) AS days(day)
LEFT JOIN (
    SELECT occurred_at::DATE AS day, sum(count) AS events, count(DISTINCT user_id) AS users
    FROM usage
    WHERE account_id = $2
      AND occurred_at >= CAST($1::DATE - 89 AS TIMESTAMP)
      AND occurred_at < CAST($1::DATE + 1 AS TIMESTAMP)
    GROUP BY 1
) x ON x.day = days.day::DATE
ORDER BY days.day
