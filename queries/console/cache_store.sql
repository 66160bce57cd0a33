-- Keep the console's scored queue (scored_accounts.sql) so that the next start can show it
-- at once, while it scores again if anything changed.
CREATE OR REPLACE TABLE queue_cache AS
{{scored}}
