//! The team journal (TEAM.md): laptops that act offline and read one shared folder converge on
//! the same actions and the same state, whatever the order; each line counts once; a torn, bad
//! or shortened file never stops a read.

mod common;

use std::io::Write;
use std::path::Path;

use common::{fixture, load_dir};
use proptest::prelude::*;
use retain::db::Db;
use retain::db::actions::{self, ActionKind, NewAction};
use retain::db::journal::{self, Journal, Line};
use retain::model::queue::console_state;
use retain::model::score::{self, AsOf};

/// A laptop: its own database with the good set loaded, joined to the team folder.
fn laptop(team: &Path, author: &str) -> Db {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    journal::join(&db, team, author).unwrap();
    db.with_team(Some(team)).unwrap()
}

fn act(db: &Db, author: &str, account: &str, kind: ActionKind, detail: &str) -> i64 {
    let mut action = NewAction::new(account, kind, author);
    match kind {
        ActionKind::Touch => action.detail = Some("call".into()),
        ActionKind::Owner => action.detail = Some(detail.into()),
        ActionKind::Override => action.detail = Some("red".into()),
        _ => {}
    }
    if matches!(
        kind,
        ActionKind::NextStep | ActionKind::Flag | ActionKind::Snooze
    ) {
        action.body = Some(format!("{detail} by {author}"));
        action.until = Some(chrono::Utc::now().date_naive() + chrono::Duration::days(30));
    }
    actions::record(db.conn(), db.journal(), &action).unwrap()
}

fn undo(db: &Db, author: &str, account: &str, id: i64) {
    let mut action = NewAction::new(account, ActionKind::Undo, author);
    action.undoes = Some(id);
    actions::record(db.conn(), db.journal(), &action).unwrap();
}

/// Every action a database holds, as the team sees it (local ids left out).
fn action_set(db: &Db) -> Vec<Vec<String>> {
    common::rows_as_text(
        db,
        "SELECT uid, account_id, kind, coalesce(detail, ''), coalesce(body, ''), \
         coalesce(until_date::VARCHAR, ''), coalesce(undoes_uid, ''), author, created_at::VARCHAR \
         FROM actions ORDER BY uid",
    )
}

/// What the actions add up to: the console's state, and the live scores' owners, flags and
/// overrides.
fn derived(db: &Db) -> String {
    let mut state: Vec<(String, String)> = console_state(db.conn())
        .unwrap()
        .into_iter()
        .map(|(id, s)| (id, format!("{s:?}")))
        .collect();
    state.sort();
    let live = AsOf {
        date: "2026-11-20".parse().unwrap(),
        live: true,
    };
    let scores: Vec<String> = score::score_accounts(db.conn(), live)
        .unwrap()
        .into_iter()
        .map(|a| {
            format!(
                "{} {:?} {:?} {:?}",
                a.account_id, a.owner, a.reasons, a.band_override
            )
        })
        .collect();
    format!("{state:?}\n{scores:?}")
}

fn sync(db: &Db, team: &Path) -> journal::SyncReport {
    journal::sync(db, team).unwrap()
}

#[derive(Debug, Clone)]
enum Step {
    Act {
        laptop: usize,
        account: usize,
        kind: usize,
    },
    UndoLast {
        laptop: usize,
    },
    Sync {
        laptop: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, 0..6usize).prop_map(|(laptop, account, kind)| Step::Act { laptop, account, kind }),
        1 => (0..3usize).prop_map(|laptop| Step::UndoLast { laptop }),
        2 => (0..3usize).prop_map(|laptop| Step::Sync { laptop }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Three laptops act offline on overlapping accounts and read the folder in random orders;
    /// once each has read everything they hold the same actions and show the same state.
    #[test]
    fn laptops_converge_whatever_the_order(steps in prop::collection::vec(step(), 1..30), order in Just(()).prop_perturb(|_, mut rng| {
        let mut order: Vec<usize> = vec![0, 1, 2, 0, 1, 2];
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next_u32() as usize) % (i + 1));
        }
        order
    })) {
        let folder = tempfile::tempdir().unwrap();
        let team = folder.path();
        let authors = ["alice", "佐藤 花子", "bob"];
        let laptops: Vec<Db> = authors.iter().map(|a| laptop(team, a)).collect();
        let accounts = ["A-1", "A-2", "A-3"];
        let kinds = [ActionKind::Touch, ActionKind::NextStep, ActionKind::Flag, ActionKind::Snooze, ActionKind::Owner, ActionKind::Override];
        let mut own: Vec<Vec<(String, i64)>> = vec![Vec::new(); 3];
        for step in &steps {
            match *step {
                Step::Act { laptop, account, kind } => {
                    let id = act(&laptops[laptop], authors[laptop], accounts[account], kinds[kind], authors[(laptop + 1) % 3]);
                    own[laptop].push((accounts[account].to_owned(), id));
                }
                Step::UndoLast { laptop } => {
                    if let Some((account, id)) = own[laptop].pop() {
                        undo(&laptops[laptop], authors[laptop], &account, id);
                    }
                }
                Step::Sync { laptop } => { sync(&laptops[laptop], team); }
            }
        }
        for &i in &order {
            sync(&laptops[i], team);
        }
        let expected = action_set(&laptops[0]);
        let state = derived(&laptops[0]);
        for db in &laptops[1..] {
            prop_assert_eq!(&action_set(db), &expected);
            prop_assert_eq!(&derived(db), &state);
        }
        // Reading again changes nothing.
        prop_assert_eq!(sync(&laptops[0], team).applied, 0);
    }
}

fn journal_file(team: &Path, name: &str) -> std::path::PathBuf {
    Journal::folder(team).join(name)
}

fn line(id: &str, at: &str, account: &str, kind: &str, body: Option<&str>) -> String {
    let line = Line {
        id: id.into(),
        at: at.into(),
        author: "carol".into(),
        machine: "c0ffee".into(),
        account: account.into(),
        kind: kind.into(),
        detail: None,
        body: body.map(str::to_owned),
        until: Some("2026-12-31".into()),
        undoes: None,
        reasons: None,
        contact: None,
    };
    serde_json::to_string(&line).unwrap() + "\n"
}

#[test]
fn each_line_counts_once_and_torn_bad_and_shortened_files_never_stop_a_read() {
    let folder = tempfile::tempdir().unwrap();
    let team = folder.path();
    let db = laptop(team, "alice");
    let carol = journal_file(team, "carol@c0ffee.jsonl");
    std::fs::write(
        &carol,
        line(
            "01-a",
            "2026-12-01T09:00:00.000Z",
            "A-1",
            "next_step",
            Some("call the CFO"),
        ),
    )
    .unwrap();
    assert_eq!(sync(&db, team).applied, 1);
    // The same file read twice, and a copy of it under another name: nothing new.
    assert_eq!(sync(&db, team).applied, 0);
    std::fs::copy(&carol, journal_file(team, "carol@c0ffee (copy).jsonl")).unwrap();
    let report = sync(&db, team);
    assert_eq!((report.lines, report.applied), (1, 0));

    // A last line without its newline is a write in progress: left for the next read.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&carol)
        .unwrap();
    let torn = line(
        "01-b",
        "2026-12-01T10:00:00.000Z",
        "A-2",
        "flag",
        Some("champion left"),
    );
    file.write_all(&torn.as_bytes()[..20]).unwrap();
    let report = sync(&db, team);
    assert_eq!(report.applied, 0);
    assert_eq!(report.partial, ["carol@c0ffee.jsonl"]);
    file.write_all(&torn.as_bytes()[20..]).unwrap();
    assert_eq!(sync(&db, team).applied, 1);

    // A bad line is reported once, with file and line, and the lines after it are read.
    file.write_all(b"{not json\n").unwrap();
    file.write_all(line("01-c", "2026-12-01T11:00:00.000Z", "A-3", "snooze", None).as_bytes())
        .unwrap();
    let report = sync(&db, team);
    assert_eq!(report.applied, 1);
    assert_eq!(report.problems.len(), 1);
    assert!(
        report.problems[0].starts_with("carol@c0ffee.jsonl:3: not a journal line"),
        "{:?}",
        report.problems
    );
    assert!(sync(&db, team).problems.is_empty(), "reported once");

    // A sync tool replaced the file with a shorter one: read again from the start.
    std::fs::write(
        &carol,
        line(
            "01-a",
            "2026-12-01T09:00:00.000Z",
            "A-1",
            "next_step",
            Some("call the CFO"),
        ),
    )
    .unwrap();
    let report = sync(&db, team);
    assert_eq!(report.shrunk, ["carol@c0ffee.jsonl"]);
    assert_eq!(report.applied, 0);
    assert_eq!(common::count(&db, "actions"), 3);
}

/// A laptop whose clock runs behind writes an `at` earlier than the moment it acted: the
/// order is still (`at`, id), so every laptop shows the same next step.
#[test]
fn a_clock_running_behind_orders_by_at_then_id_on_every_laptop() {
    let folder = tempfile::tempdir().unwrap();
    let team = folder.path();
    let alice = laptop(team, "alice");
    let bob = laptop(team, "bob");
    act(
        &alice,
        "alice",
        "A-1",
        ActionKind::NextStep,
        "send the deck",
    );
    // Written after alice's step, but stamped a day earlier by a slow clock.
    std::fs::write(
        journal_file(team, "carol@c0ffee.jsonl"),
        line(
            "00-slow",
            "2026-11-30T09:00:00.000Z",
            "A-1",
            "next_step",
            Some("book the QBR"),
        ),
    )
    .unwrap();
    sync(&alice, team);
    sync(&bob, team);
    let step = |db: &Db| console_state(db.conn()).unwrap()["A-1"].next_step.clone();
    assert_eq!(step(&alice).as_deref(), Some("send the deck by alice"));
    assert_eq!(step(&bob), step(&alice));
}

#[test]
fn joining_publishes_earlier_actions_and_an_undo_travels_by_id() {
    let folder = tempfile::tempdir().unwrap();
    let team = folder.path();
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = act(&db, "alice", "A-2", ActionKind::Touch, "");
    undo(&db, "alice", "A-2", before);
    let joined = journal::join(&db, team, "alice").unwrap();
    assert_eq!(joined.published, 2);
    let bob = laptop(team, "bob");
    assert_eq!(action_set(&bob), action_set(&db));
    assert_eq!(derived(&bob), derived(&db));
    // Joining again publishes nothing twice.
    assert_eq!(journal::join(&db, team, "alice").unwrap().published, 0);
}

#[test]
fn a_reassigned_owner_is_the_owner_in_the_queue_mine_and_exports() {
    let folder = tempfile::tempdir().unwrap();
    let team = folder.path();
    let alice = laptop(team, "alice");
    let bob = laptop(team, "bob");
    act(&alice, "alice", "A-3", ActionKind::Owner, "佐藤 花子");
    sync(&bob, team);
    let live = AsOf {
        date: "2026-11-20".parse().unwrap(),
        live: true,
    };
    let owner = |db: &Db| {
        score::score_accounts(db.conn(), live)
            .unwrap()
            .into_iter()
            .find(|a| a.account_id == "A-3")
            .unwrap()
            .owner
    };
    assert_eq!(owner(&bob).as_deref(), Some("佐藤 花子"));
    act(&bob, "bob", "A-3", ActionKind::Owner, "");
    sync(&alice, team);
    assert_eq!(owner(&alice), None, "made unassigned");
}

/// Touches go back to the CRM as a Salesforce Task import, checked by hand.
#[test]
fn touches_export_as_a_salesforce_task_file() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let mut touch = NewAction::new("A-2", ActionKind::Touch, "佐藤 花子");
    touch.detail = Some("meeting".into());
    touch.body = Some("=更新の打ち合わせ\n次回は1月".into());
    touch.contact = Some("田中 一郎".into());
    touch.until = Some("2026-11-19".parse().unwrap());
    actions::record(db.conn(), None, &touch).unwrap();
    let touches = retain::report::activities::touches(&db, None).unwrap();
    let mut out = Vec::new();
    retain::report::activities::write_salesforce(&mut out, &touches).unwrap();
    let text = String::from_utf8(out).unwrap();
    let id = &touches[0].id;
    assert_eq!(
        text,
        format!(
            "Subject,ActivityDate,Status,Type,Description,WhatId,OwnerId\r\n\
             Meeting with 田中 一郎: =更新の打ち合わせ,2026-11-19,Completed,Meeting,\"'=更新の打ち合わせ\n次回は1月\n\nLogged in retain by 佐藤 花子 (id {id}).\",A-2,\r\n"
        )
    );
    assert!(
        retain::report::activities::touches(&db, Some("2026-11-20".parse().unwrap()))
            .unwrap()
            .is_empty()
    );
}

/// The write-ahead order, through the real binary: SIGKILL between the journal line and the
/// database row loses nothing (the next read applies the line) and doubles nothing.
#[test]
fn a_kill_between_the_journal_and_the_database_loses_and_doubles_nothing() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team");
    let db = dir.path().join("laptop.duckdb");
    let marker = dir.path().join("journal-written");
    let retain = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_retain"));
        command
            .args(["--db", db.to_str().unwrap(), "--as", "alice"])
            .args(args)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env_remove("RETAIN_TEAM_DIR");
        command
    };
    let run = |args: &[&str]| {
        let out = retain(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["load", fixture("good").to_str().unwrap()]);
    let joined = run(&["team", "join", team.to_str().unwrap()]);
    assert!(joined.contains("0 earlier actions published"), "{joined}");
    assert!(
        std::fs::read_to_string(dir.path().join("config/retain/config.toml"))
            .unwrap()
            .contains("team_dir"),
        "the folder is remembered"
    );

    let mut child = retain(&["touch", "A-1", "renewal call"])
        .env("RETAIN_CRASH_TEST_FILE", &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let csv = |out: String| out.lines().count() - 1;
    assert_eq!(
        csv(run(&["export", "activities", "--no-bom"])),
        0,
        "killed before its row"
    );
    assert!(run(&["sync"]).contains("1 action new here"));
    assert!(run(&["sync"]).contains("0 actions new here"));
    // After both writes: nothing to apply again.
    run(&["touch", "A-1", "follow-up email", "--kind", "email"]);
    assert!(run(&["sync"]).contains("0 actions new here"));
    assert_eq!(csv(run(&["export", "activities", "--no-bom"])), 2);
    let status = run(&["team", "status"]);
    assert!(status.contains("alice@"), "{status}");
}

/// The digest on the good set since 2026-10-01, checked by hand: A-3 went dark after its last
/// use on 2026-09-30 (newly at risk, health 100 → 50); A-1 fell from 60 to 33; A-2 renews on
/// 2026-12-15, 13 days after "today", last touched 92 days before; one task is 4 days late.
#[test]
fn the_digest_lists_what_changed_since_a_date() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let now = score::score_accounts(
        db.conn(),
        AsOf {
            date: "2026-11-20".parse().unwrap(),
            live: true,
        },
    )
    .unwrap();
    let then =
        score::score_accounts(db.conn(), AsOf::historical("2026-10-01".parse().unwrap())).unwrap();
    let late = retain::db::plays::Task {
        task_id: 7,
        run_id: 3,
        account_id: "A-1".into(),
        account: "Acme Analytics, Inc.".into(),
        owner: Some("Alice Martin".into()),
        play: "Escalation".into(),
        trigger: "ESCALATION".into(),
        fact: None,
        step: 2,
        kind: "email".into(),
        text: "Tell Acme who owns their issue".into(),
        due_on: "2026-11-28".parse().unwrap(),
        state: "open".into(),
        closed_by: None,
        closed_on: None,
        run_ended: None,
        snoozed_until: None,
    };
    let today = "2026-12-02".parse().unwrap();
    let digest = retain::report::digest::build(
        &now,
        &then,
        &[late],
        "2026-10-01".parse().unwrap(),
        today,
        None,
    );
    assert_eq!(
        retain::report::digest::markdown(&digest),
        "## retain digest 2026-10-01 – 2026-12-02\n\
         \n**Newly at risk** (1)\n\
         - **Northwind \"Logistics\"** (A-3, unassigned): GONE_DARK: no usage for 51 days (last on 2026-09-30)\n\
         \n**Health down 10 points or more** (2)\n\
         - **Northwind \"Logistics\"** (A-3, unassigned): health 100 → 50 (-50)\n\
         - **Acme Analytics, Inc.** (A-1, Alice Martin): health 60 → 33 (-27)\n\
         \n**Renewals within 30 days, untouched for 30 days** (1)\n\
         - **株式会社さくらテック** (A-2, 佐藤 花子): renews 2026-12-15 (in 13 days), 48.0k ARR; last touch 2026-09-01, 92 days ago\n\
         \n**Overdue tasks** (1)\n\
         - **Acme Analytics, Inc.** (A-1, Alice Martin): Tell Acme who owns their issue (play Escalation, step 2) due 2026-11-28, 4 days overdue\n"
    );
    let mine = retain::report::digest::build(
        &now,
        &then,
        &[],
        "2026-10-01".parse().unwrap(),
        today,
        Some("佐藤 花子"),
    );
    assert!(mine.newly_at_risk.is_empty() && mine.health_drops.is_empty());
    assert_eq!(mine.renewals_untouched.len(), 1);
}

/// A task done on one laptop is done on the others: run and task ids differ between laptops,
/// so the change names the play and step of the account's open run.
#[test]
fn a_task_done_on_one_laptop_is_done_on_the_others() {
    use retain::db::plays::{self, TaskChange};
    let folder = tempfile::tempdir().unwrap();
    let team = folder.path();
    let alice = laptop(team, "alice");
    let bob = laptop(team, "bob");
    let as_of: chrono::NaiveDate = "2026-11-20".parse().unwrap();
    let today: chrono::NaiveDate = "2026-11-21".parse().unwrap();
    let book = retain::plays::Playbook::default_playbook();
    for db in [&alice, &bob] {
        let scores = score::score_accounts(
            db.conn(),
            AsOf {
                date: as_of,
                live: true,
            },
        )
        .unwrap();
        retain::plays::runs::sync(db, &book, &scores, as_of, today).unwrap();
    }
    let first_open = |db: &Db| {
        plays::tasks(db.conn())
            .unwrap()
            .into_iter()
            .filter(|t| t.account_id == "A-2" && t.is_due())
            .min_by_key(|t| (t.play.clone(), t.step))
            .unwrap()
    };
    let task = first_open(&alice);
    plays::change_task(
        &alice,
        task.task_id,
        TaskChange::Skipped {
            reason: "covered in the QBR",
        },
        today,
        "alice",
    )
    .unwrap();
    sync(&bob, team);
    let on_bob = plays::tasks(bob.conn())
        .unwrap()
        .into_iter()
        .find(|t| t.account_id == "A-2" && t.play == task.play && t.step == task.step)
        .unwrap();
    assert_eq!(on_bob.state, "skipped");
    assert_eq!(on_bob.closed_by.as_deref(), Some("alice"));
    // Reading the line again does nothing more.
    assert_eq!(sync(&bob, team).applied, 0);
}
