//! The terminal side of the console: set-up and restore, the database worker, and a thin loop
//! of key → action → update → effects → draw.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use ratatui::crossterm::execute;

use crate::app::{self, Action, App, Effect, InputKey, ModelReport, keymap};
use crate::db::actions::{self, NewAction};
use crate::db::{Db, console};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::score::{self, AsOf};
use crate::ui::{self, theme::Theme};

/// Work the database thread does for the console.
enum Request {
    Reload {
        today: NaiveDate,
    },
    Detail {
        account_id: String,
        as_of: NaiveDate,
    },
    Record(NewAction),
    Review {
        today: NaiveDate,
    },
    ModelReport,
}

/// What the worker needs to score as the console does.
struct Scoring {
    model: Model,
    /// The model the console ran with before, when it was a different one.
    previous: Option<Model>,
}

/// Does the database work off the UI thread; every answer comes back as an `Action`. It opens
/// the file for each request and closes it after, so that other retain commands (export,
/// review, a second console) can use the database while the console is open.
fn spawn_worker(
    db_path: PathBuf,
    scoring: Scoring,
    replies: Sender<Action>,
) -> (Sender<Request>, JoinHandle<()>) {
    let (requests, inbox) = mpsc::channel::<Request>();
    let handle = std::thread::spawn(move || {
        while let Ok(request) = inbox.recv() {
            let db = match Db::open(&db_path)
                .and_then(|db| score::install(db.conn(), &scoring.model).map(|()| db))
            {
                Ok(db) => db,
                Err(e) => {
                    let _ = replies.send(Action::Failed(e.to_string()));
                    continue;
                }
            };
            let reply = match request {
                Request::Reload { today } => reload(&db, &scoring.model, today, &replies),
                Request::Detail { account_id, as_of } => {
                    console::load_detail(db.conn(), as_of, &account_id)
                        .map(|d| Action::DetailLoaded(Box::new(d)))
                }
                Request::Review { today } => AsOf::resolve(&db, None)
                    .and_then(|as_of| {
                        crate::db::review::build_review(&db, &scoring.model, as_of, None, today)
                    })
                    .map(|r| Action::ReviewLoaded(Box::new(r))),
                Request::ModelReport => {
                    model_report(&db, &scoring).map(|r| Action::ModelReportLoaded(Box::new(r)))
                }
                Request::Record(action) => {
                    actions::record(db.conn(), &action).map(|id| Action::Saved { id, action })
                }
            };
            let reply = reply.unwrap_or_else(|e| Action::Failed(e.to_string()));
            if replies.send(reply).is_err() {
                break;
            }
        }
    });
    (requests, handle)
}

/// The queue: the one kept at the last start first, when there is one, then (unless nothing
/// changed since) the live score, which replaces it.
fn reload(db: &Db, model: &Model, today: NaiveDate, replies: &Sender<Action>) -> Result<Action> {
    let scope = console::QueueScope::read(db, &model.hash(), today)?;
    match console::cached_dataset(db, &scope)? {
        console::CachedQueue::Current(data) => return Ok(Action::Loaded(Box::new(data))),
        console::CachedQueue::Stale(data) => {
            let _ = replies.send(Action::Loaded(Box::new(data)));
        }
        console::CachedQueue::Missing => {}
    }
    console::score_dataset(db, &scope).map(|d| Action::Loaded(Box::new(d)))
}

/// The model tab's content: the default backtest of the active model and, when the model
/// changed since the console last ran, what the change does to the portfolio.
fn model_report(db: &Db, scoring: &Scoring) -> Result<ModelReport> {
    const HORIZON: i64 = 90;
    let backtest = crate::commands::default_backtest_date(db, HORIZON)
        .and_then(|date| crate::commands::backtest_at(db, &scoring.model, date, HORIZON))
        .map_err(|e| e.to_string());
    let previous = match &scoring.previous {
        None => None,
        Some(old) => {
            let as_of = AsOf::resolve(db, None)?;
            score::install(db.conn(), old)?;
            let before = score::score_accounts(db.conn(), as_of)?;
            score::install(db.conn(), &scoring.model)?;
            let after = score::score_accounts(db.conn(), as_of)?;
            let bands: Vec<String> = old.bands.iter().map(|b| b.name.clone()).collect();
            Some((
                old.hash(),
                crate::report::model_diff::diff(&before, &after, &bands),
            ))
        }
    };
    score::install(db.conn(), &scoring.model)?;
    Ok(ModelReport { backtest, previous })
}

/// The model the console last ran with, and remembers this one for next time.
fn previous_model(db: &Db, model: &Model, model_text: &str) -> Result<Option<Model>> {
    let previous = db
        .meta("console_model_toml")?
        .and_then(|text| Model::parse("previous model", &text).ok())
        .filter(|old| old.hash() != model.hash());
    db.conn()
        .execute(crate::db::queries::REMEMBER_CONSOLE_MODEL, [model_text])?;
    Ok(previous)
}

/// The key as an action: text while typing, the keymap otherwise.
fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    if !app.text_mode() {
        return keymap::action_for(key, app.screen);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let input = match key.code {
        KeyCode::Char('c') if ctrl => InputKey::Esc,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => InputKey::Char(c),
        KeyCode::Backspace => InputKey::Backspace,
        KeyCode::Left => InputKey::Left,
        KeyCode::Right => InputKey::Right,
        KeyCode::Tab => InputKey::Tab,
        KeyCode::BackTab => InputKey::BackTab,
        KeyCode::Enter => InputKey::Enter,
        KeyCode::Esc => InputKey::Esc,
        _ => return None,
    };
    Some(Action::Input(input))
}

/// `e` in the queue: the rows as shown, to a CSV (with BOM, for Excel) in the current folder.
fn export_queue(items: &[crate::report::export::ActionItem], today: NaiveDate) -> Result<Action> {
    use crate::report::export::{self, ExportFormat};
    let path = std::env::current_dir()
        .map_err(|e| Error::io(".", e))?
        .join(format!("retain-actions-{today}.csv"));
    let io = |e| Error::io(&path, e);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
    export::write(&mut file, items, ExportFormat::Csv, true).map_err(io)?;
    std::io::Write::flush(&mut file).map_err(io)?;
    Ok(Action::Exported(path.display().to_string()))
}

pub fn run(db_path: &Path, user: &str, model: Model, model_path: Option<&Path>) -> Result<()> {
    // Open once before touching the terminal, so that a database that cannot be opened gives a
    // plain error message, and the first start can load the sample data.
    let db = Db::open(db_path)?;
    let showing_sample = crate::sample_data::load_if_empty(&db)?;
    let today = chrono::Utc::now().date_naive();
    let model_text = match model_path.filter(|p| *p != Path::new("default")) {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?,
        None => crate::model::DEFAULT_TOML.to_owned(),
    };
    let previous = previous_model(&db, &model, &model_text)?;
    let mut app = App::new(model.clone(), user, today, &db.display_path());
    drop(db);
    if showing_sample {
        app.banner = Some("SAMPLE DATA — load your own with `retain load DIR`".into());
    }
    let (reply_tx, replies) = mpsc::channel();
    let (requests, worker) =
        spawn_worker(db_path.to_path_buf(), Scoring { model, previous }, reply_tx);
    let _ = requests.send(Request::Reload { today });

    let mut terminal = ratatui::try_init().map_err(|e| Error::io("terminal", e))?;
    let _ = execute!(std::io::stdout(), EnableBracketedPaste, EnableMouseCapture);
    let outcome = event_loop(&mut terminal, &mut app, &requests, &replies);
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture
    );
    ratatui::restore();
    // Let the worker finish every write already sent before the process ends.
    drop(requests);
    let _ = worker.join();
    outcome
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    requests: &Sender<Request>,
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
    loop {
        if dirty {
            terminal
                .draw(|frame| ui::render(app, theme, frame))
                .map_err(io)?;
            dirty = false;
        }
        pending.extend(replies.try_iter());
        if pending.is_empty() && event::poll(Duration::from_millis(30)).map_err(io)? {
            let action = match event::read().map_err(io)? {
                Event::Key(key) if key.kind == KeyEventKind::Press => key_action(app, key),
                Event::Paste(text) if app.text_mode() => Some(Action::Input(InputKey::Paste(text))),
                Event::Mouse(mouse) => match mouse.kind {
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    _ => None,
                },
                Event::Resize(width, height) => Some(Action::Resize { width, height }),
                _ => None,
            };
            pending.extend(action);
        }
        while let Some(action) = pending.pop_front() {
            dirty = true;
            for effect in app::update(app, action) {
                let request = match effect {
                    Effect::Quit => return Ok(()),
                    Effect::Reload => Request::Reload { today: app.today },
                    Effect::LoadReview => Request::Review { today: app.today },
                    Effect::LoadModelReport => Request::ModelReport,
                    Effect::Record(action) => Request::Record(action),
                    Effect::LoadDetail(account_id) => match &app.data {
                        Some(data) => Request::Detail {
                            account_id,
                            as_of: data.as_of,
                        },
                        None => continue,
                    },
                    Effect::Export(items) => {
                        pending.push_back(
                            export_queue(&items, app.today)
                                .unwrap_or_else(|e| Action::Failed(e.to_string())),
                        );
                        continue;
                    }
                };
                // The worker only stops when the loop does.
                let _ = requests.send(request);
            }
        }
    }
}
