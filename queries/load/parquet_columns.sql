-- The column names of a Parquet file, in order.
SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false))
