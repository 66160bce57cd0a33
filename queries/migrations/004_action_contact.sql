-- Schema version 4: the person a touch was with ("call with 田中 一郎"), as the CSM wrote it.
ALTER TABLE actions ADD COLUMN contact VARCHAR;
