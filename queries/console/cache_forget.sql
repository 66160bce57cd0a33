-- The kept queue's rows of the accounts acted on after $1 (an action_id), before they are
-- scored again, taken out with their places in the queue order (the console finds them there).
DELETE FROM queue_cache
WHERE account_id IN (SELECT account_id FROM actions WHERE action_id > $1)
RETURNING account_id, len(reasons) > 0, priority
