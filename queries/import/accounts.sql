-- The accounts an import's rows are matched against.
SELECT account_id, name FROM accounts
