//! Runs of plays and their tasks, as the console writes them: append-only, each change in a
//! transaction committed before anything confirms it (see queries/migrations/005_plays.sql).

use std::collections::HashSet;

use chrono::NaiveDate;
use duckdb::Connection;

use super::actions::{self, ActionKind, NewAction};
use super::{Db, queries, rows};
use crate::error::{Error, Result};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Every step done or skipped.
    Completed,
    /// Its trigger has not fired for 14 days; open tasks are no longer needed.
    Cleared,
    /// The account churned.
    Churned,
    /// A CSM cancelled it, with a reason.
    Cancelled,
}

impl RunEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            RunEnd::Completed => "completed",
            RunEnd::Cleared => "cleared",
            RunEnd::Churned => "churned",
            RunEnd::Cancelled => "cancelled",
        }
    }
}

/// A run about to start, with its tasks' kind, text and due day.
pub struct NewRun {
    pub account_id: String,
    pub play: String,
    pub trigger: String,
    pub fact: Option<String>,
    /// The day the run starts (its tasks count from it).
    pub started_on: NaiveDate,
    pub tasks: Vec<(String, String, NaiveDate)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpenRun {
    pub run_id: i64,
    pub account_id: String,
    pub play: String,
    pub trigger: String,
    pub started_on: NaiveDate,
    pub last_fired: Option<NaiveDate>,
}

/// A task as the task list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub task_id: i64,
    pub run_id: i64,
    pub account_id: String,
    pub account: String,
    pub owner: Option<String>,
    pub play: String,
    pub trigger: String,
    pub fact: Option<String>,
    pub step: i64,
    pub kind: String,
    pub text: String,
    pub due_on: NaiveDate,
    /// open, done or skipped.
    pub state: String,
    /// Who closed it, and when.
    pub closed_by: Option<String>,
    pub closed_on: Option<String>,
    /// How its run ended, if it has.
    pub run_ended: Option<String>,
    /// Hidden from the task list until this day (its due date stays).
    pub snoozed_until: Option<NaiveDate>,
}

impl Task {
    /// Open, in a run that goes on: on the task list.
    pub fn is_due(&self) -> bool {
        self.state == "open" && self.run_ended.is_none()
    }
}

fn day(text: String) -> duckdb::Result<NaiveDate> {
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
        duckdb::Error::FromSqlConversionFailure(0, duckdb::types::Type::Text, Box::new(e))
    })
}

/// `n` fresh ids from a sequence.
fn next_ids(conn: &Connection, sequence: &str, n: usize) -> Result<Vec<i64>> {
    rows(
        conn,
        &format!("SELECT nextval('{sequence}') FROM range(?)"),
        [n as i64],
        |r| r.get(0),
    )
}

/// Starts runs with their tasks, through DuckDB's appender: a first start on a large portfolio
/// writes tens of thousands of rows. Gives back the runs' ids, in order. Call it inside a
/// transaction, with `fired` for the trigger's first firing.
pub fn start_runs(conn: &Connection, runs: &[NewRun]) -> Result<Vec<i64>> {
    if runs.is_empty() {
        return Ok(Vec::new());
    }
    let now = chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string();
    let run_ids = next_ids(conn, "play_run_id_seq", runs.len())?;
    let task_count: usize = runs.iter().map(|r| r.tasks.len()).sum();
    let task_ids = next_ids(conn, "play_task_id_seq", task_count)?;
    {
        let mut appender = conn.appender("play_runs")?;
        for (run, id) in runs.iter().zip(&run_ids) {
            appender.append_row(duckdb::params![
                id,
                run.account_id,
                run.play,
                run.trigger,
                run.fact,
                run.started_on.to_string(),
                now
            ])?;
        }
        appender.flush()?;
    }
    let mut appender = conn.appender("play_tasks")?;
    let mut ids = task_ids.iter();
    for (run, run_id) in runs.iter().zip(&run_ids) {
        for (step, (kind, text, due)) in run.tasks.iter().enumerate() {
            let id = ids.next().expect("an id per task");
            appender.append_row(duckdb::params![
                id,
                run_id,
                step as i64 + 1,
                kind,
                text,
                due.to_string()
            ])?;
        }
    }
    appender.flush()?;
    Ok(run_ids)
}

/// Records that the triggers of these runs fired as of `on` (one event per run), through the
/// appender: a daily sync sees every open run's trigger.
pub fn fired(conn: &Connection, run_ids: &[i64], on: NaiveDate, author: &str) -> Result<()> {
    if run_ids.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string();
    let ids = next_ids(conn, "play_event_id_seq", run_ids.len())?;
    let mut appender = conn.appender("play_events")?;
    for (run_id, id) in run_ids.iter().zip(&ids) {
        appender.append_row(duckdb::params![
            id,
            run_id,
            None::<i64>,
            "fired",
            None::<String>,
            None::<String>,
            on.to_string(),
            author,
            now
        ])?;
    }
    appender.flush()?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn event(
    conn: &Connection,
    run_id: i64,
    task_id: Option<i64>,
    kind: &str,
    detail: Option<&str>,
    reason: Option<&str>,
    on: NaiveDate,
    author: &str,
) -> Result<()> {
    conn.execute(
        queries::PLAY_ADD_EVENT,
        duckdb::params![
            run_id,
            task_id,
            kind,
            detail,
            reason,
            on.to_string(),
            author
        ],
    )?;
    Ok(())
}

pub fn end_run(
    conn: &Connection,
    run_id: i64,
    end: RunEnd,
    reason: Option<&str>,
    on: NaiveDate,
    author: &str,
) -> Result<()> {
    event(
        conn,
        run_id,
        None,
        "ended",
        Some(end.as_str()),
        reason,
        on,
        author,
    )
}

pub fn open_runs(conn: &Connection) -> Result<Vec<OpenRun>> {
    rows(conn, queries::PLAY_OPEN_RUNS, [], |r| {
        Ok(OpenRun {
            run_id: r.get(0)?,
            account_id: r.get(1)?,
            play: r.get(2)?,
            trigger: r.get(3)?,
            started_on: day(r.get(4)?)?,
            last_fired: r.get::<_, Option<String>>(5)?.map(day).transpose()?,
        })
    })
}

pub fn tasks(conn: &Connection) -> Result<Vec<Task>> {
    rows(conn, queries::PLAY_TASKS, [], |r| {
        Ok(Task {
            task_id: r.get(0)?,
            run_id: r.get(1)?,
            account_id: r.get(2)?,
            account: r.get(3)?,
            owner: r.get(4)?,
            play: r.get(5)?,
            trigger: r.get(6)?,
            fact: r.get(7)?,
            step: r.get(8)?,
            kind: r.get(9)?,
            text: r.get(10)?,
            due_on: day(r.get(11)?)?,
            state: r.get(12)?,
            closed_by: r.get(13)?,
            closed_on: r.get(14)?,
            run_ended: r.get(15)?,
            snoozed_until: r.get::<_, Option<String>>(16)?.map(day).transpose()?,
        })
    })
}

pub fn churned(conn: &Connection, on: NaiveDate) -> Result<HashSet<String>> {
    Ok(
        rows(conn, queries::PLAY_CHURNED, [on.to_string()], |r| r.get(0))?
            .into_iter()
            .collect(),
    )
}

/// What a CSM does to a task.
pub enum TaskChange<'a> {
    /// Done: logged on the journey as a touch of the step's kind (a `task` step as a note).
    Done,
    Skipped {
        reason: &'a str,
    },
    /// Out of the task list until the day; the task stays open and keeps its due date.
    Snoozed {
        until: NaiveDate,
    },
}

/// Changes an open task (done, skipped or snoozed), committed before this returns; the run ends
/// as completed when it was its last open task. The change also travels as an action (in a
/// team, through the journal): `task_done`, `task_skipped` or `task_snoozed`, naming the play
/// and the step. Gives back the task as it was.
pub fn change_task(
    db: &Db,
    task_id: i64,
    change: TaskChange,
    on: NaiveDate,
    author: &str,
) -> Result<Task> {
    db.in_transaction(|conn| {
        let all = tasks(conn)?;
        let Some(task) = all.iter().find(|t| t.task_id == task_id).cloned() else {
            return Err(Error::NotFound(format!("no task {task_id}")));
        };
        if !task.is_due() {
            let why = match &task.run_ended {
                Some(end) => format!("its play ended ({end})"),
                None => format!(
                    "it was {} by {} on {}",
                    task.state,
                    task.closed_by.as_deref().unwrap_or("someone"),
                    task.closed_on.as_deref().unwrap_or("an earlier day")
                ),
            };
            return Err(Error::Usage(format!("task {task_id} is not open: {why}")));
        }
        let (kind, action_kind) = match change {
            TaskChange::Done => ("done", ActionKind::TaskDone),
            TaskChange::Skipped { reason } => {
                if reason.trim().is_empty() {
                    return Err(Error::Usage(
                        "skipping a task needs a reason (--reason)".to_owned(),
                    ));
                }
                ("skipped", ActionKind::TaskSkipped)
            }
            TaskChange::Snoozed { until } => {
                if until <= on {
                    return Err(Error::Usage(format!(
                        "snooze the task to a day after today ({on}), not {until}"
                    )));
                }
                ("snoozed", ActionKind::TaskSnoozed)
            }
        };
        let (reason, until) = match change {
            TaskChange::Skipped { reason } => (Some(reason), None),
            TaskChange::Snoozed { until } => (None, Some(until)),
            TaskChange::Done => (None, None),
        };
        close(conn, &all, &task, kind, reason, until, on, author)?;
        let mut travels = NewAction::new(&task.account_id, action_kind, author);
        travels.detail = Some(step_key(&task.play, task.step));
        travels.body = reason.map(str::to_owned);
        travels.until = until;
        actions::record(conn, db.journal(), &travels)?;
        if kind == "done" {
            let mut touch = NewAction::new(&task.account_id, ActionKind::Touch, author);
            touch.detail = Some(match task.kind.as_str() {
                "task" => "note".to_owned(),
                kind => kind.to_owned(),
            });
            touch.body = Some(format!(
                "{} (play {}, step {})",
                task.text, task.play, task.step
            ));
            touch.until = Some(on);
            actions::record(conn, db.journal(), &touch)?;
        }
        Ok(task)
    })
}

/// How a task is named across laptops, whose run and task ids differ: its play and step.
fn step_key(play: &str, step: i64) -> String {
    format!("{play}#{step}")
}

/// Writes a task's change as an event; a done or skipped task that was its run's last open one
/// completes the run. A snoozed task stays open.
#[allow(clippy::too_many_arguments)]
fn close(
    conn: &Connection,
    all: &[Task],
    task: &Task,
    kind: &str,
    reason: Option<&str>,
    until: Option<NaiveDate>,
    on: NaiveDate,
    author: &str,
) -> Result<()> {
    let day = until.unwrap_or(on);
    event(
        conn,
        task.run_id,
        Some(task.task_id),
        kind,
        None,
        reason,
        day,
        author,
    )?;
    if kind == "snoozed" {
        return Ok(());
    }
    let still_open = all
        .iter()
        .any(|t| t.run_id == task.run_id && t.task_id != task.task_id && t.state == "open");
    if !still_open {
        end_run(conn, task.run_id, RunEnd::Completed, None, on, author)?;
    }
    Ok(())
}

/// A teammate's change to a task, read from the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteTaskChange {
    pub account_id: String,
    /// `play#step`, as `change_task` wrote it.
    pub step: String,
    /// `task_done`, `task_skipped` or `task_snoozed`.
    pub kind: String,
    pub reason: Option<String>,
    pub until: Option<NaiveDate>,
    pub on: NaiveDate,
    pub author: String,
}

/// Applies teammates' task changes to this database's open runs of the same plays on the same
/// accounts, where the step is still open here (inside the caller's transaction). The touch a
/// done task logs travels as its own action.
pub fn apply_remote(conn: &Connection, changes: &[RemoteTaskChange]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut all = tasks(conn)?;
    for change in changes {
        let Some(task) = all
            .iter()
            .find(|t| {
                t.is_due()
                    && t.account_id == change.account_id
                    && step_key(&t.play, t.step) == change.step
            })
            .cloned()
        else {
            continue;
        };
        let kind = match change.kind.as_str() {
            "task_done" => "done",
            "task_skipped" => "skipped",
            _ => "snoozed",
        };
        close(
            conn,
            &all,
            &task,
            kind,
            change.reason.as_deref(),
            change.until,
            change.on,
            &change.author,
        )?;
        if kind != "snoozed" {
            all = tasks(conn)?;
        }
    }
    Ok(())
}

/// How one play has done (PLAYS.md, "Play effectiveness").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlayStats {
    pub play: String,
    pub trigger: String,
    pub started: u64,
    pub completed: u64,
    pub cleared: u64,
    /// Runs started 90 days or more ago, and how many of their accounts churned within 90 days.
    pub judged: u64,
    pub churned_90: u64,
    /// Accounts whose trigger fired (in the score history) with no run of the play, judged
    /// the same way.
    pub without_judged: u64,
    pub without_churned_90: u64,
}

/// Fewer runs than this are "not enough runs yet".
pub const ENOUGH_RUNS: u64 = 10;

pub fn effectiveness(conn: &Connection, today: NaiveDate) -> Result<Vec<PlayStats>> {
    rows(
        conn,
        queries::PLAY_EFFECTIVENESS,
        [today.to_string()],
        |r| {
            Ok(PlayStats {
                play: r.get(0)?,
                trigger: r.get(1)?,
                started: r.get(2)?,
                completed: r.get(3)?,
                cleared: r.get(4)?,
                judged: r.get(5)?,
                churned_90: r.get(6)?,
                without_judged: r.get(7)?,
                without_churned_90: r.get(8)?,
            })
        },
    )
}

impl PlayStats {
    /// One line for people: counts, and the churn within 90 days with and without the play
    /// once there are enough runs to say anything.
    pub fn line(&self) -> String {
        let counts = format!(
            "{}: {} started, {} completed, {} cleared",
            self.play, self.started, self.completed, self.cleared
        );
        if self.started < ENOUGH_RUNS {
            return format!("{counts}; not enough runs yet (fewer than {ENOUGH_RUNS})");
        }
        if self.judged == 0 {
            return format!("{counts}; too early to judge churn (every run is under 90 days old)");
        }
        let share = |part: u64, whole: u64| {
            format!("{:.0}% of {whole}", part as f64 * 100.0 / whole as f64)
        };
        let without = match self.without_judged {
            0 => format!(
                "no history of {} firing without it to compare",
                self.trigger
            ),
            n => format!(
                "{} where {} fired without it",
                share(self.without_churned_90, n),
                self.trigger
            ),
        };
        format!(
            "{counts}; churned within 90 days: {} with the play, {without}",
            share(self.churned_90, self.judged)
        )
    }
}
