-- The input tables' part of the score (data_metrics.sql) at t and a week before, kept
-- with the queue: an action then re-scores its account from this copy, without reading the
-- input tables again (the queue's full score reads it too, so both agree). $1 = t.
CREATE OR REPLACE TABLE kept_metrics AS
SELECT $1::DATE AS as_of, * FROM data_metrics($1::DATE)
UNION ALL
SELECT $1::DATE - 7, * FROM data_metrics($1::DATE - 7)
