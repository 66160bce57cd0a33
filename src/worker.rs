//! The console's database worker: performs the effects `update` asks for off the UI thread, so
//! a key press never waits on DuckDB, and sends every answer back as an `Action`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

use chrono::NaiveDate;

use crate::app::{Action, App, Effect, ModelReport};
use crate::db::actions::{self, NewAction};
use crate::db::plays::{self, TaskChange};
use crate::db::{Db, console, queries};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::queue::{self, CachedQueue, QueueScope};
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
    Detail {
        account_id: String,
        as_of: NaiveDate,
        /// The success plan's countdowns and marks count from today.
        today: NaiveDate,
    },
    Record(NewAction),
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

impl Request {
    /// Whether the request scores accounts, and so needs the console's model installed.
    fn scores(&self) -> bool {
        matches!(
            self,
            Request::Reload { .. }
                | Request::Review { .. }
                | Request::ModelReport
                | Request::Tasks { .. }
                | Request::Qbr { .. }
        )
    }
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
    /// Starts the thread. It opens the file for each request and closes it after, so that
    /// other retain commands (export, review, a second console) can use the database while
    /// the console is open.
    pub fn spawn(db_path: PathBuf, scoring: Scoring, replies: Sender<Action>) -> Worker {
        let (requests, inbox) = mpsc::channel::<Request>();
        let handle = std::thread::spawn(move || {
            while let Ok(request) = inbox.recv() {
                let reply = serve(&db_path, &scoring, request, &replies)
                    .unwrap_or_else(|e| Action::Failed(e.to_string()));
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
            Effect::LoadReview => Request::Review { today: app.today },
            Effect::LoadModelReport => Request::ModelReport,
            Effect::Record(action) => Request::Record(action),
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

fn serve(
    db_path: &Path,
    scoring: &Scoring,
    request: Request,
    replies: &Sender<Action>,
) -> Result<Action> {
    let db = Db::open(db_path)?.with_team(scoring.team.as_deref())?;
    if request.scores() {
        score::install(db.conn(), &scoring.model)?;
    }
    match request {
        Request::Reload { today } => reload(&db, &scoring.model, today, replies),
        Request::Detail {
            account_id,
            as_of,
            today,
        } => console::load_detail(db.conn(), as_of, today, &account_id)
            .map(|d| Action::DetailLoaded(Box::new(d))),
        Request::Review { today } => AsOf::resolve(&db, None)
            .and_then(|as_of| build_review(&db, &scoring.model, as_of, None, today))
            .map(|r| Action::ReviewLoaded(Box::new(r))),
        Request::ModelReport => {
            model_report(&db, scoring).map(|r| Action::ModelReportLoaded(Box::new(r)))
        }
        Request::Record(action) => {
            actions::record(db.conn(), db.journal(), &action).map(|id| Action::Saved { id, action })
        }
        Request::Tasks { today } => {
            let as_of = AsOf::resolve(&db, None)?;
            let scores = score::score_accounts(db.conn(), as_of)?;
            crate::plays::runs::sync(&db, &scoring.playbook, &scores, as_of.date, today)?;
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
            plays::change_task(&db, task_id, change, today, &author)
                .map(|task| Action::TaskClosed(Box::new(task), skip_reason.is_none()))
        }
        Request::SnoozeTask {
            task_id,
            until,
            today,
            author,
        } => plays::change_task(&db, task_id, TaskChange::Snoozed { until }, today, &author)
            .map(|task| Action::TaskSnoozed(Box::new(task), until)),
        Request::Export { items, today } => std::env::current_dir()
            .map_err(|e| Error::io(".", e))
            .and_then(|dir| export_queue(&items, today, &dir))
            .map(|path| Action::Written(format!("exported the queue to {}", path.display()))),
        Request::Sync => match (&scoring.team, db.journal()) {
            (Some(team), Some(_)) => {
                crate::db::journal::sync(&db, team).map(|report| Action::Synced(Box::new(report)))
            }
            _ => Ok(Action::Synced(Box::default())),
        },
        Request::Qbr { account_id, today } => {
            let as_of = AsOf::resolve(&db, None)?;
            let packet = qbr::gather(&db, &scoring.model, as_of, &account_id, today)?;
            let dir = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            let stem = format!("retain-qbr-{}-{today}", file_safe(&account_id));
            keep_numbered(&dir, &stem, "html", |out| {
                out.write_all(qbr::html(&packet).as_bytes())
            })
            .map(|path| Action::Written(format!("wrote the QBR packet to {}", path.display())))
        }
    }
}

/// The queue: the one kept at the last start first, when there is one, then (unless nothing
/// changed since) the live score, which replaces it.
fn reload(db: &Db, model: &Model, today: NaiveDate, replies: &Sender<Action>) -> Result<Action> {
    let scope = QueueScope::read(db, &model.hash(), today)?;
    match queue::cached_dataset(db, &scope)? {
        CachedQueue::Current(data) => return Ok(Action::Loaded(Box::new(data))),
        CachedQueue::Stale(data) => {
            let _ = replies.send(Action::Loaded(Box::new(data)));
        }
        CachedQueue::Missing => {}
    }
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
