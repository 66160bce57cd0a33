//! Help and the hint bar, both rendered from the keymap the event loop uses.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::popup;
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::bindings_for;

pub fn hint_line(app: &App, theme: Theme) -> Line<'static> {
    if app.form.is_some() || app.searching.is_some() {
        return Line::from(Span::styled(
            "typing: Enter to finish · Esc to cancel",
            theme.dim(),
        ));
    }
    let mut spans = Vec::new();
    for b in bindings_for(app.screen) {
        if let Some(word) = b.hint {
            spans.push(Span::styled(b.label.to_owned(), theme.highlight()));
            spans.push(Span::styled(format!(" {word}  "), theme.dim()));
        }
    }
    Line::from(spans)
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    let mut lines = vec![Line::default()];
    for b in bindings_for(app.screen) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:>8}  ", b.label), theme.highlight()),
            Span::raw(b.description),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  Any key closes this help.",
        theme.dim(),
    )));
    let area = popup(frame.area(), 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys ")),
        area,
    );
}
