//! The backtest and the model diff on data whose answers are known.

mod common;

use std::collections::HashSet;

use common::load_dir;
use retain::db::{Db, queries};
use retain::model::score::{self, AsOf};
use retain::model::{DEFAULT_TOML, Model};
use retain::report::backtest::{self, Backtest};
use retain::report::model_diff;

fn sample_db(accounts: &str) -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_retain"))
        .args([
            "sample",
            "--accounts",
            accounts,
            "--seed",
            "11",
            "--out",
            data.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let db = common::scoring_db();
    load_dir(&db, &data, false).unwrap();
    (dir, db)
}

fn churned(db: &Db, as_of: &str, horizon: i64) -> HashSet<String> {
    let mut stmt = db.conn().prepare(queries::BACKTEST_OUTCOMES).unwrap();
    stmt.query_map(duckdb::params![as_of, horizon], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn run(db: &Db, as_of: &str) -> (Backtest, Vec<retain::model::score::AccountScore>) {
    let model = Model::default_model();
    let accounts =
        score::score_accounts(db.conn(), AsOf::historical(as_of.parse().unwrap())).unwrap();
    let bands: Vec<String> = model.bands.iter().map(|b| b.name.clone()).collect();
    (
        backtest::evaluate(
            &accounts,
            &churned(db, as_of, 90),
            &std::collections::HashMap::new(),
            &bands,
            as_of,
            90,
            &model.hash(),
        ),
        accounts,
    )
}

#[test]
fn churn_that_follows_a_usage_drop_is_predicted_and_shuffled_labels_are_not() {
    let (_dir, db) = sample_db("2000");
    let (result, accounts) = run(&db, "2026-08-22");
    assert!(
        result.churned >= 20,
        "enough churn to measure: {}",
        result.churned
    );
    let auc = result.auc.unwrap();
    assert!(
        auc >= 0.75,
        "the generator's churners lose usage first, so the score must rank them: {auc}"
    );
    // The same number of "churners" drawn at random: the score knows nothing about them.
    // With ~n1 churners among n accounts the AUC's standard error is about
    // sqrt((n + 1) / (12 n1 (n − n1))) ≈ 0.03 here; 0.5 ± 0.1 is more than three of them.
    let mut ids: Vec<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    ids.sort_unstable();
    let shuffled: HashSet<String> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| (i * 7919 + 13) % 97 < result.churned * 97 / ids.len())
        .map(|(_, id)| (*id).to_owned())
        .collect();
    let bands = vec!["green".to_owned(), "yellow".to_owned(), "red".to_owned()];
    let random = backtest::evaluate(
        &accounts,
        &shuffled,
        &std::collections::HashMap::new(),
        &bands,
        "2026-08-22",
        90,
        "x",
    )
    .auc
    .unwrap();
    assert!((random - 0.5).abs() < 0.1, "shuffled labels: {random}");
}

#[test]
fn rows_after_t_change_nothing_in_a_backtest() {
    let (_dir, db) = sample_db("300");
    let (before, _) = run(&db, "2026-08-22");
    for sql in [
        "INSERT INTO usage SELECT account_id, 'late', TIMESTAMP '2026-08-23 00:00:00', 'x', 1000, NULL FROM accounts",
        "INSERT INTO surveys SELECT account_id, TIMESTAMP '2026-09-01 00:00:00', 'nps', 0, NULL, NULL, NULL FROM accounts",
        "INSERT INTO tickets SELECT 'late-' || account_id, account_id, TIMESTAMP '2026-08-30 00:00:00', NULL, 'urgent', NULL, NULL FROM accounts",
        "INSERT INTO activities SELECT account_id, TIMESTAMP '2026-08-23 01:00:00', 'call', NULL, NULL, NULL FROM accounts",
    ] {
        db.conn().execute(sql, []).unwrap();
    }
    let (after, _) = run(&db, "2026-08-22");
    assert_eq!(before, after);
}

#[test]
fn the_migration_matrix_on_a_small_fixture() {
    // Four accounts touched 14, 40, 60 and 80 days before T: recency 100, 66, 39, 13 (the only
    // measure). Model B moves the red/yellow boundary from 40 to 60 and green down to 90.
    let db = common::scoring_db();
    for (id, days) in [("M-100", 14), ("M-66", 40), ("M-39", 60), ("M-13", 80)] {
        db.conn()
            .execute(
                "INSERT INTO accounts VALUES (?, ?, NULL, NULL, NULL, 1000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
                [id, id],
            )
            .unwrap();
        db.conn()
            .execute("INSERT INTO activities VALUES (?, DATE '2026-11-20' - ?::INTEGER, 'call', NULL, NULL, NULL)", duckdb::params![id, days])
            .unwrap();
    }
    let b_text = DEFAULT_TOML
        .replacen(
            "name = \"green\"\nmin = 70",
            "name = \"green\"\nmin = 90",
            1,
        )
        .replacen(
            "name = \"yellow\"\nmin = 40\nmax = 69",
            "name = \"yellow\"\nmin = 60\nmax = 89",
            1,
        )
        .replacen(
            "name = \"red\"\nmin = 0\nmax = 39",
            "name = \"red\"\nmin = 0\nmax = 59",
            1,
        );
    let model_b = Model::parse("b.toml", &b_text).unwrap();
    let as_of = AsOf::historical("2026-11-20".parse().unwrap());
    let a = score::score_accounts(db.conn(), as_of).unwrap();
    score::install(db.conn(), &model_b).unwrap();
    let b = score::score_accounts(db.conn(), as_of).unwrap();
    let bands: Vec<String> = ["green", "yellow", "red"].map(String::from).to_vec();
    let d = model_diff::diff(&a, &b, &bands);
    // rows A: green, yellow, red, no score; columns B likewise.
    assert_eq!(
        d.matrix,
        vec![
            vec![1, 0, 0, 0],
            vec![0, 1, 0, 0],
            vec![0, 0, 2, 0],
            vec![0, 0, 0, 0]
        ]
    );
    assert!(
        d.entering.is_empty() && d.leaving.is_empty(),
        "RED fires at health < 40 in both models"
    );
    assert_eq!((d.arr_at_risk_a, d.arr_at_risk_b), (2000.0, 2000.0));
}

/// Calibration on a hand-built set: 20 accounts with health 0, 5, …, 95 (ARR 1,000 each); the
/// four least healthy and one more (health 50) churned. Deciles are pairs of accounts.
#[test]
fn calibration_bins_and_intervals_checked_by_hand() {
    use std::collections::{HashMap, HashSet};
    let accounts: Vec<retain::model::score::AccountScore> = (0..20)
        .map(|i| {
            let mut a = common::portfolio::account(
                &format!("C-{i:02}"),
                "c",
                None,
                Some(if i % 2 == 0 { "SMB" } else { "Enterprise" }),
                Some(i * 5),
                &[],
            );
            a.arr = 1000.0;
            a
        })
        .collect();
    let churned: HashSet<String> = ["C-00", "C-01", "C-02", "C-03", "C-10"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let nps: HashMap<String, String> = [("C-00", "detractor"), ("C-19", "promoter")]
        .iter()
        .map(|(a, c)| ((*a).to_owned(), (*c).to_owned()))
        .collect();
    let bands = vec!["green".to_owned(), "yellow".to_owned(), "red".to_owned()];
    let b = backtest::evaluate(&accounts, &churned, &nps, &bands, "2026-08-22", 90, "x");
    let deciles: Vec<(String, usize, usize)> = b
        .deciles
        .iter()
        .map(|d| (d.label.clone(), d.accounts, d.churned))
        .collect();
    assert_eq!(deciles[0], ("decile 1 (health 0–5)".to_owned(), 2, 2));
    assert_eq!(deciles[1], ("decile 2 (health 10–15)".to_owned(), 2, 2));
    assert_eq!(deciles[5], ("decile 6 (health 50–55)".to_owned(), 2, 1));
    assert_eq!(deciles[9], ("decile 10 (health 90–95)".to_owned(), 2, 0));
    // Wilson 95%: 1 of 2 is 9.45%–90.55%; 0 of 2 is 0%–65.76%.
    let (lo, hi) = b.deciles[5].interval_95.unwrap();
    assert!(
        (lo - 0.0945).abs() < 5e-5 && (hi - 0.9055).abs() < 5e-5,
        "{lo} {hi}"
    );
    let (lo, hi) = b.deciles[9].interval_95.unwrap();
    assert!(lo == 0.0 && (hi - 0.6576).abs() < 5e-5, "{hi}");
    // Red is health 0–35 (8 accounts, 4 churned); the ARR per band adds up.
    let red = b.bands.iter().find(|r| r.label == "red").unwrap();
    assert_eq!((red.accounts, red.churned, red.arr), (8, 4, 8000.0));
    let nps_rows: Vec<(String, usize, usize)> = b
        .nps
        .iter()
        .map(|r| (r.label.clone(), r.accounts, r.churned))
        .collect();
    assert_eq!(
        nps_rows,
        [
            ("promoter".to_owned(), 1, 0),
            ("passive".to_owned(), 0, 0),
            ("detractor".to_owned(), 1, 1),
            ("no response in 180 days".to_owned(), 0, 0),
        ]
    );
    // Fewer than 10 churn events in a segment: no figure, and it says why.
    assert!(b.segments.iter().all(|s| {
        s.auc.is_none()
            && s.note
                .as_deref()
                .is_some_and(|n| n.starts_with("fewer than 10 churn events"))
    }));
    // Today's portfolio: the same 20 accounts; red's ARR (8,000) × 50% = 4,000 expected.
    let estimate = backtest::churn_estimate(&b, &accounts);
    let red = estimate.iter().find(|e| e.band == "red").unwrap();
    assert_eq!((red.arr, red.expected_arr), (8000.0, Some(4000.0)));
}
