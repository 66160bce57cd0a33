-- Schema version 6: the customer's side of DATA.md, outcomes (the success plan) and contacts
-- (the people). Input tables like the others: replaced by every load, `origin` names the import
-- that wrote a row. The kept queue is dropped: its rows gained the lifecycle stage.

CREATE TABLE outcomes (
    outcome_id  VARCHAR PRIMARY KEY,
    account_id  VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    created_on  DATE NOT NULL,
    due_on      DATE NOT NULL,
    achieved_on DATE,
    dropped_on  DATE,
    owner       VARCHAR,
    origin      VARCHAR
);

CREATE TABLE contacts (
    contact_id     VARCHAR PRIMARY KEY,
    account_id     VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    email          VARCHAR,
    role           VARCHAR,
    champion       BOOLEAN NOT NULL,
    decision_maker BOOLEAN NOT NULL,
    left_on        DATE,
    origin         VARCHAR
);

DROP TABLE IF EXISTS queue_cache;
