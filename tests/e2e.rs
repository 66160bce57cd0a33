//! The console end to end: the real binary in a real pseudo-terminal (tmux), as a CSM uses it.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::fixture;

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(session: &str, command: &str) -> Tmux {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", session])
            .output();
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "140",
                "-y",
                "40",
                command,
            ])
            .status()
            .unwrap();
        assert!(status.success());
        Tmux {
            session: session.to_owned(),
        }
    }

    fn keys(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
    }

    fn text(&self, text: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap();
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "never saw {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

#[test]
fn open_move_log_a_touch_quit_and_find_it_in_the_timeline() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is needed for the console's end-to-end test (.ci/run installs it)");
    }
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
    // The echo shows how the console exited; `sleep` keeps the pane readable afterwards.
    let command = format!(
        "env NO_COLOR=1 RETAIN_USER=alice {} --db {} ; echo RETAIN-EXITED $? ; sleep 30",
        env!("CARGO_BIN_EXE_retain"),
        db.display()
    );
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
