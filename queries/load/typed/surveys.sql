-- A clean surveys file, typed without the full stage's per-row rules: responded_at by
-- typed_timestamp and score by typed_whole (a 9.5 must not round to a promoter's 10).
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{account_id}} AS account_id,
    typed_timestamp({{responded_at}}) AS responded_at,
    lower({{kind}}) AS kind,
    typed_whole({{score}}) AS score,
    {{respondent}} AS respondent,
    {{comment}} AS comment
FROM {{source}}
