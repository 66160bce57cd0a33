-- A clean surveys file, typed by DuckDB's reader (responded_at as TIMESTAMPTZ, score as
-- INTEGER).
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    {{responded_at}}::TIMESTAMP AS responded_at,
    lower({{kind}}) AS kind,
    {{score}} AS score,
    {{respondent}} AS respondent,
    {{comment}} AS comment
FROM {{source}}
