-- An import replaces the rows its source ($1) brought before and, where the table has a key,
-- any row whose key the import brings again. Everything else stays.
DELETE FROM {{table}}
WHERE origin = $1 {{same_key}}
