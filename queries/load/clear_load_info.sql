DELETE FROM load_info
