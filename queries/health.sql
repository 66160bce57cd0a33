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
-- case): one person per account and address, of every account or only `one` (grouping every
-- account's contacts to name one account's respondent took most of scoring that account).
CREATE OR REPLACE TEMP MACRO respondent_contacts(one := NULL) AS TABLE
    SELECT account_id, lower(email) AS email,
        first({'name': name, 'role': role} ORDER BY contact_id) AS person
    FROM contacts WHERE email IS NOT NULL AND (one IS NULL OR account_id = one)
    GROUP BY ALL;

-- "田中 一郎, CTO" for a matched respondent, else the address as written.
CREATE OR REPLACE TEMP MACRO respondent_name(person, respondent) AS
    coalesce(person.name || coalesce(', ' || person.role, ''), respondent);

-- Every outcome (DATA.md) as it stood at t: the loaded ones, those a CSM added in the console,
-- and the console's "achieved" and "dropped" marks. A console change counts from the day it was
-- recorded; in the live view (t before that day) it counts at t, as a console touch does.
CREATE OR REPLACE TEMP MACRO account_outcomes(t, cutoff, one := NULL) AS TABLE
WITH
changes AS (
    SELECT kind, detail AS outcome_id, least(created_at::DATE, t) AS d, body,
        {'at': created_at, 'uid': uid} AS ordering
    FROM live_actions(cutoff) WHERE kind IN ('outcome_achieved', 'outcome_dropped')
),
every_outcome AS (
    SELECT outcome_id, account_id, title, kind, created_on, due_on, achieved_on, dropped_on,
        owner, NULL::VARCHAR AS drop_reason
    FROM outcomes WHERE one IS NULL OR account_id = one
    UNION ALL
    SELECT 'console-' || uid, account_id, body, detail, least(created_at::DATE, t),
        until_date, NULL, NULL, author, NULL
    FROM live_actions(cutoff) WHERE kind = 'outcome_add' AND (one IS NULL OR account_id = one)
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

-- What the input tables say of every account in the portfolio at t: the metrics of HEALTH.md
-- that no console action changes, and the facts the at-risk rules quote. Metrics are DOUBLE so
-- that measures can read any of them. `one` (an account_id) limits every scan to that account,
-- for `retain explain`; what HEALTH.md asks of the whole data ("usage loaded at all", "a
-- feature column at all") is still read over every account.
CREATE OR REPLACE TEMP MACRO data_metrics(t, one := NULL) AS TABLE
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
-- One row: from the aggregate when every account is scored, else from the whole table, where
-- the first row found answers (LIMIT 1 stops the scan).
usage_known AS (
    SELECT bool_or(loaded) AS loaded, bool_or(features) AS features FROM (
        SELECT count(*) > 0 AS loaded, coalesce(bool_or(any_feature), false) AS features
        FROM usage_agg WHERE one IS NULL
        UNION ALL
        SELECT
            (SELECT count(*) > 0 FROM (SELECT 1 FROM usage
                WHERE one IS NOT NULL AND occurred_at < (SELECT e FROM day_end) LIMIT 1)),
            (SELECT count(*) > 0 FROM (SELECT 1 FROM usage
                WHERE one IS NOT NULL AND occurred_at < (SELECT e FROM day_end)
                  AND feature IS NOT NULL LIMIT 1))
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
        SELECT count(*) > 0 FROM (SELECT 1 FROM tickets
            WHERE one IS NOT NULL AND opened_at < (SELECT e FROM day_end) LIMIT 1)
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
activity_touches AS (
    SELECT account_id, max(occurred_at::DATE) AS last_activity
    FROM activities
    WHERE occurred_at < (SELECT e FROM day_end) AND (one IS NULL OR account_id = one)
    GROUP BY account_id
),
-- The champion or decision maker who left most recently, within the rule's window.
people_left AS (
    SELECT account_id,
        first({'name': name, 'role': role, 'champion': champion, 'left_on': left_on}
              ORDER BY left_on DESC, contact_id) AS left_contact
    FROM contacts, model_params p
    WHERE (champion OR decision_maker) AND left_on <= t AND left_on > t - p.champion_left_within_days
      AND (one IS NULL OR account_id = one)
    GROUP BY account_id
)
SELECT
    a.account_id,
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
    uk.loaded AS usage_loaded,
    u.last_use,
    coalesce(s.nps_n, 0) AS nps_n,
    coalesce(s.csat_n, 0) AS csat_n,
    coalesce(s.ces_n, 0) AS ces_n,
    s.detractor,
    dc.person AS detractor_contact,
    pl.left_contact,
    tg.oldest_escalation,
    ac.last_activity
FROM (SELECT * FROM portfolio(t) WHERE one IS NULL OR account_id = one) a
CROSS JOIN usage_known uk
CROSS JOIN tickets_known tk
LEFT JOIN usage_agg u USING (account_id)
LEFT JOIN ticket_agg tg USING (account_id)
LEFT JOIN survey_agg s USING (account_id)
LEFT JOIN activity_touches ac USING (account_id)
LEFT JOIN people_left pl USING (account_id)
LEFT JOIN respondent_contacts(one := one) dc ON dc.account_id = a.account_id AND dc.email = lower(s.detractor.respondent);
