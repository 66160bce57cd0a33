-- `retain bench-console` takes back the touches it logged to measure an action ($1 = the
-- bench's author name).
DELETE FROM actions WHERE author = $1
