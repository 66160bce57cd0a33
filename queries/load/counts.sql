-- Rows that break a rule, and rows that break none but name an unknown account.
SELECT
    count(*) FILTER (WHERE problem IS NOT NULL) AS problems,
    count(*) FILTER (
        WHERE problem IS NULL
          AND account_id NOT IN {{accounts}}
    ) AS orphans,
    count(*) AS total
FROM {{stage}}
