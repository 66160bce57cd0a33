-- Rows the typed read let through that stage_activities.sql would treat differently or
-- reject. Summaries are kept as written (not trimmed), as the full stage keeps them.
SELECT count(*) FROM {{stage}}
WHERE account_id IS NULL OR occurred_at IS NULL OR kind IS NULL
   OR account_id = '' OR summary = '' OR author = ''
   OR account_id <> trim(account_id) OR author <> trim(author)
   OR kind NOT IN ('call', 'email', 'meeting', 'qbr', 'note')
