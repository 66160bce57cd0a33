//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod portfolio;
pub mod tmux;

use std::path::{Path, PathBuf};

use retain::db::Db;
use retain::db::load::{self, LoadOptions, LoadSummary};
use retain::error::Result;

/// An in-memory database with the default model installed, ready to score.
pub fn scoring_db() -> Db {
    let db = Db::open_in_memory().unwrap();
    retain::model::score::install(db.conn(), &retain::model::Model::default_model()).unwrap();
    db
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A temporary folder holding the `good` data set, with some files swapped for fixtures from
/// `tests/bad_input/` (named `<table>.<case>.csv`, copied in as `<table>.csv`).
pub fn dataset_with(bad: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("good"), dir.path());
    for name in bad {
        let table = name.split('.').next().unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/bad_input")
                .join(name),
            dir.path().join(format!("{table}.csv")),
        )
        .unwrap();
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

pub fn load_dir(db: &Db, dir: &Path, skip_bad_rows: bool) -> Result<LoadSummary> {
    let rejects = dir.join("rejects.csv");
    load::load(
        db,
        dir,
        &LoadOptions {
            skip_bad_rows,
            ..LoadOptions::default()
        },
        &rejects,
        &mut |_| {},
    )
}

/// A fingerprint of every input and console table: equal fingerprints mean equal contents.
pub fn fingerprint(db: &Db) -> Vec<(String, i64, String)> {
    [
        "accounts", "usage", "tickets", "surveys", "activities", "outcomes", "contacts", "actions",
        "snapshots", "load_info",
    ]
        .iter()
        .map(|table| {
            let sql = format!(
                "SELECT count(*), coalesce(md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)), '') FROM {table} t"
            );
            let (n, hash) = db.conn().query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            ((*table).to_owned(), n, hash)
        })
        .collect()
}

pub fn count(db: &Db, table: &str) -> i64 {
    db.conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// The rows of a query, every value as text ("" for NULL).
pub fn rows_as_text(db: &Db, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let n = row.as_ref().column_count();
        out.push(
            (0..n)
                .map(|i| row.get::<_, Option<String>>(i).unwrap().unwrap_or_default())
                .collect(),
        );
    }
    out
}
