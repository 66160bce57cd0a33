//! One filter rule everywhere: the console's queue (its interned index) and the command line's
//! `AccountFilter::matches` select the same accounts, for any filter over any portfolio, with
//! owners, segments and names written in different case and width.

mod common;

use common::portfolio::{account, dataset};
use proptest::prelude::*;
use retain::app::{Action, App, update};
use retain::model::Model;
use retain::model::filter::AccountFilter;
use retain::model::score::AccountScore;

const OWNERS: &[&str] = &[
    "Alice Martin",
    "alice martin",
    "ＡＬＩＣＥ　ＭＡＲＴＩＮ",
    "佐藤 花子",
    "佐藤　花子",
    "Bob",
];
const SEGMENTS: &[&str] = &["SMB", "smb", "Ｅｎｔｅｒｐｒｉｓｅ", "Enterprise"];
const NAMES: &[&str] = &[
    "Acme KK",
    "ＡＣＭＥ Holdings",
    "株式会社ｱｸﾒ",
    "株式会社アクメ",
    "Northwind",
    "さくら",
];
const CODES: &[&str] = &["RED", "USAGE_DROP", "GONE_DARK", "DETRACTOR", "FLAGGED"];
const SEARCHES: &[&str] = &[
    "",
    " ",
    "acme",
    "ＡＣＭＥ",
    "アクメ",
    "ｱｸﾒ",
    "a-1",
    "kk\u{1f}a",
    "north",
];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(pool))
}

fn portfolio() -> impl Strategy<Value = Vec<AccountScore>> {
    let one = (
        prop::sample::select(NAMES),
        pick(OWNERS),
        pick(SEGMENTS),
        prop::option::of(0i64..=100),
        prop::sample::subsequence(CODES, 0..=3),
    );
    prop::collection::vec(one, 0..40).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (name, owner, segment, health, codes))| {
                account(&format!("A-{i}"), name, owner, segment, health, &codes)
            })
            .collect()
    })
}

fn filter() -> impl Strategy<Value = AccountFilter> {
    (
        pick(OWNERS),
        pick(SEGMENTS),
        pick(&["green", "GREEN", "yellow", "red", "purple"]),
        pick(CODES),
        any::<bool>(),
        prop::sample::select(SEARCHES),
    )
        .prop_map(
            |(owner, segment, band, reason, at_risk, search)| AccountFilter {
                owner: owner.map(str::to_owned),
                segment: segment.map(str::to_owned),
                band: band.map(str::to_owned),
                reason: reason.map(str::to_owned),
                at_risk,
                search: search.to_owned(),
            },
        )
}

proptest! {
    #[test]
    fn the_queue_and_the_command_line_select_the_same_accounts(
        accounts in portfolio(),
        filter in filter(),
    ) {
        let expected: Vec<String> = accounts
            .iter()
            .filter(|a| filter.matches(a))
            .map(|a| a.account_id.clone())
            .collect();
        let mut app = App::new(Model::default_model(), "Alice Martin", "2026-11-23".parse().unwrap(), "test");
        app.filter = filter;
        update(&mut app, Action::Loaded(Box::new(dataset(accounts))));
        let shown: Vec<String> = app
            .view
            .iter()
            .map(|&i| app.accounts()[i].account_id.clone())
            .collect();
        prop_assert_eq!(shown, expected);
    }
}

#[test]
fn owners_compare_ignoring_case_and_width() {
    let a = account(
        "A-1",
        "Acme",
        Some("Alice Martin"),
        Some("SMB"),
        Some(40),
        &[],
    );
    let by = |owner: &str| AccountFilter {
        owner: Some(owner.into()),
        ..AccountFilter::default()
    };
    assert!(by("alice martin").matches(&a));
    assert!(by("ＡＬＩＣＥ　ＭＡＲＴＩＮ").matches(&a));
    assert!(
        !by("alice").matches(&a),
        "an owner is matched whole, not in part"
    );
}
