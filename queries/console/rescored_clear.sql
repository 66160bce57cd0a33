-- Where a re-score after actions puts its accounts' new rows (cache_rescore.sql) until they
-- replace their old ones in the kept queue, which the re-score still reads (the health a week
-- earlier): empty, with the kept queue's columns.
CREATE OR REPLACE TEMP TABLE rescored AS SELECT * FROM queue_cache LIMIT 0
