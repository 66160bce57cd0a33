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

/// Cases per property for the readers below, which load into DuckDB: few in CI, many in
/// `scripts/fuzz.sh` (PROPTEST_CASES).
fn reader_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

/// Bytes built from the pieces that break CSV readers: quotes, delimiters, every line ending,
/// a BOM, invalid UTF-8, wide text, values near the rules' edges.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(vec![0xff, 0xfe]),
        Just(vec![0]),
        Just(b"A-1".to_vec()),
        Just(b"u1".to_vec()),
        Just(b"2026-11-10T15:00:00Z".to_vec()),
        Just(b"2026-11-10T15:00:00+25:00".to_vec()),
        Just(b"1e3".to_vec()),
        Just(b"2.5".to_vec()),
        Just(b"reports".to_vec()),
        "\\PC{0,8}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// JSON lines built from pieces of Mixpanel events and of broken JSON.
fn json_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{\"event\": \"Report Exported\", \"properties\": {\"time\": 1793714580, \"distinct_id\": \"taro\", \"company\": \"株式会社アクメ\"}}\n".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\"".to_owned()),
        Just(",".to_owned()),
        Just("\n".to_owned()),
        Just("\"time\": -1e308".to_owned()),
        Just("\"properties\": null".to_owned()),
        Just("1793714580000000".to_owned()),
        "\\PC{0,8}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(reader_cases()))]

    #[test]
    fn any_bytes_in_a_data_file_load_or_are_refused_naming_the_file(body in csv_like()) {
        let db = retain::db::Db::open_in_memory().unwrap();
        common::load_dir(&db, &common::fixture("good"), false).unwrap();
        let before = common::fingerprint(&db);
        let dir = common::dataset_with(&[]);
        let mut bytes = b"account_id,user_id,occurred_at,feature,count\n".to_vec();
        bytes.extend(&body);
        std::fs::write(dir.path().join("usage.csv"), &bytes).unwrap();
        if let Err(e) = common::load_dir(&db, dir.path(), false) {
            let message = e.to_string();
            prop_assert!(message.starts_with("usage.csv"), "{}", message);
            prop_assert_eq!(common::fingerprint(&db), before);
        }
    }

    #[test]
    fn any_text_as_a_json_export_imports_or_is_refused(text in json_like()) {
        let db = retain::db::Db::open_in_memory().unwrap();
        common::load_dir(&db, &common::fixture("import/accounts"), false).unwrap();
        let before = common::fingerprint(&db);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mp.jsonl");
        std::fs::write(&file, &text).unwrap();
        let request = retain::import::ImportRequest {
            vendor: retain::import::Vendor::Mixpanel,
            files: std::slice::from_ref(&file),
            mapping: None,
            time_zone: None,
            dry_run: false,
            options: retain::db::load::LoadOptions::default(),
        };
        let imported = retain::import::import(
            &db,
            &request,
            &dir.path().join("u.csv"),
            &dir.path().join("r.csv"),
            &mut |_| {},
        );
        if imported.is_err() {
            prop_assert_eq!(common::fingerprint(&db), before);
        }
    }
}
