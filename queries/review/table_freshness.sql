-- The latest date in each input table, for the review's data-quality section.
SELECT 'usage', strftime(max(occurred_at), '%Y-%m-%d'), count(*) FROM usage
UNION ALL SELECT 'tickets', strftime(greatest(max(opened_at), max(closed_at)), '%Y-%m-%d'), count(*) FROM tickets
UNION ALL SELECT 'surveys', strftime(max(responded_at), '%Y-%m-%d'), count(*) FROM surveys
UNION ALL SELECT 'activities', strftime(max(occurred_at), '%Y-%m-%d'), count(*) FROM activities
