-- Every task with its run, account and state: open, done or skipped, whether its run has
-- ended (and how), and the day it is snoozed to (its last snooze). The latest event's fields
-- are taken together: `arg_max` skips a NULL value, so a field taken alone could come from an
-- earlier event.
WITH task_state AS (
    SELECT task_id, latest.state, latest.by, latest.on_date::VARCHAR AS on_date
    FROM (
        SELECT task_id,
               arg_max({'state': kind, 'by': author, 'on_date': on_date}, event_id) AS latest
        FROM play_events WHERE task_id IS NOT NULL AND kind IN ('done', 'skipped')
        GROUP BY task_id
    )
),
task_snooze AS (
    SELECT task_id, arg_max(on_date, event_id)::VARCHAR AS until
    FROM play_events WHERE task_id IS NOT NULL AND kind = 'snoozed'
    GROUP BY task_id
),
run_end AS (
    SELECT run_id, arg_max(detail, event_id) AS ended
    FROM play_events WHERE kind = 'ended'
    GROUP BY run_id
)
SELECT t.task_id, t.run_id, r.account_id, coalesce(a.name, r.account_id), a.owner, r.play,
       r.trigger, r.fact, t.step, t.kind, t.text, t.due_on::VARCHAR,
       coalesce(s.state, 'open'), s.by, s.on_date, e.ended, z.until
FROM play_tasks t
JOIN play_runs r USING (run_id)
LEFT JOIN accounts a ON a.account_id = r.account_id
LEFT JOIN task_state s USING (task_id)
LEFT JOIN task_snooze z USING (task_id)
LEFT JOIN run_end e ON e.run_id = t.run_id
ORDER BY t.due_on, t.task_id
