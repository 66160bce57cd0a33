-- A folder's part joins its table's stage: the first part by a rename, each later one by an
-- append in part order, so a stage rowid still names one part's row (see load/parts.rs).
INSERT INTO {{stage}} BY NAME SELECT * FROM {{part}};
DROP TABLE {{part}};
