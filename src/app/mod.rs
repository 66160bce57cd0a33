//! The console's pure state: `update(&mut App, Action) -> Vec<Effect>`. No terminal, no
//! database: the event loop performs the effects and feeds results back as actions.

pub mod form;
pub mod keymap;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::actions::{ActionKind, NewAction};
use crate::model::Model;
use crate::model::score::AccountScore;
use form::{Field, FieldValue, TextInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Account,
    Review,
    Renewals,
    Model,
}

/// What the CSM did since the last load: shown in the queue, hides snoozed and resolved rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsoleState {
    pub next_step: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub snoozed_until: Option<NaiveDate>,
    /// The reason codes an account was resolved with; it stays hidden until another fires.
    pub resolved_reasons: Option<Vec<String>>,
}

impl ConsoleState {
    /// Snoozed until after `today`, or resolved with no reason firing that was not resolved.
    pub fn hides(&self, account: &AccountScore, today: NaiveDate) -> bool {
        let snoozed = self.snoozed_until.is_some_and(|until| until > today);
        let resolved = self
            .resolved_reasons
            .as_ref()
            .is_some_and(|resolved| account.reasons.iter().all(|r| resolved.contains(&r.code)));
        snoozed || resolved
    }
}

/// What the filters look at, one compact entry per account, so that filtering 100,000 accounts
/// walks a few dense arrays instead of chasing every account's strings.
#[derive(Debug, Default)]
struct FilterIndex {
    /// Lower-cased "name␟id" for search.
    search: Vec<String>,
    mine: Vec<bool>,
    at_risk: Vec<bool>,
    hidden: Vec<bool>,
    /// Positions in `values` of each account's band and segment.
    band: Vec<Option<u32>>,
    segment: Vec<Option<u32>>,
    /// Bit k set when the account has the reason `codes[k]`.
    reasons: Vec<u64>,
    values: Vec<String>,
    codes: Vec<String>,
}

impl FilterIndex {
    fn build(
        accounts: &[AccountScore],
        user: &str,
        hidden: impl Fn(&AccountScore) -> bool,
    ) -> FilterIndex {
        let mut index = FilterIndex::default();
        for a in accounts {
            // A name and an id never run together: the separator is not typed into a search.
            index
                .search
                .push(format!("{}\u{1f}{}", a.name, a.account_id).to_lowercase());
            index.mine.push(a.owner.as_deref() == Some(user));
            index.at_risk.push(a.at_risk());
            index.hidden.push(hidden(a));
            let band = a.band.as_deref().map(|v| index.value_id(v));
            let segment = a.segment.as_deref().map(|v| index.value_id(v));
            index.band.push(band);
            index.segment.push(segment);
            let mut bits = 0u64;
            for r in &a.reasons {
                let k = match index.codes.iter().position(|c| *c == r.code) {
                    Some(k) => k,
                    None => {
                        index.codes.push(r.code.clone());
                        index.codes.len() - 1
                    }
                };
                bits |= 1u64 << (k % 64);
            }
            index.reasons.push(bits);
        }
        index
    }

    fn value_id(&mut self, value: &str) -> u32 {
        match self.values.iter().position(|v| v == value) {
            Some(i) => i as u32,
            None => {
                self.values.push(value.to_owned());
                (self.values.len() - 1) as u32
            }
        }
    }

    /// A filter value as an id: None = no filter, Some(None) = a value no account has.
    fn wanted(&self, value: &Option<String>) -> Option<Option<u32>> {
        value
            .as_ref()
            .map(|v| self.values.iter().position(|x| x == v).map(|i| i as u32))
    }
}

/// The queue in one sort order: indices into the accounts. The loaded order is the queue order
/// of HEALTH.md; other sorts break ties by it, so every key is unique and an unstable sort is
/// exact.
pub fn sort_order(accounts: &[AccountScore], key: SortKey) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    match key {
        SortKey::Priority => {}
        SortKey::Health => {
            order.sort_unstable_by_key(|&i| (accounts[i].health.unwrap_or(i64::MAX), i))
        }
        SortKey::Arr => order
            .sort_unstable_by(|&a, &b| accounts[b].arr.total_cmp(&accounts[a].arr).then(a.cmp(&b))),
        SortKey::Renewal => order.sort_unstable_by_key(|&i| {
            (
                accounts[i]
                    .days_to_renewal
                    .filter(|d| *d >= 0)
                    .unwrap_or(i64::MAX),
                i,
            )
        }),
        SortKey::Trend => {
            order.sort_unstable_by_key(|&i| (accounts[i].trend.unwrap_or(i64::MAX), i))
        }
    }
    order
}

/// Every sort order of the queue, computed off the UI thread when the data is loaded, so that
/// changing the sort of 100,000 accounts costs only a refilter.
pub fn sort_orders(accounts: &[AccountScore]) -> HashMap<SortKey, Vec<usize>> {
    SortKey::ALL
        .iter()
        .map(|&key| (key, sort_order(accounts, key)))
        .collect()
}

/// Everything the queue shows, as loaded by the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub accounts: Vec<AccountScore>,
    /// `sort_orders(&accounts)`; empty means "sort on demand".
    pub orders: HashMap<SortKey, Vec<usize>>,
    pub console: HashMap<String, ConsoleState>,
    pub as_of: NaiveDate,
    pub freshness: Option<NaiveDate>,
    /// Shown from the queue kept at the last start while the live score is computed.
    pub updating: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub date: String,
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub ticket_id: String,
    pub opened: String,
    pub closed: Option<String>,
    pub priority: String,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRow {
    pub date: String,
    pub kind: String,
    pub score: i64,
    pub respondent: String,
    pub comment: String,
}

/// What the account screen shows beyond the score, loaded when it opens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountDetail {
    pub account_id: String,
    /// Events and active users per day over the last 90 days, oldest first.
    pub daily_events: Vec<u64>,
    pub daily_users: Vec<u64>,
    pub tickets: Vec<TicketRow>,
    pub surveys: Vec<SurveyRow>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Priority,
    Health,
    Arr,
    Renewal,
    Trend,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Priority,
        SortKey::Health,
        SortKey::Arr,
        SortKey::Renewal,
        SortKey::Trend,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Priority => "priority",
            SortKey::Health => "health ↑",
            SortKey::Arr => "ARR ↓",
            SortKey::Renewal => "renewal ↑",
            SortKey::Trend => "trend ↑",
        }
    }

    fn next(self) -> SortKey {
        match self {
            SortKey::Priority => SortKey::Health,
            SortKey::Health => SortKey::Arr,
            SortKey::Arr => SortKey::Renewal,
            SortKey::Renewal => SortKey::Trend,
            SortKey::Trend => SortKey::Priority,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFilter {
    pub mine: bool,
    pub at_risk_only: bool,
    pub band: Option<String>,
    pub segment: Option<String>,
    pub reason: Option<String>,
    pub search: String,
    pub show_hidden: bool,
}

impl QueueFilter {
    pub fn is_active(&self) -> bool {
        self.mine
            || self.at_risk_only
            || self.band.is_some()
            || self.segment.is_some()
            || self.reason.is_some()
            || !self.search.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Touch,
    NextStep,
    Snooze,
    Flag,
    Resolve,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::Touch => "Log a touch",
            FormKind::NextStep => "Next step",
            FormKind::Snooze => "Snooze",
            FormKind::Flag => "Flag at risk",
            FormKind::Resolve => "Resolve",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub account_id: String,
    pub fields: Vec<Field>,
    pub focus: usize,
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
    Back,
    Quit,
    Help,
    Search,
    CycleSort,
    ToggleMine,
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
    Undo,
    Export,
    ShowQueue,
    ShowReview,
    ShowRenewals,
    ShowModel,
    /// Open the next account of the review's agenda.
    Walk,
    Input(InputKey),
    Resize {
        width: u16,
        height: u16,
    },
    /// From the worker:
    Loaded(Box<Dataset>),
    DetailLoaded(Box<AccountDetail>),
    ReviewLoaded(Box<crate::report::review::Review>),
    ModelReportLoaded(Box<ModelReport>),
    Saved {
        id: i64,
        action: NewAction,
    },
    Exported(String),
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
    Export(Vec<crate::report::export::ActionItem>),
    Reload,
    Quit,
}

/// The Model tab: how the active model fares against history, and what changed since the
/// model the console ran with before.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelReport {
    pub backtest: Result<crate::report::backtest::Backtest, String>,
    /// The previous model's hash and the diff from it, when the model changed.
    pub previous: Option<(String, crate::report::model_diff::ModelDiff)>,
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

pub struct App {
    pub screen: Screen,
    pub show_help: bool,
    pub data: Option<Dataset>,
    pub model: Model,
    pub user: String,
    pub today: NaiveDate,
    pub db_label: String,
    /// A note under the header, e.g. that the sample data set is showing.
    pub banner: Option<String>,
    pub filter: QueueFilter,
    pub sort: SortKey,
    /// Indices into `data.accounts` in the current sort order.
    sorted: Vec<usize>,
    /// The filters' view of each account.
    index: FilterIndex,
    /// `sorted` after filters: the rows of the queue.
    pub view: Vec<usize>,
    /// Position in `view`.
    pub selected: usize,
    /// First visible row of the queue.
    pub offset: usize,
    pub page_rows: usize,
    pub searching: Option<TextInput>,
    pub form: Option<Form>,
    pub detail: Option<AccountDetail>,
    pub detail_scroll: usize,
    pub message: Option<(Level, String)>,
    /// Actions written in this session, newest last, for undo.
    pub undo_stack: Vec<Undoable>,
    pub saving: bool,
    pub review: Option<crate::report::review::Review>,
    pub review_scroll: usize,
    /// The agenda's accounts being walked with `w`, and how far the walk has got.
    pub walk: Vec<String>,
    pub walk_position: usize,
    pub model_report: Option<ModelReport>,
}

const DEFAULT_SNOOZE: &str = "+7d";
const DEFAULT_DUE: &str = "+7d";
const DEFAULT_FLAG_EXPIRY: &str = "+30d";
pub const TOUCH_KINDS: &[&str] = &["call", "email", "meeting", "qbr", "note"];

impl App {
    pub fn new(model: Model, user: &str, today: NaiveDate, db_label: &str) -> App {
        App {
            screen: Screen::Queue,
            show_help: false,
            data: None,
            model,
            user: user.to_owned(),
            today,
            db_label: db_label.to_owned(),
            banner: None,
            filter: QueueFilter::default(),
            sort: SortKey::Priority,
            sorted: Vec::new(),
            index: FilterIndex::default(),
            view: Vec::new(),
            selected: 0,
            offset: 0,
            page_rows: 10,
            searching: None,
            form: None,
            detail: None,
            detail_scroll: 0,
            message: None,
            undo_stack: Vec::new(),
            saving: false,
            review: None,
            review_scroll: 0,
            walk: Vec::new(),
            walk_position: 0,
            model_report: None,
        }
    }

    /// True while keys are text: the event loop then sends `Action::Input`.
    pub fn text_mode(&self) -> bool {
        self.searching.is_some() || self.form.is_some()
    }

    pub fn accounts(&self) -> &[AccountScore] {
        self.data.as_ref().map_or(&[], |d| &d.accounts)
    }

    pub fn selected_account(&self) -> Option<&AccountScore> {
        self.view.get(self.selected).map(|&i| &self.accounts()[i])
    }

    pub fn console_state(&self, account_id: &str) -> Option<&ConsoleState> {
        self.data.as_ref()?.console.get(account_id)
    }

    /// Snoozed until a future date, or resolved with no new reason since.
    pub fn is_hidden(&self, account: &AccountScore) -> bool {
        self.console_state(&account.account_id)
            .is_some_and(|s| s.hides(account, self.today))
    }

    /// Puts the queue in the current sort order, prepared with the data (see `sort_orders`).
    fn resort(&mut self) {
        self.sorted = match &self.data {
            Some(data) => data
                .orders
                .get(&self.sort)
                .cloned()
                .unwrap_or_else(|| sort_order(&data.accounts, self.sort)),
            None => Vec::new(),
        };
        self.refilter();
    }

    /// Rebuilds the view, keeping the same account selected when it is still there.
    fn refilter(&mut self) {
        let keep = self.selected_account().map(|a| a.account_id.clone());
        let f = &self.filter;
        let x = &self.index;
        let search = f.search.to_lowercase();
        let band = x.wanted(&f.band);
        let segment = x.wanted(&f.segment);
        let reason = f.reason.as_ref().map(|code| {
            x.codes
                .iter()
                .position(|c| c == code)
                .map(|k| 1u64 << (k % 64))
        });
        let view: Vec<usize> = self
            .sorted
            .iter()
            .copied()
            .filter(|&i| {
                (!f.mine || x.mine[i])
                    && (!f.at_risk_only || x.at_risk[i])
                    && band.is_none_or(|b| b.is_some() && x.band[i] == b)
                    && segment.is_none_or(|s| s.is_some() && x.segment[i] == s)
                    && reason.is_none_or(|bit| bit.is_some_and(|bit| x.reasons[i] & bit != 0))
                    && (f.show_hidden || !x.hidden[i])
                    && (search.is_empty() || x.search[i].contains(&search))
            })
            .collect();
        self.view = view;
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.accounts()[i].account_id == id)
            })
            .unwrap_or(0);
        self.clamp_scroll();
    }

    fn clamp_scroll(&mut self) {
        let last = self.view.len().saturating_sub(1);
        self.selected = self.selected.min(last);
        let rows = self.page_rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(rows));
    }

    fn move_to(&mut self, position: usize) -> Vec<Effect> {
        let before = self.selected;
        self.selected = position;
        self.clamp_scroll();
        if self.screen == Screen::Account && self.selected != before {
            return self.open_selected();
        }
        Vec::new()
    }

    fn open_selected(&mut self) -> Vec<Effect> {
        let Some(account) = self.selected_account() else {
            return Vec::new();
        };
        let id = account.account_id.clone();
        self.screen = Screen::Account;
        self.detail_scroll = 0;
        if self.detail.as_ref().is_some_and(|d| d.account_id == id) {
            return Vec::new();
        }
        self.detail = None;
        vec![Effect::LoadDetail(id)]
    }

    /// Opens the account with this id, clearing filters if they hide it.
    fn open_account(&mut self, account_id: &str) -> Vec<Effect> {
        let find = |app: &App| {
            app.view
                .iter()
                .position(|&i| app.accounts()[i].account_id == account_id)
        };
        if find(self).is_none() {
            self.filter = QueueFilter {
                show_hidden: true,
                ..QueueFilter::default()
            };
            self.refilter();
        }
        match find(self) {
            Some(position) => {
                self.selected = position;
                self.clamp_scroll();
                self.open_selected()
            }
            None => {
                self.message = Some((
                    Level::Error,
                    format!("{account_id} is not in the portfolio"),
                ));
                Vec::new()
            }
        }
    }

    /// Starts the walk through the review's agenda, or moves to its next account.
    fn walk(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Account || self.walk.is_empty() {
            let Some(review) = &self.review else {
                self.message = Some((Level::Info, "open the review (2) to walk its agenda".into()));
                return Vec::new();
            };
            let mut ids: Vec<String> = Vec::new();
            for entry in review.agenda.iter().flat_map(|item| &item.entries) {
                if !ids.contains(&entry.account_id) {
                    ids.push(entry.account_id.clone());
                }
            }
            self.walk = ids;
            self.walk_position = 0;
        } else {
            self.walk_position += 1;
        }
        match self.walk.get(self.walk_position).cloned() {
            Some(id) => self.open_account(&id),
            None => {
                self.message = Some((Level::Success, "agenda done".into()));
                self.walk.clear();
                self.screen = Screen::Review;
                Vec::new()
            }
        }
    }

    fn cycle<T: Clone + PartialEq>(current: &Option<T>, options: &[T]) -> Option<T> {
        match current
            .as_ref()
            .and_then(|c| options.iter().position(|o| o == c))
        {
            None => options.first().cloned(),
            Some(i) => options.get(i + 1).cloned(),
        }
    }

    fn distinct(&self, values: impl Iterator<Item = String>) -> Vec<String> {
        let mut out: Vec<String> = values.collect();
        out.sort();
        out.dedup();
        out
    }

    fn open_form(&mut self, kind: FormKind) -> Vec<Effect> {
        let Some(account) = self.selected_account() else {
            self.message = Some((Level::Error, "no account selected".into()));
            return Vec::new();
        };
        let fields = match kind {
            FormKind::Touch => vec![
                Field::choice("kind", TOUCH_KINDS),
                Field::text("what happened", true),
            ],
            FormKind::NextStep => vec![
                Field::text("next step", true),
                Field::date("due", DEFAULT_DUE),
            ],
            FormKind::Snooze => vec![
                Field::date("until", DEFAULT_SNOOZE),
                Field::text("reason", false),
            ],
            FormKind::Flag => vec![
                Field::text("reason", true),
                Field::date("until", DEFAULT_FLAG_EXPIRY),
            ],
            FormKind::Resolve => vec![Field::text("outcome", true)],
        };
        self.form = Some(Form {
            kind,
            account_id: account.account_id.clone(),
            fields,
            focus: 0,
        });
        Vec::new()
    }

    /// Turns a filled form into the action to record, or says what is missing.
    fn submit(&mut self) -> Result<NewAction, String> {
        let form = self.form.as_ref().ok_or("no form open")?;
        let mut date = None;
        for field in &form.fields {
            let value = field.text_value();
            if field.required && value.is_empty() {
                return Err(format!("{} is required", field.label));
            }
            if field.is_date {
                let parsed = form::parse_date(&value, self.today).ok_or_else(|| {
                    format!(
                        "{}: {value:?} is not a date (YYYY-MM-DD, +3d, +2w)",
                        field.label
                    )
                })?;
                if parsed < self.today {
                    return Err(format!("{}: {parsed} is in the past", field.label));
                }
                date = Some(parsed);
            }
        }
        let text = |i: usize| Some(form.fields[i].text_value()).filter(|t| !t.is_empty());
        let kind = match form.kind {
            FormKind::Touch => ActionKind::Touch,
            FormKind::NextStep => ActionKind::NextStep,
            FormKind::Snooze => ActionKind::Snooze,
            FormKind::Flag => ActionKind::Flag,
            FormKind::Resolve => ActionKind::Resolve,
        };
        let mut action = NewAction::new(&form.account_id, kind, &self.user);
        action.until = date;
        match form.kind {
            FormKind::Touch => {
                action.detail = text(0);
                action.body = text(1);
            }
            FormKind::NextStep | FormKind::Flag => action.body = text(0),
            FormKind::Snooze => action.body = text(1),
            FormKind::Resolve => {
                action.body = text(0);
                let account = self
                    .accounts()
                    .iter()
                    .find(|a| a.account_id == form.account_id);
                action.reasons = account.map(|a| a.reason_codes());
            }
        }
        Ok(action)
    }

    fn form_input(&mut self, key: InputKey) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        let count = form.fields.len();
        match key {
            InputKey::Esc => {
                self.form = None;
                self.message = Some((Level::Info, "cancelled".into()));
            }
            InputKey::Tab => form.focus = (form.focus + 1) % count,
            InputKey::BackTab => form.focus = (form.focus + count - 1) % count,
            InputKey::Enter => match self.submit() {
                Ok(action) => {
                    self.form = None;
                    self.saving = true;
                    self.message = Some((Level::Info, "saving…".into()));
                    return vec![Effect::Record(action)];
                }
                Err(problem) => self.message = Some((Level::Error, problem)),
            },
            key => match &mut form.fields[form.focus].value {
                FieldValue::Text(input) => edit(input, key),
                FieldValue::Choice { options, index } => match key {
                    InputKey::Left => *index = (*index + options.len() - 1) % options.len(),
                    InputKey::Right | InputKey::Char(' ') => *index = (*index + 1) % options.len(),
                    InputKey::Char(c) => {
                        if let Some(i) = options.iter().position(|o| o.starts_with(c)) {
                            *index = i;
                        }
                    }
                    _ => {}
                },
            },
        }
        Vec::new()
    }

    fn search_input(&mut self, key: InputKey) {
        let Some(input) = self.searching.as_mut() else {
            return;
        };
        match key {
            InputKey::Esc => {
                self.searching = None;
                self.filter.search.clear();
            }
            InputKey::Enter => self.searching = None,
            key => edit(input, key),
        }
        if let Some(input) = &self.searching {
            self.filter.search = input.text.clone();
        }
        self.refilter();
    }

    /// Shows what a saved action changes at once; the reload that follows brings the scores.
    fn apply_saved(&mut self, action: &NewAction) {
        self.record_locally(action);
        if let Some(i) = self
            .accounts()
            .iter()
            .position(|a| a.account_id == action.account_id)
        {
            self.index.hidden[i] = self.is_hidden(&self.accounts()[i]);
        }
    }

    fn record_locally(&mut self, action: &NewAction) {
        let today = self.today.format("%Y-%m-%d").to_string();
        let Some(data) = self.data.as_mut() else {
            return;
        };
        let state = data.console.entry(action.account_id.clone()).or_default();
        match action.kind {
            ActionKind::NextStep => {
                state.next_step = action.body.clone();
                state.next_due = action.until;
            }
            ActionKind::Snooze => state.snoozed_until = action.until,
            ActionKind::Resolve => {
                state.resolved_reasons = Some(
                    action
                        .reasons
                        .as_deref()
                        .unwrap_or_default()
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                )
            }
            ActionKind::Touch => {
                if let Some(account) = data
                    .accounts
                    .iter_mut()
                    .find(|a| a.account_id == action.account_id)
                {
                    account.last_touch = Some(today);
                }
            }
            ActionKind::Flag | ActionKind::Override | ActionKind::Undo => {}
        }
    }
}

fn edit(input: &mut TextInput, key: InputKey) {
    match key {
        InputKey::Char(c) => input.insert(c.encode_utf8(&mut [0; 4])),
        InputKey::Paste(text) => input.insert(&text),
        InputKey::Backspace => input.backspace(),
        InputKey::Left => input.left(),
        InputKey::Right => input.right(),
        _ => {}
    }
}

fn describe(action: &NewAction) -> String {
    let what = match action.kind {
        ActionKind::Touch => format!("logged a {}", action.detail.as_deref().unwrap_or("touch")),
        ActionKind::NextStep => "set the next step".to_owned(),
        ActionKind::Snooze => format!(
            "snoozed until {}",
            action.until.map(|d| d.to_string()).unwrap_or_default()
        ),
        ActionKind::Flag => "flagged at risk".to_owned(),
        ActionKind::Override => "overrode the band".to_owned(),
        ActionKind::Resolve => "resolved".to_owned(),
        ActionKind::Undo => "undid an action".to_owned(),
    };
    format!("{what} on {}", action.account_id)
}

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let from_user = !matches!(
        action,
        Action::Resize { .. }
            | Action::Loaded(_)
            | Action::DetailLoaded(_)
            | Action::ReviewLoaded(_)
            | Action::ModelReportLoaded(_)
            | Action::Saved { .. }
            | Action::Exported(_)
            | Action::Failed(_)
    );
    // A message stays until the next thing the user does (typing into a form keeps it).
    if from_user && !matches!(action, Action::Input(_)) {
        app.message = None;
    }
    if app.show_help && from_user {
        app.show_help = false;
        return if action == Action::Quit {
            vec![Effect::Quit]
        } else {
            Vec::new()
        };
    }
    match action {
        Action::Input(key) if app.form.is_some() => return app.form_input(key),
        Action::Input(key) => app.search_input(key),
        Action::Down | Action::PageDown
            if matches!(app.screen, Screen::Review | Screen::Renewals) =>
        {
            app.review_scroll += if action == Action::Down {
                1
            } else {
                app.page_rows / 2
            }
        }
        Action::Up | Action::PageUp
            if matches!(
                app.screen,
                Screen::Review | Screen::Renewals | Screen::Model
            ) =>
        {
            let step = if action == Action::Up {
                1
            } else {
                app.page_rows / 2
            };
            app.review_scroll = app.review_scroll.saturating_sub(step)
        }
        Action::Down => return app.move_to(app.selected + 1),
        Action::Up => return app.move_to(app.selected.saturating_sub(1)),
        Action::PageDown if app.screen == Screen::Account => app.detail_scroll += app.page_rows / 2,
        Action::PageUp if app.screen == Screen::Account => {
            app.detail_scroll = app.detail_scroll.saturating_sub(app.page_rows / 2)
        }
        Action::PageDown => return app.move_to(app.selected + app.page_rows.max(1)),
        Action::PageUp => return app.move_to(app.selected.saturating_sub(app.page_rows.max(1))),
        Action::Top => return app.move_to(0),
        Action::Bottom => return app.move_to(app.view.len().saturating_sub(1)),
        Action::Open => return app.open_selected(),
        Action::Back => {
            app.screen = if app.walk.is_empty() {
                Screen::Queue
            } else {
                Screen::Review
            };
            app.walk.clear();
        }
        Action::ShowQueue => app.screen = Screen::Queue,
        Action::ShowReview | Action::ShowRenewals => {
            app.screen = if action == Action::ShowReview {
                Screen::Review
            } else {
                Screen::Renewals
            };
            app.review_scroll = 0;
            if app.review.is_none() {
                return vec![Effect::LoadReview];
            }
        }
        Action::Walk => return app.walk(),
        Action::ShowModel => {
            app.screen = Screen::Model;
            app.review_scroll = 0;
            if app.model_report.is_none() {
                return vec![Effect::LoadModelReport];
            }
        }
        Action::ModelReportLoaded(report) => app.model_report = Some(*report),
        Action::ReviewLoaded(review) => app.review = Some(*review),
        Action::Quit => return vec![Effect::Quit],
        Action::Help => app.show_help = true,
        Action::Search => {
            app.searching = Some(TextInput::with(&app.filter.search));
        }
        Action::CycleSort => {
            app.sort = app.sort.next();
            app.resort();
        }
        Action::ToggleMine => {
            app.filter.mine = !app.filter.mine;
            app.refilter();
        }
        Action::ToggleAtRisk => {
            app.filter.at_risk_only = !app.filter.at_risk_only;
            app.refilter();
        }
        Action::CycleBand => {
            let bands: Vec<String> = app.model.bands.iter().map(|b| b.name.clone()).collect();
            app.filter.band = App::cycle(&app.filter.band, &bands);
            app.refilter();
        }
        Action::CycleSegment => {
            let segments = app.distinct(app.accounts().iter().filter_map(|a| a.segment.clone()));
            app.filter.segment = App::cycle(&app.filter.segment, &segments);
            app.refilter();
        }
        Action::CycleReason => {
            let codes = app.distinct(
                app.accounts()
                    .iter()
                    .flat_map(|a| a.reasons.iter().map(|r| r.code.clone())),
            );
            app.filter.reason = App::cycle(&app.filter.reason, &codes);
            app.refilter();
        }
        Action::ToggleHidden => {
            app.filter.show_hidden = !app.filter.show_hidden;
            app.refilter();
        }
        Action::ClearFilters => {
            app.filter = QueueFilter {
                show_hidden: app.filter.show_hidden,
                ..QueueFilter::default()
            };
            app.refilter();
        }
        Action::LogTouch => return app.open_form(FormKind::Touch),
        Action::NextStep => return app.open_form(FormKind::NextStep),
        Action::Snooze => return app.open_form(FormKind::Snooze),
        Action::Flag => return app.open_form(FormKind::Flag),
        Action::Resolve => return app.open_form(FormKind::Resolve),
        Action::Undo => match app.undo_stack.pop() {
            None => {
                app.message = Some((
                    Level::Info,
                    "nothing of yours to undo in this session".into(),
                ))
            }
            Some(last) => {
                let mut undo = NewAction::new(&last.account_id, ActionKind::Undo, &app.user);
                undo.undoes = Some(last.action_id);
                undo.body = Some(last.description);
                app.saving = true;
                return vec![Effect::Record(undo)];
            }
        },
        Action::Export => {
            let items: Vec<_> = app
                .view
                .iter()
                .enumerate()
                .map(|(rank, &i)| {
                    let a = &app.accounts()[i];
                    crate::report::export::ActionItem::new(
                        rank + 1,
                        a,
                        app.console_state(&a.account_id),
                    )
                })
                .collect();
            if items.is_empty() {
                app.message = Some((Level::Error, "nothing to export: the queue is empty".into()));
                return Vec::new();
            }
            return vec![Effect::Export(items)];
        }
        Action::Exported(path) => {
            app.message = Some((Level::Success, format!("exported the queue to {path}")))
        }
        Action::Resize { height, .. } => {
            // Header, column titles, hint bar and message line take five rows.
            app.page_rows = usize::from(height).saturating_sub(5).max(1);
            app.clamp_scroll();
        }
        Action::Loaded(data) => {
            let today = app.today;
            app.index = FilterIndex::build(&data.accounts, &app.user, |a| {
                data.console
                    .get(&a.account_id)
                    .is_some_and(|s| s.hides(a, today))
            });
            app.data = Some(*data);
            app.resort();
        }
        Action::DetailLoaded(detail) => {
            if app
                .selected_account()
                .is_some_and(|a| a.account_id == detail.account_id)
            {
                app.detail = Some(*detail);
            }
        }
        Action::Saved { id, action } => {
            app.saving = false;
            let description = describe(&action);
            app.apply_saved(&action);
            if action.kind == ActionKind::Undo {
                app.message = Some((
                    Level::Success,
                    format!("undone: {}", action.body.as_deref().unwrap_or_default()),
                ));
            } else {
                app.message = Some((Level::Success, format!("saved: {description}")));
                app.undo_stack.push(Undoable {
                    action_id: id,
                    account_id: action.account_id.clone(),
                    description,
                });
            }
            app.refilter();
            app.review = None;
            let mut effects = vec![Effect::Reload];
            if app.screen == Screen::Account {
                if let Some(id) = app.selected_account().map(|a| a.account_id.clone()) {
                    effects.push(Effect::LoadDetail(id));
                }
            }
            return effects;
        }
        Action::Failed(problem) => {
            app.saving = false;
            app.message = Some((Level::Error, problem));
        }
    }
    Vec::new()
}
