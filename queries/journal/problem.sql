-- A bad journal line, remembered so that it is reported once. Returns a row when it is new.
INSERT INTO journal_problems VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING line
