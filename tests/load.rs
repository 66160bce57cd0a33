//! The loading rules of the data contract (docs/data-contract.md), one case each.

mod common;

use common::{count, dataset_with, fingerprint, fixture, load_dir, rows_as_text};
use retain::db::Db;
use retain::db::actions::{self, ActionKind, NewAction};
use retain::db::csv_file::TextEncoding;
use retain::db::load::{self, LoadOptions};

/// Loads the good set, then the broken one: the error must be exactly `expected`, and the
/// database must hold exactly what it held before.
fn assert_rejected(bad: &str, expected: &str) {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let dir = dataset_with(&[bad]);
    let error = load_dir(&db, dir.path(), false).unwrap_err();
    assert_eq!(error.to_string(), expected, "{bad}");
    assert_eq!(fingerprint(&db), before, "{bad} changed the database");
}

const SKIP_HINT: &str =
    "\n  (--skip-bad-rows loads the rest and writes these rows to a rejects file)";

macro_rules! rejected {
    ($($name:ident: $file:literal => $expected:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_rejected($file, &$expected);
            }
        )*
    };
}

rejected! {
    // outcomes and contacts (DATA.md, this wave)
    outcome_due_before_created: "outcomes.due_before_created.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:3:6: due_on must not be before created_on (found \"2026-08-31\"){SKIP_HINT}");
    outcome_achieved_and_dropped: "outcomes.achieved_and_dropped.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:2:8: dropped_on must be empty when achieved_on is set (found \"2026-09-21\"){SKIP_HINT}");
    outcome_unknown_kind: "outcomes.bad_kind.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:2:4: kind must be onboarding, adoption or business (found \"Renewal\"){SKIP_HINT}");
    outcome_achieved_before_created: "outcomes.achieved_before_created.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:2:7: achieved_on must not be before created_on (found \"2026-08-01\"){SKIP_HINT}");
    outcome_duplicate_id: "outcomes.duplicate_id.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:3:1: outcome_id must be unique (repeats an earlier row) (found \"O-1\"){SKIP_HINT}");
    outcome_empty_title: "outcomes.empty_title.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:2:3: title is required{SKIP_HINT}");
    outcome_us_due_date: "outcomes.us_due_date.csv" => format!(
        "outcomes.csv: 1 row breaks the data contract; nothing was loaded\n  outcomes.csv:2:6: due_on must be a date YYYY-MM-DD (found \"10/01/2026\"){SKIP_HINT}");
    contact_bad_boolean: "contacts.bad_boolean.csv" => format!(
        "contacts.csv: 1 row breaks the data contract; nothing was loaded\n  contacts.csv:3:6: champion must be true/false, yes/no or 1/0 (found \"Y\"){SKIP_HINT}");
    contact_bad_left_on: "contacts.bad_left_on.csv" => format!(
        "contacts.csv: 1 row breaks the data contract; nothing was loaded\n  contacts.csv:2:8: left_on must be a date YYYY-MM-DD (found \"2026-06-31\"){SKIP_HINT}");
    contact_duplicate_id: "contacts.duplicate_id.csv" => format!(
        "contacts.csv: 1 row breaks the data contract; nothing was loaded\n  contacts.csv:3:1: contact_id must be unique (repeats an earlier row) (found \"C-1\"){SKIP_HINT}");
    contact_missing_name_column: "contacts.missing_name_column.csv" =>
        "contacts.csv:1: missing required column name (rule: contacts needs contact_id, account_id, name)";
    missing_required_column: "accounts.missing_required_column.csv" =>
        "accounts.csv:1: missing required column arr (rule: accounts needs account_id, name, arr, contract_start)";
    duplicate_column: "accounts.duplicate_column.csv" =>
        "accounts.csv:1:3: column name appears twice in the header (rule: each column once)";
    empty_account_id: "accounts.empty_id.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:3:1: account_id is required{SKIP_HINT}");
    non_numeric_arr: "accounts.non_numeric_arr.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:3:6: arr must be a decimal number (found \"lots\"){SKIP_HINT}");
    // A cast alone reads 1e6 as a million and 0x10 as sixteen.
    exponent_arr: "accounts.exponent_arr.csv" => format!(
        "accounts.csv: 2 rows break the data contract; nothing was loaded\n  accounts.csv:2:6: arr must be a decimal number (found \"1e6\")\n  accounts.csv:3:6: arr must be a decimal number (found \"0x10\"){SKIP_HINT}");
    negative_arr: "accounts.negative_arr.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:6: arr must be ≥ 0 (found \"-5\"){SKIP_HINT}");
    negative_seats: "accounts.negative_seats.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:7: seats must be ≥ 0 (found \"-3\"){SKIP_HINT}");
    month_13: "accounts.month_13.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:8: contract_start must be a date YYYY-MM-DD (found \"2026-13-01\"){SKIP_HINT}");
    duplicate_account_id: "accounts.duplicate_account_id.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:4:1: account_id must be unique (repeats an earlier row) (found \"A-1\"){SKIP_HINT}");
    empty_file: "accounts.empty_file.csv" =>
        "accounts.csv: is empty (rule: the first line names the columns)";
    latin1_bytes: "accounts.latin1_bytes.csv" =>
        "accounts.csv:2:8: is not UTF-8 text (rule: files are UTF-8; save the export as \"CSV UTF-8\"), nor Shift_JIS or UTF-16; name the encoding with --encoding (windows-1252, shift_jis or utf-16)";
    latin1_header: "accounts.latin1_header.csv" =>
        "accounts.csv:1:14: is not UTF-8 text (rule: files are UTF-8; save the export as \"CSV UTF-8\"), nor Shift_JIS or UTF-16; name the encoding with --encoding (windows-1252, shift_jis or utf-16)";
    ragged_row: "accounts.ragged_row.csv" =>
        "accounts.csv:3: the row has 6 fields, the header has 10 (rule: every row has the header's fields)";
    unterminated_quote: "accounts.unterminated_quote.csv" =>
        "accounts.csv:2: a quoted value is never closed (rule: quotes come in pairs)";
    usage_day_first_timestamp: "usage.day_first_timestamp.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:3: occurred_at must be an ISO 8601 timestamp (found \"03/11/2026\"){SKIP_HINT}");
    usage_zero_count: "usage.zero_count.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:5: count must be ≥ 1 (found \"0\"){SKIP_HINT}");
    usage_missing_user: "usage.missing_user.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:2: user_id is required{SKIP_HINT}");
    closed_before_opened: "tickets.closed_before_opened.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:4: closed_at must not precede opened_at (found \"2026-11-01T10:00:00Z\"){SKIP_HINT}");
    unknown_priority: "tickets.unknown_priority.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:5: priority must be low, normal, high or urgent (found \"critical\"){SKIP_HINT}");
    duplicate_ticket_id: "tickets.duplicate_ticket_id.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:3:1: ticket_id must be unique (repeats an earlier row) (found \"7\"){SKIP_HINT}");
    // Whole-number fields are refused, never rounded: 9.5 must not become a promoter's 10.
    fractional_score: "surveys.fractional_score.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score must be a whole number (found \"9.5\"){SKIP_HINT}");
    exponent_score: "surveys.exponent_score.csv" => format!(
        "surveys.csv: 2 rows break the data contract; nothing was loaded\n  surveys.csv:2:4: score must be a whole number (found \"4.6\")\n  surveys.csv:3:4: score must be a whole number (found \"1e1\"){SKIP_HINT}");
    fractional_count: "usage.fractional_count.csv" => format!(
        "usage.csv: 2 rows break the data contract; nothing was loaded\n  usage.csv:2:5: count must be a whole number (found \"2.5\")\n  usage.csv:3:5: count must be a whole number (found \"1e3\"){SKIP_HINT}");
    fractional_seats: "accounts.fractional_seats.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:7: seats must be a whole number (found \"1.5\"){SKIP_HINT}");
    nps_11: "surveys.nps_11.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score nps must be 0–10 (found \"11\"){SKIP_HINT}");
    csat_0: "surveys.csat_0.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score csat must be 1–5 (found \"0\"){SKIP_HINT}");
    ces_8: "surveys.ces_8.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score ces must be 1–7 (found \"8\"){SKIP_HINT}");
    unknown_survey_kind: "surveys.unknown_kind.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:3: kind must be nps, csat or ces (found \"enps\"){SKIP_HINT}");
    // Lines are physical lines of the file, also after values that span lines.
    short_row_after_multiline_values: "activities.short_row_after_multiline.csv" =>
        "activities.csv:14: the row has 3 fields, the header has 5 (rule: every row has the header's fields)";
    unclosed_quote_after_multiline_value: "tickets.unclosed_quote_after_multiline.csv" =>
        "tickets.csv:4: a quoted value is never closed (rule: quotes come in pairs)";
    // DuckDB reads +25:00 and +05:60 and moves the time; the contract refuses them.
    offset_of_25_hours: "activities.offset_25_hours.csv" => format!(
        "activities.csv: 1 row breaks the data contract; nothing was loaded\n  activities.csv:2:2: occurred_at must be an ISO 8601 timestamp (found \"2026-11-10T15:00:00+25:00\"){SKIP_HINT}");
    offset_of_60_minutes: "usage.offset_60_minutes.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:3:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-10T15:00:00+05:60\"){SKIP_HINT}");
    negative_offset_of_25_hours_after_a_slash_date: "usage.negative_offset_25_hours.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:3:3: occurred_at must be an ISO 8601 timestamp (found \"2026/11/10 15:00:00-25:00\"){SKIP_HINT}");
    // A `Z` skips the typed read's offset test; DuckDB reads no offset before it.
    offset_before_z: "usage.offset_before_z.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:3:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-10T15:00:00+25:00Z\"){SKIP_HINT}");
    // DuckDB reads one-digit months and days; ISO 8601 has two, and so has the typed read.
    one_digit_month_and_day: "usage.one_digit_month.csv" => format!(
        "usage.csv: 3 rows break the data contract; nothing was loaded\n  usage.csv:3:3: occurred_at must be an ISO 8601 timestamp (found \"2026-1-10T15:00:00Z\")\n  usage.csv:4:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-1 15:00:00\")\n  usage.csv:5:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-1T 15:00:00\"){SKIP_HINT}");
    // DuckDB reads a year of -202 as 203 BC, untrimmed " 026" as AD 26, and "(BC)"; a year
    // has four digits and no era.
    signed_padded_or_bc_year: "usage.signed_year.csv" => format!(
        "usage.csv: 3 rows break the data contract; nothing was loaded\n  usage.csv:3:3: occurred_at must be an ISO 8601 timestamp (found \"-202-11-10T15:00:00Z\")\n  usage.csv:4:3: occurred_at must be an ISO 8601 timestamp (found \"026-11-10T15:00:00Z\")\n  usage.csv:5:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-10 (BC)\"){SKIP_HINT}");
    ten_digit_count: "usage.ten_digit_count.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:3:5: count must be a whole number (found \"2000000000\"){SKIP_HINT}");
    // Each remaining rule of the contract, one case each.
    empty_name: "accounts.empty_name.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:2: name is required{SKIP_HINT}");
    empty_arr: "accounts.empty_arr.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:6: arr is required{SKIP_HINT}");
    empty_contract_start: "accounts.empty_contract_start.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:8: contract_start is required{SKIP_HINT}");
    slash_renewal_date: "accounts.slash_renewal.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:9: renewal_date must be a date YYYY-MM-DD (found \"01/03/2027\"){SKIP_HINT}");
    february_30_churn: "accounts.february_30_churn.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:10: churned_on must be a date YYYY-MM-DD (found \"2026-02-30\"){SKIP_HINT}");
    grouped_arr: "accounts.grouped_arr.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:6: arr must be a decimal number (found \"1,000\"){SKIP_HINT}");
    text_seats: "accounts.text_seats.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:7: seats must be a whole number (found \"ten\"){SKIP_HINT}");
    huge_seats: "accounts.huge_seats.csv" => format!(
        "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:7: seats must be a whole number (found \"99999999999\"){SKIP_HINT}");
    negative_count: "usage.negative_count.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:5: count must be ≥ 1 (found \"-1\"){SKIP_HINT}");
    unix_timestamp: "usage.unix_timestamp.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:3: occurred_at must be an ISO 8601 timestamp (found \"1793714580\"){SKIP_HINT}");
    empty_usage_timestamp: "usage.empty_timestamp.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:3: occurred_at is required{SKIP_HINT}");
    november_31: "usage.november_31.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-31T10:00:00Z\"){SKIP_HINT}");
    hour_25: "usage.hour_25.csv" => format!(
        "usage.csv: 1 row breaks the data contract; nothing was loaded\n  usage.csv:2:3: occurred_at must be an ISO 8601 timestamp (found \"2026-11-10T25:00:00Z\"){SKIP_HINT}");
    empty_ticket_id: "tickets.empty_ticket_id.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:1: ticket_id is required{SKIP_HINT}");
    empty_opened_at: "tickets.empty_opened_at.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:3: opened_at is required{SKIP_HINT}");
    text_closed_at: "tickets.text_closed_at.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:4: closed_at must be an ISO 8601 timestamp (found \"soon\"){SKIP_HINT}");
    empty_priority: "tickets.empty_priority.csv" => format!(
        "tickets.csv: 1 row breaks the data contract; nothing was loaded\n  tickets.csv:2:5: priority is required{SKIP_HINT}");
    text_score: "surveys.text_score.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score must be a whole number (found \"ten\"){SKIP_HINT}");
    nps_negative: "surveys.nps_negative.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score nps must be 0–10 (found \"-1\"){SKIP_HINT}");
    empty_score: "surveys.empty_score.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:4: score is required{SKIP_HINT}");
    empty_survey_kind: "surveys.empty_kind.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:3: kind is required{SKIP_HINT}");
    word_date: "surveys.word_date.csv" => format!(
        "surveys.csv: 1 row breaks the data contract; nothing was loaded\n  surveys.csv:2:2: responded_at must be an ISO 8601 timestamp (found \"yesterday\"){SKIP_HINT}");
    empty_activity_timestamp: "activities.empty_timestamp.csv" => format!(
        "activities.csv: 1 row breaks the data contract; nothing was loaded\n  activities.csv:2:2: occurred_at is required{SKIP_HINT}");
    empty_activity_kind: "activities.empty_kind.csv" => format!(
        "activities.csv: 1 row breaks the data contract; nothing was loaded\n  activities.csv:2:3: kind is required{SKIP_HINT}");
    empty_activity_account: "activities.empty_account_id.csv" => format!(
        "activities.csv: 1 row breaks the data contract; nothing was loaded\n  activities.csv:2:1: account_id is required{SKIP_HINT}");
    extra_field: "usage.extra_field.csv" =>
        "usage.csv:2: the row has 6 fields, the header has 5 (rule: every row has the header's fields)";
    stray_quote: "tickets.stray_quote.csv" =>
        "tickets.csv:3: a quoted value holds a quote that is not doubled (rule: a quote inside a quoted value is written \"\")";
    unknown_activity_kind: "activities.unknown_kind.csv" => format!(
        "activities.csv: 1 row breaks the data contract; nothing was loaded\n  activities.csv:2:3: kind must be call, email, meeting, qbr or note (found \"lunch\"){SKIP_HINT}");
}

#[test]
fn good_data_loads_with_orphans_counted_and_extra_columns_reported() {
    let db = Db::open_in_memory().unwrap();
    let summary = load_dir(&db, &fixture("good"), false).unwrap();
    let rows: Vec<(&str, u64, u64)> = summary
        .tables
        .iter()
        .map(|t| (t.table, t.rows, t.orphans))
        .collect();
    assert_eq!(
        rows,
        [
            ("accounts", 3, 0),
            ("usage", 4, 1),
            ("tickets", 2, 1),
            ("surveys", 3, 0),
            ("activities", 2, 0),
            ("outcomes", 6, 1),
            ("contacts", 5, 1),
        ]
    );
    assert_eq!(summary.tables[0].ignored_columns, ["crm_region"]);
    assert_eq!(
        summary.freshness.map(|d| d.to_string()).as_deref(),
        Some("2026-11-20")
    );
    assert!(summary.rejects_file.is_none());
}

#[test]
fn japanese_text_quotes_newlines_bom_and_crlf_survive() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let names: Vec<String> = db
        .conn()
        .prepare("SELECT name FROM accounts ORDER BY account_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        names,
        [
            "Acme Analytics, Inc.",
            "株式会社さくらテック",
            "Northwind \"Logistics\""
        ]
    );
    let comment: String = db
        .conn()
        .query_row("SELECT comment FROM surveys WHERE kind = 'nps'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(comment, "Too slow,\nand the export \"never\" works");
    let owner: String = db
        .conn()
        .query_row(
            "SELECT owner FROM accounts WHERE account_id = 'A-2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(owner, "佐藤 花子");
}

#[test]
fn timestamps_follow_the_contract_and_are_stored_in_utc() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let stamps: Vec<String> = db
        .conn()
        .prepare("SELECT strftime(occurred_at, '%Y-%m-%d %H:%M:%S') FROM usage ORDER BY account_id, user_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Z, a bare space form, a bare date (midnight) and +09:00 converted to UTC.
    assert_eq!(
        stamps,
        [
            "2026-11-20 09:00:00",
            "2026-11-19 14:03:00",
            "2026-11-18 00:00:00",
            "2026-09-30 23:00:00"
        ]
    );
    let (count, priority): (i64, String) = db
        .conn()
        .query_row("SELECT count, priority FROM usage, tickets WHERE user_id = 'u2' AND ticket_id = '4411'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (count, priority.as_str()),
        (1, "urgent"),
        "count defaults to 1; priority is lower-cased"
    );
}

#[test]
fn outcomes_and_contacts_load_with_booleans_kinds_and_orphans() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::write(
        dir.path().join("outcomes.csv"),
        "Outcome_ID,account_id,title,kind,created_on,due_on,achieved_on,dropped_on,owner\n\
         O-1,A-1,\"Cut ticket backlog 30%\",,2026-09-01,2026-12-01,,,Alice Martin\n\
         O-2,A-2,経費精算を月3日短縮,ADOPTION,2026/09/01,2026-10-01,2026-09-30,,\n\
         O-3,A-9,Orphan goal,business,2026-09-01,2026-10-01,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("contacts.csv"),
        "contact_id,account_id,name,email,role,champion,decision_maker,left_on\n\
         C-1,A-2,田中 一郎,Tanaka@Sakura.example,CTO,Yes,TRUE,2026-06-01\n\
         C-2,A-2,鈴木 花子,,情報システム部長,no,1,\n\
         C-3,A-1,Bob,,,,,\n\
         C-4,A-1,Eve,,,0,False,\n\
         C-5,A-7,Orphan,,,,,\n",
    )
    .unwrap();
    let summary = load_dir(&db, dir.path(), false).unwrap();
    let counted: Vec<(&str, u64, u64)> = summary.tables[5..]
        .iter()
        .map(|t| (t.table, t.rows, t.orphans))
        .collect();
    assert_eq!(counted, [("outcomes", 2, 1), ("contacts", 4, 1)]);
    assert_eq!(
        rows_as_text(
            &db,
            "SELECT outcome_id, kind, created_on::VARCHAR, due_on::VARCHAR, achieved_on::VARCHAR, owner FROM outcomes ORDER BY 1"
        ),
        [
            [
                "O-1",
                "business",
                "2026-09-01",
                "2026-12-01",
                "",
                "Alice Martin"
            ],
            [
                "O-2",
                "adoption",
                "2026-09-01",
                "2026-10-01",
                "2026-09-30",
                ""
            ],
        ]
    );
    assert_eq!(
        rows_as_text(
            &db,
            "SELECT contact_id, name, champion::VARCHAR, decision_maker::VARCHAR, left_on::VARCHAR FROM contacts ORDER BY 1"
        ),
        [
            ["C-1", "田中 一郎", "true", "true", "2026-06-01"],
            ["C-2", "鈴木 花子", "false", "true", ""],
            ["C-3", "Bob", "false", "false", ""],
            ["C-4", "Eve", "false", "false", ""],
        ]
    );
    // Outcomes and contacts do not move the data's freshness.
    assert_eq!(
        summary.freshness.map(|d| d.to_string()).as_deref(),
        Some("2026-11-20")
    );
    // --skip-bad-rows sets a bad outcome aside like any other row.
    let dir = dataset_with(&[]);
    std::fs::write(
        dir.path().join("outcomes.csv"),
        "outcome_id,account_id,title,kind,created_on,due_on,achieved_on,dropped_on,owner\n\
         O-1,A-1,Go live,,2026-09-01,2026-12-01,,,\n\
         O-2,A-1,Backwards,,2026-09-01,2026-08-01,,,\n\
         O-3,A-2,Roll out,,2026-09-01,2026-12-01,,,\n",
    )
    .unwrap();
    let summary = load_dir(&db, dir.path(), true).unwrap();
    assert_eq!((summary.tables[5].rows, summary.tables[5].rejected), (2, 1));
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    assert!(
        rejects
            .contains("outcomes,outcomes.csv,3,due_on,must not be before created_on,2026-08-01,"),
        "{rejects}"
    );
}

#[test]
fn skip_bad_rows_loads_the_rest_and_writes_exactly_the_bad_rows() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[
        "accounts.duplicate_account_id.csv",
        "tickets.unknown_priority.csv",
    ]);
    // Two good tickets beside the bad one: skipping sets aside a few rows, never most of a table.
    let tickets = dir.path().join("tickets.csv");
    let mut text = std::fs::read_to_string(&tickets).unwrap();
    text.push_str("2,A-1,2026-11-03T10:00:00Z,,low,y\n3,A-2,2026-11-04T10:00:00Z,,high,z\n");
    std::fs::write(&tickets, text).unwrap();
    let summary = load_dir(&db, dir.path(), true).unwrap();
    assert_eq!(count(&db, "accounts"), 2);
    assert_eq!(summary.tables[0].rejected, 1);
    assert_eq!(summary.tables[2].rejected, 1);
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    assert_eq!(
        rejects,
        "table,file,line,column,rule,value,record\r\n\
         accounts,accounts.csv,4,account_id,must be unique (repeats an earlier row),A-1,\"A-1,Acme again,,,,100,,2024-01-01,,\"\r\n\
         tickets,tickets.csv,2,priority,\"must be low, normal, high or urgent\",critical,\"1,A-1,2026-11-02T10:00:00Z,,critical,x\"\r\n"
    );
}

#[test]
fn skip_bad_rows_sets_aside_rows_the_reader_cannot_split() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&["accounts.ragged_row.csv"]);
    let summary = load_dir(&db, dir.path(), true).unwrap();
    assert_eq!((summary.tables[0].rows, summary.tables[0].rejected), (1, 1));
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    assert!(rejects.contains("accounts,accounts.csv,3,"), "{rejects}");
}

#[test]
fn set_aside_rows_keep_their_physical_line_after_multiline_values() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&["activities.short_row_after_multiline.csv"]);
    let summary = load_dir(&db, dir.path(), true).unwrap();
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    assert!(
        rejects.ends_with(
            "activities,activities.csv,14,,\"the row has 3 fields, the header has 5 (rule: every row has the header's fields)\",,\"A-1,2026-11-10T15:00:00Z,call\"\r\n"
        ),
        "{rejects}"
    );
}

/// The activities of the good set, with its records ending in `endings` in turn.
fn activities_ending_in(endings: &[&str]) -> String {
    let text = std::fs::read_to_string(fixture("good").join("activities.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| format!("{line}{}", endings[i % endings.len()]))
        .collect()
}

#[test]
fn mixed_line_endings_load_like_one_kind() {
    let loaded = |text: String| {
        let db = Db::open_in_memory().unwrap();
        let dir = dataset_with(&[]);
        std::fs::write(dir.path().join("activities.csv"), text).unwrap();
        load_dir(&db, dir.path(), false).unwrap();
        rows_as_text(
            &db,
            "SELECT COLUMNS(*)::VARCHAR FROM activities ORDER BY ALL",
        )
    };
    assert_eq!(
        loaded(activities_ending_in(&["\r\n", "\n"])),
        loaded(activities_ending_in(&["\n"]))
    );
}

#[test]
fn mixed_line_endings_in_a_gzip_name_the_line_where_they_change() {
    use std::io::Write;
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::remove_file(dir.path().join("activities.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(activities_ending_in(&["\r\n", "\r\n", "\n"]).as_bytes())
        .unwrap();
    std::fs::write(dir.path().join("activities.csv.gz"), gz.finish().unwrap()).unwrap();
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "activities.csv.gz:3: this row ends in LF, the rows before it in CRLF (rule: one kind of line ending per file; save the file again to make them agree)"
    );
}

#[test]
fn utf16_files_load_with_or_without_a_byte_order_mark() {
    let text = std::fs::read_to_string(fixture("good").join("accounts.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let expected = {
        let db = Db::open_in_memory().unwrap();
        load_dir(&db, &fixture("good"), false).unwrap();
        rows_as_text(&db, "SELECT COLUMNS(*)::VARCHAR FROM accounts ORDER BY ALL")
    };
    let little_endian: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let big_endian: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for bytes in [
        [&[0xff, 0xfe][..], &little_endian].concat(),
        little_endian.clone(),
        [&[0xfe, 0xff][..], &big_endian].concat(),
        big_endian.clone(),
    ] {
        let db = Db::open_in_memory().unwrap();
        let dir = dataset_with(&[]);
        std::fs::write(dir.path().join("accounts.csv"), &bytes[..]).unwrap();
        load_dir(&db, dir.path(), false).unwrap();
        assert_eq!(
            rows_as_text(&db, "SELECT COLUMNS(*)::VARCHAR FROM accounts ORDER BY ALL"),
            expected
        );
    }
}

#[test]
fn a_first_line_without_end_is_refused_at_32_mb_not_read_whole() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    let path = dir.path().join("accounts.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    use std::io::Write;
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..33 {
        file.write_all(&chunk).unwrap();
    }
    drop(file);
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "accounts.csv:1: the first line is longer than 32 MB (rule: the first line names the columns; lines up to 32 MB)"
    );
}

#[test]
fn the_rejects_file_neutralises_formulas_like_an_export() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    let accounts = dir.path().join("accounts.csv");
    let mut text = std::fs::read_to_string(&accounts).unwrap();
    text.push_str("A-9,Nine,,,,=1+2,,2025-01-01,,,\r\n");
    std::fs::write(&accounts, text).unwrap();
    let summary = load_dir(&db, dir.path(), true).unwrap();
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    // The value cell starts with the formula: it is written as text. (The record cell starts
    // with the account id, which a spreadsheet never runs.)
    assert!(
        rejects.contains("must be a decimal number,'=1+2,"),
        "{rejects}"
    );
}

#[test]
fn missing_accounts_file_is_an_error() {
    let db = Db::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: no accounts file (rule: accounts.csv, accounts.csv.gz or accounts.parquet is required)",
            dir.path().display()
        )
    );
}

#[test]
fn a_directory_named_like_a_table_is_an_error() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::create_dir(dir.path().join("usage.csv.gz")).unwrap();
    std::fs::remove_file(dir.path().join("usage.csv")).unwrap();
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(error, "usage.csv.gz: is a directory, not a file");
}

#[test]
fn reload_replaces_inputs_and_keeps_console_tables() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let mut touch = NewAction::new("A-1", ActionKind::Touch, "alice");
    touch.detail = Some("call".into());
    touch.body = Some("電話で確認しました".into());
    actions::record(db.conn(), None, &touch).unwrap();
    let dir = dataset_with(&[]);
    std::fs::remove_file(dir.path().join("tickets.csv")).unwrap();
    load_dir(&db, dir.path(), false).unwrap();
    assert_eq!(count(&db, "actions"), 1);
    assert_eq!(
        count(&db, "tickets"),
        0,
        "a table without a file is emptied by a reload"
    );
    assert_eq!(count(&db, "accounts"), 3);
}

#[test]
fn gzip_and_parquet_files_load_like_csv() {
    let db = Db::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("accounts.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    std::io::Write::write_all(
        &mut encoder,
        &std::fs::read(fixture("good/accounts.csv")).unwrap(),
    )
    .unwrap();
    encoder.finish().unwrap();
    let parquet = dir.path().join("tickets.parquet");
    db.conn()
        .execute(
            "COPY (SELECT * FROM read_csv(?, all_varchar = true)) TO ? (FORMAT parquet)",
            [
                fixture("good/tickets.csv").to_string_lossy().into_owned(),
                parquet.to_string_lossy().into_owned(),
            ],
        )
        .unwrap();
    let summary = load_dir(&db, dir.path(), false).unwrap();
    assert_eq!(
        (
            summary.tables[0].rows,
            summary.tables[2].rows,
            summary.tables[2].orphans
        ),
        (3, 2, 1)
    );
}

#[test]
fn a_zero_byte_parquet_file_is_an_error() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::remove_file(dir.path().join("usage.csv")).unwrap();
    std::fs::write(dir.path().join("usage.parquet"), b"").unwrap();
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "usage.parquet: is empty (rule: a Parquet file with the table's columns)"
    );
}

#[test]
fn header_only_accounts_file_is_rejected() {
    assert_rejected(
        "accounts.header_only.csv",
        "accounts.csv: has no rows (rule: accounts needs at least one account)",
    );
}

#[test]
fn semicolon_and_tab_delimited_exports_are_accepted() {
    for file in [
        "accounts.semicolon_delimiter.csv",
        "accounts.tab_delimiter.csv",
    ] {
        let db = Db::open_in_memory().unwrap();
        let dir = dataset_with(&[file]);
        let summary = load_dir(&db, dir.path(), false).unwrap();
        assert_eq!(summary.tables[0].rows, 1, "{file}");
    }
}

#[test]
fn a_name_that_looks_like_a_formula_is_stored_as_text() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&["accounts.formula_name.csv"]);
    load_dir(&db, dir.path(), false).unwrap();
    let name: String = db
        .conn()
        .query_row("SELECT name FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "=1+1");
}

#[test]
fn shift_jis_from_japanese_excel_is_detected_and_year_first_slash_dates_are_read() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&["accounts.shift_jis.csv"]);
    load_dir(&db, dir.path(), false).unwrap();
    let rows: Vec<(String, String, String)> = db
        .conn()
        .prepare("SELECT name, coalesce(owner, ''), contract_start::VARCHAR FROM accounts ORDER BY account_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                "株式会社さくらテック".to_owned(),
                "佐藤 花子".to_owned(),
                "2025-06-15".to_owned()
            ),
            (
                "ﾆｯｼﾝ商事".to_owned(),
                String::new(),
                "2025-01-01".to_owned()
            ),
        ]
    );
}

#[test]
fn a_named_encoding_reads_western_excel_files() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&["accounts.latin1_bytes.csv"]);
    let options = LoadOptions {
        encoding: TextEncoding::Windows1252,
        ..LoadOptions::default()
    };
    load::load(
        &db,
        dir.path(),
        &options,
        &dir.path().join("r.csv"),
        &mut |_| {},
    )
    .unwrap();
    let name: String = db
        .conn()
        .query_row("SELECT name FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "Café Müller");
}

/// Loads `file` (the good set's other files beside it) with one row whose `{}` is `value`,
/// quoted, and returns what `select` reads back of it.
fn load_long_value(file: &str, header_and_row: &str, value: &str, select: &str) -> String {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    let quoted = format!("\"{}\"", value.replace('"', "\"\""));
    std::fs::write(dir.path().join(file), header_and_row.replace("{}", &quoted)).unwrap();
    load_dir(&db, dir.path(), false).unwrap();
    db.conn().query_row(select, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_10_mb_comment_loads_intact() {
    let line = "とても長いコメント, \"quoted\"\n";
    let comment = line.repeat(10 * 1024 * 1024 / line.len() + 1);
    let stored = load_long_value(
        "surveys.csv",
        "account_id,responded_at,kind,score,respondent,comment\nA-1,2026-11-02T10:00:00Z,nps,9,,{}\n",
        &comment,
        "SELECT comment FROM surveys",
    );
    assert!(stored.len() >= 10 * 1024 * 1024 - 64);
    assert_eq!(stored, comment);
}

/// Outcomes have no typed read: the full stage's first read, at DuckDB's usual 2 MB a row,
/// fails on the long title, and the second, at the contract's 32 MiB, loads it.
#[test]
fn a_3_mb_outcome_title_loads_intact() {
    let title = "成果の定義, \"quoted\" ".repeat(3 * 1024 * 1024 / 24 + 1);
    let stored = load_long_value(
        "outcomes.csv",
        "outcome_id,account_id,title,kind,created_on,due_on\nO-9,A-1,{},business,2026-09-01,2026-12-01\n",
        &title,
        "SELECT title FROM outcomes",
    );
    assert!(stored.len() > 3 * 1024 * 1024);
    assert_eq!(stored, title.trim());
}

#[test]
fn a_parquet_file_with_wrong_types_names_the_row_and_rule() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::remove_file(dir.path().join("accounts.csv")).unwrap();
    let parquet = dir.path().join("accounts.parquet");
    db.conn()
        .execute(
            "COPY (SELECT 'A-1' AS account_id, 'Acme' AS name, 'lots' AS arr, 20240101 AS contract_start) TO ? (FORMAT parquet)",
            [parquet.to_string_lossy().into_owned()],
        )
        .unwrap();
    let before = fingerprint(&db);
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "accounts.parquet: 1 row breaks the data contract; nothing was loaded\n  accounts.parquet:1:3: arr must be a decimal number (found \"lots\"){SKIP_HINT}"
        )
    );
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn day_first_dates_stay_errors() {
    assert_rejected(
        "accounts.day_first_renewal.csv",
        &format!(
            "accounts.csv: 1 row breaks the data contract; nothing was loaded\n  accounts.csv:2:9: renewal_date must be a date YYYY-MM-DD (found \"03/11/2026\"){SKIP_HINT}"
        ),
    );
}

#[test]
fn signed_and_zero_padded_counts_read_as_their_numbers() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::write(
        dir.path().join("usage.csv"),
        "account_id,user_id,occurred_at,count\n\
         A-1,plus,2026-11-20T01:00:00Z,+5\n\
         A-1,padded,2026-11-20T02:00:00Z,007\n\
         A-1,plain,2026-11-20T03:00:00Z,12\n",
    )
    .unwrap();
    load_dir(&db, dir.path(), false).unwrap();
    assert_eq!(
        rows_as_text(
            &db,
            "SELECT user_id, count::VARCHAR FROM usage ORDER BY user_id"
        ),
        [["padded", "7"], ["plain", "12"], ["plus", "5"]]
    );
}

#[test]
fn offsets_on_either_side_of_utc_convert_and_fractions_survive() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::write(
        dir.path().join("usage.csv"),
        "account_id,user_id,occurred_at\n\
         A-1,minus,2026-11-20T01:00:00-05:00\n\
         A-1,plus,2026-11-20 01:00:00+0900\n\
         A-1,zulu,2026-11-20T01:00:00.250Z\n\
         A-1,slash,2026/11/20 01:00:00\n",
    )
    .unwrap();
    load_dir(&db, dir.path(), false).unwrap();
    let stamps: Vec<(String, String)> = db
        .conn()
        .prepare("SELECT user_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S.%g') FROM usage ORDER BY user_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        ("minus", "2026-11-20 06:00:00.000"),
        ("plus", "2026-11-19 16:00:00.000"),
        ("slash", "2026-11-20 01:00:00.000"),
        ("zulu", "2026-11-20 01:00:00.250"),
    ];
    let stamps: Vec<(&str, &str)> = stamps
        .iter()
        .map(|(u, s)| (u.as_str(), s.as_str()))
        .collect();
    assert_eq!(stamps, expected);
}

/// Loads `csv` as `table` twice: as written (a clean file, staged by DuckDB's typed reader)
/// and with `clean` replaced by `padded` (a padded value sends the file through the full,
/// rule-by-rule stage, which trims it). Both must store the same rows.
fn typed_equals_full(
    table: &str,
    csv: &str,
    clean: &str,
    padded: &str,
    select: &str,
) -> Vec<Vec<String>> {
    assert!(csv.contains(clean));
    let stored = |text: &str| {
        let db = Db::open_in_memory().unwrap();
        let dir = dataset_with(&[]);
        std::fs::write(dir.path().join(format!("{table}.csv")), text).unwrap();
        let mut typed_read = None;
        let mut checking = Vec::new();
        let rejects = dir.path().join("rejects.csv");
        load::load(
            &db,
            dir.path(),
            &LoadOptions::default(),
            &rejects,
            &mut |event| match event {
                load::LoadEvent::Staged {
                    table: t, typed, ..
                } if t == table => typed_read = Some(typed),
                load::LoadEvent::Checking { table, file } => {
                    checking.push(format!("{table} {file}"))
                }
                _ => {}
            },
        )
        .unwrap();
        (rows_as_text(&db, select), (typed_read, checking))
    };
    let (typed, typed_read) = stored(csv);
    assert_eq!(
        typed_read,
        (Some(true), vec![]),
        "{table}: the clean file takes the typed read"
    );
    let (full, typed_read) = stored(&csv.replacen(clean, padded, 1));
    assert_eq!(
        typed_read,
        (Some(false), vec![format!("{table} {table}.csv")]),
        "{table}: the padded value takes the full stage, and the loader says so"
    );
    assert_eq!(typed, full, "{table}");
    typed
}

#[test]
fn the_typed_read_of_clean_files_equals_the_full_stage() {
    let usage = typed_equals_full(
        "usage",
        "account_id,user_id,occurred_at,feature,count\n\
         A-1,u1,2026-11-20T09:00:00Z,dashboards,3\n\
         A-1,u2,2026-11-19 14:03:00,reports,\n\
         A-2,u9,2026-11-18,exports,2\n\
         A-2,u9,2026-10-01T08:00:00+09:00,,1\n\
         A-1,u3,2026-10-01T08:00:00.250-05:00,\"reports, saved\",1\n\
         A-1,u4,2026-11-17T06:30:00.125Z,dashboards,12\n",
        "A-2,u9,2026-11-18",
        "A-2, u9 ,2026-11-18",
        "SELECT account_id, user_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S.%g'), feature, count::VARCHAR FROM usage ORDER BY ALL",
    );
    assert_eq!(usage.len(), 6);
    let u3 = usage.iter().find(|r| r[1] == "u3").unwrap();
    assert_eq!(
        u3[2], "2026-10-01 13:00:00.250",
        "the -05:00 offset is converted to UTC"
    );

    let tickets = typed_equals_full(
        "tickets",
        "ticket_id,account_id,opened_at,closed_at,priority,subject\n\
         T1,A-1,2026-11-01T10:00:00+09:00,2026-11-02 10:00:00,Urgent,ログインできない\n\
         T2,A-2,2026-11-03,,normal,\"Export, slow\"\n",
        "T2,A-2",
        " T2 ,A-2",
        "SELECT ticket_id, account_id, opened_at::VARCHAR, closed_at::VARCHAR, priority, subject FROM tickets ORDER BY ALL",
    );
    assert_eq!(
        tickets[0][2..5],
        ["2026-11-01 01:00:00", "2026-11-02 10:00:00", "urgent"]
    );

    let surveys = typed_equals_full(
        "surveys",
        "account_id,responded_at,kind,score,respondent,comment\n\
         A-1,2026-11-01T10:00:00Z,NPS,9,cto@example.com,\" とても良い \"\n\
         A-2,2026-11-02,csat,4,,\n",
        "A-2,2026-11-02",
        "A-2 ,2026-11-02",
        "SELECT account_id, responded_at::VARCHAR, kind, score::VARCHAR, respondent, comment FROM surveys ORDER BY ALL",
    );
    assert_eq!(
        surveys[0][2..],
        ["nps", "9", "cto@example.com", " とても良い "],
        "comments are kept as written"
    );

    let activities = typed_equals_full(
        "activities",
        "account_id,occurred_at,kind,summary,author\n\
         A-1,2026-11-01T10:00:00-05:00,QBR,\"Q4 review\nnext: pricing\",alice\n\
         A-2,2026-11-02 09:00,call,,bob\n",
        "A-2,2026-11-02",
        " A-2,2026-11-02",
        "SELECT account_id, occurred_at::VARCHAR, kind, summary, author FROM activities ORDER BY ALL",
    );
    assert_eq!(activities[0][1..3], ["2026-11-01 15:00:00", "qbr"]);
}

#[test]
fn skip_bad_rows_never_empties_the_portfolio() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let dir = dataset_with(&["accounts.negative_seats.csv"]);
    let error = load_dir(&db, dir.path(), true).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "accounts.csv: 1 of 1 rows break the data contract, too many to set aside (rule: \
             --skip-bad-rows skips a few bad rows, never most of a table or every account); \
             nothing was loaded; they are listed, with reasons, in "
        ),
        "{error}"
    );
    assert_eq!(fingerprint(&db), before, "nothing changed");
    let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).unwrap();
    assert!(rejects.contains("seats,must be ≥ 0,-3"), "{rejects}");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_table_is_refused_not_waited_on() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    let usage = dir.path().join("usage.csv");
    std::fs::remove_file(&usage).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&usage)
        .status()
        .unwrap();
    assert!(made.success());
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "usage.csv: is not a regular file (a FIFO, socket or device); name a data file"
    );
}

// Part-file folders (DATA.md): a table may be a folder of parts, as warehouses unload.

/// The good set with `table.csv` replaced by a folder of parts, each (path, content).
fn dataset_with_parts(table: &str, parts: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = dataset_with(&[]);
    std::fs::remove_file(dir.path().join(format!("{table}.csv"))).unwrap();
    for (path, content) in parts {
        let path = dir.path().join(table).join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

const USAGE_ROWS: &str = "SELECT account_id, user_id, occurred_at::VARCHAR, feature, count::VARCHAR FROM usage ORDER BY ALL";

fn good_usage() -> Vec<Vec<String>> {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    rows_as_text(&db, USAGE_ROWS)
}

#[test]
fn hive_partitioned_parquet_parts_load_as_one_table() {
    let dir = dataset_with(&[]);
    let usage = dir.path().join("usage.csv");
    let parts = dir.path().join("usage");
    // DuckDB writes the unload: one folder per day, the day column kept out of the files.
    let writer = Db::open_in_memory().unwrap();
    writer
        .conn()
        .execute_batch(&format!(
            "COPY (SELECT *, left(occurred_at, 10) AS date FROM read_csv('{}', all_varchar = true))
             TO '{}' (FORMAT parquet, PARTITION_BY (date))",
            usage.display(),
            parts.display()
        ))
        .unwrap();
    std::fs::remove_file(&usage).unwrap();
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();
    let days = std::fs::read_dir(&parts).unwrap().count() - 1;
    assert!(days >= 3, "{days} partitions");

    let db = Db::open_in_memory().unwrap();
    let summary = load_dir(&db, dir.path(), false).unwrap();
    let table = summary.tables.iter().find(|t| t.table == "usage").unwrap();
    assert_eq!(
        table.file.as_deref(),
        Some(format!("usage/ ({days} parts)").as_str())
    );
    assert_eq!(table.ignored_columns, ["date"]);
    assert_eq!(rows_as_text(&db, USAGE_ROWS), good_usage());
}

#[test]
fn csv_gz_and_csv_parts_mix_and_an_empty_part_adds_nothing() {
    let dir = dataset_with(&[]);
    let text = std::fs::read_to_string(dir.path().join("usage.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let first = format!("{header}\n{}\n", rows[..2].join("\n"));
    let second = format!("{header}\n{}\n", rows[2..].join("\n"));
    let parts = dir.path().join("usage");
    std::fs::create_dir(&parts).unwrap();
    std::fs::write(parts.join("part-00001.csv"), second).unwrap();
    std::fs::write(parts.join("part-00002.csv"), "").unwrap();
    std::fs::write(parts.join(".part-00001.csv.crc"), "checksum").unwrap();
    let plain = parts.join("first.csv");
    std::fs::write(&plain, first).unwrap();
    let writer = Db::open_in_memory().unwrap();
    writer
        .conn()
        .execute_batch(&format!(
            "COPY (SELECT * FROM read_csv('{}', all_varchar = true))
             TO '{}' (FORMAT csv, HEADER, COMPRESSION gzip)",
            plain.display(),
            parts.join("part-00000.csv.gz").display()
        ))
        .unwrap();
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(dir.path().join("usage.csv")).unwrap();

    let db = Db::open_in_memory().unwrap();
    let summary = load_dir(&db, dir.path(), false).unwrap();
    let table = summary.tables.iter().find(|t| t.table == "usage").unwrap();
    assert_eq!(table.file.as_deref(), Some("usage/ (2 parts)"));
    assert_eq!(rows_as_text(&db, USAGE_ROWS), good_usage());
}

#[test]
fn a_partition_folder_fills_the_contract_column_its_parts_lack() {
    let dir = dataset_with_parts(
        "usage",
        &[
            (
                "account_id=A-1/part-0.csv",
                "user_id,occurred_at,feature,count\nu1,2026-11-20T09:00:00Z,dashboards,3\nu2,2026-11-19 14:03:00,reports,\n",
            ),
            (
                "account_id=A-2/part-0.csv",
                "user_id,occurred_at,feature,count\nu9,2026-11-18,exports,2\n",
            ),
            (
                "account_id=A-3/part-0.csv",
                "user_id,occurred_at,feature,count\nu5,2026-10-01T08:00:00+09:00,,1\n",
            ),
        ],
    );
    let text = std::fs::read_to_string(fixture("good/usage.csv")).unwrap();
    let extra: Vec<&str> = text.lines().skip(5).collect();
    // The good set's usage beyond its first four rows goes in one more partition.
    let mut rest = String::from("account_id,user_id,occurred_at,feature,count\n");
    for line in &extra {
        rest.push_str(line);
        rest.push('\n');
    }
    std::fs::write(dir.path().join("usage/rest.csv"), rest).unwrap();
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, dir.path(), false).unwrap();
    assert_eq!(rows_as_text(&db, USAGE_ROWS), good_usage());
}

#[test]
fn a_part_missing_a_column_is_named_and_nothing_loads() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let dir = dataset_with_parts(
        "usage",
        &[
            (
                "part-0.csv",
                "account_id,user_id,occurred_at\nA-1,u1,2026-11-20T09:00:00Z\n",
            ),
            (
                "part-1.csv",
                "account_id,occurred_at\nA-1,2026-11-20T09:00:00Z\n",
            ),
        ],
    );
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "usage/part-1.csv:1: missing required column user_id (rule: usage needs account_id, user_id, occurred_at)"
    );
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn a_bad_row_in_a_part_is_named_by_its_part_and_line() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let dir = dataset_with_parts(
        "usage",
        &[
            (
                "date=2026-11-19/part-0.csv",
                "account_id,user_id,occurred_at\nA-1,u1,2026-11-19T09:00:00Z\n",
            ),
            (
                "date=2026-11-20/part-0.csv",
                "account_id,user_id,occurred_at,count\nA-1,u1,2026-11-20T09:00:00Z,1\nA-1,u2,2026-11-20T10:00:00Z,2.5\n",
            ),
        ],
    );
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "usage/date=2026-11-20/part-0.csv: 1 row breaks the data contract; nothing was loaded\n  usage/date=2026-11-20/part-0.csv:3:4: count must be a whole number (found \"2.5\"){SKIP_HINT}"
        )
    );
    assert_eq!(fingerprint(&db), before);
}

/// Writes the good set's usage as Parquet parts whose columns have real types (a warehouse's
/// unload): `occurred_at` as the given type, `count` as BIGINT.
fn typed_usage_parts(dir: &std::path::Path, parts: &[(&str, &str)]) {
    let folder = dir.join("usage");
    std::fs::create_dir(&folder).unwrap();
    let writer = Db::open_in_memory().unwrap();
    load_dir(&writer, &fixture("good"), false).unwrap();
    for (index, (name, timestamp_type)) in parts.iter().enumerate() {
        writer
            .conn()
            .execute(
                &format!(
                    "COPY (SELECT account_id, user_id, occurred_at::{timestamp_type} AS occurred_at,
                                  feature, count::BIGINT AS count
                           FROM usage WHERE (hash(user_id, occurred_at) % {count}) = {index})
                     TO ? (FORMAT parquet)",
                    count = parts.len()
                ),
                [folder.join(name).to_string_lossy().into_owned()],
            )
            .unwrap();
    }
    std::fs::remove_file(dir.join("usage.csv")).unwrap();
}

#[test]
fn parquet_parts_with_real_timestamps_and_integers_load_as_their_text_does() {
    let dir = dataset_with(&[]);
    typed_usage_parts(
        dir.path(),
        &[
            ("part-0.parquet", "TIMESTAMP"),
            ("part-1.parquet", "TIMESTAMPTZ"),
        ],
    );
    let db = Db::open_in_memory().unwrap();
    let mut read = Vec::new();
    load::load(
        &db,
        dir.path(),
        &LoadOptions::default(),
        &dir.path().join("rejects.csv"),
        &mut |event| {
            if let load::LoadEvent::Staging {
                table: "usage",
                file,
            } = event
            {
                read.push(file.to_owned());
            }
        },
    )
    .unwrap();
    // Clean parts of a table without a key are read together, in one typed read.
    assert_eq!(read, ["usage/ (2 parts)"]);
    assert_eq!(rows_as_text(&db, USAGE_ROWS), good_usage());
}

#[test]
fn a_fractional_count_in_a_parquet_part_is_named_by_its_part_and_row() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let dir = dataset_with(&[]);
    typed_usage_parts(dir.path(), &[("part-0.parquet", "TIMESTAMP")]);
    db.conn()
        .execute(
            "COPY (SELECT 'A-1' AS account_id, 'u1' AS user_id, TIMESTAMP '2026-11-20 09:00:00' AS occurred_at,
                          'reports' AS feature, 2.5::DOUBLE AS count)
             TO ? (FORMAT parquet)",
            [dir.path().join("usage/part-1.parquet").to_string_lossy().into_owned()],
        )
        .unwrap();
    // Parts of different types are read apart: one reader over both would cast part-1's DOUBLE
    // to part-0's BIGINT and load 2.5 as 3.
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "usage/part-1.parquet: 1 row breaks the data contract; nothing was loaded\n  usage/part-1.parquet:1:5: count must be a whole number (found \"2.5\"){SKIP_HINT}"
        )
    );
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn a_key_repeated_across_parts_breaks_uniqueness_at_the_later_part() {
    let db = Db::open_in_memory().unwrap();
    load_dir(&db, &fixture("good"), false).unwrap();
    let before = fingerprint(&db);
    let header = "ticket_id,account_id,opened_at,closed_at,priority,subject";
    let dir = dataset_with_parts(
        "tickets",
        &[
            (
                "part-0.csv",
                &format!(
                    "{header}\n4411,A-1,2026-11-01T10:00:00Z,,urgent,one\n4412,A-2,2026-10-01T10:00:00Z,,normal,two\n"
                ),
            ),
            (
                "part-1.csv",
                &format!(
                    "{header}\n4413,A-2,2026-10-03T10:00:00Z,,low,three\n4411,A-1,2026-11-02T10:00:00Z,,low,again\n"
                ),
            ),
        ],
    );
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "tickets/ (2 parts): 1 row breaks the data contract; nothing was loaded\n  tickets/part-1.csv:3:1: ticket_id must be unique (repeats an earlier row) (found \"4411\"){SKIP_HINT}"
        )
    );
    assert_eq!(fingerprint(&db), before);

    // Set aside with --skip-bad-rows, the later row goes to the rejects file by its part.
    let summary = load_dir(&db, dir.path(), true).unwrap();
    let tickets = summary
        .tables
        .iter()
        .find(|t| t.table == "tickets")
        .unwrap();
    assert_eq!((tickets.rows, tickets.rejected), (3, 1));
    let rejects = std::fs::read_to_string(summary.rejects_file.unwrap()).unwrap();
    assert!(
        rejects.contains("tickets,tickets/part-1.csv,3,ticket_id"),
        "{rejects}"
    );
}

#[test]
fn a_folder_and_a_file_for_one_table_is_an_error() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with(&[]);
    std::fs::create_dir(dir.path().join("usage")).unwrap();
    std::fs::copy(
        fixture("good/usage.csv"),
        dir.path().join("usage/part-0.csv"),
    )
    .unwrap();
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: both the folder usage/ and usage.csv are present; keep one file per table",
            dir.path().display()
        )
    );
}

#[test]
fn a_folder_without_parts_and_a_stray_file_in_one_are_errors() {
    let db = Db::open_in_memory().unwrap();
    let dir = dataset_with_parts("usage", &[("_SUCCESS", "")]);
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "usage/: holds no part with rows (rule: a table's folder holds .csv, .csv.gz or .parquet parts)"
    );
    let dir = dataset_with_parts("usage", &[("part-0.json", "{}")]);
    let error = load_dir(&db, dir.path(), false).unwrap_err().to_string();
    assert_eq!(
        error,
        "usage/part-0.json: is not a part file (rule: a table's folder holds .csv, .csv.gz or .parquet parts)"
    );
}

/// docs/warehouse.md's DuckDB roll-up, read from the document so that the two cannot differ.
fn rollup_sql() -> String {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/warehouse.md"),
    )
    .unwrap();
    let after = doc.split("<!-- rollup:duckdb -->").nth(1).unwrap();
    let block = after.split("```sql").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

/// The roll-up keeps what HEALTH.md reads (users, events and features per day): raw events,
/// one row each at a time of their UTC day, and the same events rolled up by the documented
/// query and unloaded as hive-partitioned Parquet parts, load to identical scores.
#[test]
fn scores_from_rolled_up_usage_equal_scores_from_raw_events() {
    use retain::model::score::{self, AsOf};

    let source = common::scoring_db();
    retain::sample_data::load_if_empty(&source).unwrap();
    // Each loaded row of `count` events becomes that many events, spread over its day.
    source
        .conn()
        .execute_batch(
            "CREATE TABLE events AS
             SELECT account_id, user_id, feature,
                 CAST(occurred_at AS DATE)
                     + to_seconds(hash(account_id, user_id, occurred_at, i) % 86400) AS event_time
             FROM usage, range(count) r(i)",
        )
        .unwrap();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dataset = || {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&sample).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".csv.gz") && !name.starts_with("usage") {
                std::fs::copy(sample.join(&name), dir.path().join(&name)).unwrap();
            }
        }
        dir
    };
    let (raw, rolled) = (dataset(), dataset());
    source
        .conn()
        .execute_batch(&format!(
            "COPY (SELECT account_id, user_id, event_time AS occurred_at, feature FROM events)
                 TO '{}' (FORMAT parquet);
             COPY (SELECT *, occurred_at AS date FROM ({}))
                 TO '{}' (FORMAT parquet, PARTITION_BY (date));",
            raw.path().join("usage.parquet").display(),
            rollup_sql(),
            rolled.path().join("usage").display()
        ))
        .unwrap();
    let scores = |dir: &std::path::Path| {
        let db = common::scoring_db();
        let summary = load_dir(&db, dir, false).unwrap();
        let usage = summary.tables.iter().find(|t| t.table == "usage").unwrap();
        let live = AsOf::resolve(&db, None).unwrap();
        let earlier = AsOf::historical(live.date - chrono::Days::new(45));
        let scored = [live, earlier].map(|as_of| score::score_accounts(db.conn(), as_of).unwrap());
        (usage.rows, scored)
    };
    let (raw_rows, from_raw) = scores(raw.path());
    let (rolled_rows, from_rolled) = scores(rolled.path());
    assert!(
        rolled_rows * 3 < raw_rows,
        "the roll-up is smaller: {rolled_rows} rows for {raw_rows} events"
    );
    assert_eq!(from_raw[0].len(), 275);
    for (raw, rolled) in from_raw.iter().zip(&from_rolled) {
        assert_eq!(raw, rolled);
    }
}

#[test]
fn accounts_may_be_a_folder_of_parts_too() {
    let db = Db::open_in_memory().unwrap();
    let text = std::fs::read_to_string(fixture("good/accounts.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let dir = dataset_with_parts(
        "accounts",
        &[
            ("part-0.csv", &format!("{header}\n{}\n", rows[0])),
            (
                "part-1.csv",
                &format!("{header}\n{}\n", rows[1..].join("\n")),
            ),
        ],
    );
    let summary = load_dir(&db, dir.path(), false).unwrap();
    let accounts = &summary.tables[0];
    assert_eq!(accounts.file.as_deref(), Some("accounts/ (2 parts)"));
    assert_eq!((accounts.rows, accounts.orphans), (rows.len() as u64, 0));
    let good = Db::open_in_memory().unwrap();
    load_dir(&good, &fixture("good"), false).unwrap();
    let all =
        "SELECT account_id, name, arr::VARCHAR, contract_start::VARCHAR FROM accounts ORDER BY 1";
    assert_eq!(rows_as_text(&db, all), rows_as_text(&good, all));
}

/// Texts near the shapes people write: each of `bases` with one to three characters replaced,
/// inserted or deleted, drawn from digits and the characters that mean something in a date, a
/// time, an offset or a number.
fn mutations(bases: &[&str], count: usize) -> Vec<String> {
    let mut rng = retain::rng::Rng::new(7);
    let chars: Vec<char> = "0123456789012345678901234567890123456789-+ /T:.Ze_\u{3000}"
        .chars()
        .collect();
    (0..count)
        .map(|_| {
            let mut text: Vec<char> = rng.pick(bases).chars().collect();
            for _ in 0..rng.range(1, 4) {
                let at = rng.below(text.len() as u64 + 1) as usize;
                let c = rng.pick(&chars);
                match rng.below(10) {
                    0..=6 if at < text.len() => text[at] = c,
                    7 | 8 => text.insert(at, c),
                    _ if at < text.len() => {
                        text.remove(at);
                    }
                    _ => text.push(c),
                }
            }
            text.into_iter().collect()
        })
        .collect()
}

/// The typed read takes a value only as the full stage's rule reads it: for every text the
/// typed macro accepts, the contract's macro, given the trimmed text as the full stage gives
/// it, reads the same value. And the shortcut both paths take for the contract's two plain
/// timestamp shapes (plain_utc_timestamp, in Rust) reads nothing the general ISO rule (date
/// shape, real offset, DuckDB's cast) reads otherwise: an earlier shortcut, DuckDB's cast to
/// TIMESTAMP, took `15:00: 0Z` as 15:00, reading the rest as a zone it ignores.
#[test]
fn the_typed_reads_rules_accept_nothing_the_full_stage_reads_otherwise() {
    let db = Db::open_in_memory().unwrap();
    load::define_rules(&db).unwrap();
    let stamps = mutations(
        &[
            "2026-11-10T15:00:00Z",
            "2026-11-10 15:00:00",
            "2026-01-09T05:07:09.250Z",
            "2026-11-10T15:00:00+09:00",
            "2026-11-10",
            "2026-11-1T 15:00:00",
            "2026-11-1 T15:00:00Z",
        ],
        40_000,
    );
    // Whatever the full stage takes has the contract's date shape: a four-digit year, a
    // two-digit month and day, then nothing or `T` or a space. (DuckDB's cast took
    // `2026-11-1T 15:00:00` as the first of November.)
    let mut stmt = db
        .conn()
        .prepare(
            "SELECT v FROM unnest(string_split(?, chr(31))) AS t(v) \
             WHERE contract_timestamp(trim(v)) IS NOT NULL \
               AND NOT regexp_full_match(trim(v), '(\\d{4}-\\d{2}-\\d{2}|\\d{4}/\\d{2}/\\d{2})([T ].*)?') \
             LIMIT 10",
        )
        .unwrap();
    let misshapen: Vec<String> = stmt
        .query_map([stamps.join("\u{1f}")], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(misshapen.is_empty(), "the full stage reads {misshapen:?}");
    let wholes = mutations(&["7", "12", "-3", "123456789"], 10_000);
    for (typed, contract, texts) in [
        ("typed_timestamp", "contract_timestamp", &stamps),
        ("typed_whole", "contract_whole", &wholes),
    ] {
        let texts = texts.join("\u{1f}");
        let query = |select: &str| {
            format!(
                "SELECT {select} FROM unnest(string_split(?, chr(31))) AS t(v) WHERE {typed}(v) IS NOT NULL"
            )
        };
        let accepted: u64 = db
            .conn()
            .query_row(&query("count(*)"), [&texts], |r| r.get(0))
            .unwrap();
        assert!(accepted > 1_000, "{typed} accepts only {accepted} texts");
        let mut stmt = db
            .conn()
            .prepare(&format!(
                "{} AND {typed}(v) IS DISTINCT FROM {contract}(nullif(trim(v), '')) LIMIT 10",
                query("v")
            ))
            .unwrap();
        let differing: Vec<String> = stmt
            .query_map([&texts], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(differing.is_empty(), "{typed} accepts {differing:?}");
    }
    let mut stmt = db
        .conn()
        .prepare(
            "SELECT v FROM unnest(string_split(?, chr(31))) AS t(v) \
             WHERE plain_utc_timestamp(v) IS DISTINCT FROM \
               CASE WHEN date_shape(v, '-') AND real_offset(v) THEN utc_timestamp(v) END \
               AND plain_utc_timestamp(v) IS NOT NULL \
             LIMIT 10",
        )
        .unwrap();
    let differing: Vec<String> = stmt
        .query_map([stamps.join("\u{1f}")], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        differing.is_empty(),
        "the plain shapes' shortcut reads {differing:?}"
    );
}
