-- Every account in the portfolio at t with its score, trend and the facts the views show,
-- in queue order: at-risk accounts first, then by priority, then by account_id.
SELECT
    s.account_id,
    a.name,
    a.owner,
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
    s.stage
FROM scored(?::DATE, ?::TIMESTAMP) s
JOIN accounts a USING (account_id)
ORDER BY len(s.reasons) > 0 DESC, s.priority DESC, s.account_id
