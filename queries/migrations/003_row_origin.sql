-- Schema version 3: which import wrote each input row (NULL: `retain load`), so that importing
-- a source again replaces what that source brought before and keeps everything else.
ALTER TABLE accounts ADD COLUMN origin VARCHAR;
ALTER TABLE usage ADD COLUMN origin VARCHAR;
ALTER TABLE tickets ADD COLUMN origin VARCHAR;
ALTER TABLE surveys ADD COLUMN origin VARCHAR;
ALTER TABLE activities ADD COLUMN origin VARCHAR;
