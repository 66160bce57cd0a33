-- health.sql's console_state of the accounts in the list $1, or of every account when $1 is
-- NULL.
SELECT * FROM console_state(accounts := $1::VARCHAR[])
