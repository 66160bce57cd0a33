//! The console's pure state: `update(&mut App, Action) -> Vec<Effect>`. No terminal, no
//! database: the event loop performs the effects and feeds results back as actions.

mod action;
pub mod form;
pub mod keymap;
mod queue;
mod team;

use chrono::NaiveDate;

pub use action::{Action, Effect, InputKey, Level, ModelReport, Screen, Tone, Undoable};
pub use form::{Form, FormKind};

use crate::db::actions::{ActionKind, NewAction};
use crate::db::console::AccountDetail;
use crate::db::plays::Task;
use crate::model::Model;
use crate::model::filter::{AccountFilter, AccountIndex};
use crate::model::queue::{ConsoleState, Dataset, Rescore, SortKey};
use crate::model::score::AccountScore;
use crate::report::review::Review;
use form::TextInput;

pub struct App {
    pub screen: Screen,
    pub show_help: bool,
    /// First row of the help shown: it scrolls on a small terminal.
    pub help_scroll: usize,
    pub data: Option<Dataset>,
    pub model: Model,
    pub user: String,
    pub today: NaiveDate,
    pub db_label: String,
    /// In a team (TEAM.md): the journal is read every few seconds; `syncing` while a read runs.
    pub team: bool,
    pub syncing: bool,
    /// A note under the header, e.g. that the sample data set is showing.
    pub banner: Option<String>,
    pub filter: AccountFilter,
    /// Whether snoozed and resolved accounts are shown too.
    pub show_hidden: bool,
    pub sort: SortKey,
    /// Indices into `data.accounts` in the current sort order.
    sorted: Vec<usize>,
    /// The filter's view of each account, made once the queue is on screen and no key comes
    /// (or at once for a filter): the queue opens unfiltered, and at 100,000 accounts making it
    /// took a sixth of the start.
    index: Option<AccountIndex>,
    /// Per account: snoozed or resolved, so out of the queue unless `show_hidden`.
    hidden: Vec<bool>,
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
    pub review: Option<Review>,
    /// First row shown on the model tab.
    pub model_scroll: usize,
    /// The row under the cursor in the review's agenda or the renewals list.
    pub tab_cursor: usize,
    /// Where Esc on the account screen goes back to (the tab an account was opened from).
    back_to: Screen,
    /// The agenda's accounts being walked with `w`, in agenda order, and those visited.
    pub walk: Vec<String>,
    pub walked: Vec<String>,
    /// A review has been asked of the worker and not yet arrived.
    review_pending: bool,
    pub model_report: Option<ModelReport>,
    /// The owner picker, while open: owners with their account counts, and the cursor.
    pub owner_picker: Option<(Vec<(String, usize)>, usize)>,
    /// Every task of every run, as the worker last read them (the tasks tab shows some).
    pub tasks: Option<Vec<Task>>,
    /// Tasks have been asked of the worker and not yet arrived.
    tasks_pending: bool,
    /// Per account with open tasks due: how many are overdue, and how many due today.
    pub task_marks: std::collections::HashMap<String, (usize, usize)>,
    /// The tasks tab's rows (positions in `tasks`) and the owner they were chosen for: kept
    /// between frames, rebuilt when the tasks, the owner or the snoozes change.
    task_view: (Vec<usize>, String),
    /// Positions in `tasks` per account: the account screen reads its plays on every key.
    tasks_by_account: std::collections::HashMap<String, Vec<usize>>,
}

impl App {
    pub fn new(model: Model, user: &str, today: NaiveDate, db_label: &str) -> App {
        App {
            screen: Screen::Queue,
            show_help: false,
            help_scroll: 0,
            data: None,
            model,
            user: user.to_owned(),
            today,
            db_label: db_label.to_owned(),
            team: false,
            syncing: false,
            banner: None,
            filter: AccountFilter::default(),
            show_hidden: false,
            sort: SortKey::Priority,
            sorted: Vec::new(),
            index: None,
            hidden: Vec::new(),
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
            model_scroll: 0,
            tab_cursor: 0,
            back_to: Screen::Queue,
            walk: Vec::new(),
            walked: Vec::new(),
            review_pending: false,
            model_report: None,
            owner_picker: None,
            tasks: None,
            tasks_pending: false,
            task_marks: std::collections::HashMap::new(),
            task_view: (Vec::new(), String::new()),
            tasks_by_account: std::collections::HashMap::new(),
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

    fn say(&mut self, level: Level, text: impl Into<String>) {
        self.message = Some((level, text.into()));
    }

    fn open_selected(&mut self) -> Vec<Effect> {
        let Some(account) = self.selected_account() else {
            return Vec::new();
        };
        let id = account.account_id.clone();
        // A re-scored or reloaded row comes without measures: they come with the detail.
        let explained = !account.measures.is_empty();
        self.screen = Screen::Account;
        self.detail_scroll = 0;
        if explained && self.detail.as_ref().is_some_and(|d| d.account_id == id) {
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
            self.filter = AccountFilter::default();
            self.show_hidden = true;
            self.refilter();
        }
        match find(self) {
            Some(position) => {
                self.selected = position;
                self.clamp_scroll();
                self.open_selected()
            }
            None => {
                self.say(
                    Level::Error,
                    format!("{account_id} is not in the portfolio"),
                );
                Vec::new()
            }
        }
    }

    /// Starts the walk through the review's agenda, or moves to the next account of it not
    /// visited yet. The walk stays on its account whatever a re-score does to the agenda.
    fn walk(&mut self) -> Vec<Effect> {
        if self.walk.is_empty() {
            let Some(review) = &self.review else {
                self.say(Level::Info, "open the review (2) to walk its agenda");
                return Vec::new();
            };
            let mut ids: Vec<String> = Vec::new();
            for entry in review.agenda.iter().flat_map(|item| &item.entries) {
                if !ids.contains(&entry.account_id) {
                    ids.push(entry.account_id.clone());
                }
            }
            self.walk = ids;
            self.walked.clear();
        }
        let next = self
            .walk
            .iter()
            .find(|id| !self.walked.contains(id))
            .cloned();
        match next {
            Some(id) => {
                self.walked.push(id.clone());
                self.open_account(&id)
            }
            None => {
                self.say(Level::Success, "agenda done");
                self.show(Screen::Review)
            }
        }
    }

    /// Goes to a tab. Leaving the account screen for a tab ends a walk; a tab whose content
    /// is missing asks the worker for it, once.
    fn show(&mut self, screen: Screen) -> Vec<Effect> {
        self.walk.clear();
        self.walked.clear();
        // Coming back from an account keeps the place in the tab it was opened from.
        if screen != self.screen && screen != Screen::Account && self.screen != Screen::Account {
            self.tab_cursor = 0;
            self.model_scroll = 0;
        }
        self.screen = screen;
        if screen == Screen::Tasks {
            self.refresh_stale_tasks();
        }
        match screen {
            Screen::Review | Screen::Renewals if self.review.is_none() && !self.review_pending => {
                self.review_pending = true;
                vec![Effect::LoadReview]
            }
            Screen::Model if self.model_report.is_none() => vec![Effect::LoadModelReport],
            Screen::Tasks | Screen::Team if self.tasks.is_none() && !self.tasks_pending => {
                self.tasks_pending = true;
                vec![Effect::LoadTasks]
            }
            _ => Vec::new(),
        }
    }

    /// The plays running on an account, for the account screen.
    pub fn account_play_lines(&self, account_id: &str) -> Vec<(Tone, String)> {
        let (Some(tasks), Some(positions)) = (&self.tasks, self.tasks_by_account.get(account_id))
        else {
            return Vec::new();
        };
        let of_account: Vec<&Task> = positions.iter().map(|&i| &tasks[i]).collect();
        play_lines(&of_account, self.today)
    }

    /// Whose tasks the tasks tab shows: the owner picked, else the user's own.
    pub fn tasks_owner(&self) -> &str {
        self.filter.owner.as_deref().unwrap_or(&self.user)
    }

    /// The tasks tab's rows: open tasks of running plays of `tasks_owner`, not of a snoozed
    /// account, overdue first (see `plays::runs::task_list`).
    pub fn visible_tasks(&self) -> Vec<&Task> {
        match &self.tasks {
            Some(tasks) => self.task_view.0.iter().map(|&i| &tasks[i]).collect(),
            None => Vec::new(),
        }
    }

    /// Rebuilds the tasks tab's rows if they are another owner's.
    fn refresh_stale_tasks(&mut self) {
        if self.task_view.1 != self.tasks_owner() {
            self.refresh_tasks();
        }
    }

    /// Rebuilds the tasks tab's rows (after the tasks, the owner or the snoozes changed).
    fn refresh_tasks(&mut self) {
        let owner = self.tasks_owner().to_owned();
        let Some(tasks) = &self.tasks else {
            self.task_view = (Vec::new(), owner);
            return;
        };
        let empty = std::collections::HashMap::new();
        let states = self.data.as_ref().map_or(&empty, |d| &d.console);
        let order = crate::plays::runs::task_order(
            tasks,
            states,
            Some(&owner),
            crate::plays::runs::DueWithin::All,
            self.today,
        );
        self.task_view = (order, owner);
    }

    fn task_under_cursor(&self) -> Option<&Task> {
        self.visible_tasks().get(self.tab_cursor).copied()
    }

    /// `d` on the tasks tab: the task is closed as done (the worker logs the touch).
    fn complete_task(&mut self) -> Vec<Effect> {
        let Some(task) = self.task_under_cursor() else {
            self.say(Level::Error, "no task under the cursor");
            return Vec::new();
        };
        let task_id = task.task_id;
        self.saving = true;
        self.say(Level::Info, "saving…");
        vec![Effect::CloseTask {
            task_id,
            skip_reason: None,
        }]
    }

    /// A task the worker closed: said, and the tasks and scores read again (a done task is a
    /// touch, which moves recency).
    fn task_closed(&mut self, task: Task, done: bool) -> Vec<Effect> {
        self.saving = false;
        let what = if done { "done" } else { "skipped" };
        self.say(
            Level::Success,
            format!("{what}: {} — {}", task.account, task.text),
        );
        self.tasks_pending = true;
        // The worker re-scores the account (a done task is a touch) and sends it next.
        vec![Effect::LoadTasks]
    }

    fn undo(&mut self) -> Vec<Effect> {
        let Some(last) = self.undo_stack.pop() else {
            self.say(Level::Info, "nothing of yours to undo in this session");
            return Vec::new();
        };
        let mut undo = NewAction::new(&last.account_id, ActionKind::Undo, &self.user);
        undo.undoes = Some(last.action_id);
        undo.body = Some(last.description);
        self.saving = true;
        vec![Effect::Record(undo)]
    }

    /// `e`: the queue's rows as shown, for the event loop to write.
    fn export(&mut self) -> Vec<Effect> {
        let items: Vec<_> = self
            .view
            .iter()
            .enumerate()
            .map(|(rank, &i)| {
                let a = &self.accounts()[i];
                crate::report::export::ActionItem::new(
                    rank + 1,
                    a,
                    self.console_state(&a.account_id),
                    self.today,
                )
            })
            .collect();
        if items.is_empty() {
            self.say(Level::Error, "nothing to export: the queue is empty");
            return Vec::new();
        }
        vec![Effect::Export(items)]
    }

    /// An action the worker wrote: shown at once; the reload that follows brings the scores.
    fn saved(&mut self, id: i64, action: NewAction) -> Vec<Effect> {
        self.saving = false;
        let description = describe(&action);
        self.record_locally(&action);
        if let Some(i) = self
            .accounts()
            .iter()
            .position(|a| a.account_id == action.account_id)
        {
            self.hidden[i] = self.is_hidden(&self.accounts()[i]);
        }
        if action.kind == ActionKind::Undo {
            let undone = action.body.as_deref().unwrap_or_default();
            self.say(Level::Success, format!("undone: {undone}"));
        } else {
            self.say(Level::Success, format!("saved: {description}"));
            self.undo_stack.push(Undoable {
                action_id: id,
                account_id: action.account_id.clone(),
                description,
            });
        }
        self.refilter();
        // The worker re-scores the account and sends it next.
        self.reread_screen()
    }

    /// After actions changed (this CSM's, or the team's): read again what the screen shows
    /// besides the queue.
    fn reread_screen(&mut self) -> Vec<Effect> {
        self.review = None;
        let mut effects = Vec::new();
        if matches!(self.screen, Screen::Review | Screen::Renewals) && !self.review_pending {
            self.review_pending = true;
            effects.push(Effect::LoadReview);
        }
        if self.screen == Screen::Tasks && !self.tasks_pending {
            self.tasks_pending = true;
            effects.push(Effect::LoadTasks);
        }
        effects
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
            ActionKind::Snooze => {
                state.snoozed_until = action.until;
                state.snooze_reason = action.body.clone();
            }
            ActionKind::Resolve => {
                state.resolved_reasons = Some(ConsoleState::resolved_from(
                    action.reasons.as_deref().unwrap_or_default(),
                ))
            }
            ActionKind::Touch => {
                let day = action
                    .until
                    .map_or(today, |d| d.format("%Y-%m-%d").to_string());
                if let Some(account) = data
                    .accounts
                    .iter_mut()
                    .find(|a| a.account_id == action.account_id)
                    && account.last_touch.as_ref().is_none_or(|last| *last < day)
                {
                    account.last_touch = Some(day);
                }
            }
            ActionKind::Owner => {
                if let Some(account) = data
                    .accounts
                    .iter_mut()
                    .find(|a| a.account_id == action.account_id)
                {
                    account.owner = action.detail.clone().filter(|o| !o.is_empty());
                }
            }
            ActionKind::Flag
            | ActionKind::Override
            | ActionKind::Undo
            | ActionKind::TaskDone
            | ActionKind::TaskSkipped
            | ActionKind::TaskSnoozed
            | ActionKind::OutcomeAdd
            | ActionKind::OutcomeAchieved
            | ActionKind::OutcomeDropped => {}
        }
    }

    /// The data the worker loaded: indexed once, then shown in the current sort and filters.
    /// Re-scored accounts from the worker: applied to the queue they were computed from, the
    /// place kept; any other queue (another program re-scored the kept one) is read again.
    fn rescored(&mut self, rescore: Rescore) -> Vec<Effect> {
        let Some(data) = self.data.as_mut() else {
            return vec![Effect::Reload];
        };
        if data.key != rescore.from_key {
            return vec![Effect::Reload];
        }
        if rescore.changed.is_empty() {
            data.key = rescore.key;
            return Vec::new();
        }
        let keep = self.selected_id();
        let Some(mut data) = self.data.take() else {
            return Vec::new();
        };
        // Only the moved accounts' entries change: at 100,000 accounts, rebuilding the filter's
        // index took longer than the re-score.
        let moves = data.apply(rescore);
        if let Some(index) = self.index.as_mut() {
            index.apply(&moves, &data.accounts);
        }
        for &position in moves.removed.iter().rev() {
            self.hidden.remove(position);
        }
        for &position in &moves.inserted {
            self.hidden
                .insert(position, data.hides(position, self.today));
        }
        self.data = Some(data);
        self.sort_keeping(keep);
        self.detail_effects()
    }

    /// The account screen's history and measures, read again for the account on screen.
    fn detail_effects(&self) -> Vec<Effect> {
        match self.selected_account() {
            Some(a) if self.screen == Screen::Account => {
                vec![Effect::LoadDetail(a.account_id.clone())]
            }
            _ => Vec::new(),
        }
    }

    /// The account on screen's history, and its measures (the queue holds accounts without).
    fn detail_loaded(&mut self, detail: AccountDetail, scored: Option<AccountScore>) {
        let Some(&i) = self.view.get(self.selected) else {
            return;
        };
        let Some(data) = self.data.as_mut() else {
            return;
        };
        if data.accounts[i].account_id != detail.account_id {
            return;
        }
        if let Some(scored) = scored.filter(|s| s.account_id == detail.account_id) {
            data.accounts[i].measures = scored.measures;
        }
        self.detail = Some(detail);
    }

    fn loaded(&mut self, data: Dataset) {
        let keep = self.selected_id();
        self.put_on_screen(data, keep);
    }

    /// Puts a queue on screen, on the account `keep` when it is still there.
    fn put_on_screen(&mut self, data: Dataset, keep: Option<String>) {
        self.index = None;
        self.hidden = (0..data.accounts.len())
            .map(|i| data.hides(i, self.today))
            .collect();
        self.data = Some(data);
        self.sort_keeping(keep);
    }

    /// Scrolls the text screens (review, renewals, model, account); false on the queue. On
    /// the account screen the movement keys scroll and never change the account: that takes
    /// `]`/`[`, so `j` then `t` always logs the touch on the account on screen.
    fn scroll(&mut self, action: &Action) -> bool {
        let half_page = (self.page_rows / 2).max(1);
        let last = match self.screen {
            Screen::Review | Screen::Renewals => self.tab_accounts().len().saturating_sub(1),
            Screen::Tasks => self.visible_tasks().len().saturating_sub(1),
            Screen::Team => self.team_rows().len().saturating_sub(1),
            Screen::Model => self.model_rows().len().saturating_sub(self.page_rows),
            // The history panel: plays, tickets, surveys and the timeline, each under a heading.
            // The history panel: the success plan, people, plays, tickets, surveys and the
            // timeline, each under a heading.
            Screen::Account => self.detail.as_ref().map_or(0, |d| {
                d.outcomes.len().max(1)
                    + d.contacts.len().max(1)
                    + self.account_play_lines(&d.account_id).len().max(1)
                    + d.tickets.len()
                    + d.surveys.len()
                    + d.timeline.len()
                    + 5
            }),
            Screen::Queue => return false,
        };
        let position = match self.screen {
            Screen::Review | Screen::Renewals | Screen::Tasks | Screen::Team => {
                &mut self.tab_cursor
            }
            Screen::Model => &mut self.model_scroll,
            Screen::Account => &mut self.detail_scroll,
            Screen::Queue => return false,
        };
        *position = match action {
            Action::Down => *position + 1,
            Action::PageDown => *position + half_page,
            Action::Bottom => last,
            Action::Up => position.saturating_sub(1),
            Action::PageUp => position.saturating_sub(half_page),
            Action::Top => 0,
            _ => return false,
        }
        .min(last);
        true
    }

    /// The accounts listed on the review or renewals tab, in the order shown: what the cursor
    /// moves over and Enter opens.
    pub fn tab_accounts(&self) -> Vec<&str> {
        let Some(review) = &self.review else {
            return Vec::new();
        };
        match self.screen {
            Screen::Review => review
                .agenda
                .iter()
                .flat_map(|item| &item.entries)
                .map(|e| e.account_id.as_str())
                .collect(),
            Screen::Renewals => review
                .renewals
                .iter()
                .flat_map(|m| &m.accounts)
                .map(|e| e.account_id.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The model tab as rows: the model line by line, its backtest, what changed since the
    /// console last ran. Built here so that scrolling stops at the last row.
    pub fn model_rows(&self) -> Vec<(Tone, String)> {
        let model = &self.model;
        let mut rows = vec![(
            Tone::Title,
            format!(
                "Health model {} (total weight {})",
                model.hash(),
                model.total_weight()
            ),
        )];
        let columns = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
            format!("{a:<16} {b:<13} {c:<23} {d:>7} {e:>7} {f:>6}")
        };
        rows.push((
            Tone::Header,
            columns("measure", "group", "metric", "bad", "good", "weight"),
        ));
        for m in &model.measures {
            rows.push((
                Tone::Plain,
                columns(
                    &m.name,
                    &m.group,
                    &m.metric,
                    &m.bad.to_string(),
                    &m.good.to_string(),
                    &m.weight.to_string(),
                ),
            ));
        }
        let bands: Vec<String> = model
            .bands
            .iter()
            .map(|b| format!("{} {}–{}", b.name, b.min, b.max))
            .collect();
        rows.push((Tone::Plain, format!("bands: {}", bands.join(" · "))));
        for p in &model.profiles {
            let mut matching = Vec::new();
            if !p.segments.is_empty() {
                matching.push(format!("segment {}", p.segments.join(", ")));
            }
            if !p.plans.is_empty() {
                matching.push(format!("plan {}", p.plans.join(", ")));
            }
            let changed: Vec<String> = model
                .measures
                .iter()
                .filter_map(
                    |base| match p.measures.iter().find(|m| m.name == base.name) {
                        None => Some(format!("{} off", base.name)),
                        Some(m) if m != base => {
                            Some(format!("{} {}–{} ×{}", m.name, m.bad, m.good, m.weight))
                        }
                        Some(_) => None,
                    },
                )
                .collect();
            rows.push((
                Tone::Plain,
                format!(
                    "profile {}: {}; {}{}",
                    p.name,
                    matching.join(" and "),
                    if changed.is_empty() {
                        "the base measures".to_owned()
                    } else {
                        changed.join(", ")
                    },
                    if p.bands == model.bands {
                        ""
                    } else {
                        "; its own bands"
                    }
                ),
            ));
        }
        if let Some(report) = &self.model_report
            && let Some(fit) = &report.last_fit
        {
            rows.push((Tone::Plain, format!("last fit: {fit}")));
        }
        rows.push((Tone::Plain, String::new()));
        let Some(report) = &self.model_report else {
            rows.push((
                Tone::Plain,
                "Backtesting the model against the churn in your data…".to_owned(),
            ));
            return rows;
        };
        let text = |tone, text: String| {
            text.lines()
                .map(move |l| (tone, l.to_owned()))
                .collect::<Vec<_>>()
        };
        match &report.backtest {
            Ok(result) => rows.extend(text(
                Tone::Plain,
                crate::report::backtest::text(std::slice::from_ref(result), false),
            )),
            Err(problem) => rows.push((Tone::Plain, format!("No backtest: {problem}"))),
        }
        rows.push((Tone::Plain, String::new()));
        rows.push((Tone::Title, "Plays".to_owned()));
        if report.plays.is_empty() {
            rows.push((Tone::Dim, "No play has run yet.".to_owned()));
        }
        for stats in &report.plays {
            rows.push((Tone::Plain, format!("  {}", stats.line())));
        }
        rows.push((Tone::Plain, String::new()));
        match &report.previous {
            None => rows.push((
                Tone::Dim,
                "Same model as the console's last run.".to_owned(),
            )),
            Some((hash, diff)) => {
                rows.push((Tone::Title, format!("Changed from model {hash}")));
                rows.extend(text(
                    Tone::Plain,
                    crate::report::model_diff::text(diff, "before", "now"),
                ));
            }
        }
        rows
    }
}

/// Per account, its open tasks overdue and due today (the queue marks such accounts).
fn task_marks(
    tasks: &[Task],
    today: NaiveDate,
) -> std::collections::HashMap<String, (usize, usize)> {
    let mut marks: std::collections::HashMap<String, (usize, usize)> =
        std::collections::HashMap::new();
    for task in tasks.iter().filter(|t| t.is_due() && t.due_on <= today) {
        let mark = marks.entry(task.account_id.clone()).or_default();
        if task.due_on < today {
            mark.0 += 1;
        } else {
            mark.1 += 1;
        }
    }
    marks
}

/// The plays running on an account (`tasks` are its own), a line per run and per step, for
/// the account screen.
fn play_lines(tasks: &[&Task], today: NaiveDate) -> Vec<(Tone, String)> {
    let mut lines = Vec::new();
    let mut run = None;
    let mut running: Vec<&Task> = tasks
        .iter()
        .copied()
        .filter(|t| t.run_ended.is_none())
        .collect();
    running.sort_by_key(|t| (t.run_id, t.step));
    for task in running {
        if run != Some(task.run_id) {
            run = Some(task.run_id);
            let why = task.fact.as_deref().unwrap_or("—");
            lines.push((
                Tone::Header,
                format!("  {} ({}: {why})", task.play, task.trigger),
            ));
        }
        let state = match task.state.as_str() {
            "open" => match (task.due_on - today).num_days() {
                d if d < 0 => format!("{} days overdue", -d),
                d => format!("due {}", crate::format::countdown(d)),
            },
            closed => format!(
                "{closed} by {}",
                task.closed_by.as_deref().unwrap_or("someone")
            ),
        };
        let tone = if task.state == "open" {
            Tone::Plain
        } else {
            Tone::Dim
        };
        lines.push((
            tone,
            format!("    {} {} · {state} · {}", task.step, task.kind, task.text),
        ));
    }
    lines
}

fn describe(action: &NewAction) -> String {
    let what = match action.kind {
        ActionKind::Touch => format!(
            "logged {}{}",
            crate::format::with_article(action.detail.as_deref().unwrap_or("touch")),
            action
                .contact
                .as_ref()
                .map(|c| format!(" with {c}"))
                .unwrap_or_default()
        ),
        ActionKind::NextStep => "set the next step".to_owned(),
        ActionKind::Snooze => format!(
            "snoozed until {}",
            action.until.map(|d| d.to_string()).unwrap_or_default()
        ),
        ActionKind::Flag => "flagged at risk".to_owned(),
        ActionKind::Override => "overrode the band".to_owned(),
        ActionKind::Resolve => "resolved".to_owned(),
        ActionKind::Undo => "undid an action".to_owned(),
        ActionKind::OutcomeAdd => format!(
            "added the outcome \"{}\"",
            action.body.as_deref().unwrap_or_default()
        ),
        ActionKind::OutcomeAchieved => "marked an outcome achieved".to_owned(),
        ActionKind::OutcomeDropped => "dropped an outcome".to_owned(),
        ActionKind::TaskDone | ActionKind::TaskSkipped | ActionKind::TaskSnoozed => format!(
            "changed task {}",
            action.detail.as_deref().unwrap_or_default()
        ),
        ActionKind::Owner => match action.detail.as_deref().filter(|o| !o.is_empty()) {
            Some(owner) => format!("reassigned to {owner}"),
            None => "made unassigned".to_owned(),
        },
    };
    format!("{what} on {}", action.account_id)
}

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let from_user = !matches!(
        action,
        Action::Resize { .. }
            | Action::Loaded(_)
            | Action::Rescored(_)
            | Action::DetailLoaded(..)
            | Action::ReviewLoaded(_)
            | Action::ModelReportLoaded(_)
            | Action::TasksLoaded(_)
            | Action::TaskClosed(..)
            | Action::TaskSnoozed(..)
            | Action::Saved { .. }
            | Action::Written(_)
            | Action::Tick
            | Action::Idle
            | Action::Synced(_)
            | Action::Failed(_)
    );
    // A message stays until the next thing the user does (typing into a form keeps it).
    if from_user && !matches!(action, Action::Input(_)) {
        app.message = None;
    }
    if app.show_help && from_user {
        let last = keymap::help(app.screen).len().saturating_sub(1);
        let half_page = (app.page_rows / 2).max(1);
        match action {
            Action::Down => app.help_scroll = (app.help_scroll + 1).min(last),
            Action::PageDown => app.help_scroll = (app.help_scroll + half_page).min(last),
            Action::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
            Action::PageUp => app.help_scroll = app.help_scroll.saturating_sub(half_page),
            // Any other key closes help and does nothing else.
            Action::Quit => return vec![Effect::Quit],
            _ => {
                app.show_help = false;
                app.help_scroll = 0;
            }
        }
        return Vec::new();
    }
    if app.owner_picker.is_some() && from_user {
        return app.pick_owner(action);
    }
    let movement = matches!(
        action,
        Action::Down | Action::Up | Action::PageDown | Action::PageUp
    ) || (matches!(action, Action::Top | Action::Bottom)
        && app.screen != Screen::Queue);
    if movement && app.scroll(&action) {
        return Vec::new();
    }
    match action {
        Action::Input(key) if app.form.is_some() => return app.form_input(key),
        Action::Input(key) => app.search_input(key),
        Action::Down => return app.move_to(app.selected + 1),
        Action::Up => return app.move_to(app.selected.saturating_sub(1)),
        Action::PageDown => return app.move_to(app.selected + app.page_rows.max(1)),
        Action::PageUp => return app.move_to(app.selected.saturating_sub(app.page_rows.max(1))),
        Action::Top => return app.move_to(0),
        Action::Bottom => return app.move_to(app.view.len().saturating_sub(1)),
        Action::Open if matches!(app.screen, Screen::Review | Screen::Renewals) => {
            let Some(id) = app
                .tab_accounts()
                .get(app.tab_cursor)
                .map(|id| id.to_string())
            else {
                return Vec::new();
            };
            let tab = app.screen;
            let effects = app.open_account(&id);
            app.back_to = tab;
            return effects;
        }
        Action::Open if app.screen == Screen::Team => return app.open_owner(),
        Action::Open if app.screen == Screen::Tasks => {
            let Some(id) = app.task_under_cursor().map(|t| t.account_id.clone()) else {
                return Vec::new();
            };
            let effects = app.open_account(&id);
            app.back_to = Screen::Tasks;
            return effects;
        }
        Action::Open => {
            app.back_to = Screen::Queue;
            return app.open_selected();
        }
        Action::NextAccount => return app.move_to(app.selected + 1),
        Action::PreviousAccount => return app.move_to(app.selected.saturating_sub(1)),
        Action::Back if app.walk.is_empty() => {
            let to = std::mem::replace(&mut app.back_to, Screen::Queue);
            return app.show(to);
        }
        Action::Back => return app.show(Screen::Review),
        Action::ShowQueue => return app.show(Screen::Queue),
        Action::ShowReview
        | Action::ShowRenewals
        | Action::ShowModel
        | Action::ShowTasks
        | Action::ShowTeam => {
            return app.show(match action {
                Action::ShowReview => Screen::Review,
                Action::ShowRenewals => Screen::Renewals,
                Action::ShowTasks => Screen::Tasks,
                Action::ShowTeam => Screen::Team,
                _ => Screen::Model,
            });
        }
        Action::CompleteTask => return app.complete_task(),
        Action::SkipTask => return app.open_task_form(FormKind::SkipTask),
        Action::SnoozeTask => return app.open_task_form(FormKind::SnoozeTask),
        Action::Walk => return app.walk(),
        Action::Quit => return vec![Effect::Quit],
        Action::Help => app.show_help = true,
        Action::Search => app.searching = Some(TextInput::with(&app.filter.search)),
        Action::CycleSort
        | Action::ToggleMine
        | Action::PickOwner
        | Action::ToggleAtRisk
        | Action::CycleBand
        | Action::CycleSegment
        | Action::CycleReason
        | Action::ToggleHidden
        | Action::ClearFilters => app.change_view(&action),
        Action::LogTouch => return app.open_form(FormKind::Touch),
        Action::NextStep => return app.open_form(FormKind::NextStep),
        Action::Snooze => return app.open_form(FormKind::Snooze),
        Action::Flag => return app.open_form(FormKind::Flag),
        Action::Resolve => return app.open_form(FormKind::Resolve),
        Action::AddOutcome => return app.open_form(FormKind::AddOutcome),
        Action::Reassign => return app.open_form(FormKind::Owner),
        Action::AchieveOutcome => return app.open_form(FormKind::AchieveOutcome),
        Action::DropOutcome => return app.open_form(FormKind::DropOutcome),
        Action::Qbr => {
            return match app.selected_account() {
                Some(a) => {
                    let id = a.account_id.clone();
                    app.say(Level::Info, format!("writing the QBR packet of {id}…"));
                    vec![Effect::WriteQbr(id)]
                }
                None => Vec::new(),
            };
        }
        Action::Undo => return app.undo(),
        Action::Export => return app.export(),
        Action::Resize { height, .. } => {
            // Header, column titles, hint bar and message line take five rows.
            app.page_rows = usize::from(height).saturating_sub(5).max(1);
            app.clamp_scroll();
        }
        Action::Loaded(data) => {
            app.loaded(*data);
            app.refresh_tasks();
            // The queue is read without measures: the account on screen reads its own again.
            let mut effects = app.detail_effects();
            // The plays start from the live score: once scores are in, bring them up to date.
            if app.tasks.is_none() && !app.tasks_pending {
                app.tasks_pending = true;
                effects.push(Effect::LoadTasks);
            }
            return effects;
        }
        Action::Rescored(rescore) => return app.rescored(*rescore),
        Action::DetailLoaded(detail, scored) => app.detail_loaded(*detail, scored.map(|s| *s)),
        Action::ReviewLoaded(review) => {
            app.review_pending = false;
            app.review = Some(*review);
        }
        Action::ModelReportLoaded(report) => app.model_report = Some(*report),
        Action::TasksLoaded(tasks) => {
            app.tasks_pending = false;
            app.task_marks = task_marks(&tasks, app.today);
            app.tasks_by_account.clear();
            for (i, task) in tasks.iter().enumerate() {
                app.tasks_by_account
                    .entry(task.account_id.clone())
                    .or_default()
                    .push(i);
            }
            app.tasks = Some(*tasks);
            app.refresh_tasks();
            app.tab_cursor = app
                .tab_cursor
                .min(app.visible_tasks().len().saturating_sub(1));
        }
        Action::TaskClosed(task, done) => return app.task_closed(*task, done),
        Action::TaskSnoozed(task, until) => {
            app.saving = false;
            app.say(
                Level::Success,
                format!("snoozed until {until}: {} — {}", task.account, task.text),
            );
            app.tasks_pending = true;
            return vec![Effect::LoadTasks];
        }
        Action::Saved { id, action } => return app.saved(id, action),
        Action::Written(what) => app.say(Level::Success, what),
        Action::Idle => app.make_index(),
        Action::Tick => {
            if app.team && !app.syncing {
                app.syncing = true;
                return vec![Effect::Sync];
            }
        }
        Action::Synced(report) => {
            app.syncing = false;
            if let Some(problem) = report.problems.first() {
                app.say(
                    Level::Error,
                    format!("skipped a bad journal line: {problem}"),
                );
            }
            if report.applied > 0 {
                if app.message.is_none() {
                    app.say(
                        Level::Info,
                        format!(
                            "{} action{} from the team",
                            report.applied,
                            if report.applied == 1 { "" } else { "s" }
                        ),
                    );
                }
                // The team's actions: re-score the accounts they touched.
                let mut effects = vec![Effect::Refresh];
                effects.extend(app.reread_screen());
                return effects;
            }
        }
        Action::Failed(problem) => {
            app.saving = false;
            app.review_pending = false;
            app.tasks_pending = false;
            app.say(Level::Error, problem);
        }
    }
    Vec::new()
}
