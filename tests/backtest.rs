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
    let random = backtest::evaluate(&accounts, &shuffled, &bands, "2026-08-22", 90, "x")
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
