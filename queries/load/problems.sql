-- The offending rows in file order, with the column and rule each breaks.
SELECT rowid, problem['column'], problem['rule'], problem['value']
FROM {{stage}}
WHERE problem IS NOT NULL
ORDER BY rowid
LIMIT ?
