-- The kept queue's rows of the accounts acted on after $1 (an action_id), without the
-- measures (see cache_read.sql).
SELECT * REPLACE (NULL AS measures) FROM queue_cache
WHERE account_id IN (SELECT account_id FROM actions WHERE action_id > $1)
