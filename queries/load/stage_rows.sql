SELECT count(*) FROM {{stage}}
