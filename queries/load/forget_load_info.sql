-- An import rewrites the load record of the tables it touched, and only those.
DELETE FROM load_info WHERE table_name = ?
