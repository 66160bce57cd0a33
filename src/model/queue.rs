//! The scored queue the console works from: every account's score, what the CSMs did to it
//! (next steps, snoozes, resolves), its sort orders, and the copy kept for the next start.

use std::collections::HashMap;

use chrono::NaiveDate;
use duckdb::Connection;

use super::score::{self, AccountScore, AsOf};
use crate::db::{Db, queries, rows};
use crate::error::Result;

/// What the CSM did since the last load: shown in the queue, hides snoozed and resolved rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsoleState {
    pub next_step: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub snoozed_until: Option<NaiveDate>,
    pub snooze_reason: Option<String>,
    /// The reason codes an account was resolved with; it stays hidden until another fires.
    pub resolved_reasons: Option<Vec<String>>,
}

impl ConsoleState {
    /// Snoozed until after `today`, or resolved with no reason firing that was not resolved.
    pub fn hides(&self, account: &AccountScore, today: NaiveDate) -> bool {
        let snoozed = self.snoozed_until.is_some_and(|until| until > today);
        let resolved = self
            .resolved_reasons
            .as_ref()
            .is_some_and(|resolved| account.reasons.iter().all(|r| resolved.contains(&r.code)));
        snoozed || resolved
    }

    /// The reason codes of a resolve, as the action stores them ("USAGE_DROP;GONE_DARK").
    pub fn resolved_from(codes: &str) -> Vec<String> {
        codes
            .split(';')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Priority,
    Health,
    Arr,
    Renewal,
    Trend,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Priority,
        SortKey::Health,
        SortKey::Arr,
        SortKey::Renewal,
        SortKey::Trend,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Priority => "priority",
            SortKey::Health => "health ↑",
            SortKey::Arr => "ARR ↓",
            SortKey::Renewal => "renewal ↑",
            SortKey::Trend => "trend ↑",
        }
    }

    pub fn next(self) -> SortKey {
        match self {
            SortKey::Priority => SortKey::Health,
            SortKey::Health => SortKey::Arr,
            SortKey::Arr => SortKey::Renewal,
            SortKey::Renewal => SortKey::Trend,
            SortKey::Trend => SortKey::Priority,
        }
    }
}

/// The queue in one sort order: indices into the accounts. The loaded order is the queue order
/// of HEALTH.md; other sorts break ties by it, so every key is unique and an unstable sort is
/// exact.
pub fn sort_order(accounts: &[AccountScore], key: SortKey) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    match key {
        SortKey::Priority => {}
        SortKey::Health => {
            order.sort_unstable_by_key(|&i| (accounts[i].health.unwrap_or(i64::MAX), i))
        }
        SortKey::Arr => order
            .sort_unstable_by(|&a, &b| accounts[b].arr.total_cmp(&accounts[a].arr).then(a.cmp(&b))),
        SortKey::Renewal => order.sort_unstable_by_key(|&i| {
            (
                accounts[i]
                    .days_to_renewal
                    .filter(|d| *d >= 0)
                    .unwrap_or(i64::MAX),
                i,
            )
        }),
        SortKey::Trend => {
            order.sort_unstable_by_key(|&i| (accounts[i].trend.unwrap_or(i64::MAX), i))
        }
    }
    order
}

/// Every sort order of the queue, computed off the UI thread when the data is loaded, so that
/// changing the sort of 100,000 accounts costs only a refilter.
pub fn sort_orders(accounts: &[AccountScore]) -> HashMap<SortKey, Vec<usize>> {
    SortKey::ALL
        .iter()
        .map(|&key| (key, sort_order(accounts, key)))
        .collect()
}

/// Everything the queue shows, as loaded by the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub accounts: Vec<AccountScore>,
    /// `sort_orders(&accounts)`; empty means "sort on demand".
    pub orders: HashMap<SortKey, Vec<usize>>,
    pub console: HashMap<String, ConsoleState>,
    pub as_of: NaiveDate,
    pub freshness: Option<NaiveDate>,
    /// Shown from the queue kept at the last start while the live score is computed.
    pub updating: bool,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// What the CSMs did to each account (next step, snooze, resolve), by account id.
pub fn console_state(conn: &Connection) -> Result<HashMap<String, ConsoleState>> {
    let states = rows(conn, queries::CONSOLE_STATE, [], |r| {
        let resolved: Option<String> = r.get(4)?;
        Ok((
            r.get::<_, String>(0)?,
            ConsoleState {
                next_step: r.get(1)?,
                next_due: date(r.get(2)?),
                snoozed_until: date(r.get(3)?),
                resolved_reasons: resolved.as_deref().map(ConsoleState::resolved_from),
                snooze_reason: r.get(5)?,
            },
        ))
    })?;
    Ok(states.into_iter().collect())
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
        orders: sort_orders(&accounts),
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
    // A queue kept by an older build may lack a column this one reads: it is scored again.
    let current = kept_key == scope.key;
    Ok(match kept_dataset(db, scope, !current) {
        Ok(data) if current => CachedQueue::Current(data),
        Ok(data) => CachedQueue::Stale(data),
        Err(_) => CachedQueue::Missing,
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
