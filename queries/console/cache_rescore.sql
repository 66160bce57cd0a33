-- One account scored again after actions, into `rescored` (rescored_clear.sql):
-- scored_account.sql's row, of the account chosen by scored_one_set.sql.
INSERT INTO rescored
{{scored}}
