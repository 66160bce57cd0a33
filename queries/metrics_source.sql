-- Where scoring reads the input tables' part of the score (data_metrics.sql) from:
-- computed from the tables. The console re-defines it for the length of a queue score
-- (console/kept_metrics_source.sql, `score::KeptSource::metrics`), then defines it back with this.
CREATE OR REPLACE TEMP MACRO metrics_source(t, one := NULL) AS TABLE
    SELECT * FROM data_metrics(t, one := one)
