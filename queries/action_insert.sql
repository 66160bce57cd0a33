-- Append one console action; the database clock stamps it (UTC).
INSERT INTO actions (account_id, kind, detail, body, until_date, undoes, reasons, author, contact,
                     created_at)
VALUES (?, ?, ?, ?, ?::DATE, ?, ?, ?, ?, now()::TIMESTAMP)
RETURNING action_id
