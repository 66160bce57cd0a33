-- Usage holds nearly every row of a load. A clean file is typed without the full stage's
-- per-row rules: occurred_at by typed_timestamp (DuckDB's own reader would take an offset
-- of +25:00), count by typed_whole (its INTEGER would round 2.5 to 3 and read 1e3 as 1000).
-- See stage_typed in src/db/load/stage.rs.
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    {{user_id}} AS user_id,
    typed_timestamp({{occurred_at}}) AS occurred_at,
    {{feature}} AS feature,
    CASE WHEN {{count}} IS NULL THEN 1 ELSE typed_whole({{count}}) END AS count
FROM {{source}}
