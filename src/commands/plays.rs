//! Playbooks and tasks: `retain plays show|check`, `retain tasks`, `retain task done|skip`.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use super::{prepare_scoring, write_output};
use crate::cli::{Scoring, TaskCommand, TasksArgs, TasksFormat};
use crate::db::Db;
use crate::db::plays::{self, Task, TaskChange};
use crate::error::Result;
use crate::format::countdown;
use crate::model::filter::resolve_owner;
use crate::model::queue::console_state;
use crate::model::score;
use crate::plays::Playbook;
use crate::plays::runs::{self, group, group_name};

pub fn show(file: Option<&Path>) -> Result<()> {
    print!("{}", Playbook::load(file)?.to_toml());
    Ok(())
}

pub fn check(file: &Path) -> Result<()> {
    let book = Playbook::load(Some(file))?;
    let steps: usize = book.plays.iter().map(|p| p.steps.len()).sum();
    println!(
        "{}: a valid playbook, {} plays, {steps} steps",
        file.display(),
        book.plays.len()
    );
    Ok(())
}

/// The task list, after bringing runs up to date with the live score.
pub fn tasks(db: &Db, args: &TasksArgs, user: &str) -> Result<()> {
    let playbook = Playbook::load(args.plays.as_deref())?;
    let scoring = Scoring {
        as_of: None,
        model: args.model.clone(),
    };
    let (_, as_of) = prepare_scoring(db, &scoring)?;
    let scores = score::score_accounts(db.conn(), as_of)?;
    let today = chrono::Utc::now().date_naive();
    let synced = runs::sync(db, &playbook, &scores, as_of.date, today)?;
    if synced != runs::SyncSummary::default() {
        eprintln!(
            "plays as of {}: {} started, {} cleared, {} ended by churn",
            as_of.date, synced.started, synced.cleared, synced.churned
        );
    }
    let owner = match args.owner.as_str() {
        "all" => None,
        owner => Some(resolve_owner(owner, user)),
    };
    let all = plays::tasks(db.conn())?;
    let list = runs::task_list(
        &all,
        &console_state(db.conn())?,
        owner.as_deref(),
        args.due,
        today,
    );
    let database = db
        .path()
        .and_then(|p| p.file_stem())
        .map_or_else(|| "memory".to_owned(), |s| s.to_string_lossy().into_owned());
    write_output(None, |mut out| match args.format {
        TasksFormat::Table => write_table(&mut out, &list, today),
        TasksFormat::Csv => write_csv(&mut out, &list, today),
        TasksFormat::Ics => out.write_all(crate::plays::ics::calendar(&list, &database).as_bytes()),
        TasksFormat::Json => {
            let items: Vec<serde_json::Value> = list.iter().map(|t| task_json(t, today)).collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)
        }
    })
}

fn due_text(task: &Task, today: NaiveDate) -> String {
    match (task.due_on - today).num_days() {
        d if d < 0 => format!("{} days overdue", -d),
        d => countdown(d),
    }
}

/// Grouped by when they are due; per task a line with the account, the play and the step, then
/// the step's text and the trigger's fact, indented (a terminal wraps them).
fn write_table(out: &mut dyn Write, list: &[&Task], today: NaiveDate) -> std::io::Result<()> {
    if list.is_empty() {
        return writeln!(out, "No open tasks.");
    }
    let mut current = None;
    for task in list {
        let g = group(task.due_on, today);
        if current != Some(g) {
            let n = list.iter().filter(|t| group(t.due_on, today) == g).count();
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{} ({n})", group_name(g))?;
            current = Some(g);
        }
        let clean = |text: &str| crate::text::printable(text).into_owned();
        writeln!(
            out,
            "  #{} {} · {} · {}, step {} ({})",
            task.task_id,
            due_text(task, today),
            clean(&task.account),
            clean(&task.play),
            task.step,
            task.kind
        )?;
        writeln!(out, "      {}", clean(&task.text))?;
        // The fact, unless the step's text already says it.
        if let Some(fact) = task.fact.as_deref().filter(|f| !task.text.contains(f)) {
            writeln!(out, "      why: {} ({})", clean(fact), task.trigger)?;
        }
    }
    Ok(())
}

const CSV_HEADER: [&str; 11] = [
    "task_id",
    "due_on",
    "due",
    "account_id",
    "account",
    "owner",
    "play",
    "step",
    "kind",
    "text",
    "fact",
];

fn write_csv(mut out: &mut dyn Write, list: &[&Task], today: NaiveDate) -> std::io::Result<()> {
    crate::csv::write_safe_row(&mut out, CSV_HEADER)?;
    for t in list {
        let (id, due_on, step) = (
            t.task_id.to_string(),
            t.due_on.to_string(),
            t.step.to_string(),
        );
        crate::csv::write_safe_row(
            &mut out,
            [
                id.as_str(),
                &due_on,
                &due_text(t, today),
                &t.account_id,
                &t.account,
                t.owner.as_deref().unwrap_or_default(),
                &t.play,
                &step,
                &t.kind,
                &t.text,
                t.fact.as_deref().unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

fn task_json(t: &Task, today: NaiveDate) -> serde_json::Value {
    serde_json::json!({
        "task_id": t.task_id,
        "run_id": t.run_id,
        "due_on": t.due_on.to_string(),
        "due": due_text(t, today),
        "group": group_name(group(t.due_on, today)),
        "account_id": t.account_id,
        "account": t.account,
        "owner": t.owner,
        "play": t.play,
        "trigger": t.trigger,
        "fact": t.fact,
        "step": t.step,
        "kind": t.kind,
        "text": t.text,
    })
}

pub fn task(db: &Db, command: TaskCommand, user: &str) -> Result<()> {
    let today = chrono::Utc::now().date_naive();
    let (id, change) = match &command {
        TaskCommand::Done { id } => (*id, TaskChange::Done),
        TaskCommand::Skip { id, reason } => (*id, TaskChange::Skipped { reason }),
        TaskCommand::Snooze { id, until } => (*id, TaskChange::Snoozed { until: *until }),
    };
    let task = plays::change_task(db, id, change, today, user)?;
    let verb = match command {
        TaskCommand::Done { .. } => format!(
            "done; logged on the account's journey as a {}",
            if task.kind == "task" {
                "note"
            } else {
                &task.kind
            }
        ),
        TaskCommand::Skip { .. } => "skipped".to_owned(),
        TaskCommand::Snooze { until, .. } => {
            format!("snoozed until {until} (still due {})", task.due_on)
        }
    };
    println!(
        "Task #{id} of {} ({}, step {}) {verb}.",
        crate::text::printable(&task.account),
        task.play,
        task.step
    );
    Ok(())
}
