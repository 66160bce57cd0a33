-- The account's journey, newest first: contract, tickets, surveys, CSM activities, console
-- actions and usage milestones (first use, sharp weekly drops, last use).
-- $1 = as-of date, $2 = account_id.
WITH
until AS (SELECT CAST($1::DATE + 1 AS TIMESTAMP) AS e),
weekly AS (
    SELECT date_trunc('week', occurred_at)::DATE AS week, sum(count) AS events
    FROM usage WHERE account_id = $2 AND occurred_at < (SELECT e FROM until)
    GROUP BY 1
),
drops AS (
    SELECT week, events, lag(events) OVER (ORDER BY week) AS before FROM weekly
),
entries AS (
    SELECT contract_start::TIMESTAMP AS happened, 'contract' AS kind,
           format('contract started ({} ARR)', arr) AS text
    FROM accounts WHERE account_id = $2
    UNION ALL
    SELECT opened_at, 'ticket', format('#{} opened ({}) {}', ticket_id, priority, coalesce(subject, ''))
    FROM tickets WHERE account_id = $2 AND opened_at < (SELECT e FROM until)
    UNION ALL
    SELECT closed_at, 'ticket', format('#{} closed after {} days', ticket_id, date_diff('day', opened_at, closed_at))
    FROM tickets WHERE account_id = $2 AND closed_at < (SELECT e FROM until)
    UNION ALL
    SELECT s.responded_at, s.kind, format('{} {} from {}{}', upper(s.kind), s.score,
        coalesce(respondent_name(p.person, s.respondent), 'a respondent'),
        CASE WHEN s.comment IS NOT NULL THEN format(': {}', s.comment) ELSE '' END)
    FROM surveys s
    LEFT JOIN respondent_contacts(one := $2) p ON p.account_id = s.account_id AND p.email = lower(s.respondent)
    WHERE s.account_id = $2 AND s.responded_at < (SELECT e FROM until)
    UNION ALL
    SELECT occurred_at, kind, format('{}{}', coalesce(summary, ''),
        CASE WHEN author IS NOT NULL THEN format(' — {}', author) ELSE '' END)
    FROM activities WHERE account_id = $2 AND occurred_at < (SELECT e FROM until)
    UNION ALL
    -- A touch is placed on the day it happened; other actions when they were logged.
    SELECT CASE WHEN a.kind = 'touch' AND a.until_date < a.created_at::DATE
                THEN a.until_date::TIMESTAMP ELSE a.created_at END,
           'console', format('{} — {}{}',
        CASE a.kind
            WHEN 'outcome_add' THEN format('outcome agreed: {} ({}, due {})', a.body, a.detail, a.until_date)
            WHEN 'outcome_achieved' THEN format('outcome achieved: {}', coalesce(
                (SELECT title FROM outcomes WHERE outcome_id = a.detail),
                (SELECT body FROM actions WHERE 'console-' || uid = a.detail), a.detail))
            WHEN 'outcome_dropped' THEN format('outcome dropped: {}: {}', coalesce(
                (SELECT title FROM outcomes WHERE outcome_id = a.detail),
                (SELECT body FROM actions WHERE 'console-' || uid = a.detail), a.detail), a.body)
            ELSE format('{}{}{}{}{}',
                replace(a.kind, '_', ' '),
                CASE WHEN a.detail IS NOT NULL THEN format(' ({})', a.detail) ELSE '' END,
                CASE WHEN a.contact IS NOT NULL THEN format(' with {}', a.contact) ELSE '' END,
                CASE WHEN a.body IS NOT NULL THEN format(': {}', a.body) ELSE '' END,
                CASE WHEN a.until_date IS NOT NULL AND a.kind <> 'touch' THEN format(' until {}', a.until_date) ELSE '' END)
        END,
        a.author,
        CASE WHEN u.uid IS NOT NULL THEN ' [undone]' ELSE '' END)
    FROM actions a
    LEFT JOIN actions u ON u.kind = 'undo' AND u.undoes_uid = a.uid
    WHERE a.account_id = $2 AND a.kind <> 'undo'
    UNION ALL
    SELECT created_on::TIMESTAMP, 'outcome', format('outcome agreed: {} (due {})', title, due_on)
    FROM outcomes WHERE account_id = $2 AND created_on <= $1::DATE
    UNION ALL
    SELECT achieved_on::TIMESTAMP, 'outcome', format('outcome achieved: {}', title)
    FROM outcomes WHERE account_id = $2 AND achieved_on <= $1::DATE
    UNION ALL
    SELECT dropped_on::TIMESTAMP, 'outcome', format('outcome dropped: {}', title)
    FROM outcomes WHERE account_id = $2 AND dropped_on <= $1::DATE
    UNION ALL
    SELECT left_on::TIMESTAMP, 'people', format('{}{} left{}', name, coalesce(' (' || role || ')', ''),
        CASE WHEN champion THEN ' — the champion' WHEN decision_maker THEN ' — a decision maker' ELSE '' END)
    FROM contacts WHERE account_id = $2 AND left_on <= $1::DATE
    UNION ALL
    SELECT min(occurred_at), 'usage', 'first product use'
    FROM usage WHERE account_id = $2 AND occurred_at < (SELECT e FROM until)
    HAVING count(*) > 0
    UNION ALL
    SELECT max(occurred_at), 'usage', 'last product use'
    FROM usage WHERE account_id = $2 AND occurred_at < (SELECT e FROM until)
    HAVING count(*) > 0
    UNION ALL
    SELECT week::TIMESTAMP, 'usage', format('weekly events fell to {} from {}', events, before)
    FROM drops WHERE before >= 20 AND events < 0.5 * before
)
SELECT strftime(happened, '%Y-%m-%d'), kind, text FROM entries ORDER BY happened DESC, kind, text LIMIT 300
