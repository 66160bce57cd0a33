-- Rows the typed read let through that stage_usage.sql would treat differently: missing,
-- padded or empty values, counts that are not whole numbers (NULL) or below 1.
SELECT count(*) FROM {{stage}}
WHERE account_id IS NULL OR user_id IS NULL OR occurred_at IS NULL OR count IS NULL OR count < 1
   OR account_id = '' OR user_id = '' OR feature = ''
   OR account_id <> trim(account_id) OR user_id <> trim(user_id) OR feature <> trim(feature)
