-- Each account's NPS category at $1: from its latest NPS response in the 180 days up to $1
-- (promoter 9–10, passive 7–8, detractor 0–6), else "no response".
SELECT a.account_id,
    CASE WHEN s.score IS NULL THEN 'no response in 180 days'
         WHEN s.score >= 9 THEN 'promoter'
         WHEN s.score >= 7 THEN 'passive'
         ELSE 'detractor' END
FROM portfolio($1::DATE) a
LEFT JOIN (
    SELECT account_id, arg_max(score, responded_at) AS score
    FROM surveys
    WHERE kind = 'nps' AND responded_at < CAST($1::DATE + 1 AS TIMESTAMP)
      AND responded_at >= CAST($1::DATE - 179 AS TIMESTAMP)
    GROUP BY account_id
) s USING (account_id)
