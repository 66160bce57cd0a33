-- The accounts of the actions recorded after $1 (an action_id): the only ones whose rows of
-- the kept queue an action can change.
SELECT DISTINCT account_id FROM actions WHERE action_id > $1 ORDER BY account_id
