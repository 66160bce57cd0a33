//! Tasks as an RFC 5545 calendar that Outlook and Google Calendar import: one all-day event per
//! task on its due day. Each task keeps its UID, so importing a later export updates the
//! events instead of adding them twice.

use icalendar::{Calendar, Component, Event, EventLike};

use crate::db::plays::Task;
use crate::text::printable;

/// The stable identity of a task's event: the task's id and the database it lives in.
pub fn uid(task: &Task, database: &str) -> String {
    let database: String = database
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("retain-task-{}-{database}@retain", task.task_id)
}

pub fn calendar(tasks: &[&Task], database: &str) -> String {
    let mut calendar = Calendar::new();
    calendar.name("retain tasks");
    for task in tasks {
        let account = printable(&task.account);
        let mut description = format!(
            "{}\n\nPlay: {}, step {}",
            printable(&task.text),
            task.play,
            task.step
        );
        if let Some(fact) = &task.fact {
            description.push_str(&format!("\nWhy: {} ({})", printable(fact), task.trigger));
        }
        description.push_str(&format!(
            "\nAccount: {} ({})\nClose it with: retain task done {}",
            account, task.account_id, task.task_id
        ));
        calendar.push(
            Event::new()
                .uid(&uid(task, database))
                .summary(&format!("{} {}: {}", task.kind, account, task.play))
                .description(&description)
                // An all-day event ends, exclusively, the next day (RFC 5545, 3.6.1).
                .starts(task.due_on)
                .ends(task.due_on.succ_opt().unwrap_or(task.due_on))
                .done(),
        );
    }
    calendar.done().to_string()
}
