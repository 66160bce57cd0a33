-- A clean tickets file, typed without the full stage's per-row rules.
CREATE OR REPLACE TABLE {{stage}} AS
SELECT
    {{ticket_id}} AS ticket_id,
    {{account_id}} AS account_id,
    typed_timestamp({{opened_at}}) AS opened_at,
    -- An unreadable closed_at becomes year 1, which the check (closed before opened) sends to
    -- the full stage and its report.
    CASE WHEN {{closed_at}} IS NOT NULL
         THEN coalesce(typed_timestamp({{closed_at}}), TIMESTAMP '0001-01-01') END AS closed_at,
    lower({{priority}}) AS priority,
    {{subject}} AS subject
FROM {{source}}
