//! The console end to end: the real binary in a real pseudo-terminal (tmux), as a CSM uses it.

mod common;

use std::process::Command;

use common::fixture;
use common::tmux::{Tmux, console_command};

/// A database with the `good` fixture loaded by the real binary.
fn good_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.duckdb");
    let load = Command::new(env!("CARGO_BIN_EXE_retain"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "load",
            fixture("good").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(load.status.success());
    (dir, db)
}

#[test]
fn open_move_log_a_touch_quit_and_find_it_in_the_timeline() {
    let (_dir, db) = good_db();
    let command = console_command(&db);
    let session = format!("retain-e2e-{}", std::process::id());

    let tmux = Tmux::start(&session, &command);
    tmux.wait_for("Northwind");
    tmux.keys(&["j"]);
    tmux.keys(&["t"]);
    tmux.wait_for("Log a touch");
    tmux.keys(&["Tab"]);
    tmux.text("佐藤さんに電話: renewal");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved: logged a call on A-2");
    tmux.keys(&["q"]);
    tmux.wait_for("RETAIN-EXITED 0");
    drop(tmux);

    let tmux = Tmux::start(&session, &command);
    tmux.wait_for("Northwind");
    tmux.keys(&["/"]);
    tmux.text("さくら");
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    // The journey comes after the success plan, the people, plays, tickets and surveys:
    // scroll down to it a line at a time, as a person would.
    tmux.wait_for("Success plan");
    for _ in 0..60 {
        if tmux.screen().contains("佐藤さんに電話: renewal") {
            break;
        }
        tmux.keys(&["j"]);
    }
    let screen = tmux.wait_for("佐藤さんに電話: renewal");
    assert!(screen.contains("touch (call)"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("RETAIN-EXITED 0");
}

#[test]
fn walk_the_agenda_act_on_the_walked_account_and_stay_on_it() {
    let (_dir, db) = good_db();
    let session = format!("retain-walk-{}", std::process::id());
    let tmux = Tmux::start(&session, &console_command(&db));
    tmux.wait_for("Northwind");
    tmux.keys(&["2"]);
    tmux.wait_for("Data quality");
    tmux.keys(&["w"]);
    tmux.wait_for("agenda 1/");
    tmux.keys(&["w"]);
    let screen = tmux.wait_for("agenda 2/");
    let header = screen.lines().find(|l| l.contains("agenda 2/")).unwrap();
    let walked = header
        .split_whitespace()
        .find(|word| word.starts_with("A-"))
        .unwrap()
        .to_owned();
    tmux.keys(&["t"]);
    tmux.wait_for("Log a touch");
    tmux.keys(&["Tab"]);
    tmux.text("walked the agenda");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for(&format!("saved: logged a call on {walked}"));
    let header = screen.lines().find(|l| l.contains("agenda 2/")).unwrap();
    assert!(
        header.contains(&walked),
        "the walk stays on {walked}: {screen}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("RETAIN-EXITED 0");
}
