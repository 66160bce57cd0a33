-- Rows the typed read let through that stage_usage.sql would treat differently: missing or
-- padded values, empty text, counts below 1. Any such row sends the file to the full stage.
SELECT count(*) FROM stage_usage
WHERE account_id IS NULL OR user_id IS NULL OR occurred_at IS NULL OR count < 1
   OR account_id = '' OR user_id = '' OR feature = ''
   OR account_id <> trim(account_id) OR user_id <> trim(user_id) OR feature <> trim(feature)
