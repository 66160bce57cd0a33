//! The scored queue the console works from: every account's score, what the CSMs did to it
//! (next steps, snoozes, resolves), its sort orders, and the copy kept for the next start.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;
use duckdb::Connection;
use duckdb::types::Value;

use super::filter::Moves;
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

/// HEALTH.md's queue order (health_rows.sql `queue_rank`, by which the queue is read):
/// at-risk accounts first, then by priority (highest first), then by account_id. Used to
/// place a re-scored account; a test holds it to the SQL order.
pub fn queue_order(a: &AccountScore, b: &AccountScore) -> Ordering {
    QueuePlace::of(a).cmp(&QueuePlace::of(b))
}

/// What an account's place in the queue order depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct QueuePlace<'a> {
    at_risk: bool,
    priority: f64,
    account_id: &'a str,
}

impl QueuePlace<'_> {
    fn of(a: &AccountScore) -> QueuePlace<'_> {
        QueuePlace {
            at_risk: a.at_risk(),
            priority: a.priority,
            account_id: &a.account_id,
        }
    }

    fn cmp(&self, other: &QueuePlace) -> Ordering {
        other
            .at_risk
            .cmp(&self.at_risk)
            .then(
                other
                    .priority
                    .partial_cmp(&self.priority)
                    .unwrap_or(Ordering::Equal),
            )
            .then_with(|| self.account_id.cmp(other.account_id))
    }
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
    /// The kept queue's key when it was read (see `QueueScope`): a re-score applies only to
    /// the queue it was computed from.
    pub key: String,
}

/// The accounts acted on since the queue was kept, scored again: what `Dataset::apply`
/// needs to turn the kept queue into the live one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rescore {
    /// The key of the queue these changes apply to, and the key after them.
    pub from_key: String,
    pub key: String,
    /// The re-scored accounts.
    pub accounts: Vec<AccountScore>,
    /// Where each re-scored account stood in the kept queue before (its old row's place).
    pub left: Vec<(String, bool, f64)>,
    /// Every account acted on: re-scored, or gone from the portfolio.
    pub changed: Vec<String>,
    /// What the CSMs did to the changed accounts (none for an account with no state left).
    pub console: HashMap<String, ConsoleState>,
}

impl Dataset {
    /// Whether the account at `index` is out of the queue: snoozed, or resolved (see
    /// `ConsoleState::hides`).
    pub fn hides(&self, index: usize, today: NaiveDate) -> bool {
        let a = &self.accounts[index];
        self.console
            .get(&a.account_id)
            .is_some_and(|s| s.hides(a, today))
    }

    /// The queue after a re-score: the changed accounts leave, return at their places in queue
    /// order, and carry their new console state. Returns where accounts moved, for what is
    /// kept per position.
    pub fn apply(&mut self, rescore: Rescore) -> Moves {
        let mut moves = Moves::default();
        // Found by their old places, not by reading every account: at 100,000 accounts a
        // pass over the queue took longer than placing them.
        for (account_id, at_risk, priority) in &rescore.left {
            let place = QueuePlace {
                at_risk: *at_risk,
                priority: *priority,
                account_id,
            };
            let found = self
                .accounts
                .partition_point(|a| QueuePlace::of(a).cmp(&place) == Ordering::Less);
            let position = match self.accounts.get(found) {
                Some(a) if a.account_id == *account_id => Some(found),
                // Not where its old row says: the copy differs from the kept queue.
                _ => self
                    .accounts
                    .iter()
                    .position(|a| a.account_id == *account_id),
            };
            moves.removed.extend(position);
        }
        moves.removed.sort_unstable();
        for &position in moves.removed.iter().rev() {
            self.accounts.remove(position);
        }
        // In queue order, each lands after the ones before it: positions come out final.
        let mut arrived = rescore.accounts;
        arrived.sort_by(queue_order);
        for account in arrived {
            let position = self
                .accounts
                .partition_point(|a| queue_order(a, &account) == Ordering::Less);
            self.accounts.insert(position, account);
            moves.inserted.push(position);
        }
        let mut console = rescore.console;
        for id in &rescore.changed {
            match console.remove(id) {
                Some(state) => self.console.insert(id.clone(), state),
                None => self.console.remove(id),
            };
        }
        // Sorted again on demand: at 100,000 accounts every order at once took 40 ms.
        self.orders.clear();
        self.key = rescore.key;
        moves
    }
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// What the CSMs did to each account (next step, snooze, resolve), by account id.
pub fn console_state(conn: &Connection) -> Result<HashMap<String, ConsoleState>> {
    console_state_of(conn, Value::Null)
}

/// `console_state` of the listed accounts only.
fn console_state_of(conn: &Connection, accounts: Value) -> Result<HashMap<String, ConsoleState>> {
    let states = rows(conn, queries::CONSOLE_STATE, [accounts], |r| {
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
/// live score: the as-of date, and the key the kept queue must carry to be current: the model,
/// the as-of date, today and the last load or import (the base), then the last action.
pub struct QueueScope {
    as_of: AsOf,
    freshness: Option<NaiveDate>,
    base: String,
    key: String,
}

impl Rescore {
    /// Nothing changed: the kept queue under the scope's key is the live one.
    pub fn unchanged(scope: &QueueScope) -> Rescore {
        Rescore {
            from_key: scope.key.clone(),
            key: scope.key.clone(),
            ..Rescore::default()
        }
    }
}

/// Written into the key: a queue kept by a build that stored it differently never matches.
const KEPT_LAYOUT: &str = "kept-3";

impl QueueScope {
    /// The live view's date (the data's freshness) the scope was read for.
    pub fn as_of(&self) -> AsOf {
        self.as_of
    }

    pub fn read(db: &Db, model_hash: &str, today: NaiveDate) -> Result<QueueScope> {
        let freshness = db.freshness()?;
        let as_of = AsOf::given(None, freshness);
        let (loaded, last_action): (String, Option<i64>) =
            db.conn()
                .query_row(queries::QUEUE_CACHE_KEY, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let base = format!("{KEPT_LAYOUT}|{model_hash}|{}|{today}|{loaded}", as_of.date);
        let last = last_action.map_or_else(|| "-".to_owned(), |id| id.to_string());
        Ok(QueueScope {
            key: format!("{base}|{last}"),
            base,
            as_of,
            freshness,
        })
    }
}

/// The queue as the console kept it (under `key`), with the console's state.
fn kept_dataset(db: &Db, scope: &QueueScope, key: String) -> Result<Dataset> {
    // The console's state, an aggregate over every action, is read on a second connection
    // while this one reads the queue: at L with a team's year of actions, ~65 ms beside ~150.
    let beside = db.beside()?;
    let (accounts, console) = std::thread::scope(|threads| {
        let console = threads.spawn(move || console_state(&beside));
        let accounts = db
            .conn()
            .prepare(queries::QUEUE_CACHE_READ)
            .map_err(Into::into)
            .and_then(|mut stmt| score::read_scores(&mut stmt, &[]));
        let console = console
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (accounts, console)
    });
    let (mut accounts, console) = (accounts?, console?);
    // In Rust rather than in the query: a tenth of the time at 100,000 accounts.
    accounts.sort_by(queue_order);
    Ok(Dataset {
        // The other sorts are made when first asked for: the queue opens in queue order.
        orders: HashMap::new(),
        accounts,
        console,
        as_of: scope.as_of.date,
        freshness: scope.freshness,
        updating: key != scope.key,
        key,
    })
}

fn kept_key(db: &Db) -> Result<Option<String>> {
    let exists: bool = db
        .conn()
        .query_row(queries::QUEUE_CACHE_EXISTS, [], |r| r.get(0))?;
    Ok(db.meta(CACHE_KEY)?.filter(|_| exists))
}

/// The queue the console kept last time, if any, and whether it is still the live score.
pub fn cached_dataset(db: &Db, scope: &QueueScope) -> Result<CachedQueue> {
    let Some(kept_key) = kept_key(db)? else {
        return Ok(CachedQueue::Missing);
    };
    // A queue kept by an older build may lack a column this one reads: it is scored again.
    let current = kept_key == scope.key;
    Ok(match kept_dataset(db, scope, kept_key) {
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
    kept_dataset(db, scope, scope.key.clone())
}

/// `score_dataset` for the current scope.
pub fn load_dataset(db: &Db, model_hash: &str, today: NaiveDate) -> Result<Dataset> {
    score_dataset(db, &QueueScope::read(db, model_hash, today)?)
}

/// How the kept queue becomes the live one.
pub enum Refresh {
    /// It is the live one.
    Current,
    /// Only actions changed since: their accounts were scored again.
    Rescored(Rescore),
    /// The data, the model or the day changed (or nothing was kept): score everything.
    Full,
}

/// Brings the kept queue up to date when only actions changed since it was kept: each acted-on
/// account is scored again from the input metrics kept with the queue (no action changes the
/// input tables) and its own actions, its row replaced, and the changes returned for the
/// console's copy. The health a week earlier is the kept one too, unless an action is of
/// before that day's end (a teammate's, read from the journal). Past `RESCORE_AT_MOST`
/// accounts (a team's week of work read at once), a full score is the quicker way.
pub fn refresh(db: &Db, scope: &QueueScope) -> Result<Refresh> {
    // One account takes ~0.1 s at 100,000 accounts, a full score ~15 s.
    const RESCORE_AT_MOST: usize = 100;
    let Some(kept_key) = kept_key(db)? else {
        return Ok(Refresh::Full);
    };
    if kept_key == scope.key {
        return Ok(Refresh::Current);
    }
    let Some(since) = kept_since(&kept_key, scope) else {
        return Ok(Refresh::Full);
    };
    let changed: Vec<String> = rows(db.conn(), queries::CHANGED_ACCOUNTS, [since], |r| r.get(0))?;
    if changed.len() > RESCORE_AT_MOST {
        return Ok(Refresh::Full);
    }
    let rescore = queries::fill(
        queries::QUEUE_CACHE_RESCORE,
        &[("scored", queries::SCORED_ACCOUNT)],
    );
    let date = scope.as_of.date_param();
    let left = db.in_transaction(|conn| {
        let week_ago_kept: bool =
            conn.query_row(queries::WEEK_AGO_KEPT, duckdb::params![since, date], |r| {
                r.get(0)
            })?;
        conn.execute_batch(queries::RESCORED_CLEAR)?;
        {
            let _metrics = score::KeptSource::metrics(conn)?;
            let _week_ago = week_ago_kept
                .then(|| score::KeptSource::week_ago(conn))
                .transpose()?;
            for id in &changed {
                score::choose_one(conn, scope.as_of, id)?;
                conn.execute_batch(&rescore)?;
            }
        }
        let left = rows(conn, queries::QUEUE_CACHE_FORGET, [since], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        conn.execute_batch(queries::RESCORED_KEEP)?;
        conn.execute(queries::META_SET, [CACHE_KEY, scope.key.as_str()])?;
        Ok(left)
    })?;
    let mut stmt = db.conn().prepare(queries::RESCORED_READ)?;
    let accounts = score::read_scores(&mut stmt, &[])?;
    let ids = changed.iter().map(|id| Value::Text(id.clone())).collect();
    let console = console_state_of(db.conn(), Value::List(ids))?;
    Ok(Refresh::Rescored(Rescore {
        from_key: kept_key,
        key: scope.key.clone(),
        accounts,
        left,
        changed,
        console,
    }))
}

/// One account scored as `score::score_account` scores it, from the input metrics kept with
/// the console's queue when they are those of `as_of` under this model and data (the same
/// numbers a full score reads), else from the input tables.
pub fn score_account(
    db: &Db,
    model_hash: &str,
    as_of: AsOf,
    today: NaiveDate,
    account_id: &str,
) -> Result<Option<AccountScore>> {
    let scope = QueueScope::read(db, model_hash, today)?;
    let kept_current =
        as_of == scope.as_of && kept_key(db)?.is_some_and(|key| kept_since(&key, &scope).is_some());
    let _kept = if kept_current {
        Some(score::KeptSource::metrics(db.conn())?)
    } else {
        None
    };
    score::score_account(db.conn(), as_of, account_id)
}

/// When the kept queue (its key) is of this scope's model, data and day (only actions may have come
/// since), the last action it took in (i64::MIN for none); None when it is of another scope or
/// there is none.
fn kept_since(kept_key: &str, scope: &QueueScope) -> Option<i64> {
    match kept_key.rsplit_once('|') {
        Some((base, last)) if base == scope.base => Some(last.parse().unwrap_or(i64::MIN)),
        _ => None,
    }
}

/// Every account's score as the kept queue holds it (without measures), when it is the live
/// score; None when it is not.
pub fn current_scores(db: &Db, scope: &QueueScope) -> Result<Option<Vec<AccountScore>>> {
    if kept_key(db)?.as_deref() != Some(scope.key.as_str()) {
        return Ok(None);
    }
    let mut stmt = db.conn().prepare(queries::QUEUE_CACHE_READ)?;
    Ok(Some(score::read_scores(&mut stmt, &[])?))
}

/// Forgets the kept queue: the next start scores every account.
pub fn forget_kept(db: &Db) -> Result<()> {
    db.set_meta(CACHE_KEY, None)
}

/// One account's row of the kept queue with its measures (the queue reads them without).
pub fn kept_account(db: &Db, account_id: &str) -> Result<Option<AccountScore>> {
    let mut stmt = db.conn().prepare(queries::QUEUE_CACHE_ACCOUNT)?;
    Ok(score::read_scores(&mut stmt, &[&account_id])?.pop())
}
