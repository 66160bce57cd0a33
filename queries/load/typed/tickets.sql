-- A clean tickets file, typed by DuckDB's reader (opened_at and closed_at as TIMESTAMPTZ).
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{ticket_id}} AS ticket_id,
    {{account_id}} AS account_id,
    {{opened_at}}::TIMESTAMP AS opened_at,
    {{closed_at}}::TIMESTAMP AS closed_at,
    lower({{priority}}) AS priority,
    {{subject}} AS subject
FROM {{source}}
