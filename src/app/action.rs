//! What happens in the console, as data: the keys' actions, the worker's replies, and the
//! effects `update` asks the event loop to perform.

use chrono::NaiveDate;

use crate::db::actions::NewAction;
use crate::db::console::AccountDetail;
use crate::db::plays::{PlayStats, Task};
use crate::model::queue::{Dataset, Rescore};
use crate::model::score::AccountScore;
use crate::report::backtest::Backtest;
use crate::report::export::ActionItem;
use crate::report::model_diff::ModelDiff;
use crate::report::review::Review;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Account,
    Review,
    Renewals,
    Model,
    Tasks,
    Team,
}

impl Screen {
    pub const ALL: [Screen; 7] = [
        Screen::Queue,
        Screen::Account,
        Screen::Review,
        Screen::Renewals,
        Screen::Model,
        Screen::Tasks,
        Screen::Team,
    ];
}

/// How a row of a text tab is shown; the screen maps it to the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Title,
    Header,
    Dim,
    Plain,
}

/// A key while text is being typed.
#[derive(Debug, Clone, PartialEq)]
pub enum InputKey {
    Char(char),
    Paste(String),
    Backspace,
    Left,
    Right,
    Tab,
    BackTab,
    Enter,
    Esc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    /// On the account screen: the next or previous account of the queue.
    NextAccount,
    PreviousAccount,
    Back,
    Quit,
    Help,
    Search,
    CycleSort,
    ToggleMine,
    /// Choose any owner's accounts from a list with counts.
    PickOwner,
    ToggleAtRisk,
    CycleBand,
    CycleSegment,
    CycleReason,
    ToggleHidden,
    ClearFilters,
    LogTouch,
    NextStep,
    Snooze,
    Flag,
    Resolve,
    /// The account's success plan: agree an outcome, mark one achieved, drop one.
    AddOutcome,
    AchieveOutcome,
    DropOutcome,
    /// Write the account's QBR packet.
    Qbr,
    /// Reassign the account to another CSM.
    Reassign,
    Undo,
    Export,
    ShowQueue,
    ShowReview,
    ShowRenewals,
    ShowModel,
    ShowTasks,
    /// The team tab: per CSM, their book and what is overdue.
    ShowTeam,
    /// On the tasks tab: the task under the cursor is done, or skipped (with a reason).
    CompleteTask,
    SkipTask,
    SnoozeTask,
    /// Open the next account of the review's agenda.
    Walk,
    Input(InputKey),
    Resize {
        width: u16,
        height: u16,
    },
    /// From the worker:
    Loaded(Box<Dataset>),
    /// The accounts acted on, scored again (see `queue::refresh`).
    Rescored(Box<Rescore>),
    /// An account's history, and its row of the kept queue with the measures the queue is
    /// read without.
    DetailLoaded(Box<AccountDetail>, Option<Box<AccountScore>>),
    ReviewLoaded(Box<Review>),
    ModelReportLoaded(Box<ModelReport>),
    TasksLoaded(Box<Vec<Task>>),
    /// A task was closed: done (true) or skipped.
    TaskClosed(Box<Task>, bool),
    /// A task was snoozed to the day.
    TaskSnoozed(Box<Task>, NaiveDate),
    Saved {
        id: i64,
        action: NewAction,
    },
    /// A file was written: what, and where, as the person is told.
    Written(String),
    /// Every few seconds from the event loop: time to read the team's journal.
    Tick,
    /// No key came for a moment while the console has work it put off (`App::idle_work`).
    Idle,
    /// The journal was read.
    Synced(Box<crate::db::journal::SyncReport>),
    Failed(String),
}

/// Work for the event loop; its result comes back as an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadDetail(String),
    LoadReview,
    LoadModelReport,
    Record(NewAction),
    /// Write the queue as shown to a CSV file.
    Export(Vec<ActionItem>),
    /// Write the account's QBR packet (HTML) to a file.
    WriteQbr(String),
    /// Read the team's journal (new lines only) and apply them.
    Sync,
    /// Bring the plays up to date with the live score and read the tasks.
    LoadTasks,
    /// Close a task: done, or skipped with the reason.
    CloseTask {
        task_id: i64,
        skip_reason: Option<String>,
    },
    /// Take a task off the list until the day.
    SnoozeTask {
        task_id: i64,
        until: NaiveDate,
    },
    Reload,
    /// After actions: re-score the accounts acted on (everything when more than actions
    /// changed).
    Refresh,
    Quit,
}

/// The Model tab: how the active model fares against history, and what changed since the
/// model the console ran with before.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelReport {
    pub backtest: Result<Backtest, String>,
    /// The previous model's hash and the diff from it, when the model changed.
    pub previous: Option<(String, ModelDiff)>,
    /// How each play has done.
    pub plays: Vec<PlayStats>,
    /// The verdict of the last `retain model fit` on this database, with its date.
    pub last_fit: Option<String>,
}

/// An action this session wrote, which `u` can cancel.
#[derive(Debug, Clone, PartialEq)]
pub struct Undoable {
    pub action_id: i64,
    pub account_id: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Error,
}
