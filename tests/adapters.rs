//! Property tests of every import adapter: random valid records, written the way the vendor
//! writes them, import and read back equal; a record with an unreadable time is refused at its
//! own line, and nothing changes. Few cases in CI; `PROPTEST_CASES` raises them.

mod common;

use chrono::DateTime;
use proptest::prelude::*;
use retain::db::Db;
use retain::db::load::LoadOptions;
use retain::import::{self, ImportRequest, Vendor};

/// The four accounts of tests/fixtures/import/accounts.
const ACCOUNTS: [&str; 4] = ["A-001", "A-002", "A-003", "A-004"];

/// One vendor record, before the vendor's layout is applied.
#[derive(Debug, Clone)]
struct Record {
    account: usize,
    /// Seconds since 1970, between 2020 and the end of 2026.
    at: i64,
    /// Free text: commas, quotes, line breaks, Japanese.
    text: String,
    score: u8,
    user: String,
}

fn text() -> impl Strategy<Value = String> {
    // Starts and ends with a letter: vendors' values are trimmed.
    "[a-zあ-ん]([a-zA-Z0-9あ-ん漢字,\"' \n]{0,12}[a-z])?"
}

fn record() -> impl Strategy<Value = Record> {
    (
        0..ACCOUNTS.len(),
        1_577_836_800i64..1_798_761_600,
        text(),
        0u8..=10,
        "[a-z][a-z0-9]{0,6}",
    )
        .prop_map(|(account, at, text, score, user)| Record {
            account,
            at,
            text,
            score,
            user,
        })
}

fn records() -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(record(), 1..6)
}

fn utc(at: i64, layout: &str) -> String {
    DateTime::from_timestamp(at, 0)
        .unwrap()
        .format(layout)
        .to_string()
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

fn json(value: &str) -> String {
    serde_json::to_string(value).unwrap()
}

/// A vendor's layout: its file, how records are written, and what the contract gets.
struct Adapter {
    vendor: Vendor,
    file: &'static str,
    /// The export holding `records`; the record at `broken` (if any) gets an unreadable time.
    write: fn(&[Record], Option<usize>) -> String,
    /// The line record `i` starts on.
    line: fn(&[Record], usize) -> u64,
    /// The query that reads the imported rows back, and each record's expected row.
    query: &'static str,
    expected: fn(usize, &Record) -> Vec<String>,
}

const BROKEN_TIME: &str = "someday";

fn csv_line(records: &[Record], i: usize, header_lines: u64) -> u64 {
    header_lines
        + 1
        + records[..i]
            .iter()
            .map(|r| 1 + r.text.matches('\n').count() as u64)
            .sum::<u64>()
}

fn time_or_broken(r: &Record, i: usize, broken: Option<usize>, layout: &str) -> String {
    if broken == Some(i) {
        BROKEN_TIME.to_owned()
    } else {
        utc(r.at, layout)
    }
}

const ISO: &str = "%Y-%m-%d %H:%M:%S";

fn adapters() -> Vec<Adapter> {
    vec![
        Adapter {
            vendor: Vendor::Zendesk,
            file: "tickets.csv",
            write: |records, broken| {
                let mut out =
                    "Id,Requester email,Subject,Status,Priority,Created at,Organization\n"
                        .to_owned();
                for (i, r) in records.iter().enumerate() {
                    out.push_str(&format!(
                        "{},,{},open,{},{},{}\n",
                        100 + i,
                        quoted(&r.text),
                        ["Low", "Normal", "High", "Urgent"][r.score as usize % 4],
                        time_or_broken(r, i, broken, ISO),
                        ACCOUNTS[r.account]
                    ));
                }
                out
            },
            line: |records, i| csv_line(records, i, 1),
            query: "SELECT ticket_id, account_id, opened_at::VARCHAR, coalesce(closed_at::VARCHAR, ''), priority, subject FROM tickets WHERE origin = $1",
            expected: |i, r| {
                vec![
                    (100 + i).to_string(),
                    ACCOUNTS[r.account].to_owned(),
                    utc(r.at, ISO),
                    String::new(),
                    ["low", "normal", "high", "urgent"][r.score as usize % 4].to_owned(),
                    r.text.clone(),
                ]
            },
        },
        Adapter {
            vendor: Vendor::Salesforce,
            file: "accounts.csv",
            write: |records, broken| {
                let mut out = "Id,Name,ARR__c,CreatedDate\n".to_owned();
                for (i, r) in records.iter().enumerate() {
                    out.push_str(&format!(
                        "S-{i},{},\"${},{:03}.{:02}\",{}\n",
                        quoted(&r.text),
                        1 + r.score,
                        r.at % 1000,
                        r.at % 100,
                        time_or_broken(r, i, broken, "%Y-%m-%d")
                    ));
                }
                out
            },
            line: |records, i| csv_line(records, i, 1),
            query: "SELECT account_id, name, arr::VARCHAR, contract_start::VARCHAR FROM accounts WHERE origin = $1",
            expected: |i, r| {
                vec![
                    format!("S-{i}"),
                    r.text.clone(),
                    format!("{}{:03}.{:02}", 1 + r.score, r.at % 1000, r.at % 100),
                    utc(r.at, "%Y-%m-%d"),
                ]
            },
        },
        Adapter {
            vendor: Vendor::Qualtrics,
            file: "responses.csv",
            write: |records, broken| {
                let mut out = "RecordedDate,ExternalReference,RecipientEmail,Q1,Q1_NPS_GROUP,Q2_TEXT\n\
                               Recorded Date,External Data Reference,Recipient Email,How likely?,How likely? - Group,Why?\n"
                    .to_owned();
                for (i, r) in records.iter().enumerate() {
                    out.push_str(&format!(
                        "{},{},{}@example.com,{},x,{}\n",
                        time_or_broken(r, i, broken, ISO),
                        ACCOUNTS[r.account],
                        r.user,
                        r.score,
                        quoted(&r.text)
                    ));
                }
                out
            },
            line: |records, i| csv_line(records, i, 2),
            query: "SELECT account_id, responded_at::VARCHAR, kind, score::VARCHAR, respondent, comment FROM surveys WHERE origin = $1",
            expected: |_, r| {
                vec![
                    ACCOUNTS[r.account].to_owned(),
                    utc(r.at, ISO),
                    "nps".to_owned(),
                    r.score.to_string(),
                    format!("{}@example.com", r.user),
                    r.text.clone(),
                ]
            },
        },
        Adapter {
            vendor: Vendor::Surveymonkey,
            file: "responses.csv",
            write: |records, broken| {
                let mut out = "Respondent ID,Start Date,End Date,Email Address,Custom Data 1,How likely is it that you would recommend us?,Why?\n\
                               ,,,,,Response,Open-Ended Response\n"
                    .to_owned();
                for (i, r) in records.iter().enumerate() {
                    let when = time_or_broken(r, i, broken, "%m/%d/%Y %I:%M:%S %p");
                    out.push_str(&format!(
                        "{i},{when},{when},{}@example.com,{},{},{}\n",
                        r.user,
                        ACCOUNTS[r.account],
                        r.score,
                        quoted(&r.text)
                    ));
                }
                out
            },
            line: |records, i| csv_line(records, i, 2),
            query: "SELECT account_id, responded_at::VARCHAR, kind, score::VARCHAR, respondent, comment FROM surveys WHERE origin = $1",
            expected: |_, r| {
                vec![
                    ACCOUNTS[r.account].to_owned(),
                    utc(r.at, ISO),
                    "nps".to_owned(),
                    r.score.to_string(),
                    format!("{}@example.com", r.user),
                    r.text.clone(),
                ]
            },
        },
        Adapter {
            vendor: Vendor::Delighted,
            file: "responses.json",
            write: |records, broken| {
                let items: Vec<String> = records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let at = if broken == Some(i) {
                            json(BROKEN_TIME)
                        } else {
                            r.at.to_string()
                        };
                        format!(
                            "{{\"id\": \"{i}\", \"score\": {}, \"survey_type\": \"nps\", \"created_at\": {at}, \"comment\": {}, \"person\": {{\"email\": \"{}@example.com\"}}, \"person_properties\": {{\"Company\": \"{}\"}}}}",
                            r.score,
                            json(&r.text),
                            r.user,
                            ACCOUNTS[r.account]
                        )
                    })
                    .collect();
                format!("[\n{}\n]\n", items.join(",\n"))
            },
            line: |_, i| i as u64 + 2,
            query: "SELECT account_id, responded_at::VARCHAR, kind, score::VARCHAR, respondent, comment FROM surveys WHERE origin = $1",
            expected: |_, r| {
                vec![
                    ACCOUNTS[r.account].to_owned(),
                    utc(r.at, ISO),
                    "nps".to_owned(),
                    r.score.to_string(),
                    format!("{}@example.com", r.user),
                    r.text.clone(),
                ]
            },
        },
        Adapter {
            vendor: Vendor::Segment,
            file: "events.jsonl",
            write: |records, broken| {
                records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        format!(
                            "{{\"type\": \"track\", \"userId\": \"{}\", \"event\": {}, \"timestamp\": \"{}\", \"messageId\": \"m-{i}\", \"context\": {{\"groupId\": \"{}\"}}}}\n",
                            r.user,
                            json(&r.text),
                            time_or_broken(r, i, broken, "%Y-%m-%dT%H:%M:%S.000Z"),
                            ACCOUNTS[r.account]
                        )
                    })
                    .collect()
            },
            line: |_, i| i as u64 + 1,
            query: USAGE,
            expected: usage_row,
        },
        Adapter {
            vendor: Vendor::Mixpanel,
            file: "export.jsonl",
            write: |records, broken| {
                records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let at = if broken == Some(i) {
                            json(BROKEN_TIME)
                        } else {
                            r.at.to_string()
                        };
                        format!(
                            "{{\"event\": {}, \"properties\": {{\"time\": {at}, \"distinct_id\": \"{}\", \"$insert_id\": \"x-{i}\", \"account_id\": \"{}\"}}}}\n",
                            json(&r.text),
                            r.user,
                            ACCOUNTS[r.account]
                        )
                    })
                    .collect()
            },
            line: |_, i| i as u64 + 1,
            query: USAGE,
            expected: usage_row,
        },
        Adapter {
            vendor: Vendor::Amplitude,
            file: "hour.jsonl",
            write: |records, broken| {
                records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        format!(
                            "{{\"user_id\": \"{}\", \"event_type\": {}, \"event_time\": \"{}\", \"$insert_id\": \"a-{i}\", \"groups\": {{\"company\": \"{}\"}}}}\n",
                            r.user,
                            json(&r.text),
                            time_or_broken(r, i, broken, "%Y-%m-%d %H:%M:%S%.6f"),
                            ACCOUNTS[r.account]
                        )
                    })
                    .collect()
            },
            line: |_, i| i as u64 + 1,
            query: USAGE,
            expected: usage_row,
        },
    ]
}

const USAGE: &str = "SELECT account_id, user_id, occurred_at::VARCHAR, feature, count::VARCHAR FROM usage WHERE origin = $1";

fn usage_row(_: usize, r: &Record) -> Vec<String> {
    vec![
        ACCOUNTS[r.account].to_owned(),
        r.user.clone(),
        utc(r.at, ISO),
        r.text.clone(),
        "1".to_owned(),
    ]
}

/// A database holding the accounts of tests/fixtures/import/accounts, shared by the adapters
/// of one case (each import replaces only what its own vendor brought).
fn database() -> Db {
    let db = Db::open_in_memory().unwrap();
    common::load_dir(&db, &common::fixture("import/accounts"), false).unwrap();
    db
}

fn import_export(db: &Db, adapter: &Adapter, text: &str) -> retain::error::Result<()> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(adapter.file);
    std::fs::write(&path, text).unwrap();
    let files = [path];
    let request = ImportRequest {
        vendor: adapter.vendor,
        files: &files,
        mapping: None,
        time_zone: None,
        dry_run: false,
        options: LoadOptions::default(),
    };
    import::import(
        db,
        &request,
        &dir.path().join("u.csv"),
        &dir.path().join("r.csv"),
        &mut |_| {},
    )
    .map(drop)
}

/// The rows `adapter` brought, in a stable order.
fn imported(db: &Db, adapter: &Adapter) -> Vec<Vec<String>> {
    let mut stmt = db.conn().prepare(adapter.query).unwrap();
    let columns = stmt.column_count();
    let mut rows: Vec<Vec<String>> = stmt
        .query_map([adapter.vendor.name()], |row| {
            (0..columns).map(|i| row.get::<_, String>(i)).collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn valid_records_round_trip_through_every_adapter(records in records()) {
        let db = database();
        for adapter in adapters() {
            let text = (adapter.write)(&records, None);
            let result = import_export(&db, &adapter, &text);
            prop_assert!(result.is_ok(), "{:?}: {:?}\n{}", adapter.vendor, result.err(), text);
            let mut expected: Vec<Vec<String>> = records
                .iter()
                .enumerate()
                .map(|(i, r)| (adapter.expected)(i, r))
                .collect();
            expected.sort();
            prop_assert_eq!(imported(&db, &adapter), expected, "{:?}", adapter.vendor);
        }
    }

    #[test]
    fn an_unreadable_time_is_refused_at_its_line(records in records(), pick in any::<prop::sample::Index>()) {
        let broken = pick.index(records.len());
        let db = database();
        let before = common::fingerprint(&db);
        for adapter in adapters() {
            let text = (adapter.write)(&records, Some(broken));
            let Err(e) = import_export(&db, &adapter, &text) else {
                return Err(TestCaseError::fail(format!("{:?} took {BROKEN_TIME}", adapter.vendor)));
            };
            let message = e.to_string();
            let at = format!("{}:{}:", adapter.file, (adapter.line)(&records, broken));
            prop_assert!(message.contains(&at), "{:?}: expected {} in\n{}", adapter.vendor, at, message);
            prop_assert!(message.contains(BROKEN_TIME), "{}", message);
            prop_assert_eq!(&common::fingerprint(&db), &before, "{:?} changed the database", adapter.vendor);
        }
    }
}

#[test]
fn the_adapters_cover_every_vendor() {
    use clap::ValueEnum;
    let covered: Vec<Vendor> = adapters().iter().map(|a| a.vendor).collect();
    for vendor in Vendor::value_variants() {
        assert!(covered.contains(vendor), "{vendor} has no property test");
    }
}
