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
    /// The plays brought up to date from the live score and every task read (the worker's
    /// work when the queue is on screen): runs started, tasks read, and how long it took.
    pub runs_started: usize,
    pub tasks: usize,
    pub tasks_sync_ms: f64,
    /// The owner with the most open tasks, whose tasks tab is measured, and how many it shows.
    pub tasks_owner_rows: usize,
    /// From pressing 5 (tasks read) to the tasks tab on screen.
    pub tasks_tab_frame_ms: f64,
    /// Key press to frame on the tasks tab (j, k, pages, ends).
    pub tasks_key_to_frame_p50_ms: f64,
    pub tasks_key_to_frame_p99_ms: f64,
    pub tasks_key_to_frame_max_ms: f64,
    pub peak_rss_mb: Option<f64>,
}

/// The p-th quantile of sorted timings.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted
        .get(((sorted.len().saturating_sub(1)) as f64 * q).round() as usize)
        .copied()
        .unwrap_or(0.0)
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

/// `n` key presses, going round `pattern`.
fn keys(pattern: &[KeyCode], n: usize) -> Vec<KeyEvent> {
    (0..n)
        .map(|i| KeyEvent::new(pattern[i % pattern.len()], KeyModifiers::NONE))
        .collect()
}

/// A scripted morning: move, page, search, filter, sort, open accounts and come back.
fn script(n: usize) -> Vec<KeyEvent> {
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
    keys(&pattern, n)
}

/// Presses each key as the console does (keymap, update, draw) and gives back each key press
/// to frame in ms; `by_key` gets each key with its update's share.
fn press(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    theme: Theme,
    script: &[KeyEvent],
    by_key: &mut Vec<(String, f64)>,
) -> Vec<f64> {
    let mut timings = Vec::with_capacity(script.len());
    for key in script {
        let pressed = Instant::now();
        if let Some(action) = keymap::action_for(*key, app.screen) {
            // Effects (detail loads) go to the worker in the real console; keys never wait on them.
            let _ = app::update(app, action);
        }
        let updated = ms(pressed.elapsed());
        drawn(terminal.draw(|f| ui::render(app, theme, f)));
        let total = ms(pressed.elapsed());
        timings.push(total);
        by_key.push((format!("{:?} (update {updated:.1} ms)", key.code), total));
    }
    timings
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

    let mut by_key: Vec<(String, f64)> = Vec::with_capacity(keypresses);
    let mut timings = press(
        &mut app,
        &mut terminal,
        theme,
        &script(keypresses),
        &mut by_key,
    );
    by_key.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_key.truncate(10);
    timings.sort_by(f64::total_cmp);
    let at = |q: f64| quantile(&timings, q);

    // The tasks tab: what the worker does once the queue is on screen, then the tab's keys for
    // the owner with the most open tasks.
    let syncing = Instant::now();
    let as_of = app.data.as_ref().map_or(app.today, |d| d.as_of);
    let playbook = crate::plays::Playbook::default_playbook();
    let synced = crate::plays::runs::sync(&db, &playbook, app.accounts(), as_of, app.today)?;
    let tasks = crate::db::plays::tasks(db.conn())?;
    let tasks_sync = syncing.elapsed();
    let task_count = tasks.len();
    let mut per_owner: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for task in tasks.iter().filter(|t| t.is_due()) {
        *per_owner
            .entry(task.owner.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let busiest = per_owner
        .into_iter()
        .max_by_key(|(owner, n)| (*n, owner.to_string()))
        .map(|(owner, _)| owner.to_owned());
    app.filter.owner = busiest;
    app::update(&mut app, Action::TasksLoaded(Box::new(tasks)));
    let pressed = Instant::now();
    app::update(&mut app, Action::ShowTasks);
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let tasks_tab_frame = pressed.elapsed();
    let tasks_owner_rows = app.visible_tasks().len();
    let tasks_script = keys(
        &[
            KeyCode::Char('j'),
            KeyCode::Char('j'),
            KeyCode::PageDown,
            KeyCode::Char('k'),
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::Home,
        ],
        keypresses,
    );
    let mut task_timings = press(
        &mut app,
        &mut terminal,
        theme,
        &tasks_script,
        &mut Vec::new(),
    );
    task_timings.sort_by(f64::total_cmp);

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
        runs_started: synced.started,
        tasks: task_count,
        tasks_sync_ms: ms(tasks_sync),
        tasks_owner_rows,
        tasks_tab_frame_ms: ms(tasks_tab_frame),
        tasks_key_to_frame_p50_ms: quantile(&task_timings, 0.5),
        tasks_key_to_frame_p99_ms: quantile(&task_timings, 0.99),
        tasks_key_to_frame_max_ms: task_timings.last().copied().unwrap_or(0.0),
        peak_rss_mb: peak_rss_mb(),
    })
}
