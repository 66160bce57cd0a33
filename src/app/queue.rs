//! The queue as the CSM sees it: the loaded accounts in the chosen sort, through the filters,
//! with the selection and scroll kept on the same account while the view changes.

use std::collections::HashMap;

use super::App;
use super::action::{Action, Effect, InputKey, Level, Screen};
use super::form::edit;
use crate::model::filter::{AccountFilter, AccountIndex};
use crate::model::queue::sort_order;
use crate::text::fold;

impl App {
    /// Puts the queue in the current sort order, prepared with the data (see `sort_orders`).
    pub(super) fn resort(&mut self) {
        let keep = self.selected_id();
        self.sort_keeping(keep);
    }

    /// `resort` for data just replaced: the view's indices point into the old accounts, so the
    /// account to keep selected is named by the caller, who read it before the swap.
    pub(super) fn sort_keeping(&mut self, keep: Option<String>) {
        self.sorted = match &self.data {
            Some(data) => data
                .orders
                .get(&self.sort)
                .cloned()
                .unwrap_or_else(|| sort_order(&data.accounts, self.sort)),
            None => Vec::new(),
        };
        self.filter_keeping(keep);
    }

    pub(super) fn selected_id(&self) -> Option<String> {
        self.selected_account().map(|a| a.account_id.clone())
    }

    /// Rebuilds the view, keeping the same account selected when it is still there.
    pub(super) fn refilter(&mut self) {
        let keep = self.selected_id();
        self.filter_keeping(keep);
        // The tasks tab follows the owner filter; its rows are rebuilt when that changed and the
        // tab is on screen, else when it is shown (at L, ~90 ms: not for a pick on the queue).
        if self.screen == Screen::Tasks {
            self.refresh_stale_tasks();
        }
    }

    /// Whether the console put off work until no key comes: the filter's index of a queue just
    /// put on screen.
    pub fn idle_work(&self) -> bool {
        self.data.is_some() && self.index.is_none()
    }

    /// The filter's index of the queue on screen, unless made already.
    pub(super) fn make_index(&mut self) {
        if let (None, Some(data)) = (&self.index, &self.data) {
            self.index = Some(AccountIndex::build(&data.accounts));
        }
    }

    /// Rebuilds the view with `keep` selected; when it has left the view (snoozed, resolved,
    /// filtered out), the row that took its place is selected, so work goes on down the queue.
    fn filter_keeping(&mut self, keep: Option<String>) {
        let mut view = if self.filter.is_active() {
            self.make_index();
            self.index
                .as_ref()
                .map_or_else(Vec::new, |index| index.select(&self.filter, &self.sorted))
        } else {
            self.sorted.clone()
        };
        if !self.show_hidden {
            view.retain(|&i| !self.hidden[i]);
        }
        self.view = view;
        if let Some(position) = keep.and_then(|id| {
            self.view
                .iter()
                .position(|&i| self.accounts()[i].account_id == id)
        }) {
            self.selected = position;
        }
        self.clamp_scroll();
    }

    pub(super) fn clamp_scroll(&mut self) {
        let last = self.view.len().saturating_sub(1);
        self.selected = self.selected.min(last);
        let rows = self.page_rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(rows));
    }

    pub(super) fn move_to(&mut self, position: usize) -> Vec<Effect> {
        let before = self.selected;
        self.selected = position;
        self.clamp_scroll();
        if self.screen == Screen::Account && self.selected != before {
            return self.open_selected();
        }
        Vec::new()
    }

    /// The sort and filter keys of the queue.
    pub(super) fn change_view(&mut self, action: &Action) {
        match action {
            Action::CycleSort => {
                self.sort = self.sort.next();
                return self.resort();
            }
            Action::ToggleMine => {
                self.filter.owner = match self.filter.owner {
                    Some(_) => None,
                    None => Some(self.user.clone()),
                };
                self.refilter();
                if self.filter.owner.is_some() && self.view.is_empty() {
                    let owners: Vec<String> =
                        self.owners().into_iter().take(6).map(|(o, _)| o).collect();
                    self.say(
                        Level::Info,
                        format!(
                            "no accounts owned by {:?}; owners here: {} (set RETAIN_USER or --as, or pick one with o)",
                            self.user,
                            owners.join(", ")
                        ),
                    );
                }
                return;
            }
            Action::PickOwner => {
                let owners = self.owners();
                let at = self
                    .filter
                    .owner
                    .as_ref()
                    .and_then(|o| owners.iter().position(|(name, _)| name == o))
                    .map_or(0, |i| i + 1);
                let mut options = vec![("all owners".to_owned(), self.accounts().len())];
                options.extend(owners);
                self.owner_picker = Some((options, at));
                return;
            }
            Action::ToggleAtRisk => self.filter.at_risk = !self.filter.at_risk,
            Action::CycleBand => {
                self.filter.band = cycle(&self.filter.band, &self.model.band_names());
            }
            Action::CycleSegment => {
                let segments = distinct(self.accounts().iter().filter_map(|a| a.segment.clone()));
                self.filter.segment = cycle(&self.filter.segment, &segments);
            }
            Action::CycleReason => {
                let codes = distinct(
                    self.accounts()
                        .iter()
                        .flat_map(|a| a.reasons.iter().map(|r| r.code.clone())),
                );
                self.filter.reason = cycle(&self.filter.reason, &codes);
            }
            Action::ToggleHidden => self.show_hidden = !self.show_hidden,
            Action::ClearFilters => self.filter = AccountFilter::default(),
            _ => return,
        }
        self.refilter();
    }

    /// Every owner with how many accounts they have, most first. Spellings the filter treats
    /// as one owner (case, width) are counted as one, under the first spelling seen.
    fn owners(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, String, usize)> = Vec::new();
        // Each spelling is folded and looked for once, not per account: at L, 90,000 accounts
        // against their owners cost `m` ~15 ms.
        let mut slots: HashMap<&str, usize> = HashMap::new();
        for owner in self.accounts().iter().filter_map(|a| a.owner.as_deref()) {
            let slot = *slots.entry(owner).or_insert_with(|| {
                let key = fold(owner);
                counts
                    .iter()
                    .position(|(k, _, _)| *k == key)
                    .unwrap_or_else(|| {
                        counts.push((key, owner.to_owned(), 0));
                        counts.len() - 1
                    })
            });
            counts[slot].2 += 1;
        }
        counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
        counts.into_iter().map(|(_, owner, n)| (owner, n)).collect()
    }

    /// A key while the owner picker is open: move, choose with Enter, anything else closes it.
    pub(super) fn pick_owner(&mut self, action: Action) -> Vec<Effect> {
        let Some((options, cursor)) = self.owner_picker.as_mut() else {
            return Vec::new();
        };
        let last = options.len().saturating_sub(1);
        match action {
            Action::Down => *cursor = (*cursor + 1).min(last),
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Top => *cursor = 0,
            Action::Bottom => *cursor = last,
            Action::Open => {
                let chosen = (*cursor > 0).then(|| options[*cursor].0.clone());
                self.owner_picker = None;
                self.filter.owner = chosen;
                self.refilter();
            }
            Action::Quit => return vec![Effect::Quit],
            _ => self.owner_picker = None,
        }
        Vec::new()
    }

    pub(super) fn search_input(&mut self, key: InputKey) {
        let Some(input) = self.searching.as_mut() else {
            return;
        };
        match key {
            InputKey::Esc => {
                self.searching = None;
                self.filter.search.clear();
            }
            InputKey::Enter => self.searching = None,
            key => edit(input, key),
        }
        if let Some(input) = &self.searching {
            self.filter.search = input.text.clone();
        }
        self.refilter();
    }
}

/// The option after `current`, the first when there is none, none after the last.
fn cycle<T: Clone + PartialEq>(current: &Option<T>, options: &[T]) -> Option<T> {
    match current
        .as_ref()
        .and_then(|c| options.iter().position(|o| o == c))
    {
        None => options.first().cloned(),
        Some(i) => options.get(i + 1).cloned(),
    }
}

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = values.collect();
    out.sort();
    out.dedup();
    out
}
