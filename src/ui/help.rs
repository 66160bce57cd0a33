//! Help and the hint bar, both rendered from the keymap the event loop uses.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use super::{clear_under, popup};
use crate::app::App;
use crate::app::keymap::{bindings_for, help};

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
    for (key, what) in help(app.screen) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:>8}  "), theme.highlight()),
            Span::raw(what),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  j/k scroll this help · any other key closes it",
        theme.dim(),
    )));
    let area = popup(frame.area(), 72, lines.len() as u16 + 2);
    // On a small terminal the help scrolls; it never scrolls past its last line.
    let last_top = lines
        .len()
        .saturating_sub(usize::from(area.height.saturating_sub(2)));
    let scroll = app.help_scroll.min(last_top) as u16;
    clear_under(frame, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::bordered().title(" Keys ")),
        area,
    );
}
