-- Every account in the portfolio at t with its score, trend and the facts the views show,
-- in queue order: at-risk accounts first, then by priority, then by account_id. The owner is
-- the latest reassignment (an action, journaled in a team) over the loaded owner.
-- $1 = t, $2 = the cutoff for console actions.
SELECT
    s.account_id,
    a.name,
    CASE WHEN o.account_id IS NOT NULL THEN nullif(o.owner, '') ELSE a.owner END,
    a.segment,
    a.plan,
    s.arr::DOUBLE,
    s.seats,
    strftime(s.contract_start, '%Y-%m-%d'),
    strftime(s.renewal_date, '%Y-%m-%d'),
    s.days_to_renewal::BIGINT,
    s.health,
    s.band,
    s.coverage,
    s.trend,
    s.measures,
    s.reasons,
    s.priority,
    s.urgency,
    strftime(s.last_touch, '%Y-%m-%d'),
    s.override,
    s.nps_180d, s.nps_n, s.csat_180d, s.csat_n, s.ces_180d, s.ces_n,
    s.stage,
    nullif(s.profile, '')
FROM scored($1::DATE, $2::TIMESTAMP) s
JOIN accounts a USING (account_id)
LEFT JOIN (
    SELECT account_id, arg_max(detail, {'at': created_at, 'uid': uid}) AS owner
    FROM live_actions($2::TIMESTAMP) WHERE kind = 'owner'
    GROUP BY account_id
) o USING (account_id)
ORDER BY len(s.reasons) > 0 DESC, s.priority DESC, s.account_id
