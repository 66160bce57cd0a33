-- Accounts per band and at risk in one stored snapshot (no rescoring). $1 = as-of, $2 = model.
SELECT coalesce(band, 'no score'), count(*), count(*) FILTER (WHERE len(reasons) > 0)
FROM snapshots
WHERE as_of = $1::DATE AND model_hash = $2
GROUP BY ALL
ORDER BY 1
