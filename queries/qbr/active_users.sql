-- Distinct active users of one account in the 30 days up to the as-of date (HEALTH.md's
-- active_users_30d). $1 = as-of, $2 = account_id.
SELECT count(DISTINCT user_id)
FROM usage
WHERE account_id = $2
  AND occurred_at >= CAST($1::DATE - 29 AS TIMESTAMP)
  AND occurred_at < CAST($1::DATE + 1 AS TIMESTAMP)
