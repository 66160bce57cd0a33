//! Runs of plays started and ended by the live score (PLAYS.md, "A run of a play"), and the
//! task list a CSM works from.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{Play, Playbook, STAGES};
use crate::db::Db;
use crate::db::plays::{self, NewRun, RunEnd, Task};
use crate::error::Result;
use crate::model::queue::ConsoleState;
use crate::model::score::AccountScore;
use crate::text::fold;

/// Days without its trigger after which a run is cleared.
pub const CLEARED_AFTER_DAYS: i64 = 14;

/// Who writes what the score starts and ends.
pub const AUTHOR: &str = "retain";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct SyncSummary {
    pub started: usize,
    pub cleared: usize,
    pub churned: usize,
}

/// The fact behind a play's trigger for an account, when the trigger fires.
fn firing(play: &Play, account: &AccountScore) -> Option<String> {
    if STAGES.contains(&play.trigger.as_str()) {
        if account.stage != play.trigger {
            return None;
        }
        return Some(match play.trigger.as_str() {
            // No countdown: the fact is kept with the run, and countdowns count from today.
            "renewal" => format!(
                "renews on {}",
                account.renewal_date.as_deref().unwrap_or("—")
            ),
            _ => format!("contract started {}", account.contract_start),
        });
    }
    account
        .reasons
        .iter()
        .find(|r| r.code == play.trigger)
        .map(|r| r.fact.clone())
}

/// Brings the runs up to date with the score as of `as_of` (the data's freshness), in one
/// transaction: a trigger firing for an account with no open run of its play starts one on
/// `today` (its tasks count from the day the CSM can act, not from the data's date); a run
/// whose trigger has not fired for 14 days of data is cleared; a churned account's runs end.
/// Running it again on the same score changes nothing.
pub fn sync(
    db: &Db,
    playbook: &Playbook,
    scores: &[AccountScore],
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<SyncSummary> {
    let start = today.max(as_of);
    db.in_transaction(|conn| {
        let open = plays::open_runs(conn)?;
        let churned = plays::churned(conn, as_of)?;
        let open_by: HashMap<(&str, &str), &plays::OpenRun> = open
            .iter()
            .map(|r| ((r.account_id.as_str(), r.play.as_str()), r))
            .collect();
        let mut summary = SyncSummary::default();
        let mut fired: HashSet<i64> = HashSet::new();
        let mut starting: Vec<NewRun> = Vec::new();
        let mut firing_now: Vec<i64> = Vec::new();
        for account in scores.iter().filter(|a| !churned.contains(&a.account_id)) {
            let renewal = account
                .renewal_date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            for play in playbook.plays.iter().filter(|p| p.applies_to(account)) {
                let Some(fact) = firing(play, account) else {
                    continue;
                };
                match open_by.get(&(account.account_id.as_str(), play.name.as_str())) {
                    Some(run) => {
                        if fired.insert(run.run_id)
                            && run.last_fired.is_none_or(|last| last < as_of)
                        {
                            firing_now.push(run.run_id);
                        }
                    }
                    None => {
                        let tasks = play
                            .steps
                            .iter()
                            .map(|s| {
                                let text =
                                    crate::text::printable(&s.render(account, &fact)).into_owned();
                                (s.kind.clone(), text, s.due_on(start, renewal))
                            })
                            .collect();
                        starting.push(NewRun {
                            account_id: account.account_id.clone(),
                            play: play.name.clone(),
                            trigger: play.trigger.clone(),
                            fact: Some(fact),
                            started_on: start,
                            tasks,
                        });
                    }
                }
            }
        }
        let started = plays::start_runs(conn, &starting)?;
        firing_now.extend(&started);
        plays::fired(conn, &firing_now, as_of, AUTHOR)?;
        summary.started = starting.len();
        for run in open.iter().filter(|r| !fired.contains(&r.run_id)) {
            if churned.contains(&run.account_id) {
                plays::end_run(conn, run.run_id, RunEnd::Churned, None, start, AUTHOR)?;
                summary.churned += 1;
            } else if run
                .last_fired
                .is_none_or(|last| (as_of - last).num_days() >= CLEARED_AFTER_DAYS)
            {
                plays::end_run(conn, run.run_id, RunEnd::Cleared, None, start, AUTHOR)?;
                summary.cleared += 1;
            }
        }
        Ok(summary)
    })
}

/// When a task is due, as the task list groups it (countdowns from today).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum DueWithin {
    /// Before today
    Overdue,
    /// Today (and overdue)
    Today,
    /// Within the next 7 days (and overdue)
    Week,
    /// Any day
    All,
}

/// Where a due day falls from `today`: 0 overdue, 1 today, 2 this week (the next 7 days),
/// 3 later.
pub fn group(due: NaiveDate, today: NaiveDate) -> u8 {
    match (due - today).num_days() {
        d if d < 0 => 0,
        0 => 1,
        1..=7 => 2,
        _ => 3,
    }
}

pub fn group_name(group: u8) -> &'static str {
    ["overdue", "today", "this week", "later"][group as usize]
}

/// The open tasks a CSM sees: of running plays, of `owner` (folded) when given, not of a
/// snoozed account or snoozed themselves (they come back when the snooze ends, with their due
/// dates), due within
/// `within`; overdue first, then today, this week, later.
pub fn task_list<'a>(
    tasks: &'a [Task],
    states: &HashMap<String, ConsoleState>,
    owner: Option<&str>,
    within: DueWithin,
    today: NaiveDate,
) -> Vec<&'a Task> {
    task_order(tasks, states, owner, within, today)
        .into_iter()
        .map(|i| &tasks[i])
        .collect()
}

/// `task_list` as positions in `tasks`: what the console keeps between frames.
pub fn task_order(
    tasks: &[Task],
    states: &HashMap<String, ConsoleState>,
    owner: Option<&str>,
    within: DueWithin,
    today: NaiveDate,
) -> Vec<usize> {
    let limit = match within {
        DueWithin::Overdue => 0,
        DueWithin::Today => 1,
        DueWithin::Week => 2,
        DueWithin::All => 3,
    };
    let owner = owner.map(fold);
    // Each owner's name is folded once, not once per task, and the account's state is looked
    // up last: a team has a few dozen owners and hundreds of thousands of tasks.
    let mut owns: HashMap<&str, bool> = HashMap::new();
    let mut list: Vec<usize> = (0..tasks.len())
        .filter(|&i| {
            let t = &tasks[i];
            t.is_due()
                && group(t.due_on, today) <= limit
                && owner.as_deref().is_none_or(|o| {
                    t.owner.as_deref().is_some_and(|name| {
                        *owns.entry(name).or_insert_with(|| fold(name) == o)
                    })
                })
                // Neither the account nor the task is snoozed past today.
                && [
                    states.get(&t.account_id).and_then(|s| s.snoozed_until),
                    t.snoozed_until,
                ]
                .iter()
                .flatten()
                .all(|until| *until <= today)
        })
        .collect();
    list.sort_by(|&a, &b| {
        let (a, b) = (&tasks[a], &tasks[b]);
        (a.due_on, &a.account, a.step).cmp(&(b.due_on, &b.account, b.step))
    });
    list
}
