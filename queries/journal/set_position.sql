-- How far each journal file was read (the end of its last whole line), rewritten whole by each
-- read: the positions are then appended, one row per file.
DELETE FROM journal_files
