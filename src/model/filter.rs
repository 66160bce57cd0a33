//! The one account filter: the console's queue, `retain accounts`, `export` and `review` all
//! select accounts with it, under one rule: values compare after `text::fold` (case, width,
//! NFKC), so `alice`, `Alice` and `ＡＬＩＣＥ` are the same owner everywhere.

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

impl AccountIndex {
    pub fn build(accounts: &[AccountScore]) -> AccountIndex {
        let mut index = AccountIndex::default();
        for a in accounts {
            index.search.push(search_key(a));
            index.at_risk.push(a.at_risk());
            let owner = a.owner.as_deref().map(|v| index.value_id(v));
            let band = a.band.as_deref().map(|v| index.value_id(v));
            let segment = a.segment.as_deref().map(|v| index.value_id(v));
            index.owner.push(owner);
            index.band.push(band);
            index.segment.push(segment);
            let mut bits = 0u64;
            for r in &a.reasons {
                let code = fold(&r.code);
                let k = match index.codes.iter().position(|c| *c == code) {
                    Some(k) => k,
                    None => {
                        index.codes.push(code);
                        index.codes.len() - 1
                    }
                };
                bits |= 1u64 << (k % 64);
            }
            index.reasons.push(bits);
        }
        index
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
