//! Scoring calls into SQL (`queries::SCORING`): install the model as tables with the scoring
//! macros, then read every account's score at a date in one set-based query.

use chrono::{Days, NaiveDate};
use duckdb::Connection;
use duckdb::arrow::record_batch::RecordBatch;
use serde::Serialize;

use super::Model;
use crate::db::{Db, queries, rows};
use crate::error::{Error, Result};

/// The date scores are computed at, and whether console actions after it still count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AsOf {
    pub date: NaiveDate,
    /// The live view (as of the data's freshness): every console action counts, including those
    /// logged after the last data date. A past date counts only actions up to its end.
    pub live: bool,
}

impl AsOf {
    /// `--as-of` if given, else the data's freshness date (live).
    pub fn resolve(db: &Db, requested: Option<NaiveDate>) -> Result<AsOf> {
        Ok(AsOf::given(requested, db.freshness()?))
    }

    /// `resolve` for a freshness date already read.
    pub fn given(requested: Option<NaiveDate>, freshness: Option<NaiveDate>) -> AsOf {
        let today = chrono::Utc::now().date_naive();
        match (requested, freshness) {
            (Some(date), Some(fresh)) => AsOf {
                date,
                live: date >= fresh,
            },
            (Some(date), None) => AsOf {
                date,
                live: date >= today,
            },
            (None, Some(fresh)) => AsOf {
                date: fresh,
                live: true,
            },
            (None, None) => AsOf {
                date: today,
                live: true,
            },
        }
    }

    pub fn historical(date: NaiveDate) -> AsOf {
        AsOf { date, live: false }
    }

    pub fn date_param(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    /// The moment up to which console actions count, as the SQL's TIMESTAMP parameter.
    pub fn cutoff_param(&self) -> String {
        if self.live {
            "infinity".to_owned()
        } else {
            let next = self
                .date
                .checked_add_days(Days::new(1))
                .unwrap_or(self.date);
            format!("{} 00:00:00", next.format("%Y-%m-%d"))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureScore {
    pub measure: String,
    pub group: String,
    pub metric: String,
    pub value: Option<f64>,
    pub score: Option<f64>,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: String,
    pub fact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandOverride {
    pub band: String,
    pub author: String,
    pub body: Option<String>,
    pub until: Option<String>,
}

/// A survey figure with the number of responses behind it.
/// How the survey kinds of the contract (`nps`, `csat`, `ces`) are named to people.
pub const SURVEY_LABELS: [&str; 3] = ["NPS", "CSAT", "CES"];

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SurveyFigure {
    pub value: Option<f64>,
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountScore {
    pub account_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub segment: Option<String>,
    pub plan: Option<String>,
    pub arr: f64,
    pub seats: Option<i64>,
    pub contract_start: String,
    pub renewal_date: Option<String>,
    pub days_to_renewal: Option<i64>,
    pub health: Option<i64>,
    pub band: Option<String>,
    pub coverage: f64,
    pub trend: Option<i64>,
    pub measures: Vec<MeasureScore>,
    pub reasons: Vec<Reason>,
    pub priority: f64,
    pub urgency: f64,
    pub last_touch: Option<String>,
    pub band_override: Option<BandOverride>,
    pub nps: SurveyFigure,
    pub csat: SurveyFigure,
    pub ces: SurveyFigure,
    /// The lifecycle stage as of the score's date: onboarding, adoption or renewal.
    pub stage: String,
    /// The profile of the model that scored the account; None: the base model.
    pub profile: Option<String>,
}

impl AccountScore {
    pub fn at_risk(&self) -> bool {
        !self.reasons.is_empty()
    }

    pub fn reason_codes(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Points a measure loses: its share of the weight present × (100 − score).
    pub fn points_lost(&self, measure: &MeasureScore) -> Option<f64> {
        Some(measure.weight / self.weight_present()? * (100.0 - measure.score?))
    }

    /// Points a measure contributes to health: its share of the weight present × score.
    pub fn contribution(&self, measure: &MeasureScore) -> Option<f64> {
        Some(measure.weight / self.weight_present()? * measure.score?)
    }

    fn weight_present(&self) -> Option<f64> {
        let sum: f64 = self
            .measures
            .iter()
            .filter(|m| m.score.is_some())
            .map(|m| m.weight)
            .sum();
        (sum > 0.0).then_some(sum)
    }

    /// The measure that loses the most points: what to fix first.
    pub fn fix_first(&self) -> Option<&MeasureScore> {
        self.measures
            .iter()
            .filter_map(|m| Some((m, self.points_lost(m)?)))
            .filter(|(_, lost)| *lost > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(m, _)| m)
    }

    /// Days from `today` to the renewal date: what a person is shown (HEALTH.md "Countdowns
    /// shown to people"); `days_to_renewal` counts from the as-of date, for the score.
    pub fn renewal_in(&self, today: NaiveDate) -> Option<i64> {
        crate::format::days_from(today, self.renewal_date.as_deref()?)
    }

    /// Days since the last touch, counted from `today`.
    pub fn days_since_touch(&self, today: NaiveDate) -> Option<i64> {
        crate::format::days_from(today, self.last_touch.as_deref()?).map(|d| (-d).max(0))
    }

    /// "renews 2026-12-09 (in 7 days)", or that the date passed without an outcome.
    pub fn renewal_text(&self, today: NaiveDate) -> Option<String> {
        let date = self.renewal_date.as_deref()?;
        Some(match self.renewal_in(today)? {
            d if d < 0 => format!("renewal date {date} passed {}", crate::format::countdown(d)),
            d => format!("renews {date} ({})", crate::format::countdown(d)),
        })
    }

    /// NPS, CSAT and CES, in the order of `SURVEY_LABELS`.
    pub fn survey_figures(&self) -> [SurveyFigure; 3] {
        [self.nps, self.csat, self.ces]
    }

    /// Health as shown to people: "—" when there is none, "?" marks low confidence.
    pub fn health_text(&self, model: &Model) -> String {
        crate::format::health(
            self.health,
            self.coverage < model.confidence.low_coverage_below,
        )
    }

    pub fn trend_arrow(&self, threshold: i64) -> &'static str {
        match self.trend {
            Some(t) if t >= threshold => "↑",
            Some(t) if t <= -threshold => "↓",
            Some(_) => "→",
            None => " ",
        }
    }
}

/// Fills the model tables, and defines the scoring macros that read them (`queries::SCORING`).
pub fn install(conn: &Connection, model: &Model) -> Result<()> {
    conn.execute_batch(queries::MODEL_TABLES)?;
    for macros in queries::SCORING {
        conn.execute_batch(macros)?;
    }
    let [measure_sql, band_sql, urgency_sql, params_sql] = queries::model_inserts();
    let scorecards = std::iter::once(("", &model.measures, &model.bands)).chain(
        model
            .profiles
            .iter()
            .map(|p| (p.name.as_str(), &p.measures, &p.bands)),
    );
    let mut insert_measure = conn.prepare(measure_sql)?;
    let mut insert_band = conn.prepare(band_sql)?;
    for (profile, measures, bands) in scorecards {
        for m in measures.iter() {
            // Positions follow the base model, so a profile's explanation lists measures alike.
            let position = model
                .measures
                .iter()
                .position(|b| b.name == m.name)
                .unwrap_or_default();
            insert_measure.execute(duckdb::params![
                position as i64,
                m.name,
                m.group,
                m.metric,
                m.bad,
                m.good,
                m.weight,
                profile
            ])?;
        }
        for b in bands.iter() {
            insert_band.execute(duckdb::params![b.name, b.min, b.max, profile])?;
        }
    }
    if !model.profiles.is_empty() {
        let accounts: Vec<(String, Option<String>, Option<String>)> =
            rows(conn, queries::ACCOUNT_PROFILE_KEYS, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let mut appender = conn.appender("model_account_profile")?;
        for (id, segment, plan) in &accounts {
            if let Some(p) = model.profile_for(segment.as_deref(), plan.as_deref()) {
                appender.append_row(duckdb::params![id, p.name])?;
            }
        }
        appender.flush()?;
    }
    let mut insert = conn.prepare(urgency_sql)?;
    for u in &model.queue.urgency {
        insert.execute(duckdb::params![u.within_days, u.factor])?;
    }
    let (r, load) = (&model.rules, &model.ticket_load);
    conn.execute(
        params_sql,
        duckdb::params![
            load.urgent,
            load.high,
            load.normal,
            load.low,
            r.red.health_below,
            r.usage_drop.min_prev_events,
            r.usage_drop.ratio_below,
            r.gone_dark.days,
            r.detractor.max_score,
            r.detractor.within_days,
            r.escalation.open_more_than_days,
            r.low_adoption.min_tenure_days,
            r.low_adoption.utilization_below,
            r.renewal_risk.within_days,
            r.renewal_risk.health_below,
            r.outcome_overdue.min_outcomes,
            r.champion_left.within_days,
            model.queue.missing_health,
        ],
    )?;
    Ok(())
}

/// Every account in the portfolio at `as_of`, scored by the installed model, in queue order.
pub fn score_accounts(conn: &Connection, as_of: AsOf) -> Result<Vec<AccountScore>> {
    let mut stmt = conn.prepare(queries::SCORED_ACCOUNTS)?;
    read_scores(&mut stmt, &[&as_of.date_param(), &as_of.cutoff_param()])
}

/// One account scored as `score_accounts` scores it (None when it is not in the portfolio at
/// `as_of`), without scoring the others.
pub fn score_account(
    conn: &Connection,
    as_of: AsOf,
    account_id: &str,
) -> Result<Option<AccountScore>> {
    choose_one(conn, as_of, account_id)?;
    let mut stmt = conn.prepare(queries::SCORED_ACCOUNT)?;
    Ok(read_scores(&mut stmt, &[])?.pop())
}

/// The account scored_account.sql scores next on this connection, and as of when.
pub fn choose_one(conn: &Connection, as_of: AsOf, account_id: &str) -> Result<()> {
    conn.execute(
        queries::SCORED_ONE_SET,
        [
            as_of.date_param().as_str(),
            as_of.cutoff_param().as_str(),
            account_id,
        ],
    )?;
    Ok(())
}

/// Scores every account into the console's `queue_cache` table, replacing what it held, from
/// the input tables' part of the score kept beside it (`kept_metrics`), which an action's
/// re-score reads too: the full score and a re-score of one account read the same numbers.
pub fn store_queue(conn: &Connection, as_of: AsOf) -> Result<()> {
    conn.execute(queries::KEPT_METRICS_STORE, [as_of.date_param()])?;
    let _kept = KeptSource::metrics(conn)?;
    let sql = queries::fill(
        queries::QUEUE_CACHE_STORE,
        &[("scored", queries::SCORED_ACCOUNTS)],
    );
    conn.execute(&sql, [as_of.date_param(), as_of.cutoff_param()])?;
    Ok(())
}

/// While it lives, scoring on its connection reads a part of the score from a copy kept with
/// the console's queue instead of computing it; dropped, scoring computes that part again.
pub struct KeptSource<'a> {
    conn: &'a Connection,
    computed: &'static str,
}

impl KeptSource<'_> {
    /// The input tables' part of the score, from `kept_metrics` (as of the kept queue's dates
    /// only).
    pub fn metrics(conn: &Connection) -> Result<KeptSource<'_>> {
        KeptSource::define(conn, queries::KEPT_METRICS_SOURCE, queries::METRICS_SOURCE)
    }

    /// Each account's health a week before the queue's date, from the kept queue: right only
    /// for accounts whose actions since the queue was kept that day's score does not count.
    pub fn week_ago(conn: &Connection) -> Result<KeptSource<'_>> {
        KeptSource::define(
            conn,
            queries::KEPT_WEEK_AGO_SOURCE,
            queries::WEEK_AGO_SOURCE,
        )
    }

    fn define<'a>(
        conn: &'a Connection,
        kept: &str,
        computed: &'static str,
    ) -> Result<KeptSource<'a>> {
        conn.execute_batch(kept)?;
        Ok(KeptSource { conn, computed })
    }
}

impl Drop for KeptSource<'_> {
    fn drop(&mut self) {
        // Redefining a macro fails only with the connection itself, which then scores nothing.
        let _ = self.conn.execute_batch(self.computed);
    }
}

/// Rows shaped like scored_accounts.sql's (that query, or a table stored from it), read a
/// column at a time from DuckDB's Arrow batches: at 100,000 accounts, row-by-row values of the
/// nested measures took seconds.
pub fn read_scores(
    stmt: &mut duckdb::Statement,
    params: &[&dyn duckdb::ToSql],
) -> Result<Vec<AccountScore>> {
    let batches: Vec<RecordBatch> = stmt.query_arrow(params)?.collect();
    // Sized once: growing a vector of 100,000 rows moved them several times.
    let convert = |batches: &[RecordBatch], room: usize| -> Result<Vec<AccountScore>> {
        let mut accounts = Vec::with_capacity(room);
        for batch in batches {
            columns::read_batch(batch, &mut accounts)?;
        }
        Ok(accounts)
    };
    let rows = |batches: &[RecordBatch]| batches.iter().map(RecordBatch::num_rows).sum();
    if batches.len() < 2 {
        return convert(&batches, rows(&batches));
    }
    // Two halves on two threads: at 100,000 accounts the rows' texts take ~0.1 s to copy.
    let (first, second) = batches.split_at(batches.len() / 2);
    let (accounts, rest) = std::thread::scope(|s| {
        let rest = s.spawn(|| convert(second, rows(second)));
        (convert(first, rows(&batches)), rest.join())
    });
    let rest = rest.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let mut accounts = accounts?;
    accounts.extend(rest);
    Ok(accounts)
}

/// scored_rows' columns (health_rows.sql), by position, from one Arrow batch.
mod columns {
    use duckdb::arrow::array::{
        Array, ArrayRef, AsArray, Float64Array, Int64Array, StringArray, StructArray,
    };
    use duckdb::arrow::compute::cast;
    use duckdb::arrow::datatypes::{DataType, Float64Type, Int64Type};
    use duckdb::arrow::record_batch::RecordBatch;

    use super::{AccountScore, BandOverride, MeasureScore, Reason, SurveyFigure};
    use crate::error::Result;

    fn converted(array: &ArrayRef, to: &DataType, index: usize) -> Result<ArrayRef> {
        cast(array, to).map_err(|e| {
            duckdb::Error::FromSqlConversionFailure(index, duckdb::types::Type::Any, Box::new(e))
                .into()
        })
    }

    struct Texts(ArrayRef);
    impl Texts {
        fn new(array: &ArrayRef, index: usize) -> Result<Texts> {
            Ok(Texts(converted(array, &DataType::Utf8, index)?))
        }
        fn get(&self, row: usize) -> Option<String> {
            let array: &StringArray = self.0.as_string();
            array.is_valid(row).then(|| array.value(row).to_owned())
        }
    }

    struct Whole(ArrayRef);
    impl Whole {
        fn new(array: &ArrayRef, index: usize) -> Result<Whole> {
            Ok(Whole(converted(array, &DataType::Int64, index)?))
        }
        fn get(&self, row: usize) -> Option<i64> {
            let array: &Int64Array = self.0.as_primitive::<Int64Type>();
            array.is_valid(row).then(|| array.value(row))
        }
    }

    struct Numbers(ArrayRef);
    impl Numbers {
        fn new(array: &ArrayRef, index: usize) -> Result<Numbers> {
            Ok(Numbers(converted(array, &DataType::Float64, index)?))
        }
        fn get(&self, row: usize) -> Option<f64> {
            let array: &Float64Array = self.0.as_primitive::<Float64Type>();
            array.is_valid(row).then(|| array.value(row))
        }
    }

    /// A struct column's fields by name, each converted like a top-level column.
    struct Fields<'a> {
        array: &'a StructArray,
        index: usize,
    }
    impl Fields<'_> {
        fn field(&self, name: &str) -> Result<&ArrayRef> {
            self.array.column_by_name(name).ok_or_else(|| {
                duckdb::Error::InvalidColumnName(format!("{name} in column {}", self.index)).into()
            })
        }
        fn texts(&self, name: &str) -> Result<Texts> {
            Texts::new(self.field(name)?, self.index)
        }
        fn numbers(&self, name: &str) -> Result<Numbers> {
            Numbers::new(self.field(name)?, self.index)
        }
    }

    /// A list-of-structs column: each row's range of entries, and the entries' fields.
    struct ListOfStructs {
        offsets: Vec<usize>,
        valid: Vec<bool>,
        entries: StructArray,
    }
    impl ListOfStructs {
        /// None for a column read as NULL (the kept queue leaves the measures out).
        fn new(array: &ArrayRef) -> Option<ListOfStructs> {
            if !matches!(array.data_type(), DataType::List(_)) {
                return None;
            }
            let list = array.as_list::<i32>();
            Some(ListOfStructs {
                offsets: list.value_offsets().iter().map(|&o| o as usize).collect(),
                valid: (0..list.len()).map(|r| list.is_valid(r)).collect(),
                entries: list.values().as_struct().clone(),
            })
        }
        fn range(&self, row: usize) -> std::ops::Range<usize> {
            if self.valid[row] {
                self.offsets[row]..self.offsets[row + 1]
            } else {
                0..0
            }
        }
    }

    /// The measures column: each row's list of measure structs.
    struct Measures {
        list: ListOfStructs,
        name: Texts,
        group: Texts,
        metric: Texts,
        value: Numbers,
        score: Numbers,
        weight: Numbers,
    }
    impl Measures {
        fn new(list: ListOfStructs) -> Result<Measures> {
            let m = Fields {
                array: &list.entries,
                index: 14,
            };
            Ok(Measures {
                name: m.texts("measure")?,
                group: m.texts("group")?,
                metric: m.texts("metric")?,
                value: m.numbers("value")?,
                score: m.numbers("score")?,
                weight: m.numbers("weight")?,
                list,
            })
        }
        fn of(&self, row: usize) -> Vec<MeasureScore> {
            self.list
                .range(row)
                .map(|e| MeasureScore {
                    measure: self.name.get(e).unwrap_or_default(),
                    group: self.group.get(e).unwrap_or_default(),
                    metric: self.metric.get(e).unwrap_or_default(),
                    value: self.value.get(e),
                    score: self.score.get(e),
                    weight: self.weight.get(e).unwrap_or_default(),
                })
                .collect()
        }
    }

    pub(super) fn read_batch(batch: &RecordBatch, out: &mut Vec<AccountScore>) -> Result<()> {
        let c = |i: usize| batch.column(i);
        let texts = |i: usize| Texts::new(c(i), i);
        let whole = |i: usize| Whole::new(c(i), i);
        let numbers = |i: usize| Numbers::new(c(i), i);
        let (account_id, name, owner, segment, plan) =
            (texts(0)?, texts(1)?, texts(2)?, texts(3)?, texts(4)?);
        let (arr, seats, contract_start, renewal_date, days_to_renewal) =
            (numbers(5)?, whole(6)?, texts(7)?, texts(8)?, whole(9)?);
        let (health, band, coverage, trend) = (whole(10)?, texts(11)?, numbers(12)?, whole(13)?);
        let measures = match ListOfStructs::new(c(14)) {
            Some(list) => Some(Measures::new(list)?),
            None => None,
        };
        let Some(reasons) = ListOfStructs::new(c(15)) else {
            return Err(duckdb::Error::InvalidColumnType(
                15,
                "reasons".to_owned(),
                duckdb::types::Type::Any,
            )
            .into());
        };
        let r = Fields {
            array: &reasons.entries,
            index: 15,
        };
        let (r_code, r_fact) = (r.texts("code")?, r.texts("fact")?);
        let (priority, urgency, last_touch) = (numbers(16)?, numbers(17)?, texts(18)?);
        let overrides = c(19).as_struct();
        let o = Fields {
            array: overrides,
            index: 19,
        };
        let (o_band, o_author, o_body, o_until) = (
            o.texts("band")?,
            o.texts("author")?,
            o.texts("body")?,
            o.texts("until")?,
        );
        let (nps, nps_n, csat, csat_n, ces, ces_n) = (
            numbers(20)?,
            whole(21)?,
            numbers(22)?,
            whole(23)?,
            numbers(24)?,
            whole(25)?,
        );
        let (stage, profile) = (texts(26)?, texts(27)?);
        for row in 0..batch.num_rows() {
            out.push(AccountScore {
                account_id: account_id.get(row).unwrap_or_default(),
                name: name.get(row).unwrap_or_default(),
                owner: owner.get(row),
                segment: segment.get(row),
                plan: plan.get(row),
                arr: arr.get(row).unwrap_or_default(),
                seats: seats.get(row),
                contract_start: contract_start.get(row).unwrap_or_default(),
                renewal_date: renewal_date.get(row),
                days_to_renewal: days_to_renewal.get(row),
                health: health.get(row),
                band: band.get(row),
                coverage: coverage.get(row).unwrap_or_default(),
                trend: trend.get(row),
                measures: measures.as_ref().map_or_else(Vec::new, |m| m.of(row)),
                reasons: reasons
                    .range(row)
                    .map(|e| Reason {
                        code: r_code.get(e).unwrap_or_default(),
                        fact: r_fact.get(e).unwrap_or_default(),
                    })
                    .collect(),
                priority: priority.get(row).unwrap_or_default(),
                urgency: urgency.get(row).unwrap_or_default(),
                last_touch: last_touch.get(row),
                band_override: if overrides.is_valid(row) {
                    o_band.get(row).map(|band| BandOverride {
                        band,
                        author: o_author.get(row).unwrap_or_default(),
                        body: o_body.get(row),
                        until: o_until.get(row),
                    })
                } else {
                    None
                },
                nps: SurveyFigure {
                    value: nps.get(row),
                    n: nps_n.get(row).unwrap_or_default(),
                },
                csat: SurveyFigure {
                    value: csat.get(row),
                    n: csat_n.get(row).unwrap_or_default(),
                },
                ces: SurveyFigure {
                    value: ces.get(row),
                    n: ces_n.get(row).unwrap_or_default(),
                },
                stage: stage.get(row).unwrap_or_default(),
                profile: profile.get(row),
            });
        }
        Ok(())
    }
}

/// Stores a snapshot at `as_of` under the model's hash; returns how many accounts it holds.
pub fn store_snapshot(conn: &Connection, model: &Model, as_of: AsOf) -> Result<usize> {
    Ok(conn.execute(
        queries::SNAPSHOT,
        [
            as_of.date_param(),
            model.hash(),
            as_of.date_param(),
            as_of.cutoff_param(),
        ],
    )?)
}

/// Makes sure the weekly snapshots T, T−7, … (`weeks` of them) exist for the model, computing
/// only the missing ones. Returns the dates it computed.
pub fn ensure_history(db: &Db, model: &Model, as_of: AsOf, weeks: u32) -> Result<Vec<NaiveDate>> {
    let conn = db.conn();
    let existing: Vec<String> = rows(conn, queries::SNAPSHOT_DATES, [model.hash()], |r| r.get(0))?;
    let mut computed = Vec::new();
    for week in 0..weeks {
        let date = as_of
            .date
            .checked_sub_days(Days::new(7 * u64::from(week)))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} weeks before {} is out of range",
                    week, as_of.date
                ))
            })?;
        if existing.contains(&date.format("%Y-%m-%d").to_string()) {
            continue;
        }
        let at = if week == 0 {
            as_of
        } else {
            AsOf::historical(date)
        };
        db.in_transaction(|conn| store_snapshot(conn, model, at))?;
        computed.push(date);
    }
    Ok(computed)
}
