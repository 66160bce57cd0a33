-- The first part of a folder becomes its table's stage without a copy.
ALTER TABLE {{part}} RENAME TO {{stage}}
