-- Rows the last load skipped because their account is unknown, per table.
SELECT table_name, orphan_rows FROM load_info WHERE orphan_rows > 0 ORDER BY table_name
