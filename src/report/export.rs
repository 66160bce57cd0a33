//! The action list: the queue as a file a CSM can hand out (CSV for Excel and Google Sheets,
//! JSON for scripts, Markdown for a chat or a ticket).

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use super::table::{Align, TextTable};
use crate::csv::write_safe_row;
use crate::model::queue::ConsoleState;
use crate::model::score::{AccountScore, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Md,
}

/// One row of the action list. The JSON schema is these fields, in this order (README).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionItem {
    pub rank: usize,
    pub account_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub segment: Option<String>,
    /// The lifecycle stage: onboarding, adoption or renewal.
    pub stage: String,
    pub arr: f64,
    pub health: Option<i64>,
    pub band: Option<String>,
    pub trend: Option<i64>,
    pub reasons: Vec<Reason>,
    pub renewal_date: Option<String>,
    pub days_to_renewal: Option<i64>,
    pub next_step: Option<String>,
    pub next_step_due: Option<String>,
    pub last_touch: Option<String>,
    pub priority: f64,
    /// The model profile that scored the account; null: the base model.
    pub profile: Option<String>,
}

impl ActionItem {
    /// One row; the countdown to renewal counts from `today`, as everything shown to people.
    pub fn new(
        rank: usize,
        a: &AccountScore,
        state: Option<&ConsoleState>,
        today: NaiveDate,
    ) -> ActionItem {
        ActionItem {
            rank,
            account_id: a.account_id.clone(),
            name: a.name.clone(),
            owner: a.owner.clone(),
            segment: a.segment.clone(),
            stage: a.stage.clone(),
            arr: a.arr,
            health: a.health,
            band: a.band.clone(),
            trend: a.trend,
            reasons: a.reasons.clone(),
            renewal_date: a.renewal_date.clone(),
            days_to_renewal: a.renewal_in(today),
            next_step: state.and_then(|s| s.next_step.clone()),
            next_step_due: state.and_then(|s| s.next_due.map(|d| d.to_string())),
            last_touch: a.last_touch.clone(),
            priority: (a.priority * 100.0).round() / 100.0,
            profile: a.profile.clone(),
        }
    }
}

const HEADER: [&str; 19] = [
    "rank",
    "account_id",
    "name",
    "owner",
    "segment",
    "stage",
    "arr",
    "health",
    "band",
    "trend",
    "reasons",
    "reason_facts",
    "renewal_date",
    "days_to_renewal",
    "next_step",
    "next_step_due",
    "last_touch",
    "priority",
    "profile",
];

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn cells(item: &ActionItem) -> [String; 19] {
    [
        item.rank.to_string(),
        item.account_id.clone(),
        item.name.clone(),
        opt(&item.owner),
        opt(&item.segment),
        item.stage.clone(),
        format!("{:.2}", item.arr),
        opt(&item.health),
        opt(&item.band),
        opt(&item.trend),
        item.reasons
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        item.reasons
            .iter()
            .map(|r| format!("{}: {}", r.code, r.fact))
            .collect::<Vec<_>>()
            .join("; "),
        opt(&item.renewal_date),
        opt(&item.days_to_renewal),
        opt(&item.next_step),
        opt(&item.next_step_due),
        opt(&item.last_touch),
        format!("{:.2}", item.priority),
        opt(&item.profile),
    ]
}

/// Writes the action list. `bom` starts a CSV with a UTF-8 byte-order mark so that Excel reads
/// Japanese text correctly.
pub fn write(
    out: &mut impl Write,
    items: &[ActionItem],
    format: ExportFormat,
    bom: bool,
) -> io::Result<()> {
    match format {
        ExportFormat::Csv => {
            if bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            write_safe_row(out, HEADER)?;
            for item in items {
                let row = cells(item);
                write_safe_row(out, row.iter().map(String::as_str))?;
            }
            Ok(())
        }
        ExportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, items).map_err(io::Error::other)?;
            writeln!(out)
        }
        ExportFormat::Md => {
            use Align::{Left, Right};
            let mut table = TextTable::new(&[
                ("#", Right),
                ("account", Left),
                ("owner", Left),
                ("stage", Left),
                ("ARR", Right),
                ("health", Right),
                ("reasons", Left),
                ("renewal", Left),
                ("next step", Left),
                ("last touch", Left),
            ]);
            for item in items {
                let c = cells(item);
                let health = match (&item.health, &item.band) {
                    (Some(h), Some(b)) => format!("{h} {b}"),
                    _ => "—".to_owned(),
                };
                let next = match (&item.next_step, &item.next_step_due) {
                    (Some(step), Some(due)) => format!("{step} (due {due})"),
                    (Some(step), None) => step.clone(),
                    _ => String::new(),
                };
                table.row(vec![
                    c[0].clone(),
                    format!("{} ({})", item.name, item.account_id),
                    c[3].clone(),
                    item.stage.clone(),
                    c[6].clone(),
                    health,
                    c[11].clone(),
                    match (&item.renewal_date, item.days_to_renewal) {
                        (Some(d), Some(n)) => format!("{d} ({n}d)"),
                        _ => String::new(),
                    },
                    next,
                    c[16].clone(),
                ]);
            }
            out.write_all(table.markdown().as_bytes())
        }
    }
}
