//! `retain model fit`: the model's weights learnt from the team's own churn history, validated
//! out of time. The fitted model keeps the shape of the one it starts from (the same measures,
//! their bad and good points): only the non-negative whole weights change, so every score is
//! still a weighted mean a CSM can read line by line.
//!
//! Method: a direct search on AUC. The measures' scores do not depend on the weights, so each
//! account's scores at each snapshot date are computed once; the search then moves one weight at
//! a time over a small grid, keeping a move only when the training AUC rises, until no move
//! helps. The holdout (later dates, whose outcome windows never overlap the training labels)
//! judges the result: the gain in AUC over the starting weights, with a paired bootstrap 95%
//! interval. Deterministic: a fixed order of moves, a fixed bootstrap seed.

use chrono::NaiveDate;

use super::backtest::auc;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::score::{self, AsOf};

/// The weights the search tries for each measure.
pub const GRID: [f64; 8] = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0];
/// Fewer churn events than this in training or holdout: no fit.
pub const MIN_EVENTS: usize = 20;
const RESAMPLES: usize = 500;
/// The meta key under which the last fit's verdict is kept, for the Model tab.
pub const LAST_FIT: &str = "last_fit";

/// One account at one snapshot date: its measures' scores (in model order) and whether it
/// churned within the horizon after the date.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub scores: Vec<Option<f64>>,
    pub churned: bool,
    /// The account's segment, for `--by segment`.
    pub segment: Option<String>,
}

/// Health under `weights`: the weighted mean of the measures present (None: none present or
/// every present measure weighs 0).
pub fn health(weights: &[f64], scores: &[Option<f64>]) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for (w, s) in weights.iter().zip(scores) {
        if let Some(s) = s {
            sum += w * s;
            weight += w;
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

/// AUC of risk (100 − health) against churn; accounts without health are left out.
pub fn auc_of(weights: &[f64], examples: &[&Example]) -> Option<f64> {
    let pairs: Vec<(f64, bool)> = examples
        .iter()
        .filter_map(|e| Some((100.0 - health(weights, &e.scores)?, e.churned)))
        .collect();
    auc(&pairs)
}

/// The direct search: from `start`, one weight at a time over `GRID`, while the AUC rises.
pub fn fit_weights(start: &[f64], train: &[&Example]) -> Vec<f64> {
    let mut best = start.to_vec();
    let mut best_auc = auc_of(&best, train).unwrap_or(0.0);
    for _round in 0..4 {
        let mut moved = false;
        for i in 0..best.len() {
            for &w in &GRID {
                if w == best[i] {
                    continue;
                }
                let mut trial = best.clone();
                trial[i] = w;
                if trial.iter().all(|w| *w == 0.0) {
                    continue;
                }
                if let Some(a) = auc_of(&trial, train)
                    && a > best_auc + 1e-9
                {
                    (best, best_auc, moved) = (trial, a, true);
                }
            }
        }
        if !moved {
            break;
        }
    }
    best
}

/// The holdout gain in AUC of `fitted` over `start`, and its paired bootstrap 95% interval
/// (the same resampled accounts score both).
pub fn paired_gain(start: &[f64], fitted: &[f64], holdout: &[&Example]) -> Option<(f64, f64, f64)> {
    let gain = auc_of(fitted, holdout)? - auc_of(start, holdout)?;
    let mut rng = crate::rng::Rng::new(0xF17);
    let mut gains: Vec<f64> = (0..RESAMPLES)
        .filter_map(|_| {
            let sample: Vec<&Example> = (0..holdout.len())
                .map(|_| holdout[rng.below(holdout.len() as u64) as usize])
                .collect();
            Some(auc_of(fitted, &sample)? - auc_of(start, &sample)?)
        })
        .collect();
    gains.sort_by(f64::total_cmp);
    let at = |q: f64| gains[((gains.len() - 1) as f64 * q).round() as usize];
    (!gains.is_empty()).then(|| (gain, at(0.025), at(0.975)))
}

/// The training and holdout windows, in snapshot dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Windows {
    pub horizon: i64,
    pub every: i64,
    pub train_from: NaiveDate,
    pub train_until: NaiveDate,
    pub holdout_from: NaiveDate,
    pub holdout_until: NaiveDate,
}

impl Windows {
    /// Defaults from the data: the holdout's last date is the last with a fully observed
    /// outcome (freshness − horizon), its first 60 days earlier; training ends a horizon
    /// before the holdout starts (its labels end where the holdout's begin), and starts 180
    /// days before it ends.
    pub fn resolve(
        freshness: NaiveDate,
        horizon: i64,
        every: i64,
        train_from: Option<NaiveDate>,
        train_until: Option<NaiveDate>,
        holdout_from: Option<NaiveDate>,
    ) -> Result<Windows> {
        let days = |n: i64| chrono::Duration::days(n);
        let holdout_until = freshness - days(horizon);
        let holdout_from = holdout_from.unwrap_or(holdout_until - days(60));
        let train_until = train_until.unwrap_or(holdout_from - days(horizon));
        let train_from = train_from.unwrap_or(train_until - days(180));
        if train_until + days(horizon) > holdout_from {
            return Err(Error::Usage(format!(
                "training labels would overlap the holdout: the last training date {train_until} + {horizon} days is after --holdout-from {holdout_from}"
            )));
        }
        if train_from > train_until || holdout_from > holdout_until {
            return Err(Error::Usage(format!(
                "empty window: training {train_from}–{train_until}, holdout {holdout_from}–{holdout_until} (the holdout ends at the data's freshness {freshness} minus the horizon)"
            )));
        }
        Ok(Windows {
            horizon,
            every,
            train_from,
            train_until,
            holdout_from,
            holdout_until,
        })
    }

    fn dates(&self, from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
        let mut dates = Vec::new();
        let mut date = until;
        while date >= from {
            dates.push(date);
            date -= chrono::Duration::days(self.every);
        }
        dates.reverse();
        dates
    }
}

/// Every account in the portfolio at each date, scored by `model` as of that date (nothing
/// after it), labelled by churn within the horizon after it.
pub fn examples(db: &Db, model: &Model, dates: &[NaiveDate], horizon: i64) -> Result<Vec<Example>> {
    score::install(db.conn(), model)?;
    let mut out = Vec::new();
    for date in dates {
        let churned = super::backtest::churned_within(db, *date, horizon)?;
        for a in score::score_accounts(db.conn(), AsOf::historical(*date))? {
            let scores = model
                .measures
                .iter()
                .map(|m| {
                    a.measures
                        .iter()
                        .find(|s| s.measure == m.name)
                        .and_then(|s| s.score)
                })
                .collect();
            out.push(Example {
                scores,
                churned: churned.contains(&a.account_id),
                segment: a.segment.clone(),
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    pub windows: Windows,
    pub training_dates: usize,
    pub holdout_dates: usize,
    pub training_examples: usize,
    pub training_events: usize,
    pub holdout_examples: usize,
    pub holdout_events: usize,
    pub measures: Vec<String>,
    pub start_weights: Vec<f64>,
    pub fitted_weights: Vec<f64>,
    pub train_auc: (Option<f64>, Option<f64>),
    pub holdout_auc: (Option<f64>, Option<f64>),
    /// The holdout gain and its 95% interval.
    pub gain: Option<(f64, f64, f64)>,
    /// Per measure: how much the holdout AUC of the fitted model falls without it.
    pub contributions: Vec<Option<f64>>,
    pub better: bool,
}

impl FitReport {
    pub fn verdict(&self) -> &'static str {
        if self.better {
            "better: the interval of the holdout gain is above 0"
        } else {
            "no evidence that the fitted model is better: keep the current one"
        }
    }
}

/// A fit of one segment's own weights (`--by segment`): its report, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentFit {
    pub segment: String,
    pub report: std::result::Result<FitReport, String>,
}

/// Fits the weights on the training window and judges them on the holdout; with `by_segment`,
/// also one fit per segment that has enough churn events in both windows.
pub fn fit(
    db: &Db,
    model: &Model,
    windows: Windows,
    by_segment: bool,
) -> Result<(FitReport, Vec<SegmentFit>)> {
    let train_dates = windows.dates(windows.train_from, windows.train_until);
    let holdout_dates = windows.dates(windows.holdout_from, windows.holdout_until);
    let train = examples(db, model, &train_dates, windows.horizon)?;
    let holdout = examples(db, model, &holdout_dates, windows.horizon)?;
    let dates = (train_dates.len(), holdout_dates.len());
    let all_train: Vec<&Example> = train.iter().collect();
    let all_holdout: Vec<&Example> = holdout.iter().collect();
    let overall = fit_examples(model, &windows, dates, &all_train, &all_holdout)?;
    let mut segments: Vec<String> = train.iter().filter_map(|e| e.segment.clone()).collect();
    segments.sort();
    segments.dedup();
    let per_segment = if by_segment {
        segments
            .into_iter()
            .map(|segment| {
                let in_segment = |e: &&Example| e.segment.as_deref() == Some(segment.as_str());
                let seg_train: Vec<&Example> = train.iter().filter(in_segment).collect();
                let seg_holdout: Vec<&Example> = holdout.iter().filter(in_segment).collect();
                let report = fit_examples(model, &windows, dates, &seg_train, &seg_holdout)
                    .map_err(|e| e.to_string());
                SegmentFit { segment, report }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((overall, per_segment))
}

fn fit_examples(
    model: &Model,
    windows: &Windows,
    (training_dates, holdout_dates): (usize, usize),
    train: &[&Example],
    holdout: &[&Example],
) -> Result<FitReport> {
    let windows = windows.clone();
    let events = |set: &[&Example]| set.iter().filter(|e| e.churned).count();
    let (train_events, holdout_events) = (events(train), events(holdout));
    if train_events < MIN_EVENTS || holdout_events < MIN_EVENTS {
        return Err(Error::Usage(format!(
            "too few churn events to fit: {train_events} in training ({} snapshots, {}–{}), {holdout_events} in the holdout ({} snapshots, {}–{}); at least {MIN_EVENTS} in each (a longer window, or --every 15d, gives more)",
            training_dates,
            windows.train_from,
            windows.train_until,
            holdout_dates,
            windows.holdout_from,
            windows.holdout_until
        )));
    }
    let start: Vec<f64> = model.measures.iter().map(|m| m.weight).collect();
    let fitted = fit_weights(&start, train);
    let gain = paired_gain(&start, &fitted, holdout);
    let fitted_holdout = auc_of(&fitted, holdout);
    let contributions = (0..fitted.len())
        .map(|i| {
            if fitted[i] == 0.0 {
                return None;
            }
            let mut without = fitted.clone();
            without[i] = 0.0;
            Some(fitted_holdout? - auc_of(&without, holdout)?)
        })
        .collect();
    Ok(FitReport {
        training_dates,
        holdout_dates,
        training_examples: train.len(),
        training_events: train_events,
        holdout_examples: holdout.len(),
        holdout_events,
        measures: model.measures.iter().map(|m| m.name.clone()).collect(),
        train_auc: (auc_of(&start, train), auc_of(&fitted, train)),
        holdout_auc: (auc_of(&start, holdout), fitted_holdout),
        better: gain.is_some_and(|(_, lo, _)| lo > 0.0),
        gain,
        contributions,
        start_weights: start,
        fitted_weights: fitted,
        windows,
    })
}

/// One line for the Model tab: when, the holdout AUCs, the gain and the verdict.
pub fn summary(r: &FitReport, today: NaiveDate) -> String {
    let auc = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.3}"));
    let gain = r.gain.map_or(String::new(), |(g, lo, hi)| {
        format!(", gain {g:+.3} (95%: {lo:+.3} to {hi:+.3})")
    });
    format!(
        "{today}, holdout AUC {} → {}{gain}: {}",
        auc(r.holdout_auc.0),
        auc(r.holdout_auc.1),
        if r.better {
            "better"
        } else {
            "no evidence, keep the current model"
        }
    )
}

/// The per-segment fits of `--by segment`, after the overall one.
pub fn segments_text(fits: &[SegmentFit]) -> String {
    let mut out = String::new();
    for fit in fits {
        match &fit.report {
            Ok(r) => {
                out.push_str(&format!("\nSegment {}\n", fit.segment));
                out.push_str(&text(r));
            }
            Err(why) => out.push_str(&format!("\nSegment {}: no profile ({why})\n", fit.segment)),
        }
    }
    out
}

pub fn text(r: &FitReport) -> String {
    let auc = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.3}"));
    let w = &r.windows;
    let mut out = format!(
        "Fit: snapshots every {} days, churn within {} days after each\n\
         training {}–{}: {} snapshots, {} account-snapshots, {} churned\n\
         holdout  {}–{}: {} snapshots, {} account-snapshots, {} churned (its labels start after training's end)\n\n",
        w.every,
        w.horizon,
        w.train_from,
        w.train_until,
        r.training_dates,
        r.training_examples,
        r.training_events,
        w.holdout_from,
        w.holdout_until,
        r.holdout_dates,
        r.holdout_examples,
        r.holdout_events
    );
    out.push_str(&format!(
        "AUC            current  fitted\ntraining       {:>7}  {:>6}\nholdout        {:>7}  {:>6}\n",
        auc(r.train_auc.0),
        auc(r.train_auc.1),
        auc(r.holdout_auc.0),
        auc(r.holdout_auc.1)
    ));
    if let Some((gain, lo, hi)) = r.gain {
        out.push_str(&format!(
            "holdout gain   {gain:+.3} (paired bootstrap 95%: {lo:+.3} to {hi:+.3})\n"
        ));
    }
    out.push_str(&format!(
        "verdict: {}\n\nmeasure            current  fitted  holdout contribution\n",
        r.verdict()
    ));
    for (i, name) in r.measures.iter().enumerate() {
        out.push_str(&format!(
            "{name:<18} {:>7}  {:>6}  {}\n",
            r.start_weights[i],
            r.fitted_weights[i],
            r.contributions[i].map_or("off".into(), |c| format!("{c:+.3} AUC"))
        ));
    }
    out
}

/// The fitted model as a file `model check`, `backtest --vs` and `model diff` accept: the
/// starting model's text with each weight replaced and commented with its holdout
/// contribution; a measure the fit turned off is commented out whole.
pub fn model_file(source: &str, r: &FitReport, segments: &[SegmentFit]) -> String {
    let mut out = format!(
        "# Fitted by `retain model fit` on {}–{} (holdout {}–{}): holdout AUC {} → {}.\n# Verdict: {}\n",
        r.windows.train_from,
        r.windows.train_until,
        r.windows.holdout_from,
        r.windows.holdout_until,
        r.holdout_auc.0.map_or("—".into(), |v| format!("{v:.3}")),
        r.holdout_auc.1.map_or("—".into(), |v| format!("{v:.3}")),
        r.verdict()
    );
    let blocks: Vec<&str> = source.split("[[measure]]").collect();
    out.push_str(blocks[0]);
    for block in &blocks[1..] {
        let name = block
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("name = ")
                    .map(|n| n.trim_matches('"'))
            })
            .unwrap_or_default();
        let Some(i) = r.measures.iter().position(|m| m == name) else {
            out.push_str("[[measure]]");
            out.push_str(block);
            continue;
        };
        let weight = r.fitted_weights[i];
        // The measure's own lines end at the first blank line; what follows is kept as is.
        let (own, rest) = block.split_once("\n\n").unwrap_or((block, ""));
        if weight == 0.0 {
            out.push_str(&format!("# Turned off by the fit (weight 0): {name}\n"));
            for line in format!("[[measure]]{own}").lines() {
                out.push_str(&format!("# {line}\n"));
            }
        } else {
            out.push_str("[[measure]]");
            for line in own.lines() {
                if line.trim_start().starts_with("weight =") {
                    let contribution = r.contributions[i].map_or(String::new(), |c| {
                        format!("  # holdout contribution {c:+.3} AUC")
                    });
                    out.push_str(&format!("weight = {weight}{contribution}\n"));
                } else {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        if block.contains("\n\n") {
            out.push('\n');
            out.push_str(rest);
        }
    }
    // One profile per segment whose own fit the holdout found better.
    for fit in segments {
        let Ok(seg) = &fit.report else { continue };
        if !seg.better {
            continue;
        }
        out.push_str(&format!(
            "\n# Fitted on the {} accounts alone: holdout AUC {} → {}.\n[[profile]]\nname = {:?}\nmatch = {{ segment = [{:?}] }}\n",
            fit.segment,
            seg.holdout_auc.0.map_or("—".into(), |v| format!("{v:.3}")),
            seg.holdout_auc.1.map_or("—".into(), |v| format!("{v:.3}")),
            fit.segment.to_lowercase(),
            fit.segment
        ));
        for (i, name) in seg.measures.iter().enumerate() {
            if r.fitted_weights[i] == 0.0 && seg.fitted_weights[i] != 0.0 {
                // A profile overrides measures of the file's base model; this one is off there.
                out.push_str(&format!(
                    "# {name}: weight {} for this segment, but the overall fit turned it off\n",
                    seg.fitted_weights[i]
                ));
            } else if seg.fitted_weights[i] != r.fitted_weights[i] {
                out.push_str(&format!(
                    "[[profile.measure]]\nname = {name:?}\nweight = {}\n",
                    seg.fitted_weights[i]
                ));
            }
        }
    }
    out
}
