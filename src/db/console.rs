//! The account screen's reads: one account's usage, tickets, surveys and timeline, as rows.

use chrono::NaiveDate;
use duckdb::Connection;

use super::{queries, rows};
use crate::error::Result;

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

/// One goal of the account's success plan, as it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub outcome_id: String,
    pub title: String,
    pub kind: String,
    pub created_on: String,
    pub due_on: NaiveDate,
    pub achieved_on: Option<String>,
    pub dropped_on: Option<String>,
    pub drop_reason: Option<String>,
    pub owner: Option<String>,
}

impl OutcomeRow {
    pub fn is_open(&self) -> bool {
        self.achieved_on.is_none() && self.dropped_on.is_none()
    }

    /// Where it stands, counted from `today`: "due 2026-12-20 (in 18 days)", "overdue 12
    /// days (due 2026-11-20)", "achieved 2026-11-02", "dropped 2026-11-03: reason".
    pub fn status(&self, today: NaiveDate) -> String {
        if let Some(day) = &self.achieved_on {
            return format!("achieved {day}");
        }
        if let Some(day) = &self.dropped_on {
            return match &self.drop_reason {
                Some(why) => format!("dropped {day}: {why}"),
                None => format!("dropped {day}"),
            };
        }
        let days = (self.due_on - today).num_days();
        if days < 0 {
            let late = -days;
            let plural = if late == 1 { "" } else { "s" };
            format!("overdue {late} day{plural} (due {})", self.due_on)
        } else {
            format!("due {} ({})", self.due_on, crate::format::countdown(days))
        }
    }
}

/// Someone at the customer.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub name: String,
    pub email: String,
    pub role: String,
    pub champion: bool,
    pub decision_maker: bool,
    pub left_on: Option<String>,
}

impl ContactRow {
    /// "田中 一郎 · CTO · champion · decision maker · left 2026-06-01"
    pub fn describe(&self) -> String {
        let mut parts = vec![self.name.clone()];
        if !self.role.is_empty() {
            parts.push(self.role.clone());
        }
        if self.champion {
            parts.push("champion".into());
        }
        if self.decision_maker {
            parts.push("decision maker".into());
        }
        if let Some(day) = &self.left_on {
            parts.push(format!("left {day}"));
        }
        parts.join(" · ")
    }
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
    pub outcomes: Vec<OutcomeRow>,
    pub contacts: Vec<ContactRow>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
}

pub fn load_detail(
    conn: &Connection,
    as_of: NaiveDate,
    today: NaiveDate,
    account_id: &str,
) -> Result<AccountDetail> {
    let today = today.format("%Y-%m-%d").to_string();
    let as_of = as_of.format("%Y-%m-%d").to_string();
    let params = [as_of.as_str(), account_id];
    let mut detail = AccountDetail {
        account_id: account_id.to_owned(),
        ..AccountDetail::default()
    };
    let daily: Vec<(u64, u64)> = rows(conn, queries::DAILY_USAGE, params, |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    (detail.daily_events, detail.daily_users) = daily.into_iter().unzip();
    detail.tickets = rows(conn, queries::ACCOUNT_TICKETS, params, |r| {
        Ok(TicketRow {
            ticket_id: r.get(0)?,
            opened: r.get(1)?,
            closed: r.get(2)?,
            priority: r.get(3)?,
            subject: r.get(4)?,
        })
    })?;
    detail.surveys = rows(conn, queries::ACCOUNT_SURVEYS, params, |r| {
        Ok(SurveyRow {
            date: r.get(0)?,
            kind: r.get(1)?,
            score: r.get(2)?,
            respondent: r.get(3)?,
            comment: r.get(4)?,
        })
    })?;
    detail.outcomes = outcomes(conn, &today, account_id)?;
    detail.contacts = rows(conn, queries::ACCOUNT_CONTACTS, [account_id], |r| {
        Ok(ContactRow {
            name: r.get(0)?,
            email: r.get(1)?,
            role: r.get(2)?,
            champion: r.get(3)?,
            decision_maker: r.get(4)?,
            left_on: r.get(5)?,
        })
    })?;
    detail.timeline = rows(conn, queries::ACCOUNT_TIMELINE, params, |r| {
        Ok(TimelineEntry {
            date: r.get(0)?,
            kind: r.get(1)?,
            text: r.get(2)?,
        })
    })?;
    Ok(detail)
}

/// The account's success plan as it stands on `today` (YYYY-MM-DD).
pub fn outcomes(conn: &Connection, today: &str, account_id: &str) -> Result<Vec<OutcomeRow>> {
    rows(conn, queries::ACCOUNT_OUTCOMES, [today, account_id], |r| {
        let due: String = r.get(4)?;
        Ok(OutcomeRow {
            outcome_id: r.get(0)?,
            title: r.get(1)?,
            kind: r.get(2)?,
            created_on: r.get(3)?,
            due_on: NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap_or_default(),
            achieved_on: r.get(5)?,
            dropped_on: r.get(6)?,
            drop_reason: r.get(7)?,
            owner: r.get(8)?,
        })
    })
}
