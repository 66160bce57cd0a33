-- Open tickets and those closed in the last 90 days, newest first. $1 = as-of, $2 = account.
SELECT ticket_id, strftime(opened_at, '%Y-%m-%d'),
       CASE WHEN closed_at < CAST($1::DATE + 1 AS TIMESTAMP) THEN strftime(closed_at, '%Y-%m-%d') END,
       priority, coalesce(subject, '')
FROM tickets
WHERE account_id = $2
  AND opened_at < CAST($1::DATE + 1 AS TIMESTAMP)
  AND (closed_at IS NULL OR closed_at >= CAST($1::DATE - 89 AS TIMESTAMP))
ORDER BY opened_at DESC
LIMIT 30
