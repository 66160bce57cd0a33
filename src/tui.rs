//! The terminal side of the console: set-up and restore, and a thin loop of
//! key → action → update → effects → draw. The database work is the worker's.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use ratatui::DefaultTerminal;

use crate::app::{self, Action, App, Effect, InputKey, keymap};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::ui::{self, theme::Theme};
use crate::worker::{Scoring, Worker, previous_model};

/// How often the console reads the team's journal.
const SYNC_EVERY: Duration = Duration::from_secs(5);

pub fn run(
    db_path: &Path,
    user: &str,
    model: Model,
    model_path: Option<&Path>,
    team: Option<&Path>,
) -> Result<()> {
    // Open once before touching the terminal, so that a database that cannot be opened gives a
    // plain error message, and the first start can load the sample data.
    let db = Db::open(db_path)?.with_team(team)?;
    let showing_sample = crate::sample_data::load_if_empty(&db)?;
    let today = chrono::Utc::now().date_naive();
    let model_text = match model_path.filter(|p| *p != Path::new("default")) {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?,
        None => crate::model::DEFAULT_TOML.to_owned(),
    };
    let previous = previous_model(&db, &model, &model_text)?;
    // A broken playbook file is said before the terminal is taken, like a broken model.
    let playbook = crate::plays::Playbook::load(None)?;
    let mut app = App::new(model.clone(), user, today, &db.display_path());
    app.team = db.journal().is_some();
    drop(db);
    if showing_sample {
        app.banner = Some("SAMPLE DATA — load your own with `retain load DIR`".into());
    }
    let (reply_tx, replies) = mpsc::channel();
    let worker = Worker::spawn(
        db_path.to_path_buf(),
        Scoring {
            model,
            team: team.map(Path::to_path_buf),
            previous,
            playbook,
        },
        reply_tx,
    );
    // In a team, the journal is read before the first score, so the queue shows everyone's work.
    for effect in app::update(&mut app, Action::Tick) {
        worker.perform(effect, &app);
    }
    worker.perform(Effect::Reload, &app);

    let mut terminal = ratatui::try_init().map_err(|e| Error::io("terminal", e))?;
    let _ = execute!(std::io::stdout(), EnableBracketedPaste, EnableMouseCapture);
    let outcome = event_loop(&mut terminal, &mut app, &worker, &replies);
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture
    );
    ratatui::restore();
    worker.finish();
    outcome
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    worker: &Worker,
    replies: &Receiver<Action>,
) -> Result<()> {
    let theme = Theme::from_env();
    let io = |e| Error::io("terminal", e);
    let size = terminal.size().map_err(io)?;
    app::update(
        app,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut pending: VecDeque<Action> = VecDeque::new();
    let mut dirty = true;
    let mut last_tick = std::time::Instant::now();
    loop {
        if last_tick.elapsed() >= SYNC_EVERY {
            last_tick = std::time::Instant::now();
            pending.push_back(Action::Tick);
        }
        if dirty {
            terminal
                .draw(|frame| ui::render(app, theme, frame))
                .map_err(io)?;
            dirty = false;
        }
        pending.extend(replies.try_iter());
        if pending.is_empty() && event::poll(Duration::from_millis(30)).map_err(io)? {
            let action = match event::read().map_err(io)? {
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    keymap::actions_for(key, app.text_mode(), app.screen)
                }
                Event::Paste(text) if app.text_mode() => vec![Action::Input(InputKey::Paste(text))],
                Event::Mouse(mouse) => match mouse.kind {
                    MouseEventKind::ScrollDown => vec![Action::Down],
                    MouseEventKind::ScrollUp => vec![Action::Up],
                    _ => Vec::new(),
                },
                Event::Resize(width, height) => vec![Action::Resize { width, height }],
                _ => Vec::new(),
            };
            pending.extend(action);
        } else if pending.is_empty() && app.idle_work() {
            pending.push_back(Action::Idle);
        }
        while let Some(action) = pending.pop_front() {
            dirty = true;
            for effect in app::update(app, action) {
                if effect == Effect::Quit {
                    return Ok(());
                }
                worker.perform(effect, app);
            }
        }
    }
}
