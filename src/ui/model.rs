//! The Model tab: the active model line by line, its backtest, and what changed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::App;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = app
        .model_rows()
        .into_iter()
        .map(|(tone, text)| Line::from(Span::styled(text, theme.tone(tone))))
        .collect();
    let last_top = lines.len().saturating_sub(usize::from(area.height));
    let scroll = app.model_scroll.min(last_top) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}
