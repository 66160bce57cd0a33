//! `app::update` on a portfolio built in memory: every key's effect on the console's state,
//! without a terminal or a database.

mod common;

use common::portfolio::{account, dataset};
use retain::app::{Action, App, Effect, InputKey, Level, Screen, update};
use retain::db::actions::ActionKind;
use retain::model::Model;

fn app() -> App {
    let mut app = App::new(
        Model::default_model(),
        "alice martin",
        "2026-11-23".parse().unwrap(),
        "memory",
    );
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let accounts = vec![
        account(
            "A-1",
            "Acme KK",
            Some("Alice Martin"),
            Some("SMB"),
            Some(30),
            &["RED"],
        ),
        account(
            "A-2",
            "株式会社さくら",
            Some("佐藤 花子"),
            Some("Enterprise"),
            Some(55),
            &["USAGE_DROP"],
        ),
        account(
            "A-3",
            "Northwind",
            Some("ALICE MARTIN"),
            Some("SMB"),
            Some(80),
            &[],
        ),
    ];
    update(&mut app, Action::Loaded(Box::new(dataset(accounts))));
    app
}

fn ids(app: &App) -> Vec<&str> {
    app.view
        .iter()
        .map(|&i| app.accounts()[i].account_id.as_str())
        .collect()
}

/// The one effect an update asked for.
fn only(effects: Vec<Effect>) -> Effect {
    assert_eq!(effects.len(), 1, "one effect expected: {effects:?}");
    effects.into_iter().next().unwrap()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Action::Input(InputKey::Char(c)));
    }
}

#[test]
fn mine_is_the_user_whatever_the_case_of_the_loaded_owner() {
    let mut app = app();
    update(&mut app, Action::ToggleMine);
    assert_eq!(ids(&app), ["A-1", "A-3"]);
    update(&mut app, Action::ToggleMine);
    assert_eq!(ids(&app).len(), 3);
}

#[test]
fn the_model_tab_scrolls_down_and_up_without_moving_the_queue() {
    let mut app = app();
    update(&mut app, Action::Down);
    assert_eq!(app.selected, 1);
    assert_eq!(
        update(&mut app, Action::ShowModel),
        [Effect::LoadModelReport]
    );
    // A terminal too short for the model's rows.
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 12,
        },
    );
    assert!(app.model_rows().len() > app.page_rows + 3);
    update(&mut app, Action::Down);
    update(&mut app, Action::PageDown);
    assert_eq!(app.model_scroll, 1 + app.page_rows / 2);
    assert_eq!(app.selected, 1, "the queue selection stays where it was");
    update(&mut app, Action::Up);
    assert_eq!(app.model_scroll, app.page_rows / 2);
    assert_eq!(app.screen, Screen::Model);
}

#[test]
fn a_touch_is_recorded_on_the_selected_account_with_what_was_typed() {
    let mut app = app();
    update(&mut app, Action::Down);
    assert!(update(&mut app, Action::LogTouch).is_empty());
    assert_eq!(app.form.as_ref().unwrap().account_id, "A-2");
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "電話で更新を確認");
    update(&mut app, Action::Input(InputKey::Tab));
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "田中 一郎");
    let Effect::Record(action) = only(update(&mut app, Action::Input(InputKey::Enter))) else {
        panic!("an action to record");
    };
    assert_eq!(action.contact.as_deref(), Some("田中 一郎"));
    assert_eq!(action.account_id, "A-2");
    assert_eq!(action.kind, ActionKind::Touch);
    assert_eq!(action.detail.as_deref(), Some("call"));
    assert_eq!(action.body.as_deref(), Some("電話で更新を確認"));
    assert!(app.saving && app.form.is_none());
}

#[test]
fn a_form_missing_its_text_says_so_and_records_nothing() {
    let mut app = app();
    update(&mut app, Action::Flag);
    assert!(update(&mut app, Action::Input(InputKey::Enter)).is_empty());
    assert_eq!(
        app.message,
        Some((Level::Error, "reason is required".to_owned()))
    );
    assert!(app.form.is_some(), "the form stays open to be completed");
}

#[test]
fn a_saved_resolve_hides_the_account_and_can_be_undone() {
    let mut app = app();
    update(&mut app, Action::Resolve);
    type_text(&mut app, "renewal signed");
    let Effect::Record(action) = only(update(&mut app, Action::Input(InputKey::Enter))) else {
        panic!("a resolve to record");
    };
    assert_eq!(action.reasons.as_deref(), Some("RED"));
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
        ids(&app),
        ["A-2", "A-3"],
        "resolved accounts leave the queue"
    );
    assert_eq!(
        app.message,
        Some((Level::Success, "saved: resolved on A-1".to_owned()))
    );
    let Effect::Record(undo) = only(update(&mut app, Action::Undo)) else {
        panic!("an undo to record");
    };
    assert_eq!((undo.kind, undo.undoes), (ActionKind::Undo, Some(7)));
    update(&mut app, Action::ToggleHidden);
    assert_eq!(
        ids(&app).len(),
        3,
        "snoozed and resolved accounts can be shown"
    );
}

#[test]
fn export_hands_the_rows_as_shown_to_the_event_loop() {
    let mut app = app();
    update(&mut app, Action::ToggleAtRisk);
    let Effect::Export(items) = only(update(&mut app, Action::Export)) else {
        panic!("an export effect");
    };
    let rows: Vec<(usize, &str)> = items
        .iter()
        .map(|i| (i.rank, i.account_id.as_str()))
        .collect();
    assert_eq!(rows, [(1, "A-1"), (2, "A-2")]);
}

#[test]
fn help_scrolls_any_other_key_closes_it_and_quit_still_quits() {
    let mut app = app();
    update(&mut app, Action::Help);
    assert!(app.show_help);
    update(&mut app, Action::PageDown);
    assert!(
        app.show_help && app.help_scroll > 0,
        "help scrolls on a small terminal"
    );
    update(&mut app, Action::Up);
    assert!(update(&mut app, Action::Bottom).is_empty());
    assert!(!app.show_help);
    assert_eq!(
        app.selected, 0,
        "the key that closes help does nothing else"
    );
    update(&mut app, Action::Help);
    assert_eq!(update(&mut app, Action::Quit), [Effect::Quit]);
}

#[test]
fn after_a_snooze_the_cursor_is_on_the_account_that_took_its_place() {
    let mut app = app();
    update(&mut app, Action::Down);
    update(&mut app, Action::Snooze);
    let Effect::Record(action) = only(update(&mut app, Action::Input(InputKey::Enter))) else {
        panic!("a snooze to record");
    };
    assert_eq!(action.account_id, "A-2");
    update(&mut app, Action::Saved { id: 1, action });
    assert_eq!(ids(&app), ["A-1", "A-3"]);
    assert_eq!(
        app.selected_account().unwrap().account_id,
        "A-3",
        "the next account, not the first row"
    );
}

#[test]
fn a_reload_that_reorders_the_queue_keeps_the_selected_account() {
    let mut app = app();
    update(&mut app, Action::Down);
    assert_eq!(app.selected_account().unwrap().account_id, "A-2");
    // The re-score after an action puts A-2 first.
    let mut reordered = app.data.clone().unwrap();
    reordered.accounts.swap(0, 1);
    update(&mut app, Action::Loaded(Box::new(reordered)));
    assert_eq!(ids(&app), ["A-2", "A-1", "A-3"]);
    assert_eq!(app.selected_account().unwrap().account_id, "A-2");
}

#[test]
fn j_on_the_account_screen_scrolls_and_a_touch_lands_on_the_account_shown() {
    let mut app = app();
    update(&mut app, Action::Open);
    update(&mut app, Action::Down);
    update(&mut app, Action::PageDown);
    assert_eq!(app.selected_account().unwrap().account_id, "A-1");
    update(&mut app, Action::LogTouch);
    assert_eq!(app.form.as_ref().unwrap().account_id, "A-1");
    update(&mut app, Action::Input(InputKey::Esc));
    assert_eq!(
        update(&mut app, Action::NextAccount),
        [Effect::LoadDetail("A-2".into())]
    );
    update(&mut app, Action::PreviousAccount);
    assert_eq!(app.selected_account().unwrap().account_id, "A-1");
}

#[test]
fn countdowns_count_from_today_and_a_passed_renewal_says_so() {
    // HEALTH.md "Countdowns shown to people": the data is as of 2026-11-20, today is later.
    let today = "2026-12-01".parse().unwrap();
    let mut a = account("A-1", "Acme KK", None, None, Some(50), &[]);
    a.renewal_date = Some("2026-11-21".into());
    a.days_to_renewal = Some(1);
    a.last_touch = Some("2026-11-17".into());
    assert_eq!(a.renewal_in(today), Some(-10));
    assert_eq!(
        a.renewal_text(today).as_deref(),
        Some("renewal date 2026-11-21 passed 10 days ago")
    );
    assert_eq!(a.days_since_touch(today), Some(14));
    a.renewal_date = Some("2026-12-08".into());
    assert_eq!(
        a.renewal_text(today).as_deref(),
        Some("renews 2026-12-08 (in 7 days)")
    );
}

#[test]
fn search_and_owner_ignore_width_and_case_like_a_japanese_csm_types() {
    let mut app = App::new(
        Model::default_model(),
        "佐藤　花子",
        "2026-11-23".parse().unwrap(),
        "memory",
    );
    let accounts = vec![
        account("A-1", "吉田ｿﾌﾄ(株)", Some("佐藤 花子"), None, Some(40), &[]),
        account("A-2", "ＡＢＣ商事", Some("David Chen"), None, Some(40), &[]),
    ];
    update(&mut app, Action::Loaded(Box::new(dataset(accounts))));
    update(&mut app, Action::Search);
    type_text(&mut app, "ソフト");
    assert_eq!(ids(&app), ["A-1"]);
    update(&mut app, Action::Input(InputKey::Esc));
    update(&mut app, Action::Search);
    type_text(&mut app, "abc");
    assert_eq!(ids(&app), ["A-2"]);
    update(&mut app, Action::Input(InputKey::Esc));
    update(&mut app, Action::ToggleMine);
    assert_eq!(
        ids(&app),
        ["A-1"],
        "a full-width space in the user's name is a space"
    );
}

#[test]
fn a_touch_can_be_dated_back_but_not_ahead() {
    let mut app = app();
    update(&mut app, Action::LogTouch);
    update(&mut app, Action::Input(InputKey::Tab));
    type_text(&mut app, "昨日の電話");
    update(&mut app, Action::Input(InputKey::Tab));
    for _ in 0.."today".len() {
        update(&mut app, Action::Input(InputKey::Backspace));
    }
    type_text(&mut app, "tomorrow");
    assert!(update(&mut app, Action::Input(InputKey::Enter)).is_empty());
    assert_eq!(
        app.message,
        Some((
            Level::Error,
            "when: 2026-11-24 has not happened yet".to_owned()
        ))
    );
    for _ in 0.."tomorrow".len() {
        update(&mut app, Action::Input(InputKey::Backspace));
    }
    type_text(&mut app, "yesterday");
    let Effect::Record(action) = only(update(&mut app, Action::Input(InputKey::Enter))) else {
        panic!("a touch to record");
    };
    assert_eq!(action.until, "2026-11-22".parse().ok());
    assert_eq!(action.contact, None, "who it was with is optional");
    update(&mut app, Action::Saved { id: 3, action });
    assert_eq!(app.accounts()[0].last_touch.as_deref(), Some("2026-11-22"));
}

#[test]
fn the_owner_picker_lists_owners_with_counts_and_filters_to_the_one_chosen() {
    let mut app = app();
    update(&mut app, Action::PickOwner);
    let (owners, cursor) = app.owner_picker.clone().unwrap();
    assert_eq!(
        owners,
        [
            ("all owners".to_owned(), 3),
            ("Alice Martin".to_owned(), 2),
            ("佐藤 花子".to_owned(), 1)
        ],
        "Alice Martin and ALICE MARTIN are one owner"
    );
    assert_eq!(cursor, 0);
    update(&mut app, Action::Bottom);
    update(&mut app, Action::Open);
    assert!(app.owner_picker.is_none());
    assert_eq!(ids(&app), ["A-2"]);
    update(&mut app, Action::PickOwner);
    assert_eq!(
        app.owner_picker.as_ref().unwrap().1,
        2,
        "the cursor starts on the owner shown"
    );
    update(&mut app, Action::ClearFilters);
    assert!(
        app.owner_picker.is_none(),
        "any other key closes the picker, doing nothing else"
    );
    assert_eq!(ids(&app), ["A-2"]);
}

#[test]
fn mine_with_no_accounts_names_the_owners_there_are() {
    let mut app = App::new(
        Model::default_model(),
        "bob",
        "2026-11-23".parse().unwrap(),
        "memory",
    );
    let accounts = vec![account(
        "A-1",
        "Acme",
        Some("Alice Martin"),
        None,
        Some(40),
        &[],
    )];
    update(&mut app, Action::Loaded(Box::new(dataset(accounts))));
    update(&mut app, Action::ToggleMine);
    let (_, text) = app.message.clone().unwrap();
    assert!(
        text.contains("no accounts owned by \"bob\"; owners here: Alice Martin"),
        "{text}"
    );
    assert!(text.contains("RETAIN_USER"), "{text}");
}

/// The filter's index is made once the queue is on screen and no key comes, or at once when a
/// filter is set first: either way the filter selects the same accounts.
#[test]
fn the_filter_index_waits_for_a_quiet_moment_and_filters_the_same_either_way() {
    let mut first_filter = app();
    assert_eq!(ids(&first_filter), ["A-1", "A-2", "A-3"]);
    assert!(first_filter.idle_work(), "the index is put off");
    update(&mut first_filter, Action::ToggleAtRisk);
    assert!(!first_filter.idle_work());

    let mut quiet_first = app();
    update(&mut quiet_first, Action::Idle);
    assert!(!quiet_first.idle_work(), "a quiet moment made it");
    update(&mut quiet_first, Action::ToggleAtRisk);
    assert_eq!(ids(&first_filter), ["A-1", "A-2"]);
    assert_eq!(ids(&quiet_first), ids(&first_filter));
}
