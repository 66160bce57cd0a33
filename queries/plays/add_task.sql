-- One step of a run that just started: run, step number, kind, text, due day.
INSERT INTO play_tasks (run_id, step, kind, text, due_on)
VALUES ($1, $2, $3, $4, $5::DATE)
