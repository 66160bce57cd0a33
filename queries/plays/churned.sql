-- Accounts that churned on or before the day ($1).
SELECT account_id FROM accounts WHERE churned_on <= $1::DATE
