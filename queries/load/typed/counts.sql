-- counts.sql for a typed stage, which has no rules column: its check found no row breaking a
-- rule; rows of unknown accounts are counted as there.
SELECT
    0::BIGINT AS problems,
    count(*) FILTER (WHERE account_id NOT IN {{accounts}}) AS orphans,
    count(*) AS total
FROM {{stage}}
