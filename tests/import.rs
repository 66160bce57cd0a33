//! `retain import`: every vendor's fixture (built from ../shared/spec/IMPORTS.md) checked row
//! by row after import, the unmatched report, the merge with what is loaded, --dry-run, and
//! errors that point at the vendor's file, line and column.

mod common;

use std::path::PathBuf;
use std::process::Command;

use chrono_tz::Tz;
use common::{fingerprint, fixture, load_dir, rows_as_text};
use retain::db::Db;
use retain::db::load::LoadOptions;
use retain::error::Result;
use retain::import::{self, ImportReport, ImportRequest, Vendor};

struct Setup {
    dir: tempfile::TempDir,
    db: Db,
}

/// A database holding the four accounts of tests/fixtures/import/accounts.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("r.duckdb")).unwrap();
    load_dir(&db, &fixture("import/accounts"), false).unwrap();
    Setup { dir, db }
}

struct Run<'a> {
    vendor: Vendor,
    files: &'a [&'a str],
    mapping: Option<&'a str>,
    time_zone: Option<Tz>,
    dry_run: bool,
    skip_bad_rows: bool,
}

fn run(vendor: Vendor, files: &'static [&'static str]) -> Run<'static> {
    Run {
        vendor,
        files,
        mapping: None,
        time_zone: None,
        dry_run: false,
        skip_bad_rows: false,
    }
}

impl Setup {
    fn import(&self, run: Run) -> Result<ImportReport> {
        let files: Vec<PathBuf> = run
            .files
            .iter()
            .map(|f| match std::path::Path::new(f).is_absolute() {
                true => PathBuf::from(f),
                false => fixture(&format!("import/{f}")),
            })
            .collect();
        let mapping = run.mapping.map(|m| fixture(&format!("import/{m}")));
        let request = ImportRequest {
            vendor: run.vendor,
            files: &files,
            mapping: mapping.as_deref(),
            time_zone: run.time_zone,
            dry_run: run.dry_run,
            options: LoadOptions {
                skip_bad_rows: run.skip_bad_rows,
                ..LoadOptions::default()
            },
        };
        import::import(
            &self.db,
            &request,
            &self.dir.path().join("unmatched.csv"),
            &self.dir.path().join("rejects.csv"),
            &mut |_| {},
        )
    }

    fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        rows_as_text(&self.db, sql)
    }
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|v| (*v).to_owned()).collect())
        .collect()
}

const TICKETS: &str = "SELECT ticket_id, account_id, opened_at::VARCHAR, closed_at::VARCHAR, priority, subject FROM tickets ORDER BY ticket_id";
const SURVEYS: &str = "SELECT account_id, responded_at::VARCHAR, kind, score::VARCHAR, respondent, comment FROM surveys ORDER BY responded_at, account_id";
const USAGE: &str = "SELECT account_id, user_id, occurred_at::VARCHAR, feature, count::VARCHAR FROM usage ORDER BY occurred_at, account_id";

fn unmatched(report: &ImportReport) -> Vec<(String, u64, String)> {
    report
        .prepared
        .unmatched
        .iter()
        .map(|u| (u.file.clone(), u.line, u.value.clone()))
        .collect()
}

#[test]
fn zendesk_tickets_and_satisfaction_scores_row_by_row() {
    let s = setup();
    let report = s
        .import(Run {
            mapping: Some("zendesk/map.toml"),
            ..run(Vendor::Zendesk, &["zendesk/tickets.csv"])
        })
        .unwrap();
    // Times are Tokyo time (the mapping's zone), stored in UTC; `Urgent` and an empty
    // priority are Zendesk's words for urgent and normal; a pending ticket is open even
    // though it was solved once; full-width ＡＢＣ商事 is ABC商事; globex.com is an alias.
    assert_eq!(
        s.rows(TICKETS),
        strings(&[
            &[
                "101",
                "A-001",
                "2026-11-02 00:15:00",
                "",
                "urgent",
                "ログインできない"
            ],
            &[
                "102",
                "A-004",
                "2026-11-01 01:00:00",
                "2026-11-03 09:30:00",
                "normal",
                "請求書の再発行"
            ],
            &[
                "103",
                "A-002",
                "2026-10-28 14:30:00",
                "2026-10-30 03:00:00",
                "high",
                "Export times out"
            ],
            &[
                "105",
                "A-003",
                "2026-11-04 23:00:00",
                "",
                "normal",
                "TPS report, \"cover sheet\"\nsecond line"
            ],
        ])
    );
    // Good → CSAT 5, Bad → CSAT 1; Offered, Not Offered and empty are not responses.
    assert_eq!(
        s.rows(SURVEYS),
        strings(&[
            &[
                "A-002",
                "2026-10-30 03:00:00",
                "csat",
                "1",
                "hank@globex.com",
                ""
            ],
            &[
                "A-004",
                "2026-11-03 09:30:00",
                "csat",
                "5",
                "ichiro@abc-shoji.jp",
                ""
            ],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("tickets.csv".to_owned(), 5, "Umbrella Corp".to_owned())]
    );
    assert_eq!(report.prepared.matched, 4);
    assert_eq!(report.prepared.skipped.values().sum::<u64>(), 2);
    let written = std::fs::read_to_string(report.unmatched_file.unwrap()).unwrap();
    assert_eq!(
        written,
        "file,line,fields tried,value,accounts sharing that name\r\ntickets.csv,5,Organization | Requester domain,Umbrella Corp,\r\n"
    );
}

#[test]
fn without_a_mapping_times_are_utc_and_domains_match_nothing() {
    let s = setup();
    let report = s
        .import(run(Vendor::Zendesk, &["zendesk/tickets.csv"]))
        .unwrap();
    let tickets = s.rows(TICKETS);
    assert_eq!(tickets[0][2], "2026-11-02 09:15:00");
    let values: Vec<String> = unmatched(&report).into_iter().map(|u| u.2).collect();
    assert_eq!(values, ["globex.com", "Umbrella Corp"]);
}

#[test]
fn a_broken_value_is_reported_at_the_vendors_line_and_column_and_nothing_loads() {
    let s = setup();
    let before = fingerprint(&s.db);
    let error = s
        .import(Run {
            mapping: Some("zendesk/map.toml"),
            ..run(Vendor::Zendesk, &["zendesk/tickets_bad_time.csv"])
        })
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains(
            "tickets_bad_time.csv:3:17: Created at (opened_at) must be an ISO 8601 timestamp (found \"03.11.2026 10:00\")"
        ),
        "{error}"
    );
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn importing_again_replaces_what_the_same_source_brought_and_keeps_the_rest() {
    let s = setup();
    let zendesk = || Run {
        mapping: Some("zendesk/map.toml"),
        ..run(Vendor::Zendesk, &["zendesk/tickets.csv"])
    };
    s.import(zendesk()).unwrap();
    s.import(Run {
        mapping: Some("qualtrics/map.toml"),
        ..run(Vendor::Qualtrics, &["qualtrics/responses.csv"])
    })
    .unwrap();
    s.import(zendesk()).unwrap();
    let by_origin =
        s.rows("SELECT origin, count(*)::VARCHAR FROM surveys GROUP BY origin ORDER BY origin");
    assert_eq!(
        by_origin,
        strings(&[&["qualtrics", "3"], &["zendesk", "2"]])
    );
    assert_eq!(
        s.rows("SELECT count(*)::VARCHAR FROM tickets"),
        strings(&[&["4"]])
    );
    // The loaded accounts are untouched, and the load record names the import.
    assert_eq!(
        s.rows("SELECT count(*)::VARCHAR FROM accounts"),
        strings(&[&["4"]])
    );
    assert_eq!(
        s.rows(
            "SELECT source_file, loaded_rows::VARCHAR FROM load_info WHERE table_name = 'surveys'"
        ),
        strings(&[&["tickets.csv", "5"]])
    );
}

#[test]
fn dry_run_changes_nothing_and_shows_example_rows() {
    let s = setup();
    let before = fingerprint(&s.db);
    let report = s
        .import(Run {
            mapping: Some("zendesk/map.toml"),
            dry_run: true,
            ..run(Vendor::Zendesk, &["zendesk/tickets.csv"])
        })
        .unwrap();
    assert_eq!(fingerprint(&s.db), before);
    assert!(report.unmatched_file.is_none());
    let rows: Vec<(&str, u64)> = report
        .merged
        .load
        .tables
        .iter()
        .map(|t| (t.table, t.rows))
        .collect();
    assert_eq!(rows, [("tickets", 4), ("surveys", 2)]);
    let examples = &report.merged.examples[0];
    assert_eq!(examples.table, "tickets");
    assert_eq!(examples.columns[0], "ticket_id");
    assert_eq!(examples.rows.len(), 3);
    assert_eq!(examples.rows[0][2].as_deref(), Some("2026-11-02 00:15:00"));
}

#[test]
fn salesforce_api_export_with_opportunities_row_by_row() {
    let s = setup();
    let files: &[&str] = &[
        "salesforce/accounts_api.csv",
        "salesforce/opportunities.csv",
    ];
    // Vandelay has no ARR: the whole import is refused, at its line and column…
    let error = s
        .import(run(Vendor::Salesforce, files))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("accounts_api.csv:4:14: ARR__c (arr) is required"),
        "{error}"
    );
    // …unless the CSM sets such rows aside.
    let report = s
        .import(Run {
            skip_bad_rows: true,
            ..run(Vendor::Salesforce, files)
        })
        .unwrap();
    assert_eq!(report.merged.load.tables[0].rejected, 1);
    let accounts = s.rows(
        "SELECT account_id, name, owner, segment, plan, arr::VARCHAR, seats::VARCHAR, contract_start::VARCHAR, renewal_date::VARCHAR, churned_on::VARCHAR FROM accounts WHERE origin = 'salesforce' ORDER BY account_id",
    );
    // Northwind's renewal comes from its open renewal opportunity, not the closed one or
    // the upsell.
    assert_eq!(
        accounts,
        strings(&[
            &[
                "0015g00000AbCdEAAV",
                "株式会社アクメ",
                "佐藤 花子",
                "Enterprise",
                "",
                "240000.00",
                "400",
                "2024-03-01",
                "2027-03-01",
                ""
            ],
            &[
                "0015g00000XyZ12AAF",
                "ノースウィンド株式会社",
                "田中 健",
                "Mid-Market",
                "",
                "72000.00",
                "90",
                "2025-02-14",
                "2027-02-14",
                ""
            ],
        ])
    );
    assert_eq!(
        s.rows("SELECT count(*)::VARCHAR FROM accounts"),
        strings(&[&["6"]])
    );
}

#[test]
fn salesforce_contacts_import_into_contacts_with_the_teams_custom_fields() {
    let s = setup();
    s.import(Run {
        skip_bad_rows: true,
        ..run(Vendor::Salesforce, &["salesforce/accounts_api.csv"])
    })
    .unwrap();
    let report = s
        .import(Run {
            mapping: Some("salesforce/contacts_map.toml"),
            ..run(Vendor::Salesforce, &["salesforce/contacts_api.csv"])
        })
        .unwrap();
    let contacts = &report.merged.load.tables[0];
    assert_eq!(
        (contacts.table, contacts.rows, contacts.orphans),
        ("contacts", 3, 1)
    );
    assert_eq!(
        s.rows(
            "SELECT contact_id, account_id, name, email, role, champion::VARCHAR, decision_maker::VARCHAR, coalesce(left_on::VARCHAR, '') FROM contacts ORDER BY contact_id"
        ),
        strings(&[
            &["0035g00000Aa1AAA", "0015g00000AbCdEAAV", "田中 一郎", "Ichiro.Tanaka@acme.co.jp", "CTO", "true", "false", "2026-10-01"],
            &["0035g00000Aa2AAA", "0015g00000AbCdEAAV", "鈴木 花子", "hanako.suzuki@acme.co.jp", "情報システム部長", "false", "true", ""],
            &["0035g00000Aa3AAA", "0015g00000XyZ12AAF", "Dana Whitfield", "dana@northwind.jp", "VP Operations", "true", "true", ""],
        ])
    );
    // The accounts imported before are kept: a Contact export adds people, it replaces no account.
    assert_eq!(
        s.rows("SELECT count(*)::VARCHAR FROM accounts WHERE origin = 'salesforce'"),
        strings(&[&["2"]])
    );
    // Without the mapping the team's custom field is not guessed: nobody is a champion.
    s.import(run(Vendor::Salesforce, &["salesforce/contacts_api.csv"]))
        .unwrap();
    assert_eq!(
        s.rows("SELECT count(*) FILTER (WHERE champion)::VARCHAR FROM contacts"),
        strings(&[&["0"]])
    );
}

#[test]
fn salesforce_report_export_with_labels_and_us_dates() {
    let s = setup();
    let error = s
        .import(run(Vendor::Salesforce, &["salesforce/accounts_report.csv"]))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("accounts_report.csv:2:8: Created Date (contract_start) must be a date YYYY-MM-DD (found \"3/1/2024\")"),
        "{error}"
    );
    s.import(Run {
        mapping: Some("salesforce/map.toml"),
        ..run(Vendor::Salesforce, &["salesforce/accounts_report.csv"])
    })
    .unwrap();
    assert_eq!(
        s.rows("SELECT account_id, name, owner, arr::VARCHAR, contract_start::VARCHAR, renewal_date::VARCHAR FROM accounts WHERE origin = 'salesforce' ORDER BY account_id"),
        strings(&[
            &["0015g00000AbCdE", "株式会社アクメ", "佐藤 花子", "240000.00", "2024-03-01", "2027-03-01"],
            &["0015g00000XyZ12", "ノースウィンド株式会社", "田中 健", "72000.00", "2025-02-14", ""],
        ])
    );
}

#[test]
fn qualtrics_three_header_rows_and_nps_group_row_by_row() {
    let s = setup();
    let report = s
        .import(Run {
            mapping: Some("qualtrics/map.toml"),
            ..run(Vendor::Qualtrics, &["qualtrics/responses.csv"])
        })
        .unwrap();
    // RecordedDate is in the zone of the ImportId row (Asia/Tokyo); the ExternalReference is
    // the CRM id (full-width Ａ－００２ included); choice text "10 - Extremely likely" is 10.
    assert_eq!(
        s.rows(SURVEYS),
        strings(&[
            &[
                "A-001",
                "2026-11-10 00:00:00",
                "nps",
                "9",
                "taro@acme.co.jp",
                "とても使いやすい"
            ],
            &[
                "A-002",
                "2026-11-11 09:30:00",
                "nps",
                "3",
                "hanako@globex.com",
                ""
            ],
            &[
                "A-002",
                "2026-11-13 01:00:00",
                "nps",
                "10",
                "",
                "Great support, \"fast\""
            ],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("responses.csv".to_owned(), 8, "A-999".to_owned())]
    );
    // The preview and the unanswered response are left out on purpose.
    assert_eq!(report.prepared.skipped.values().sum::<u64>(), 2);
}

#[test]
fn surveymonkey_two_header_rows_row_by_row() {
    let s = setup();
    let report = s
        .import(Run {
            time_zone: Some(Tz::America__New_York),
            ..run(Vendor::Surveymonkey, &["surveymonkey/responses.csv"])
        })
        .unwrap();
    // Half-width 株式会社ｱｸﾒ and upper-case GLOBEX CORP find their accounts; New York is
    // UTC−5 in November.
    assert_eq!(
        s.rows(SURVEYS),
        strings(&[
            &[
                "A-001",
                "2026-11-12 14:03:04",
                "nps",
                "8",
                "taro@acme.co.jp",
                "サポートが早い"
            ],
            &[
                "A-002",
                "2026-11-13 15:05:00",
                "nps",
                "0",
                "amy@globex.com",
                "Too slow"
            ],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("responses.csv".to_owned(), 4, "jiro@initech.com".to_owned())]
    );
}

#[test]
fn delighted_api_json_row_by_row() {
    let s = setup();
    let error = s
        .import(run(Vendor::Delighted, &["delighted/responses.json"]))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("responses.json:97: score nps must be 0–10 (found \"11\")"),
        "{error}"
    );
    let report = s
        .import(run(Vendor::Delighted, &["delighted/responses_valid.json"]))
        .unwrap();
    // created_at is unix seconds; ces7 is CES; smileys is no contract kind; a repeated id
    // counts once.
    assert_eq!(
        s.rows(SURVEYS),
        strings(&[
            &[
                "A-001",
                "2026-11-03 14:03:00",
                "nps",
                "9",
                "taro@acme.co.jp",
                "使いやすい"
            ],
            &["A-002", "2026-11-04 14:03:00", "csat", "2", "9002", ""],
            &["A-003", "2026-11-05 14:03:00", "ces", "6", "9003", ""],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("responses_valid.json".to_owned(), 82, "Hooli".to_owned())]
    );
    assert_eq!(report.prepared.skipped.len(), 2);
}

#[test]
fn segment_events_find_accounts_through_group_calls() {
    let s = setup();
    let report = s
        .import(run(Vendor::Segment, &["segment/events.jsonl"]))
        .unwrap();
    // u-1 by its group's id, u-2 by its group's name (org-globex is no account id), anon-9
    // by context.groupId; the repeated messageId counts once; identify is not usage.
    assert_eq!(
        s.rows(USAGE),
        strings(&[
            &[
                "A-001",
                "u-1",
                "2026-11-10 01:02:03",
                "Report Exported",
                "1"
            ],
            &["A-002", "u-2", "2026-11-11 00:00:00", "Dashboard", "1"],
            &["A-003", "anon-9", "2026-11-12 12:00:00", "Signed In", "1"],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("events.jsonl".to_owned(), 8, String::new())]
    );
}

/// `bytes` gzipped, as vendors ship exports.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The fixture's two hourly files as Amplitude's Export API ships them: a zip of gzipped
/// JSON-lines files (built here so the repository holds only text).
fn amplitude_zip(dir: &std::path::Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for hour in [1, 2] {
        let text = std::fs::read(fixture(&format!("import/amplitude/hour{hour}.jsonl"))).unwrap();
        let name = format!("123456/123456_2026-11-10_{hour}#0.json.gz");
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&gzip(&text)).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[test]
fn amplitude_zip_of_gzipped_hours_row_by_row() {
    let s = setup();
    let zip = amplitude_zip(s.dir.path());
    let report = s
        .import(Run {
            files: &[zip.to_str().unwrap()],
            ..run(Vendor::Amplitude, &[])
        })
        .unwrap();
    assert_eq!(
        s.rows(USAGE),
        strings(&[
            &[
                "A-001",
                "taro",
                "2026-11-10 01:02:03",
                "Dashboard Viewed",
                "1"
            ],
            &["A-002", "d2", "2026-11-10 01:30:00", "Report Run", "1"],
            &["A-003", "amy", "2026-11-10 02:10:00", "Report Run", "1"],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [(
            "export.zip:123456/123456_2026-11-10_2#0.json.gz".to_owned(),
            3,
            "Hooli".to_owned()
        )]
    );
}

#[test]
fn mixpanel_raw_export_row_by_row() {
    let s = setup();
    let report = s
        .import(run(Vendor::Mixpanel, &["mixpanel/export.jsonl"]))
        .unwrap();
    // Seconds and milliseconds both read; $identify is not usage; $insert_id deduplicates.
    assert_eq!(
        s.rows(USAGE),
        strings(&[
            &[
                "A-001",
                "taro",
                "2026-11-03 14:03:00",
                "Report Exported",
                "1"
            ],
            &[
                "A-002",
                "amy",
                "2026-11-04 14:03:00",
                "Dashboard Viewed",
                "1"
            ],
        ])
    );
    assert_eq!(
        unmatched(&report),
        [("export.jsonl".to_owned(), 5, String::new())]
    );
}

#[test]
fn an_import_needs_accounts_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("r.duckdb")).unwrap();
    let s = Setup { dir, db };
    let error = s
        .import(run(Vendor::Mixpanel, &["mixpanel/export.jsonl"]))
        .err()
        .unwrap()
        .to_string();
    assert!(error.starts_with("no accounts are loaded"), "{error}");
}

fn retain(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_retain"))
        .args(args)
        .env("RETAIN_DB", db)
        .output()
        .unwrap()
}

#[test]
fn the_command_line_dry_run_and_a_mapping_error_with_its_line() {
    let s = setup();
    let db_path = s.dir.path().join("r.duckdb");
    let tickets = fixture("import/zendesk/tickets.csv");
    let tickets = tickets.to_str().unwrap();
    drop(s.db);
    let out = retain(
        &db_path,
        &[
            "import",
            "zendesk",
            tickets,
            "--time-zone",
            "Asia/Tokyo",
            "--dry-run",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(
        text.contains("Accounts: 3 rows matched, 2 unmatched"),
        "{text}"
    );
    assert!(
        text.contains("no account for \"globex.com\" in Organization | Requester domain: 1 row"),
        "{text}"
    );
    assert!(text.contains("Example tickets rows:"), "{text}");
    assert!(text.contains("2026-11-02 00:15:00"), "{text}");

    let map = s.dir.path().join("bad.toml");
    std::fs::write(
        &map,
        "time_zone = \"Asia/Tokyo\"\n[zendesk.columns]\nsubjekt = \"Title\"\n",
    )
    .unwrap();
    let out = retain(
        &db_path,
        &["import", "zendesk", tickets, "--map", map.to_str().unwrap()],
    );
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        error.contains("bad.toml:3:1: zendesk has no field \"subjekt\""),
        "{error}"
    );
}

#[test]
fn the_same_rows_from_other_forms_of_the_exports() {
    // Qualtrics TSV (UTF-16 with a byte-order mark) reads as its CSV does.
    let csv = setup();
    csv.import(Run {
        mapping: Some("qualtrics/map.toml"),
        ..run(Vendor::Qualtrics, &["qualtrics/responses.csv"])
    })
    .unwrap();
    let tsv = setup();
    let tsv_path = tsv.dir.path().join("responses.tsv");
    let mut utf16 = vec![0xFF, 0xFE];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(fixture("import/qualtrics/responses.csv"))
        .unwrap();
    let mut text = Vec::new();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .from_writer(&mut text);
        for record in reader.records() {
            writer.write_record(&record.unwrap()).unwrap();
        }
    }
    for unit in String::from_utf8(text).unwrap().encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(&tsv_path, utf16).unwrap();
    tsv.import(Run {
        mapping: Some("qualtrics/map.toml"),
        files: &[tsv_path.to_str().unwrap()],
        ..run(Vendor::Qualtrics, &[])
    })
    .unwrap();
    assert_eq!(tsv.rows(SURVEYS), csv.rows(SURVEYS));
    // A gzipped Mixpanel export reads as the plain one does.
    let plain = setup();
    plain
        .import(run(Vendor::Mixpanel, &["mixpanel/export.jsonl"]))
        .unwrap();
    let gzipped = setup();
    let gz_path = gzipped.dir.path().join("export.jsonl.gz");
    let plain_text = std::fs::read(fixture("import/mixpanel/export.jsonl")).unwrap();
    std::fs::write(&gz_path, gzip(&plain_text)).unwrap();
    gzipped
        .import(Run {
            files: &[gz_path.to_str().unwrap()],
            ..run(Vendor::Mixpanel, &[])
        })
        .unwrap();
    assert_eq!(gzipped.rows(USAGE), plain.rows(USAGE));
}

#[test]
fn zendesk_explore_exports_use_id_and_a_subset_of_columns() {
    let s = setup();
    // A ticket loaded with `retain load` is replaced by the import that brings its id again.
    s.db.conn()
        .execute(
            "INSERT INTO tickets VALUES ('201', 'A-002', TIMESTAMP '2026-11-06 01:00:00', NULL, 'low', 'old copy', NULL)",
            [],
        )
        .unwrap();
    s.import(Run {
        time_zone: Some(Tz::Asia__Tokyo),
        ..run(Vendor::Zendesk, &["zendesk/explore.csv"])
    })
    .unwrap();
    assert_eq!(
        s.rows(TICKETS),
        strings(&[
            &[
                "201",
                "A-002",
                "2026-11-06 01:00:00",
                "2026-11-07 01:00:00",
                "high",
                "Slow dashboards"
            ],
            &[
                "202",
                "A-001",
                "2026-11-08 01:00:00",
                "",
                "normal",
                "CSV 文字化け"
            ],
        ])
    );
}

#[test]
fn an_import_in_which_no_row_finds_its_account_changes_nothing() {
    let s = setup();
    s.import(run(Vendor::Mixpanel, &["mixpanel/export.jsonl"]))
        .unwrap();
    let before = fingerprint(&s.db);
    // The accounts are somewhere else than the mapping says: every row is unmatched.
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "[mixpanel]\naccount = [\"properties.org\"]\n").unwrap();
    let request = ImportRequest {
        vendor: Vendor::Mixpanel,
        files: &[fixture("import/mixpanel/export.jsonl")],
        mapping: Some(&map),
        time_zone: None,
        dry_run: false,
        options: LoadOptions::default(),
    };
    let error = import::import(
        &s.db,
        &request,
        &dir.path().join("u.csv"),
        &dir.path().join("r.csv"),
        &mut |_| {},
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        error.starts_with(
            "mixpanel: none of the 3 rows found its account: properties.org is empty in every row"
        ),
        "{error}"
    );
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn an_empty_export_changes_nothing_and_says_so() {
    fn zendesk<'a>(files: &'a [&'a str]) -> Run<'a> {
        Run {
            vendor: Vendor::Zendesk,
            files,
            mapping: Some("zendesk/map.toml"),
            time_zone: None,
            dry_run: false,
            skip_bad_rows: false,
        }
    }
    let s = setup();
    s.import(zendesk(&["zendesk/tickets.csv"])).unwrap();
    let before = s.rows("SELECT count(*)::VARCHAR FROM tickets");
    let header = std::fs::read_to_string(fixture("import/zendesk/tickets.csv")).unwrap();
    let header = header.lines().next().unwrap().to_owned();
    for (name, text) in [
        ("empty.csv", String::new()),
        ("header_only.csv", header + "\n"),
    ] {
        let path = s.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let path = path.to_string_lossy().into_owned();
        let files = [path.as_str()];
        let error = match s.import(zendesk(&files)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{name} was imported"),
        };
        let said = match name {
            "empty.csv" => error.contains("is empty"),
            _ => {
                error.contains("no zendesk rows to import") && error.contains("nothing was changed")
            }
        };
        assert!(said && error.starts_with(name), "{name}: {error}");
        assert_eq!(
            s.rows("SELECT count(*)::VARCHAR FROM tickets"),
            before,
            "{name}"
        );
    }
}

/// Writes `text` into the setup's folder as `name`, for an export built in the test.
fn export(s: &Setup, name: &str, text: &str) -> String {
    let path = s.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn import_files(
    s: &Setup,
    vendor: Vendor,
    files: &[&str],
    mapping: Option<&str>,
) -> Result<ImportReport> {
    import_with(s, vendor, files, mapping, LoadOptions::default())
}

/// Imports exports written by the test (and a mapping given as text) with these options.
fn import_with(
    s: &Setup,
    vendor: Vendor,
    files: &[&str],
    mapping: Option<&str>,
    options: LoadOptions,
) -> Result<ImportReport> {
    let map = mapping.map(|m| export(s, "map.toml", m));
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let request = ImportRequest {
        vendor,
        files: &files,
        mapping: map.as_deref().map(std::path::Path::new),
        time_zone: None,
        dry_run: false,
        options,
    };
    import::import(
        &s.db,
        &request,
        &s.dir.path().join("unmatched.csv"),
        &s.dir.path().join("rejects.csv"),
        &mut |_| {},
    )
}

#[test]
fn salesforce_amounts_are_read_one_way_or_refused_with_their_line_and_column() {
    let s = setup();
    let before = fingerprint(&s.db);
    let file = export(
        &s,
        "sf_amounts.csv",
        "Id,Name,ARR__c,CreatedDate\n\
         S-1,One,1e6,2025-01-01\n\
         S-2,Two,\"€1.234,56\",2025-01-01\n\
         S-3,Three,\"(1,000)\",2025-01-01\n\
         S-4,Four,\"1 234,56\",2025-01-01\n\
         S-5,Five,1.5k,2025-01-01\n\
         S-6,Six,\"$1,200.50\",2025-01-01\n",
    );
    let error = import_files(&s, Vendor::Salesforce, &[&file], None)
        .err()
        .unwrap()
        .to_string();
    for (line, value) in [
        (2, "1e6"),
        (3, "€1.234,56"),
        (4, "(1,000)"),
        (5, "1 234,56"),
        (6, "1.5k"),
    ] {
        let expected = format!(
            "sf_amounts.csv:{line}:3: ARR__c (arr) must be a decimal number (found \"{value}\")"
        );
        assert!(error.contains(&expected), "{expected}\n{error}");
    }
    assert!(!error.contains(":7:"), "{error}");
    assert_eq!(fingerprint(&s.db), before);

    // European exports name their decimal mark.
    let file = export(
        &s,
        "sf_euro.csv",
        "Id,Name,ARR__c,CreatedDate\nS-1,One,\"€1.234,56\",2025-01-01\nS-2,Two,\"2 000 000,00 EUR\",2025-01-01\n",
    );
    import_files(
        &s,
        Vendor::Salesforce,
        &[&file],
        Some("[salesforce]\ndecimal_mark = \",\"\n"),
    )
    .unwrap();
    assert_eq!(
        s.rows(
            "SELECT account_id, arr::VARCHAR FROM accounts WHERE origin = 'salesforce' ORDER BY 1"
        ),
        strings(&[&["S-1", "1234.56"], &["S-2", "2000000.00"]])
    );
}

#[test]
fn a_header_named_twice_is_refused_for_the_field_it_holds() {
    let s = setup();
    let file = export(
        &s,
        "sf_twice.csv",
        "Id,Name,ARR__c,Id,CreatedDate\nS-1,One,10,S-9,2025-01-01\n",
    );
    let error = import_files(&s, Vendor::Salesforce, &[&file], None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "sf_twice.csv:1: columns 1 and 4 are both named \"Id\", so account_id is ambiguous (rule: each column once; rename or remove one)"
    );
}

#[test]
fn unix_times_before_1970_or_past_9999_are_refused_at_their_line() {
    let s = setup();
    let before = fingerprint(&s.db);
    let file = export(
        &s,
        "mp.jsonl",
        "{\"event\": \"Report Exported\", \"properties\": {\"time\": 1793714580, \"distinct_id\": \"taro\", \"company\": \"株式会社アクメ\"}}\n\
         {\"event\": \"Report Exported\", \"properties\": {\"time\": -86400, \"distinct_id\": \"taro\", \"company\": \"株式会社アクメ\"}}\n\
         {\"event\": \"Report Exported\", \"properties\": {\"time\": 253402300800000, \"distinct_id\": \"taro\", \"company\": \"株式会社アクメ\"}}\n",
    );
    let error = import_files(&s, Vendor::Mixpanel, &[&file], None)
        .err()
        .unwrap()
        .to_string();
    for expected in [
        "mp.jsonl:2: properties.time (occurred_at) must be an ISO 8601 timestamp (found \"-86400\")",
        "mp.jsonl:3: properties.time (occurred_at) must be an ISO 8601 timestamp (found \"253402300800000\")",
    ] {
        assert!(error.contains(expected), "{expected}\n{error}");
    }
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn a_fifo_given_as_an_export_is_refused_not_waited_on() {
    let s = setup();
    let fifo = s.dir.path().join("events.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    let error = import_files(&s, Vendor::Mixpanel, &[&fifo], None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "events.jsonl: is not a regular file (a folder, FIFO, socket or device); name an export file"
    );
}

#[test]
fn qualtrics_zone_row_in_the_current_camel_case_layout_is_read_and_reported() {
    let s = setup();
    let report = s
        .import(Run {
            mapping: Some("qualtrics/map.toml"),
            ..run(
                Vendor::Qualtrics,
                &["qualtrics/responses_current_layout.csv"],
            )
        })
        .unwrap();
    // 2026-11-10 09:00 in Denver (UTC−7 in November) is 16:00 UTC.
    assert_eq!(
        s.rows("SELECT responded_at::VARCHAR FROM surveys WHERE account_id = 'A-001'"),
        strings(&[&["2026-11-10 16:00:00"]])
    );
    assert_eq!(
        report.prepared.zones,
        [(
            Tz::America__Denver,
            import::mapping::ZoneFrom::Export(
                "responses_current_layout.csv, its ImportId row".to_owned()
            )
        )]
    );
    // A zone the CSM names wins over the file's, and the summary says so.
    let report = s
        .import(Run {
            mapping: Some("qualtrics/map.toml"),
            time_zone: Some(Tz::Asia__Tokyo),
            ..run(
                Vendor::Qualtrics,
                &["qualtrics/responses_current_layout.csv"],
            )
        })
        .unwrap();
    assert_eq!(
        report.prepared.zones,
        [(Tz::Asia__Tokyo, import::mapping::ZoneFrom::Flag)]
    );
}

#[test]
fn a_two_digit_year_read_with_capital_y_names_the_format_and_suggests_lowercase_y() {
    let s = setup();
    let before = fingerprint(&s.db);
    let file = export(
        &s,
        "sf_dates.csv",
        "Id,Name,ARR__c,CreatedDate\nS-1,One,10,02/03/24\n",
    );
    let error = import_files(
        &s,
        Vendor::Salesforce,
        &[&file],
        Some("[salesforce]\ndate_format = \"%m/%d/%Y\"\n"),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        error.contains("sf_dates.csv:2:4: CreatedDate (contract_start) must be a date YYYY-MM-DD (found \"02/03/24\"): the mapping's date_format \"%m/%d/%Y\" reads the year as 0024, outside 1970–"),
        "{error}"
    );
    assert!(
        error.contains("two-digit years are %y: date_format = \"%m/%d/%y\""),
        "{error}"
    );
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn unread_times_suggest_a_date_format_and_never_guess_day_and_month() {
    let s = setup();
    let header = "Id,Requester email,Subject,Status,Priority,Created at,Organization\n";
    let ambiguous = export(
        &s,
        "zd_ambiguous.csv",
        &format!("{header}101,taro@acme.co.jp,x,open,Urgent,06-04-2023 20:26,株式会社アクメ\n"),
    );
    let error = import_files(&s, Vendor::Zendesk, &[&ambiguous], None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("(found \"06-04-2023 20:26\"): the times read as day first (\"%d-%m-%Y %H:%M\") or month first (\"%m-%d-%Y %H:%M\") and the export does not say which"),
        "{error}"
    );
    // One row past the 12th tells the order for the whole export.
    let day_first = export(
        &s,
        "zd_day_first.csv",
        &format!(
            "{header}101,taro@acme.co.jp,x,open,Urgent,06-04-2023 20:26,株式会社アクメ\n\
             102,taro@acme.co.jp,y,open,Urgent,13-04-2023 09:00,株式会社アクメ\n"
        ),
    );
    let error = import_files(&s, Vendor::Zendesk, &[&day_first], None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("the times look like \"%d-%m-%Y %H:%M\": add date_format = \"%d-%m-%Y %H:%M\" to [zendesk] in the mapping file"),
        "{error}"
    );
}

#[test]
fn opportunities_without_a_type_column_give_no_renewal_dates_and_say_why() {
    let s = setup();
    let opportunities = export(
        &s,
        "opps_no_type.csv",
        "Id,AccountId,Name,StageName,CloseDate,IsClosed\n\
         0065,S-1,New logo,Prospecting,2027-01-15,false\n",
    );
    let accounts = export(
        &s,
        "sf_accounts.csv",
        "Id,Name,ARR__c,CreatedDate\nS-1,One,10,2025-01-01\n",
    );
    let report = import_files(&s, Vendor::Salesforce, &[&accounts, &opportunities], None).unwrap();
    assert_eq!(
        s.rows("SELECT coalesce(renewal_date::VARCHAR, '') FROM accounts WHERE account_id = 'S-1'"),
        strings(&[&[""]])
    );
    assert_eq!(
        report.prepared.notes,
        [
            "opps_no_type.csv has no Type column, so renewals cannot be told from other open opportunities: no renewal date was taken from it (export the opportunities with Type)"
        ]
    );
    // Accounts imports count accounts, not matched rows.
    assert_eq!(report.prepared.accounts, Some((1, 0)));
    let report = import_files(&s, Vendor::Salesforce, &[&accounts], None).unwrap();
    assert_eq!(report.prepared.accounts, Some((0, 1)));
}

#[test]
fn an_unreadable_close_date_is_blamed_on_the_opportunity_file_and_column() {
    let s = setup();
    let before = fingerprint(&s.db);
    let opportunities = export(
        &s,
        "opps.csv",
        "Id,AccountId,Name,Type,CloseDate,IsClosed\n\
         0065,S-1,Renewal 2027,Renewal,someday,false\n",
    );
    let accounts = export(
        &s,
        "sf_accounts.csv",
        "Id,Name,ARR__c,CreatedDate\nS-1,One,10,2025-01-01\n",
    );
    let error = import_files(&s, Vendor::Salesforce, &[&accounts, &opportunities], None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "opps.csv:2:5: CloseDate (renewal_date) must be a date YYYY-MM-DD (found \"someday\")"
    );
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn a_name_two_accounts_share_is_ambiguous_with_both_ids() {
    let s = setup();
    // A second account named like A-001 (株式会社アクメ).
    s.db.conn()
        .execute_batch(
            "INSERT INTO accounts (account_id, name, arr, contract_start) VALUES ('A-009', '株式会社アクメ', 1, DATE '2025-01-01')",
        )
        .unwrap();
    let report = s
        .import(Run {
            mapping: Some("zendesk/map.toml"),
            ..run(Vendor::Zendesk, &["zendesk/tickets.csv"])
        })
        .unwrap();
    let ambiguous: Vec<&import::Unmatched> = report
        .prepared
        .unmatched
        .iter()
        .filter(|u| u.value == "株式会社アクメ")
        .collect();
    assert!(!ambiguous.is_empty());
    for u in ambiguous {
        assert_eq!(u.sharing, ["A-001", "A-009"]);
    }
    let unmatched = std::fs::read_to_string(report.unmatched_file.unwrap()).unwrap();
    assert!(
        unmatched.starts_with("file,line,fields tried,value,accounts sharing that name\r\n"),
        "{unmatched}"
    );
    assert!(
        unmatched.contains(",株式会社アクメ,A-001 A-009\r\n"),
        "{unmatched}"
    );
}

#[test]
fn an_import_whose_account_field_is_always_empty_says_so_and_names_likely_columns() {
    let s = setup();
    let file = export(
        &s,
        "zd_no_org.csv",
        "Id,Requester email,Subject,Status,Priority,Created at,Organization,Requester external id\n\
         101,,x,open,Urgent,2026-11-02 09:15:00,,A-001\n\
         102,,y,open,Low,2026-11-02 09:15:00,,A-002\n",
    );
    for dry_run in [false, true] {
        let files = [PathBuf::from(&file)];
        let request = ImportRequest {
            vendor: Vendor::Zendesk,
            files: &files,
            mapping: None,
            time_zone: None,
            dry_run,
            options: LoadOptions::default(),
        };
        let error = import::import(
            &s.db,
            &request,
            &s.dir.path().join("u.csv"),
            &s.dir.path().join("r.csv"),
            &mut |_| {},
        )
        .err()
        .unwrap();
        assert_eq!(error.exit_code(), 1, "a data problem, dry run or not");
        let message = error.to_string();
        assert!(
            message.starts_with("zendesk: none of the 2 rows found its account: Organization | Requester domain is empty in every row (rule: name the column that holds the account with `account = [\"…\"]` in [zendesk] of the mapping file; columns that look like ids or names: \"Id\", \"Requester email\", \"Organization\", \"Requester external id\"); nothing was changed"),
            "{message}"
        );
    }
}

#[test]
fn skipping_bad_rows_of_an_export_keeps_their_vendor_record_and_never_skips_them_all() {
    let s = setup();
    let header = "Id,Requester email,Subject,Status,Priority,Created at,Organization\n";
    let good = "101,taro@acme.co.jp,x,open,Urgent,2026-11-02 09:15:00,株式会社アクメ\n\
                102,taro@acme.co.jp,y,open,Low,2026-11-03 09:15:00,株式会社アクメ\n";
    let bad = "103,taro@acme.co.jp,\"two\nlines\",open,Urgent,someday,株式会社アクメ\n";
    let file = export(&s, "zd_skip.csv", &format!("{header}{good}{bad}"));
    let files = [PathBuf::from(&file)];
    let skip = |files: &[PathBuf]| {
        let request = ImportRequest {
            vendor: Vendor::Zendesk,
            files,
            mapping: None,
            time_zone: None,
            dry_run: false,
            options: LoadOptions {
                skip_bad_rows: true,
                ..LoadOptions::default()
            },
        };
        import::import(
            &s.db,
            &request,
            &s.dir.path().join("u.csv"),
            &s.dir.path().join("rejects.csv"),
            &mut |_| {},
        )
    };
    skip(&files).unwrap();
    let rejects = std::fs::read_to_string(s.dir.path().join("rejects.csv")).unwrap();
    assert!(
        rejects.ends_with(
            "tickets,zd_skip.csv,4,Created at (opened_at),must be an ISO 8601 timestamp,someday,\"103,taro@acme.co.jp,\"\"two\nlines\"\",open,Urgent,someday,株式会社アクメ\"\r\n"
        ),
        "{rejects}"
    );
    // Every row bad: a failure, not "Imported … 0 rows".
    let before = fingerprint(&s.db);
    let all_bad = export(&s, "zd_all_bad.csv", &format!("{header}{bad}"));
    let error = skip(&[PathBuf::from(&all_bad)]).err().unwrap().to_string();
    assert!(
        error.contains("1 of 1 rows break the data contract, too many to set aside"),
        "{error}"
    );
    assert_eq!(fingerprint(&s.db), before);
}

#[test]
fn a_required_field_without_a_column_is_one_line_naming_the_headers_tried() {
    let s = setup();
    let text = std::fs::read_to_string(fixture("import/qualtrics/responses.csv")).unwrap();
    // The same export without its date columns.
    let without_dates = text
        .replace("StartDate,EndDate,", "Begun,Ended,")
        .replace("RecordedDate,", "Recorded,");
    let file = export(&s, "q_no_dates.csv", &without_dates);
    let error = import_files(&s, Vendor::Qualtrics, &[&file], Some("[aliases]\n"))
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "q_no_dates.csv:1: no column for responded_at: tried RecordedDate, EndDate (rule: qualtrics rows need responded_at; name the column with [qualtrics.columns] responded_at = \"…\")"
    );
}

#[test]
fn numeric_zendesk_satisfaction_scores_are_csat() {
    let s = setup();
    let header = "Id,Requester email,Subject,Status,Priority,Created at,Organization,Satisfaction Score,Updated at\n";
    let file = export(
        &s,
        "zd_numeric.csv",
        &format!(
            "{header}101,taro@acme.co.jp,x,solved,Urgent,2026-11-02 09:15:00,株式会社アクメ,4,2026-11-04 09:00:00\n\
             102,taro@acme.co.jp,y,solved,Low,2026-11-03 09:15:00,株式会社アクメ,1,2026-11-05 09:00:00\n"
        ),
    );
    import_files(&s, Vendor::Zendesk, &[&file], None).unwrap();
    assert_eq!(
        s.rows("SELECT kind, score::VARCHAR FROM surveys WHERE origin = 'zendesk' ORDER BY responded_at"),
        strings(&[&["csat", "4"], &["csat", "1"]])
    );
    // A number past 5 is no CSAT: refused at its line and column.
    let file = export(
        &s,
        "zd_ten.csv",
        &format!(
            "{header}101,taro@acme.co.jp,x,solved,Urgent,2026-11-02 09:15:00,株式会社アクメ,9,2026-11-04 09:00:00\n"
        ),
    );
    let error = import_files(&s, Vendor::Zendesk, &[&file], None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("zd_ten.csv:2:8: Satisfaction Score (score) csat must be 1–5 (found \"9\")"),
        "{error}"
    );
}

fn import_encoded(
    s: &Setup,
    vendor: Vendor,
    file: &str,
    encoding: retain::db::csv_file::TextEncoding,
) -> Result<ImportReport> {
    let options = LoadOptions {
        encoding,
        ..LoadOptions::default()
    };
    import_with(s, vendor, &[file], None, options)
}

#[test]
fn a_windows_1252_export_names_the_encodings_tried_and_reads_with_encoding() {
    use retain::db::csv_file::TextEncoding;
    let s = setup();
    let text = "Respondent ID,Collector ID,Start Date,End Date,Email Address,Custom Data 1,How likely is it that you would recommend this product to a friend or colleague?,What is the main reason for your score?\n\
                ,,,,,,Response,Open-Ended Response\n\
                1,2,11/12/2026 09:01:10 AM,11/12/2026 09:03:04 AM,amy@globex.com,Globex Corp,9,Très bien\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let path = s.dir.path().join("sm_1252.csv");
    std::fs::write(&path, &bytes).unwrap();
    let file = path.to_string_lossy().into_owned();
    let error = import_encoded(&s, Vendor::Surveymonkey, &file, TextEncoding::Auto)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "sm_1252.csv:3:82: is not UTF-8 text, nor UTF-16 or Shift_JIS (rule: vendor exports are UTF-8, UTF-16 or Shift_JIS); name the encoding with --encoding (windows-1252, shift_jis or utf-16)"
    );
    import_encoded(&s, Vendor::Surveymonkey, &file, TextEncoding::Windows1252).unwrap();
    assert_eq!(
        s.rows("SELECT comment FROM surveys WHERE origin = 'surveymonkey'"),
        strings(&[&["Très bien"]])
    );
}

#[test]
fn shift_jis_and_utf16_exports_are_detected_by_themselves() {
    use retain::db::csv_file::TextEncoding;
    let utf8 = {
        let s = setup();
        s.import(Run {
            mapping: Some("zendesk/map.toml"),
            ..run(Vendor::Zendesk, &["zendesk/tickets.csv"])
        })
        .unwrap();
        s.rows(TICKETS)
    };
    let text = std::fs::read_to_string(fixture("import/zendesk/tickets.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let (shift_jis, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!lossy);
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (name, bytes) in [("sjis.csv", shift_jis.to_vec()), ("utf16.csv", utf16)] {
        let s = setup();
        let path = s.dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let files = [path.clone()];
        let map = fixture("import/zendesk/map.toml");
        let request = ImportRequest {
            vendor: Vendor::Zendesk,
            files: &files,
            mapping: Some(&map),
            time_zone: None,
            dry_run: false,
            options: LoadOptions {
                encoding: TextEncoding::Auto,
                ..LoadOptions::default()
            },
        };
        import::import(
            &s.db,
            &request,
            &s.dir.path().join("u.csv"),
            &s.dir.path().join("r.csv"),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(s.rows(TICKETS), utf8, "{name}");
    }
}

#[test]
fn every_import_reports_rows_and_the_range_of_each_tables_main_date() {
    let s = setup();
    let report = s
        .import(Run {
            mapping: Some("qualtrics/map.toml"),
            dry_run: true,
            ..run(
                Vendor::Qualtrics,
                &["qualtrics/responses_current_layout.csv"],
            )
        })
        .unwrap();
    let read = &report.prepared.read;
    assert_eq!(
        read,
        &[import::TableRead {
            table: "surveys",
            rows: 3,
            main_date: "responded_at",
            range: Some(("2026-11-10".to_owned(), "2026-11-13".to_owned())),
        }]
    );
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    assert_eq!(read[0].warning(day("2026-12-02")), None);
    assert_eq!(
        read[0].warning(day("2026-11-12")).unwrap(),
        "ends after today (2026-11-12): check the year, the date_format and the zone"
    );
    let old = import::TableRead {
        range: Some(("1924-02-03".to_owned(), "2026-11-13".to_owned())),
        ..read[0].clone()
    };
    assert_eq!(
        old.warning(day("2026-12-02")).unwrap(),
        "starts before 1990: check the year and the date_format"
    );
}

#[test]
fn a_surveymonkey_matrix_row_can_be_named_as_question_and_row() {
    let s = setup();
    let text = "Respondent ID,Start Date,End Date,Email Address,Custom Data 1,How satisfied are you with us?,,What else?\n\
                ,,,,,Support,Product,Open-Ended Response\n\
                1,11/12/2026 09:01:10 AM,11/12/2026 09:03:04 AM,amy@globex.com,Globex Corp,4,2,Faster please\n";
    let file = export(&s, "sm_matrix.csv", text);
    let mapping = "[surveymonkey.columns]\ncsat = \"How satisfied are you with us?::Product\"\n";
    import_files(&s, Vendor::Surveymonkey, &[&file], Some(mapping)).unwrap();
    assert_eq!(
        s.rows("SELECT kind, score::VARCHAR, comment FROM surveys WHERE origin = 'surveymonkey'"),
        strings(&[&["csat", "2", "Faster please"]])
    );
    let wrong = "[surveymonkey.columns]\ncsat = \"How satisfied are you with us?::Price\"\n";
    let error = import_files(&s, Vendor::Surveymonkey, &[&file], Some(wrong))
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "sm_matrix.csv:2: no column \"How satisfied are you with us?\"::\"Price\", which the mapping file names for csat: that question's rows are \"Support\", \"Product\" (rule: a matrix row is named \"Question::Row\")"
    );
}

#[test]
fn a_qualtrics_text_question_is_found_by_its_import_id() {
    let s = setup();
    let text = std::fs::read_to_string(fixture("import/qualtrics/responses.csv")).unwrap();
    // The text question's column renamed from Q2_TEXT to Feedback; its ImportId keeps _TEXT.
    let renamed = text.replacen("Q2_TEXT", "Feedback", 1);
    assert!(
        renamed.contains("QID2_TEXT"),
        "the fixture's ImportId row names QID2_TEXT"
    );
    let file = export(&s, "q_renamed.csv", &renamed);
    import_files(&s, Vendor::Qualtrics, &[&file], Some("[aliases]\n")).unwrap();
    assert_eq!(
        s.rows("SELECT comment FROM surveys WHERE account_id = 'A-001'"),
        strings(&[&["とても使いやすい"]])
    );
}
