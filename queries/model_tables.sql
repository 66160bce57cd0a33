-- The active health model as tables, so that scoring stays set-based SQL whatever the model.
-- Rust fills them from the model file with bound parameters (`install` in src/model/score.rs).
-- `profile` is '' for the base model, else a profile's name (HEALTH.md "Profiles"): each
-- profile has its full set of measures and bands here.
CREATE OR REPLACE TEMP TABLE model_measure (
    position INTEGER, name VARCHAR, grp VARCHAR, metric VARCHAR,
    bad DOUBLE, good DOUBLE, weight DOUBLE, profile VARCHAR
);
CREATE OR REPLACE TEMP TABLE model_band (name VARCHAR, min INTEGER, max INTEGER, profile VARCHAR);
-- The accounts a profile scores (the first that matches); the others are scored by the base.
CREATE OR REPLACE TEMP TABLE model_account_profile (account_id VARCHAR, profile VARCHAR);
CREATE OR REPLACE TEMP TABLE model_urgency (within_days INTEGER, factor DOUBLE);
CREATE OR REPLACE TEMP TABLE model_params (
    load_urgent DOUBLE, load_high DOUBLE, load_normal DOUBLE, load_low DOUBLE,
    red_health_below INTEGER,
    drop_min_prev_events BIGINT, drop_ratio_below DOUBLE,
    dark_days INTEGER,
    detractor_max_score INTEGER, detractor_within_days INTEGER,
    escalation_open_more_than_days INTEGER,
    low_adoption_min_tenure_days INTEGER, low_adoption_utilization_below DOUBLE,
    renewal_risk_within_days INTEGER, renewal_risk_health_below INTEGER,
    outcome_overdue_min_outcomes INTEGER, champion_left_within_days INTEGER,
    missing_health DOUBLE
);
