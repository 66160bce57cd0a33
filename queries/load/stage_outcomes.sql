-- Stage outcomes: type every column and name the first rule each row breaks.
SELECT
    outcome_id, account_id, title,
    coalesce(lower(kind), 'business') AS kind,
    contract_date(created_on) AS created_on,
    contract_date(due_on) AS due_on,
    contract_date(achieved_on) AS achieved_on,
    contract_date(dropped_on) AS dropped_on,
    owner,
    CASE
        WHEN outcome_id IS NULL THEN contract_problem('outcome_id', 'is required', outcome_id)
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN title IS NULL THEN contract_problem('title', 'is required', title)
        WHEN kind IS NOT NULL AND lower(kind) NOT IN ('onboarding', 'adoption', 'business')
            THEN contract_problem('kind', 'must be onboarding, adoption or business', kind)
        WHEN created_on IS NULL THEN contract_problem('created_on', 'is required', created_on)
        WHEN contract_date(created_on) IS NULL
            THEN contract_problem('created_on', 'must be a date YYYY-MM-DD', created_on)
        WHEN due_on IS NULL THEN contract_problem('due_on', 'is required', due_on)
        WHEN contract_date(due_on) IS NULL
            THEN contract_problem('due_on', 'must be a date YYYY-MM-DD', due_on)
        WHEN contract_date(due_on) < contract_date(created_on)
            THEN contract_problem('due_on', 'must not be before created_on', due_on)
        WHEN achieved_on IS NOT NULL AND contract_date(achieved_on) IS NULL
            THEN contract_problem('achieved_on', 'must be a date YYYY-MM-DD', achieved_on)
        WHEN contract_date(achieved_on) < contract_date(created_on)
            THEN contract_problem('achieved_on', 'must not be before created_on', achieved_on)
        WHEN dropped_on IS NOT NULL AND contract_date(dropped_on) IS NULL
            THEN contract_problem('dropped_on', 'must be a date YYYY-MM-DD', dropped_on)
        WHEN contract_date(dropped_on) < contract_date(created_on)
            THEN contract_problem('dropped_on', 'must not be before created_on', dropped_on)
        WHEN dropped_on IS NOT NULL AND achieved_on IS NOT NULL
            THEN contract_problem('dropped_on', 'must be empty when achieved_on is set', dropped_on)
    END AS problem
FROM (
    SELECT
        nullif(trim({{outcome_id}}), '') AS outcome_id,
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{title}}), '') AS title,
        nullif(trim({{kind}}), '') AS kind,
        nullif(trim({{created_on}}), '') AS created_on,
        nullif(trim({{due_on}}), '') AS due_on,
        nullif(trim({{achieved_on}}), '') AS achieved_on,
        nullif(trim({{dropped_on}}), '') AS dropped_on,
        nullif(trim({{owner}}), '') AS owner
    FROM {{source}}
)
