-- Runs that have not ended: id, account, play, trigger, start, and the last day the trigger
-- was seen firing.
SELECT r.run_id, r.account_id, r.play, r.trigger, r.started_on::VARCHAR,
       max(e.on_date) FILTER (WHERE e.kind = 'fired')::VARCHAR AS last_fired
FROM play_runs r
LEFT JOIN play_events e USING (run_id)
GROUP BY ALL
HAVING count(*) FILTER (WHERE e.kind = 'ended') = 0
ORDER BY r.run_id
