-- Rows DuckDB's CSV reader set aside, with its reason.
SELECT line, coalesce(column_idx, 0), coalesce(column_name, ''), error_type::VARCHAR, error_message,
       coalesce(csv_line, '')
FROM temp.reject_errors
ORDER BY line
