-- Schema version 2: the account screen and the queue read actions per account; as the
-- append-only log grows, an index keeps those reads fast.
CREATE INDEX actions_by_account ON actions (account_id);
