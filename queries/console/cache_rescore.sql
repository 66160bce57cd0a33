-- One account scored again into the kept queue: scored_account.sql's row ($1 = t, $2 = the
-- cutoff, $3 = account_id).
INSERT INTO queue_cache
{{scored}}
