-- Swap a checked stage in as the input table, without copying its rows again.
DROP TABLE {{table}};
ALTER TABLE {{stage}} RENAME TO {{table}};
ALTER TABLE {{table}} DROP COLUMN problem;
