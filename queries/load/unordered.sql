-- A clean file of a table without a key is read without keeping its row order: nothing reads
-- those tables in row order, and a file that breaks a rule is read again, in order, by the full
-- stage so that errors name their lines (see stage_typed in src/db/load/stage.rs).
SET preserve_insertion_order = false
