//! The semantics of ../shared/spec/PLAYS.md, one test each: runs started and ended by the
//! score, tasks and their due dates, what a CSM does to them, and the default playbook's texts.

mod common;

use std::collections::HashMap;

use chrono::NaiveDate;
use common::portfolio::account;
use retain::db::Db;
use retain::db::plays::{self, TaskChange};
use retain::model::queue::ConsoleState;
use retain::model::score::{self, AccountScore, AsOf};
use retain::plays::runs::{self, DueWithin, SyncSummary, task_list};
use retain::plays::{Playbook, STAGES, TEXT_FIELDS};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A database holding the `good` fixture's accounts.
fn database() -> Db {
    let db = common::scoring_db();
    common::load_dir(&db, &common::fixture("good"), false).unwrap();
    db
}

fn red(id: &str) -> AccountScore {
    account(
        id,
        "Acme",
        Some("Alice Martin"),
        Some("Enterprise"),
        Some(30),
        &["RED"],
    )
}

fn calm(id: &str) -> AccountScore {
    account(
        id,
        "Acme",
        Some("Alice Martin"),
        Some("Enterprise"),
        Some(80),
        &[],
    )
}

fn book() -> Playbook {
    Playbook::default_playbook()
}

fn sync(db: &Db, scores: &[AccountScore], on: &str) -> SyncSummary {
    runs::sync(db, &book(), scores, day(on), day(on)).unwrap()
}

fn runs_of(db: &Db, play: &str) -> Vec<plays::Task> {
    plays::tasks(db.conn())
        .unwrap()
        .into_iter()
        .filter(|t| t.play == play)
        .collect()
}

#[test]
fn a_trigger_that_keeps_firing_starts_one_run_per_account_and_play() {
    let db = database();
    let first = sync(&db, &[red("A-1")], "2026-11-20");
    assert_eq!(first.started, 1);
    for on in ["2026-11-20", "2026-11-21", "2026-11-25"] {
        assert_eq!(sync(&db, &[red("A-1")], on), SyncSummary::default());
    }
    let open = plays::open_runs(db.conn()).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].last_fired, Some(day("2026-11-25")));
    // Another account firing the same trigger gets its own run.
    assert_eq!(
        sync(&db, &[red("A-1"), red("A-2")], "2026-11-26").started,
        1
    );
}

#[test]
fn a_run_is_cleared_after_14_days_without_its_trigger() {
    let db = database();
    sync(&db, &[red("A-1")], "2026-11-01");
    assert_eq!(
        sync(&db, &[calm("A-1")], "2026-11-14").cleared,
        0,
        "13 days"
    );
    assert_eq!(
        sync(&db, &[calm("A-1")], "2026-11-15").cleared,
        1,
        "14 days"
    );
    assert!(plays::open_runs(db.conn()).unwrap().is_empty());
    let tasks = runs_of(&db, "Red health recovery");
    assert!(
        tasks
            .iter()
            .all(|t| t.run_ended.as_deref() == Some("cleared"))
    );
    assert!(
        task_list(
            &tasks,
            &HashMap::new(),
            None,
            DueWithin::All,
            day("2026-11-15")
        )
        .is_empty()
    );
    // Firing again later starts a new run.
    assert_eq!(sync(&db, &[red("A-1")], "2026-11-20").started, 1);
}

#[test]
fn churn_ends_the_accounts_runs() {
    let db = database();
    sync(&db, &[red("A-1")], "2026-11-01");
    db.conn()
        .execute_batch(
            "UPDATE accounts SET churned_on = DATE '2026-11-03' WHERE account_id = 'A-1'",
        )
        .unwrap();
    // Still scored as at risk: churn wins, and no new run starts.
    let summary = sync(&db, &[red("A-1")], "2026-11-05");
    assert_eq!(
        summary,
        SyncSummary {
            started: 0,
            cleared: 0,
            churned: 1
        }
    );
    let tasks = runs_of(&db, "Red health recovery");
    assert!(
        tasks
            .iter()
            .all(|t| t.run_ended.as_deref() == Some("churned"))
    );
}

#[test]
fn due_dates_count_from_the_start_or_back_from_the_renewal() {
    let db = database();
    let mut renewing = account("A-2", "さくらテック", None, None, Some(80), &[]);
    renewing.renewal_date = Some("2027-02-01".into());
    renewing.days_to_renewal = Some(73);
    renewing.stage = "renewal".into();
    // The data is as of 11-20; the CSM runs it on 11-21: the run starts the day they can act.
    runs::sync(
        &db,
        &book(),
        &[red("A-1"), renewing],
        day("2026-11-20"),
        day("2026-11-21"),
    )
    .unwrap();
    let due = |play: &str| -> Vec<String> {
        runs_of(&db, play)
            .iter()
            .map(|t| t.due_on.to_string())
            .collect()
    };
    assert_eq!(
        due("Red health recovery"),
        ["2026-11-21", "2026-11-23", "2026-11-24", "2026-12-12"]
    );
    // 120 and 90 days before 2027-02-01 have passed on the start day: due that day.
    assert_eq!(
        due("Renewal"),
        ["2026-11-21", "2026-11-21", "2026-12-03", "2027-01-02"]
    );
}

#[test]
fn a_snoozed_accounts_tasks_are_hidden_until_the_snooze_ends_and_keep_their_dates() {
    let db = database();
    sync(&db, &[red("A-1"), red("A-2")], "2026-11-20");
    let tasks = plays::tasks(db.conn()).unwrap();
    let snoozed = HashMap::from([(
        "A-1".to_owned(),
        ConsoleState {
            snoozed_until: Some(day("2026-11-25")),
            ..ConsoleState::default()
        },
    )]);
    let accounts = |on: &str| -> Vec<(String, String)> {
        task_list(&tasks, &snoozed, None, DueWithin::All, day(on))
            .iter()
            .map(|t| (t.account_id.clone(), t.due_on.to_string()))
            .collect()
    };
    assert!(accounts("2026-11-22").iter().all(|(a, _)| a == "A-2"));
    let after: Vec<(String, String)> = accounts("2026-11-25");
    let a1: Vec<&String> = after
        .iter()
        .filter(|(a, _)| a == "A-1")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(a1, ["2026-11-20", "2026-11-22", "2026-11-23", "2026-12-11"]);
}

#[test]
fn the_task_list_is_mine_by_default_and_overdue_first() {
    let db = database();
    let mut bob = red("A-2");
    bob.owner = Some("ボブ".into());
    sync(&db, &[red("A-1"), bob], "2026-11-20");
    let tasks = plays::tasks(db.conn()).unwrap();
    let today = day("2026-11-23");
    let mine = task_list(
        &tasks,
        &HashMap::new(),
        Some("alice martin"),
        DueWithin::All,
        today,
    );
    assert!(mine.iter().all(|t| t.account_id == "A-1"));
    let due: Vec<u8> = mine.iter().map(|t| runs::group(t.due_on, today)).collect();
    assert_eq!(due, [0, 0, 1, 3], "two overdue, one due today, one later");
    let week = task_list(&tasks, &HashMap::new(), None, DueWithin::Week, today);
    assert!(week.iter().all(|t| runs::group(t.due_on, today) <= 2));
    assert_eq!(week.len(), 6);
}

#[test]
fn completing_a_task_logs_a_touch_that_counts_for_recency_on_the_next_score() {
    let db = database();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let before = score::score_accounts(db.conn(), as_of).unwrap();
    let a3 = before.iter().find(|a| a.account_id == "A-3").unwrap();
    assert_ne!(
        a3.last_touch.as_deref(),
        Some(as_of.date.to_string().as_str())
    );
    runs::sync(&db, &book(), &before, as_of.date, as_of.date).unwrap();
    let call = plays::tasks(db.conn())
        .unwrap()
        .into_iter()
        .find(|t| t.account_id == "A-3" && t.kind == "call")
        .expect("a call step for A-3's at-risk play");
    plays::change_task(&db, call.task_id, TaskChange::Done, as_of.date, "alice").unwrap();
    let after = score::score_accounts(db.conn(), as_of).unwrap();
    let a3 = after.iter().find(|a| a.account_id == "A-3").unwrap();
    assert_eq!(
        a3.last_touch.as_deref().map(|t| &t[..10]),
        Some(as_of.date.to_string().as_str())
    );
    // Closed once: done again is refused, naming who closed it.
    let again = plays::change_task(&db, call.task_id, TaskChange::Done, as_of.date, "bob")
        .unwrap_err()
        .to_string();
    assert!(again.contains("it was done by alice"), "{again}");
}

#[test]
fn a_run_completes_when_every_step_is_done_or_skipped_and_skipping_needs_a_reason() {
    let db = database();
    sync(&db, &[red("A-1")], "2026-11-20");
    let tasks = runs_of(&db, "Red health recovery");
    let on = day("2026-11-21");
    let no_reason = plays::change_task(
        &db,
        tasks[0].task_id,
        TaskChange::Skipped { reason: " " },
        on,
        "alice",
    );
    assert!(
        no_reason
            .unwrap_err()
            .to_string()
            .contains("needs a reason")
    );
    for (i, task) in tasks.iter().enumerate() {
        let change = if i % 2 == 0 {
            TaskChange::Done
        } else {
            TaskChange::Skipped {
                reason: "customer asked to wait",
            }
        };
        plays::change_task(&db, task.task_id, change, on, "alice").unwrap();
    }
    let ended: Vec<Option<String>> = runs_of(&db, "Red health recovery")
        .into_iter()
        .map(|t| t.run_ended)
        .collect();
    assert!(
        ended.iter().all(|e| e.as_deref() == Some("completed")),
        "{ended:?}"
    );
    // A completed run and its trigger still firing: a new run starts, not the old one again.
    assert!(plays::open_runs(db.conn()).unwrap().is_empty());
}

#[test]
fn a_load_never_touches_runs_and_tasks() {
    let db = database();
    sync(&db, &[red("A-1")], "2026-11-20");
    let before = plays::tasks(db.conn()).unwrap();
    common::load_dir(&db, &common::fixture("good"), false).unwrap();
    assert_eq!(plays::tasks(db.conn()).unwrap(), before);
}

#[test]
fn every_default_step_renders_for_japanese_and_for_empty_fields() {
    let mut japanese = account(
        "A-9",
        "株式会社さくらテック",
        Some("佐藤 花子"),
        Some("エンタープライズ"),
        Some(35),
        &[],
    );
    japanese.plan = Some("ビジネス".into());
    let mut empty = account("A-8", "Empty", None, None, None, &[]);
    empty.renewal_date = None;
    empty.days_to_renewal = None;
    for play in &book().plays {
        for step in &play.steps {
            let text = step.render(&japanese, "NPS 3 from 田中");
            assert!(!text.contains('{') && !text.contains('}'), "{text}");
            assert!(
                !text.contains("—") || !step.text.contains("{account}"),
                "{text}"
            );
            let text = step.render(&empty, "");
            assert!(!text.contains('{'), "{text}");
            for field in TEXT_FIELDS
                .iter()
                .filter(|f| !["account", "account_id", "arr"].contains(f))
            {
                if step.text.contains(&format!("{{{field}}}")) {
                    assert!(text.contains("—"), "{field} empty reads —: {text}");
                }
            }
        }
    }
    let red = book()
        .plays
        .into_iter()
        .find(|p| p.trigger == "RED")
        .unwrap();
    assert_eq!(
        red.steps[1].render(&japanese, "health 35 is below 40"),
        "Call 株式会社さくらテック's main contact: say what you see in the numbers and ask what changed on their side"
    );
    assert!(STAGES.contains(&"renewal"));
}

#[test]
fn the_ics_export_parses_with_an_independent_parser_and_keeps_its_uids() {
    let db = database();
    let mut japanese = red("A-2");
    japanese.name = "株式会社さくらテック".into();
    sync(&db, &[red("A-1"), japanese], "2026-11-20");
    let tasks = plays::tasks(db.conn()).unwrap();
    let list = task_list(
        &tasks,
        &HashMap::new(),
        None,
        DueWithin::All,
        day("2026-11-20"),
    );
    let text = retain::plays::ics::calendar(&list, "retain");
    let parse = |text: &str| {
        let calendar = ical::IcalParser::new(text.as_bytes())
            .next()
            .expect("one calendar")
            .expect("a calendar the parser reads");
        calendar
            .events
            .iter()
            .map(|e| {
                let value = |name: &str| {
                    e.properties
                        .iter()
                        .find(|p| p.name == name)
                        .and_then(|p| p.value.clone())
                        .unwrap_or_default()
                };
                (
                    value("UID"),
                    value("DTSTART"),
                    value("DTEND"),
                    value("SUMMARY"),
                )
            })
            .collect::<Vec<_>>()
    };
    let events = parse(&text);
    assert_eq!(events.len(), list.len());
    let first = &events[0];
    assert_eq!(
        (first.1.as_str(), first.2.as_str()),
        ("20261120", "20261121")
    );
    assert!(
        events.iter().any(|e| e.3.contains("株式会社さくらテック")),
        "{events:?}"
    );
    // A later export, after a task is done, keeps every other task's UID.
    plays::change_task(
        &db,
        list[0].task_id,
        TaskChange::Done,
        day("2026-11-21"),
        "alice",
    )
    .unwrap();
    let tasks = plays::tasks(db.conn()).unwrap();
    let again = task_list(
        &tasks,
        &HashMap::new(),
        None,
        DueWithin::All,
        day("2026-11-21"),
    );
    let later = parse(&retain::plays::ics::calendar(&again, "retain"));
    let uids = |events: &[(String, String, String, String)]| -> Vec<String> {
        events.iter().map(|e| e.0.clone()).collect()
    };
    assert_eq!(uids(&later), uids(&events)[1..].to_vec());
}

#[test]
fn effectiveness_compares_churn_after_runs_with_the_trigger_firing_without_one() {
    let db = database();
    runs::sync(
        &db,
        &book(),
        &[red("A-1")],
        day("2026-06-01"),
        day("2026-06-01"),
    )
    .unwrap();
    db.conn()
        .execute_batch(
            "UPDATE accounts SET churned_on = DATE '2026-07-01' WHERE account_id = 'A-1';
             INSERT INTO snapshots VALUES (DATE '2026-06-01', 'h', 'A-2', 30, 'red', 0.9, [],
                 [{'code': 'RED', 'fact': 'health 30 is below 40'}], 1.0, now()::TIMESTAMP);
             INSERT INTO snapshots VALUES (DATE '2026-06-01', 'h', 'A-3', 30, 'red', 0.9, [],
                 [{'code': 'RED', 'fact': 'health 30 is below 40'}], 1.0, now()::TIMESTAMP);
             UPDATE accounts SET churned_on = DATE '2026-08-15' WHERE account_id = 'A-3';",
        )
        .unwrap();
    let stats = plays::effectiveness(db.conn(), day("2026-11-20")).unwrap();
    let red = stats
        .iter()
        .find(|s| s.play == "Red health recovery")
        .unwrap();
    assert_eq!(
        (
            red.started,
            red.judged,
            red.churned_90,
            red.without_judged,
            red.without_churned_90
        ),
        (1, 1, 1, 2, 1)
    );
    assert_eq!(
        red.line(),
        "Red health recovery: 1 started, 0 completed, 0 cleared; not enough runs yet (fewer than 10)"
    );
    let enough = plays::PlayStats {
        started: 10,
        ..red.clone()
    };
    assert_eq!(
        enough.line(),
        "Red health recovery: 10 started, 0 completed, 0 cleared; churned within 90 days: 100% of 1 with the play, 50% of 2 where RED fired without it"
    );
}

#[test]
fn the_weekly_review_shows_each_agenda_accounts_running_plays_and_overdue_tasks() {
    let db = database();
    let model = retain::model::Model::default_model();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let scores = score::score_accounts(db.conn(), as_of).unwrap();
    runs::sync(&db, &book(), &scores, as_of.date, as_of.date).unwrap();
    let later = as_of.date + chrono::Duration::days(5);
    let review = retain::report::review::build_review(&db, &model, as_of, None, later).unwrap();
    let a1 = review
        .agenda
        .iter()
        .flat_map(|item| &item.entries)
        .find(|e| e.account_id == "A-1")
        .expect("A-1 is on the agenda");
    assert!(a1.plays.contains("Red health recovery"), "{}", a1.plays);
    assert!(a1.plays.ends_with("overdue)"), "{}", a1.plays);
    let markdown = retain::report::review_format::markdown(&review);
    assert!(markdown.contains("## Plays (all owners)"), "{markdown}");
    assert!(
        markdown.contains(
            "Red health recovery: 1 started, 0 completed, 0 cleared; not enough runs yet"
        ),
        "{markdown}"
    );
}

#[test]
fn a_snoozed_task_leaves_the_list_until_its_day_and_keeps_its_due_date() {
    let db = database();
    sync(&db, &[red("A-1")], "2026-11-20");
    let tasks = plays::tasks(db.conn()).unwrap();
    let first = tasks
        .iter()
        .min_by_key(|t| (t.due_on, t.task_id))
        .unwrap()
        .clone();
    let on = day("2026-11-21");
    let past = plays::change_task(
        &db,
        first.task_id,
        TaskChange::Snoozed { until: on },
        on,
        "alice",
    );
    assert!(past.unwrap_err().to_string().contains("a day after today"));
    plays::change_task(
        &db,
        first.task_id,
        TaskChange::Snoozed {
            until: day("2026-11-25"),
        },
        on,
        "alice",
    )
    .unwrap();
    let tasks = plays::tasks(db.conn()).unwrap();
    let listed = |today: &str| -> Vec<i64> {
        task_list(&tasks, &HashMap::new(), None, DueWithin::All, day(today))
            .iter()
            .map(|t| t.task_id)
            .collect()
    };
    assert!(!listed("2026-11-24").contains(&first.task_id));
    assert!(listed("2026-11-25").contains(&first.task_id));
    let again = tasks.iter().find(|t| t.task_id == first.task_id).unwrap();
    assert_eq!((again.due_on, again.state.as_str()), (first.due_on, "open"));
}
