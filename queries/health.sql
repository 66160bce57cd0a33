-- Accounts in the portfolio at t.
CREATE OR REPLACE TEMP MACRO portfolio(t) AS TABLE
    SELECT * FROM accounts WHERE contract_start <= t AND (churned_on IS NULL OR churned_on > t);

-- The health model of HEALTH.md as table macros over the input tables and the model tables.
-- t is the as-of date; cutoff is the moment up to which console actions count (the end of
-- day t, or now for the live view). Nothing dated after the end of day t is read.

-- Console actions up to the cutoff that no undo (up to the cutoff) has cancelled. An undo
-- names the uid it cancels: the same on every laptop of a team, whatever each one's local
-- sequence. Where the latest of several actions counts, it is the latest by (created_at, uid).
CREATE OR REPLACE TEMP MACRO live_actions(cutoff) AS TABLE
    SELECT a.*
    FROM actions a
    WHERE a.created_at < cutoff
      AND a.kind <> 'undo'
      AND a.uid NOT IN (
          SELECT undoes_uid FROM actions
          WHERE kind = 'undo' AND created_at < cutoff AND undoes_uid IS NOT NULL
      );

-- Survey respondents are named by the contact whose email they are (DATA.md: matched ignoring
-- case): one person per account and address.
CREATE OR REPLACE TEMP MACRO respondent_contacts() AS TABLE
    SELECT account_id, lower(email) AS email,
        first({'name': name, 'role': role} ORDER BY contact_id) AS person
    FROM contacts WHERE email IS NOT NULL
    GROUP BY ALL;

-- "田中 一郎, CTO" for a matched respondent, else the address as written.
CREATE OR REPLACE TEMP MACRO respondent_name(person, respondent) AS
    coalesce(person.name || coalesce(', ' || person.role, ''), respondent);

-- Every outcome (DATA.md) as it stood at t: the loaded ones, those a CSM added in the console,
-- and the console's "achieved" and "dropped" marks. A console change counts from the day it was
-- recorded; in the live view (t before that day) it counts at t, as a console touch does.
CREATE OR REPLACE TEMP MACRO account_outcomes(t, cutoff) AS TABLE
WITH
changes AS (
    SELECT kind, detail AS outcome_id, least(created_at::DATE, t) AS d, body,
        {'at': created_at, 'uid': uid} AS ordering
    FROM live_actions(cutoff) WHERE kind IN ('outcome_achieved', 'outcome_dropped')
),
every_outcome AS (
    SELECT outcome_id, account_id, title, kind, created_on, due_on, achieved_on, dropped_on,
        owner, NULL::VARCHAR AS drop_reason
    FROM outcomes
    UNION ALL
    SELECT 'console-' || uid, account_id, body, detail, least(created_at::DATE, t),
        until_date, NULL, NULL, author, NULL
    FROM live_actions(cutoff) WHERE kind = 'outcome_add'
),
marked AS (
    SELECT o.* EXCLUDE (achieved_on, dropped_on, drop_reason),
        coalesce(o.achieved_on, a.d) AS achieved_on,
        coalesce(o.dropped_on, dr.d) AS dropped_on,
        coalesce(o.drop_reason, dr.body) AS drop_reason
    FROM every_outcome o
    LEFT JOIN (SELECT outcome_id, min(d) AS d FROM changes WHERE kind = 'outcome_achieved' GROUP BY ALL) a
        USING (outcome_id)
    LEFT JOIN (SELECT outcome_id, arg_min(d, ordering) AS d, arg_min(body, ordering) AS body
               FROM changes WHERE kind = 'outcome_dropped' GROUP BY ALL) dr
        USING (outcome_id)
)
-- An outcome is achieved or dropped, never both: the first of the two marks stands.
SELECT * REPLACE (
    CASE WHEN dropped_on IS NULL OR achieved_on <= dropped_on THEN achieved_on END AS achieved_on,
    CASE WHEN achieved_on IS NULL OR dropped_on < achieved_on THEN dropped_on END AS dropped_on)
FROM marked;

-- Every metric of HEALTH.md for every account in the portfolio at t, plus the facts the
-- at-risk rules quote. Metrics are DOUBLE so that measures can read any of them.
-- `one` (an account_id) limits every scan to that account, for `retain explain`; what HEALTH.md
-- asks of the whole data ("usage loaded at all", "a feature column at all") is still read over
-- every account.
CREATE OR REPLACE TEMP MACRO account_metrics(t, cutoff, one := NULL) AS TABLE
WITH
day_end AS (SELECT CAST(t + 1 AS TIMESTAMP) AS e),
usage_agg AS (
    SELECT
        account_id,
        count(DISTINCT user_id) FILTER (WHERE d > t - 30) AS active_users_30d,
        coalesce(sum(count) FILTER (WHERE d > t - 30), 0) AS events_30d,
        coalesce(sum(count) FILTER (WHERE d BETWEEN t - 59 AND t - 30), 0) AS events_prev_30d,
        count(DISTINCT feature) FILTER (WHERE d > t - 30) AS features_30d,
        bool_or(feature IS NOT NULL) AS any_feature,
        max(d) AS last_use
    FROM (
        SELECT account_id, user_id, occurred_at::DATE AS d, feature, count
        FROM usage WHERE occurred_at < (SELECT e FROM day_end) AND (one IS NULL OR account_id = one)
    )
    GROUP BY account_id
),
-- One row: from the aggregate when every account is scored, else from the whole table.
usage_known AS (
    SELECT bool_or(loaded) AS loaded, bool_or(features) AS features FROM (
        SELECT count(*) > 0 AS loaded, coalesce(bool_or(any_feature), false) AS features
        FROM usage_agg WHERE one IS NULL
        UNION ALL
        SELECT count(*) > 0, coalesce(bool_or(feature IS NOT NULL), false) FROM usage
        WHERE one IS NOT NULL AND occurred_at < (SELECT e FROM day_end)
    )
),
ticket_agg AS (
    SELECT
        account_id,
        coalesce(sum(CASE priority
            WHEN 'urgent' THEN p.load_urgent WHEN 'high' THEN p.load_high
            WHEN 'normal' THEN p.load_normal ELSE p.load_low END) FILTER (WHERE is_open), 0) AS open_ticket_load,
        coalesce(max(t - opened_at::DATE) FILTER (WHERE is_open AND priority IN ('urgent', 'high')), 0)
            AS oldest_escalation_days,
        arg_min({'ticket_id': ticket_id, 'priority': priority}, opened_at)
            FILTER (WHERE is_open AND priority IN ('urgent', 'high')) AS oldest_escalation
    FROM (
        SELECT *, closed_at IS NULL OR closed_at >= (SELECT e FROM day_end) AS is_open
        FROM tickets WHERE opened_at < (SELECT e FROM day_end) AND (one IS NULL OR account_id = one)
    ), model_params p
    GROUP BY account_id
),
tickets_known AS (
    SELECT bool_or(loaded) AS loaded FROM (
        SELECT count(*) > 0 AS loaded FROM ticket_agg WHERE one IS NULL
        UNION ALL
        SELECT count(*) > 0 FROM tickets
        WHERE one IS NOT NULL AND opened_at < (SELECT e FROM day_end)
    )
),
survey_agg AS (
    SELECT
        account_id,
        count(*) FILTER (WHERE kind = 'nps' AND d > t - 180) AS nps_n,
        100.0 * (count(*) FILTER (WHERE kind = 'nps' AND d > t - 180 AND score >= 9)
               - count(*) FILTER (WHERE kind = 'nps' AND d > t - 180 AND score <= 6))
            / nullif(count(*) FILTER (WHERE kind = 'nps' AND d > t - 180), 0) AS nps_180d,
        count(*) FILTER (WHERE kind = 'csat' AND d > t - 180) AS csat_n,
        100.0 * count(*) FILTER (WHERE kind = 'csat' AND d > t - 180 AND score >= 4)
            / nullif(count(*) FILTER (WHERE kind = 'csat' AND d > t - 180), 0) AS csat_180d,
        count(*) FILTER (WHERE kind = 'ces' AND d > t - 180) AS ces_n,
        avg(score) FILTER (WHERE kind = 'ces' AND d > t - 180) AS ces_180d,
        arg_max({'score': score, 'respondent': respondent, 'day': d}, responded_at) FILTER (
            WHERE kind = 'nps' AND score <= p.detractor_max_score AND d > t - p.detractor_within_days
        ) AS detractor
    FROM (
        SELECT *, responded_at::DATE AS d FROM surveys
        WHERE responded_at < (SELECT e FROM day_end) AND (one IS NULL OR account_id = one)
    ), model_params p
    GROUP BY account_id
),
touches AS (
    SELECT account_id, max(d) AS last_touch
    FROM (
        SELECT account_id, occurred_at::DATE AS d FROM activities
        WHERE occurred_at < (SELECT e FROM day_end) AND (one IS NULL OR account_id = one)
        UNION ALL
        -- A touch may be dated back (yesterday's call), never after it was logged.
        SELECT account_id, least(coalesce(until_date, created_at::DATE), created_at::DATE)
        FROM live_actions(cutoff) WHERE kind = 'touch'
    )
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
        FROM account_outcomes(t, cutoff)
    )
    GROUP BY account_id
),
-- The champion or decision maker who left most recently, within the rule's window.
people_left AS (
    SELECT account_id,
        first({'name': name, 'role': role, 'champion': champion, 'left_on': left_on}
              ORDER BY left_on DESC, contact_id) AS left_contact
    FROM contacts, model_params p
    WHERE (champion OR decision_maker) AND left_on <= t AND left_on > t - p.champion_left_within_days
    GROUP BY account_id
),
flags AS (
    SELECT account_id,
        arg_max({'author': author, 'body': body, 'until': until_date}, {'at': created_at, 'uid': uid}) AS flag
    FROM live_actions(cutoff)
    WHERE kind = 'flag' AND (until_date IS NULL OR until_date >= t)
    GROUP BY account_id
),
overrides AS (
    SELECT account_id,
        arg_max({'band': detail, 'author': author, 'body': body, 'until': strftime(until_date, '%Y-%m-%d')},
                {'at': created_at, 'uid': uid}) AS override
    FROM live_actions(cutoff)
    WHERE kind = 'override' AND (until_date IS NULL OR until_date >= t)
    GROUP BY account_id
)
SELECT
    a.account_id,
    a.arr,
    a.seats,
    a.contract_start,
    a.renewal_date,
    -- metrics
    CASE WHEN uk.loaded THEN coalesce(u.active_users_30d, 0) END::DOUBLE AS active_users_30d,
    CASE WHEN uk.loaded AND a.seats > 0 THEN coalesce(u.active_users_30d, 0) / a.seats END::DOUBLE AS utilization,
    CASE WHEN uk.loaded THEN coalesce(u.events_30d, 0) END::DOUBLE AS events_30d,
    CASE WHEN uk.loaded THEN coalesce(u.events_prev_30d, 0) END::DOUBLE AS events_prev_30d,
    CASE
        WHEN NOT uk.loaded THEN NULL
        WHEN coalesce(u.events_prev_30d, 0) > 0 THEN u.events_30d / u.events_prev_30d
        WHEN coalesce(u.events_30d, 0) > 0 THEN 1.0
    END::DOUBLE AS usage_trend,
    CASE WHEN uk.features THEN coalesce(u.features_30d, 0) END::DOUBLE AS features_30d,
    (t - u.last_use)::DOUBLE AS days_since_last_use,
    CASE WHEN tk.loaded THEN coalesce(tg.open_ticket_load, 0) END::DOUBLE AS open_ticket_load,
    CASE WHEN tk.loaded THEN coalesce(tg.oldest_escalation_days, 0) END::DOUBLE AS oldest_escalation_days,
    s.nps_180d::DOUBLE AS nps_180d,
    s.csat_180d::DOUBLE AS csat_180d,
    s.ces_180d::DOUBLE AS ces_180d,
    -- A touch logged in the console after t (live view) counts as a touch at t, not a negative age.
    CASE WHEN tc.last_touch IS NOT NULL THEN greatest(t - tc.last_touch, 0) END::DOUBLE AS days_since_touch,
    (a.renewal_date - t)::DOUBLE AS days_to_renewal,
    CASE WHEN oa.counted > 0 THEN 100.0 * oa.on_track / oa.counted END::DOUBLE AS outcomes_on_track,
    coalesce(oa.overdue, 0)::DOUBLE AS overdue_outcomes,
    -- facts for reasons and display
    uk.loaded AS usage_loaded,
    u.last_use,
    coalesce(s.nps_n, 0) AS nps_n,
    coalesce(s.csat_n, 0) AS csat_n,
    coalesce(s.ces_n, 0) AS ces_n,
    s.detractor,
    dc.person AS detractor_contact,
    oa.most_overdue,
    pl.left_contact,
    tg.oldest_escalation,
    tc.last_touch,
    f.flag,
    o.override
FROM (SELECT * FROM portfolio(t) WHERE one IS NULL OR account_id = one) a
CROSS JOIN usage_known uk
CROSS JOIN tickets_known tk
LEFT JOIN usage_agg u USING (account_id)
LEFT JOIN ticket_agg tg USING (account_id)
LEFT JOIN survey_agg s USING (account_id)
LEFT JOIN touches tc USING (account_id)
LEFT JOIN outcome_agg oa USING (account_id)
LEFT JOIN people_left pl USING (account_id)
LEFT JOIN respondent_contacts() dc ON dc.account_id = a.account_id AND dc.email = lower(s.detractor.respondent)
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

-- Scores at t with the trend against a week earlier (both computed by the same model).
CREATE OR REPLACE TEMP MACRO scored(t, cutoff, one := NULL) AS TABLE
    SELECT cur.*, prev.health AS health_week_ago, cur.health - prev.health AS trend
    FROM scores(t, cutoff, one := one) cur
    LEFT JOIN (SELECT account_id, health FROM scores(t - 7, CAST(t - 6 AS TIMESTAMP), one := one)) prev
        USING (account_id);

-- The rows the views read (src/model/score.rs `read_scores`, by position): every account in
-- the portfolio at t (or only `one`) with its score, trend and the facts shown. The owner is the
-- latest reassignment (an action, journaled in a team) over the loaded owner.
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
    nullif(s.profile, '')
FROM scored(t, cutoff, one := one) s
JOIN accounts a USING (account_id)
LEFT JOIN (
    SELECT account_id, arg_max(detail, {'at': created_at, 'uid': uid}) AS owner
    FROM live_actions(cutoff) WHERE kind = 'owner'
    GROUP BY account_id
) o USING (account_id);
