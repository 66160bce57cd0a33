-- Back to DuckDB's default after unordered.sql: rows keep their file order.
RESET preserve_insertion_order
