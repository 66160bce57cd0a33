-- Stage surveys: type every column and name the first rule each row breaks.
SELECT
    account_id,
    contract_timestamp(responded_at) AS responded_at,
    lower(kind) AS kind,
    contract_whole(score) AS score,
    respondent,
    comment,
    CASE
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN responded_at IS NULL THEN contract_problem('responded_at', 'is required', responded_at)
        WHEN contract_timestamp(responded_at) IS NULL
            THEN contract_problem('responded_at', 'must be an ISO 8601 timestamp', responded_at)
        WHEN kind IS NULL THEN contract_problem('kind', 'is required', kind)
        WHEN lower(kind) NOT IN ('nps', 'csat', 'ces')
            THEN contract_problem('kind', 'must be nps, csat or ces', kind)
        WHEN score IS NULL THEN contract_problem('score', 'is required', score)
        WHEN contract_whole(score) IS NULL
            THEN contract_problem('score', 'must be a whole number', score)
        WHEN lower(kind) = 'nps' AND contract_whole(score) NOT BETWEEN 0 AND 10
            THEN contract_problem('score', 'nps must be 0–10', score)
        WHEN lower(kind) = 'csat' AND contract_whole(score) NOT BETWEEN 1 AND 5
            THEN contract_problem('score', 'csat must be 1–5', score)
        WHEN lower(kind) = 'ces' AND contract_whole(score) NOT BETWEEN 1 AND 7
            THEN contract_problem('score', 'ces must be 1–7', score)
    END AS problem
FROM (
    SELECT
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{responded_at}}), '') AS responded_at,
        nullif(trim({{kind}}), '') AS kind,
        nullif(trim({{score}}), '') AS score,
        nullif(trim({{respondent}}), '') AS respondent,
        nullif({{comment}}, '') AS comment
    FROM {{source}}
)
