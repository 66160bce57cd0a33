//! One account on one screen: who they are, why the score is what it is, what happened.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Sparkline, Table, Wrap};

use super::theme::Theme;
use crate::app::{App, Tone};
use crate::db::console::AccountDetail;
use crate::format::{countdown, format_value, money};
use crate::model::metric_text;
use crate::model::score::{AccountScore, SURVEY_LABELS};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(a) = app.selected_account() else {
        frame.render_widget(Paragraph::new("No account selected."), area);
        return;
    };
    let explain_rows = a.measures.len() as u16 + 2;
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(explain_rows),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_summary(app, theme, a, frame, top);
    let [left, right] =
        Layout::horizontal([Constraint::Length(46), Constraint::Fill(1)]).areas(middle);
    render_explanation(theme, a, frame, left);
    render_reasons(app, theme, a, frame, right);
    render_history(app, theme, a, frame, bottom);
}

fn render_summary(app: &App, theme: Theme, a: &AccountScore, frame: &mut Frame, area: Rect) {
    let dash = || "—".to_owned();
    let first = Line::from(vec![
        Span::styled(a.name.clone(), theme.title()),
        Span::raw(format!("  {}  ", a.account_id)),
        Span::styled(
            format!("health {}", a.health_text(&app.model)),
            theme.band(a.band.as_deref()),
        ),
        Span::raw(format!(
            " {} {}  coverage {:.0}%",
            a.band.clone().unwrap_or_else(dash),
            a.trend.map_or(String::new(), |t| format!(
                "{} {t:+}",
                a.trend_arrow(app.model.trend.threshold)
            )),
            a.coverage * 100.0
        )),
        Span::raw(
            a.profile
                .as_ref()
                .map_or(String::new(), |p| format!("  profile {p}")),
        ),
        Span::styled(
            a.band_override.as_ref().map_or(String::new(), |o| {
                format!("  CSM says {} ({})", o.band, o.author)
            }),
            theme.warn(),
        ),
        Span::styled(
            if app.walk.is_empty() {
                String::new()
            } else {
                format!("  agenda {}/{} (w next)", app.walked.len(), app.walk.len())
            },
            theme.highlight(),
        ),
    ]);
    let second = Line::from(format!(
        "owner {} · {} · {} · plan {} · ARR {} · seats {} · {} · last touch {}",
        a.owner.clone().unwrap_or_else(|| "unassigned".into()),
        a.segment.clone().unwrap_or_else(dash),
        a.stage,
        a.plan.clone().unwrap_or_else(dash),
        money(a.arr),
        a.seats
            .filter(|s| *s > 0)
            .map_or_else(dash, |s| s.to_string()),
        a.renewal_text(app.today)
            .unwrap_or_else(|| "no renewal date".into()),
        match (&a.last_touch, a.days_since_touch(app.today)) {
            (Some(date), Some(days)) => format!("{date} ({})", countdown(-days)),
            _ => "never".into(),
        },
    ));
    frame.render_widget(Paragraph::new(vec![first, second, done_line(app, a)]), area);
}

/// What was done: the next step and when it is due, a snooze, the CSM's flag, a resolve.
fn done_line(app: &App, a: &AccountScore) -> Line<'static> {
    let state = app.console_state(&a.account_id);
    let mut parts = Vec::new();
    match state.and_then(|s| s.next_step.clone()) {
        Some(step) => parts.push(match state.and_then(|s| s.next_due) {
            Some(due) => format!(
                "next step: {step} (due {due}, {})",
                countdown((due - app.today).num_days())
            ),
            None => format!("next step: {step}"),
        }),
        None => parts.push("no next step set (n)".to_owned()),
    }
    if let Some(until) = state
        .and_then(|s| s.snoozed_until)
        .filter(|u| *u > app.today)
    {
        let why = state.and_then(|s| s.snooze_reason.clone());
        parts.push(match why {
            Some(why) => format!("snoozed until {until}: {why}"),
            None => format!("snoozed until {until}"),
        });
    }
    if let Some(flag) = a.reasons.iter().find(|r| r.code == "FLAGGED") {
        parts.push(flag.fact.clone());
    }
    if state.is_some_and(|s| s.hides(a, app.today))
        && state.is_some_and(|s| s.resolved_reasons.is_some())
    {
        parts.push("resolved".to_owned());
    }
    Line::from(parts.join(" · "))
}

fn render_explanation(theme: Theme, a: &AccountScore, frame: &mut Frame, area: Rect) {
    let fix_first = a.fix_first().map(|m| m.measure.as_str());
    let header = Row::new(["measure", "raw", "score", "weight", "lost"]).style(theme.header());
    let rows = a.measures.iter().map(|m| {
        let style = if Some(m.measure.as_str()) == fix_first {
            theme.highlight()
        } else {
            Style::new()
        };
        let lost = a.points_lost(m).map_or("—".into(), |p| format!("{p:.1}"));
        Row::new([
            Cell::from(if Some(m.measure.as_str()) == fix_first {
                format!("▶ {}", m.measure)
            } else {
                format!("  {}", m.measure)
            }),
            Cell::from(
                Line::from(m.value.map_or("—".into(), |v| metric_text(&m.metric, v)))
                    .right_aligned(),
            ),
            Cell::from(
                Line::from(m.score.map_or("—".into(), |s| format!("{s:.0}"))).right_aligned(),
            ),
            Cell::from(Line::from(format!("{}", m.weight)).right_aligned()),
            Cell::from(Line::from(lost).right_aligned()),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(16),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(5),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .block(
            Block::new()
                .borders(Borders::RIGHT)
                .title(Span::styled("Health, line by line", theme.title())),
        );
    frame.render_widget(table, area);
}

fn render_reasons(app: &App, theme: Theme, a: &AccountScore, frame: &mut Frame, area: Rect) {
    let mut lines = vec![Line::from(Span::styled(
        if a.reasons.is_empty() {
            "Not at risk"
        } else {
            "At risk because"
        },
        theme.title(),
    ))];
    for r in &a.reasons {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", r.code), theme.error()),
            Span::raw(r.fact.clone()),
        ]));
    }
    let thin = app.model.confidence.thin_sample_below;
    let surveys: Vec<String> = SURVEY_LABELS
        .iter()
        .zip(a.survey_figures())
        .filter(|(_, f)| f.n > 0)
        .map(|(label, f)| {
            let mark = if f.n < thin { " thin" } else { "" };
            format!(
                "{label} {} n={}{mark}",
                f.value.map_or("—".into(), format_value),
                f.n
            )
        })
        .collect();
    if !surveys.is_empty() {
        lines.push(Line::from(surveys.join(" · ")));
    }
    let spark_rows = 2u16;
    let text_height = area.height.saturating_sub(spark_rows * 2);
    let [text_area, events_area, users_area] = Layout::vertical([
        Constraint::Length(text_height),
        Constraint::Length(spark_rows),
        Constraint::Length(spark_rows),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }),
        text_area.inner(ratatui::layout::Margin::new(1, 0)),
    );
    if let Some(detail) = app.detail.as_ref().filter(|d| d.account_id == a.account_id) {
        render_spark(
            theme,
            frame,
            events_area,
            "events/day, 90d",
            &detail.daily_events,
        );
        render_spark(
            theme,
            frame,
            users_area,
            "active users/day",
            &detail.daily_users,
        );
    }
}

fn render_spark(theme: Theme, frame: &mut Frame, area: Rect, label: &str, data: &[u64]) {
    let [title, chart] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)])
        .areas(area.inner(ratatui::layout::Margin::new(1, 0)));
    let peak = data.iter().max().copied().unwrap_or(0);
    frame.render_widget(
        Paragraph::new(Span::styled(format!("{label} (peak {peak})"), theme.dim())),
        title,
    );
    // Show the most recent days that fit.
    let shown = &data[data.len().saturating_sub(usize::from(chart.width))..];
    frame.render_widget(
        Sparkline::default()
            .data(shown.iter().copied())
            .style(theme.band(Some("green"))),
        chart,
    );
}

/// The success plan, the people, plays, tickets, surveys and the journey in one scrollable
/// panel. Countdowns count from `today`.
fn history_lines(
    detail: &AccountDetail,
    plays: Vec<(Tone, String)>,
    theme: Theme,
    today: NaiveDate,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    lines.push(Line::from(vec![
        Span::styled("Success plan", theme.title()),
        Span::styled(
            "  o agree an outcome · a achieved · D drop · Q QBR packet",
            theme.dim(),
        ),
    ]));
    if detail.outcomes.is_empty() {
        lines.push(Line::from("  no outcome agreed yet"));
    }
    for o in &detail.outcomes {
        let overdue = o.is_open() && o.due_on < today;
        let style = if overdue {
            theme.warn()
        } else if o.is_open() {
            Style::new()
        } else {
            theme.dim()
        };
        lines.push(Line::from(Span::styled(
            format!("  {} · {} · {}", o.title, o.kind, o.status(today)),
            style,
        )));
    }
    lines.push(Line::from(Span::styled("People", theme.title())));
    if detail.contacts.is_empty() {
        lines.push(Line::from("  no contact loaded"));
    }
    for c in &detail.contacts {
        let style = if c.left_on.is_some() {
            theme.dim()
        } else {
            Style::new()
        };
        let email = if c.email.is_empty() {
            String::new()
        } else {
            format!(" <{}>", c.email)
        };
        lines.push(Line::from(Span::styled(
            format!("  {}{email}", c.describe()),
            style,
        )));
    }
    lines.push(Line::from(Span::styled("Plays running", theme.title())));
    if plays.is_empty() {
        lines.push(Line::from("  none"));
    }
    for (tone, text) in plays {
        lines.push(Line::from(Span::styled(
            crate::text::printable(&text).into_owned(),
            theme.tone(tone),
        )));
    }
    lines.push(Line::from(Span::styled(
        "Open and recent tickets",
        theme.title(),
    )));
    if detail.tickets.is_empty() {
        lines.push(Line::from("  none"));
    }
    for t in &detail.tickets {
        let state = t
            .closed
            .as_ref()
            .map_or("open".to_owned(), |c| format!("closed {c}"));
        lines.push(Line::from(format!(
            "  #{} {} {} {} — {}",
            t.ticket_id, t.priority, t.opened, state, t.subject
        )));
    }
    lines.push(Line::from(Span::styled("Survey responses", theme.title())));
    if detail.surveys.is_empty() {
        lines.push(Line::from("  none"));
    }
    for s in &detail.surveys {
        let comment = s.comment.replace(['\n', '\r'], " ");
        lines.push(Line::from(format!(
            "  {} {} {} {} {comment}",
            s.date, s.kind, s.score, s.respondent
        )));
    }
    lines.push(Line::from(Span::styled(
        "Journey (newest first)",
        theme.title(),
    )));
    for e in &detail.timeline {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} {:<9}", e.date, e.kind), theme.dim()),
            Span::raw(format!(" {}", e.text.replace(['\n', '\r'], " "))),
        ]));
    }
    lines
}

fn render_history(app: &App, theme: Theme, a: &AccountScore, frame: &mut Frame, area: Rect) {
    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        "j/k scroll · ] [ next/previous account",
        theme.dim(),
    ));
    match app.detail.as_ref().filter(|d| d.account_id == a.account_id) {
        None => frame.render_widget(
            Paragraph::new("Loading tickets, surveys and the journey…").block(block),
            area,
        ),
        Some(detail) => {
            let lines = history_lines(
                detail,
                app.account_play_lines(&a.account_id),
                theme,
                app.today,
            );
            let scroll = app.detail_scroll.min(lines.len().saturating_sub(1)) as u16;
            frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
        }
    }
}
