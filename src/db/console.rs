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

pub fn load_detail(conn: &Connection, as_of: NaiveDate, account_id: &str) -> Result<AccountDetail> {
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
    detail.timeline = rows(conn, queries::ACCOUNT_TIMELINE, params, |r| {
        Ok(TimelineEntry {
            date: r.get(0)?,
            kind: r.get(1)?,
            text: r.get(2)?,
        })
    })?;
    Ok(detail)
}
