-- A few checked rows of a stage as text, for `retain import --dry-run`.
SELECT CAST(COLUMNS(*) AS VARCHAR)
FROM (SELECT * EXCLUDE (problem) FROM {{stage}} WHERE problem IS NULL ORDER BY rowid LIMIT ?)
