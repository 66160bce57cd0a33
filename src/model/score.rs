//! Scoring calls into SQL (queries/health.sql): install the model as tables, then read every
//! account's score at a date in one set-based query.

use chrono::{Days, NaiveDate};
use duckdb::Connection;
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

/// Fills the model tables that queries/health.sql reads.
pub fn install(conn: &Connection, model: &Model) -> Result<()> {
    conn.execute_batch(queries::MODEL_TABLES)?;
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

/// Reading DuckDB's nested values (lists of structs) without the JSON extension.
mod nested {
    use duckdb::types::{OrderedMap, Value};

    pub fn text(v: Option<&Value>) -> Option<String> {
        match v? {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }

    pub fn number(v: Option<&Value>) -> Option<f64> {
        match v? {
            Value::Double(x) => Some(*x),
            Value::Float(x) => Some(f64::from(*x)),
            Value::Int(x) => Some(f64::from(*x)),
            Value::BigInt(x) => Some(*x as f64),
            _ => None,
        }
    }

    pub fn structs(v: &Value) -> Vec<&OrderedMap<String, Value>> {
        match v {
            Value::List(items) => items
                .iter()
                .filter_map(|item| match item {
                    Value::Struct(fields) => Some(fields),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn get<'a>(fields: &'a OrderedMap<String, Value>, key: &str) -> Option<&'a Value> {
        fields.get(&key.to_owned())
    }
}

fn measures(v: &duckdb::types::Value) -> Vec<MeasureScore> {
    nested::structs(v)
        .into_iter()
        .map(|f| MeasureScore {
            measure: nested::text(nested::get(f, "measure")).unwrap_or_default(),
            group: nested::text(nested::get(f, "group")).unwrap_or_default(),
            metric: nested::text(nested::get(f, "metric")).unwrap_or_default(),
            value: nested::number(nested::get(f, "value")),
            score: nested::number(nested::get(f, "score")),
            weight: nested::number(nested::get(f, "weight")).unwrap_or_default(),
        })
        .collect()
}

fn reasons(v: &duckdb::types::Value) -> Vec<Reason> {
    nested::structs(v)
        .into_iter()
        .map(|f| Reason {
            code: nested::text(nested::get(f, "code")).unwrap_or_default(),
            fact: nested::text(nested::get(f, "fact")).unwrap_or_default(),
        })
        .collect()
}

fn band_override(v: &duckdb::types::Value) -> Option<BandOverride> {
    let duckdb::types::Value::Struct(f) = v else {
        return None;
    };
    Some(BandOverride {
        band: nested::text(nested::get(f, "band"))?,
        author: nested::text(nested::get(f, "author")).unwrap_or_default(),
        body: nested::text(nested::get(f, "body")),
        until: nested::text(nested::get(f, "until")),
    })
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
    let mut stmt = conn.prepare(queries::SCORED_ACCOUNT)?;
    Ok(read_scores(
        &mut stmt,
        &[&as_of.date_param(), &as_of.cutoff_param(), &account_id],
    )?
    .pop())
}

/// Scores every account into the console's `queue_cache` table, replacing what it held.
pub fn store_queue(conn: &Connection, as_of: AsOf) -> Result<()> {
    let sql = queries::fill(
        queries::QUEUE_CACHE_STORE,
        &[("scored", queries::SCORED_ACCOUNTS)],
    );
    conn.execute(&sql, [as_of.date_param(), as_of.cutoff_param()])?;
    Ok(())
}

/// Rows shaped like scored_accounts.sql's (that query, or a table stored from it).
pub fn read_scores(
    stmt: &mut duckdb::Statement,
    params: &[&dyn duckdb::ToSql],
) -> Result<Vec<AccountScore>> {
    let rows = stmt.query_map(params, |r| {
        Ok(AccountScore {
            account_id: r.get(0)?,
            name: r.get(1)?,
            owner: r.get(2)?,
            segment: r.get(3)?,
            plan: r.get(4)?,
            arr: r.get(5)?,
            seats: r.get(6)?,
            contract_start: r.get(7)?,
            renewal_date: r.get(8)?,
            days_to_renewal: r.get(9)?,
            health: r.get(10)?,
            band: r.get(11)?,
            coverage: r.get(12)?,
            trend: r.get(13)?,
            measures: measures(&r.get(14)?),
            reasons: reasons(&r.get(15)?),
            priority: r.get(16)?,
            urgency: r.get(17)?,
            last_touch: r.get(18)?,
            band_override: band_override(&r.get(19)?),
            nps: SurveyFigure {
                value: r.get(20)?,
                n: r.get(21)?,
            },
            csat: SurveyFigure {
                value: r.get(22)?,
                n: r.get(23)?,
            },
            ces: SurveyFigure {
                value: r.get(24)?,
                n: r.get(25)?,
            },
            stage: r.get(26)?,
            profile: r.get(27)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<_>>()?)
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
