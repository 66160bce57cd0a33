//! Backtest: does the score, as it stood at T, rank the accounts that churned after T?
//! The scores at T and the churn after it come from the database; the rest is computation
//! over (score, outcome) pairs.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::{Db, queries, rows};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::score::{self, AccountScore, AsOf};

/// Area under the ROC curve of `risk` against `churned`: the chance that a churned account
/// has a higher risk than a retained one, ties counting half. None without both outcomes.
pub fn auc(pairs: &[(f64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|p| p.1).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Mann–Whitney U from average ranks (ties share their rank).
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let average_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += average_rank * sorted[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// A 95% bootstrap interval of the AUC (1,000 resamples, fixed seed).
pub fn auc_interval(pairs: &[(f64, bool)]) -> Option<(f64, f64)> {
    auc(pairs)?;
    // The sample generator's SplitMix64: fixed seed, so the interval is reproducible.
    let mut rng = crate::rng::Rng::new(0x5EED);
    let mut samples: Vec<f64> = (0..1000)
        .filter_map(|_| {
            let resample: Vec<(f64, bool)> = (0..pairs.len())
                .map(|_| pairs[rng.below(pairs.len() as u64) as usize])
                .collect();
            auc(&resample)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (!samples.is_empty()).then(|| (at(0.025), at(0.975)))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateRow {
    pub label: String,
    pub accounts: usize,
    pub churned: usize,
    pub churn_rate: Option<f64>,
    /// The Wilson 95% interval of the churn rate.
    pub interval_95: Option<(f64, f64)>,
    /// The ARR of these accounts at T.
    pub arr: f64,
}

impl RateRow {
    fn of(label: impl Into<String>, members: &[(&AccountScore, bool)]) -> RateRow {
        let churned = members.iter().filter(|(_, c)| *c).count();
        RateRow {
            label: label.into(),
            accounts: members.len(),
            churned,
            churn_rate: rate(churned, members.len()),
            interval_95: wilson(churned, members.len()),
            arr: members.iter().map(|(a, _)| a.arr).sum(),
        }
    }
}

/// The Wilson score interval (95%) of k successes in n: honest for small n and rates near 0.
pub fn wilson(k: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n, z) = (k as f64, n as f64, 1.959_963_984_540_054);
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let center = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// Fewer churn events than this in a segment: its AUC is not a number worth reading.
pub const MIN_SEGMENT_EVENTS: usize = 10;

/// One segment's backtest: AUC (with its interval) and lift, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentRow {
    pub segment: String,
    pub accounts: usize,
    pub churned: usize,
    pub auc: Option<f64>,
    pub auc_95: Option<(f64, f64)>,
    pub top_decile_lift: Option<f64>,
    /// "fewer than 10 churn events" when the figures are left out.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagQuality {
    pub flag: String,
    pub flagged: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub as_of: String,
    pub horizon_days: i64,
    pub model: String,
    pub accounts: usize,
    pub churned: usize,
    pub base_rate: Option<f64>,
    pub auc: Option<f64>,
    pub auc_95: Option<(f64, f64)>,
    pub without_score: usize,
    pub without_score_churned: usize,
    pub bands: Vec<RateRow>,
    pub top_decile_lift: Option<f64>,
    pub flags: Vec<FlagQuality>,
    /// Calibration: churn within the horizon per health decile (tenths of the scored accounts,
    /// from the lowest health up), with n and a 95% interval.
    pub deciles: Vec<RateRow>,
    /// The voice of the customer tied to revenue: per NPS category at T.
    pub nps: Vec<RateRow>,
    pub segments: Vec<SegmentRow>,
    /// The same per profile, when the model has profiles ("base model" for the others).
    pub profiles: Vec<SegmentRow>,
}

fn rate(churned: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| churned as f64 / n as f64)
}

fn quality(
    flag: &str,
    scored: &[(&AccountScore, bool)],
    fires: impl Fn(&AccountScore) -> bool,
    churned_total: usize,
) -> FlagQuality {
    let flagged: Vec<bool> = scored
        .iter()
        .filter(|(a, _)| fires(a))
        .map(|(_, c)| *c)
        .collect();
    let hits = flagged.iter().filter(|c| **c).count();
    FlagQuality {
        flag: flag.to_owned(),
        flagged: flagged.len(),
        precision: rate(hits, flagged.len()),
        recall: rate(hits, churned_total),
    }
}

/// The default backtest date: the freshness date minus the horizon, so the outcome window is
/// fully observed.
pub fn default_backtest_date(db: &Db, horizon: i64) -> Result<NaiveDate> {
    let freshness = db
        .freshness()?
        .ok_or_else(|| Error::Usage("no dated data is loaded to backtest against".into()))?;
    Ok(freshness - chrono::Duration::days(horizon))
}

/// The accounts in the portfolio at `date` that churned within `horizon` days after it.
pub fn churned_within(db: &Db, date: NaiveDate, horizon: i64) -> Result<HashSet<String>> {
    let day = date.format("%Y-%m-%d").to_string();
    Ok(rows(
        db.conn(),
        queries::BACKTEST_OUTCOMES,
        duckdb::params![day, horizon],
        |r| r.get(0),
    )?
    .into_iter()
    .collect())
}

/// Scores as of `date` with `model` (installing it) and checks them against churn within the
/// horizon.
pub fn backtest_at(db: &Db, model: &Model, date: NaiveDate, horizon: i64) -> Result<Backtest> {
    let day = date.format("%Y-%m-%d").to_string();
    let churned = churned_within(db, date, horizon)?;
    let nps: std::collections::HashMap<String, String> =
        rows(db.conn(), queries::BACKTEST_NPS, [&day], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .into_iter()
        .collect();
    score::install(db.conn(), model)?;
    let accounts = score::score_accounts(db.conn(), AsOf::historical(date))?;
    Ok(evaluate(
        &accounts,
        &churned,
        &nps,
        &model.band_names(),
        &day,
        horizon,
        &model.hash(),
    ))
}

/// Evaluates scores taken at T against who churned within the horizon.
pub fn evaluate(
    accounts: &[AccountScore],
    churned: &HashSet<String>,
    nps_category: &std::collections::HashMap<String, String>,
    bands: &[String],
    as_of: &str,
    horizon_days: i64,
    model: &str,
) -> Backtest {
    let outcome = |a: &AccountScore| churned.contains(&a.account_id);
    let with_score: Vec<(&AccountScore, bool)> = accounts
        .iter()
        .filter(|a| a.health.is_some())
        .map(|a| (a, outcome(a)))
        .collect();
    let pairs: Vec<(f64, bool)> = with_score
        .iter()
        .map(|(a, c)| (100.0 - a.health.unwrap_or(0) as f64, *c))
        .collect();
    let churned_total = accounts.iter().filter(|a| outcome(a)).count();
    let all: Vec<(&AccountScore, bool)> = accounts.iter().map(|a| (a, outcome(a))).collect();
    let members = |keep: &dyn Fn(&AccountScore) -> bool| -> Vec<(&AccountScore, bool)> {
        all.iter().filter(|(a, _)| keep(a)).copied().collect()
    };
    let mut band_rows: Vec<RateRow> = bands
        .iter()
        .map(|band| RateRow::of(band.clone(), &members(&|a| a.band.as_deref() == Some(band))))
        .collect();
    let unscored = members(&|a| a.health.is_none());
    let unscored_churned = unscored.iter().filter(|(_, c)| *c).count();
    band_rows.push(RateRow::of("no score", &unscored));
    let mut by_health = with_score.clone();
    by_health.sort_by(|a, b| {
        a.0.health
            .cmp(&b.0.health)
            .then(a.0.account_id.cmp(&b.0.account_id))
    });
    let deciles: Vec<RateRow> = (0..10)
        .filter_map(|d| {
            let from = by_health.len() * d / 10;
            let to = by_health.len() * (d + 1) / 10;
            let part = &by_health[from..to];
            let (low, high) = (part.first()?.0.health?, part.last()?.0.health?);
            Some(RateRow::of(
                format!("decile {} (health {low}–{high})", d + 1),
                part,
            ))
        })
        .collect();
    let nps = [
        "promoter",
        "passive",
        "detractor",
        "no response in 180 days",
    ]
    .iter()
    .map(|category| {
        RateRow::of(
            *category,
            &members(&|a| nps_category.get(&a.account_id).map(String::as_str) == Some(category)),
        )
    })
    .collect();
    let segments = groups(&all, |a| {
        a.segment.clone().unwrap_or_else(|| "no segment".into())
    });
    let profiles = if accounts.iter().any(|a| a.profile.is_some()) {
        groups(&all, |a| {
            a.profile.clone().unwrap_or_else(|| "base model".into())
        })
    } else {
        Vec::new()
    };
    let base_rate = rate(churned_total, accounts.len());
    let top_decile_lift = lift(&all);
    let mut flags = vec![quality(
        "at risk (any reason)",
        &all,
        AccountScore::at_risk,
        churned_total,
    )];
    let mut codes: Vec<String> = accounts
        .iter()
        .flat_map(|a| a.reasons.iter().map(|r| r.code.clone()))
        .collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        flags.push(quality(
            &code,
            &all,
            |a| a.reasons.iter().any(|r| r.code == code),
            churned_total,
        ));
    }
    Backtest {
        as_of: as_of.to_owned(),
        horizon_days,
        model: model.to_owned(),
        accounts: accounts.len(),
        churned: churned_total,
        base_rate,
        auc: auc(&pairs),
        auc_95: auc_interval(&pairs),
        without_score: unscored.len(),
        without_score_churned: unscored_churned,
        bands: band_rows,
        top_decile_lift,
        flags,
        deciles,
        nps,
        segments,
        profiles,
    }
}

/// AUC, its interval and lift per group of accounts (segment or profile); a group with fewer
/// than `MIN_SEGMENT_EVENTS` churn events says so instead.
fn groups(all: &[(&AccountScore, bool)], key: impl Fn(&AccountScore) -> String) -> Vec<SegmentRow> {
    let mut names: Vec<String> = all.iter().map(|(a, _)| key(a)).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let part: Vec<(&AccountScore, bool)> = all
                .iter()
                .filter(|(a, _)| key(a) == name)
                .copied()
                .collect();
            let churned = part.iter().filter(|(_, c)| *c).count();
            let pairs: Vec<(f64, bool)> = part
                .iter()
                .filter_map(|(a, c)| Some((100.0 - a.health? as f64, *c)))
                .collect();
            let enough = churned >= MIN_SEGMENT_EVENTS;
            SegmentRow {
                accounts: part.len(),
                churned,
                auc: enough.then(|| auc(&pairs)).flatten(),
                auc_95: enough.then(|| auc_interval(&pairs)).flatten(),
                top_decile_lift: enough.then(|| lift(&part)).flatten(),
                note: (!enough).then(|| {
                    format!("fewer than {MIN_SEGMENT_EVENTS} churn events ({churned}): no figure")
                }),
                segment: name,
            }
        })
        .collect()
}

/// Top-decile lift: the churn rate of the tenth the queue puts first (by priority) over the
/// base rate.
fn lift(all: &[(&AccountScore, bool)]) -> Option<f64> {
    let mut by_priority: Vec<&(&AccountScore, bool)> = all.iter().collect();
    by_priority.sort_by(|a, b| {
        b.0.priority
            .total_cmp(&a.0.priority)
            .then(a.0.account_id.cmp(&b.0.account_id))
    });
    let decile = by_priority.len().div_ceil(10);
    let top_churned = by_priority[..decile].iter().filter(|p| p.1).count();
    let churned = all.iter().filter(|p| p.1).count();
    match (rate(top_churned, decile), rate(churned, all.len())) {
        (Some(top), Some(base)) if base > 0.0 => Some(top / base),
        _ => None,
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.1}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}

pub const NO_LEAKAGE: &str = "Scores as of T use only rows dated on or before T and console actions logged by the end of T: nothing after T can leak into them.";

pub const LIFT: &str = "Top-decile lift: the churn rate of the tenth of accounts the queue puts first (by priority), divided by the base rate; 1× is no better than picking at random.";

/// One backtest (or several side by side) as a text or Markdown table.
pub fn text(runs: &[Backtest], markdown: bool) -> String {
    let first = &runs[0];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut line = |label: &str, f: &dyn Fn(&Backtest) -> String| {
        rows.push(
            std::iter::once(label.to_owned())
                .chain(runs.iter().map(f))
                .collect(),
        );
    };
    line("AUC (100 − health vs churn)", &|r| num(r.auc));
    line("AUC 95% bootstrap interval", &|r| {
        r.auc_95
            .map_or("—".into(), |(lo, hi)| format!("{lo:.3}–{hi:.3}"))
    });
    line("top-decile lift (by priority)", &|r| {
        r.top_decile_lift.map_or("—".into(), |l| format!("{l:.2}×"))
    });
    line("accounts without a score (churned)", &|r| {
        format!("{} ({})", r.without_score, r.without_score_churned)
    });
    for (i, band) in first.bands.iter().enumerate() {
        line(&format!("churn rate, {}", band.label), &|r| {
            r.bands.get(i).map_or("—".into(), |b| {
                format!("{} ({}/{})", pct(b.churn_rate), b.churned, b.accounts)
            })
        });
    }
    let mut flags: Vec<String> = Vec::new();
    for flag in runs
        .iter()
        .flat_map(|r| r.flags.iter().map(|f| f.flag.clone()))
    {
        if !flags.contains(&flag) {
            flags.push(flag);
        }
    }
    for flag in flags {
        line(&format!("{flag}: precision / recall"), &|r| {
            r.flags
                .iter()
                .find(|f| f.flag == flag)
                .map_or("—".into(), |f| {
                    format!("{} / {} (n={})", pct(f.precision), pct(f.recall), f.flagged)
                })
        });
    }
    let header: Vec<String> = std::iter::once("figure".to_owned())
        .chain(runs.iter().map(|r| format!("model {}", r.model)))
        .collect();
    let mut out = format!(
        "Backtest as of {} over {} days: {} accounts, {} churned (base rate {})\n{NO_LEAKAGE}\n\n",
        first.as_of,
        first.horizon_days,
        first.accounts,
        first.churned,
        pct(first.base_rate)
    );
    use super::table::{Align, TextTable};
    let aligns: Vec<(&str, Align)> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    let mut table = TextTable::new(&aligns);
    for row in rows {
        table.row(row);
    }
    out.push_str(&if markdown {
        table.markdown()
    } else {
        table.render()
    });
    out.push_str(LIFT);
    out.push('\n');
    out.push_str(&details(first, markdown));
    out
}

fn interval(i: Option<(f64, f64)>) -> String {
    i.map_or("—".into(), |(lo, hi)| {
        format!("{:.1}–{:.1}%", lo * 100.0, hi * 100.0)
    })
}

fn table(header: &[&str], rows: Vec<Vec<String>>, markdown: bool) -> String {
    use super::table::{Align, TextTable};
    let aligns: Vec<(&str, Align)> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    let mut t = TextTable::new(&aligns);
    for row in rows {
        t.row(row);
    }
    if markdown { t.markdown() } else { t.render() }
}

fn rate_rows(rows: &[RateRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.accounts.to_string(),
                crate::format::group_digits(r.arr),
                r.churned.to_string(),
                pct(r.churn_rate),
                interval(r.interval_95),
            ]
        })
        .collect()
}

/// Calibration, the voice of the customer and the segments of one backtest.
fn details(r: &Backtest, markdown: bool) -> String {
    let header = ["", "n", "ARR", "churned", "churn rate", "95% interval"];
    let mut out = format!(
        "\nCalibration (model {}): churn within {} days per health decile, lowest health first\n",
        r.model, r.horizon_days
    );
    out.push_str(&table(&header, rate_rows(&r.deciles), markdown));
    out.push_str("\nChurn per band\n");
    out.push_str(&table(&header, rate_rows(&r.bands), markdown));
    out.push_str("\nThe voice of the customer: churn per NPS category at T (the latest response in 180 days)\n");
    out.push_str(&table(&header, rate_rows(&r.nps), markdown));
    for (title, rows, first) in [
        ("Per segment", &r.segments, "segment"),
        ("Per profile", &r.profiles, "profile"),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        let body = rows
            .iter()
            .map(|s| {
                vec![
                    s.segment.clone(),
                    s.accounts.to_string(),
                    s.churned.to_string(),
                    s.note.clone().unwrap_or_else(|| num(s.auc)),
                    interval_plain(s.auc_95),
                    s.top_decile_lift.map_or("—".into(), |l| format!("{l:.2}×")),
                ]
            })
            .collect();
        out.push_str(&table(
            &[first, "n", "churned", "AUC", "AUC 95%", "top-decile lift"],
            body,
            markdown,
        ));
    }
    out
}

fn interval_plain(i: Option<(f64, f64)>) -> String {
    i.map_or("—".into(), |(lo, hi)| format!("{lo:.3}–{hi:.3}"))
}

/// The ARR expected to churn within the next horizon, by band: each band's ARR now times the
/// band's churn rate in the backtest, with the rate's 95% interval. An estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChurnEstimate {
    pub band: String,
    pub accounts: usize,
    pub arr: f64,
    pub expected_arr: Option<f64>,
    pub interval_95: Option<(f64, f64)>,
}

pub fn churn_estimate(backtest: &Backtest, now: &[AccountScore]) -> Vec<ChurnEstimate> {
    backtest
        .bands
        .iter()
        .map(|b| {
            let members: Vec<&AccountScore> = now
                .iter()
                .filter(|a| match b.label.as_str() {
                    "no score" => a.health.is_none(),
                    band => a.band.as_deref() == Some(band),
                })
                .collect();
            let arr: f64 = members.iter().map(|a| a.arr).sum();
            ChurnEstimate {
                band: b.label.clone(),
                accounts: members.len(),
                arr,
                expected_arr: b.churn_rate.map(|r| r * arr),
                interval_95: b.interval_95.map(|(lo, hi)| (lo * arr, hi * arr)),
            }
        })
        .collect()
}

pub fn estimate_text(rows: &[ChurnEstimate], horizon: i64, markdown: bool) -> String {
    let money = |v: f64| crate::format::group_digits(v);
    let body = rows
        .iter()
        .map(|e| {
            vec![
                e.band.clone(),
                e.accounts.to_string(),
                money(e.arr),
                e.expected_arr.map_or("—".into(), money),
                e.interval_95.map_or("—".into(), |(lo, hi)| {
                    format!("{}–{}", money(lo), money(hi))
                }),
            ]
        })
        .collect();
    format!(
        "\nEstimate: ARR expected to churn in the next {horizon} days, by band (today's ARR × the band's churn rate above)\n{}",
        table(
            &[
                "band",
                "accounts now",
                "ARR now",
                "expected to churn",
                "95% interval"
            ],
            body,
            markdown
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_on_hand_checkable_cases() {
        assert_eq!(
            auc(&[(0.9, true), (0.8, true), (0.2, false), (0.1, false)]),
            Some(1.0)
        );
        assert_eq!(
            auc(&[(0.1, true), (0.2, true), (0.8, false), (0.9, false)]),
            Some(0.0)
        );
        assert_eq!(
            auc(&[(0.5, true), (0.5, false), (0.5, true), (0.5, false)]),
            Some(0.5)
        );
        // One churned account above two of three retained ones: 2/3.
        assert_eq!(
            auc(&[(0.6, true), (0.7, false), (0.5, false), (0.1, false)]),
            Some(2.0 / 3.0)
        );
        assert_eq!(auc(&[(0.6, true)]), None);
    }

    #[test]
    fn the_bootstrap_interval_contains_the_estimate_and_is_reproducible() {
        let pairs: Vec<(f64, bool)> = (0..200)
            .map(|i| (f64::from(i % 37), i % 5 == 0 || i % 37 > 30))
            .collect();
        let estimate = auc(&pairs).unwrap();
        let (lo, hi) = auc_interval(&pairs).unwrap();
        assert!(lo <= estimate && estimate <= hi, "{lo} {estimate} {hi}");
        assert_eq!(auc_interval(&pairs), Some((lo, hi)));
    }
}
