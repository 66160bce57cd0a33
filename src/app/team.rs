//! The team tab: one row per CSM (the owners of the accounts, reassignments included) with
//! what a manager looks at in the weekly meeting. Enter shows that owner's queue.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{App, Effect, Level, Screen};

/// Where the rows of accounts without an owner are listed.
pub const UNASSIGNED: &str = "unassigned";
/// "Touched" means a touch in the last this many days (from today).
pub const TOUCHED_WITHIN: i64 = 30;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamRow {
    pub owner: String,
    pub accounts: usize,
    pub arr: f64,
    pub at_risk_arr: f64,
    pub touched: usize,
    /// Open tasks due before today, and plays running; None until the tasks are read.
    pub overdue_tasks: Option<usize>,
    pub open_plays: Option<usize>,
}

impl TeamRow {
    pub fn touched_share(&self) -> f64 {
        if self.accounts == 0 {
            0.0
        } else {
            self.touched as f64 / self.accounts as f64
        }
    }
}

impl App {
    /// One row per owner, by ARR (largest book first); the unassigned accounts last.
    pub fn team_rows(&self) -> Vec<TeamRow> {
        let mut rows: BTreeMap<String, TeamRow> = BTreeMap::new();
        let mut owner_of: HashMap<&str, &str> = HashMap::new();
        for a in self.accounts() {
            let owner = a.owner.as_deref().unwrap_or(UNASSIGNED);
            owner_of.insert(&a.account_id, owner);
            let row = rows.entry(owner.to_owned()).or_insert_with(|| TeamRow {
                owner: owner.to_owned(),
                ..TeamRow::default()
            });
            row.accounts += 1;
            row.arr += a.arr;
            if a.at_risk() {
                row.at_risk_arr += a.arr;
            }
            if a.days_since_touch(self.today)
                .is_some_and(|d| d < TOUCHED_WITHIN)
            {
                row.touched += 1;
            }
        }
        if let Some(tasks) = &self.tasks {
            for row in rows.values_mut() {
                row.overdue_tasks = Some(0);
                row.open_plays = Some(0);
            }
            let mut runs: HashSet<i64> = HashSet::new();
            for task in tasks.iter().filter(|t| t.run_ended.is_none()) {
                let Some(row) = owner_of
                    .get(task.account_id.as_str())
                    .and_then(|o| rows.get_mut(*o))
                else {
                    continue;
                };
                if runs.insert(task.run_id) {
                    *row.open_plays.get_or_insert(0) += 1;
                }
                if task.is_due() && task.due_on < self.today {
                    *row.overdue_tasks.get_or_insert(0) += 1;
                }
            }
        }
        let mut rows: Vec<TeamRow> = rows.into_values().collect();
        rows.sort_by(|a, b| {
            (a.owner == UNASSIGNED)
                .cmp(&(b.owner == UNASSIGNED))
                .then(b.arr.total_cmp(&a.arr))
                .then(a.owner.cmp(&b.owner))
        });
        rows
    }

    /// Enter on the team tab: the queue of the owner under the cursor.
    pub(super) fn open_owner(&mut self) -> Vec<Effect> {
        let Some(row) = self.team_rows().into_iter().nth(self.tab_cursor) else {
            return Vec::new();
        };
        if row.owner == UNASSIGNED {
            self.say(
                Level::Info,
                "the unassigned accounts are in the queue without an owner filter",
            );
            self.filter.owner = None;
        } else {
            self.filter.owner = Some(row.owner);
        }
        self.refilter();
        self.show(Screen::Queue)
    }
}
