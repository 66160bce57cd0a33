//! `render(&App, &mut Frame)`: reads state, never changes it. One file per screen.

mod account;
mod help;
mod model;
mod queue;
mod review;
mod tasks;
mod team;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::form::FieldValue;
use crate::app::{App, Level, Screen};
use crate::format::{group_digits, money};
use crate::report::table::{Align, pad};
use theme::Theme;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    let [header, body, message, hints] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(app, theme, frame, header);
    match app.screen {
        Screen::Queue => queue::render(app, theme, frame, body),
        Screen::Account => account::render(app, theme, frame, body),
        Screen::Review => review::render_review(app, theme, frame, body),
        Screen::Renewals => review::render_renewals(app, theme, frame, body),
        Screen::Model => model::render(app, theme, frame, body),
        Screen::Tasks => tasks::render(app, theme, frame, body),
        Screen::Team => team::render(app, theme, frame, body),
    }
    render_message(app, theme, frame, message);
    frame.render_widget(Paragraph::new(help::hint_line(app, theme)), hints);
    if app.show_help {
        help::render(app, theme, frame);
    }
    if app.form.is_some() {
        render_form(app, theme, frame);
    }
    if let Some((owners, cursor)) = &app.owner_picker {
        render_owner_picker(owners, *cursor, theme, frame);
    }
}

fn render_header(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut first = vec![Span::styled("retain", theme.title())];
    let mut second = Vec::new();
    match &app.data {
        None => first.push(Span::raw("  loading…")),
        Some(data) => {
            first.push(Span::raw(format!("  as of {}", data.as_of)));
            match data.freshness {
                Some(fresh) => {
                    let age = (app.today - fresh).num_days();
                    let style = if age > 7 { theme.warn() } else { Style::new() };
                    first.push(Span::styled(format!(" (data {age}d old)"), style));
                }
                None => first.push(Span::styled("  no data loaded", theme.warn())),
            }
            let at_risk: Vec<_> = data.accounts.iter().filter(|a| a.at_risk()).collect();
            let arr_at_risk: f64 = at_risk.iter().map(|a| a.arr).sum();
            first.push(Span::raw(format!(
                "  {} accounts, {} at risk ({} ARR)",
                group_digits(data.accounts.len() as f64),
                group_digits(at_risk.len() as f64),
                money(arr_at_risk)
            )));
            if data.updating {
                first.push(Span::styled("  updating…", theme.warn()));
            }
        }
    }
    first.push(Span::styled(format!("  {}", app.db_label), theme.dim()));
    if let Some(banner) = &app.banner {
        second.push(Span::styled(format!("{banner}  "), theme.warn()));
    }
    second.push(Span::styled(queue::filter_summary(app), theme.dim()));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn render_message(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let line = if let Some(input) = &app.searching {
        Line::from(vec![
            Span::styled("/", theme.highlight()),
            Span::raw(input.text.clone()),
        ])
    } else if let Some((level, text)) = &app.message {
        let style = match level {
            Level::Info => Style::new(),
            Level::Success => theme.success(),
            Level::Error => theme.error(),
        };
        Line::from(Span::styled(text.clone(), style))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
    if let Some(input) = &app.searching {
        let x = area.x + 1 + input.cursor_column() as u16;
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// A centred box of at most `width` × `height`.
/// `text` cut to `width` display columns, ending in "…" when it was cut (wide characters
/// count two columns).
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Blanks what is under a popup, one column wider on each side: a wide (CJK) character cut by
/// the popup's edge would otherwise still be drawn over its border.
pub fn clear_under(frame: &mut Frame, popup: Rect) {
    let screen = frame.area();
    let left = popup.x.saturating_sub(1).max(screen.x);
    let right = (popup.right() + 1).min(screen.right());
    frame.render_widget(
        Clear,
        Rect {
            x: left,
            width: right - left,
            ..popup
        },
    );
}

pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The owners with their account counts; the cursor's row kept in view.
fn render_owner_picker(owners: &[(String, usize)], cursor: usize, theme: Theme, frame: &mut Frame) {
    let area = popup(frame.area(), 44, owners.len() as u16 + 2);
    let visible = usize::from(area.height.saturating_sub(2));
    let top = cursor.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = owners
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, (owner, n))| {
            let line = Line::from(format!(
                " {} {n:>5} ",
                pad(&fit(owner, 34), 34, Align::Left)
            ));
            if i == cursor {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    clear_under(frame, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(" Owner — Enter to choose, Esc to close ")),
        area,
    );
}

fn render_form(app: &App, theme: Theme, frame: &mut Frame) {
    let Some(form) = &app.form else { return };
    let name = app
        .accounts()
        .iter()
        .find(|a| a.account_id == form.account_id)
        .map_or("", |a| a.name.as_str());
    let area = popup(frame.area(), 72, form.fields.len() as u16 * 2 + 4);
    let block = Block::bordered().title(format!(" {} — {} ", form.kind.title(), name));
    let inner = block.inner(area);
    clear_under(frame, area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            theme.highlight()
        } else {
            Style::new()
        };
        let label = format!("{:>14}: ", field.label);
        let value = match &field.value {
            FieldValue::Text(input) => {
                if focused {
                    cursor = Some((
                        inner.x + label.len() as u16 + input.cursor_column() as u16,
                        inner.y + lines.len() as u16,
                    ));
                }
                Span::raw(input.text.clone())
            }
            FieldValue::Pick { options, index } => Span::raw(format!(
                "‹ {} › {}/{} (←/→)",
                options[*index].1,
                index + 1,
                options.len()
            )),
            FieldValue::Choice { options, index } => Span::styled(
                options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| {
                        if j == *index {
                            format!("[{o}]")
                        } else {
                            format!(" {o} ")
                        }
                    })
                    .collect::<String>(),
                Style::new(),
            ),
        };
        lines.push(Line::from(vec![Span::styled(label, label_style), value]));
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        "Tab next field · ←/→ choose · Enter save · Esc cancel",
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
    }
}
