-- Every repeat of a key after its first row breaks the uniqueness rule.
UPDATE {{stage}} SET problem = contract_problem('{{key}}', 'must be unique (repeats an earlier row)', {{key}})
WHERE problem IS NULL
  AND rowid IN (
      SELECT rowid FROM {{stage}}
      WHERE {{key}} IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY {{key}} ORDER BY rowid) > 1
  )
