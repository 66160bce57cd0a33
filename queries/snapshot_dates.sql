-- The as-of dates that already have a snapshot under a model.
SELECT DISTINCT strftime(as_of, '%Y-%m-%d') FROM snapshots WHERE model_hash = ?
