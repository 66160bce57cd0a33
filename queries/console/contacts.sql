-- The people at the account: those still there first (champions, then decision makers), then
-- those who left, latest first. $1 = account_id.
SELECT name, coalesce(email, ''), coalesce(role, ''), champion, decision_maker,
    strftime(left_on, '%Y-%m-%d')
FROM contacts
WHERE account_id = $1
ORDER BY left_on IS NOT NULL, left_on DESC, champion DESC, decision_maker DESC, name, contact_id
LIMIT 100
