-- Remember how far a journal file was read (the end of its last whole line).
INSERT OR REPLACE INTO journal_files VALUES (?, ?, ?, now()::TIMESTAMP)
