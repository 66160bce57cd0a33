-- The first of the scoring macros, defined with the model (`score::install`) rather than at
-- every open of the database: only scoring reads them.

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
