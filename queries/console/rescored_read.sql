-- The re-scored rows, without the measures (see cache_read.sql).
SELECT * REPLACE (NULL AS measures) FROM rescored
