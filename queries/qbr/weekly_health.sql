-- One account's health in each stored weekly snapshot of a model, oldest first.
-- $1 = model hash, $2 = the latest as-of date, $3 = weeks, $4 = account_id.
SELECT strftime(as_of, '%Y-%m-%d'), health
FROM snapshots
WHERE model_hash = $1 AND account_id = $4 AND as_of <= $2::DATE AND as_of > $2::DATE - 7 * $3::INTEGER
  AND date_diff('day', as_of, $2::DATE) % 7 = 0
ORDER BY as_of
