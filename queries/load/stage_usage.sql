-- Stage usage: type every column and name the first rule each row breaks.
SELECT
    account_id, user_id,
    contract_timestamp(occurred_at) AS occurred_at,
    feature,
    coalesce(contract_whole(count), 1) AS count,
    CASE
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN user_id IS NULL THEN contract_problem('user_id', 'is required', user_id)
        WHEN occurred_at IS NULL THEN contract_problem('occurred_at', 'is required', occurred_at)
        WHEN contract_timestamp(occurred_at) IS NULL
            THEN contract_problem('occurred_at', 'must be an ISO 8601 timestamp', occurred_at)
        WHEN count IS NOT NULL AND contract_whole(count) IS NULL
            THEN contract_problem('count', 'must be a whole number', count)
        WHEN contract_whole(count) < 1 THEN contract_problem('count', 'must be ≥ 1', count)
    END AS problem
FROM (
    SELECT
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{user_id}}), '') AS user_id,
        nullif(trim({{occurred_at}}), '') AS occurred_at,
        nullif(trim({{feature}}), '') AS feature,
        nullif(trim({{count}}), '') AS count
    FROM {{source}}
)
