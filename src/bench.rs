//! `retain bench-console`: the console measured without a terminal, on a real database. The
//! same state, keymap, update and render as the interactive console, drawn to ratatui's
//! TestBackend, so the figures are the console's own work minus the terminal's output.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Serialize;

use crate::app::{self, Action, App, Effect, keymap};
use crate::db::actions::{ActionKind, NewAction};
use crate::db::{Db, queries};
use crate::error::Result;
use crate::model::Model;
use crate::model::queue;
use crate::model::score;
use crate::ui::{self, theme::Theme};
use crate::worker::{Scoring, Worker};

#[derive(Debug, Serialize)]
pub struct ConsoleBench {
    pub accounts: usize,
    /// Open the database and draw the first frame (the "scoring…" screen).
    pub first_frame_ms: f64,
    /// Until the scored queue is on screen (scored from scratch: no queue kept).
    pub first_queue_frame_ms: f64,
    /// A second start (a new console): open the database again and draw the queue kept by the
    /// first.
    pub kept_queue_frame_ms: f64,
    /// A touch logged (as the worker writes it) until the queue shows its account re-scored:
    /// the re-score of that account, its new place, and the frame. Over `actions` touches on
    /// accounts across the queue; they are taken back afterwards.
    pub actions: usize,
    pub action_to_queue_frame_p50_ms: f64,
    pub action_to_queue_frame_max_ms: f64,
    /// Of that, from the action saved (the worker's first reply) to the frame: the re-score
    /// of the account (`queue::refresh`) and its new place on screen.
    pub rescore_p50_ms: f64,
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

const BENCH_AUTHOR: &str = "retain bench-console";

/// Touches logged through the console's own worker on accounts across the queue, each timed
/// from the key's effect until the queue on screen shows its account re-scored (sorted), with
/// the worker's part (sorted). The touches are taken back and the kept queue forgotten (its
/// rows hold them), whatever happened.
fn act(
    db_path: &Path,
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    theme: Theme,
) -> Result<(Vec<f64>, Vec<f64>)> {
    const ACTIONS: usize = 20;
    let (replies, inbox) = std::sync::mpsc::channel();
    let scoring = Scoring {
        model: app.model.clone(),
        team: None,
        playbook: crate::plays::Playbook::default_playbook(),
        previous: None,
    };
    let worker = Worker::spawn(db_path.to_path_buf(), scoring, replies);
    let mut frames = Vec::new();
    let mut rescores = Vec::new();
    let count = app.accounts().len();
    let mut measured = Ok(());
    for i in 0..ACTIONS.min(count) {
        let account_id = app.accounts()[i * count / ACTIONS].account_id.clone();
        let mut touch = NewAction::new(&account_id, ActionKind::Touch, BENCH_AUTHOR);
        touch.detail = Some("call".to_owned());
        let started = Instant::now();
        worker.perform(Effect::Record(touch), app);
        let mut saved_at = None;
        loop {
            match inbox.recv() {
                Ok(action @ Action::Saved { .. }) => {
                    saved_at = Some(Instant::now());
                    app::update(app, action);
                }
                Ok(action @ Action::Rescored(_)) => {
                    app::update(app, action);
                    break;
                }
                Ok(Action::Failed(e)) => measured = Err(crate::error::Error::Usage(e)),
                Ok(other) => {
                    app::update(app, other);
                }
                Err(_) => break,
            }
            if measured.is_err() {
                break;
            }
        }
        drawn(terminal.draw(|f| ui::render(app, theme, f)));
        frames.push(ms(started.elapsed()));
        if let Some(saved_at) = saved_at {
            rescores.push(ms(saved_at.elapsed()));
        }
        if measured.is_err() {
            break;
        }
    }
    worker.finish();
    let db = Db::open(db_path)?;
    db.conn().execute(queries::FORGET_AUTHOR, [BENCH_AUTHOR])?;
    queue::forget_kept(&db)?;
    measured?;
    frames.sort_by(f64::total_cmp);
    rescores.sort_by(f64::total_cmp);
    Ok((frames, rescores))
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

/// The console as the benchmarks drive it: the default model, a 160×48 test terminal.
fn console(db: &Db) -> (App, Terminal<TestBackend>, Theme) {
    let today = chrono::Utc::now().date_naive();
    let mut app = App::new(Model::default_model(), "bench", today, &db.display_path());
    let terminal = drawn(Terminal::new(TestBackend::new(160, 48)));
    app::update(
        &mut app,
        Action::Resize {
            width: 160,
            height: 48,
        },
    );
    (app, terminal, Theme { color: true })
}

pub fn run(db_path: &Path, keypresses: usize) -> Result<ConsoleBench> {
    let started = Instant::now();
    let db = Db::open(db_path)?;
    let (mut app, mut terminal, theme) = console(&db);
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let first_frame = started.elapsed();
    let model_hash = app.model.hash();
    score::install(db.conn(), &app.model)?;
    let data = queue::load_dataset(&db, &model_hash, app.today)?;
    app::update(&mut app, Action::Loaded(Box::new(data)));
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
    let first_queue_frame = started.elapsed();

    // A second start is a new process: a new console, without the first one's queue to free.
    drop(db);
    drop((app, terminal));
    let restarted = Instant::now();
    let db = Db::open(db_path)?;
    let (mut app, mut terminal, theme) = console(&db);
    drawn(terminal.draw(|f| ui::render(&app, theme, f)));
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
    // What the console does next when no key comes.
    app::update(&mut app, Action::Idle);
    // The worker opens the database for each request, as in the console.
    drop(db);
    let (action_frames, rescores) = act(db_path, &mut app, &mut terminal, theme)?;
    let db = Db::open(db_path)?;

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
        actions: action_frames.len(),
        action_to_queue_frame_p50_ms: quantile(&action_frames, 0.5),
        action_to_queue_frame_max_ms: action_frames.last().copied().unwrap_or(0.0),
        rescore_p50_ms: quantile(&rescores, 0.5),
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

/// `retain bench-journal`: a team's journal of `lines` lines from `writers` writers read by a
/// fresh database (the first sync), then 100 new lines (an incremental sync), and the console's
/// key press to frame on `db_path` measured idle and while the first sync runs beside it.
#[derive(Debug, Serialize)]
pub struct JournalBench {
    pub writers: usize,
    pub lines: usize,
    pub journal_mb: f64,
    pub first_sync_ms: f64,
    pub first_sync_applied: u64,
    pub incremental_lines: usize,
    pub incremental_sync_ms: f64,
    pub keypresses: usize,
    pub key_to_frame_p99_idle_ms: f64,
    pub key_to_frame_p99_while_syncing_ms: f64,
    pub key_to_frame_max_while_syncing_ms: f64,
    pub peak_rss_mb: Option<f64>,
}

/// One journal line of writer `w`, the `i`-th: a touch, a next step or a flag on one of the
/// accounts, as the console writes them.
fn journal_line(w: usize, i: usize, accounts: &[String], at: chrono::NaiveDateTime) -> String {
    use crate::db::journal::{Line, stamp};
    let kinds = ["touch", "touch", "next_step", "touch", "flag", "snooze"];
    let kind = kinds[(w + i) % kinds.len()];
    let line = Line {
        id: uuid::Uuid::now_v7().to_string(),
        at: stamp(at),
        author: format!("csm{w:02}"),
        machine: format!("m{w:02}"),
        account: accounts[(w * 7919 + i * 104_729) % accounts.len()].clone(),
        kind: kind.to_owned(),
        detail: (kind == "touch").then(|| "call".to_owned()),
        body: Some(format!("step {i} of csm{w:02}: 更新の相談")),
        until: (kind != "touch").then(|| "2027-01-15".to_owned()),
        undoes: None,
        reasons: None,
        contact: None,
    };
    serde_json::to_string(&line).expect("a line serialises") + "\n"
}

pub fn run_journal(
    db_path: &Path,
    writers: usize,
    lines: usize,
    keypresses: usize,
) -> Result<JournalBench> {
    use std::io::Write as _;
    let io = |path: &Path, e| crate::error::Error::io(path, e);
    let scratch = tempfile::tempdir().map_err(|e| io(Path::new("temp"), e))?;
    let team = scratch.path().join("team");
    let folder = crate::db::journal::Journal::folder(&team);
    std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;

    // The console on the real database, its queue kept by an earlier start.
    let db = Db::open(db_path)?;
    let accounts: Vec<String> =
        crate::db::rows(db.conn(), "SELECT account_id FROM accounts", [], |r| {
            r.get(0)
        })?;
    if accounts.is_empty() {
        return Err(crate::error::Error::Usage(
            "no accounts: load data first".to_owned(),
        ));
    }
    let (mut app, mut terminal, theme) = console(&db);
    score::install(db.conn(), &app.model)?;
    let data = queue::load_dataset(&db, &app.model.hash(), app.today)?;
    app::update(&mut app, Action::Loaded(Box::new(data)));
    drop(db);

    // The team's journal: `writers` files sharing `lines` lines, a minute apart per writer.
    let start = chrono::Utc::now().naive_utc() - chrono::Duration::days(365);
    let per_writer = lines.div_ceil(writers.max(1));
    let mut bytes = 0u64;
    for w in 0..writers {
        let path = folder.join(format!("csm{w:02}@m{w:02}.jsonl"));
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(&path).map_err(|e| io(&path, e))?);
        for i in 0..per_writer.min(lines - (w * per_writer).min(lines)) {
            let line = journal_line(
                w,
                i,
                &accounts,
                start + chrono::Duration::seconds((i * 60) as i64),
            );
            bytes += line.len() as u64;
            out.write_all(line.as_bytes()).map_err(|e| io(&path, e))?;
        }
        out.flush().map_err(|e| io(&path, e))?;
    }

    let idle = {
        let mut by_key = Vec::new();
        let mut t = press(
            &mut app,
            &mut terminal,
            theme,
            &script(keypresses),
            &mut by_key,
        );
        t.sort_by(f64::total_cmp);
        quantile(&t, 0.99)
    };

    // The first sync, alone, on a fresh database.
    let reader_path = scratch.path().join("reader.duckdb");
    let reader = Db::open(&reader_path)?;
    let started = Instant::now();
    let applied = crate::db::journal::sync(&reader, &team)?.applied;
    let first_sync = started.elapsed();
    drop(reader);

    // The same first sync on another fresh database in a thread, as the console's worker runs
    // it, while the keys are pressed.
    let beside_path = scratch.path().join("beside.duckdb");
    drop(Db::open(&beside_path)?);
    let syncing = {
        let team = team.clone();
        std::thread::spawn(move || -> Result<()> {
            let beside = Db::open(&beside_path)?;
            crate::db::journal::sync(&beside, &team).map(|_| ())
        })
    };
    let mut during = Vec::new();
    while !syncing.is_finished() {
        let mut by_key = Vec::new();
        during.extend(press(
            &mut app,
            &mut terminal,
            theme,
            &script(50),
            &mut by_key,
        ));
    }
    syncing
        .join()
        .map_err(|_| crate::error::Error::Usage("the sync thread panicked".to_owned()))??;
    during.sort_by(f64::total_cmp);

    // 100 new lines, two in each of 50 files (or spread over the writers there are).
    let reader = Db::open(&reader_path)?;
    let incremental = 100;
    for n in 0..incremental {
        let w = n % writers.max(1);
        let path = folder.join(format!("csm{w:02}@m{w:02}.jsonl"));
        let mut out = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        let line = journal_line(w, per_writer + n, &accounts, chrono::Utc::now().naive_utc());
        out.write_all(line.as_bytes()).map_err(|e| io(&path, e))?;
    }
    let started = Instant::now();
    crate::db::journal::sync(&reader, &team)?;
    let incremental_sync = started.elapsed();

    Ok(JournalBench {
        writers,
        lines,
        journal_mb: bytes as f64 / 1e6,
        first_sync_ms: ms(first_sync),
        first_sync_applied: applied,
        incremental_lines: incremental,
        incremental_sync_ms: ms(incremental_sync),
        keypresses: during.len(),
        key_to_frame_p99_idle_ms: idle,
        key_to_frame_p99_while_syncing_ms: quantile(&during, 0.99),
        key_to_frame_max_while_syncing_ms: during.last().copied().unwrap_or(0.0),
        peak_rss_mb: peak_rss_mb(),
    })
}
