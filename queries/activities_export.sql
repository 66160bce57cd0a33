-- The touches logged in retain (console and CLI, every teammate's through the journal), not
-- undone, oldest first, for the CRM. $1 = the first day (or NULL for all).
SELECT a.account_id, strftime(least(coalesce(a.until_date, a.created_at::DATE), a.created_at::DATE), '%Y-%m-%d'),
       a.detail, coalesce(a.body, ''), coalesce(a.contact, ''), a.author, a.uid
FROM live_actions('infinity'::TIMESTAMP) a
WHERE a.kind = 'touch'
  AND ($1::DATE IS NULL OR least(coalesce(a.until_date, a.created_at::DATE), a.created_at::DATE) >= $1::DATE)
ORDER BY 2, a.created_at, a.uid
