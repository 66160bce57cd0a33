-- A run starts: account, play, trigger, fact, start day. Gives back its id.
INSERT INTO play_runs (account_id, play, trigger, fact, started_on, created_at)
VALUES ($1, $2, $3, $4, $5::DATE, now()::TIMESTAMP)
RETURNING run_id
