//! The command line: `retain` alone opens the console; subcommands script everything else.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::db::csv_file::TextEncoding;
use crate::report::export::ExportFormat;
use crate::report::qbr::QbrFormat;
use crate::report::review_format::ReviewFormat;

#[derive(Debug, Parser)]
#[command(
    name = "retain",
    version,
    about = "A keyboard-driven console for customer-success managers: \
health scores anyone can explain, an at-risk queue, and actions that are never lost."
)]
pub struct Cli {
    /// The database file [default: $XDG_DATA_HOME/retain/retain.duckdb]
    #[arg(long, global = true, env = "RETAIN_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Who you are, for "mine" filters and the author of actions [default: $USER]
    #[arg(long = "as", global = true, env = "RETAIN_USER", value_name = "NAME")]
    pub user: Option<String>,

    /// The console's health model file [default: the built-in model]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// The team folder every action travels through [default: $RETAIN_TEAM_DIR, else
    /// team_dir in ~/.config/retain/config.toml]
    #[arg(long, global = true, env = "RETAIN_TEAM_DIR", value_name = "DIR")]
    pub team: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the data-contract files of a folder (accounts, usage, tickets, surveys,
    /// activities, outcomes, contacts)
    Load(LoadArgs),
    /// Work as a team through a shared folder: join it, see who wrote what
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Read the team's journal now: every teammate's new actions
    Sync,
    /// Reassign an account to another CSM (an action, journaled in a team)
    Owner(OwnerArgs),
    /// What changed since the last digest (or a date): newly at risk, health drops, renewals
    /// nobody touched, overdue tasks; ready to paste into mail or chat
    Digest(DigestArgs),
    /// Import a vendor's export (Zendesk, Salesforce, Qualtrics, SurveyMonkey, Delighted,
    /// Segment, Amplitude, Mixpanel), merged with what is loaded
    Import(ImportArgs),
    /// Write a deterministic, realistic sample data set in the contract's shape
    Sample(SampleArgs),
    /// Score every account and store a snapshot (and the weekly history behind the trend)
    Score(ScoreArgs),
    /// List accounts with health, band, trend, coverage, reasons and priority
    Accounts(AccountsArgs),
    /// Explain one account's score line by line, and why it is at risk
    Explain(ExplainArgs),
    /// Export the action list (the queue) as CSV, JSON or Markdown
    Export(ExportArgs),
    /// Prepare the weekly account review (figures, agenda, renewals, data quality)
    Review(ReviewArgs),
    /// Write one account's QBR packet: outcomes, health and its trend, usage, tickets,
    /// surveys, people and the quarter's highlights
    Qbr(QbrArgs),
    /// Test the score against history: did it rank the accounts that churned after T?
    Backtest(BacktestArgs),
    /// Log a touch (call, email, meeting, qbr, note) on an account
    Touch(TouchArgs),
    /// Set an account's next step and when it is due
    Next(NextArgs),
    /// Take an account out of the queue until a date
    Snooze(SnoozeArgs),
    /// Resolve an account's current reasons with an outcome (it returns when a new one fires)
    Resolve(ResolveArgs),
    /// Flag an account at risk (shown as the FLAGGED reason until it expires)
    Flag(FlagArgs),
    /// Override an account's band; shown beside the computed score, never replacing it
    Override(OverrideArgs),
    /// Measure the console without a terminal: first frame, kept queue, action to queue and
    /// keypress-to-frame latency (JSON). It logs 20 touches and deletes them after, and the
    /// next start scores from scratch: run it on a benchmark database
    BenchConsole {
        /// How many scripted key presses to time
        #[arg(long, default_value_t = 1000)]
        keys: usize,
    },
    /// Measure the team journal: a first sync of LINES lines from WRITERS writers, an
    /// incremental sync of 100, and key press to frame while the first one runs (JSON)
    BenchJournal {
        #[arg(long, default_value_t = 50)]
        writers: usize,
        #[arg(long, default_value_t = 1_000_000)]
        lines: usize,
        #[arg(long, default_value_t = 1000)]
        keys: usize,
    },
    /// Show or check a health model file
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Show or check a playbook: what to do, step by step, when a trigger fires
    Plays {
        #[command(subcommand)]
        command: PlaysCommand,
    },
    /// The tasks of running plays (started by the live score): overdue first, then today, this week, later
    Tasks(TasksArgs),
    /// Mark a task done (logged on the account's journey as a touch) or skip it with a reason
    Task {
        #[command(subcommand)]
        command: TaskCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// The touches logged in retain (console and CLI, every teammate's), for the CRM: a CSV, or
    /// a Salesforce Task import file for Data Loader
    Activities(ActivitiesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActivitiesFormat {
    Csv,
    Salesforce,
}

#[derive(Debug, Args)]
pub struct ActivitiesArgs {
    /// Only touches that happened on or after this day (YYYY-MM-DD, -30d)
    #[arg(long, value_name = "DATE", value_parser = person_date, allow_hyphen_values = true)]
    pub since: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = ActivitiesFormat::Csv)]
    pub format: ActivitiesFormat,
    /// Leave out the UTF-8 byte-order mark (Excel and Data Loader read Japanese with it)
    #[arg(long)]
    pub no_bom: bool,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Join the team whose shared folder is DIR: publish this database's actions, read
    /// everyone's, and remember the folder in the configuration file
    Join { dir: PathBuf },
    /// The team's writers, how far this database has read each, and what is left to read
    Status,
}

#[derive(Debug, Args)]
pub struct OwnerArgs {
    /// The account: its id (any case) or its name
    pub account: String,
    /// The new owner (the CSM's name); leave out with --unassign
    #[arg(required_unless_present = "unassign")]
    pub owner: Option<String>,
    /// Leave the account without an owner
    #[arg(long, conflicts_with = "owner")]
    pub unassign: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DigestFormat {
    Md,
    Text,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Since when: a date (YYYY-MM-DD, -7d) or `last` (the last digest; a week back the first
    /// time)
    #[arg(long, default_value = "last", allow_hyphen_values = true)]
    pub since: String,
    /// Whose accounts: an owner's name, `mine`, or `all`
    #[arg(long, default_value = "all")]
    pub owner: String,
    #[arg(long, value_enum, default_value_t = DigestFormat::Md)]
    pub format: DigestFormat,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PlaysCommand {
    /// Print the playbook in use (the built-in one unless --plays, RETAIN_PLAYS or plays.toml in the config folder names another)
    Show {
        #[arg(long, value_name = "FILE")]
        plays: Option<PathBuf>,
    },
    /// Validate a playbook file; errors name the line and column
    Check { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct TasksArgs {
    /// Whose tasks: an owner's name, `mine`, or `all`
    #[arg(long, default_value = "mine")]
    pub owner: String,
    /// Which tasks by due date (countdowns from today)
    #[arg(long, value_enum, default_value_t = crate::plays::runs::DueWithin::All)]
    pub due: crate::plays::runs::DueWithin,
    /// `ics` is a calendar (an all-day event per task) for Outlook or Google Calendar
    #[arg(long, value_enum, default_value_t = TasksFormat::Table)]
    pub format: TasksFormat,
    /// A playbook file [default: RETAIN_PLAYS, plays.toml in the config folder, or the built-in one]
    #[arg(long, value_name = "FILE")]
    pub plays: Option<PathBuf>,
    /// A health model file [default: the built-in model]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
pub enum TasksFormat {
    Table,
    Csv,
    Json,
    Ics,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Mark a task done: logged on the account's journey as a touch of the step's kind
    Done { id: i64 },
    /// Skip a task; a reason is required
    Skip {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Take a task off the list until a day (YYYY-MM-DD, +3d, +2w); it keeps its due date
    Snooze {
        id: i64,
        #[arg(long, value_name = "DATE", value_parser = person_date)]
        until: NaiveDate,
    },
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Folder holding accounts.csv (or .csv.gz / .parquet) and the optional tables
    pub dir: PathBuf,
    /// Load the good rows and write offending rows, with reasons, to a rejects file beside the database
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// The text encoding of CSV files
    #[arg(long, value_enum, default_value_t = TextEncoding::Auto)]
    pub encoding: TextEncoding,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Where the files come from
    #[arg(value_enum)]
    pub source: crate::import::Vendor,
    /// The exported files (CSV, TSV, JSON lines, JSON; gzip and zip are unpacked)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A mapping file (TOML): how rows find their account, header names, value translations
    #[arg(long = "map", value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The zone of times written without one (e.g. Zendesk's account zone), such as Asia/Tokyo
    #[arg(long, value_name = "ZONE", value_parser = crate::import::time::parse_zone)]
    pub time_zone: Option<chrono_tz::Tz>,
    /// Show what would load (rows, matched, unmatched, rejected, examples) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Load the good rows and write offending rows, with reasons, to a rejects file beside the database
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// The text encoding of the exports (UTF-16 and Japanese Shift_JIS are also detected)
    #[arg(long, value_enum, default_value_t = TextEncoding::Auto)]
    pub encoding: TextEncoding,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// How many accounts to generate (1 to 1,000,000)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub accounts: u32,
    /// Seed: the same seed always gives the same files
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The folder to write into
    #[arg(long)]
    pub out: PathBuf,
    /// The last date of generated data
    #[arg(long, value_name = "DATE", default_value = "2026-11-20")]
    pub as_of: NaiveDate,
    /// Write .csv.gz files
    #[arg(long)]
    pub gzip: bool,
    /// Replace the data files a folder already holds
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct Scoring {
    /// Score as of this date (YYYY-MM-DD) [default: the data's freshness date]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// A health model file (see `retain model show`) [default: the built-in model]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub scoring: Scoring,
    /// Also make sure this many weekly snapshots (T, T−7, …) exist, computing missing ones
    #[arg(long, value_name = "WEEKS", default_value_t = 12)]
    pub history: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
pub enum TableFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this owner's accounts ("mine" means --as / $RETAIN_USER / $USER)
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long)]
    pub segment: Option<String>,
    /// green, yellow or red (or a band of your model)
    #[arg(long)]
    pub band: Option<String>,
    /// Only accounts with at least one at-risk reason
    #[arg(long)]
    pub at_risk: bool,
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    #[command(flatten)]
    pub scoring: Scoring,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
pub enum ReportFormat {
    Table,
    Json,
    Md,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Score as of this date [default: the data's freshness minus the horizon]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// The outcome window: churn within (T, T + horizon]
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub horizon: u32,
    /// The model to test [default: the built-in model]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// A second model to compare side by side ("default" for the built-in one)
    #[arg(long, value_name = "FILE")]
    pub vs: Option<PathBuf>,
    /// Repeat every N days (e.g. 30d) from --from up to the default as-of date
    #[arg(long, value_name = "DAYS", value_parser = parse_days)]
    pub every: Option<u32>,
    #[arg(long, value_name = "DATE", requires = "every")]
    pub from: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The model whose weights are fitted [default: the built-in model]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Churn within this many days after a snapshot is the label
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub horizon: u32,
    /// Days between snapshots (30d)
    #[arg(long, value_name = "DAYS", default_value = "30d", value_parser = parse_days)]
    pub every: u32,
    #[arg(long, value_name = "DATE")]
    pub train_from: Option<NaiveDate>,
    #[arg(long, value_name = "DATE")]
    pub train_until: Option<NaiveDate>,
    /// The holdout's first snapshot [default: 60 days before the last with a fully observed
    /// outcome]
    #[arg(long, value_name = "DATE")]
    pub holdout_from: Option<NaiveDate>,
    /// Also fit each segment's own weights: a profile per segment with enough churn events
    /// whose holdout says it is better
    #[arg(long, value_enum)]
    pub by: Option<FitBy>,
    /// Write the fitted model file here (commented: each weight with its holdout contribution)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FitBy {
    Segment,
}

/// `30d` or `30` → 30.
fn parse_days(text: &str) -> Result<u32, String> {
    text.trim_end_matches('d')
        .parse::<u32>()
        .ok()
        .filter(|d| *d > 0)
        .ok_or_else(|| format!("{text:?} is not a number of days such as 30d"))
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub scoring: Scoring,
    /// Only this owner's accounts ("mine" means --as / $RETAIN_USER / $USER)
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long, value_enum, default_value_t = ReviewFormat::Md)]
    pub format: ReviewFormat,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QbrArgs {
    /// The account, by its id or its full name
    pub account: String,
    #[command(flatten)]
    pub scoring: Scoring,
    #[arg(long, value_enum, default_value_t = QbrFormat::Md)]
    pub format: QbrFormat,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportArgs {
    /// What else to export (without it: the queue)
    #[command(subcommand)]
    pub what: Option<ExportWhat>,
    #[command(flatten)]
    pub scoring: Scoring,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Include snoozed and resolved accounts (the queue hides them)
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out the UTF-8 byte-order mark a CSV starts with (Excel needs it to read Japanese
    /// text; scripts may not)
    #[arg(long)]
    pub no_bom: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    pub account_id: String,
    #[command(flatten)]
    pub scoring: Scoring,
}

/// A date as people type it (`2026-12-24`, `+30d`, `+2w`, `tomorrow`, `-1d`), counted from today.
fn person_date(text: &str) -> Result<NaiveDate, String> {
    crate::text::parse_date(text, chrono::Utc::now().date_naive()).ok_or_else(|| {
        format!("{text:?} is not a date (YYYY-MM-DD, today, tomorrow, +3d, +2w, -1d)")
    })
}

#[derive(Debug, Args)]
pub struct TouchArgs {
    /// The account: its id (any case) or its name
    pub account: String,
    /// What happened
    pub text: String,
    /// call, email, meeting, qbr or note
    #[arg(long, default_value = "call", value_parser = clap::builder::PossibleValuesParser::new(crate::contract::ACTIVITY_KINDS))]
    pub kind: String,
    /// The day it happened (today, yesterday, -3d, YYYY-MM-DD)
    #[arg(long, value_name = "DATE", default_value = "today", value_parser = person_date,
          allow_hyphen_values = true)]
    pub on: NaiveDate,
    /// Who it was with (田中 一郎, the CFO)
    #[arg(long = "with", value_name = "CONTACT")]
    pub contact: Option<String>,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// The account: its id (any case) or its name
    pub account: String,
    /// The next step
    pub text: String,
    /// When it is due (+7d, +2w, YYYY-MM-DD)
    #[arg(long, value_name = "DATE", default_value = "+7d", value_parser = person_date)]
    pub due: NaiveDate,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// The account: its id (any case) or its name
    pub account: String,
    /// The day it comes back to the queue (+7d, +2w, YYYY-MM-DD)
    #[arg(long, value_name = "DATE", default_value = "+7d", value_parser = person_date)]
    pub until: NaiveDate,
    /// Why
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The account: its id (any case) or its name
    pub account: String,
    /// What was done about it
    pub outcome: String,
}

#[derive(Debug, Args)]
pub struct FlagArgs {
    /// The account: its id (any case) or its name
    pub account_id: String,
    /// Why the account is at risk
    #[arg(long)]
    pub reason: String,
    /// The last day the flag holds (+30d, YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = person_date)]
    pub until: NaiveDate,
}

#[derive(Debug, Args)]
pub struct OverrideArgs {
    pub account_id: String,
    /// The band you judge the account to be in
    #[arg(long)]
    pub band: String,
    #[arg(long)]
    pub reason: String,
    /// The last day the override holds (+30d, YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = person_date)]
    pub until: NaiveDate,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Print the built-in model file (a starting point for your own)
    Show,
    /// Validate a model file; errors name the line and column
    Check { file: PathBuf },
    /// Learn the model's weights from this data's churn history, validated on a later
    /// holdout; prints the verdict, and writes the fitted model with -o
    Fit(FitArgs),
    /// What switching from model A to model B would do ("default" names the built-in model)
    Diff {
        a: PathBuf,
        b: PathBuf,
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
}
