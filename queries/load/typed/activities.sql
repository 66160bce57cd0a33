-- A clean activities file, typed by DuckDB's reader (occurred_at as TIMESTAMPTZ).
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    {{occurred_at}}::TIMESTAMP AS occurred_at,
    lower({{kind}}) AS kind,
    {{summary}} AS summary,
    {{author}} AS author
FROM {{source}}
