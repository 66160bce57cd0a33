//! `retain bench-console`: the console measured without a terminal, on a real database. The
//! same state, keymap, update and render as the interactive console, drawn to ratatui's
//! TestBackend, so the figures are the console's own work minus the terminal's output.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Serialize;

use crate::app::{self, Action, App, keymap};
use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::model::queue;
use crate::model::score;
use crate::ui::{self, theme::Theme};

#[derive(Debug, Serialize)]
pub struct ConsoleBench {
    pub accounts: usize,
    /// Open the database and draw the first frame (the "scoring…" screen).
    pub first_frame_ms: f64,
    /// Until the scored queue is on screen (scored from scratch: no queue kept).
    pub first_queue_frame_ms: f64,
    /// A second start: open the database again and draw the queue kept by the first.
    pub kept_queue_frame_ms: f64,
    pub keypresses: usize,
    pub key_to_frame_p50_ms: f64,
    pub key_to_frame_p99_ms: f64,
    pub key_to_frame_max_ms: f64,
    /// The ten slowest key presses, to show where the time goes.
    pub slowest_keys: Vec<(String, f64)>,
    pub peak_rss_mb: Option<f64>,
}

/// Drawing to a TestBackend cannot fail.
fn drawn<T>(result: std::result::Result<T, std::convert::Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A scripted morning: move, page, search, filter, sort, open accounts and come back.
fn script(n: usize) -> Vec<KeyEvent> {
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let pattern = [
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::PageDown,
        KeyCode::Char('k'),
        KeyCode::Char('s'),
        KeyCode::Char('a'),
        KeyCode::Char('B'),
        KeyCode::Char('m'),
        KeyCode::End,
        KeyCode::Home,
        KeyCode::Char('a'),
        KeyCode::Char('m'),
        KeyCode::Char('c'),
        KeyCode::PageUp,
        KeyCode::Char('j'),
    ];
    (0..n).map(|i| key(pattern[i % pattern.len()])).collect()
}

pub fn run(db_path: &Path, keypresses: usize) -> Result<ConsoleBench> {
    let started = Instant::now();
    let db = Db::open(db_path)?;
    let today = chrono::Utc::now().date_naive();
    let mut app = App::new(Model::default_model(), "bench", today, &db.display_path());
    let mut terminal = drawn(Terminal::new(TestBackend::new(160, 48)));
    let theme = Theme { color: true };
    app::update(
        &mut app,
        Action::Resize {
            width: 160,
            height: 48,
        },
    );
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let first_frame = started.elapsed();
    let model_hash = app.model.hash();
    score::install(db.conn(), &app.model)?;
    let data = queue::load_dataset(&db, &model_hash, app.today)?;
    app::update(&mut app, Action::Loaded(Box::new(data)));
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let first_queue_frame = started.elapsed();

    drop(db);
    let restarted = Instant::now();
    let db = Db::open(db_path)?;
    let scope = queue::QueueScope::read(&db, &model_hash, app.today)?;
    let kept = match queue::cached_dataset(&db, &scope)? {
        queue::CachedQueue::Current(data) | queue::CachedQueue::Stale(data) => data,
        queue::CachedQueue::Missing => {
            return Err(crate::error::Error::Usage(
                "the console kept no queue".to_owned(),
            ));
        }
    };
    app::update(&mut app, Action::Loaded(Box::new(kept)));
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let kept_queue_frame = restarted.elapsed();

    let mut timings = Vec::with_capacity(keypresses);
    let mut by_key: Vec<(String, f64)> = Vec::with_capacity(keypresses);
    for key in script(keypresses) {
        let pressed = Instant::now();
        if let Some(action) = keymap::action_for(key, app.screen) {
            // Effects (detail loads) go to the worker in the real console; keys never wait on them.
            let _ = app::update(&mut app, action);
        }
        let updated = ms(pressed.elapsed());
        drawn(terminal.draw(|f| ui::render(&app, theme, f)));
        timings.push(ms(pressed.elapsed()));
        by_key.push((
            format!("{:?} (update {updated:.1} ms)", key.code),
            ms(pressed.elapsed()),
        ));
    }
    by_key.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_key.truncate(10);
    timings.sort_by(f64::total_cmp);
    let at = |q: f64| {
        timings
            .get(((timings.len().saturating_sub(1)) as f64 * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(ConsoleBench {
        accounts: app.accounts().len(),
        first_frame_ms: ms(first_frame),
        first_queue_frame_ms: ms(first_queue_frame),
        kept_queue_frame_ms: ms(kept_queue_frame),
        keypresses,
        key_to_frame_p50_ms: at(0.5),
        key_to_frame_p99_ms: at(0.99),
        key_to_frame_max_ms: timings.last().copied().unwrap_or(0.0),
        slowest_keys: by_key,
        peak_rss_mb: peak_rss_mb(),
    })
}
