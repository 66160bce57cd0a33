//! The team digest (TEAM.md): what changed since the last digest or a date, for one owner or
//! all, ready to paste into mail or chat. Newly at risk, health drops of 10 or more, renewals
//! within 30 days that nobody touched in 30 days, and overdue tasks.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::db::plays::Task;
use crate::format::money;
use crate::model::filter::AccountFilter;
use crate::model::score::AccountScore;
use crate::text::printable;

/// A health drop at or beyond this many points is news.
pub const DROP: i64 = 10;
/// Renewals this close (days from today) that nobody touched in as many days.
pub const RENEWAL_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct DigestLine {
    pub account_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub since: NaiveDate,
    pub today: NaiveDate,
    pub owner: Option<String>,
    pub newly_at_risk: Vec<DigestLine>,
    pub health_drops: Vec<DigestLine>,
    pub renewals_untouched: Vec<DigestLine>,
    pub overdue_tasks: Vec<DigestLine>,
}

fn line(a: &AccountScore, text: String) -> DigestLine {
    DigestLine {
        account_id: a.account_id.clone(),
        name: a.name.clone(),
        owner: a.owner.clone(),
        text,
    }
}

/// The digest from the scores now and at `since`, and the tasks.
pub fn build(
    now: &[AccountScore],
    then: &[AccountScore],
    tasks: &[Task],
    since: NaiveDate,
    today: NaiveDate,
    owner: Option<&str>,
) -> Digest {
    let filter = AccountFilter {
        owner: owner.map(str::to_owned),
        ..AccountFilter::default()
    };
    let then: HashMap<&str, &AccountScore> =
        then.iter().map(|a| (a.account_id.as_str(), a)).collect();
    let mine: Vec<&AccountScore> = now.iter().filter(|a| filter.matches(a)).collect();
    let newly_at_risk = mine
        .iter()
        .filter(|a| a.at_risk() && !then.get(a.account_id.as_str()).is_some_and(|b| b.at_risk()))
        .map(|a| {
            let facts: Vec<String> = a
                .reasons
                .iter()
                .map(|r| format!("{}: {}", r.code, r.fact))
                .collect();
            line(a, facts.join("; "))
        })
        .collect();
    let mut drops: Vec<(i64, DigestLine)> = mine
        .iter()
        .filter_map(|a| {
            let was = then.get(a.account_id.as_str())?.health?;
            let is = a.health?;
            (is - was <= -DROP).then(|| {
                (
                    is - was,
                    line(a, format!("health {was} → {is} ({:+})", is - was)),
                )
            })
        })
        .collect();
    drops.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.account_id.cmp(&y.1.account_id)));
    let renewals_untouched = mine
        .iter()
        .filter_map(|a| {
            let days = a
                .renewal_in(today)
                .filter(|d| (0..=RENEWAL_DAYS).contains(d))?;
            let touched = a.days_since_touch(today);
            if touched.is_some_and(|t| t < RENEWAL_DAYS) {
                return None;
            }
            let last = match (&a.last_touch, touched) {
                (Some(day), Some(t)) => format!("last touch {day}, {t} days ago"),
                _ => "never touched".to_owned(),
            };
            Some(line(
                a,
                format!(
                    "renews {} (in {days} days), {} ARR; {last}",
                    a.renewal_date.as_deref().unwrap_or("—"),
                    money(a.arr)
                ),
            ))
        })
        .collect();
    let owners: HashMap<&str, &AccountScore> =
        mine.iter().map(|a| (a.account_id.as_str(), *a)).collect();
    let mut overdue: Vec<&Task> = tasks
        .iter()
        .filter(|t| t.is_due() && t.due_on < today && owners.contains_key(t.account_id.as_str()))
        .collect();
    overdue.sort_by(|x, y| x.due_on.cmp(&y.due_on).then(x.task_id.cmp(&y.task_id)));
    let overdue_tasks = overdue
        .into_iter()
        .map(|t| {
            let late = (today - t.due_on).num_days();
            line(
                owners[t.account_id.as_str()],
                format!(
                    "{} (play {}, step {}) due {}, {late} day{} overdue",
                    t.text,
                    t.play,
                    t.step,
                    t.due_on,
                    if late == 1 { "" } else { "s" }
                ),
            )
        })
        .collect();
    Digest {
        since,
        today,
        owner: owner.map(str::to_owned),
        newly_at_risk,
        health_drops: drops.into_iter().map(|d| d.1).collect(),
        renewals_untouched,
        overdue_tasks,
    }
}

impl Digest {
    fn sections(&self) -> [(&'static str, &[DigestLine]); 4] {
        [
            ("Newly at risk", &self.newly_at_risk),
            ("Health down 10 points or more", &self.health_drops),
            (
                "Renewals within 30 days, untouched for 30 days",
                &self.renewals_untouched,
            ),
            ("Overdue tasks", &self.overdue_tasks),
        ]
    }

    fn title(&self) -> String {
        format!(
            "retain digest {} – {}{}",
            self.since,
            self.today,
            self.owner
                .as_ref()
                .map(|o| format!(" · {o}"))
                .unwrap_or_default()
        )
    }
}

/// Markdown: headings and bullets, as chat tools and mail clients paste them.
pub fn markdown(d: &Digest) -> String {
    render(d, true)
}

/// Plain text: for mail clients that show Markdown as typed.
pub fn text(d: &Digest) -> String {
    render(d, false)
}

/// The one layout of both forms; Markdown adds its heading, bold and bullet marks.
fn render(d: &Digest, markdown: bool) -> String {
    let (heading, bold, bullet) = if markdown {
        ("## ", "**", "- ")
    } else {
        ("", "", "  ")
    };
    let mut s = format!("{heading}{}\n", printable(&d.title()));
    for (title, lines) in d.sections() {
        let _ = write!(s, "\n{bold}{title}{bold} ({})\n", lines.len());
        if lines.is_empty() {
            let _ = writeln!(s, "{bullet}none");
        }
        for l in lines {
            let _ = writeln!(
                s,
                "{bullet}{bold}{}{bold} ({}, {}): {}",
                printable(&l.name),
                printable(&l.account_id),
                printable(l.owner.as_deref().unwrap_or("unassigned")),
                printable(&l.text)
            );
        }
    }
    s
}
