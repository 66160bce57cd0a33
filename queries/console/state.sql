-- What the CSM has done per account (undone actions excluded): the current next step,
-- snooze (and why) and resolution: the latest action by (created_at, uid), the same order on
-- every laptop of a team (TEAM.md).
SELECT
    account_id,
    arg_max(body, {'at': created_at, 'uid': uid}) FILTER (WHERE kind = 'next_step') AS next_step,
    strftime(arg_max(until_date, {'at': created_at, 'uid': uid}) FILTER (WHERE kind = 'next_step'), '%Y-%m-%d') AS next_due,
    strftime(arg_max(until_date, {'at': created_at, 'uid': uid}) FILTER (WHERE kind = 'snooze'), '%Y-%m-%d') AS snoozed_until,
    arg_max(coalesce(reasons, ''), {'at': created_at, 'uid': uid}) FILTER (WHERE kind = 'resolve') AS resolved_reasons,
    arg_max(body, {'at': created_at, 'uid': uid}) FILTER (WHERE kind = 'snooze') AS snooze_reason
FROM live_actions('infinity'::TIMESTAMP)
GROUP BY account_id
