-- A stage is a real table (not TEMP) so that, once checked, it can become the input table by
-- a rename instead of a second copy of every row.
CREATE OR REPLACE TABLE {{stage}} AS {{select}}
