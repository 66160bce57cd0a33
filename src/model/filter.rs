//! The one account filter: the console's queue, `retain accounts`, `export` and `review` all
//! select accounts with it, under one rule: values compare after `text::fold` (case, width,
//! NFKC), so `alice`, `Alice` and `ＡＬＩＣＥ` are the same owner everywhere.

use std::collections::HashMap;

use super::score::AccountScore;
use crate::text::fold;

/// Which accounts to show. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountFilter {
    pub owner: Option<String>,
    pub segment: Option<String>,
    pub band: Option<String>,
    /// A reason code the account must have (`USAGE_DROP`).
    pub reason: Option<String>,
    pub at_risk: bool,
    /// Part of the account's name or id.
    pub search: String,
}

/// An owner as people write it on the command line: "mine" is the current user.
pub fn resolve_owner(owner: &str, user: &str) -> String {
    if owner == "mine" {
        user.to_owned()
    } else {
        owner.to_owned()
    }
}

impl AccountFilter {
    pub fn is_active(&self) -> bool {
        *self != AccountFilter::default()
    }

    /// Whether one account passes. The console's `AccountIndex` gives the same answer for
    /// every account, faster (a test holds them together).
    pub fn matches(&self, a: &AccountScore) -> bool {
        let same = |want: &Option<String>, have: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| have.as_ref().is_some_and(|h| fold(h) == fold(w)))
        };
        let reason = self.reason.as_ref().map(|code| fold(code));
        same(&self.owner, &a.owner)
            && same(&self.segment, &a.segment)
            && same(&self.band, &a.band)
            && reason.is_none_or(|code| a.reasons.iter().any(|r| fold(&r.code) == code))
            && (!self.at_risk || a.at_risk())
            && (self.search.is_empty() || search_key(a).contains(&fold(&self.search)))
    }
}

/// What a search looks in: the name and the id, never run together (the separator is not
/// typed into a search).
fn search_key(a: &AccountScore) -> String {
    fold(&format!("{}\u{1f}{}", a.name, a.account_id))
}

/// Every account's search key, folded on as many threads as there are cores (two here).
fn search_keys(accounts: &[AccountScore]) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = accounts.len().div_ceil(threads).max(1024);
    std::thread::scope(|scope| {
        let parts: Vec<_> = accounts
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(search_key).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| {
                part.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The filter's view of every account, folded and interned once when the data loads, so that
/// filtering 100,000 accounts walks a few dense arrays instead of folding strings per key.
#[derive(Debug, Default)]
pub struct AccountIndex {
    search: Vec<String>,
    at_risk: Vec<bool>,
    /// Positions in `values` of each account's owner, band and segment.
    owner: Vec<Option<u32>>,
    band: Vec<Option<u32>>,
    segment: Vec<Option<u32>>,
    /// Bit k set when the account has the reason `codes[k]`.
    reasons: Vec<u64>,
    values: Vec<String>,
    codes: Vec<String>,
}

/// One account's entry in the index.
struct Entry {
    search: String,
    at_risk: bool,
    owner: Option<u32>,
    band: Option<u32>,
    segment: Option<u32>,
    reasons: u64,
}

/// Texts already folded while building, by their text as loaded.
#[derive(Default)]
struct Seen<'a> {
    values: HashMap<&'a str, u32>,
    codes: HashMap<&'a str, usize>,
}

/// Where a re-score moved accounts in the queue (`Dataset::apply`): the old positions that
/// left and the new positions that came in, each ascending.
#[derive(Debug, Default, PartialEq)]
pub struct Moves {
    pub removed: Vec<usize>,
    pub inserted: Vec<usize>,
}

impl AccountIndex {
    pub fn build(accounts: &[AccountScore]) -> AccountIndex {
        let mut index = AccountIndex::default();
        // Owners, bands, segments and reason codes repeat across 100,000 accounts: each
        // distinct text is folded once. The names, all different, are folded on two threads.
        let mut seen = Seen::default();
        let mut searches = search_keys(accounts).into_iter();
        for a in accounts {
            let mut entry = index.entry_without_search(a, &mut seen);
            entry.search = searches.next().unwrap_or_default();
            index.insert(index.search.len(), entry);
        }
        index
    }

    /// The index after `Dataset::apply` moved accounts: the entries at `moves.removed` (old
    /// positions) leave, and the accounts now at `moves.inserted` come in.
    pub fn apply(&mut self, moves: &Moves, accounts: &[AccountScore]) {
        for &position in moves.removed.iter().rev() {
            self.search.remove(position);
            self.at_risk.remove(position);
            self.owner.remove(position);
            self.band.remove(position);
            self.segment.remove(position);
            self.reasons.remove(position);
        }
        let mut seen = Seen::default();
        for &position in &moves.inserted {
            let entry = self.entry(&accounts[position], &mut seen);
            self.insert(position, entry);
        }
    }

    fn entry<'a>(&mut self, a: &'a AccountScore, seen: &mut Seen<'a>) -> Entry {
        Entry {
            search: search_key(a),
            ..self.entry_without_search(a, seen)
        }
    }

    fn entry_without_search<'a>(&mut self, a: &'a AccountScore, seen: &mut Seen<'a>) -> Entry {
        let mut reasons = 0u64;
        for r in &a.reasons {
            let k = match seen.codes.get(r.code.as_str()) {
                Some(&k) => k,
                None => {
                    let code = fold(&r.code);
                    let k = match self.codes.iter().position(|c| *c == code) {
                        Some(k) => k,
                        None => {
                            self.codes.push(code);
                            self.codes.len() - 1
                        }
                    };
                    seen.codes.insert(r.code.as_str(), k);
                    k
                }
            };
            reasons |= 1u64 << (k % 64);
        }
        Entry {
            search: String::new(),
            at_risk: a.at_risk(),
            owner: a
                .owner
                .as_deref()
                .map(|v| self.known_id(&mut seen.values, v)),
            band: a
                .band
                .as_deref()
                .map(|v| self.known_id(&mut seen.values, v)),
            segment: a
                .segment
                .as_deref()
                .map(|v| self.known_id(&mut seen.values, v)),
            reasons,
        }
    }

    fn insert(&mut self, position: usize, entry: Entry) {
        self.search.insert(position, entry.search);
        self.at_risk.insert(position, entry.at_risk);
        self.owner.insert(position, entry.owner);
        self.band.insert(position, entry.band);
        self.segment.insert(position, entry.segment);
        self.reasons.insert(position, entry.reasons);
    }

    fn known_id<'a>(&mut self, seen: &mut HashMap<&'a str, u32>, value: &'a str) -> u32 {
        match seen.get(value) {
            Some(&id) => id,
            None => {
                let id = self.value_id(value);
                seen.insert(value, id);
                id
            }
        }
    }

    fn value_id(&mut self, value: &str) -> u32 {
        let value = fold(value);
        match self.values.iter().position(|v| *v == value) {
            Some(i) => i as u32,
            None => {
                self.values.push(value);
                (self.values.len() - 1) as u32
            }
        }
    }

    /// A filter value as an id: None = no filter, Some(None) = a value no account has.
    fn wanted(&self, value: &Option<String>) -> Option<Option<u32>> {
        value.as_ref().map(|v| {
            let v = fold(v);
            self.values.iter().position(|x| *x == v).map(|i| i as u32)
        })
    }

    /// The positions of `order` (indices into the accounts the index was built from) that
    /// pass `filter`, in that order.
    pub fn select(&self, filter: &AccountFilter, order: &[usize]) -> Vec<usize> {
        let search = fold(&filter.search);
        let owner = self.wanted(&filter.owner);
        let band = self.wanted(&filter.band);
        let segment = self.wanted(&filter.segment);
        let reason = filter.reason.as_ref().map(|code| {
            let code = fold(code);
            self.codes
                .iter()
                .position(|c| *c == code)
                .map(|k| 1u64 << (k % 64))
        });
        let is = |want: Option<Option<u32>>, have: Option<u32>| {
            want.is_none_or(|w| w.is_some() && have == w)
        };
        order
            .iter()
            .copied()
            .filter(|&i| {
                is(owner, self.owner[i])
                    && is(band, self.band[i])
                    && is(segment, self.segment[i])
                    && reason.is_none_or(|bit| bit.is_some_and(|bit| self.reasons[i] & bit != 0))
                    && (!filter.at_risk || self.at_risk[i])
                    && (search.is_empty() || self.search[i].contains(&search))
            })
            .collect()
    }
}
