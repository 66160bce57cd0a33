//! The console's reads: the scored queue with what CSMs did, and one account's detail.

use std::collections::HashMap;

use chrono::NaiveDate;
use duckdb::Connection;

use super::{Db, queries};
use crate::app::{AccountDetail, ConsoleState, Dataset, SurveyRow, TicketRow, TimelineEntry};
use crate::error::Result;
use crate::model::score::{self, AsOf};

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

pub fn console_state(conn: &Connection) -> Result<HashMap<String, ConsoleState>> {
    let mut stmt = conn.prepare(queries::CONSOLE_STATE)?;
    let rows = stmt.query_map([], |r| {
        let resolved: Option<String> = r.get(4)?;
        Ok((
            r.get::<_, String>(0)?,
            ConsoleState {
                next_step: r.get(1)?,
                next_due: date(r.get(2)?),
                snoozed_until: date(r.get(3)?),
                resolved_reasons: resolved.map(|codes| {
                    codes
                        .split(';')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect()
                }),
            },
        ))
    })?;
    Ok(rows.collect::<duckdb::Result<_>>()?)
}

/// Scores every account (live, as of the data's freshness) and reads the console's state.
pub fn load_dataset(db: &Db) -> Result<Dataset> {
    let freshness = db.freshness()?;
    let as_of = AsOf::given(None, freshness);
    let accounts = score::score_accounts(db.conn(), as_of)?;
    Ok(Dataset {
        orders: crate::app::sort_orders(&accounts),
        accounts,
        console: console_state(db.conn())?,
        as_of: as_of.date,
        freshness,
    })
}

pub fn load_detail(conn: &Connection, as_of: NaiveDate, account_id: &str) -> Result<AccountDetail> {
    let as_of = as_of.format("%Y-%m-%d").to_string();
    let params = [as_of.as_str(), account_id];
    let mut detail = AccountDetail {
        account_id: account_id.to_owned(),
        ..AccountDetail::default()
    };
    let mut stmt = conn.prepare(queries::DAILY_USAGE)?;
    for row in stmt.query_map(params, |r| Ok((r.get::<_, u64>(0)?, r.get::<_, u64>(1)?)))? {
        let (events, users) = row?;
        detail.daily_events.push(events);
        detail.daily_users.push(users);
    }
    let mut stmt = conn.prepare(queries::ACCOUNT_TICKETS)?;
    detail.tickets = stmt
        .query_map(params, |r| {
            Ok(TicketRow {
                ticket_id: r.get(0)?,
                opened: r.get(1)?,
                closed: r.get(2)?,
                priority: r.get(3)?,
                subject: r.get(4)?,
            })
        })?
        .collect::<duckdb::Result<_>>()?;
    let mut stmt = conn.prepare(queries::ACCOUNT_SURVEYS)?;
    detail.surveys = stmt
        .query_map(params, |r| {
            Ok(SurveyRow {
                date: r.get(0)?,
                kind: r.get(1)?,
                score: r.get(2)?,
                respondent: r.get(3)?,
                comment: r.get(4)?,
            })
        })?
        .collect::<duckdb::Result<_>>()?;
    let mut stmt = conn.prepare(queries::ACCOUNT_TIMELINE)?;
    detail.timeline = stmt
        .query_map(params, |r| {
            Ok(TimelineEntry {
                date: r.get(0)?,
                kind: r.get(1)?,
                text: r.get(2)?,
            })
        })?
        .collect::<duckdb::Result<_>>()?;
    Ok(detail)
}
