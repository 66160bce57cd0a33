-- Whether the kept queue's health a week before t ($2) still holds after the actions recorded
-- after $1 (an action_id): it does when the score a week earlier counts none of them, that is
-- when each was recorded after the end of day t - 6 (week_ago_source.sql's cutoff).
SELECT count(*) = 0 FROM actions
WHERE action_id > $1 AND created_at < CAST($2::DATE - 6 AS TIMESTAMP)
