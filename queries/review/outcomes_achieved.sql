-- Outcomes achieved in the review's week (the 7 days up to the as-of date), console marks
-- included. $1 = as-of date, $2 = the cutoff for console actions.
SELECT account_id, title, strftime(achieved_on, '%Y-%m-%d')
FROM account_outcomes($1::DATE, $2::TIMESTAMP)
WHERE achieved_on BETWEEN $1::DATE - 6 AND $1::DATE
ORDER BY achieved_on DESC, account_id, outcome_id
