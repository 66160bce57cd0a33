-- The checked rows of an import's stage, tagged with their source ($1).
INSERT INTO {{table}} ({{columns}}, origin)
SELECT {{columns}}, $1 FROM {{stage}}
WHERE problem IS NULL AND account_id IN {{accounts}}
