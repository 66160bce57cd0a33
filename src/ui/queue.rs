//! The queue: one row per account, only the visible window is built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use unicode_width::UnicodeWidthStr;

use super::fit;
use super::theme::Theme;
use crate::app::App;
use crate::format::money;
use crate::model::REASONS;
use crate::model::score::AccountScore;

/// Short reason codes for the narrow column (help has the legend).
pub fn short_code(code: &str) -> &str {
    REASONS
        .iter()
        .find(|(long, _, _)| *long == code)
        .map_or(code, |(_, short, _)| short)
}

/// The reasons that fit `width`: a CSM's flag first, so it is never the one cut, then "+N" for
/// those that did not fit.
fn reasons_text(a: &AccountScore, width: usize) -> String {
    let mut codes: Vec<&str> = a.reasons.iter().map(|r| short_code(&r.code)).collect();
    codes.sort_by_key(|c| *c != "FLAG");
    for shown in (0..=codes.len()).rev() {
        let mut text = codes[..shown].join(" ");
        let hidden = codes.len() - shown;
        if hidden > 0 {
            text = if text.is_empty() {
                format!("+{hidden}")
            } else {
                format!("{text} +{hidden}")
            };
        }
        if text.width() <= width {
            return text;
        }
    }
    String::new()
}

pub fn filter_summary(app: &App) -> String {
    let f = &app.filter;
    let mut parts = vec![format!("sort {}", app.sort.label())];
    if let Some(owner) = &f.owner {
        parts.push(format!("owner {owner}"));
    }
    if f.at_risk {
        parts.push("at risk only".into());
    }
    for (label, value) in [
        ("band", &f.band),
        ("segment", &f.segment),
        ("reason", &f.reason),
    ] {
        if let Some(v) = value {
            parts.push(format!("{label} {v}"));
        }
    }
    if !f.search.is_empty() {
        parts.push(format!("search \"{}\"", f.search));
    }
    if app.show_hidden {
        parts.push("showing snoozed/resolved".into());
    }
    parts.push(format!("{} shown", app.view.len()));
    parts.join(" · ")
}

struct Column {
    title: &'static str,
    width: Constraint,
    /// Columns are dropped from the highest level down until the table fits.
    drop_level: u8,
    min: u16,
}

const COLUMNS: &[Column] = &[
    Column {
        title: "#",
        width: Constraint::Length(4),
        drop_level: 0,
        min: 4,
    },
    Column {
        title: "account",
        width: Constraint::Fill(3),
        drop_level: 0,
        min: 16,
    },
    Column {
        title: "owner",
        width: Constraint::Length(12),
        drop_level: 2,
        min: 12,
    },
    Column {
        title: "segment",
        width: Constraint::Length(11),
        drop_level: 4,
        min: 11,
    },
    Column {
        title: "ARR",
        width: Constraint::Length(7),
        drop_level: 0,
        min: 7,
    },
    Column {
        title: "health",
        width: Constraint::Length(6),
        drop_level: 0,
        min: 6,
    },
    Column {
        title: "stage",
        width: Constraint::Length(10),
        drop_level: 1,
        min: 5,
    },
    Column {
        title: "reasons",
        width: Constraint::Fill(2),
        drop_level: 0,
        min: 10,
    },
    Column {
        title: "renews",
        width: Constraint::Length(6),
        drop_level: 1,
        min: 6,
    },
    Column {
        title: "next step",
        width: Constraint::Fill(2),
        drop_level: 3,
        min: 16,
    },
    Column {
        title: "touch",
        width: Constraint::Length(5),
        drop_level: 1,
        min: 5,
    },
];

/// From this width on the stage column spells the stage out.
const WIDE: u16 = 120;

/// The columns that fit `width`, widest set first.
fn visible_columns(width: u16) -> Vec<usize> {
    for level in (0..=4).rev() {
        let chosen: Vec<usize> = (0..COLUMNS.len())
            .filter(|&i| COLUMNS[i].drop_level <= level)
            .collect();
        let needed: u16 = chosen.iter().map(|&i| COLUMNS[i].min + 1).sum();
        if needed <= width {
            return chosen;
        }
    }
    (0..COLUMNS.len())
        .filter(|&i| COLUMNS[i].drop_level == 0)
        .collect()
}

/// The lifecycle stage, in five letters when the column is narrow.
fn stage_text(stage: &str, width: usize) -> String {
    if stage.width() <= width {
        return stage.to_owned();
    }
    match stage {
        "onboarding" => "onbrd".to_owned(),
        "adoption" => "adopt".to_owned(),
        "renewal" => "renew".to_owned(),
        other => fit(other, width),
    }
}

/// Days for a narrow column; a renewal date that has passed says so rather than a count.
fn days_text(days: Option<i64>) -> String {
    match days {
        None => "—".into(),
        Some(d) if d < 0 => "passed".into(),
        Some(d) => format!("{d}d"),
    }
}

fn cell(
    app: &App,
    theme: Theme,
    a: &AccountScore,
    rank: usize,
    (column, width): (usize, u16),
) -> Cell<'static> {
    let width = usize::from(width);
    match COLUMNS[column].title {
        "#" => Cell::from(format!("{rank:>3}")),
        "account" => {
            // Only shown with H: say why the row is otherwise out of the queue.
            let marker = match app.console_state(&a.account_id) {
                Some(s) if app.is_hidden(a) && s.snoozed_until.is_some_and(|u| u > app.today) => {
                    "(snoozed) "
                }
                Some(_) if app.is_hidden(a) => "(resolved) ",
                _ => "",
            };
            Cell::from(fit(&format!("{marker}{}", a.name), width))
        }
        "owner" => Cell::from(fit(a.owner.as_deref().unwrap_or("unassigned"), width)),
        "segment" => Cell::from(a.segment.clone().unwrap_or_default()),
        "ARR" => Cell::from(Line::from(money(a.arr)).right_aligned()),
        "health" => Cell::from(Line::from(vec![
            Span::styled(
                format!("{:>3}", a.health_text(&app.model)),
                theme.band(a.band.as_deref()),
            ),
            Span::raw(format!(" {}", a.trend_arrow(app.model.trend.threshold))),
        ])),
        "stage" => Cell::from(stage_text(&a.stage, width)),
        "reasons" => Cell::from(reasons_text(a, width)),
        "renews" => Cell::from(Line::from(days_text(a.renewal_in(app.today))).right_aligned()),
        "next step" => {
            let state = app.console_state(&a.account_id);
            let text = state.and_then(|s| {
                let step = s.next_step.clone()?;
                Some(match s.next_due {
                    Some(due) => format!("{} {step}", due.format("%m-%d")),
                    None => step,
                })
            });
            // Tasks of running plays due today or overdue come first (5 lists them).
            let (late, today) = app
                .task_marks
                .get(&a.account_id)
                .copied()
                .unwrap_or_default();
            let mark = match (late, today) {
                (0, 0) => String::new(),
                (0, n) => format!("[{n} task{} today] ", if n == 1 { "" } else { "s" }),
                (n, _) => format!("[{n} task{} overdue] ", if n == 1 { "" } else { "s" }),
            };
            let overdue = late > 0
                || state
                    .and_then(|s| s.next_due)
                    .is_some_and(|due| due < app.today);
            let style = if overdue {
                theme.warn()
            } else {
                ratatui::style::Style::new()
            };
            let text = format!("{mark}{}", text.unwrap_or_default());
            Cell::from(Span::styled(fit(&text, width), style))
        }
        "touch" => Cell::from(Line::from(days_text(a.days_since_touch(app.today))).right_aligned()),
        _ => Cell::from(""),
    }
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if app.data.is_none() {
        frame.render_widget(Paragraph::new("Scoring accounts…"), area);
        return;
    }
    if app.view.is_empty() {
        let text = if app.accounts().is_empty() {
            "No accounts yet. Load your data with `retain load DIR` (see docs/data-contract.md)."
        } else {
            "No account matches the filters. Press c to clear them, H to show snoozed and resolved."
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let columns = visible_columns(area.width);
    let header =
        Row::new(columns.iter().map(|&c| Cell::from(COLUMNS[c].title))).style(theme.header());
    // The stage in full where there is room, else in five letters.
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&c| match COLUMNS[c].title {
            "stage" if area.width < WIDE => Constraint::Length(COLUMNS[c].min),
            _ => COLUMNS[c].width,
        })
        .collect();
    // The widths the table gives each column, so that cells can be fitted with "…".
    let cell_widths: Vec<u16> = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(Rect { height: 1, ..area })
        .iter()
        .map(|r| r.width)
        .collect();
    let rows_visible = usize::from(area.height.saturating_sub(1));
    let end = (app.offset + rows_visible).min(app.view.len());
    let rows = (app.offset..end).map(|position| {
        let account = &app.accounts()[app.view[position]];
        let row = Row::new(
            columns
                .iter()
                .zip(&cell_widths)
                .map(|(&c, &w)| cell(app, theme, account, position + 1, (c, w))),
        );
        if position == app.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_terminals_drop_the_least_needed_columns() {
        let titles = |w| {
            visible_columns(w)
                .iter()
                .map(|&i| COLUMNS[i].title)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            titles(80),
            [
                "#", "account", "owner", "ARR", "health", "stage", "reasons", "renews", "touch"
            ]
        );
        assert_eq!(titles(160).len(), COLUMNS.len());
    }
}
