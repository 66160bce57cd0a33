-- One account's row of the kept queue, with its measures, for the account screen.
SELECT * FROM queue_cache WHERE account_id = $1
