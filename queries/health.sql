-- Accounts in the portfolio at t.
CREATE OR REPLACE TEMP MACRO portfolio(t) AS TABLE
    SELECT * FROM accounts WHERE contract_start <= t AND (churned_on IS NULL OR churned_on > t);

-- The macros that scoring and the console's account screen both read, defined at every open
-- of the database: actions, respondents and outcomes. The health model of HEALTH.md itself
-- starts in data_metrics.sql (`queries::SCORING`, defined with the model). t is the as-of
-- date; cutoff is the moment up to which console actions count (the end of day t, or now for
-- the live view). Nothing dated after the end of day t is read.

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

-- What the CSM has done per account (undone actions excluded): the current next step,
-- snooze (and why) and resolution: the latest action by (created_at, uid), the same order on
-- every laptop of a team (TEAM.md). Of every account, or only of the list `accounts`: after an
-- action the console reads its account's alone (at 200,000 actions, 5 ms against 90 ms). An
-- account without such actions has no row (touches, most of a team's history, are not grouped).
-- The latest action's fields are taken together, as a struct: `arg_max` skips a NULL value, so
-- taken alone a later snooze without a reason would show an earlier snooze's.
CREATE OR REPLACE TEMP MACRO console_state(accounts := NULL) AS TABLE
SELECT
    account_id,
    step.body AS next_step,
    strftime(step.until, '%Y-%m-%d') AS next_due,
    strftime(snooze.until, '%Y-%m-%d') AS snoozed_until,
    resolved_reasons,
    snooze.body AS snooze_reason
FROM (
    SELECT
        account_id,
        arg_max({'body': body, 'until': until_date}, {'at': created_at, 'uid': uid})
            FILTER (WHERE kind = 'next_step') AS step,
        arg_max({'body': body, 'until': until_date}, {'at': created_at, 'uid': uid})
            FILTER (WHERE kind = 'snooze') AS snooze,
        arg_max(coalesce(reasons, ''), {'at': created_at, 'uid': uid})
            FILTER (WHERE kind = 'resolve') AS resolved_reasons
    FROM live_actions('infinity'::TIMESTAMP)
    WHERE kind IN ('next_step', 'snooze', 'resolve')
      AND (accounts IS NULL OR list_contains(accounts, account_id))
    GROUP BY account_id
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
