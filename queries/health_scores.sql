-- The health model of HEALTH.md, continued from data_metrics.sql: the metrics with the console's
-- actions and the score (health_rows.sql ends it). Loaded after metrics_source.sql, which these
-- macros read the input tables' part of the score through.

-- Every metric of HEALTH.md for every account in the portfolio at t: the input tables' part
-- (metrics_source) with what the console's actions add (touches, outcomes, flags, overrides).
CREATE OR REPLACE TEMP MACRO account_metrics(t, cutoff, one := NULL) AS TABLE
WITH
console_touches AS (
    -- A touch may be dated back (yesterday's call), never after it was logged.
    SELECT account_id, max(least(coalesce(until_date, created_at::DATE), created_at::DATE)) AS last_touch
    FROM live_actions(cutoff) WHERE kind = 'touch' AND (one IS NULL OR account_id = one)
    GROUP BY account_id
),
outcome_agg AS (
    SELECT
        account_id,
        count(*) FILTER (WHERE counted) AS counted,
        count(*) FILTER (WHERE counted AND (NOT open OR due_on >= t)) AS on_track,
        count(*) FILTER (WHERE counted AND open AND due_on < t) AS overdue,
        first({'title': title, 'days': t - due_on} ORDER BY due_on, outcome_id)
            FILTER (WHERE counted AND open AND due_on < t) AS most_overdue
    FROM (
        SELECT *,
            created_on <= t AND (dropped_on IS NULL OR dropped_on > t) AND due_on >= t - 365 AS counted,
            achieved_on IS NULL OR achieved_on > t AS open
        FROM account_outcomes(t, cutoff, one := one)
    )
    GROUP BY account_id
),
flags AS (
    SELECT account_id,
        arg_max({'author': author, 'body': body, 'until': until_date}, {'at': created_at, 'uid': uid}) AS flag
    FROM live_actions(cutoff)
    WHERE kind = 'flag' AND (until_date IS NULL OR until_date >= t) AND (one IS NULL OR account_id = one)
    GROUP BY account_id
),
overrides AS (
    SELECT account_id,
        arg_max({'band': detail, 'author': author, 'body': body, 'until': strftime(until_date, '%Y-%m-%d')},
                {'at': created_at, 'uid': uid}) AS override
    FROM live_actions(cutoff)
    WHERE kind = 'override' AND (until_date IS NULL OR until_date >= t) AND (one IS NULL OR account_id = one)
    GROUP BY account_id
)
SELECT
    a.account_id,
    a.arr,
    a.seats,
    a.contract_start,
    a.renewal_date,
    -- metrics
    d.active_users_30d,
    d.utilization,
    d.events_30d,
    d.events_prev_30d,
    d.usage_trend,
    d.features_30d,
    d.days_since_last_use,
    d.open_ticket_load,
    d.oldest_escalation_days,
    d.nps_180d,
    d.csat_180d,
    d.ces_180d,
    -- A touch logged in the console after t (live view) counts as a touch at t, not a negative age.
    CASE WHEN d.last_touch IS NOT NULL THEN greatest(t - d.last_touch, 0) END::DOUBLE AS days_since_touch,
    (a.renewal_date - t)::DOUBLE AS days_to_renewal,
    CASE WHEN oa.counted > 0 THEN 100.0 * oa.on_track / oa.counted END::DOUBLE AS outcomes_on_track,
    coalesce(oa.overdue, 0)::DOUBLE AS overdue_outcomes,
    -- facts for reasons and display
    d.usage_loaded,
    d.last_use,
    d.nps_n,
    d.csat_n,
    d.ces_n,
    d.detractor,
    d.detractor_contact,
    oa.most_overdue,
    d.left_contact,
    d.oldest_escalation,
    d.last_touch,
    f.flag,
    o.override
FROM (
    -- The last touch: the later of the data's last activity and the console's last touch.
    SELECT d.*, CASE
        WHEN ct.last_touch IS NULL THEN d.last_activity
        WHEN d.last_activity IS NULL THEN ct.last_touch
        ELSE greatest(d.last_activity, ct.last_touch) END AS last_touch
    FROM metrics_source(t, one := one) d
    LEFT JOIN console_touches ct USING (account_id)
) d
JOIN accounts a USING (account_id)
LEFT JOIN outcome_agg oa USING (account_id)
LEFT JOIN flags f USING (account_id)
LEFT JOIN overrides o USING (account_id);


-- Health, band, coverage, measures, at-risk reasons and priority for every account at t.
CREATE OR REPLACE TEMP MACRO scores(t, cutoff, one := NULL) AS TABLE
WITH
x AS MATERIALIZED (
    SELECT f.*, coalesce(ap.profile, '') AS profile
    FROM account_metrics(t, cutoff, one := one) f
    LEFT JOIN model_account_profile ap USING (account_id)
),
measured AS (
    SELECT account_id, position, name, grp, metric, weight, value,
        -- Rounded at 9 decimals so that 0.5 on a 0.2–0.8 scale scores 50, not 49.999999999.
        CASE WHEN value IS NOT NULL
             THEN round(greatest(0.0, least(100.0, 100.0 * (value - bad) / (good - bad))), 9) END AS score
    FROM (
        SELECT x.account_id, m.*,
            CASE m.metric
                WHEN 'active_users_30d' THEN x.active_users_30d
                WHEN 'utilization' THEN x.utilization
                WHEN 'events_30d' THEN x.events_30d
                WHEN 'events_prev_30d' THEN x.events_prev_30d
                WHEN 'usage_trend' THEN x.usage_trend
                WHEN 'features_30d' THEN x.features_30d
                WHEN 'days_since_last_use' THEN x.days_since_last_use
                WHEN 'open_ticket_load' THEN x.open_ticket_load
                WHEN 'oldest_escalation_days' THEN x.oldest_escalation_days
                WHEN 'nps_180d' THEN x.nps_180d
                WHEN 'csat_180d' THEN x.csat_180d
                WHEN 'ces_180d' THEN x.ces_180d
                WHEN 'days_since_touch' THEN x.days_since_touch
                WHEN 'days_to_renewal' THEN x.days_to_renewal
                WHEN 'outcomes_on_track' THEN x.outcomes_on_track
                WHEN 'overdue_outcomes' THEN x.overdue_outcomes
            END AS value
        FROM x JOIN model_measure m ON m.profile = x.profile
    )
),
combined AS (
    SELECT
        account_id,
        sum(weight) FILTER (WHERE score IS NOT NULL) AS weight_present,
        sum(weight * score) FILTER (WHERE score IS NOT NULL) AS weighted,
        list({'measure': name, 'group': grp, 'metric': metric, 'value': value, 'score': score,
              'weight': weight} ORDER BY position) AS measures
    FROM measured
    GROUP BY account_id
),
health AS (
    SELECT
        x.*,
        c.measures,
        -- Coverage counts the weights of the profile that scored the account.
        coalesce(c.weight_present, 0)
            / (SELECT sum(weight) FROM model_measure m WHERE m.profile = x.profile) AS coverage,
        -- Round half away from zero, after cutting float noise (76.4999999 is 76.5).
        CASE WHEN c.weight_present > 0 THEN round(round(c.weighted / c.weight_present, 6)) END::INTEGER AS health,
        -- The first (closest) urgency step the renewal falls in.
        coalesce((SELECT arg_min(u.factor, u.within_days) FROM model_urgency u
                  WHERE x.days_to_renewal BETWEEN 0 AND u.within_days), 1.0) AS urgency
    FROM x JOIN combined c USING (account_id)
)
SELECT
    h.* EXCLUDE (measures),
    b.name AS band,
    h.measures,
    list_filter([
        CASE WHEN h.health < p.red_health_below THEN
            {'code': 'RED', 'fact': format('health {} is below {}', h.health, p.red_health_below)} END,
        CASE WHEN h.events_prev_30d >= p.drop_min_prev_events
                  AND h.events_30d < p.drop_ratio_below * h.events_prev_30d THEN
            {'code': 'USAGE_DROP', 'fact': format('{} events in the last 30 days, down {}% from {} the 30 days before',
                h.events_30d::BIGINT, round(100 - 100 * h.events_30d / h.events_prev_30d)::BIGINT,
                h.events_prev_30d::BIGINT)} END,
        CASE WHEN h.usage_loaded AND (h.days_since_last_use >= p.dark_days
                  OR (h.last_use IS NULL AND t - h.contract_start >= p.dark_days)) THEN
            {'code': 'GONE_DARK', 'fact': CASE
                WHEN h.last_use IS NULL THEN format('no usage since the contract started {} days ago', t - h.contract_start)
                ELSE format('no usage for {} days (last on {})', h.days_since_last_use::BIGINT, h.last_use) END} END,
        CASE WHEN h.detractor IS NOT NULL THEN
            {'code': 'DETRACTOR', 'fact': format('NPS {} from {} on {}', h.detractor.score,
                coalesce(respondent_name(h.detractor_contact, h.detractor.respondent), 'a respondent'),
                h.detractor.day)} END,
        CASE WHEN h.oldest_escalation_days > p.escalation_open_more_than_days THEN
            {'code': 'ESCALATION', 'fact': format('{} ticket #{} open {} days', h.oldest_escalation.priority,
                h.oldest_escalation.ticket_id, h.oldest_escalation_days::BIGINT)} END,
        CASE WHEN h.seats > 0 AND t - h.contract_start >= p.low_adoption_min_tenure_days
                  AND h.utilization < p.low_adoption_utilization_below THEN
            {'code': 'LOW_ADOPTION', 'fact': format('{} active users of {} seats ({:.1f}%)',
                h.active_users_30d::BIGINT, h.seats, 100 * h.utilization)} END,
        CASE WHEN h.days_to_renewal BETWEEN 0 AND p.renewal_risk_within_days
                  AND h.health < p.renewal_risk_health_below THEN
            {'code': 'RENEWAL_RISK', 'fact': format('renews in {} days ({}) with health {}',
                h.days_to_renewal::BIGINT, h.renewal_date, h.health)} END,
        CASE WHEN h.overdue_outcomes >= p.outcome_overdue_min_outcomes THEN
            {'code': 'OUTCOME_OVERDUE', 'fact': format('outcome ''{}'' overdue {} days{}', h.most_overdue.title,
                h.most_overdue.days,
                CASE WHEN h.overdue_outcomes > 1
                     THEN format(' (and {} more)', (h.overdue_outcomes - 1)::BIGINT) ELSE '' END)} END,
        CASE WHEN h.left_contact IS NOT NULL THEN
            {'code': 'CHAMPION_LEFT', 'fact': format('{} {}{} left {}',
                CASE WHEN h.left_contact.champion THEN 'champion' ELSE 'decision maker' END,
                h.left_contact.name, coalesce(' (' || h.left_contact.role || ')', ''),
                h.left_contact.left_on)} END,
        CASE WHEN h.flag IS NOT NULL THEN
            {'code': 'FLAGGED', 'fact': format('flagged by {}: {}{}', h.flag.author, coalesce(h.flag.body, ''),
                CASE WHEN h.flag.until IS NOT NULL THEN format(' (until {})', h.flag.until) ELSE '' END)} END
    ], lambda r: r IS NOT NULL) AS reasons,
    h.arr::DOUBLE * (100 - coalesce(h.health, p.missing_health)) / 100 * h.urgency AS priority,
    -- The lifecycle stage (HEALTH.md): shown beside the account, never part of the score.
    CASE WHEN h.days_to_renewal BETWEEN 0 AND 90 THEN 'renewal'
         WHEN t - h.contract_start < 90 THEN 'onboarding'
         ELSE 'adoption' END AS stage
FROM health h
CROSS JOIN model_params p
LEFT JOIN model_band b ON b.profile = h.profile AND h.health BETWEEN b.min AND b.max;
