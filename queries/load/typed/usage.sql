-- Usage holds nearly every row of a load. A clean file is typed by DuckDB's reader itself
-- ({{source}} reads occurred_at as TIMESTAMPTZ, so offsets convert to UTC); count is typed by
-- typed_whole, because the reader's own INTEGER would round 2.5 to 3 and read 1e3 as 1000.
-- See stage_typed in src/db/load/stage.rs.
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    {{user_id}} AS user_id,
    {{occurred_at}}::TIMESTAMP AS occurred_at,
    {{feature}} AS feature,
    CASE WHEN {{count}} IS NULL THEN 1 ELSE typed_whole({{count}}) END AS count
FROM {{source}}
