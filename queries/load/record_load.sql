INSERT INTO load_info VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP)
