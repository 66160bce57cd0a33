//! The tasks tab: the open steps of running plays for one owner, grouped overdue, today, this
//! week, later; each task a line (due, account, play and step) and its text under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::fit;
use super::theme::Theme;
use crate::app::App;
use crate::format::countdown;
use crate::plays::runs::{group, group_name};
use crate::text::printable;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    let Some(_) = &app.tasks else {
        frame.render_widget(
            Paragraph::new("Bringing the plays up to date with the live score…"),
            area,
        );
        return;
    };
    let tasks = app.visible_tasks();
    let owner = printable(app.tasks_owner()).into_owned();
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &format!(
                "Tasks of {owner}: {} open (o picks another owner)",
                tasks.len()
            ),
            width,
        ),
        theme.title(),
    ))];
    if tasks.is_empty() {
        lines.push(Line::from(
            "No open tasks: plays start when a trigger fires for one of the accounts.",
        ));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    // Rows are built only around the cursor: with 150,000 tasks only a screenful is drawn.
    let height = usize::from(area.height).saturating_sub(1);
    let per_task = 2;
    let shown = (height / per_task).max(1);
    let first = app
        .tab_cursor
        .saturating_sub(shown / 2)
        .min(tasks.len().saturating_sub(shown));
    let mut current = (first > 0).then(|| group(tasks[first - 1].due_on, app.today));
    for (i, task) in tasks.iter().enumerate().skip(first) {
        let g = group(task.due_on, app.today);
        if current != Some(g) {
            if lines.len() >= height {
                break;
            }
            lines.push(Line::from(Span::styled(group_name(g), theme.header())));
            current = Some(g);
        }
        if lines.len() + per_task > height + 1 {
            break;
        }
        let days = (task.due_on - app.today).num_days();
        let due = match days {
            d if d < 0 => format!("{}d overdue", -d),
            d => countdown(d),
        };
        let due_style = if days < 0 { theme.warn() } else { theme.dim() };
        let lead = format!("  {due:<12} ");
        let rest = format!(
            "{} · {} {} ({})",
            printable(&task.account),
            printable(&task.play),
            task.step,
            task.kind
        );
        let mut first_line = Line::from(vec![
            Span::styled(lead.clone(), due_style),
            Span::raw(fit(&rest, width.saturating_sub(lead.width()))),
        ]);
        // The step, and the trigger's fact unless the step's text already says it.
        let text = match task.fact.as_deref().filter(|f| !task.text.contains(f)) {
            Some(fact) => format!("{} — why: {fact}", task.text),
            None => task.text.clone(),
        };
        let mut second_line = Line::from(format!(
            "{}{}",
            " ".repeat(lead.width()),
            fit(&printable(&text), width.saturating_sub(lead.width()))
        ));
        if i == app.tab_cursor {
            first_line = first_line.style(theme.selected());
            second_line = second_line.style(theme.selected());
        }
        lines.push(first_line);
        lines.push(second_line);
    }
    frame.render_widget(Paragraph::new(lines), area);
}
