-- One account's row of scored_accounts.sql (the same columns, the same values), for
-- `retain explain`: the filter on $3 reaches every scan, so one account is scored, not the
-- portfolio. $1 = t, $2 = the cutoff for console actions, $3 = account_id.
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
FROM scored($1::DATE, $2::TIMESTAMP, one := $3::VARCHAR) s
JOIN accounts a USING (account_id)
LEFT JOIN (
    SELECT account_id, arg_max(detail, {'at': created_at, 'uid': uid}) AS owner
    FROM live_actions($2::TIMESTAMP) WHERE kind = 'owner'
    GROUP BY account_id
) o USING (account_id)
WHERE s.account_id = $3
