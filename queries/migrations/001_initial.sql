-- Schema version 1. Input tables are replaced by every load; the console's own tables
-- (actions, snapshots) are never touched by a load.

CREATE TABLE accounts (
    account_id     VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    owner          VARCHAR,
    segment        VARCHAR,
    plan           VARCHAR,
    arr            DECIMAL(18, 2) NOT NULL,
    seats          INTEGER,
    contract_start DATE NOT NULL,
    renewal_date   DATE,
    churned_on     DATE
);

CREATE TABLE usage (
    account_id  VARCHAR NOT NULL,
    user_id     VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    feature     VARCHAR,
    count       INTEGER NOT NULL
);

CREATE TABLE tickets (
    ticket_id  VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    opened_at  TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP,
    priority   VARCHAR NOT NULL,
    subject    VARCHAR
);

CREATE TABLE surveys (
    account_id   VARCHAR NOT NULL,
    responded_at TIMESTAMP NOT NULL,
    kind         VARCHAR NOT NULL,
    score        INTEGER NOT NULL,
    respondent   VARCHAR,
    comment      VARCHAR
);

CREATE TABLE activities (
    account_id  VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    kind        VARCHAR NOT NULL,
    summary     VARCHAR,
    author      VARCHAR
);

-- One row per input table after each load: where it came from and what was skipped.
CREATE TABLE load_info (
    table_name      VARCHAR PRIMARY KEY,
    source_file     VARCHAR,
    loaded_rows     BIGINT NOT NULL,
    orphan_rows     BIGINT NOT NULL,
    rejected_rows   BIGINT NOT NULL,
    ignored_columns VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);

-- Everything a CSM does in the console, append-only. Undo appends a row that names the
-- action it cancels; nothing is ever updated or deleted.
CREATE SEQUENCE action_id_seq;
CREATE TABLE actions (
    action_id  BIGINT PRIMARY KEY DEFAULT nextval('action_id_seq'),
    account_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,   -- touch | next_step | snooze | flag | override | resolve | undo
    detail     VARCHAR,            -- touch kind (call, email, ...), override band, resolve outcome
    body       VARCHAR,            -- the CSM's text
    until_date DATE,               -- due date, snooze end, flag or override expiry
    undoes     BIGINT,             -- for kind = 'undo': the action it cancels
    reasons    VARCHAR,            -- for kind = 'resolve': the reason codes resolved
    author     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Scores as they were computed, for history and the trend.
CREATE TABLE snapshots (
    as_of        DATE NOT NULL,
    model_hash   VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    health       INTEGER,
    band         VARCHAR,
    coverage     DOUBLE NOT NULL,
    measures     STRUCT(measure VARCHAR, "group" VARCHAR, metric VARCHAR, value DOUBLE, score DOUBLE,
                        weight DOUBLE)[] NOT NULL,
    reasons      STRUCT(code VARCHAR, fact VARCHAR)[] NOT NULL,
    priority     DOUBLE NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (as_of, model_hash, account_id)
);
