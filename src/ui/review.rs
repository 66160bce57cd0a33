//! The review and renewals tabs: the same content as `retain review`, to look at and walk.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};

use unicode_width::UnicodeWidthStr;

use super::fit;
use super::theme::Theme;
use crate::app::App;
use crate::format::group_digits;
use crate::format::money;
use crate::report::review::Review;
use crate::report::review_format::delta;

fn loading(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new("Preparing the review (scores a week and two weeks back, 12-week history)…"),
        area,
    );
}

/// The first row to show so that row `cursor` of `rows` is in view, near the middle.
fn scroll_to(cursor: usize, rows: usize, height: u16) -> u16 {
    let height = usize::from(height);
    cursor
        .saturating_sub(height / 2)
        .min(rows.saturating_sub(height)) as u16
}

/// The agenda, and the row of the entry under the cursor.
fn agenda_lines(review: &Review, theme: Theme, cursor: usize) -> (Vec<Line<'static>>, usize) {
    let mut lines = Vec::new();
    let (mut entry, mut cursor_row) = (0, 0);
    for item in &review.agenda {
        lines.push(Line::from(Span::styled(
            format!("{} ({})", item.title, item.entries.len()),
            theme.title(),
        )));
        for e in &item.entries {
            if entry == cursor {
                cursor_row = lines.len();
            }
            entry += 1;
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:>3} ", e.health.map_or("—".into(), |h| h.to_string())),
                    theme.band(e.band.as_deref()),
                ),
                Span::raw(format!("{} · {} · ", e.name, money(e.arr))),
                Span::styled(e.fact.clone(), theme.dim()),
                Span::raw(if e.plays.is_empty() {
                    String::new()
                } else {
                    format!(" · plays: {}", e.plays)
                }),
            ]));
        }
    }
    if let Some(line) = lines.get_mut(cursor_row).filter(|_| entry > 0) {
        *line = std::mem::take(line).style(theme.selected());
    }
    lines.push(Line::from(Span::styled("Data quality", theme.title())));
    for (table, date, rows) in &review.freshness {
        lines.push(Line::from(format!(
            "  {table}: latest {} · {} rows",
            date.as_deref().unwrap_or("—"),
            group_digits(*rows as f64)
        )));
    }
    for (table, n) in &review.orphans {
        lines.push(Line::from(format!("  {table}: {n} orphan rows skipped")));
    }
    lines.push(Line::from(format!(
        "  {} accounts with low coverage",
        review.low_coverage.len()
    )));
    (lines, cursor_row)
}

pub fn render_review(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(review) = &app.review else {
        return loading(frame, area);
    };
    let [figures, body] =
        Layout::horizontal([Constraint::Length(40), Constraint::Fill(1)]).areas(area);
    let [numbers, bands, trend] = Layout::vertical([
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Length(4),
    ])
    .areas(figures);
    let mut lines = vec![Line::from(Span::styled(
        format!("Week to {} (vs {})", review.as_of, review.week_ago),
        theme.title(),
    ))];
    for f in &review.figures {
        let shown = if f.name.contains("ARR") {
            money(f.now)
        } else {
            group_digits(f.now)
        };
        lines.push(Line::from(format!(
            "{:<17}{:>9} {:>9}",
            f.name,
            shown,
            delta(f.now, f.week_ago)
        )));
    }
    for s in &review.surveys {
        let thin = if s.thin { " thin" } else { "" };
        lines.push(Line::from(format!(
            "{:<17}{:>9} n={}{thin}",
            s.kind,
            s.value.map_or("—".into(), |v| format!("{v:.1}")),
            s.n
        )));
    }
    frame.render_widget(Paragraph::new(lines), numbers);
    let bars: Vec<Bar> = review
        .bands
        .iter()
        .map(|(band, n, _)| {
            Bar::default()
                .label(Line::from(band.clone()))
                .value(*n as u64)
                .style(theme.band(Some(band)))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(8)
            .bar_gap(2),
        bands,
    );
    let health: Vec<u64> = review
        .weekly
        .iter()
        .map(|w| w.mean_health.unwrap_or(0.0).round() as u64)
        .collect();
    let [label, spark] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(trend);
    // The bars start at 0 and end at 100; the label says where the line began and ended.
    let ends = match (health.first(), health.last()) {
        (Some(first), Some(last)) => format!(" {first} → {last} (of 100)"),
        _ => String::new(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!("12-week mean health{ends}"),
            theme.dim(),
        )),
        label,
    );
    frame.render_widget(Sparkline::default().data(health).max(100), spark);
    let (lines, cursor_row) = agenda_lines(review, theme, app.tab_cursor);
    let scroll = scroll_to(cursor_row, lines.len(), body.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
}

pub fn render_renewals(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(review) = &app.review else {
        return loading(frame, area);
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<9}{:>9}{:>13}{:>13}",
            "month", "accounts", "ARR due", "ARR at risk"
        ),
        theme.header(),
    ))];
    for m in &review.renewals {
        lines.push(Line::from(format!(
            "{:<9}{:>9}{:>13}{:>13}",
            m.month,
            m.accounts.len(),
            money(m.arr_due),
            money(m.arr_at_risk)
        )));
    }
    lines.push(Line::default());
    let (mut entry, mut cursor_row) = (0, 0);
    for m in &review.renewals {
        if m.accounts.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(m.month.clone(), theme.title())));
        for e in &m.accounts {
            let style = if e.fact.contains("at risk") {
                theme.warn()
            } else {
                Style::new()
            };
            let lead = format!("  {} · {} · ", e.name, money(e.arr));
            let room = usize::from(area.width).saturating_sub(lead.width());
            let line = Line::from(vec![
                Span::raw(lead),
                Span::styled(fit(&e.fact, room), style),
            ]);
            if entry == app.tab_cursor {
                cursor_row = lines.len();
                lines.push(line.style(theme.selected()));
            } else {
                lines.push(line);
            }
            entry += 1;
        }
    }
    lines.push(Line::from(Span::styled(
        "Gross revenue retention (closed quarters)",
        theme.title(),
    )));
    for p in &review.retention {
        lines.push(Line::from(format!(
            "  {} – {}: {} of {} ARR churned ({} accounts), GRR {}",
            p.first_day,
            p.last_day,
            money(p.churned_arr),
            money(p.start_arr),
            p.churned_accounts,
            p.gross_retention()
                .map_or("—".into(), |g| format!("{:.1}%", g * 100.0))
        )));
    }
    lines.push(Line::from(Span::styled(
        "  Net retention needs ARR history, which the data contract does not carry.",
        theme.dim(),
    )));
    // One row per line (no wrapping), so the cursor's row is the line it is on.
    let scroll = scroll_to(cursor_row, lines.len(), area.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}
