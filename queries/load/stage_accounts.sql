-- Stage accounts: type every column and name the first rule each row breaks.
SELECT
    account_id, name, owner, segment, plan,
    contract_decimal(arr) AS arr,
    contract_whole(seats) AS seats,
    contract_date(contract_start) AS contract_start,
    contract_date(renewal_date) AS renewal_date,
    contract_date(churned_on) AS churned_on,
    CASE
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN name IS NULL THEN contract_problem('name', 'is required', name)
        WHEN arr IS NULL THEN contract_problem('arr', 'is required', arr)
        WHEN contract_decimal(arr) IS NULL
            THEN contract_problem('arr', 'must be a decimal number', arr)
        WHEN contract_decimal(arr) < 0 THEN contract_problem('arr', 'must be ≥ 0', arr)
        WHEN seats IS NOT NULL AND contract_whole(seats) IS NULL
            THEN contract_problem('seats', 'must be a whole number', seats)
        WHEN contract_whole(seats) < 0 THEN contract_problem('seats', 'must be ≥ 0', seats)
        WHEN contract_start IS NULL THEN contract_problem('contract_start', 'is required', contract_start)
        WHEN contract_date(contract_start) IS NULL
            THEN contract_problem('contract_start', 'must be a date YYYY-MM-DD', contract_start)
        WHEN renewal_date IS NOT NULL AND contract_date(renewal_date) IS NULL
            THEN contract_problem('renewal_date', 'must be a date YYYY-MM-DD', renewal_date)
        WHEN churned_on IS NOT NULL AND contract_date(churned_on) IS NULL
            THEN contract_problem('churned_on', 'must be a date YYYY-MM-DD', churned_on)
    END AS problem
FROM (
    SELECT
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{name}}), '') AS name,
        nullif(trim({{owner}}), '') AS owner,
        nullif(trim({{segment}}), '') AS segment,
        nullif(trim({{plan}}), '') AS plan,
        nullif(trim({{arr}}), '') AS arr,
        nullif(trim({{seats}}), '') AS seats,
        nullif(trim({{contract_start}}), '') AS contract_start,
        nullif(trim({{renewal_date}}), '') AS renewal_date,
        nullif(trim({{churned_on}}), '') AS churned_on
    FROM {{source}}
)
