-- Usage holds nearly every row of a load. When the file is clean, DuckDB's reader types it
-- directly ({{source}} reads occurred_at as TIMESTAMPTZ, so offsets convert to UTC, and count
-- as INTEGER): no per-row text work. Any value the reader cannot type fails this statement,
-- and the load stages the file through stage_usage.sql, which names each broken rule.
CREATE OR REPLACE TABLE stage_usage AS
SELECT
    {{account_id}} AS account_id,
    {{user_id}} AS user_id,
    {{occurred_at}}::TIMESTAMP AS occurred_at,
    {{feature}} AS feature,
    coalesce({{count}}, 1) AS count
FROM {{source}}
