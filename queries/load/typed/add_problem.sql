-- The rules' column of a typed stage, empty. Added afterwards: a NULL struct written row by
-- row by the CREATE costs seconds at 50 million rows, an added column almost nothing.
ALTER TABLE {{stage}} ADD COLUMN problem STRUCT("column" VARCHAR, rule VARCHAR, value VARCHAR)
