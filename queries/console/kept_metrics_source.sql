-- metrics_source.sql's macro, read from the copy kept with the console's queue
-- (kept_metrics_store.sql). Defined on a connection only while it scores the queue.
CREATE OR REPLACE TEMP MACRO metrics_source(t, one := NULL) AS TABLE
    SELECT * EXCLUDE (as_of) FROM kept_metrics
    WHERE as_of = t AND (one IS NULL OR account_id = one)
