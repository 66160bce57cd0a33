-- This database's own actions, oldest first, for publishing when it joins a team: those written
-- before the journal existed.
SELECT uid, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ'), author, account_id, kind, detail, body,
       strftime(until_date, '%Y-%m-%d'), undoes_uid, reasons, contact
FROM actions
WHERE machine IS NULL
ORDER BY created_at, uid
