-- Replace one input table with the rows of its stage that break no rule and belong to a
-- loaded account.
DELETE FROM {{table}};
INSERT INTO {{table}} BY NAME
SELECT * EXCLUDE (problem) FROM {{stage}}
WHERE problem IS NULL
  AND account_id IN (SELECT account_id FROM stage_accounts WHERE problem IS NULL);
