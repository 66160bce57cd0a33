-- The health model of HEALTH.md, ended: the trend and the rows the views read. Loaded after
-- week_ago_source.sql, which gives the health a week earlier.

-- Scores at t with the trend against a week earlier (both computed by the same model).
CREATE OR REPLACE TEMP MACRO scored(t, cutoff, one := NULL) AS TABLE
    SELECT cur.*, prev.health AS health_week_ago, cur.health - prev.health AS trend
    FROM scores(t, cutoff, one := one) cur
    LEFT JOIN week_ago_health(t, one := one) prev USING (account_id);

-- The rows the views read (src/model/score.rs `read_scores`, by position): every account in
-- the portfolio at t (or only `one`) with its score, trend and the facts shown, then the health
-- a week earlier (kept with the console's queue). The owner is the latest reassignment (an
-- action, journaled in a team) over the loaded owner.
CREATE OR REPLACE TEMP MACRO scored_rows(t, cutoff, one := NULL) AS TABLE
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
    nullif(s.profile, ''),
    s.health_week_ago
FROM scored(t, cutoff, one := one) s
JOIN accounts a USING (account_id)
LEFT JOIN (
    SELECT account_id, arg_max(detail, {'at': created_at, 'uid': uid}) AS owner
    FROM live_actions(cutoff) WHERE kind = 'owner'
    GROUP BY account_id
) o USING (account_id);

-- The queue order of HEALTH.md as one sort key: at-risk accounts first, then by priority
-- (highest first), then by account_id. The queue's query, the kept queue and the positions of
-- re-scored accounts all sort by it.
CREATE OR REPLACE TEMP MACRO queue_rank(reasons, priority, account_id) AS
    {'calm': len(reasons) = 0, 'priority': -priority, 'account_id': account_id};
