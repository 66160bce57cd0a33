//! The real binary, as a script would run it.

mod common;

use std::process::{Command, Output};

use common::fixture;

fn retain(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retain"))
        .args(args)
        .env("RETAIN_DB", db)
        .env("NO_COLOR", "1")
        .env("RETAIN_USER", "alice")
        .output()
        .unwrap()
}

/// A database in a fresh folder with a fixture set loaded; the folder lives as long as the
/// returned guard.
fn loaded(set: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let out = retain(&db, &["load", fixture(set).to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, db)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    for sub in [
        "load", "import", "sample", "score", "accounts", "explain", "flag", "override", "model",
        "plays", "tasks", "task",
    ] {
        let out = retain(&db, &[sub, "--help"]);
        assert!(out.status.success(), "{sub}");
        assert!(stdout(&out).contains("Usage: retain"), "{sub}");
    }
}

#[test]
fn load_then_accounts_as_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let out = retain(&db, &["load", fixture("good").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Data freshness: 2026-11-20"), "{text}");
    assert!(
        text.contains("crm_region"),
        "ignored columns are reported: {text}"
    );

    let out = retain(&db, &["accounts", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "account_id,name,owner,segment,arr,health,band,trend,coverage,reasons,priority,urgency,days_to_renewal,stage,profile"
        )
    );
    assert_eq!(lines.count(), 3);

    let out = retain(&db, &["accounts", "--format", "json", "--owner", "mine"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        0,
        "alice owns no account (Alice Martin does)"
    );
    let out = retain(
        &db,
        &[
            "accounts",
            "--format",
            "json",
            "--owner",
            "Alice Martin",
            "--at-risk",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["account_id"], "A-1");
    assert!(
        json[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "ESCALATION")
    );
}

#[test]
fn explain_prints_the_score_line_by_line() {
    let (_dir, db) = loaded("worked_example");
    let out = retain(&db, &["explain", "W-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Health 77 (green), coverage 59%"), "{text}");
    assert!(
        text.contains("outcomes                          —      —      10"),
        "{text}"
    );
    assert!(text.contains("utilization  ← fix first"), "{text}");
    assert!(text.contains("Not at risk."), "{text}");
    let out = retain(&db, &["explain", "NOPE"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no account \"NOPE\""));
}

#[test]
fn flag_shows_as_a_reason_and_score_stores_history() {
    let (_dir, db) = loaded("worked_example");
    let out = retain(
        &db,
        &[
            "flag",
            "W-1",
            "--reason",
            "champion left",
            "--until",
            "2099-01-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = retain(&db, &["explain", "W-1"]);
    assert!(
        stdout(&out).contains("FLAGGED       flagged by alice: champion left (until 2099-01-01)"),
        "{}",
        stdout(&out)
    );
    let out = retain(&db, &["score"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Scored 1 accounts as of 2026-11-20"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn errors_have_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let out = retain(&db, &["load", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no such folder"), "{}", stderr(&out));
    let out = retain(&db, &["accounts", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = retain(&db, &["accounts", "--as-of", "2026/11/03"]);
    assert_eq!(out.status.code(), Some(2));
    // Bounded instead of an allocation failure (exit 134).
    let out = retain(&db, &["sample", "--accounts", "99999999999", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--accounts"), "{}", stderr(&out));
}

#[test]
fn model_show_round_trips_and_check_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let shown = stdout(&retain(&db, &["model", "show"]));
    let file = dir.path().join("m.toml");
    std::fs::write(&file, &shown).unwrap();
    let out = retain(&db, &["model", "check", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(
        &file,
        shown.replace("metric = \"nps_180d\"", "metric = \"nps\""),
    )
    .unwrap();
    let out = retain(&db, &["model", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let line = shown
        .lines()
        .position(|l| l == "metric = \"nps_180d\"")
        .unwrap()
        + 1;
    assert!(
        stderr(&out).contains(&format!("m.toml:{line}:10: unknown metric \"nps\"")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_mistyped_database_or_band_is_an_error_not_an_empty_answer() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.duckdb");
    let out = retain(&typo, &["accounts"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no database at"), "{}", stderr(&out));
    assert!(!typo.exists(), "a read command creates no database");

    // A data file named as the database is refused before anything is done to it.
    let csv = dir.path().join("accounts.csv");
    std::fs::write(&csv, "account_id,name\nA-1,Acme\n").unwrap();
    let out = retain(&csv, &["load", fixture("good").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a retain database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "account_id,name\nA-1,Acme\n"
    );

    let db = dir.path().join("r.duckdb");
    assert!(
        retain(&db, &["load", fixture("good").to_str().unwrap()])
            .status
            .success()
    );
    let out = retain(&db, &["accounts", "--band", "purple"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown band \"purple\"; the model's bands: green, yellow, red"),
        "{}",
        stderr(&out)
    );
    let out = retain(&db, &["accounts", "--band", "RED", "--format", "csv"]);
    assert!(out.status.success(), "bands compare ignoring case");
    let out = retain(
        &db,
        &["accounts", "--owner", "佐藤　花子", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json[0]["owner"], "佐藤 花子",
        "a full-width space is a space"
    );
}

#[test]
fn a_csv_export_starts_with_a_byte_order_mark_unless_asked_not_to() {
    let (_dir, db) = loaded("good");
    let out = retain(&db, &["export", "--format", "csv"]);
    assert!(out.stdout.starts_with("\u{feff}rank,".as_bytes()));
    let out = retain(&db, &["export", "--format", "csv", "--no-bom"]);
    assert!(out.stdout.starts_with(b"rank,"));
}

#[test]
fn actions_from_the_command_line_take_people_s_dates_and_account_names() {
    let (_dir, db) = loaded("good");
    let today = chrono::Utc::now().date_naive();

    // By id in any case, dated yesterday.
    let out = retain(
        &db,
        &[
            "touch",
            "a-2",
            "更新の意向を確認",
            "--on",
            "-1d",
            "--with",
            "佐藤 健 (CFO)",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let yesterday = today - chrono::Days::new(1);
    assert!(
        stdout(&out).contains(&format!(
            "logged a call with 佐藤 健 (CFO) on A-2 ({yesterday})"
        )),
        "{}",
        stdout(&out)
    );
    // By name, ignoring width and case.
    let out = retain(
        &db,
        &[
            "next",
            "ＡＣＭＥ ａｎａｌｙｔｉｃｓ, inc.",
            "QBR資料を送る",
            "--due",
            "+2w",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("due {}", today + chrono::Days::new(14))));
    let out = retain(
        &db,
        &[
            "flag",
            "A-3",
            "--reason",
            "champion left",
            "--until",
            "+30d",
        ],
    );
    assert!(out.status.success(), "flag takes +30d: {}", stderr(&out));
    let out = retain(&db, &["flag", "A-3", "--reason", " ", "--until", "+30d"]);
    assert_eq!(out.status.code(), Some(2), "a flag says why");
    assert!(
        stderr(&out).contains("--reason is empty"),
        "{}",
        stderr(&out)
    );
    let out = retain(
        &db,
        &["flag", "A-3", "--reason", "x", "--until", "2020-01-01"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a flag that expired before it was set"
    );
    assert!(
        stderr(&out).contains("--until 2020-01-01 is in the past"),
        "{}",
        stderr(&out)
    );
    let out = retain(&db, &["resolve", "A-1", "exec sponsor call held"]);
    assert!(
        stdout(&out).contains("resolved A-1: RED"),
        "{}",
        stdout(&out)
    );
    let out = retain(&db, &["snooze", "A-2", "--until", "2020-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("in the past"), "{}", stderr(&out));
    let out = retain(&db, &["touch", "A-2", "planned", "--on", "tomorrow"]);
    assert_eq!(out.status.code(), Some(2));

    let out = retain(&db, &["touch", "acme", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no account \"acme\"; did you mean A-1 (Acme Analytics, Inc.)?"),
        "{}",
        stderr(&out)
    );

    // What was done shows where a CSM looks: the yesterday touch is the last touch.
    let out = retain(&db, &["export", "--format", "json", "--all"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let a2 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == "A-2")
        .unwrap();
    assert_eq!(a2["last_touch"], yesterday.to_string());
}

#[test]
fn escape_sequences_in_the_data_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("accounts.csv"),
        "account_id,name,owner,arr,contract_start,crm\u{1b}[2J\n\
         A-1,Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mCorp,Al\u{1b}[31mice,1000,2025-01-01,x\n",
    )
    .unwrap();
    let db = dir.path().join("r.duckdb");
    let load = retain(&db, &["load", data.to_str().unwrap()]);
    assert!(load.status.success(), "{}", stderr(&load));
    for args in [
        vec!["load", data.to_str().unwrap()],
        vec!["accounts"],
        vec!["explain", "A-1"],
        vec!["export", "--format", "md"],
        vec!["review", "--format", "md", "--owner", "Al\u{1b}[31mice"],
    ] {
        let out = retain(&db, &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?}: {text:?}"
        );
        if args[0] != "load" && args[0] != "review" {
            assert!(text.contains("Evil]0;PWNED[2J[31mCorp"), "{args:?}: {text}");
        }
    }
}

#[test]
fn sample_never_overwrites_data_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let out_dir = dir.path().join("data");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("accounts.csv"), "mine").unwrap();
    let out_arg = out_dir.to_str().unwrap();
    let out = retain(&db, &["sample", "--accounts", "3", "--out", out_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "retain: {out_arg}: already holds data (accounts.csv); name an empty folder, or add --force to replace those files\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("accounts.csv")).unwrap(),
        "mine"
    );
    let out = retain(
        &db,
        &["sample", "--accounts", "3", "--out", out_arg, "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        std::fs::read_to_string(out_dir.join("accounts.csv")).unwrap(),
        "mine"
    );
}

#[test]
fn a_sqlite_file_given_as_the_database_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let mut header = b"SQLite format 3\0".to_vec();
    header.resize(4096, 0);
    std::fs::write(&db, &header).unwrap();
    let out = retain(&db, &["accounts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("crm.db: is a SQLite database, not a retain database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), header, "left as it was");
}

#[test]
fn tasks_come_from_the_live_score_and_done_logs_a_touch() {
    let (dir, db) = loaded("good");
    let out = retain(&db, &["tasks", "--owner", "all", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("plays as of 2026-11-20:"),
        "{}",
        stderr(&out)
    );
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let japanese = tasks
        .iter()
        .find(|t| t["account"] == "株式会社さくらテック")
        .expect("a task for the Japanese account");
    assert!(
        japanese["text"]
            .as_str()
            .unwrap()
            .contains("株式会社さくらテック")
    );
    // One owner's (compared ignoring case and width): Alice Martin owns A-1 only.
    let owner = ["tasks", "--owner", "alice martin", "--format", "json"];
    let mine: Vec<serde_json::Value> = serde_json::from_str(&stdout(&retain(&db, &owner))).unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|t| t["account_id"] == "A-1"));
    let id = mine[0]["task_id"].as_i64().unwrap().to_string();
    let out = retain(&db, &["task", "done", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("Task #{id} of Acme Analytics, Inc.")));
    let again: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&retain(&db, &owner))).unwrap();
    assert_eq!(again.len(), mine.len() - 1);
    let out = retain(&db, &["task", "skip", &id, "--reason", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not open: it was done by alice"),
        "{}",
        stderr(&out)
    );
    drop(dir);
}

#[test]
fn plays_show_round_trips_and_check_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.duckdb");
    let shown = stdout(&retain(&db, &["plays", "show"]));
    let file = dir.path().join("plays.toml");
    std::fs::write(&file, &shown).unwrap();
    let out = retain(&db, &["plays", "check", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("a valid playbook, 12 plays"),
        "{}",
        stdout(&out)
    );
    std::fs::write(
        &file,
        shown.replacen("trigger = \"RED\"", "trigger = \"REDD\"", 1),
    )
    .unwrap();
    let out = retain(&db, &["plays", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("plays.toml:5:11: unknown trigger \"REDD\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn qbr_packet_in_markdown_and_self_contained_html() {
    let (dir, db) = loaded("good");
    let out = retain(&db, &["qbr", "さくらテック"]);
    assert!(!out.status.success(), "a partial name is not an account");
    let out = retain(&db, &["qbr", "株式会社さくらテック"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    for expected in [
        "# QBR: 株式会社さくらテック (A-2) — as of 2026-11-20",
        "## Outcomes (1 achieved, 2 open (1 overdue))",
        "| 経費精算を月3日短縮 | business | 2026-04-01 | overdue ",
        "| 全拠点へ展開 | adoption | 2026-05-01 | achieved 2026-10-20 |",
        "stage renewal",
        "OUTCOME_OVERDUE — outcome '経費精算を月3日短縮' overdue 12 days",
        "CHAMPION_LEFT — champion 田中 一郎 (CTO) left 2026-10-01",
        "CSAT 100 (n=1, thin sample)",
        "NPS — (no response in 180 days)",
        "- 田中 一郎 · CTO · champion · left 2026-10-01",
        "- 鈴木 花子 · 情報システム部長 · decision maker",
        "#4412 normal opened 2026-10-01, closed 2026-10-02 — 請求書の件",
        "2026-10-01 people — 田中 一郎 (CTO) left — the champion",
        "2026-10-15 csat — CSAT 5 from 田中 一郎, CTO: サポートの対応が早くて助かります",
    ] {
        assert!(md.contains(expected), "{expected}\n{md}");
    }
    // 12 weekly health points, the last one as of T.
    let weeks = md.lines().find(|l| l.starts_with("12 weeks: ")).unwrap();
    assert_eq!(weeks.matches(" · ").count(), 11, "{weeks}");
    assert!(weeks.ends_with("11-20 58"), "{weeks}");

    let html = dir.path().join("qbr.html");
    let out = retain(
        &db,
        &[
            "qbr",
            "A-2",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 3, "health, events, users");
    assert!(html.contains("<span lang=\"ja\">経費精算を月3日短縮</span>"));
    for external in ["http://", "https://", "src=", "<link", "@import"] {
        assert!(!html.contains(external), "{external} in the packet");
    }
}

#[test]
fn model_fit_refuses_without_enough_churn_events_and_says_how_many() {
    let (_dir, db) = loaded("good");
    let out = retain(&db, &["model", "fit"]);
    assert_eq!(out.status.code(), Some(2), "refused, as a usage error");
    let err = stderr(&out);
    assert!(
        err.contains("too few churn events to fit: 0 in training"),
        "{err}"
    );
    assert!(err.contains("at least 20 in each"), "{err}");
}
