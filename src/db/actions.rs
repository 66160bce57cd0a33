//! What a CSM does, written append-only to `actions` before anything confirms it.

use chrono::NaiveDate;
use duckdb::Connection;

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

/// Appends the action in its own transaction (committed, so durable, when this returns) and
/// gives back its id.
pub fn record(conn: &Connection, action: &NewAction) -> Result<i64> {
    let exists: bool =
        conn.query_row(queries::ACCOUNT_EXISTS, [&action.account_id], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound(format!(
            "no account {:?} in the database",
            action.account_id
        )));
    }
    let until = action.until.map(|d| d.format("%Y-%m-%d").to_string());
    Ok(conn.query_row(
        queries::ACTION_INSERT,
        duckdb::params![
            action.account_id,
            action.kind.as_str(),
            action.detail,
            action.body,
            until,
            action.undoes,
            action.reasons,
            action.author,
            action.contact,
        ],
        |r| r.get(0),
    )?)
}
