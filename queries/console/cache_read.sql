-- The scored queue as the console last kept it, in queue order. The measures stay in the
-- table: the queue never shows them, and at 100,000 accounts reading them took most of a
-- start. The account screen reads its account's (cache_account.sql).
SELECT * REPLACE (NULL AS measures) FROM queue_cache
ORDER BY queue_rank(reasons, priority, account_id)
