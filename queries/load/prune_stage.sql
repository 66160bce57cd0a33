-- Before the swap: drop the rows set aside (--skip-bad-rows) and those of unknown accounts.
DELETE FROM {{stage}}
WHERE problem IS NOT NULL
   OR account_id NOT IN {{accounts}}
