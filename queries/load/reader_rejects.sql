-- Rows DuckDB's CSV reader set aside: where each starts in the file (a byte offset; its line
-- numbers count records, not lines), and why.
SELECT line_byte_position, error_type::VARCHAR, error_message
FROM temp.reject_errors
ORDER BY line_byte_position
