-- Swap a checked stage in as the input table, without copying its rows again. Loaded rows
-- have no import origin.
DROP TABLE {{table}};
ALTER TABLE {{stage}} RENAME TO {{table}};
ALTER TABLE {{table}} DROP COLUMN IF EXISTS problem;
ALTER TABLE {{table}} ADD COLUMN origin VARCHAR;
