//! The review as Markdown, HTML (self-contained: inline CSS and SVG), CSV or JSON.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::html::{self, esc, text as text_html};
use super::review::{Entry, Review};
use super::table::{Align, TextTable};
use crate::format::group_digits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Md,
    Html,
    Csv,
    Json,
}

pub fn write(out: &mut impl Write, review: &Review, format: ReviewFormat) -> io::Result<()> {
    match format {
        ReviewFormat::Md => out.write_all(markdown(review).as_bytes()),
        ReviewFormat::Html => out.write_all(html(review).as_bytes()),
        ReviewFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, review).map_err(io::Error::other)?;
            writeln!(out)
        }
        ReviewFormat::Csv => csv(out, review),
    }
}

/// One NPS category's row: accounts and ARR now, and the churn of its accounts in history.
fn nps_cells(c: &super::review::NpsCategory) -> Vec<String> {
    vec![
        c.category.clone(),
        c.accounts.to_string(),
        group_digits(c.arr),
        group_digits(c.arr_at_risk),
        c.history_churn_rate.map_or("—".into(), |r| {
            format!("{:.1}% of {}", r * 100.0, c.history_accounts)
        }),
        c.history_interval_95.map_or("—".into(), |(lo, hi)| {
            format!("{:.1}–{:.1}%", lo * 100.0, hi * 100.0)
        }),
    ]
}

/// A week-over-week change as people read it: "+1,200", "−3", "±0".
pub fn delta(now: f64, before: f64) -> String {
    let d = now - before;
    if d.abs() < 0.5 {
        "±0".into()
    } else {
        format!(
            "{}{}",
            if d > 0.0 { "+" } else { "−" },
            group_digits(d.abs())
        )
    }
}

fn value(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.1}"))
}

/// Health and band, and the model profile that scored it when one did: "58 yellow (smb)".
fn health(e: &Entry) -> String {
    let profile = e
        .profile
        .as_ref()
        .map_or(String::new(), |p| format!(" ({p})"));
    match (&e.health, &e.band) {
        (Some(h), Some(b)) => format!("{h} {b}{profile}"),
        _ => "—".into(),
    }
}

fn title(review: &Review) -> String {
    let scope = review.owner.as_ref().map_or("portfolio".to_owned(), |o| {
        format!("{}'s accounts", crate::text::printable(o))
    });
    format!(
        "Weekly account review — {scope}, as of {} (vs {})",
        review.as_of, review.week_ago
    )
}

/// A Markdown table with these columns and rows.
fn md_table(columns: &[(&str, Align)], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut table = TextTable::new(columns);
    for row in rows {
        table.row(row);
    }
    table.markdown()
}

pub fn markdown(r: &Review) -> String {
    use Align::{Left, Right};
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", title(r));
    let _ = writeln!(s, "## Portfolio\n");
    s.push_str(&md_table(
        &[
            ("figure", Left),
            ("now", Right),
            ("a week ago", Right),
            ("change", Right),
        ],
        r.figures.iter().map(|f| {
            vec![
                f.name.clone(),
                group_digits(f.now),
                group_digits(f.week_ago),
                delta(f.now, f.week_ago),
            ]
        }),
    ));
    let _ = writeln!(s, "\n### Accounts per band\n");
    let most = r.bands.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    s.push_str(&md_table(
        &[
            ("band", Left),
            ("now", Right),
            ("a week ago", Right),
            ("", Left),
        ],
        r.bands.iter().map(|(band, now, before)| {
            vec![
                band.clone(),
                now.to_string(),
                before.to_string(),
                "█".repeat(now * 20 / most),
            ]
        }),
    ));
    let _ = writeln!(s, "\n### Surveys (last 180 days)\n");
    s.push_str(&md_table(
        &[
            ("survey", Left),
            ("now", Right),
            ("n", Right),
            ("a week ago", Right),
        ],
        r.surveys.iter().map(|v| {
            let thin = if v.thin { " (thin sample)" } else { "" };
            vec![
                v.kind.clone(),
                value(v.value),
                format!("{}{thin}", v.n),
                value(v.week_ago),
            ]
        }),
    ));
    if !r.nps.is_empty() {
        let _ = writeln!(
            s,
            "\n### The voice of the customer (NPS category now; churn within 90 days in history)\n"
        );
        s.push_str(&md_table(
            &[
                ("category", Left),
                ("accounts", Right),
                ("ARR", Right),
                ("ARR at risk", Right),
                ("churned in history", Right),
                ("95% interval", Right),
            ],
            r.nps.iter().map(nps_cells),
        ));
    }
    let _ = writeln!(s, "\n## Agenda");
    for item in &r.agenda {
        let _ = writeln!(s, "\n### {} ({})\n", item.title, item.entries.len());
        if item.entries.is_empty() {
            let _ = writeln!(s, "None.");
            continue;
        }
        s.push_str(&md_table(
            &[
                ("account", Left),
                ("owner", Left),
                ("ARR", Right),
                ("health", Left),
                ("facts", Left),
                ("plays running", Left),
            ],
            item.entries.iter().map(|e| {
                vec![
                    format!("{} ({})", e.name, e.account_id),
                    e.owner.as_deref().unwrap_or("unassigned").to_owned(),
                    group_digits(e.arr),
                    health(e),
                    e.fact.clone(),
                    e.plays.clone(),
                ]
            }),
        ));
    }
    let _ = writeln!(s, "\n## Plays (all owners)\n");
    if r.plays.is_empty() {
        let _ = writeln!(s, "No play has run yet.");
    }
    for stats in &r.plays {
        let _ = writeln!(s, "- {}", stats.line());
    }
    let _ = writeln!(s, "\n## Renewals, next 6 months\n");
    s.push_str(&md_table(
        &[
            ("month", Left),
            ("accounts", Right),
            ("ARR due", Right),
            ("ARR at risk", Right),
        ],
        r.renewals.iter().map(|m| {
            vec![
                m.month.clone(),
                m.accounts.len().to_string(),
                group_digits(m.arr_due),
                group_digits(m.arr_at_risk),
            ]
        }),
    ));
    let _ = writeln!(s, "\n### Gross revenue retention (closed quarters)\n");
    s.push_str(&md_table(
        &[
            ("quarter", Left),
            ("ARR at start", Right),
            ("churned ARR", Right),
            ("churned accounts", Right),
            ("GRR", Right),
        ],
        r.retention.iter().map(|p| {
            vec![
                format!("{} – {}", p.first_day, p.last_day),
                group_digits(p.start_arr),
                group_digits(p.churned_arr),
                p.churned_accounts.to_string(),
                p.gross_retention()
                    .map_or("—".into(), |g| format!("{:.1}%", g * 100.0)),
            ]
        }),
    ));
    let _ = writeln!(
        s,
        "\nNet retention needs ARR history (expansion and contraction), which the data contract does not carry."
    );
    let _ = writeln!(s, "\n## 12-week portfolio health\n");
    s.push_str(&md_table(
        &[("week", Left), ("mean health", Right), ("at risk", Right)],
        r.weekly
            .iter()
            .map(|w| vec![w.as_of.clone(), value(w.mean_health), w.at_risk.to_string()]),
    ));
    let _ = writeln!(s, "\n## Data quality\n");
    s.push_str(&md_table(
        &[("table", Left), ("latest date", Left), ("rows", Right)],
        r.freshness.iter().map(|(table, date, rows)| {
            vec![
                table.clone(),
                date.as_deref().unwrap_or("—").to_owned(),
                group_digits(*rows as f64),
            ]
        }),
    ));
    if r.orphans.is_empty() {
        let _ = writeln!(s, "\nNo orphan rows in the last load.");
    } else {
        for (table, n) in &r.orphans {
            let _ = writeln!(
                s,
                "\n{n} {table} rows named an unknown account and were not loaded."
            );
        }
    }
    let _ = writeln!(
        s,
        "\nAccounts with low coverage (score on less than half the model's weight): {}",
        r.low_coverage.len()
    );
    let _ = writeln!(s, "\n_Model {}._", r.model);
    s
}

/// A horizontal bar chart of the band distribution.
fn band_svg(r: &Review) -> String {
    use super::html::band_color;
    let most = r.bands.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        "<svg width=\"420\" height=\"{}\" role=\"img\" aria-label=\"accounts per band\">",
        r.bands.len() * 26 + 4
    );
    for (i, (band, n, _)) in r.bands.iter().enumerate() {
        let y = i * 26 + 2;
        let w = (*n as f64 / most * 300.0).round();
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"70\" y=\"{y}\" width=\"{w}\" height=\"20\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"13\">{n}</text>",
            y + 15,
            esc(band),
            band_color(band),
            76.0 + w,
            y + 15
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn html(r: &Review) -> String {
    let mut s = String::new();
    s.push_str(&html::page_start(&title(r)));
    let _ = write!(
        s,
        "<h1>{}</h1><h2>Portfolio</h2><table><tr><th>figure</th><th>now</th><th>a week ago</th><th>change</th></tr>",
        esc(&title(r))
    );
    for f in &r.figures {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&f.name),
            group_digits(f.now),
            group_digits(f.week_ago),
            delta(f.now, f.week_ago)
        );
    }
    s.push_str("</table><h3>Accounts per band</h3>");
    s.push_str(&band_svg(r));
    s.push_str("<h3>Surveys (last 180 days)</h3><table><tr><th>survey</th><th>now</th><th>n</th><th>a week ago</th></tr>");
    for v in &r.surveys {
        let thin = if v.thin { " (thin sample)" } else { "" };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}{thin}</td><td class=n>{}</td></tr>",
            v.kind,
            value(v.value),
            v.n,
            value(v.week_ago)
        );
    }
    s.push_str("</table>");
    if !r.nps.is_empty() {
        s.push_str("<h3>The voice of the customer (NPS category now; churn within 90 days in history)</h3><table><tr><th>category</th><th>accounts</th><th>ARR</th><th>ARR at risk</th><th>churned in history</th><th>95% interval</th></tr>");
        for c in &r.nps {
            let cells = nps_cells(c);
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                esc(&cells[0]),
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                cells[5]
            );
        }
        s.push_str("</table>");
    }
    s.push_str("<h3>12-week portfolio health</h3>");
    let weeks: Vec<(String, Option<f64>)> = r
        .weekly
        .iter()
        .map(|w| {
            (
                w.as_of.get(5..).unwrap_or(&w.as_of).to_owned(),
                w.mean_health,
            )
        })
        .collect();
    s.push_str(&html::line_chart(&weeks, 100.0, "mean health per week"));
    s.push_str("<h2>Agenda</h2>");
    for item in &r.agenda {
        let _ = write!(s, "<h3>{} ({})</h3>", esc(item.title), item.entries.len());
        if item.entries.is_empty() {
            s.push_str("<p>None.</p>");
            continue;
        }
        s.push_str("<table><tr><th>account</th><th>owner</th><th>ARR</th><th>health</th><th>facts</th><th>plays running</th></tr>");
        for e in &item.entries {
            let _ = write!(
                s,
                "<tr><td>{} ({})</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text_html(&e.name),
                esc(&e.account_id),
                text_html(e.owner.as_deref().unwrap_or("unassigned")),
                group_digits(e.arr),
                esc(&health(e)),
                text_html(&e.fact),
                text_html(&e.plays)
            );
        }
        s.push_str("</table>");
    }
    s.push_str("<h2>Plays (all owners)</h2>");
    if r.plays.is_empty() {
        s.push_str("<p>No play has run yet.</p>");
    } else {
        s.push_str("<ul>");
        for stats in &r.plays {
            let _ = write!(s, "<li>{}</li>", text_html(&stats.line()));
        }
        s.push_str("</ul>");
    }
    s.push_str("<h2>Renewals, next 6 months</h2><table><tr><th>month</th><th>accounts</th><th>ARR due</th><th>ARR at risk</th></tr>");
    for m in &r.renewals {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            m.month,
            m.accounts.len(),
            group_digits(m.arr_due),
            group_digits(m.arr_at_risk)
        );
    }
    s.push_str("</table><h3>Gross revenue retention (closed quarters)</h3><table><tr><th>quarter</th><th>ARR at start</th><th>churned ARR</th><th>churned accounts</th><th>GRR</th></tr>");
    for p in &r.retention {
        let _ = write!(
            s,
            "<tr><td>{} – {}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            p.first_day,
            p.last_day,
            group_digits(p.start_arr),
            group_digits(p.churned_arr),
            p.churned_accounts,
            p.gross_retention()
                .map_or("—".into(), |g| format!("{:.1}%", g * 100.0))
        );
    }
    s.push_str("</table><p>Net retention needs ARR history (expansion and contraction), which the data contract does not carry.</p>");
    s.push_str(
        "<h2>Data quality</h2><table><tr><th>table</th><th>latest date</th><th>rows</th></tr>",
    );
    for (table, date, rows) in &r.freshness {
        let _ = write!(
            s,
            "<tr><td>{table}</td><td>{}</td><td class=n>{}</td></tr>",
            date.as_deref().unwrap_or("—"),
            group_digits(*rows as f64)
        );
    }
    let orphans: Vec<String> = r.orphans.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let orphans = if orphans.is_empty() {
        "none".to_owned()
    } else {
        orphans.join(", ")
    };
    let _ = writeln!(
        s,
        "</table><p>Orphan rows in the last load: {orphans}. Accounts with low coverage: {}.</p><p><small>Model {}.</small></p></body></html>",
        r.low_coverage.len(),
        r.model
    );
    s
}

/// One row per agenda entry: the review as a list to filter and sort.
fn csv(out: &mut impl Write, r: &Review) -> io::Result<()> {
    crate::csv::write_safe_row(
        out,
        [
            "section",
            "account_id",
            "name",
            "owner",
            "arr",
            "health",
            "band",
            "fact",
        ],
    )?;
    for item in &r.agenda {
        for e in &item.entries {
            let cells = [
                item.key.to_owned(),
                e.account_id.clone(),
                e.name.clone(),
                e.owner.clone().unwrap_or_default(),
                format!("{:.2}", e.arr),
                e.health.map(|h| h.to_string()).unwrap_or_default(),
                e.band.clone().unwrap_or_default(),
                e.fact.clone(),
            ];
            crate::csv::write_safe_row(out, cells.iter().map(String::as_str))?;
        }
    }
    Ok(())
}
