-- Schema version 7: the team journal (TEAM.md). Every action gets an id unique across laptops
-- (`uid`, a UUIDv7 for new actions) and the machine that wrote it; an undo names the uid it
-- cancels. Derived state orders actions by (created_at, uid), the same on every laptop, never
-- by the local sequence. `journal_files` remembers how far each journal file was read;
-- `journal_problems` the bad lines already reported.
ALTER TABLE actions ADD COLUMN uid VARCHAR;
ALTER TABLE actions ADD COLUMN machine VARCHAR;
ALTER TABLE actions ADD COLUMN undoes_uid VARCHAR;
UPDATE actions SET uid = gen_random_uuid()::VARCHAR;
UPDATE actions SET undoes_uid = (SELECT t.uid FROM actions t WHERE t.action_id = actions.undoes)
WHERE undoes IS NOT NULL;
UPDATE actions SET created_at = date_trunc('millisecond', created_at);
-- No unique index on uid: DuckDB cannot create one in the transaction that filled the column.
-- Each uid is applied once by journal/apply.sql, and new ones are UUIDv7.

-- Rewritten whole by each read (a few rows, one per writer): no key, so that the rewrite
-- within one transaction never trips DuckDB's unique check on a key deleted and added again.
CREATE TABLE journal_files (
    file       VARCHAR NOT NULL,
    read_to    BIGINT NOT NULL,   -- bytes read (always the end of a whole line)
    lines_read BIGINT NOT NULL,   -- lines up to read_to, for line numbers in messages
    read_at    TIMESTAMP NOT NULL
);

CREATE TABLE journal_problems (
    file    VARCHAR NOT NULL,
    line    BIGINT NOT NULL,
    message VARCHAR NOT NULL,
    PRIMARY KEY (file, line)
);

-- Lines read from the journal wait here, then go into `actions` in one statement (those whose
-- uid is new): 1,000,000 lines are appended, not inserted one by one. Text throughout: the
-- appender then casts nothing, and the insert casts a whole column at once.
CREATE TABLE journal_incoming (
    uid        VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    author     VARCHAR NOT NULL,
    machine    VARCHAR,
    account_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    detail     VARCHAR,
    body       VARCHAR,
    until_date VARCHAR,
    undoes_uid VARCHAR,
    reasons    VARCHAR,
    contact    VARCHAR
);
