SELECT count(*) FROM accounts
