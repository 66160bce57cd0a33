-- Append one action: written here by the console or the CLI, or read from a teammate's
-- journal. `created_at` is the action's moment in UTC, to the millisecond (the journal's `at`).
INSERT INTO actions (account_id, kind, detail, body, until_date, undoes, reasons, author, contact,
                     created_at, uid, machine, undoes_uid)
VALUES (?, ?, ?, ?, ?::DATE, ?, ?, ?, ?, ?::TIMESTAMP, ?, ?, ?)
RETURNING action_id
