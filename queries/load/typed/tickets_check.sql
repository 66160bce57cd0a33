-- Rows the typed read let through that stage_tickets.sql would treat differently or reject.
SELECT count(*) FROM {{stage}}
WHERE ticket_id IS NULL OR account_id IS NULL OR opened_at IS NULL OR priority IS NULL
   OR ticket_id = '' OR account_id = '' OR subject = ''
   OR ticket_id <> trim(ticket_id) OR account_id <> trim(account_id) OR subject <> trim(subject)
   OR priority NOT IN ('low', 'normal', 'high', 'urgent')
   OR closed_at < opened_at
