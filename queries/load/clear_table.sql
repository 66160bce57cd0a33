-- A table without a file in the folder is emptied: a load replaces every input table.
DELETE FROM {{table}}
