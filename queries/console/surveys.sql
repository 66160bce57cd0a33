-- Survey responses of the last year, newest first. $1 = as-of, $2 = account.
SELECT strftime(responded_at, '%Y-%m-%d'), kind, score, coalesce(respondent, ''), coalesce(comment, '')
FROM surveys
WHERE account_id = $2
  AND responded_at < CAST($1::DATE + 1 AS TIMESTAMP)
  AND responded_at >= CAST($1::DATE - 364 AS TIMESTAMP)
ORDER BY responded_at DESC
LIMIT 30
