-- One account scored again after actions, into `rescored` (rescored_clear.sql):
-- scored_account.sql's row ($1 = t, $2 = the cutoff, $3 = account_id).
INSERT INTO rescored
{{scored}}
