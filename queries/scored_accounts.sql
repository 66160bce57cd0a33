-- Every account in the portfolio at t (health_rows.sql `scored_rows`), in queue order: at-risk
-- accounts first, then by priority, then by account_id. $1 = t, $2 = the cutoff for console
-- actions.
SELECT * FROM scored_rows($1::DATE, $2::TIMESTAMP)
ORDER BY queue_rank(reasons, priority, account_id)
