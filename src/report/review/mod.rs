//! The weekly account review: portfolio figures against a week earlier, the agenda with the
//! facts behind each item, data quality and the trend. Built from scores; written as Markdown,
//! HTML (inline SVG, no external assets), CSV or JSON.

mod gather;

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

pub use gather::build_review;

use crate::format::countdown;
use crate::model::Model;
use crate::model::filter::AccountFilter;
use crate::model::queue::ConsoleState;
use crate::model::score::{AccountScore, SURVEY_LABELS};

/// Scores at T and at the weeks before, plus what the console and the load know.
pub struct ReviewInput<'a> {
    pub model: &'a Model,
    pub as_of: NaiveDate,
    pub today: NaiveDate,
    pub owner: Option<&'a str>,
    pub now: &'a [AccountScore],
    pub week_ago: &'a [AccountScore],
    pub two_weeks_ago: &'a [AccountScore],
    pub console: &'a HashMap<String, ConsoleState>,
    pub table_freshness: Vec<(String, Option<String>, i64)>,
    pub orphans: Vec<(String, i64)>,
    pub weekly: Vec<WeekPoint>,
    pub retention: Vec<RetentionPeriod>,
    /// (account_id, title, day) of the outcomes achieved in the review's week.
    pub outcomes_achieved: Vec<(String, String, String)>,
    /// Each account's NPS category now, and the churn per category in the default backtest.
    pub nps_now: HashMap<String, String>,
    pub nps_history: Vec<crate::report::backtest::RateRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub name: String,
    pub now: f64,
    pub week_ago: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveySummary {
    pub kind: String,
    pub value: Option<f64>,
    pub n: i64,
    pub thin: bool,
    pub week_ago: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub account_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub arr: f64,
    pub health: Option<i64>,
    pub band: Option<String>,
    /// The model profile that scored the account, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub fact: String,
    /// The plays running on the account, and how many of their tasks are overdue.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub plays: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaItem {
    pub key: &'static str,
    pub title: &'static str,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekPoint {
    pub as_of: String,
    pub mean_health: Option<f64>,
    pub at_risk: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionPeriod {
    pub first_day: String,
    pub last_day: String,
    pub start_arr: f64,
    pub churned_arr: f64,
    pub churned_accounts: i64,
}

impl RetentionPeriod {
    pub fn gross_retention(&self) -> Option<f64> {
        (self.start_arr > 0.0).then(|| (self.start_arr - self.churned_arr) / self.start_arr)
    }
}

/// The voice of the customer tied to revenue: one NPS category's accounts and ARR now, and the
/// churn within the backtest's horizon of the whole portfolio's accounts in it then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NpsCategory {
    pub category: String,
    pub accounts: usize,
    pub arr: f64,
    pub arr_at_risk: f64,
    pub history_accounts: usize,
    pub history_churn_rate: Option<f64>,
    pub history_interval_95: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenewalMonth {
    pub month: String,
    pub arr_due: f64,
    pub arr_at_risk: f64,
    pub accounts: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub as_of: String,
    pub week_ago: String,
    pub owner: Option<String>,
    pub model: String,
    pub figures: Vec<Figure>,
    pub bands: Vec<(String, usize, usize)>,
    pub surveys: Vec<SurveySummary>,
    pub agenda: Vec<AgendaItem>,
    pub freshness: Vec<(String, Option<String>, i64)>,
    pub orphans: Vec<(String, i64)>,
    pub low_coverage: Vec<Entry>,
    pub weekly: Vec<WeekPoint>,
    pub renewals: Vec<RenewalMonth>,
    pub retention: Vec<RetentionPeriod>,
    /// How each play has done (filled from the database).
    pub plays: Vec<crate::db::plays::PlayStats>,
    pub nps: Vec<NpsCategory>,
}

fn entry(a: &AccountScore, fact: String) -> Entry {
    Entry {
        account_id: a.account_id.clone(),
        name: a.name.clone(),
        owner: a.owner.clone(),
        arr: a.arr,
        health: a.health,
        band: a.band.clone(),
        profile: a.profile.clone(),
        fact,
        plays: String::new(),
    }
}

fn arr_at_risk(accounts: &[&AccountScore]) -> f64 {
    accounts.iter().filter(|a| a.at_risk()).map(|a| a.arr).sum()
}

/// Portfolio NPS, CSAT and CES over every response behind the account figures.
fn survey_summaries(
    now: &[&AccountScore],
    before: &[&AccountScore],
    thin_below: i64,
) -> Vec<SurveySummary> {
    let pooled = |accounts: &[&AccountScore], kind: usize| {
        let (sum, n) = accounts
            .iter()
            .map(|a| a.survey_figures()[kind])
            .filter_map(|f| Some((f.value? * f.n as f64, f.n)))
            .fold((0.0, 0i64), |(s, n), (v, k)| (s + v, n + k));
        (n > 0).then(|| sum / n as f64).map(|v| (v, n))
    };
    SURVEY_LABELS
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let current = pooled(now, k);
            SurveySummary {
                kind: (*label).to_owned(),
                value: current.map(|c| c.0),
                n: current.map_or(0, |c| c.1),
                thin: current.map_or(0, |c| c.1) < thin_below,
                week_ago: pooled(before, k).map(|c| c.0),
            }
        })
        .collect()
}

fn by_id(accounts: &[&AccountScore]) -> HashMap<String, AccountScore> {
    accounts
        .iter()
        .map(|a| (a.account_id.clone(), (*a).clone()))
        .collect()
}

pub fn build(input: &ReviewInput) -> Review {
    let filter = AccountFilter {
        owner: input.owner.map(str::to_owned),
        ..AccountFilter::default()
    };
    let mine = |a: &&AccountScore| filter.matches(a);
    let now: Vec<&AccountScore> = input.now.iter().filter(mine).collect();
    let before: Vec<&AccountScore> = input.week_ago.iter().filter(mine).collect();
    let two_before = by_id(&input.two_weeks_ago.iter().filter(mine).collect::<Vec<_>>());
    let before_by_id = by_id(&before);
    let model = input.model;

    let figures = vec![
        Figure {
            name: "accounts".into(),
            now: now.len() as f64,
            week_ago: before.len() as f64,
        },
        Figure {
            name: "ARR".into(),
            now: now.iter().map(|a| a.arr).sum(),
            week_ago: before.iter().map(|a| a.arr).sum(),
        },
        Figure {
            name: "ARR at risk".into(),
            now: arr_at_risk(&now),
            week_ago: arr_at_risk(&before),
        },
        Figure {
            name: "accounts at risk".into(),
            now: now.iter().filter(|a| a.at_risk()).count() as f64,
            week_ago: before.iter().filter(|a| a.at_risk()).count() as f64,
        },
    ];
    let count_band = |accounts: &[&AccountScore], band: Option<&str>| {
        accounts
            .iter()
            .filter(|a| a.band.as_deref() == band)
            .count()
    };
    let mut bands: Vec<(String, usize, usize)> = model
        .bands
        .iter()
        .map(|b| {
            (
                b.name.clone(),
                count_band(&now, Some(&b.name)),
                count_band(&before, Some(&b.name)),
            )
        })
        .collect();
    bands.push((
        "no score".into(),
        count_band(&now, None),
        count_band(&before, None),
    ));

    let red = |a: Option<&AccountScore>| {
        a.is_some_and(|a| a.band.as_deref() == model.bands.last().map(|b| b.name.as_str()))
    };
    let week_end = input
        .today
        .checked_add_days(Days::new(7))
        .unwrap_or(input.today);
    let state = |a: &AccountScore| input.console.get(&a.account_id);
    let mut agenda = vec![
        AgendaItem {
            key: "new_at_risk",
            title: "New at risk this week",
            entries: now
                .iter()
                .filter(|a| {
                    a.at_risk()
                        && !before_by_id
                            .get(&a.account_id)
                            .is_some_and(AccountScore::at_risk)
                })
                .map(|a| {
                    entry(
                        a,
                        a.reasons
                            .iter()
                            .map(|r| r.fact.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })
                .collect(),
        },
        AgendaItem {
            key: "health_drops",
            title: "Biggest health drops (7 days)",
            entries: {
                let mut drops: Vec<&&AccountScore> = now
                    .iter()
                    .filter(|a| a.trend.is_some_and(|t| t <= -model.trend.threshold))
                    .collect();
                drops.sort_by_key(|a| (a.trend, a.account_id.clone()));
                drops
                    .into_iter()
                    .take(10)
                    .map(|a| {
                        let was = before_by_id.get(&a.account_id).and_then(|b| b.health);
                        entry(
                            a,
                            format!(
                                "health {} → {} ({:+})",
                                was.map_or("—".into(), |h| h.to_string()),
                                a.health.unwrap_or(0),
                                a.trend.unwrap_or(0)
                            ),
                        )
                    })
                    .collect()
            },
        },
        AgendaItem {
            key: "red_3_weeks",
            title: "Red for 3+ weeks running",
            entries: now
                .iter()
                .filter(|a| {
                    red(Some(a))
                        && red(before_by_id.get(&a.account_id))
                        && red(two_before.get(&a.account_id))
                })
                .map(|a| {
                    entry(
                        a,
                        format!(
                            "health {} and red at each of the last 3 weekly scores",
                            a.health.unwrap_or(0)
                        ),
                    )
                })
                .collect(),
        },
        renewal_item(
            &now,
            input.today,
            "renewals_90",
            "Renewals in the next 90 days",
            0,
            90,
        ),
        renewal_item(
            &now,
            input.today,
            "renewals_180",
            "Renewals in 91–180 days",
            91,
            180,
        ),
        AgendaItem {
            key: "renewals_passed",
            title: "Renewal dates passed without an outcome",
            entries: now
                .iter()
                .filter(|a| a.renewal_in(input.today).is_some_and(|d| d < 0))
                .filter_map(|a| Some(entry(a, a.renewal_text(input.today)?)))
                .collect(),
        },
        reason_item(
            &now,
            "outcomes_overdue",
            "Outcomes overdue",
            "OUTCOME_OVERDUE",
        ),
        AgendaItem {
            key: "outcomes_achieved",
            title: "Outcomes achieved this week",
            entries: {
                let mut achieved: Vec<(&AccountScore, Vec<String>)> = Vec::new();
                for (id, title, day) in &input.outcomes_achieved {
                    let Some(a) = now.iter().find(|a| &a.account_id == id) else {
                        continue;
                    };
                    let text = format!("'{title}' achieved {day}");
                    match achieved
                        .iter_mut()
                        .find(|(b, _)| b.account_id == a.account_id)
                    {
                        Some((_, texts)) => texts.push(text),
                        None => achieved.push((a, vec![text])),
                    }
                }
                achieved
                    .into_iter()
                    .map(|(a, texts)| entry(a, texts.join("; ")))
                    .collect()
            },
        },
        reason_item(
            &now,
            "champions_left",
            "Champions and decision makers who left",
            "CHAMPION_LEFT",
        ),
        AgendaItem {
            key: "snoozes_ending",
            title: "Snoozes that end this week",
            entries: now
                .iter()
                .filter_map(|a| {
                    let until = state(a)?.snoozed_until?;
                    (until > input.today && until <= week_end)
                        .then(|| entry(a, format!("snoozed until {until}")))
                })
                .collect(),
        },
        AgendaItem {
            key: "overdue_next_steps",
            title: "Overdue next steps",
            entries: now
                .iter()
                .filter_map(|a| {
                    let s = state(a)?;
                    let due = s.next_due?;
                    (due < input.today).then(|| {
                        entry(
                            a,
                            format!("{} (due {due})", s.next_step.clone().unwrap_or_default()),
                        )
                    })
                })
                .collect(),
        },
        AgendaItem {
            key: "untouched_30",
            title: "Untouched for 30+ days",
            entries: now
                .iter()
                .filter_map(|a| {
                    let last = a
                        .last_touch
                        .as_deref()
                        .and_then(|t| t.parse::<NaiveDate>().ok());
                    match last {
                        None => Some(entry(a, "never touched".into())),
                        Some(t) => {
                            let days = (input.today - t).num_days();
                            (days >= 30)
                                .then(|| entry(a, format!("last touch {t} ({})", countdown(-days))))
                        }
                    }
                })
                .collect(),
        },
        AgendaItem {
            key: "flags_disagree",
            title: "CSM judgement that disagrees with the score",
            entries: now
                .iter()
                .filter_map(|a| {
                    if let Some(o) = a
                        .band_override
                        .as_ref()
                        .filter(|o| Some(&o.band) != a.band.as_ref())
                    {
                        return Some(entry(
                            a,
                            format!(
                                "{} says {}, the score says {}",
                                o.author,
                                o.band,
                                a.band.clone().unwrap_or_else(|| "—".into())
                            ),
                        ));
                    }
                    let flagged = a.reasons.iter().find(|r| r.code == "FLAGGED")?;
                    (a.band.as_deref() == model.bands.first().map(|b| b.name.as_str())).then(|| {
                        entry(
                            a,
                            format!(
                                "{} while the score is {}",
                                flagged.fact,
                                a.band.clone().unwrap_or_default()
                            ),
                        )
                    })
                })
                .collect(),
        },
    ];
    for item in &mut agenda {
        if item.key.starts_with("renewals") || item.key == "health_drops" {
            continue;
        }
        item.entries.sort_by(|a, b| {
            b.arr
                .total_cmp(&a.arr)
                .then(a.account_id.cmp(&b.account_id))
        });
    }

    Review {
        as_of: input.as_of.to_string(),
        week_ago: input
            .as_of
            .checked_sub_days(Days::new(7))
            .unwrap_or(input.as_of)
            .to_string(),
        owner: input.owner.map(str::to_owned),
        model: model.hash(),
        figures,
        bands,
        surveys: survey_summaries(&now, &before, model.confidence.thin_sample_below),
        agenda,
        freshness: input.table_freshness.clone(),
        orphans: input.orphans.clone(),
        low_coverage: now
            .iter()
            .filter(|a| a.coverage < model.confidence.low_coverage_below)
            .map(|a| entry(a, format!("coverage {:.0}%", a.coverage * 100.0)))
            .collect(),
        plays: Vec::new(),
        nps: input
            .nps_history
            .iter()
            .map(|h| {
                let members: Vec<&&AccountScore> = now
                    .iter()
                    .filter(|a| input.nps_now.get(&a.account_id) == Some(&h.label))
                    .collect();
                NpsCategory {
                    category: h.label.clone(),
                    accounts: members.len(),
                    arr: members.iter().map(|a| a.arr).sum(),
                    arr_at_risk: members.iter().filter(|a| a.at_risk()).map(|a| a.arr).sum(),
                    history_accounts: h.accounts,
                    history_churn_rate: h.churn_rate,
                    history_interval_95: h.interval_95,
                }
            })
            .collect(),
        weekly: input.weekly.clone(),
        renewals: renewals_by_month(&now, input.today, 6),
        retention: input.retention.clone(),
    }
}

/// The accounts a reason fires on, each with the reason's fact.
fn reason_item(
    now: &[&AccountScore],
    key: &'static str,
    title: &'static str,
    code: &str,
) -> AgendaItem {
    AgendaItem {
        key,
        title,
        entries: now
            .iter()
            .filter_map(|a| {
                let reason = a.reasons.iter().find(|r| r.code == code)?;
                Some(entry(a, reason.fact.clone()))
            })
            .collect(),
    }
}

/// The renewals `from`–`to` days from today, soonest first.
fn renewal_item(
    now: &[&AccountScore],
    today: NaiveDate,
    key: &'static str,
    title: &'static str,
    from: i64,
    to: i64,
) -> AgendaItem {
    let mut accounts: Vec<&&AccountScore> = now
        .iter()
        .filter(|a| {
            a.renewal_in(today)
                .is_some_and(|d| (from..=to).contains(&d))
        })
        .collect();
    accounts.sort_by_key(|a| (a.renewal_in(today), a.account_id.clone()));
    AgendaItem {
        key,
        title,
        entries: accounts
            .into_iter()
            .map(|a| {
                entry(
                    a,
                    format!(
                        "{}, ARR {}, {}",
                        a.renewal_text(today).unwrap_or_default(),
                        crate::format::group_digits(a.arr),
                        a.band.clone().unwrap_or_else(|| "no score".into())
                    ),
                )
            })
            .collect(),
    }
}

/// Renewals per calendar month, starting with this month: ARR due and ARR at risk. Dates that
/// have passed are not upcoming, whatever the as-of date of the scores.
pub fn renewals_by_month(
    now: &[&AccountScore],
    today: NaiveDate,
    months: u32,
) -> Vec<RenewalMonth> {
    let first = today.with_day(1).unwrap_or(today);
    (0..months)
        .filter_map(|i| first.checked_add_months(chrono::Months::new(i)))
        .map(|month_start| {
            let key = month_start.format("%Y-%m").to_string();
            let mut accounts: Vec<&&AccountScore> = now
                .iter()
                .filter(|a| {
                    a.renewal_date
                        .as_deref()
                        .is_some_and(|d| d.starts_with(&key))
                        && a.renewal_in(today).is_some_and(|d| d >= 0)
                })
                .collect();
            accounts.sort_by(|a, b| {
                a.renewal_date
                    .cmp(&b.renewal_date)
                    .then(a.account_id.cmp(&b.account_id))
            });
            RenewalMonth {
                month: key,
                arr_due: accounts.iter().map(|a| a.arr).sum(),
                arr_at_risk: accounts.iter().filter(|a| a.at_risk()).map(|a| a.arr).sum(),
                accounts: accounts
                    .into_iter()
                    .map(|a| {
                        let reasons = a
                            .reasons
                            .iter()
                            .map(|r| r.code.as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                        entry(
                            a,
                            format!(
                                "renews {}{}",
                                a.renewal_date.clone().unwrap_or_default(),
                                if reasons.is_empty() {
                                    String::new()
                                } else {
                                    format!(", at risk: {reasons}")
                                }
                            ),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}
