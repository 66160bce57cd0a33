-- Store the scores at t under the model's hash (replacing an earlier run of the same pair).
INSERT OR REPLACE INTO snapshots
SELECT
    ?::DATE, ?, account_id, health, band, coverage,
    measures,
    reasons,
    priority,
    now()::TIMESTAMP
FROM scores(?::DATE, ?::TIMESTAMP)
