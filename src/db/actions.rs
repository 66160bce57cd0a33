//! What a CSM does, written append-only to `actions` (and, in a team, first to this writer's
//! journal file) before anything confirms it.

use chrono::NaiveDate;
use duckdb::Connection;

use super::journal::{self, Journal, Line};
use super::queries;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    Touch,
    NextStep,
    Snooze,
    Flag,
    Override,
    Resolve,
    Undo,
    /// A success-plan outcome agreed in the console: detail = its kind, body = its title,
    /// until = its due date.
    OutcomeAdd,
    /// detail = the outcome's id.
    OutcomeAchieved,
    /// detail = the outcome's id, body = why it is no longer a goal.
    OutcomeDropped,
    /// The account's owner (CSM) from now on: detail = the new owner (empty: unassigned).
    Owner,
    /// A task of a play done, skipped (body = why) or snoozed (until = the day): detail names
    /// the play and step (`play#step`), the same on every laptop of a team.
    TaskDone,
    TaskSkipped,
    TaskSnoozed,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Touch => "touch",
            ActionKind::NextStep => "next_step",
            ActionKind::Snooze => "snooze",
            ActionKind::Flag => "flag",
            ActionKind::Override => "override",
            ActionKind::Resolve => "resolve",
            ActionKind::Undo => "undo",
            ActionKind::OutcomeAdd => "outcome_add",
            ActionKind::OutcomeAchieved => "outcome_achieved",
            ActionKind::OutcomeDropped => "outcome_dropped",
            ActionKind::Owner => "owner",
            ActionKind::TaskDone => "task_done",
            ActionKind::TaskSkipped => "task_skipped",
            ActionKind::TaskSnoozed => "task_snoozed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub account_id: String,
    pub kind: ActionKind,
    pub detail: Option<String>,
    pub body: Option<String>,
    /// Due date, snooze end, flag or override expiry; for a touch, the day it happened.
    pub until: Option<NaiveDate>,
    pub undoes: Option<i64>,
    pub reasons: Option<String>,
    pub author: String,
    /// For a touch: who it was with, as written.
    pub contact: Option<String>,
}

impl NewAction {
    pub fn new(account_id: &str, kind: ActionKind, author: &str) -> NewAction {
        NewAction {
            account_id: account_id.to_owned(),
            kind,
            detail: None,
            body: None,
            until: None,
            undoes: None,
            reasons: None,
            author: author.to_owned(),
            contact: None,
        }
    }
}

/// Appends the action (committed, so durable, when this returns) and gives back its local id.
/// With a journal the line is appended and synced to this writer's file first: a crash
/// between the two writes leaves a line that the next read of the journal applies, once.
pub fn record(conn: &Connection, journal: Option<&Journal>, action: &NewAction) -> Result<i64> {
    let exists: bool =
        conn.query_row(queries::ACCOUNT_EXISTS, [&action.account_id], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound(format!(
            "no account {:?} in the database",
            action.account_id
        )));
    }
    let undoes_uid: Option<String> = match action.undoes {
        Some(id) => Some(conn.query_row(queries::ACTION_UID, [id], |r| r.get(0))?),
        None => None,
    };
    // To the millisecond: the journal's precision, so that every laptop orders alike.
    let now = chrono::Utc::now().naive_utc();
    let at = journal::stamp(now);
    let line = Line {
        id: uuid::Uuid::now_v7().to_string(),
        at: at.clone(),
        author: action.author.clone(),
        machine: journal.map(|j| j.machine.clone()).unwrap_or_default(),
        account: action.account_id.clone(),
        kind: action.kind.as_str().to_owned(),
        detail: action.detail.clone(),
        body: action.body.clone(),
        until: action.until.map(|d| d.format("%Y-%m-%d").to_string()),
        undoes: undoes_uid,
        reasons: action.reasons.clone(),
        contact: action.contact.clone(),
    };
    if let Some(journal) = journal {
        journal.append(&line)?;
        pause_for_crash_test();
    }
    let created_at = line
        .at_time()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string());
    Ok(conn.query_row(
        queries::ACTION_INSERT,
        duckdb::params![
            action.account_id,
            action.kind.as_str(),
            action.detail,
            action.body,
            line.until,
            action.undoes,
            action.reasons,
            action.author,
            action.contact,
            created_at,
            line.id,
            journal.map(|j| j.machine.clone()),
            line.undoes,
        ],
        |r| r.get(0),
    )?)
}

/// Tests of the write-ahead order kill the process between the journal line and the database
/// row: with `RETAIN_CRASH_TEST_FILE` set, the line is written, that file is created, and the
/// process waits to be killed.
fn pause_for_crash_test() {
    if let Some(path) = std::env::var_os("RETAIN_CRASH_TEST_FILE") {
        let _ = std::fs::write(&path, b"journal written");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
