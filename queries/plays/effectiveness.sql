-- Per play (PLAYS.md, "Play effectiveness"), as of the day $1: runs started, completed,
-- cleared; of the runs started at least 90 days before $1 (history allows judging them), how
-- many accounts churned within 90 days of the start; and the same for accounts whose score
-- snapshots show the play's trigger firing (at least 90 days before $1) with no run of the
-- play within 14 days either side: what happened without the play.
WITH ended AS (
    SELECT run_id, arg_max(detail, event_id) AS how
    FROM play_events WHERE kind = 'ended'
    GROUP BY run_id
),
runs AS (
    SELECT r.play, r.trigger, r.account_id, r.started_on, e.how,
           r.started_on <= $1::DATE - 90 AS judged,
           a.churned_on IS NOT NULL
               AND a.churned_on BETWEEN r.started_on AND r.started_on + 90 AS churned_90
    FROM play_runs r
    LEFT JOIN ended e USING (run_id)
    LEFT JOIN accounts a USING (account_id)
),
fired AS (
    -- The first snapshot in which each account showed each reason.
    SELECT s.account_id, u.reason.code AS trigger, min(s.as_of) AS first_fired
    FROM snapshots s, unnest(s.reasons) AS u(reason)
    WHERE s.as_of <= $1::DATE - 90
    GROUP BY ALL
),
without AS (
    SELECT p.play, f.trigger,
           a.churned_on IS NOT NULL
               AND a.churned_on BETWEEN f.first_fired AND f.first_fired + 90 AS churned_90
    FROM fired f
    JOIN (SELECT DISTINCT play, trigger FROM play_runs) p USING (trigger)
    JOIN accounts a USING (account_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM play_runs r
        WHERE r.account_id = f.account_id AND r.play = p.play
          AND r.started_on BETWEEN f.first_fired - 14 AND f.first_fired + 14
    )
)
SELECT r.play, r.trigger, count(*) AS started,
       count(*) FILTER (WHERE how = 'completed') AS completed,
       count(*) FILTER (WHERE how = 'cleared') AS cleared,
       count(*) FILTER (WHERE judged) AS judged,
       count(*) FILTER (WHERE judged AND churned_90) AS churned_90,
       (SELECT count(*) FROM without w WHERE w.play = r.play) AS without_judged,
       (SELECT count(*) FROM without w WHERE w.play = r.play AND w.churned_90) AS without_churned_90
FROM runs r
GROUP BY r.play, r.trigger
ORDER BY started DESC, r.play
