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

const CACHE_KEY: &str = "queue_cache_key";

/// The scored queue as the console last kept it.
pub enum CachedQueue {
    /// Nothing it depends on changed since: it is the live score.
    Current(Dataset),
    /// Something changed (a load, an import, an action, the model, the day): show it while
    /// the queue is scored again.
    Stale(Dataset),
    Missing,
}

/// What a reload of the queue is for, read once and used for both the kept queue and the
/// live score: the as-of date, and the key the kept queue must carry to be current (the model,
/// the as-of date, today, the last load or import, the last action).
pub struct QueueScope {
    as_of: AsOf,
    freshness: Option<NaiveDate>,
    key: String,
}

impl QueueScope {
    pub fn read(db: &Db, model_hash: &str, today: NaiveDate) -> Result<QueueScope> {
        let freshness = db.freshness()?;
        let as_of = AsOf::given(None, freshness);
        let data: String = db
            .conn()
            .query_row(queries::QUEUE_CACHE_KEY, [], |r| r.get(0))?;
        Ok(QueueScope {
            as_of,
            freshness,
            key: format!("{model_hash}|{}|{today}|{data}", as_of.date),
        })
    }
}

/// The queue as the console kept it, with the console's state.
fn kept_dataset(db: &Db, scope: &QueueScope, updating: bool) -> Result<Dataset> {
    let mut stmt = db.conn().prepare(queries::QUEUE_CACHE_READ)?;
    let accounts = score::read_scores(&mut stmt, &[])?;
    Ok(Dataset {
        orders: crate::app::sort_orders(&accounts),
        accounts,
        console: console_state(db.conn())?,
        as_of: scope.as_of.date,
        freshness: scope.freshness,
        updating,
    })
}

/// The queue the console kept last time, if any, and whether it is still the live score.
pub fn cached_dataset(db: &Db, scope: &QueueScope) -> Result<CachedQueue> {
    let exists: bool = db
        .conn()
        .query_row(queries::QUEUE_CACHE_EXISTS, [], |r| r.get(0))?;
    let Some(kept_key) = db.meta(CACHE_KEY)?.filter(|_| exists) else {
        return Ok(CachedQueue::Missing);
    };
    Ok(if kept_key == scope.key {
        CachedQueue::Current(kept_dataset(db, scope, false)?)
    } else {
        CachedQueue::Stale(kept_dataset(db, scope, true)?)
    })
}

/// Scores every account (live, as of the data's freshness), keeps the queue for the next
/// start, and reads the console's state.
pub fn score_dataset(db: &Db, scope: &QueueScope) -> Result<Dataset> {
    db.in_transaction(|conn| {
        score::store_queue(conn, scope.as_of)?;
        conn.execute(queries::META_SET, [CACHE_KEY, scope.key.as_str()])?;
        Ok(())
    })?;
    kept_dataset(db, scope, false)
}

/// `score_dataset` for the current scope.
pub fn load_dataset(db: &Db, model_hash: &str, today: NaiveDate) -> Result<Dataset> {
    score_dataset(db, &QueueScope::read(db, model_hash, today)?)
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
