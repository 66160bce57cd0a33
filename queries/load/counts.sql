-- Rows that break a rule, and rows that break none but name an unknown account.
SELECT
    count(*) FILTER (WHERE problem IS NOT NULL) AS problems,
    count(*) FILTER (
        WHERE problem IS NULL
          AND account_id NOT IN (SELECT account_id FROM stage_accounts WHERE problem IS NULL)
    ) AS orphans,
    count(*) AS total
FROM {{stage}}
