-- The re-scored rows into the kept queue, after their old rows were taken out (cache_forget.sql).
INSERT INTO queue_cache SELECT * FROM rescored
