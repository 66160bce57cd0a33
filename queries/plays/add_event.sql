-- Something that happened to a run: run, task (or NULL), kind, detail, reason, day, author.
INSERT INTO play_events (run_id, task_id, kind, detail, reason, on_date, author, created_at)
VALUES ($1, $2, $3, $4, $5, $6::DATE, $7, now()::TIMESTAMP)
