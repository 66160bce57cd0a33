//! Every SQL file is registered, and every plain query prepares against the schema.

use std::path::Path;

use retain::db::Db;
use retain::db::queries::ALL;

fn sql_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sql_files(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "sql") {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

#[test]
fn every_sql_file_is_registered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files = Vec::new();
    sql_files(&root, &root, &mut files);
    files.sort();
    let mut registered: Vec<String> = ALL.iter().map(|(path, _)| (*path).to_owned()).collect();
    registered.sort();
    assert_eq!(files, registered);
}

#[test]
fn every_single_statement_query_prepares() {
    let db = Db::open_in_memory().unwrap();
    // Scoring queries read the model tables, which a model's installation creates.
    retain::model::score::install(db.conn(), &retain::model::Model::default_model()).unwrap();
    // The one-account score reads its account from a variable of the connection.
    db.conn()
        .execute(
            retain::db::queries::SCORED_ONE_SET,
            ["2026-11-20", "2026-11-21 00:00:00", "A-000001"],
        )
        .unwrap();
    let mut prepared = 0;
    for (path, sql) in ALL {
        // Templates are completed at run time (and exercised by the load tests); scripts of
        // several statements run at open.
        let statements = sql
            .split(';')
            .filter(|s| !s.trim().is_empty() && !s.trim_start().starts_with("--"))
            .count();
        // Some read tables made at run time: DuckDB's CSV reader's rejects, a load's stage,
        // the console's kept queue and its re-scored rows.
        if sql.contains("{{")
            || statements > 1
            || path.starts_with("migrations/")
            || path.starts_with("load/checks")
            || [
                "reader_rejects.sql",
                "cache_read.sql",
                "cache_forget.sql",
                "cache_account.sql",
                "kept_metrics_source.sql",
                "kept_week_ago_source.sql",
                "rescored_clear.sql",
                "rescored_keep.sql",
                "rescored_read.sql",
            ]
            .iter()
            .any(|made_at_run_time| path.ends_with(made_at_run_time))
        {
            continue;
        }
        db.conn()
            .prepare(sql)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        prepared += 1;
    }
    assert!(prepared >= 15, "only {prepared} queries prepared");
}
