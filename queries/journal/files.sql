-- Every journal file read so far: how far, and when.
SELECT file, read_to, lines_read, strftime(read_at, '%Y-%m-%d %H:%M:%S') FROM journal_files ORDER BY file
