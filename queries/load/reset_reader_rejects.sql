-- DuckDB's CSV reader keeps the rows it could not split here (store_rejects); start clean.
DROP TABLE IF EXISTS temp.reject_errors;
DROP TABLE IF EXISTS temp.reject_scans;
