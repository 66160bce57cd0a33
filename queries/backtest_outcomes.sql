-- The accounts in the portfolio at $1 that churned within ($1, $1 + $2 days].
SELECT account_id
FROM portfolio($1::DATE)
WHERE churned_on > $1::DATE AND churned_on <= $1::DATE + $2::INTEGER
