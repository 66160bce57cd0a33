-- week_ago_source.sql's health a week before t, read from the kept queue, which the full score
-- stored it in. Defined on a connection only while it re-scores accounts after actions that
-- the score a week earlier does not count (recorded after its end).
CREATE OR REPLACE TEMP MACRO week_ago_health(t, one := NULL) AS TABLE
    SELECT account_id, health_week_ago AS health FROM queue_cache
    WHERE one IS NULL OR account_id = one
