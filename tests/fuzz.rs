//! Property-based fuzzing of the inputs people type: model files, dates, search text.
//! `scripts/fuzz.sh` runs these with many more cases (PROPTEST_CASES) for a bounded time.

mod common;

use chrono::NaiveDate;
use proptest::prelude::*;
use retain::app::{Action, App, InputKey, update};
use retain::model::{DEFAULT_TOML, Model};
use retain::text::{fold, parse_date};

fn today() -> NaiveDate {
    "2026-11-23".parse().unwrap()
}

proptest! {
    #[test]
    fn any_text_as_a_model_file_parses_or_names_a_real_position(text in "\\PC{0,400}") {
        if let Err(e) = Model::parse("m.toml", &text) {
            prop_assert!(e.line >= 1 && e.column >= 1);
            prop_assert!(e.line <= text.lines().count() + 1);
        }
    }

    #[test]
    fn edits_of_the_default_model_never_panic(at in 0usize..DEFAULT_TOML.len(), insert in "[\\[\\]=\"a-z0-9.\\-\\n ]{0,12}") {
        let mut text = DEFAULT_TOML.to_owned();
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        match Model::parse("m.toml", &text) {
            Ok(model) => {
                prop_assert!(model.total_weight() > 0.0);
                for h in 0..=100 {
                    prop_assert!(model.band_for(h).is_some(), "bands cover 0–100");
                }
            }
            Err(e) => prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1),
        }
    }

    #[test]
    fn typed_dates_never_panic_and_iso_dates_round_trip(text in "\\PC{0,24}", days in 0i64..3_000_000) {
        let _ = parse_date(&text, today());
        let date = NaiveDate::from_num_days_from_ce_opt(days as i32 + 1).unwrap();
        prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string(), today()), Some(date));
    }
}

/// The console over the `good` fixture; the data set is scored once for all cases.
fn app() -> App {
    static DATA: std::sync::OnceLock<retain::model::queue::Dataset> = std::sync::OnceLock::new();
    let data = DATA.get_or_init(|| {
        let db = common::scoring_db();
        common::load_dir(&db, &common::fixture("good"), false).unwrap();
        retain::model::queue::load_dataset(&db, &Model::default_model().hash(), today()).unwrap()
    });
    let mut app = App::new(Model::default_model(), "alice", today(), "fuzz");
    update(&mut app, Action::Loaded(Box::new(data.clone())));
    app
}

proptest! {
    #[test]
    fn any_search_text_filters_literally(text in "\\PC{0,12}") {
        let mut app = app();
        update(&mut app, Action::Search);
        update(&mut app, Action::Input(InputKey::Paste(text.clone())));
        // The one rule: both sides folded (NFKC, case, spacing), then matched as plain text.
        let needle = fold(&text.replace(['\n', '\r'], " "));
        let found = |a: &retain::model::score::AccountScore| {
            fold(&a.name).contains(&needle) || fold(&a.account_id).contains(&needle)
        };
        for &i in &app.view {
            prop_assert!(found(&app.accounts()[i]));
        }
        let expected = app.accounts().iter().filter(|a| found(a)).count();
        prop_assert_eq!(app.view.len(), expected);
    }
}
