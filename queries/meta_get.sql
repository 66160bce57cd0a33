SELECT max(value) FROM retain_meta WHERE key = ?
