-- The account's success plan as it stands now: every outcome, loaded or agreed in the console,
-- with the console's marks. Open ones first by due date, then the closed ones, latest first.
-- $1 = today, $2 = account_id.
SELECT outcome_id, title, kind,
    strftime(created_on, '%Y-%m-%d'), strftime(due_on, '%Y-%m-%d'),
    strftime(achieved_on, '%Y-%m-%d'), strftime(dropped_on, '%Y-%m-%d'),
    drop_reason, owner
FROM account_outcomes($1::DATE, 'infinity'::TIMESTAMP)
WHERE account_id = $2
ORDER BY achieved_on IS NOT NULL OR dropped_on IS NOT NULL,
    CASE WHEN achieved_on IS NULL AND dropped_on IS NULL THEN due_on END,
    coalesce(achieved_on, dropped_on) DESC, outcome_id
