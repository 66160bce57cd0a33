-- The data's freshness: the latest date of any activity in the input tables.
SELECT strftime(max(d), '%Y-%m-%d') FROM (
    SELECT max(occurred_at)::DATE AS d FROM usage
    UNION ALL SELECT max(opened_at)::DATE FROM tickets
    UNION ALL SELECT max(closed_at)::DATE FROM tickets
    UNION ALL SELECT max(responded_at)::DATE FROM surveys
    UNION ALL SELECT max(occurred_at)::DATE FROM activities
)
