-- Stage activities: type every column and name the first rule each row breaks.
SELECT
    account_id,
    contract_timestamp(occurred_at) AS occurred_at,
    lower(kind) AS kind,
    summary,
    author,
    CASE
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN occurred_at IS NULL THEN contract_problem('occurred_at', 'is required', occurred_at)
        WHEN contract_timestamp(occurred_at) IS NULL
            THEN contract_problem('occurred_at', 'must be an ISO 8601 timestamp', occurred_at)
        WHEN kind IS NULL THEN contract_problem('kind', 'is required', kind)
        WHEN lower(kind) NOT IN ('call', 'email', 'meeting', 'qbr', 'note')
            THEN contract_problem('kind', 'must be call, email, meeting, qbr or note', kind)
    END AS problem
FROM (
    SELECT
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{occurred_at}}), '') AS occurred_at,
        nullif(trim({{kind}}), '') AS kind,
        nullif({{summary}}, '') AS summary,
        nullif(trim({{author}}), '') AS author
    FROM {{source}}
)
