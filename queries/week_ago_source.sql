-- Where scoring reads each account's health a week before t from (health_rows.sql `scored`):
-- scored at t - 7 by the same model, with the actions recorded before the end of that day.
-- A re-score after actions none of which that day's score counts re-defines it to read the
-- kept queue's (console/kept_week_ago_source.sql, `score::KeptWeekAgo`), then defines it back
-- with this.
CREATE OR REPLACE TEMP MACRO week_ago_health(t, one := NULL) AS TABLE
    SELECT account_id, health FROM scores(t - 7, CAST(t - 6 AS TIMESTAMP), one := one)
