//! The QBR packet: what a CSM brings to a quarterly business review with one account. The
//! outcomes agreed and where they stand, health and its 12-week trend, product use and active
//! users, tickets, NPS/CSAT/CES with their n, the people, and the quarter's highlights. As
//! Markdown or self-contained HTML (inline SVG, no external reference).

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use super::html::{self, esc, text as text_html};
use crate::db::console::{self, ContactRow, OutcomeRow, TicketRow, TimelineEntry};
use crate::db::{Db, queries, rows};
use crate::error::{Error, Result};
use crate::format::{format_value, money};
use crate::model::Model;
use crate::model::score::{self, AccountScore, AsOf, SURVEY_LABELS};
use crate::text::printable;

const WEEKS: u32 = 12;
/// The quarter the packet looks back on.
const QUARTER_DAYS: u64 = 90;
const MAX_HIGHLIGHTS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QbrFormat {
    Md,
    Html,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeekUsage {
    /// The week's last day.
    pub week_end: String,
    pub events: u64,
    pub users: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QbrPacket {
    pub account: AccountScore,
    pub as_of: NaiveDate,
    pub today: NaiveDate,
    pub model_hash: String,
    pub thin_sample_below: i64,
    /// Health as of each of the last 12 weeks, oldest first.
    pub weekly_health: Vec<(String, Option<i64>)>,
    /// Events and active users per week over the last 13 weeks, oldest first.
    pub weekly_usage: Vec<WeekUsage>,
    pub active_users_30d: u64,
    pub outcomes: Vec<OutcomeRow>,
    pub contacts: Vec<ContactRow>,
    pub tickets: Vec<TicketRow>,
    /// The quarter's journey, newest first, without the routine emails and notes.
    pub highlights: Vec<TimelineEntry>,
}

/// Everything the packet shows for `account_id`, scored as of `as_of` by the installed model.
pub fn gather(
    db: &Db,
    model: &Model,
    as_of: AsOf,
    account_id: &str,
    today: NaiveDate,
) -> Result<QbrPacket> {
    let conn = db.conn();
    // One account scored, not the portfolio (the same row as the full score's).
    let account = score::score_account(conn, as_of, account_id)?.ok_or_else(|| {
        Error::NotFound(format!(
            "no account {account_id:?} in the portfolio as of {}",
            as_of.date
        ))
    })?;
    score::ensure_history(db, model, as_of, WEEKS)?;
    let date = as_of.date.format("%Y-%m-%d").to_string();
    let weekly_health = rows(
        conn,
        queries::QBR_WEEKLY_HEALTH,
        duckdb::params![model.hash(), date, WEEKS, account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let weekly_usage = rows(
        conn,
        queries::QBR_WEEKLY_USAGE,
        [date.as_str(), account_id],
        |r| {
            Ok(WeekUsage {
                week_end: r.get(0)?,
                events: r.get(1)?,
                users: r.get(2)?,
            })
        },
    )?;
    let active_users_30d: i64 = conn.query_row(
        queries::QBR_ACTIVE_USERS,
        [date.as_str(), account_id],
        |r| r.get(0),
    )?;
    let detail = console::load_detail(conn, as_of.date, today, account_id)?;
    let quarter_start = as_of
        .date
        .checked_sub_days(Days::new(QUARTER_DAYS - 1))
        .unwrap_or(as_of.date)
        .format("%Y-%m-%d")
        .to_string();
    let highlights = detail
        .timeline
        .into_iter()
        .filter(|e| e.date >= quarter_start && !matches!(e.kind.as_str(), "email" | "note"))
        .take(MAX_HIGHLIGHTS)
        .collect();
    Ok(QbrPacket {
        account,
        as_of: as_of.date,
        today,
        model_hash: model.hash(),
        thin_sample_below: model.confidence.thin_sample_below,
        weekly_health,
        weekly_usage,
        active_users_30d: active_users_30d.max(0) as u64,
        outcomes: detail.outcomes,
        contacts: detail.contacts,
        tickets: detail.tickets,
        highlights,
    })
}

impl QbrPacket {
    fn title(&self) -> String {
        format!(
            "QBR: {} ({}) — as of {}",
            self.account.name, self.account.account_id, self.as_of
        )
    }

    /// "3 of 4 on track or achieved"-style summary of the success plan.
    fn outcome_summary(&self) -> String {
        let achieved = self
            .outcomes
            .iter()
            .filter(|o| o.achieved_on.is_some())
            .count();
        let open: Vec<&OutcomeRow> = self.outcomes.iter().filter(|o| o.is_open()).collect();
        let overdue = open.iter().filter(|o| o.due_on < self.today).count();
        format!(
            "{achieved} achieved, {} open ({overdue} overdue)",
            open.len()
        )
    }

    fn health_line(&self) -> String {
        let a = &self.account;
        let health = a.health.map_or("—".to_owned(), |h| h.to_string());
        let trend = match (
            self.weekly_health.first().and_then(|w| w.1),
            self.weekly_health.last().and_then(|w| w.1),
        ) {
            (Some(first), Some(last)) => format!(
                "; {:+} over {} weeks",
                last - first,
                self.weekly_health.len().saturating_sub(1)
            ),
            _ => String::new(),
        };
        format!(
            "Health {health} ({}), coverage {:.0}%{trend}; stage {}",
            a.band.as_deref().unwrap_or("no band"),
            a.coverage * 100.0,
            a.stage
        )
    }

    fn usage_line(&self) -> String {
        let recent: u64 = self
            .weekly_usage
            .iter()
            .rev()
            .take(4)
            .map(|w| w.events)
            .sum();
        let before: u64 = self
            .weekly_usage
            .iter()
            .rev()
            .skip(4)
            .take(4)
            .map(|w| w.events)
            .sum();
        let change = if before > 0 {
            format!(
                " ({:+.0}% on the 4 weeks before)",
                (recent as f64 / before as f64 - 1.0) * 100.0
            )
        } else {
            String::new()
        };
        let seats = self
            .account
            .seats
            .filter(|s| *s > 0)
            .map_or(String::new(), |s| format!(" of {s} seats"));
        format!(
            "{} active users in the last 30 days{seats}; {} events in the last 4 weeks{change}",
            self.active_users_30d,
            crate::format::group_digits(recent as f64)
        )
    }

    fn survey_lines(&self) -> Vec<String> {
        SURVEY_LABELS
            .iter()
            .zip(self.account.survey_figures())
            .map(|(label, f)| match f.value {
                Some(v) if f.n < self.thin_sample_below => {
                    format!("{label} {} (n={}, thin sample)", format_value(v), f.n)
                }
                Some(v) => format!("{label} {} (n={})", format_value(v), f.n),
                None => format!("{label} — (no response in 180 days)"),
            })
            .collect()
    }

    fn renewal(&self) -> String {
        self.account
            .renewal_text(self.today)
            .unwrap_or_else(|| "no renewal date".into())
    }

    fn stale_note(&self) -> Option<String> {
        let days = (self.today - self.as_of).num_days();
        (days > 1).then(|| format!("The data is {days} days old (as of {}).", self.as_of))
    }
}

/// Markdown: tables keep one line per cell.
fn cell(text: &str) -> String {
    printable(text)
        .replace(['\n', '\r'], " ")
        .replace('|', "\\|")
}

pub fn markdown(p: &QbrPacket) -> String {
    let a = &p.account;
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", cell(&p.title()));
    if let Some(note) = p.stale_note() {
        let _ = writeln!(s, "_{note}_\n");
    }
    let _ = writeln!(
        s,
        "Owner {} · {} · plan {} · ARR {} · {}\n",
        cell(a.owner.as_deref().unwrap_or("unassigned")),
        cell(a.segment.as_deref().unwrap_or("—")),
        cell(a.plan.as_deref().unwrap_or("—")),
        money(a.arr),
        p.renewal()
    );
    let _ = writeln!(s, "## Outcomes ({})\n", p.outcome_summary());
    if p.outcomes.is_empty() {
        s.push_str("No outcome agreed yet.\n\n");
    } else {
        s.push_str("| outcome | kind | agreed | status |\n|---|---|---|---|\n");
        for o in &p.outcomes {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&o.title),
                o.kind,
                o.created_on,
                cell(&o.status(p.today))
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Health\n\n{}\n", p.health_line());
    let weeks: Vec<String> = p
        .weekly_health
        .iter()
        .map(|(d, h)| format!("{} {}", &d[5..], h.map_or("—".into(), |h| h.to_string())))
        .collect();
    let _ = writeln!(s, "12 weeks: {}\n", weeks.join(" · "));
    if a.reasons.is_empty() {
        s.push_str("Not at risk.\n\n");
    } else {
        s.push_str("At risk because:\n\n");
        for r in &a.reasons {
            let _ = writeln!(s, "- {} — {}", r.code, cell(&r.fact));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Usage\n\n{}\n", p.usage_line());
    s.push_str("| week ending | events | active users |\n|---|---:|---:|\n");
    for w in &p.weekly_usage {
        let _ = writeln!(s, "| {} | {} | {} |", w.week_end, w.events, w.users);
    }
    let _ = writeln!(s, "\n## Voice of the customer\n");
    for line in p.survey_lines() {
        let _ = writeln!(s, "- {line}");
    }
    let _ = writeln!(s, "\n## Tickets (open, and closed in the last 90 days)\n");
    if p.tickets.is_empty() {
        s.push_str("None.\n");
    }
    for t in &p.tickets {
        let _ = writeln!(
            s,
            "- #{} {} opened {}, {} — {}",
            cell(&t.ticket_id),
            t.priority,
            t.opened,
            t.closed
                .as_ref()
                .map_or("open".to_owned(), |c| format!("closed {c}")),
            cell(&t.subject)
        );
    }
    let _ = writeln!(s, "\n## People\n");
    if p.contacts.is_empty() {
        s.push_str("No contact loaded.\n");
    }
    for c in &p.contacts {
        let _ = writeln!(s, "- {}", cell(&c.describe()));
    }
    let _ = writeln!(s, "\n## The quarter's highlights\n");
    if p.highlights.is_empty() {
        s.push_str("Nothing recorded in the last 90 days.\n");
    }
    for e in &p.highlights {
        let _ = writeln!(s, "- {} {} — {}", e.date, e.kind, cell(&e.text));
    }
    let _ = writeln!(
        s,
        "\n_Health model {}; countdowns count from {}._",
        p.model_hash, p.today
    );
    s
}

pub fn html(p: &QbrPacket) -> String {
    let a = &p.account;
    let mut s = html::page_start(&p.title());
    let _ = write!(s, "<h1>{}</h1>", text_html(&p.title()));
    if let Some(note) = p.stale_note() {
        let _ = write!(s, "<p><em>{}</em></p>", esc(&note));
    }
    let _ = write!(
        s,
        "<p>Owner {} · {} · plan {} · ARR {} · {}</p>",
        text_html(a.owner.as_deref().unwrap_or("unassigned")),
        text_html(a.segment.as_deref().unwrap_or("—")),
        text_html(a.plan.as_deref().unwrap_or("—")),
        money(a.arr),
        esc(&p.renewal())
    );
    let _ = write!(s, "<h2>Outcomes ({})</h2>", esc(&p.outcome_summary()));
    if p.outcomes.is_empty() {
        s.push_str("<p>No outcome agreed yet.</p>");
    } else {
        s.push_str("<table><tr><th>outcome</th><th>kind</th><th>agreed</th><th>status</th></tr>");
        for o in &p.outcomes {
            let overdue = o.is_open() && o.due_on < p.today;
            let style = if overdue {
                " style=\"color:#c62828\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td{style}>{}</td></tr>",
                text_html(&o.title),
                esc(&o.kind),
                esc(&o.created_on),
                text_html(&o.status(p.today))
            );
        }
        s.push_str("</table>");
    }
    let _ = write!(
        s,
        "<h2>Health</h2><p style=\"color:{}\">{}</p>",
        html::band_color(a.band.as_deref().unwrap_or("")),
        esc(&p.health_line())
    );
    let health: Vec<(String, Option<f64>)> = p
        .weekly_health
        .iter()
        .map(|(d, h)| (d[5..].to_owned(), h.map(|h| h as f64)))
        .collect();
    s.push_str(&html::line_chart(&health, 100.0, "health per week"));
    if a.reasons.is_empty() {
        s.push_str("<p>Not at risk.</p>");
    } else {
        s.push_str("<p>At risk because:</p><ul>");
        for r in &a.reasons {
            let _ = write!(s, "<li><b>{}</b> {}</li>", esc(&r.code), text_html(&r.fact));
        }
        s.push_str("</ul>");
    }
    let _ = write!(s, "<h2>Usage</h2><p>{}</p>", esc(&p.usage_line()));
    let peak = |f: fn(&WeekUsage) -> u64| p.weekly_usage.iter().map(f).max().unwrap_or(0) as f64;
    let series = |f: fn(&WeekUsage) -> u64| -> Vec<(String, Option<f64>)> {
        p.weekly_usage
            .iter()
            .map(|w| (w.week_end[5..].to_owned(), Some(f(w) as f64)))
            .collect()
    };
    s.push_str("<h3>Events per week</h3>");
    s.push_str(&html::line_chart(
        &series(|w| w.events),
        peak(|w| w.events),
        "events per week",
    ));
    s.push_str("<h3>Active users per week</h3>");
    s.push_str(&html::line_chart(
        &series(|w| w.users),
        peak(|w| w.users),
        "active users per week",
    ));
    s.push_str("<h2>Voice of the customer</h2><ul>");
    for line in p.survey_lines() {
        let _ = write!(s, "<li>{}</li>", esc(&line));
    }
    s.push_str("</ul><h2>Tickets (open, and closed in the last 90 days)</h2>");
    if p.tickets.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        s.push_str("<table><tr><th>ticket</th><th>priority</th><th>opened</th><th>state</th><th>subject</th></tr>");
        for t in &p.tickets {
            let _ = write!(
                s,
                "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.ticket_id),
                esc(&t.priority),
                esc(&t.opened),
                t.closed
                    .as_ref()
                    .map_or("open".to_owned(), |c| format!("closed {}", esc(c))),
                text_html(&t.subject)
            );
        }
        s.push_str("</table>");
    }
    s.push_str("<h2>People</h2>");
    if p.contacts.is_empty() {
        s.push_str("<p>No contact loaded.</p>");
    } else {
        s.push_str("<ul>");
        for c in &p.contacts {
            let _ = write!(s, "<li>{}</li>", text_html(&c.describe()));
        }
        s.push_str("</ul>");
    }
    s.push_str("<h2>The quarter's highlights</h2>");
    if p.highlights.is_empty() {
        s.push_str("<p>Nothing recorded in the last 90 days.</p>");
    } else {
        s.push_str("<table><tr><th>day</th><th>what</th><th></th></tr>");
        for e in &p.highlights {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&e.date),
                esc(&e.kind),
                text_html(&e.text)
            );
        }
        s.push_str("</table>");
    }
    let _ = writeln!(
        s,
        "<p><small>Health model {}; countdowns count from {}.</small></p></body></html>",
        esc(&p.model_hash),
        p.today
    );
    s
}
