-- prune_stage.sql for a typed stage (no rules column, no offending rows): drop the rows of
-- unknown accounts before the swap.
DELETE FROM {{stage}}
WHERE account_id NOT IN {{accounts}}
