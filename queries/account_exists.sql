SELECT count(*) > 0 FROM accounts WHERE account_id = ?
