-- The scored queue as the console last computed it, in its order.
SELECT * FROM queue_cache ORDER BY rowid
