-- Rows the typed read let through that stage_surveys.sql would treat differently or reject.
-- Comments are kept as written (not trimmed), as the full stage keeps them.
SELECT count(*) FROM {{stage}}
WHERE account_id IS NULL OR responded_at IS NULL OR kind IS NULL OR score IS NULL
   OR account_id = '' OR respondent = '' OR comment = ''
   OR account_id <> trim(account_id) OR respondent <> trim(respondent)
   OR kind NOT IN ('nps', 'csat', 'ces')
   OR (kind = 'nps' AND score NOT BETWEEN 0 AND 10)
   OR (kind = 'csat' AND score NOT BETWEEN 1 AND 5)
   OR (kind = 'ces' AND score NOT BETWEEN 1 AND 7)
