-- Schema version 5: runs of plays and their tasks (../shared/spec/PLAYS.md). Written by the
-- console only, append-only like `actions`: a run and its tasks are fixed when it starts, and
-- everything after (a trigger firing again, a task done or skipped, the run's end) is an event.
CREATE SEQUENCE play_run_id_seq;
CREATE TABLE play_runs (
    run_id     BIGINT PRIMARY KEY DEFAULT nextval('play_run_id_seq'),
    account_id VARCHAR NOT NULL,
    play       VARCHAR NOT NULL,   -- the play's name in the playbook
    trigger    VARCHAR NOT NULL,   -- the reason code or lifecycle stage that started it
    fact       VARCHAR,            -- the reason's fact on the start day
    started_on DATE NOT NULL,      -- the score's as-of date
    created_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE play_task_id_seq;
CREATE TABLE play_tasks (
    task_id BIGINT PRIMARY KEY DEFAULT nextval('play_task_id_seq'),
    run_id  BIGINT NOT NULL,
    step    INTEGER NOT NULL,      -- 1-based, in the play's order
    kind    VARCHAR NOT NULL,      -- call | email | meeting | qbr | task
    text    VARCHAR NOT NULL,      -- rendered for the account on the start day
    due_on  DATE NOT NULL
);

CREATE SEQUENCE play_event_id_seq;
CREATE TABLE play_events (
    event_id   BIGINT PRIMARY KEY DEFAULT nextval('play_event_id_seq'),
    run_id     BIGINT NOT NULL,
    task_id    BIGINT,             -- for done and skipped
    kind       VARCHAR NOT NULL,   -- fired | done | skipped | snoozed | ended
    detail     VARCHAR,            -- for ended: completed | cleared | churned | cancelled
    reason     VARCHAR,            -- why a task was skipped or a run cancelled
    on_date    DATE NOT NULL,      -- fired: the score's as-of; snoozed: until; else the day
    author     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX play_events_by_run ON play_events (run_id);
