-- What the console's scored queue depends on besides the model and the dates: the loaded
-- data (its last load or import) and the CSMs' actions (the last one recorded).
SELECT coalesce((SELECT max(loaded_at)::VARCHAR FROM load_info), '-'),
    (SELECT max(action_id) FROM actions)
