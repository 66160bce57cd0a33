-- The schema version lives beside the data so that later releases can migrate a file.
CREATE TABLE IF NOT EXISTS retain_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
