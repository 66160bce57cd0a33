-- The rules' column of the typed stage, empty. Added afterwards: a NULL struct written row by
-- row by fast_usage.sql costs seconds at 50 million rows, an added column almost nothing.
ALTER TABLE stage_usage ADD COLUMN problem STRUCT("column" VARCHAR, rule VARCHAR, value VARCHAR)
