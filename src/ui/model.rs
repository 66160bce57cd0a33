//! The Model tab: the active model line by line, its backtest, and what changed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::App;
use crate::report::{backtest, model_diff};

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let model = &app.model;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Health model {} (total weight {})",
            model.hash(),
            model.total_weight()
        ),
        theme.title(),
    ))];
    lines.push(Line::from(Span::styled(
        format!(
            "{:<16} {:<13} {:<23} {:>7} {:>7} {:>6}",
            "measure", "group", "metric", "bad", "good", "weight"
        ),
        theme.header(),
    )));
    for m in &model.measures {
        lines.push(Line::from(format!(
            "{:<16} {:<13} {:<23} {:>7} {:>7} {:>6}",
            m.name, m.group, m.metric, m.bad, m.good, m.weight
        )));
    }
    let bands: Vec<String> = model
        .bands
        .iter()
        .map(|b| format!("{} {}–{}", b.name, b.min, b.max))
        .collect();
    lines.push(Line::from(format!("bands: {}", bands.join(" · "))));
    lines.push(Line::default());
    match &app.model_report {
        None => lines.push(Line::from(
            "Backtesting the model against the churn in your data…",
        )),
        Some(report) => {
            match &report.backtest {
                Ok(result) => {
                    for text in backtest::text(std::slice::from_ref(result), false).lines() {
                        lines.push(Line::from(text.to_owned()));
                    }
                }
                Err(problem) => lines.push(Line::from(format!("No backtest: {problem}"))),
            }
            lines.push(Line::default());
            match &report.previous {
                None => lines.push(Line::from(Span::styled(
                    "Same model as the console's last run.",
                    theme.dim(),
                ))),
                Some((hash, diff)) => {
                    lines.push(Line::from(Span::styled(
                        format!("Changed from model {hash}"),
                        theme.title(),
                    )));
                    for text in model_diff::text(diff, "before", "now").lines() {
                        lines.push(Line::from(text.to_owned()));
                    }
                }
            }
        }
    }
    let scroll = app.review_scroll.min(u16::MAX as usize) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}
