//! Crashes, concurrent use and old files lose nothing.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::tmux::{Tmux, console_command};
use common::{count, fixture};
use retain::db::{Db, SCHEMA_VERSION, queries};

fn retain(db: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retain"));
    command
        .arg("--db")
        .arg(db)
        .env("NO_COLOR", "1")
        .env("RETAIN_USER", "alice");
    command
}

/// A database file in a temporary folder, holding the `good` fixture.
fn loaded_db(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join(format!("{name}.duckdb"));
    load_into(&db_path, &fixture("good"));
    (dir, db_path)
}

/// `retain load DIR` into the database, which must succeed.
fn load_into(db_path: &std::path::Path, dir: &std::path::Path) {
    let load = retain(db_path).arg("load").arg(dir).output().unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
}

/// Rows per input table: the fingerprint of one loaded data set.
fn table_counts(db: &Db) -> Vec<i64> {
    ["accounts", "usage", "tickets", "surveys", "activities"]
        .iter()
        .map(|t| count(db, t))
        .collect()
}

#[test]
fn sigkill_during_a_load_leaves_the_old_or_the_new_data_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("crash.duckdb");
    let big = dir.path().join("big");
    let generated = retain(&db_path)
        .args([
            "sample",
            "--accounts",
            "3000",
            "--seed",
            "7",
            "--out",
            big.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(generated.status.success());
    load_into(&db_path, &big);
    let new = table_counts(&Db::open(&db_path).unwrap());
    load_into(&db_path, &fixture("good"));
    let old = table_counts(&Db::open(&db_path).unwrap());
    assert_ne!(old, new);

    let mut outcomes = Vec::new();
    for delay_ms in [0u64, 30, 80, 150, 250, 400, 700, 1200] {
        // Each round starts from the small set.
        load_into(&db_path, &fixture("good"));
        let mut child = retain(&db_path)
            .arg("load")
            .arg(&big)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let db = Db::open(&db_path).unwrap();
        let counts = table_counts(&db);
        assert!(
            counts == old || counts == new,
            "after a kill at {delay_ms} ms: {counts:?} is neither {old:?} nor {new:?}"
        );
        outcomes.push(counts == new);
    }
    assert!(
        outcomes.contains(&false),
        "at least one kill landed mid-load: {outcomes:?}"
    );
}

#[test]
fn a_busy_database_names_the_process_holding_it() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("busy.duckdb");
    let holder = Db::open(&db_path).unwrap();
    let out = retain(&db_path)
        .env("RETAIN_LOCK_WAIT_MS", "300")
        .args(["accounts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    // The holder here is this test program, not retain: the message names it.
    let program = std::env::current_exe().unwrap();
    let program = program.file_name().unwrap().to_string_lossy();
    assert!(
        stderr.contains(&format!(
            "is in use by another program, {program} (PID {}); close it there and try again",
            std::process::id()
        )),
        "{stderr}"
    );
    drop(holder);
    let out = retain(&db_path).args(["accounts"]).output().unwrap();
    assert!(out.status.success(), "free again once the holder closes");
}

#[test]
fn a_database_of_an_older_schema_is_migrated_not_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.duckdb");
    {
        // A file as version 1 of retain left it, with a CSM's action in it.
        let conn = duckdb::Connection::open(&path).unwrap();
        conn.execute_batch(queries::META).unwrap();
        conn.execute_batch(queries::MIGRATIONS[0]).unwrap();
        conn.execute("INSERT INTO retain_meta VALUES ('schema_version', '1')", [])
            .unwrap();
        conn.execute(
            "INSERT INTO actions (account_id, kind, body, author, created_at) VALUES ('A-1', 'touch', '電話', 'alice', TIMESTAMP '2026-11-01 10:00:00')",
            [],
        )
        .unwrap();
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 7);
    let body: String = db
        .conn()
        .query_row("SELECT body FROM actions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body, "電話");
    let has_journal_id: bool = db
        .conn()
        .query_row("SELECT uid IS NOT NULL FROM actions", [], |r| r.get(0))
        .unwrap();
    assert!(has_journal_id, "an earlier action gets its journal id");
    let indexes: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'actions_by_account'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 1);
}

#[test]
fn a_database_from_a_newer_retain_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.duckdb");
    Db::open(&path)
        .unwrap()
        .set_meta("schema_version", Some("99"))
        .unwrap();
    let error = Db::open(&path).err().unwrap().to_string();
    assert!(
        error.contains(&format!(
            "has schema version 99, newer than this retain knows ({SCHEMA_VERSION})"
        )),
        "{error}"
    );
}

#[test]
fn user_text_reaches_duckdb_only_as_parameters() {
    let (_dir, db_path) = loaded_db("inject");
    for hostile in [
        "x'; DROP TABLE accounts; --",
        "%",
        "_",
        "A-1' OR '1'='1",
        "\"; DELETE FROM actions; --",
    ] {
        let out = retain(&db_path)
            .args(["explain", hostile])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{hostile}");
        let out = retain(&db_path)
            .args([
                "flag",
                hostile,
                "--reason",
                hostile,
                "--until",
                "2099-01-01",
            ])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no account"),
            "{hostile}"
        );
        let out = retain(&db_path)
            .args([
                "accounts",
                "--owner",
                hostile,
                "--segment",
                hostile,
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    // A flag whose reason is hostile text is stored as text.
    let reason = "'); DROP TABLE accounts; --";
    assert!(
        retain(&db_path)
            .args(["flag", "A-2", "--reason", reason, "--until", "2099-01-01"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let db = Db::open(&db_path).unwrap();
    assert_eq!(count(&db, "accounts"), 3);
    let stored: String = db
        .conn()
        .query_row("SELECT body FROM actions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, reason);
}

/// The retain process (not its shell) whose command line names this database.
fn console_pid(db: &std::path::Path) -> Option<String> {
    let wanted = db.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(Result::ok)
        .find_map(|entry| {
            let pid = entry.file_name().to_string_lossy().into_owned();
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let args: Vec<String> = cmdline
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            (comm.trim() == "retain" && args.contains(&wanted) && !args.iter().any(|a| a == "load"))
                .then_some(pid)
        })
}

#[test]
fn cli_commands_work_while_the_console_is_open_and_a_confirmed_action_survives_sigkill() {
    let (_dir, db_path) = loaded_db("shared");
    let console = Tmux::start(
        &format!("retain-rel-{}", std::process::id()),
        &console_command(&db_path),
    );
    console.wait_for("Northwind");

    // Read-only commands and even a CLI write work while the console is open.
    for args in [
        vec!["accounts", "--format", "csv"],
        vec!["export", "--format", "json"],
        vec!["review"],
    ] {
        let out = retain(&db_path).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        retain(&db_path)
            .args([
                "flag",
                "A-3",
                "--reason",
                "from the CLI",
                "--until",
                "2099-01-01"
            ])
            .output()
            .unwrap()
            .status
            .success()
    );

    // Log a touch; once the screen confirms it, kill the console outright.
    console.keys(&["t"]);
    console.wait_for("Log a touch");
    console.keys(&["Tab"]);
    console.text("確認済み before the crash");
    console.keys(&["Enter"]);
    console.wait_for("saved: logged a call on A-1");
    let pid = console_pid(&db_path).expect("the console process");
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    console.wait_for("RETAIN-EXITED 137");

    let db = Db::open(&db_path).unwrap();
    let bodies: Vec<String> = db
        .conn()
        .prepare("SELECT body FROM actions ORDER BY action_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(bodies, ["from the CLI", "確認済み before the crash"]);
}
