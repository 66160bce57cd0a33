-- The column names of a Parquet file, in order, and their types.
SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false))
