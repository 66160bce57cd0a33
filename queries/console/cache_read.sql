-- The scored queue as the console last kept it (put in queue order by `queue::queue_order`).
-- The measures stay in the table: the queue never shows them, and at 100,000 accounts reading
-- them took most of a start. The account screen reads its account's (cache_account.sql).
SELECT * REPLACE (NULL AS measures) FROM queue_cache
