//! The console's database worker: performs the effects `update` asks for off the UI thread, so
//! a key press never waits on DuckDB, and sends every answer back as an `Action`.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;

use crate::app::{Action, App, Effect, ModelReport};
use crate::db::actions::{self, NewAction};
use crate::db::plays::{self, TaskChange};
use crate::db::{Db, console, queries};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::queue::{self, CachedQueue, QueueScope, Refresh, Rescore};
use crate::model::score::{self, AsOf};
use crate::report::backtest::{backtest_at, default_backtest_date};
use crate::report::export::{self, ActionItem, ExportFormat};
use crate::report::model_diff;
use crate::report::qbr;
use crate::report::review::build_review;

/// Work the database thread does for the console.
enum Request {
    Reload {
        today: NaiveDate,
    },
    Refresh {
        today: NaiveDate,
    },
    Detail {
        account_id: String,
        as_of: NaiveDate,
        /// The success plan's countdowns and marks count from today.
        today: NaiveDate,
    },
    /// Record the action, then re-score its account: one open of the database for both.
    Record {
        action: NewAction,
        today: NaiveDate,
    },
    Review {
        today: NaiveDate,
    },
    ModelReport,
    Export {
        items: Vec<ActionItem>,
        today: NaiveDate,
    },
    Qbr {
        account_id: String,
        today: NaiveDate,
    },
    Sync,
    Tasks {
        today: NaiveDate,
    },
    CloseTask {
        task_id: i64,
        skip_reason: Option<String>,
        today: NaiveDate,
        author: String,
    },
    SnoozeTask {
        task_id: i64,
        until: NaiveDate,
        today: NaiveDate,
        author: String,
    },
}

/// What the worker needs to score as the console does.
pub struct Scoring {
    pub model: Model,
    /// The team folder, when this database journals its actions there.
    pub team: Option<std::path::PathBuf>,
    /// The plays the tasks tab runs.
    pub playbook: crate::plays::Playbook,
    /// The model the console ran with before, when it was a different one.
    pub previous: Option<Model>,
}

pub struct Worker {
    requests: Sender<Request>,
    handle: JoinHandle<()>,
}

impl Worker {
    /// Starts the thread. It keeps the file open while requests come and closes it after
    /// `LINGER` without one, so that other retain commands (export, review, a second console),
    /// which wait up to 5 s for the file, can use it while the console is open; an action
    /// right after another does not pay for opening it again.
    pub fn spawn(db_path: PathBuf, scoring: Scoring, replies: Sender<Action>) -> Worker {
        const LINGER: Duration = Duration::from_secs(1);
        let (requests, inbox) = mpsc::channel::<Request>();
        let handle = std::thread::spawn(move || {
            let mut open: Option<Session> = None;
            loop {
                let request = match inbox.recv_timeout(LINGER) {
                    Ok(request) => request,
                    Err(RecvTimeoutError::Timeout) => {
                        open = None;
                        match inbox.recv() {
                            Ok(request) => request,
                            Err(_) => break,
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                let session = match open.take() {
                    Some(session) => Ok(session),
                    None => open_for(&db_path, &scoring),
                };
                let reply = match session {
                    Ok(session) => {
                        let reply = serve(&session, &scoring, request, &replies);
                        // After a failure the next request starts from a fresh connection.
                        if reply.is_ok() {
                            open = Some(session);
                        }
                        reply
                    }
                    Err(e) => Err(e),
                };
                let reply = reply.unwrap_or_else(|e| Action::Failed(e.to_string()));
                if replies.send(reply).is_err() {
                    break;
                }
            }
        });
        Worker { requests, handle }
    }

    /// Hands an effect to the thread; `Quit` is the loop's own.
    pub fn perform(&self, effect: Effect, app: &App) {
        let request = match effect {
            Effect::Quit => return,
            Effect::Reload => Request::Reload { today: app.today },
            Effect::Refresh => Request::Refresh { today: app.today },
            Effect::LoadReview => Request::Review { today: app.today },
            Effect::LoadModelReport => Request::ModelReport,
            Effect::Record(action) => Request::Record {
                action,
                today: app.today,
            },
            Effect::Export(items) => Request::Export {
                items,
                today: app.today,
            },
            Effect::WriteQbr(account_id) => Request::Qbr {
                account_id,
                today: app.today,
            },
            Effect::LoadTasks => Request::Tasks { today: app.today },
            Effect::Sync => Request::Sync,
            Effect::CloseTask {
                task_id,
                skip_reason,
            } => Request::CloseTask {
                task_id,
                skip_reason,
                today: app.today,
                author: app.user.clone(),
            },
            Effect::SnoozeTask { task_id, until } => Request::SnoozeTask {
                task_id,
                until,
                today: app.today,
                author: app.user.clone(),
            },
            Effect::LoadDetail(account_id) => match &app.data {
                Some(data) => Request::Detail {
                    account_id,
                    as_of: data.as_of,
                    today: app.today,
                },
                None => return,
            },
        };
        // The thread only stops when the worker is finished.
        let _ = self.requests.send(request);
    }

    /// Lets the thread finish every write already sent, then stops it.
    pub fn finish(self) {
        drop(self.requests);
        let _ = self.handle.join();
    }
}

impl Request {
    /// Whether serving it may score, and so needs the model installed first. The start's
    /// reload installs it itself, only when the kept queue is not current; opening an
    /// account, an export and a sync read what is there.
    fn scores(&self) -> bool {
        match self {
            Request::Reload { .. }
            | Request::Detail { .. }
            | Request::Export { .. }
            | Request::Sync => false,
            Request::Refresh { .. }
            | Request::Review { .. }
            | Request::ModelReport
            | Request::Record { .. }
            | Request::Qbr { .. }
            | Request::Tasks { .. }
            | Request::CloseTask { .. }
            | Request::SnoozeTask { .. } => true,
        }
    }
}

/// The database as the console opens it, with its team folder; the model comes with the first
/// request that needs it (`Session::install`).
fn open_for(db_path: &Path, scoring: &Scoring) -> Result<Session> {
    Ok(Session {
        db: Db::open(db_path)?.with_team(scoring.team.as_deref())?,
        model_installed: Cell::new(false),
    })
}

/// The database as the worker holds it between requests. The model, and the scoring macros
/// with it, is installed when a request first needs it: reading the kept queue at the start
/// does not, and does not wait for it.
struct Session {
    db: Db,
    model_installed: Cell<bool>,
}

impl Session {
    fn install(&self, model: &Model) -> Result<()> {
        if !self.model_installed.get() {
            score::install(self.db.conn(), model)?;
            self.model_installed.set(true);
        }
        Ok(())
    }
}

fn serve(
    session: &Session,
    scoring: &Scoring,
    request: Request,
    replies: &Sender<Action>,
) -> Result<Action> {
    let db = &session.db;
    if request.scores() {
        session.install(&scoring.model)?;
    }
    match request {
        Request::Reload { today } => reload(session, &scoring.model, today, replies),
        Request::Refresh { today } => refresh(session, &scoring.model, today, replies),
        Request::Detail {
            account_id,
            as_of,
            today,
        } => {
            let detail = console::load_detail(db.conn(), as_of, today, &account_id)?;
            let scored = queue::kept_account(db, &account_id)?;
            Ok(Action::DetailLoaded(Box::new(detail), scored.map(Box::new)))
        }
        Request::Review { today } => AsOf::resolve(db, None)
            .and_then(|as_of| build_review(db, &scoring.model, as_of, None, today))
            .map(|r| Action::ReviewLoaded(Box::new(r))),
        Request::ModelReport => {
            model_report(db, scoring).map(|r| Action::ModelReportLoaded(Box::new(r)))
        }
        Request::Record { action, today } => {
            let id = actions::record(db.conn(), db.journal(), &action)?;
            let _ = replies.send(Action::Saved { id, action });
            refresh(session, &scoring.model, today, replies)
        }
        Request::Tasks { today } => {
            // The kept queue is the live score once the console has it: scoring the portfolio
            // again here held every action behind it for seconds at 100,000 accounts.
            let scope = QueueScope::read(db, &scoring.model.hash(), today)?;
            let as_of = scope.as_of();
            let scores = match queue::current_scores(db, &scope)? {
                Some(scores) => scores,
                None => score::score_accounts(db.conn(), as_of)?,
            };
            crate::plays::runs::sync(db, &scoring.playbook, &scores, as_of.date, today)?;
            plays::tasks(db.conn()).map(|t| Action::TasksLoaded(Box::new(t)))
        }
        Request::CloseTask {
            task_id,
            skip_reason,
            today,
            author,
        } => {
            let change = match &skip_reason {
                Some(reason) => TaskChange::Skipped { reason },
                None => TaskChange::Done,
            };
            let task = plays::change_task(db, task_id, change, today, &author)?;
            let done = skip_reason.is_none();
            let _ = replies.send(Action::TaskClosed(Box::new(task), done));
            // A done task is a touch, which moves its account's recency.
            refresh(session, &scoring.model, today, replies)
        }
        Request::SnoozeTask {
            task_id,
            until,
            today,
            author,
        } => {
            let task =
                plays::change_task(db, task_id, TaskChange::Snoozed { until }, today, &author)?;
            let _ = replies.send(Action::TaskSnoozed(Box::new(task), until));
            // Journaled as an action: the kept queue takes it in, so that it stays the live
            // score the tasks are read from.
            refresh(session, &scoring.model, today, replies)
        }
        Request::Export { items, today } => std::env::current_dir()
            .map_err(|e| Error::io(".", e))
            .and_then(|dir| export_queue(&items, today, &dir))
            .map(|path| Action::Written(format!("exported the queue to {}", path.display()))),
        Request::Sync => match (&scoring.team, db.journal()) {
            (Some(team), Some(_)) => {
                crate::db::journal::sync(db, team).map(|report| Action::Synced(Box::new(report)))
            }
            _ => Ok(Action::Synced(Box::default())),
        },
        Request::Qbr { account_id, today } => {
            let as_of = AsOf::resolve(db, None)?;
            let packet = qbr::gather(db, &scoring.model, as_of, &account_id, today)?;
            let dir = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            let stem = format!("retain-qbr-{}-{today}", file_safe(&account_id));
            keep_numbered(&dir, &stem, "html", |out| {
                out.write_all(qbr::html(&packet).as_bytes())
            })
            .map(|path| Action::Written(format!("wrote the QBR packet to {}", path.display())))
        }
    }
}

/// After actions: the accounts acted on, re-scored (everything, when more than actions
/// changed since the queue was kept).
fn refresh(
    session: &Session,
    model: &Model,
    today: NaiveDate,
    replies: &Sender<Action>,
) -> Result<Action> {
    let db = &session.db;
    let scope = QueueScope::read(db, &model.hash(), today)?;
    match queue::refresh(db, &scope)? {
        Refresh::Rescored(rescore) => Ok(Action::Rescored(Box::new(rescore))),
        Refresh::Current => Ok(Action::Rescored(Box::new(Rescore::unchanged(&scope)))),
        Refresh::Full => reload(session, model, today, replies),
    }
}

/// The queue: the one kept at the last start first, when there is one, then (unless nothing
/// changed since) the live score, which replaces it.
fn reload(
    session: &Session,
    model: &Model,
    today: NaiveDate,
    replies: &Sender<Action>,
) -> Result<Action> {
    let db = &session.db;
    let scope = QueueScope::read(db, &model.hash(), today)?;
    match queue::cached_dataset(db, &scope)? {
        CachedQueue::Current(data) => return Ok(Action::Loaded(Box::new(data))),
        CachedQueue::Stale(data) => {
            let _ = replies.send(Action::Loaded(Box::new(data)));
        }
        CachedQueue::Missing => {}
    }
    session.install(model)?;
    queue::score_dataset(db, &scope).map(|d| Action::Loaded(Box::new(d)))
}

/// The model tab's content: the default backtest of the active model and, when the model
/// changed since the console last ran, what the change does to the portfolio.
fn model_report(db: &Db, scoring: &Scoring) -> Result<ModelReport> {
    const HORIZON: i64 = 90;
    let backtest = default_backtest_date(db, HORIZON)
        .and_then(|date| backtest_at(db, &scoring.model, date, HORIZON))
        .map_err(|e| e.to_string());
    let previous = match &scoring.previous {
        None => None,
        Some(old) => {
            let as_of = AsOf::resolve(db, None)?;
            let diff = model_diff::compare(db, old, &scoring.model, as_of)?;
            Some((old.hash(), diff))
        }
    };
    let plays = plays::effectiveness(db.conn(), chrono::Utc::now().date_naive())?;
    Ok(ModelReport {
        backtest,
        previous,
        plays,
        last_fit: db.meta(crate::report::fit::LAST_FIT)?,
    })
}

/// The model the console last ran with, and remembers this one for next time.
pub fn previous_model(db: &Db, model: &Model, model_text: &str) -> Result<Option<Model>> {
    let previous = db
        .meta("console_model_toml")?
        .and_then(|text| Model::parse("previous model", &text).ok())
        .filter(|old| old.hash() != model.hash());
    db.conn()
        .execute(queries::REMEMBER_CONSOLE_MODEL, [model_text])?;
    Ok(previous)
}

/// `e` in the queue: the rows as shown, to a CSV (with BOM, for Excel) in `dir`, the current
/// folder. A second export the same day gets its own file (`-2`, `-3`…): an earlier one is
/// never overwritten.
fn export_queue(items: &[ActionItem], today: NaiveDate, dir: &Path) -> Result<PathBuf> {
    keep_numbered(dir, &format!("retain-actions-{today}"), "csv", |mut out| {
        export::write(&mut out, items, ExportFormat::Csv, true)
    })
}

/// An account id as part of a file name: letters, digits, `-` and `_` kept, the rest `_`.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `stem.ext` in `dir` whole, or `stem-2.ext`, `stem-3.ext`… when the name is taken:
/// an earlier file of the day is never overwritten.
fn keep_numbered(
    dir: &Path,
    stem: &str,
    ext: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<PathBuf> {
    let first = dir.join(format!("{stem}.{ext}"));
    let mut written = crate::file::write_beside(&first, |mut out| write(&mut out))
        .map_err(|e| Error::io(&first, e))?;
    for n in 1.. {
        let path = match n {
            1 => first.clone(),
            n => dir.join(format!("{stem}-{n}.{ext}")),
        };
        match written.keep_new(&path) {
            Ok(()) => return Ok(path),
            Err((again, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => written = again,
            Err((_, e)) => return Err(Error::io(&path, e)),
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_export_the_same_day_keeps_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let today = "2026-12-02".parse().unwrap();
        let exported = |written: Result<PathBuf>| written.unwrap().display().to_string();
        let first = exported(export_queue(&[], today, dir.path()));
        std::fs::write(&first, "edited in Excel").unwrap();
        let second = exported(export_queue(&[], today, dir.path()));
        assert!(first.ends_with("retain-actions-2026-12-02.csv"));
        assert!(second.ends_with("retain-actions-2026-12-02-2.csv"));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "edited in Excel");
    }
}
