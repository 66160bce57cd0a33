//! `retain accounts` and `retain explain`: scored accounts as a table, CSV or JSON, and one
//! account's score line by line.

use std::io::{self, Write};

use super::table::{Align, TextTable};
use crate::format::{format_value, group_digits};
use crate::model::score::{AccountScore, AsOf, SURVEY_LABELS};
use crate::model::{Model, metric_text};
use crate::text::printable;

/// The accounts as a text table with a count line.
pub fn write_table(
    out: &mut impl Write,
    accounts: &[AccountScore],
    model: &Model,
    as_of: AsOf,
) -> io::Result<()> {
    let mut table = TextTable::new(&[
        ("account_id", Align::Left),
        ("name", Align::Left),
        ("owner", Align::Left),
        ("health", Align::Right),
        ("band", Align::Left),
        ("trend", Align::Right),
        ("coverage", Align::Right),
        ("stage", Align::Left),
        ("profile", Align::Left),
        ("reasons", Align::Left),
        ("priority", Align::Right),
    ]);
    for a in accounts {
        table.row(vec![
            a.account_id.clone(),
            a.name.clone(),
            a.owner.clone().unwrap_or_default(),
            a.health_text(model),
            a.band.clone().unwrap_or_else(|| "—".into()),
            a.trend
                .map(|t| format!("{} {t:+}", a.trend_arrow(model.trend.threshold)))
                .unwrap_or_default(),
            format!("{:.0}%", a.coverage * 100.0),
            a.stage.clone(),
            a.profile.clone().unwrap_or_else(|| "—".into()),
            a.reason_codes().replace(';', " "),
            group_digits(a.priority),
        ]);
    }
    write!(out, "{}", table.render())?;
    writeln!(out, "{} accounts as of {}", accounts.len(), as_of.date)
}

/// The CSV of README "CLI reference": machine-readable scores, one row per account.
pub fn write_csv(out: &mut impl Write, accounts: &[AccountScore]) -> io::Result<()> {
    let header = [
        "account_id",
        "name",
        "owner",
        "segment",
        "arr",
        "health",
        "band",
        "trend",
        "coverage",
        "reasons",
        "priority",
        "urgency",
        "days_to_renewal",
        "stage",
        "profile",
    ];
    crate::csv::write_safe_row(out, header)?;
    for a in accounts {
        let cells = [
            a.account_id.clone(),
            a.name.clone(),
            a.owner.clone().unwrap_or_default(),
            a.segment.clone().unwrap_or_default(),
            format!("{:.2}", a.arr),
            a.health.map(|h| h.to_string()).unwrap_or_default(),
            a.band.clone().unwrap_or_default(),
            a.trend.map(|t| t.to_string()).unwrap_or_default(),
            format!("{:.4}", a.coverage),
            a.reason_codes(),
            format!("{:.2}", a.priority),
            format!("{}", a.urgency),
            a.days_to_renewal.map(|d| d.to_string()).unwrap_or_default(),
            a.stage.clone(),
            a.profile.clone().unwrap_or_default(),
        ];
        crate::csv::write_safe_row(out, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

/// The line-by-line explanation of one account's score.
pub fn explain_text(a: &AccountScore, model: &Model, as_of: AsOf) -> String {
    let mut out = format!(
        "{} — {} (as of {}, model {})\n",
        printable(&a.account_id),
        printable(&a.name),
        as_of.date,
        model.hash()
    );
    let band = a.band.clone().unwrap_or_else(|| "no band".into());
    out.push_str(&format!(
        "Health {} ({band}), coverage {:.0}%{}, trend {}, stage {}{}\n",
        a.health_text(model),
        a.coverage * 100.0,
        if a.coverage < model.confidence.low_coverage_below {
            " (low confidence)"
        } else {
            ""
        },
        a.trend.map_or("—".to_owned(), |t| format!(
            "{} {t:+} vs a week earlier",
            a.trend_arrow(model.trend.threshold)
        )),
        a.stage,
        match (&a.profile, model.profiles.is_empty()) {
            (Some(p), _) => format!(", profile {}", printable(p)),
            (None, false) => ", base model (no profile matches)".to_owned(),
            (None, true) => String::new(),
        },
    ));
    if let Some(o) = &a.band_override {
        out.push_str(&format!(
            "CSM override: {} by {}{} — computed band stays {band}\n",
            printable(&o.band),
            printable(&o.author),
            o.until
                .as_ref()
                .map(|u| format!(" until {u}"))
                .unwrap_or_default()
        ));
    }
    let mut table = TextTable::new(&[
        ("measure", Align::Left),
        ("raw value", Align::Right),
        ("score", Align::Right),
        ("weight", Align::Right),
        ("contribution", Align::Right),
        ("points lost", Align::Right),
    ]);
    let fix_first = a.fix_first().map(|m| m.measure.clone());
    for m in &a.measures {
        let marker = if fix_first.as_deref() == Some(m.measure.as_str()) {
            "  ← fix first"
        } else {
            ""
        };
        table.row(vec![
            format!("{}{marker}", m.measure),
            m.value.map_or("—".into(), |v| metric_text(&m.metric, v)),
            m.score.map_or("—".into(), |s| format!("{s:.0}")),
            format!("{}", m.weight),
            a.contribution(m).map_or("—".into(), |c| format!("{c:.1}")),
            a.points_lost(m).map_or("—".into(), |p| format!("{p:.1}")),
        ]);
    }
    out.push_str(&table.render());
    let thin = model.confidence.thin_sample_below;
    for (label, figure) in SURVEY_LABELS.iter().zip(a.survey_figures()) {
        if figure.n > 0 {
            let value = figure.value.map_or("—".into(), format_value);
            let note = if figure.n < thin {
                " (thin sample)"
            } else {
                ""
            };
            out.push_str(&format!("{label} {value} (n={}){note}\n", figure.n));
        }
    }
    if a.reasons.is_empty() {
        out.push_str("Not at risk.\n");
    } else {
        out.push_str("At risk because:\n");
        for r in &a.reasons {
            out.push_str(&format!("  {:<13} {}\n", r.code, printable(&r.fact)));
        }
    }
    out.push_str(&format!(
        "Priority {} = ARR {} × (100 − {}) / 100 × urgency {}\n",
        group_digits(a.priority),
        group_digits(a.arr),
        a.health
            .map_or(format!("{} (no score)", model.queue.missing_health), |h| h
                .to_string()),
        a.urgency
    ));
    out
}
