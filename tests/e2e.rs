//! The console end to end: the real binary in a real pseudo-terminal (tmux), as a CSM uses it.

mod common;

use std::process::Command;

use common::fixture;
use common::tmux::{Tmux, console_command};

#[test]
fn open_move_log_a_touch_quit_and_find_it_in_the_timeline() {
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
    let screen = tmux.wait_for("佐藤さんに電話: renewal");
    assert!(screen.contains("touch (call)"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("RETAIN-EXITED 0");
}
