//! Every SQL file of `queries/`, embedded in the binary. A test checks that each file on disk
//! is registered here and that each query prepares against the schema.

macro_rules! sql {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/queries/", $path))
    };
}

pub const META: &str = sql!("meta.sql");
pub const META_GET: &str = sql!("meta_get.sql");
pub const META_SET: &str = sql!("meta_set.sql");
pub const META_DELETE: &str = sql!("meta_delete.sql");
pub const ACCOUNT_COUNT: &str = sql!("account_count.sql");
/// Schema migrations in order; the schema version of a database is the number of the last one
/// it has applied.
pub const MIGRATIONS: &[&str] = &[
    sql!("migrations/001_initial.sql"),
    sql!("migrations/002_actions_by_account.sql"),
    sql!("migrations/003_row_origin.sql"),
    sql!("migrations/004_action_contact.sql"),
    sql!("migrations/005_plays.sql"),
    sql!("migrations/006_outcomes_contacts.sql"),
    sql!("migrations/007_team_journal.sql"),
];

pub const LOAD_CHECKS: &str = sql!("load/checks.sql");
pub const STAGE_ACCOUNTS: &str = sql!("load/stage_accounts.sql");
pub const STAGE_USAGE: &str = sql!("load/stage_usage.sql");
pub const STAGE_TICKETS: &str = sql!("load/stage_tickets.sql");
pub const STAGE_SURVEYS: &str = sql!("load/stage_surveys.sql");
pub const STAGE_ACTIVITIES: &str = sql!("load/stage_activities.sql");
pub const STAGE_OUTCOMES: &str = sql!("load/stage_outcomes.sql");
pub const STAGE_CONTACTS: &str = sql!("load/stage_contacts.sql");
pub const MARK_DUPLICATES: &str = sql!("load/mark_duplicates.sql");
pub const REPLACE_TABLE: &str = sql!("load/replace.sql");
pub const STAGE_COUNTS: &str = sql!("load/counts.sql");
pub const STAGE_PROBLEMS: &str = sql!("load/problems.sql");
pub const FRESHNESS: &str = sql!("freshness.sql");
pub const PARQUET_COLUMNS: &str = sql!("load/parquet_columns.sql");
pub const RECORD_LOAD: &str = sql!("load/record_load.sql");
pub const CLEAR_TABLE: &str = sql!("load/clear_table.sql");
pub const CLEAR_LOAD_INFO: &str = sql!("load/clear_load_info.sql");
pub const CREATE_STAGE: &str = sql!("load/create_stage.sql");
pub const DROP_STAGE: &str = sql!("load/drop_stage.sql");
pub const FIRST_PART: &str = sql!("load/first_part.sql");
pub const LOAD_UNORDERED: &str = sql!("load/unordered.sql");
pub const LOAD_ORDERED: &str = sql!("load/ordered.sql");
pub const APPEND_PART: &str = sql!("load/append_part.sql");
pub const STAGE_ROWS: &str = sql!("load/stage_rows.sql");
pub const PRUNE_STAGE: &str = sql!("load/prune_stage.sql");
pub const RESET_READER_REJECTS: &str = sql!("load/reset_reader_rejects.sql");
pub const READER_REJECTS: &str = sql!("load/reader_rejects.sql");
pub const TYPED_USAGE: &str = sql!("load/typed/usage.sql");
pub const TYPED_USAGE_CHECK: &str = sql!("load/typed/usage_check.sql");
pub const TYPED_TICKETS: &str = sql!("load/typed/tickets.sql");
pub const TYPED_TICKETS_CHECK: &str = sql!("load/typed/tickets_check.sql");
pub const TYPED_SURVEYS: &str = sql!("load/typed/surveys.sql");
pub const TYPED_SURVEYS_CHECK: &str = sql!("load/typed/surveys_check.sql");
pub const TYPED_ACTIVITIES: &str = sql!("load/typed/activities.sql");
pub const TYPED_ACTIVITIES_CHECK: &str = sql!("load/typed/activities_check.sql");
pub const TYPED_ADD_PROBLEM: &str = sql!("load/typed/add_problem.sql");
pub const TYPED_COUNTS: &str = sql!("load/typed/counts.sql");
pub const TYPED_PRUNE: &str = sql!("load/typed/prune.sql");
pub const MERGE_DELETE: &str = sql!("load/merge_delete.sql");
pub const MERGE_INSERT: &str = sql!("load/merge_insert.sql");
pub const FORGET_LOAD_INFO: &str = sql!("load/forget_load_info.sql");
pub const TABLE_ROWS: &str = sql!("load/table_rows.sql");
pub const STAGE_EXAMPLES: &str = sql!("load/stage_examples.sql");
pub const IMPORT_ACCOUNTS: &str = sql!("import/accounts.sql");
pub const PLAY_START_RUN: &str = sql!("plays/start_run.sql");
pub const PLAY_ADD_TASK: &str = sql!("plays/add_task.sql");
pub const PLAY_ADD_EVENT: &str = sql!("plays/add_event.sql");
pub const PLAY_OPEN_RUNS: &str = sql!("plays/open_runs.sql");
pub const PLAY_TASKS: &str = sql!("plays/tasks.sql");
pub const PLAY_CHURNED: &str = sql!("plays/churned.sql");
pub const PLAY_EFFECTIVENESS: &str = sql!("plays/effectiveness.sql");

/// Every registered file by its path under `queries/`.
pub const ALL: &[(&str, &str)] = &[
    ("meta.sql", META),
    ("meta_get.sql", META_GET),
    ("meta_set.sql", META_SET),
    ("meta_delete.sql", META_DELETE),
    ("account_count.sql", ACCOUNT_COUNT),
    ("load/parquet_columns.sql", PARQUET_COLUMNS),
    ("load/record_load.sql", RECORD_LOAD),
    ("load/clear_table.sql", CLEAR_TABLE),
    ("load/clear_load_info.sql", CLEAR_LOAD_INFO),
    ("load/create_stage.sql", CREATE_STAGE),
    ("load/drop_stage.sql", DROP_STAGE),
    ("load/first_part.sql", FIRST_PART),
    ("load/unordered.sql", LOAD_UNORDERED),
    ("load/ordered.sql", LOAD_ORDERED),
    ("load/append_part.sql", APPEND_PART),
    ("load/stage_rows.sql", STAGE_ROWS),
    ("load/prune_stage.sql", PRUNE_STAGE),
    ("load/reset_reader_rejects.sql", RESET_READER_REJECTS),
    ("load/reader_rejects.sql", READER_REJECTS),
    ("migrations/001_initial.sql", MIGRATIONS[0]),
    ("migrations/002_actions_by_account.sql", MIGRATIONS[1]),
    ("migrations/003_row_origin.sql", MIGRATIONS[2]),
    ("migrations/004_action_contact.sql", MIGRATIONS[3]),
    ("migrations/005_plays.sql", MIGRATIONS[4]),
    ("migrations/006_outcomes_contacts.sql", MIGRATIONS[5]),
    ("migrations/007_team_journal.sql", MIGRATIONS[6]),
    ("plays/start_run.sql", PLAY_START_RUN),
    ("plays/add_task.sql", PLAY_ADD_TASK),
    ("plays/add_event.sql", PLAY_ADD_EVENT),
    ("plays/open_runs.sql", PLAY_OPEN_RUNS),
    ("plays/tasks.sql", PLAY_TASKS),
    ("plays/churned.sql", PLAY_CHURNED),
    ("plays/effectiveness.sql", PLAY_EFFECTIVENESS),
    ("load/typed/usage.sql", TYPED_USAGE),
    ("load/typed/usage_check.sql", TYPED_USAGE_CHECK),
    ("load/typed/tickets.sql", TYPED_TICKETS),
    ("load/typed/tickets_check.sql", TYPED_TICKETS_CHECK),
    ("load/typed/surveys.sql", TYPED_SURVEYS),
    ("load/typed/surveys_check.sql", TYPED_SURVEYS_CHECK),
    ("load/typed/activities.sql", TYPED_ACTIVITIES),
    ("load/typed/activities_check.sql", TYPED_ACTIVITIES_CHECK),
    ("load/typed/add_problem.sql", TYPED_ADD_PROBLEM),
    ("load/typed/counts.sql", TYPED_COUNTS),
    ("load/typed/prune.sql", TYPED_PRUNE),
    ("load/merge_delete.sql", MERGE_DELETE),
    ("load/merge_insert.sql", MERGE_INSERT),
    ("load/forget_load_info.sql", FORGET_LOAD_INFO),
    ("load/table_rows.sql", TABLE_ROWS),
    ("load/stage_examples.sql", STAGE_EXAMPLES),
    ("import/accounts.sql", IMPORT_ACCOUNTS),
    ("load/checks.sql", LOAD_CHECKS),
    ("load/stage_accounts.sql", STAGE_ACCOUNTS),
    ("load/stage_usage.sql", STAGE_USAGE),
    ("load/stage_tickets.sql", STAGE_TICKETS),
    ("load/stage_surveys.sql", STAGE_SURVEYS),
    ("load/stage_activities.sql", STAGE_ACTIVITIES),
    ("load/stage_outcomes.sql", STAGE_OUTCOMES),
    ("load/stage_contacts.sql", STAGE_CONTACTS),
    ("load/mark_duplicates.sql", MARK_DUPLICATES),
    ("load/replace.sql", REPLACE_TABLE),
    ("load/counts.sql", STAGE_COUNTS),
    ("load/problems.sql", STAGE_PROBLEMS),
    ("freshness.sql", FRESHNESS),
    ("health.sql", HEALTH),
    ("data_metrics.sql", DATA_METRICS),
    ("health_scores.sql", HEALTH_SCORES),
    ("week_ago_source.sql", WEEK_AGO_SOURCE),
    ("health_rows.sql", HEALTH_ROWS),
    ("model_tables.sql", MODEL_TABLES),
    ("model_insert.sql", MODEL_INSERT),
    ("scored_accounts.sql", SCORED_ACCOUNTS),
    ("scored_account.sql", SCORED_ACCOUNT),
    ("scored_one_set.sql", SCORED_ONE_SET),
    ("snapshot.sql", SNAPSHOT),
    ("snapshot_dates.sql", SNAPSHOT_DATES),
    ("snapshot_summary.sql", SNAPSHOT_SUMMARY),
    ("action_insert.sql", ACTION_INSERT),
    ("action_uid.sql", ACTION_UID),
    ("account_profile_keys.sql", ACCOUNT_PROFILE_KEYS),
    ("activities_export.sql", ACTIVITIES_EXPORT),
    ("journal/apply.sql", JOURNAL_APPLY),
    ("journal/files.sql", JOURNAL_FILES),
    ("journal/set_position.sql", JOURNAL_SET_POSITION),
    ("journal/problem.sql", JOURNAL_PROBLEM),
    ("journal/unpublished.sql", JOURNAL_UNPUBLISHED),
    ("journal/claim.sql", JOURNAL_CLAIM),
    ("journal/task_changes.sql", JOURNAL_TASK_CHANGES),
    ("account_exists.sql", ACCOUNT_EXISTS),
    ("console/state.sql", CONSOLE_STATE),
    ("console/daily_usage.sql", DAILY_USAGE),
    ("console/tickets.sql", ACCOUNT_TICKETS),
    ("console/surveys.sql", ACCOUNT_SURVEYS),
    ("console/outcomes.sql", ACCOUNT_OUTCOMES),
    ("qbr/weekly_health.sql", QBR_WEEKLY_HEALTH),
    ("qbr/weekly_usage.sql", QBR_WEEKLY_USAGE),
    ("qbr/active_users.sql", QBR_ACTIVE_USERS),
    ("console/contacts.sql", ACCOUNT_CONTACTS),
    ("console/timeline.sql", ACCOUNT_TIMELINE),
    ("review/table_freshness.sql", REVIEW_TABLE_FRESHNESS),
    ("review/orphans.sql", REVIEW_ORPHANS),
    ("review/weekly_health.sql", REVIEW_WEEKLY_HEALTH),
    ("review/outcomes_achieved.sql", REVIEW_OUTCOMES_ACHIEVED),
    ("review/retention.sql", REVIEW_RETENTION),
    ("backtest_outcomes.sql", BACKTEST_OUTCOMES),
    ("backtest_nps.sql", BACKTEST_NPS),
    ("console/remember_model.sql", REMEMBER_CONSOLE_MODEL),
    ("console/cache_key.sql", QUEUE_CACHE_KEY),
    ("console/cache_exists.sql", QUEUE_CACHE_EXISTS),
    ("console/cache_read.sql", QUEUE_CACHE_READ),
    ("console/cache_store.sql", QUEUE_CACHE_STORE),
    ("console/cache_forget.sql", QUEUE_CACHE_FORGET),
    ("console/cache_rescore.sql", QUEUE_CACHE_RESCORE),
    ("console/cache_account.sql", QUEUE_CACHE_ACCOUNT),
    ("console/changed_accounts.sql", CHANGED_ACCOUNTS),
    ("console/forget_author.sql", FORGET_AUTHOR),
    ("console/kept_metrics_store.sql", KEPT_METRICS_STORE),
    ("console/kept_metrics_source.sql", KEPT_METRICS_SOURCE),
    ("console/kept_week_ago_source.sql", KEPT_WEEK_AGO_SOURCE),
    ("console/week_ago_kept.sql", WEEK_AGO_KEPT),
    ("console/rescored_clear.sql", RESCORED_CLEAR),
    ("console/rescored_keep.sql", RESCORED_KEEP),
    ("console/rescored_read.sql", RESCORED_READ),
    ("metrics_source.sql", METRICS_SOURCE),
];

/// Fills `{{name}}` placeholders. Only identifiers and fragments the program generates are
/// substituted this way; user text always travels as a bound parameter.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut sql = template.to_owned();
    for (name, value) in values {
        sql = sql.replace(&format!("{{{{{name}}}}}"), value);
    }
    debug_assert!(!sql.contains("{{"), "unfilled placeholder in:\n{sql}");
    sql
}

pub const HEALTH: &str = sql!("health.sql");
pub const DATA_METRICS: &str = sql!("data_metrics.sql");
pub const HEALTH_SCORES: &str = sql!("health_scores.sql");
pub const WEEK_AGO_SOURCE: &str = sql!("week_ago_source.sql");
pub const HEALTH_ROWS: &str = sql!("health_rows.sql");
pub const MODEL_TABLES: &str = sql!("model_tables.sql");
pub const MODEL_INSERT: &str = sql!("model_insert.sql");
pub const SCORED_ACCOUNTS: &str = sql!("scored_accounts.sql");
pub const SCORED_ACCOUNT: &str = sql!("scored_account.sql");
pub const SCORED_ONE_SET: &str = sql!("scored_one_set.sql");
pub const SNAPSHOT: &str = sql!("snapshot.sql");
pub const SNAPSHOT_DATES: &str = sql!("snapshot_dates.sql");
pub const SNAPSHOT_SUMMARY: &str = sql!("snapshot_summary.sql");

/// The scoring macros, each building on those before it. They are defined with the model
/// (`score::install`), which every scoring path installs first; an open of the database that
/// only reads (the console's kept queue) does not pay ~30-50 ms to define them.
pub const SCORING: [&str; 5] = [
    DATA_METRICS,
    METRICS_SOURCE,
    HEALTH_SCORES,
    WEEK_AGO_SOURCE,
    HEALTH_ROWS,
];

/// The four inserts of model_insert.sql: measure, band, urgency step, parameters.
pub fn model_inserts() -> [&'static str; 4] {
    let mut parts = MODEL_INSERT
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty());
    std::array::from_fn(|_| {
        parts
            .next()
            .expect("model_insert.sql holds four statements")
    })
}

pub const ACTION_INSERT: &str = sql!("action_insert.sql");
pub const ACTION_UID: &str = sql!("action_uid.sql");
pub const ACCOUNT_PROFILE_KEYS: &str = sql!("account_profile_keys.sql");
pub const ACTIVITIES_EXPORT: &str = sql!("activities_export.sql");
pub const JOURNAL_APPLY: &str = sql!("journal/apply.sql");
pub const JOURNAL_FILES: &str = sql!("journal/files.sql");
pub const JOURNAL_SET_POSITION: &str = sql!("journal/set_position.sql");
pub const JOURNAL_PROBLEM: &str = sql!("journal/problem.sql");
pub const JOURNAL_UNPUBLISHED: &str = sql!("journal/unpublished.sql");
pub const JOURNAL_CLAIM: &str = sql!("journal/claim.sql");
pub const JOURNAL_TASK_CHANGES: &str = sql!("journal/task_changes.sql");
pub const ACCOUNT_EXISTS: &str = sql!("account_exists.sql");

pub const CONSOLE_STATE: &str = sql!("console/state.sql");
pub const DAILY_USAGE: &str = sql!("console/daily_usage.sql");
pub const ACCOUNT_TICKETS: &str = sql!("console/tickets.sql");
pub const ACCOUNT_SURVEYS: &str = sql!("console/surveys.sql");
pub const ACCOUNT_OUTCOMES: &str = sql!("console/outcomes.sql");
pub const QBR_WEEKLY_HEALTH: &str = sql!("qbr/weekly_health.sql");
pub const QBR_WEEKLY_USAGE: &str = sql!("qbr/weekly_usage.sql");
pub const QBR_ACTIVE_USERS: &str = sql!("qbr/active_users.sql");
pub const ACCOUNT_CONTACTS: &str = sql!("console/contacts.sql");
pub const ACCOUNT_TIMELINE: &str = sql!("console/timeline.sql");

pub const REVIEW_TABLE_FRESHNESS: &str = sql!("review/table_freshness.sql");
pub const REVIEW_ORPHANS: &str = sql!("review/orphans.sql");
pub const REVIEW_WEEKLY_HEALTH: &str = sql!("review/weekly_health.sql");
pub const REVIEW_OUTCOMES_ACHIEVED: &str = sql!("review/outcomes_achieved.sql");
pub const REVIEW_RETENTION: &str = sql!("review/retention.sql");

pub const BACKTEST_OUTCOMES: &str = sql!("backtest_outcomes.sql");
pub const BACKTEST_NPS: &str = sql!("backtest_nps.sql");
pub const QUEUE_CACHE_KEY: &str = sql!("console/cache_key.sql");
pub const QUEUE_CACHE_EXISTS: &str = sql!("console/cache_exists.sql");
pub const QUEUE_CACHE_READ: &str = sql!("console/cache_read.sql");
pub const QUEUE_CACHE_STORE: &str = sql!("console/cache_store.sql");
pub const QUEUE_CACHE_FORGET: &str = sql!("console/cache_forget.sql");
pub const QUEUE_CACHE_RESCORE: &str = sql!("console/cache_rescore.sql");
pub const QUEUE_CACHE_ACCOUNT: &str = sql!("console/cache_account.sql");
pub const CHANGED_ACCOUNTS: &str = sql!("console/changed_accounts.sql");
pub const FORGET_AUTHOR: &str = sql!("console/forget_author.sql");
pub const KEPT_METRICS_STORE: &str = sql!("console/kept_metrics_store.sql");
pub const KEPT_METRICS_SOURCE: &str = sql!("console/kept_metrics_source.sql");
pub const KEPT_WEEK_AGO_SOURCE: &str = sql!("console/kept_week_ago_source.sql");
pub const WEEK_AGO_KEPT: &str = sql!("console/week_ago_kept.sql");
pub const RESCORED_CLEAR: &str = sql!("console/rescored_clear.sql");
pub const RESCORED_KEEP: &str = sql!("console/rescored_keep.sql");
pub const RESCORED_READ: &str = sql!("console/rescored_read.sql");
pub const METRICS_SOURCE: &str = sql!("metrics_source.sql");
pub const REMEMBER_CONSOLE_MODEL: &str = sql!("console/remember_model.sql");
