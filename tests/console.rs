//! The console without a terminal: key bindings on the pure state, and snapshots of every
//! screen rendered to ratatui's TestBackend.

mod common;

use chrono::NaiveDate;
use common::{fixture, load_dir};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retain::app::{Action, App, Effect, FormKind, InputKey, Level, Screen, update};
use retain::db::Db;
use retain::db::actions::ActionKind;
use retain::db::console;
use retain::model::{Model, queue};
use retain::ui::{self, theme::Theme};

fn today() -> NaiveDate {
    "2026-11-23".parse().unwrap()
}

/// The console state over the `good` fixture, as the worker would deliver it.
fn app_with(db: &Db, user: &str) -> App {
    let mut app = App::new(Model::default_model(), user, today(), "test.duckdb");
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update(
        &mut app,
        Action::Loaded(Box::new(
            queue::load_dataset(db, &Model::default_model().hash(), today()).unwrap(),
        )),
    );
    app
}

fn good_db() -> Db {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    db
}

fn ids(app: &App) -> Vec<String> {
    app.view
        .iter()
        .map(|&i| app.accounts()[i].account_id.clone())
        .collect()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Action::Input(InputKey::Char(c)));
    }
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(app, Theme { color: false }, frame))
        .unwrap();
    terminal
}

#[test]
fn queue_starts_in_health_md_order_and_moves_with_keys() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    // All three are at risk here, so the order is by priority.
    assert_eq!(
        ids(&app),
        ["A-1", "A-2", "A-3"],
        "at risk first, then priority"
    );
    update(&mut app, Action::Down);
    assert_eq!(app.selected_account().unwrap().account_id, "A-2");
    update(&mut app, Action::Bottom);
    assert_eq!(app.selected, 2);
    update(&mut app, Action::Down);
    assert_eq!(app.selected, 2, "stays on the last row");
    update(&mut app, Action::Top);
    update(&mut app, Action::Up);
    assert_eq!(app.selected, 0);
    update(&mut app, Action::PageDown);
    assert_eq!(app.selected, 2);
    update(&mut app, Action::PageUp);
    assert_eq!(app.selected, 0);
}

#[test]
fn enter_opens_the_account_and_loads_its_detail_and_esc_goes_back() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    let effects = update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Account);
    assert_eq!(effects, [Effect::LoadDetail("A-1".into())]);
    // Movement keys scroll the account screen and never change the account.
    assert!(update(&mut app, Action::Down).is_empty());
    assert_eq!(app.selected_account().unwrap().account_id, "A-1");
    // `]` moves to the next account of the queue and loads it.
    assert_eq!(
        update(&mut app, Action::NextAccount),
        [Effect::LoadDetail("A-2".into())]
    );
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Queue);
    assert_eq!(update(&mut app, Action::Quit), [Effect::Quit]);
}

#[test]
fn filters_and_search_narrow_the_queue_and_keep_the_selection() {
    let db = good_db();
    let mut app = app_with(&db, "佐藤 花子");
    update(&mut app, Action::Down);
    update(&mut app, Action::ToggleMine);
    assert_eq!(ids(&app), ["A-2"]);
    assert_eq!(app.selected_account().unwrap().account_id, "A-2");
    update(&mut app, Action::ToggleMine);
    assert_eq!(
        app.selected_account().unwrap().account_id,
        "A-2",
        "the selection survives the filter"
    );
    update(&mut app, Action::ToggleAtRisk);
    assert_eq!(ids(&app).len(), 3, "all three are at risk");
    update(&mut app, Action::CycleBand);
    assert_eq!(app.filter.band.as_deref(), Some("green"));
    assert!(ids(&app).is_empty());
    update(&mut app, Action::CycleBand);
    assert_eq!(ids(&app), ["A-2", "A-3"]);
    update(&mut app, Action::ClearFilters);
    update(&mut app, Action::Search);
    assert!(app.text_mode());
    type_text(&mut app, "さくら");
    assert_eq!(ids(&app), ["A-2"]);
    update(&mut app, Action::Input(InputKey::Enter));
    assert!(!app.text_mode());
    assert_eq!(app.filter.search, "さくら");
    update(&mut app, Action::ClearFilters);
    update(&mut app, Action::Search);
    type_text(&mut app, "'; DROP TABLE accounts; --%_");
    assert!(ids(&app).is_empty(), "search text is matched literally");
    update(&mut app, Action::Input(InputKey::Esc));
    assert_eq!(ids(&app).len(), 3);
    update(&mut app, Action::CycleSegment);
    assert_eq!(app.filter.segment.as_deref(), Some("Enterprise"));
    assert_eq!(ids(&app), ["A-1"]);
    update(&mut app, Action::CycleReason);
    assert!(app.filter.reason.is_some());
}

#[test]
fn sorting_cycles_through_the_keys() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::CycleSort);
    assert_eq!(app.sort.label(), "health ↑");
    let healths: Vec<Option<i64>> = app.view.iter().map(|&i| app.accounts()[i].health).collect();
    let mut sorted = healths.clone();
    sorted.sort_by_key(|h| h.unwrap_or(i64::MAX));
    assert_eq!(healths, sorted);
    update(&mut app, Action::CycleSort);
    assert_eq!(ids(&app), ["A-1", "A-2", "A-3"], "ARR descending");
}

#[test]
fn logging_a_touch_with_japanese_text_records_an_action() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::LogTouch);
    assert_eq!(app.form.as_ref().unwrap().kind, FormKind::Touch);
    update(&mut app, Action::Input(InputKey::Right)); // email
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "電話しましたx");
    update(&mut app, Action::Input(InputKey::Backspace));
    update(&mut app, Action::Input(InputKey::Paste("、次回QBR".into())));
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(action)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(action.kind, ActionKind::Touch);
    assert_eq!(action.detail.as_deref(), Some("email"));
    assert_eq!(action.body.as_deref(), Some("電話しました、次回QBR"));
    assert_eq!(action.author, "alice");
    assert!(app.form.is_none());
    // The screen confirms only once the worker says it is written.
    assert_eq!(app.message.as_ref().unwrap().1, "saving…");
    let effects = update(
        &mut app,
        Action::Saved {
            id: 7,
            action: action.clone(),
        },
    );
    // The worker re-scores the account after recording it, unasked.
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        app.message,
        Some((Level::Success, "saved: logged an email on A-1".into()))
    );
    assert_eq!(
        app.selected_account().unwrap().last_touch.as_deref(),
        Some("2026-11-23")
    );
    // Undo records an undo of that action.
    let effects = update(&mut app, Action::Undo);
    let [Effect::Record(undo)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!((undo.kind, undo.undoes), (ActionKind::Undo, Some(7)));
    update(
        &mut app,
        Action::Saved {
            id: 8,
            action: undo.clone(),
        },
    );
    update(&mut app, Action::Undo);
    assert_eq!(
        app.message.as_ref().unwrap().1,
        "nothing of yours to undo in this session"
    );
}

#[test]
fn forms_validate_before_anything_is_written() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::NextStep);
    assert!(update(&mut app, Action::Input(InputKey::Enter)).is_empty());
    assert_eq!(
        app.message,
        Some((Level::Error, "next step is required".into()))
    );
    type_text(&mut app, "send renewal quote");
    update(&mut app, Action::Input(InputKey::Tab));
    for _ in 0..3 {
        update(&mut app, Action::Input(InputKey::Backspace));
    }
    type_text(&mut app, "someday");
    assert!(update(&mut app, Action::Input(InputKey::Enter)).is_empty());
    assert!(app.message.as_ref().unwrap().1.contains("is not a date"));
    for _ in 0..7 {
        update(&mut app, Action::Input(InputKey::Backspace));
    }
    type_text(&mut app, "2026-12-01");
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(action)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(action.until, Some("2026-12-01".parse().unwrap()));
    // Esc cancels a form without writing.
    update(&mut app, Action::Flag);
    assert!(update(&mut app, Action::Input(InputKey::Esc)).is_empty());
    assert!(app.form.is_none());
}

#[test]
fn snoozed_and_resolved_accounts_leave_the_queue() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::Snooze);
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(snooze)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        snooze.until,
        Some("2026-11-30".parse().unwrap()),
        "default +7d"
    );
    update(
        &mut app,
        Action::Saved {
            id: 1,
            action: snooze.clone(),
        },
    );
    assert!(!ids(&app).contains(&"A-1".to_owned()));
    update(&mut app, Action::ToggleHidden);
    assert!(ids(&app).contains(&"A-1".to_owned()));
    update(&mut app, Action::ToggleHidden);
    update(&mut app, Action::Resolve);
    type_text(&mut app, "renewal signed");
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(resolve)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        resolve.reasons.as_deref(),
        Some(
            app.accounts()
                .iter()
                .find(|a| a.account_id == resolve.account_id)
                .unwrap()
                .reason_codes()
                .as_str()
        )
    );
    update(
        &mut app,
        Action::Saved {
            id: 2,
            action: resolve.clone(),
        },
    );
    assert_eq!(ids(&app).len(), 1);
}

#[test]
fn help_lists_every_binding_and_any_key_closes_it() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::Help);
    let screen = draw(&app, 80, 40).backend().to_string();
    for binding in retain::app::keymap::bindings_for(Screen::Queue) {
        assert!(
            screen.contains(binding.description),
            "help misses {:?}",
            binding.description
        );
    }
    // Movement keys scroll the help (it is taller than 24 rows); any other key closes it.
    update(&mut app, Action::Down);
    assert!(app.show_help);
    assert_eq!((app.help_scroll, app.selected), (1, 0));
    update(&mut app, Action::Bottom);
    assert!(!app.show_help);
    assert_eq!(
        app.selected, 0,
        "the key that closes help does nothing else"
    );
}

fn review_for(db: &Db) -> retain::report::review::Review {
    let as_of = retain::model::score::AsOf {
        date: "2026-11-20".parse().unwrap(),
        live: true,
    };
    retain::report::review::build_review(db, &Model::default_model(), as_of, None, today()).unwrap()
}

#[test]
fn w_walks_the_agenda_account_by_account() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::ShowReview);
    update(&mut app, Action::ReviewLoaded(Box::new(review_for(&db))));
    let mut visited = Vec::new();
    for _ in 0..10 {
        let effects = update(&mut app, Action::Walk);
        if app.screen != Screen::Account {
            break;
        }
        assert!(matches!(effects.as_slice(), [] | [Effect::LoadDetail(_)]));
        visited.push(app.selected_account().unwrap().account_id.clone());
    }
    // Agenda order, each account once: A-3 (drop), A-1 (red 3 weeks, renewal), A-2 (renewal).
    assert_eq!(visited, ["A-3", "A-1", "A-2"]);
    assert_eq!(app.screen, Screen::Review);
    assert_eq!(app.message.as_ref().unwrap().1, "agenda done");
}

#[test]
fn the_walk_keeps_its_account_through_an_action_and_ends_when_left() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    assert_eq!(update(&mut app, Action::ShowReview), [Effect::LoadReview]);
    update(&mut app, Action::ReviewLoaded(Box::new(review_for(&db))));
    update(&mut app, Action::Walk);
    update(&mut app, Action::Walk);
    assert_eq!(app.selected_account().unwrap().account_id, "A-1");
    update(&mut app, Action::LogTouch);
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "renewal call");
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(action)] = effects.as_slice() else {
        panic!("a touch to record: {effects:?}");
    };
    // What the worker does: write the action, then reload the re-scored queue.
    let id = retain::db::actions::record(db.conn(), None, action).unwrap();
    let effects = update(
        &mut app,
        Action::Saved {
            id,
            action: action.clone(),
        },
    );
    assert!(!effects.contains(&Effect::Reload), "{effects:?}");
    // What the worker does after recording: re-score the account acted on.
    let scope = queue::QueueScope::read(&db, &Model::default_model().hash(), today()).unwrap();
    let queue::Refresh::Rescored(rescore) = queue::refresh(&db, &scope).unwrap() else {
        panic!("only an action changed: the acted-on account is re-scored");
    };
    assert_eq!(rescore.changed, ["A-1"]);
    update(&mut app, Action::Rescored(Box::new(rescore)));
    assert_eq!(
        app.selected_account().unwrap().account_id,
        "A-1",
        "the walk stays put"
    );
    assert_eq!((app.walked.len(), app.walk.len()), (2, 3));
    update(&mut app, Action::Walk);
    assert_eq!(
        app.selected_account().unwrap().account_id,
        "A-2",
        "the next one not visited"
    );

    // Leaving the walk ends it: Esc on an account opened from the queue goes to the queue.
    update(&mut app, Action::ShowQueue);
    assert!(app.walk.is_empty());
    update(&mut app, Action::Top);
    update(&mut app, Action::Open);
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Queue);
    // The review the touch made stale is asked for again, never left "preparing".
    assert_eq!(update(&mut app, Action::ShowReview), [Effect::LoadReview]);
    assert!(
        update(&mut app, Action::ShowRenewals).is_empty(),
        "asked for once"
    );
}

#[test]
fn review_lists_have_a_cursor_enter_opens_and_esc_comes_back() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::ShowReview);
    update(&mut app, Action::ReviewLoaded(Box::new(review_for(&db))));
    let listed: Vec<String> = app.tab_accounts().iter().map(|id| id.to_string()).collect();
    assert!(listed.len() > 2, "{listed:?}");
    for _ in 0..50 {
        update(&mut app, Action::Down);
    }
    assert_eq!(
        app.tab_cursor,
        listed.len() - 1,
        "the cursor stops at the last entry"
    );
    update(&mut app, Action::Top);
    update(&mut app, Action::Down);
    assert_eq!(
        update(&mut app, Action::Open),
        [Effect::LoadDetail(listed[1].clone())]
    );
    assert_eq!(app.screen, Screen::Account);
    update(&mut app, Action::Back);
    assert_eq!(
        app.screen,
        Screen::Review,
        "Esc returns to the tab it came from"
    );

    // The model tab scrolls to its last row and no further: k moves at once.
    update(&mut app, Action::ShowModel);
    for _ in 0..500 {
        update(&mut app, Action::Down);
    }
    let bottom = app.model_scroll;
    assert!(bottom < app.model_rows().len());
    update(&mut app, Action::Up);
    assert_eq!(app.model_scroll, bottom.saturating_sub(1));
}

#[test]
fn what_was_done_shows_on_the_account_and_hidden_rows_say_why() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::Snooze);
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "予算待ち");
    let effects = update(&mut app, Action::Input(InputKey::Enter));
    let [Effect::Record(action)] = effects.as_slice() else {
        panic!("a snooze to record: {effects:?}");
    };
    let until = action.until.unwrap();
    update(
        &mut app,
        Action::Saved {
            id: 1,
            action: action.clone(),
        },
    );
    update(&mut app, Action::ToggleHidden);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("(snoozed) Acme"), "{screen}");
    update(&mut app, Action::Top);
    update(&mut app, Action::Open);
    let screen = draw(&app, 160, 48).backend().to_string();
    assert!(
        screen.contains(&format!("snoozed until {until}: 予算待ち")),
        "{screen}"
    );
}

fn snapshot_app() -> (Db, App) {
    let db = good_db();
    let app = app_with(&db, "alice");
    (db, app)
}

macro_rules! screen_snapshots {
    ($($name:ident: $setup:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let setup: &dyn Fn(&Db, &mut App) = &$setup;
                for (width, height) in [(80u16, 24u16), (160, 48)] {
                    let (db, mut app) = snapshot_app();
                    update(&mut app, Action::Resize { width, height });
                    setup(&db, &mut app);
                    let terminal = draw(&app, width, height);
                    insta::assert_snapshot!(format!("{}_{width}x{height}", stringify!($name)), terminal.backend());
                }
            }
        )*
    };
}

screen_snapshots! {
    queue_screen: |_, _| {};
    account_screen: |db, app| {
        update(app, Action::TasksLoaded(Box::new(tasks_for(db))));
        update(app, Action::Open);
        let id = app.selected_account().unwrap().account_id.clone();
        let as_of = app.data.as_ref().unwrap().as_of;
        let detail = console::load_detail(db.conn(), as_of, today(), &id).unwrap();
        let scored = queue::kept_account(db, &id).unwrap().map(Box::new);
        update(app, Action::DetailLoaded(Box::new(detail), scored));
    };
    japanese_account_screen: |db, app| {
        while app.selected_account().unwrap().account_id != "A-2" {
            update(app, Action::Down);
        }
        update(app, Action::Open);
        let as_of = app.data.as_ref().unwrap().as_of;
        let detail = console::load_detail(db.conn(), as_of, today(), "A-2").unwrap();
        let scored = queue::kept_account(db, "A-2").unwrap().map(Box::new);
        update(app, Action::DetailLoaded(Box::new(detail), scored));
    };
    help_screen: |_, app| { update(app, Action::Help); };
    team_screen: |db, app| {
        update(app, Action::TasksLoaded(Box::new(tasks_for(db))));
        update(app, Action::ShowTeam);
    };
    owner_picker: |_, app| { update(app, Action::PickOwner); update(app, Action::Down); };
    review_screen: |db, app| {
        assert_eq!(update(app, Action::ShowReview), [Effect::LoadReview]);
        update(app, Action::ReviewLoaded(Box::new(review_for(db))));
    };
    model_screen: |db, app| {
        assert_eq!(update(app, Action::ShowModel), [Effect::LoadModelReport]);
        let model = Model::default_model();
        let backtest = retain::report::backtest::backtest_at(db, &model, "2026-08-22".parse().unwrap(), 90)
            .map_err(|e| e.to_string());
        let a = retain::model::score::score_accounts(db.conn(), retain::model::score::AsOf::historical("2026-11-20".parse().unwrap())).unwrap();
        let bands: Vec<String> = model.bands.iter().map(|b| b.name.clone()).collect();
        let previous = Some(("0123456789ab".to_owned(), retain::report::model_diff::diff(&a, &a, &bands)));
        let plays = vec![
            retain::db::plays::PlayStats { play: "Red health recovery".into(), trigger: "RED".into(), started: 14, completed: 9, cleared: 3, judged: 12, churned_90: 2, without_judged: 20, without_churned_90: 7 },
            retain::db::plays::PlayStats { play: "Gone dark".into(), trigger: "GONE_DARK".into(), started: 4, completed: 1, cleared: 2, judged: 0, churned_90: 0, without_judged: 0, without_churned_90: 0 },
        ];
        update(app, Action::ModelReportLoaded(Box::new(retain::app::ModelReport { backtest, previous, plays, last_fit: Some("2026-12-02, holdout AUC 0.834 → 0.841, gain +0.007 (95%: +0.004 to +0.010): better".into()) })));
    };
    renewals_screen: |db, app| {
        update(app, Action::ShowRenewals);
        update(app, Action::ReviewLoaded(Box::new(review_for(db))));
    };
    touch_form: |_, app| {
        update(app, Action::Bottom);
        update(app, Action::LogTouch);
        update(app, Action::Input(InputKey::Tab));
        type_text(app, "佐藤さんと電話");
    };
    no_match: |_, app| {
        update(app, Action::Search);
        type_text(app, "zzz");
        update(app, Action::Input(InputKey::Enter));
    };
    tasks_screen: |db, app| {
        app.filter.owner = Some("佐藤 花子".to_owned());
        // The plays were asked for when the scores arrived: the tab waits for them.
        assert!(update(app, Action::ShowTasks).is_empty());
        update(app, Action::TasksLoaded(Box::new(tasks_for(db))));
        update(app, Action::Down);
    };
}

/// The tasks of the `good` fixture's plays, started from the score of 2026-11-20 on the
/// console's day.
fn tasks_for(db: &Db) -> Vec<retain::db::plays::Task> {
    let as_of = retain::model::score::AsOf::resolve(db, None).unwrap();
    let scores = retain::model::score::score_accounts(db.conn(), as_of).unwrap();
    let playbook = retain::plays::Playbook::default_playbook();
    retain::plays::runs::sync(db, &playbook, &scores, as_of.date, today()).unwrap();
    retain::db::plays::tasks(db.conn()).unwrap()
}

/// The tasks tab follows the owner picked on the queue: its rows are rebuilt when it is shown,
/// not at each press on the queue.
#[test]
fn the_tasks_tab_shows_the_owner_picked_on_the_queue() {
    let db = good_db();
    let mut app = App::new(Model::default_model(), "佐藤 花子", today(), "test.duckdb");
    let data = queue::load_dataset(&db, &Model::default_model().hash(), today()).unwrap();
    update(&mut app, Action::Loaded(Box::new(data)));
    let tasks = tasks_for(&db);
    let other = tasks
        .iter()
        .filter(|t| t.is_due())
        .find_map(|t| t.owner.clone().filter(|o| o != "佐藤 花子"))
        .expect("a task of another owner");
    update(&mut app, Action::TasksLoaded(Box::new(tasks)));
    update(&mut app, Action::PickOwner);
    let (owners, _) = app.owner_picker.clone().unwrap();
    let at = owners.iter().position(|(o, _)| *o == other).unwrap();
    for _ in 0..at {
        update(&mut app, Action::Down);
    }
    update(&mut app, Action::Open);
    assert_eq!(app.filter.owner.as_deref(), Some(other.as_str()));
    assert_eq!(app.screen, Screen::Queue);
    update(&mut app, Action::ShowTasks);
    let shown = app.visible_tasks();
    assert!(!shown.is_empty());
    assert!(
        shown
            .iter()
            .all(|t| t.owner.as_deref() == Some(other.as_str()))
    );
    update(&mut app, Action::ShowQueue);
    update(&mut app, Action::ToggleMine);
    update(&mut app, Action::ToggleMine);
    update(&mut app, Action::ShowTasks);
    assert!(
        app.visible_tasks()
            .iter()
            .all(|t| t.owner.as_deref() == Some("佐藤 花子"))
    );
}

#[test]
fn the_tasks_tab_closes_the_task_under_the_cursor_and_keeps_its_place() {
    let db = good_db();
    let mut app = App::new(Model::default_model(), "佐藤 花子", today(), "test.duckdb");
    let data = queue::load_dataset(&db, &Model::default_model().hash(), today()).unwrap();
    assert_eq!(
        update(&mut app, Action::Loaded(Box::new(data))),
        [Effect::LoadTasks],
        "scores in, the plays are brought up to date"
    );
    update(&mut app, Action::ShowTasks);
    update(&mut app, Action::TasksLoaded(Box::new(tasks_for(&db))));
    let shown: Vec<i64> = app.visible_tasks().iter().map(|t| t.task_id).collect();
    assert!(shown.len() >= 3, "{shown:?}");
    assert!(
        app.visible_tasks()
            .iter()
            .all(|t| t.owner.as_deref() == Some("佐藤 花子"))
    );
    update(&mut app, Action::Down);
    assert_eq!(
        update(&mut app, Action::CompleteTask),
        [Effect::CloseTask {
            task_id: shown[1],
            skip_reason: None
        }]
    );
    // Skipping asks why, in any language, and names the task under the cursor.
    update(&mut app, Action::Down);
    update(&mut app, Action::SkipTask);
    assert_eq!(app.form.as_ref().map(|f| f.kind), Some(FormKind::SkipTask));
    assert!(
        update(&mut app, Action::Input(InputKey::Enter)).is_empty(),
        "a reason is required"
    );
    type_text(&mut app, "来月に延期");
    assert_eq!(
        update(&mut app, Action::Input(InputKey::Enter)),
        [Effect::CloseTask {
            task_id: shown[2],
            skip_reason: Some("来月に延期".to_owned())
        }]
    );
    // z snoozes the task under the cursor to a day after today.
    update(&mut app, Action::SnoozeTask);
    assert_eq!(
        app.form.as_ref().map(|f| f.kind),
        Some(FormKind::SnoozeTask)
    );
    assert_eq!(
        update(&mut app, Action::Input(InputKey::Enter)),
        [Effect::SnoozeTask {
            task_id: shown[2],
            until: today() + chrono::Duration::days(7)
        }],
        "+7d by default"
    );
    // Enter opens the task's account; Esc comes back to the same row.
    let account = app.visible_tasks()[2].account_id.clone();
    assert_eq!(
        update(&mut app, Action::Open),
        [Effect::LoadDetail(account)]
    );
    update(&mut app, Action::Back);
    assert_eq!((app.screen, app.tab_cursor), (Screen::Tasks, 2));
}

#[test]
fn empty_database_snapshot() {
    let db = common::scoring_db();
    let mut app = App::new(Model::default_model(), "alice", today(), "empty.duckdb");
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut data = queue::load_dataset(&db, &Model::default_model().hash(), today()).unwrap();
    data.as_of = today(); // without data the as-of date is the real today
    update(&mut app, Action::Loaded(Box::new(data)));
    insta::assert_snapshot!("empty_database_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn the_queue_kept_at_the_last_start_is_shown_first_and_marked_while_it_updates() {
    use retain::db::actions::NewAction;
    use retain::model::queue::CachedQueue;
    let db = good_db();
    let hash = Model::default_model().hash();
    let scope = |db: &Db, day| queue::QueueScope::read(db, &hash, day).unwrap();
    assert!(matches!(
        queue::cached_dataset(&db, &scope(&db, today())).unwrap(),
        CachedQueue::Missing
    ));
    let live = queue::load_dataset(&db, &hash, today()).unwrap();
    // Nothing changed: the kept queue is the live score.
    let CachedQueue::Current(kept) = queue::cached_dataset(&db, &scope(&db, today())).unwrap()
    else {
        panic!("the queue just scored is current");
    };
    assert_eq!(kept.accounts, live.accounts);
    assert!(!kept.updating);
    // An action (or a load, another model, another day) makes it stale: shown, marked.
    let touch = NewAction::new(&live.accounts[0].account_id, ActionKind::Touch, "alice");
    retain::db::actions::record(db.conn(), None, &touch).unwrap();
    let CachedQueue::Stale(stale) = queue::cached_dataset(&db, &scope(&db, today())).unwrap()
    else {
        panic!("an action since makes the kept queue stale");
    };
    assert!(stale.updating);
    assert_eq!(stale.accounts, live.accounts);
    let other_day = today().succ_opt().unwrap();
    assert!(matches!(
        queue::cached_dataset(&db, &scope(&db, other_day)).unwrap(),
        CachedQueue::Stale(_)
    ));
    let mut app = App::new(Model::default_model(), "alice", today(), "good.duckdb");
    update(
        &mut app,
        Action::Resize {
            width: 160,
            height: 48,
        },
    );
    update(&mut app, Action::Loaded(Box::new(stale)));
    let screen = format!("{:?}", draw(&app, 160, 48).backend());
    assert!(screen.contains("updating…"), "{screen}");
}

#[test]
fn the_team_tab_opens_a_csms_queue_and_reads_the_journal_every_few_seconds() {
    let db = good_db();
    let mut app = app_with(&db, "alice");
    update(&mut app, Action::ShowTeam);
    assert_eq!(app.screen, Screen::Team);
    let rows = app.team_rows();
    let owners: Vec<&str> = rows.iter().map(|r| r.owner.as_str()).collect();
    assert_eq!(owners, ["Alice Martin", "佐藤 花子", "unassigned"]);
    assert_eq!((rows[0].accounts, rows[0].arr), (1, 240_000.0));
    assert_eq!(rows[0].at_risk_arr, 240_000.0);
    update(&mut app, Action::Down);
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    assert_eq!(
        retain::app::keymap::action_for(enter, Screen::Team),
        Some(Action::Open)
    );
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Queue);
    assert_eq!(app.filter.owner.as_deref(), Some("佐藤 花子"));
    assert_eq!(ids(&app), ["A-2"]);

    // Outside a team the tick does nothing; in one it reads the journal, one read at a time.
    assert!(update(&mut app, Action::Tick).is_empty());
    app.team = true;
    assert_eq!(update(&mut app, Action::Tick), [Effect::Sync]);
    assert!(
        update(&mut app, Action::Tick).is_empty(),
        "a read is running"
    );
    let nothing = retain::db::journal::SyncReport::default();
    assert!(update(&mut app, Action::Synced(Box::new(nothing))).is_empty());
    assert_eq!(update(&mut app, Action::Tick), [Effect::Sync]);
    let news = retain::db::journal::SyncReport {
        applied: 2,
        ..Default::default()
    };
    let effects = update(&mut app, Action::Synced(Box::new(news)));
    assert_eq!(effects, [Effect::Refresh]);
    assert_eq!(
        app.message.as_ref().map(|m| m.1.as_str()),
        Some("2 actions from the team")
    );
}

/// The kept queue brought up to date one action at a time (`queue::refresh`, applied to the
/// console's copy) is exactly the live queue a full score gives: the same accounts in the same
/// order with the same fields, and the same console state, after any sequence of actions,
/// some of them recorded before the end of the day a week before the queue's (as a teammate's
/// action read from the journal keeps its own time), which the health a week earlier counts.
#[test]
fn a_rescore_after_actions_equals_a_full_score() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use retain::db::actions::{self, NewAction};
    use retain::model::score::{self, AsOf};

    let db = common::scoring_db();
    retain::sample_data::load_if_empty(&db).unwrap();
    let hash = Model::default_model().hash();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let step = (0u8..9, 0usize..40, 0i64..40, any::<prop::sample::Index>());
    let mut runner = TestRunner::new(Config::with_cases(6));
    runner
        .run(&prop::collection::vec(step, 1..6), |steps| {
            let mut data = queue::load_dataset(&db, &hash, today()).unwrap();
            let mut recorded = Vec::new();
            for (kind, pick, days, undo) in steps {
                let account = &data.accounts[pick % data.accounts.len()];
                let id = account.account_id.clone();
                let mut action = NewAction::new(&id, ActionKind::Touch, "alice");
                match kind {
                    0 => {
                        action.detail = Some("call".into());
                        action.until = Some(as_of.date - chrono::Days::new(days as u64));
                    }
                    1 => {
                        action.kind = ActionKind::Flag;
                        action.body = Some("予算が凍結された".into());
                        action.until = (days % 2 == 0).then(|| as_of.date + chrono::Days::new(30));
                    }
                    2 => {
                        action.kind = ActionKind::Override;
                        action.detail = Some(if days % 2 == 0 { "red" } else { "green" }.into());
                    }
                    3 => {
                        action.kind = ActionKind::Resolve;
                        action.reasons = Some(account.reason_codes());
                    }
                    4 => {
                        action.kind = ActionKind::Snooze;
                        action.until = Some(today() + chrono::Days::new(7));
                    }
                    5 => {
                        action.kind = ActionKind::NextStep;
                        action.body = Some("QBR".into());
                        action.until = Some(today() + chrono::Days::new(days as u64));
                    }
                    6 if !recorded.is_empty() => {
                        let (undone_id, undone_account): &(i64, String) = undo.get(&recorded);
                        action = NewAction::new(undone_account, ActionKind::Undo, "alice");
                        action.undoes = Some(*undone_id);
                    }
                    7 => {
                        action.kind = ActionKind::Owner;
                        action.detail = Some("佐藤 花子".into());
                    }
                    _ => {
                        action.kind = ActionKind::OutcomeAdd;
                        action.detail = Some("business".into());
                        action.body = Some("請求処理を自動化".into());
                        action.until = Some(as_of.date - chrono::Days::new(days as u64));
                    }
                }
                let action_id = actions::record(db.conn(), None, &action).unwrap();
                if days >= 30 {
                    backdate(
                        &db,
                        action_id,
                        as_of.date - chrono::Days::new(days as u64 - 20),
                    );
                }
                if action.kind != ActionKind::Undo {
                    recorded.push((action_id, action.account_id.clone()));
                }
                let scope = queue::QueueScope::read(&db, &hash, today()).unwrap();
                let queue::Refresh::Rescored(rescore) = queue::refresh(&db, &scope).unwrap() else {
                    panic!("only actions changed: a re-score");
                };
                prop_assert_eq!(&rescore.changed, &vec![action.account_id.clone()]);
                data.apply(rescore);
                let mut live = score::score_accounts(db.conn(), as_of).unwrap();
                for account in &mut live {
                    account.measures.clear();
                }
                prop_assert_eq!(data.accounts.len(), live.len());
                for (kept, full) in data.accounts.iter().zip(&live) {
                    prop_assert_eq!(kept, full);
                }
                prop_assert_eq!(&data.console, &queue::console_state(db.conn()).unwrap());
            }
            Ok(())
        })
        .unwrap();
}

/// Sets when an action was recorded, as a teammate's action read from the journal carries the
/// time it was recorded on the teammate's laptop.
fn backdate(db: &Db, action_id: i64, day: NaiveDate) {
    db.conn()
        .execute(
            "UPDATE actions SET created_at = CAST(?::DATE AS TIMESTAMP) + INTERVAL 9 HOUR WHERE action_id = ?",
            duckdb::params![day.to_string(), action_id],
        )
        .unwrap();
}

/// A re-score takes each account's health a week earlier from the kept queue only while no new
/// action counts in it: a teammate's touch of ten days ago changes that health, and the
/// re-scored trend is the full score's.
#[test]
fn a_teammates_action_of_last_week_changes_the_rescored_trend_as_a_full_score_does() {
    use retain::db::actions::{self, NewAction};
    use retain::model::score::{self, AsOf};

    let db = common::scoring_db();
    retain::sample_data::load_if_empty(&db).unwrap();
    let hash = Model::default_model().hash();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let mut data = queue::load_dataset(&db, &hash, today()).unwrap();
    let week_ago = |a: &score::AccountScore| a.health.zip(a.trend).map(|(h, t)| h - t);
    // The account touched longest ago: a touch ten days ago raises its health a week ago.
    let quiet = data
        .accounts
        .iter()
        .filter(|a| a.trend.is_some())
        .min_by_key(|a| a.last_touch.clone())
        .unwrap()
        .clone();
    let mut touch = NewAction::new(&quiet.account_id, ActionKind::Touch, "bob");
    touch.detail = Some("call".into());
    touch.until = Some(as_of.date - chrono::Days::new(10));
    let action_id = actions::record(db.conn(), None, &touch).unwrap();
    backdate(&db, action_id, as_of.date - chrono::Days::new(10));
    let scope = queue::QueueScope::read(&db, &hash, today()).unwrap();
    let queue::Refresh::Rescored(rescore) = queue::refresh(&db, &scope).unwrap() else {
        panic!("a re-score");
    };
    data.apply(rescore);
    let live = score::score_account(db.conn(), as_of, &quiet.account_id)
        .unwrap()
        .unwrap();
    assert_ne!(
        week_ago(&live),
        week_ago(&quiet),
        "the touch counts a week ago"
    );
    let kept = data
        .accounts
        .iter()
        .find(|a| a.account_id == quiet.account_id)
        .unwrap();
    assert_eq!((kept.health, kept.trend), (live.health, live.trend));
}

/// A re-score reads the input tables' part of the score from the copy kept with the queue,
/// not from the tables (which at 100,000 accounts hold 50 million usage rows).
#[test]
fn a_rescore_reads_the_kept_metrics_not_the_input_tables() {
    use retain::db::actions::{self, NewAction};

    let db = good_db();
    let hash = Model::default_model().hash();
    queue::load_dataset(&db, &hash, today()).unwrap();
    let active = |a: &retain::model::score::AccountScore| {
        let m = a.measures.iter().find(|m| m.metric == "utilization");
        m.and_then(|m| m.value)
    };
    let before = active(&queue::kept_account(&db, "A-1").unwrap().unwrap());
    // Behind the console's back (no load, so the kept queue's key still holds): more users.
    db.conn()
        .execute_batch(
            "INSERT INTO usage SELECT u.* REPLACE ('extra-' || i || u.user_id AS user_id)
             FROM usage u, range(5) r(i) WHERE u.account_id = 'A-1'",
        )
        .unwrap();
    let mut touch = NewAction::new("A-1", ActionKind::Touch, "alice");
    touch.detail = Some("call".into());
    actions::record(db.conn(), None, &touch).unwrap();
    let scope = queue::QueueScope::read(&db, &hash, today()).unwrap();
    let queue::Refresh::Rescored(rescore) = queue::refresh(&db, &scope).unwrap() else {
        panic!("a re-score");
    };
    assert_eq!(rescore.changed, ["A-1"]);
    let after = active(&queue::kept_account(&db, "A-1").unwrap().unwrap());
    assert_eq!(after, before, "the utilization comes from the kept metrics");
    let as_of = retain::model::score::AsOf::resolve(&db, None).unwrap();
    let live = retain::model::score::score_account(db.conn(), as_of, "A-1")
        .unwrap()
        .unwrap();
    assert!(
        active(&live) > before,
        "scored from the tables, more users: {:?} vs {before:?}",
        active(&live)
    );
}

/// The queue is read without measures; the account screen asks for them again whenever the
/// row on screen has none, also for the account it showed last (re-scored since).
#[test]
fn an_account_reopened_after_a_rescore_reads_its_measures_again() {
    use retain::db::actions::{self, NewAction};

    let db = good_db();
    let mut app = app_with(&db, "alice");
    let hash = Model::default_model().hash();
    let id = app.selected_account().unwrap().account_id.clone();
    assert_eq!(
        update(&mut app, Action::Open),
        [Effect::LoadDetail(id.clone())]
    );
    let as_of = app.data.as_ref().unwrap().as_of;
    let detail = console::load_detail(db.conn(), as_of, today(), &id).unwrap();
    let scored = queue::kept_account(&db, &id).unwrap().map(Box::new);
    update(&mut app, Action::DetailLoaded(Box::new(detail), scored));
    assert!(!app.selected_account().unwrap().measures.is_empty());
    update(&mut app, Action::Back);
    let mut touch = NewAction::new(&id, ActionKind::Touch, "alice");
    touch.detail = Some("call".into());
    actions::record(db.conn(), None, &touch).unwrap();
    let scope = queue::QueueScope::read(&db, &hash, today()).unwrap();
    let queue::Refresh::Rescored(rescore) = queue::refresh(&db, &scope).unwrap() else {
        panic!("a re-score");
    };
    update(&mut app, Action::Rescored(Box::new(rescore)));
    assert_eq!(app.selected_account().unwrap().account_id, id);
    assert!(app.selected_account().unwrap().measures.is_empty());
    assert_eq!(update(&mut app, Action::Open), [Effect::LoadDetail(id)]);
}

/// `retain explain` scores its account from the kept input metrics when they are current (the
/// same row as the full score) and from the tables when they are not.
#[test]
fn explain_reads_the_kept_metrics_only_while_they_are_current() {
    use retain::model::score::{self, AsOf};

    let db = good_db();
    let hash = Model::default_model().hash();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let full = score::score_accounts(db.conn(), as_of).unwrap();
    queue::load_dataset(&db, &hash, today()).unwrap();
    for a in &full {
        let kept = queue::score_account(&db, &hash, as_of, today(), &a.account_id).unwrap();
        assert_eq!(kept.as_ref(), Some(a));
    }
    // Another day's view, or another model, is scored from the tables.
    let earlier = AsOf::historical(as_of.date - chrono::Days::new(30));
    let id = &full[0].account_id;
    assert_eq!(
        queue::score_account(&db, &hash, earlier, today(), id).unwrap(),
        score::score_account(db.conn(), earlier, id).unwrap()
    );
    assert_eq!(
        queue::score_account(&db, "another-model", as_of, today(), id).unwrap(),
        score::score_account(db.conn(), as_of, id).unwrap()
    );
}

/// The latest snooze or next step is the one shown, with what it says and what it leaves out:
/// a later snooze without a reason has none (DuckDB's `arg_max` skips a NULL value, which
/// showed the earlier snooze's reason beside the later date).
#[test]
fn a_later_snooze_without_a_reason_shows_none() {
    use retain::db::actions::{self, NewAction};
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let mut first = NewAction::new("A-1", ActionKind::Snooze, "alice");
    first.body = Some("予算の凍結を待つ".into());
    first.until = Some(today() + chrono::Days::new(7));
    let first_id = actions::record(db.conn(), None, &first).unwrap();
    backdate(&db, first_id, today() - chrono::Days::new(2));
    let state = |db: &Db| queue::console_state(db.conn()).unwrap()["A-1"].clone();
    assert_eq!(
        state(&db).snooze_reason.as_deref(),
        Some("予算の凍結を待つ")
    );
    let mut later = NewAction::new("A-1", ActionKind::Snooze, "bob");
    later.until = Some(today() + chrono::Days::new(14));
    actions::record(db.conn(), None, &later).unwrap();
    let now = state(&db);
    assert_eq!(now.snoozed_until, Some(today() + chrono::Days::new(14)));
    assert_eq!(now.snooze_reason, None);
}
