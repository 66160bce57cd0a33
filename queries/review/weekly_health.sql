-- Portfolio health per stored weekly snapshot of a model: mean health and at-risk count.
-- $1 = model hash, $2 = the latest as-of date, $3 = weeks.
SELECT strftime(as_of, '%Y-%m-%d'), avg(health), count(*) FILTER (WHERE len(reasons) > 0)
FROM snapshots
WHERE model_hash = $1 AND as_of <= $2::DATE AND as_of > $2::DATE - 7 * $3::INTEGER
  AND date_diff('day', as_of, $2::DATE) % 7 = 0
GROUP BY as_of
ORDER BY as_of
