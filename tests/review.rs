//! The weekly review and the exported action list.

mod common;

use chrono::NaiveDate;
use common::{dataset_with, fixture, load_dir};
use retain::db::Db;
use retain::db::actions::{self, ActionKind, NewAction};
use retain::model::Model;
use retain::model::score::{self, AsOf};
use retain::report::export::{self, ActionItem, ExportFormat};
use retain::report::review::Review;
use retain::report::review::build_review;
use retain::report::review_format::{self, ReviewFormat};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn review_of(db: &Db, as_of: &str) -> Review {
    let model = Model::default_model();
    build_review(
        db,
        &model,
        AsOf {
            date: day(as_of),
            live: true,
        },
        None,
        day("2026-11-23"),
    )
    .unwrap()
}

fn render(review: &Review, format: ReviewFormat) -> String {
    let mut out = Vec::new();
    review_format::write(&mut out, review, format).unwrap();
    String::from_utf8(out).unwrap()
}

/// Two accounts, figures worked out by hand:
/// R-1 (ARR 100,000) was touched 60 days before T: recency 100 × (90 − 60) / 76 = 39.5 → 39,
/// red and at risk; a week earlier the touch was 53 days old: 100 × 37 / 76 = 48.7 → 49, yellow.
/// R-2 (ARR 50,000) started 3 days before T (not in the portfolio a week earlier), touched 14
/// days before T: 100, green.
fn two_accounts() -> Db {
    let db = common::scoring_db();
    for sql in [
        "INSERT INTO accounts VALUES ('R-1', 'Red One', 'alice', 'SMB', NULL, 100000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO accounts VALUES ('R-2', '株式会社グリーン', 'bob', 'SMB', NULL, 50000, NULL, DATE '2026-11-17', NULL, NULL, NULL)",
        "INSERT INTO activities VALUES ('R-1', TIMESTAMP '2026-09-21 10:00:00', 'call', NULL, 'alice', NULL)",
        "INSERT INTO activities VALUES ('R-2', TIMESTAMP '2026-11-06 10:00:00', 'call', NULL, 'bob', NULL)",
    ] {
        db.conn().execute(sql, []).unwrap();
    }
    db
}

#[test]
fn week_over_week_figures_match_a_hand_count() {
    let db = two_accounts();
    let review = review_of(&db, "2026-11-20");
    let figures: Vec<(&str, f64, f64)> = review
        .figures
        .iter()
        .map(|f| (f.name.as_str(), f.now, f.week_ago))
        .collect();
    assert_eq!(
        figures,
        [
            ("accounts", 2.0, 1.0),
            ("ARR", 150000.0, 100000.0),
            ("ARR at risk", 100000.0, 0.0),
            ("accounts at risk", 1.0, 0.0)
        ]
    );
    assert_eq!(
        review.bands,
        [
            ("green".to_owned(), 1, 0),
            ("yellow".to_owned(), 0, 1),
            ("red".to_owned(), 1, 0),
            ("no score".to_owned(), 0, 0)
        ]
    );
    let item = |key: &str| review.agenda.iter().find(|i| i.key == key).unwrap();
    assert_eq!(item("new_at_risk").entries[0].account_id, "R-1");
    assert_eq!(item("health_drops").entries[0].fact, "health 49 → 39 (-10)");
    assert!(
        item("red_3_weeks").entries.is_empty(),
        "R-1 was yellow a week ago"
    );
    let untouched: Vec<&str> = item("untouched_30")
        .entries
        .iter()
        .map(|e| e.fact.as_str())
        .collect();
    // Counted from today (2026-11-23), not from T: HEALTH.md "Countdowns shown to people".
    assert_eq!(untouched, ["last touch 2026-09-21 (63 days ago)"]);
    assert_eq!(review.weekly.len(), 12);
}

#[test]
fn review_golden_files() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let review = review_of(&db, "2026-11-20");
    insta::assert_snapshot!("review_md", render(&review, ReviewFormat::Md));
    insta::assert_snapshot!("review_html", render(&review, ReviewFormat::Html));
    insta::assert_snapshot!("review_csv", render(&review, ReviewFormat::Csv));
    insta::assert_snapshot!("review_json", render(&review, ReviewFormat::Json));
}

#[test]
fn html_review_has_no_external_reference() {
    let db = two_accounts();
    let html = render(&review_of(&db, "2026-11-20"), ReviewFormat::Html);
    assert!(html.contains("<svg"), "charts are inline SVG");
    for external in ["http://", "https://", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "found {external}");
    }
}

#[test]
fn html_review_has_what_markdown_has_and_reads_japanese() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let review = review_of(&db, "2026-11-20");
    let html = render(&review, ReviewFormat::Html);
    let md = render(&review, ReviewFormat::Md);
    for heading in [
        "Gross revenue retention (closed quarters)",
        "Net retention needs ARR history",
    ] {
        assert!(md.contains(heading) && html.contains(heading), "{heading}");
    }
    assert!(html.contains("<span lang=\"ja\">株式会社さくらテック</span>"));
    assert!(html.contains("\"Hiragino Sans\"") && html.contains("Meiryo,sans-serif"));
    // The 12-week chart has its axis (0, 50, 100) and dates.
    assert!(
        html.contains(">100</text>") && html.contains(">11-20</text>"),
        "chart axes"
    );
}

fn action_items(db: &Db) -> Vec<ActionItem> {
    let as_of = AsOf::resolve(db, None).unwrap();
    score::score_accounts(db.conn(), as_of)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, a)| ActionItem::new(i + 1, a, None, "2026-11-23".parse().unwrap()))
        .collect()
}

fn export_text(items: &[ActionItem], format: ExportFormat, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    export::write(&mut out, items, format, bom).unwrap();
    out
}

#[test]
fn export_golden_files() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let items = action_items(&db);
    for (name, format) in [
        ("export_csv", ExportFormat::Csv),
        ("export_json", ExportFormat::Json),
        ("export_md", ExportFormat::Md),
    ] {
        insta::assert_snapshot!(
            name,
            String::from_utf8(export_text(&items, format, false)).unwrap()
        );
    }
}

#[test]
fn csv_export_neutralises_formulas_and_keeps_japanese_with_or_without_bom() {
    let db = common::scoring_db();
    let dir = dataset_with(&["accounts.formula_name.csv"]);
    load_dir(&db, dir.path(), false).unwrap();
    db.conn()
        .execute(
            "UPDATE accounts SET owner = '@SUM(A1)', segment = '+cmd|calc'",
            [],
        )
        .unwrap();
    let items = action_items(&db);
    let csv = String::from_utf8(export_text(&items, ExportFormat::Csv, false)).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with("1,A-1,'=1+1,'@SUM(A1),'+cmd|calc,adoption,100.00,"),
        "{row}"
    );

    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let items = action_items(&db);
    let with_bom = export_text(&items, ExportFormat::Csv, true);
    let without = export_text(&items, ExportFormat::Csv, false);
    assert_eq!(&with_bom[..3], b"\xef\xbb\xbf");
    assert_eq!(&with_bom[3..], &without[..]);
    assert!(
        String::from_utf8(without)
            .unwrap()
            .contains("株式会社さくらテック")
    );
}

#[test]
fn json_export_has_the_documented_fields() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&export_text(&action_items(&db), ExportFormat::Json, false))
            .unwrap();
    let keys: Vec<&str> = json[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "rank",
        "account_id",
        "name",
        "owner",
        "segment",
        "stage",
        "arr",
        "health",
        "band",
        "trend",
        "reasons",
        "renewal_date",
        "days_to_renewal",
        "next_step",
        "next_step_due",
        "last_touch",
        "priority",
        "profile",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json[0]["reasons"][0]["code"], "RED");
}

/// The customer's side of the week, on the good set: A-2's outcome '経費精算を月3日短縮' is 12 days
/// overdue and its champion left on 2026-10-01; A-1's overdue outcome is marked achieved in the
/// console (recorded today, after T: in the live view it counts at T, inside the week).
#[test]
fn the_review_lists_outcomes_achieved_and_overdue_and_champions_who_left() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let agenda = |review: &Review, key: &str| -> Vec<(String, String)> {
        review
            .agenda
            .iter()
            .find(|item| item.key == key)
            .unwrap()
            .entries
            .iter()
            .map(|e| (e.account_id.clone(), e.fact.clone()))
            .collect()
    };
    let review = review_of(&db, "2026-11-20");
    assert_eq!(
        agenda(&review, "outcomes_overdue"),
        [
            (
                "A-1".to_owned(),
                "outcome 'Cut ticket backlog 30%' overdue 20 days".to_owned()
            ),
            (
                "A-2".to_owned(),
                "outcome '経費精算を月3日短縮' overdue 12 days".to_owned()
            ),
        ]
    );
    assert!(agenda(&review, "outcomes_achieved").is_empty());
    assert_eq!(
        agenda(&review, "champions_left"),
        [(
            "A-2".to_owned(),
            "champion 田中 一郎 (CTO) left 2026-10-01".to_owned()
        )]
    );

    let mut achieved = NewAction::new("A-1", ActionKind::OutcomeAchieved, "alice");
    achieved.detail = Some("O-1".into());
    actions::record(db.conn(), None, &achieved).unwrap();
    let review = review_of(&db, "2026-11-20");
    assert_eq!(
        agenda(&review, "outcomes_achieved"),
        [(
            "A-1".to_owned(),
            "'Cut ticket backlog 30%' achieved 2026-11-20".to_owned()
        )]
    );
    assert_eq!(agenda(&review, "outcomes_overdue").len(), 1);
    let md = render(&review, ReviewFormat::Md);
    assert!(md.contains("Outcomes achieved this week (1)"), "{md}");
    assert!(
        md.contains("Champions and decision makers who left (1)"),
        "{md}"
    );
}
