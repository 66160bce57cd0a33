-- Usage holds nearly every row of a load. A clean file is typed by DuckDB's reader itself
-- ({{source}} reads occurred_at as TIMESTAMPTZ, so offsets convert to UTC, and count as
-- INTEGER): no per-row text work. See stage_typed in src/db/load.rs.
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    {{user_id}} AS user_id,
    {{occurred_at}}::TIMESTAMP AS occurred_at,
    {{feature}} AS feature,
    coalesce({{count}}, 1) AS count
FROM {{source}}
