-- Survey responses of the last year, newest first, the respondent named by the contact whose
-- email it is. $1 = as-of, $2 = account.
SELECT strftime(s.responded_at, '%Y-%m-%d'), s.kind, s.score,
    coalesce(respondent_name(p.person, s.respondent), ''),
    coalesce(s.comment, '')
FROM surveys s
LEFT JOIN respondent_contacts(one := $2) p ON p.account_id = s.account_id AND p.email = lower(s.respondent)
WHERE s.account_id = $2
  AND s.responded_at < CAST($1::DATE + 1 AS TIMESTAMP)
  AND s.responded_at >= CAST($1::DATE - 364 AS TIMESTAMP)
ORDER BY s.responded_at DESC
LIMIT 30
