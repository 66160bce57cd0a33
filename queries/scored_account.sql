-- One account's row of scored_accounts.sql (the same columns, the same values), for
-- `retain explain`: every scan is limited to the account, so one account is scored, not the
-- portfolio. $1 = t, $2 = the cutoff for console actions, $3 = account_id.
SELECT * FROM scored_rows($1::DATE, $2::TIMESTAMP, one := $3::VARCHAR)
WHERE account_id = $3
