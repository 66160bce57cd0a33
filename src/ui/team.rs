//! The team tab: per CSM, accounts, ARR, ARR at risk, the share touched in 30 days, overdue
//! tasks and open plays. Enter shows that CSM's queue.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::fit;
use super::theme::Theme;
use crate::app::App;
use crate::format::money;
use crate::text::printable;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if app.data.is_none() {
        frame.render_widget(Paragraph::new("Scoring accounts…"), area);
        return;
    }
    let rows = app.team_rows();
    let header = Row::new([
        "CSM",
        "accounts",
        "ARR",
        "at-risk ARR",
        "touched 30d",
        "overdue tasks",
        "open plays",
    ])
    .style(theme.header());
    let count = |n: Option<usize>| n.map_or("…".to_owned(), |n| n.to_string());
    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    let name_width = usize::from(area.width.saturating_sub(70)).clamp(12, 30);
    let body = rows.iter().enumerate().map(|(i, r)| {
        let row = Row::new([
            Cell::from(fit(&printable(&r.owner), name_width)),
            right(r.accounts.to_string()),
            right(money(r.arr)),
            right(money(r.at_risk_arr)),
            right(format!("{:.0}%", r.touched_share() * 100.0)),
            right(count(r.overdue_tasks)),
            right(count(r.open_plays)),
        ]);
        if i == app.tab_cursor {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let widths = [
        Constraint::Length(name_width as u16),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Length(11),
        Constraint::Length(13),
        Constraint::Length(10),
    ];
    frame.render_widget(
        Table::new(body, widths).header(header).column_spacing(1),
        area,
    );
}
