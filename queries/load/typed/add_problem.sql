-- The rules' column, empty, for a typed stage that needs one (uniqueness marks rows in it; an
-- import's merge reads it). Added afterwards rather than written per row by the CREATE, and
-- only where needed: even an added column costs seconds at 50 million rows.
ALTER TABLE {{stage}} ADD COLUMN IF NOT EXISTS problem STRUCT("column" VARCHAR, rule VARCHAR, value VARCHAR)
