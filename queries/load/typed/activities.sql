-- A clean activities file, typed without the full stage's per-row rules.
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    typed_timestamp({{occurred_at}}) AS occurred_at,
    lower({{kind}}) AS kind,
    {{summary}} AS summary,
    {{author}} AS author
FROM {{source}}
