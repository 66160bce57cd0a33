//! The real console in a real pseudo-terminal: a tmux session driven key by key.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    session: String,
}

/// The console on `db`; when it exits, the pane shows `RETAIN-EXITED <status>` and stays
/// readable for a while.
pub fn console_command(db: &std::path::Path) -> String {
    format!(
        "env NO_COLOR=1 RETAIN_USER=alice {} --db {} ; echo RETAIN-EXITED $? ; sleep 30",
        env!("CARGO_BIN_EXE_retain"),
        db.display()
    )
}

impl Tmux {
    pub fn start(session: &str, command: &str) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is needed for the console's terminal tests (.ci/run installs it)"
        );
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

    pub fn keys(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
    }

    pub fn text(&self, text: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap();
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_for(&self, needle: &str) -> String {
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
