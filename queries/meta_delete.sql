DELETE FROM retain_meta WHERE key = ?
