-- Stage contacts: type every column and name the first rule each row breaks.
SELECT
    contact_id, account_id, name, email, role,
    coalesce(contract_boolean(champion), false) AS champion,
    coalesce(contract_boolean(decision_maker), false) AS decision_maker,
    contract_date(left_on) AS left_on,
    CASE
        WHEN contact_id IS NULL THEN contract_problem('contact_id', 'is required', contact_id)
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN name IS NULL THEN contract_problem('name', 'is required', name)
        WHEN champion IS NOT NULL AND contract_boolean(champion) IS NULL
            THEN contract_problem('champion', 'must be true/false, yes/no or 1/0', champion)
        WHEN decision_maker IS NOT NULL AND contract_boolean(decision_maker) IS NULL
            THEN contract_problem('decision_maker', 'must be true/false, yes/no or 1/0', decision_maker)
        WHEN left_on IS NOT NULL AND contract_date(left_on) IS NULL
            THEN contract_problem('left_on', 'must be a date YYYY-MM-DD', left_on)
    END AS problem
FROM (
    SELECT
        nullif(trim({{contact_id}}), '') AS contact_id,
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{name}}), '') AS name,
        nullif(trim({{email}}), '') AS email,
        nullif(trim({{role}}), '') AS role,
        nullif(trim({{champion}}), '') AS champion,
        nullif(trim({{decision_maker}}), '') AS decision_maker,
        nullif(trim({{left_on}}), '') AS left_on
    FROM {{source}}
)
