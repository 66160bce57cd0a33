-- Stage tickets: type every column and name the first rule each row breaks.
SELECT
    ticket_id, account_id,
    contract_timestamp(opened_at) AS opened_at,
    contract_timestamp(closed_at) AS closed_at,
    lower(priority) AS priority,
    subject,
    CASE
        WHEN ticket_id IS NULL THEN contract_problem('ticket_id', 'is required', ticket_id)
        WHEN account_id IS NULL THEN contract_problem('account_id', 'is required', account_id)
        WHEN opened_at IS NULL THEN contract_problem('opened_at', 'is required', opened_at)
        WHEN contract_timestamp(opened_at) IS NULL
            THEN contract_problem('opened_at', 'must be an ISO 8601 timestamp', opened_at)
        WHEN closed_at IS NOT NULL AND contract_timestamp(closed_at) IS NULL
            THEN contract_problem('closed_at', 'must be an ISO 8601 timestamp', closed_at)
        WHEN contract_timestamp(closed_at) < contract_timestamp(opened_at)
            THEN contract_problem('closed_at', 'must not precede opened_at', closed_at)
        WHEN priority IS NULL THEN contract_problem('priority', 'is required', priority)
        WHEN lower(priority) NOT IN ('low', 'normal', 'high', 'urgent')
            THEN contract_problem('priority', 'must be low, normal, high or urgent', priority)
    END AS problem
FROM (
    SELECT
        nullif(trim({{ticket_id}}), '') AS ticket_id,
        nullif(trim({{account_id}}), '') AS account_id,
        nullif(trim({{opened_at}}), '') AS opened_at,
        nullif(trim({{closed_at}}), '') AS closed_at,
        nullif(trim({{priority}}), '') AS priority,
        nullif(trim({{subject}}), '') AS subject
    FROM {{source}}
)
