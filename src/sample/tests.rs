use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime};

use super::*;

const STEMS: [&str; 7] = [
    "accounts",
    "usage",
    "tickets",
    "surveys",
    "activities",
    "outcomes",
    "contacts",
];

fn as_of() -> NaiveDate {
    SampleOptions::DEFAULT_AS_OF.parse().unwrap()
}

fn options(accounts: usize, seed: u64, gzip: bool) -> SampleOptions {
    SampleOptions {
        accounts,
        seed,
        as_of: as_of(),
        gzip,
    }
}

/// Generates into a fresh directory and returns the raw bytes of each file.
fn run(opts: &SampleOptions) -> (SampleSummary, Vec<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(opts, dir.path()).unwrap();
    let bytes = summary
        .files
        .iter()
        .map(|(path, _)| fs::read(path).unwrap())
        .collect();
    (summary, bytes)
}

/// A small RFC 4180 reader: returns records, each a list of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else {
            match c {
                '"' => {
                    assert!(field.is_empty(), "quote inside an unquoted field");
                    quoted = true;
                }
                ',' => record.push(std::mem::take(&mut field)),
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                '\r' => panic!("CR outside quotes"),
                _ => field.push(c),
            }
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(
        field.is_empty() && record.is_empty(),
        "missing final newline"
    );
    records
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }
}

fn tables(bytes: &[Vec<u8>]) -> HashMap<&'static str, Table> {
    STEMS
        .iter()
        .zip(bytes)
        .map(|(stem, b)| {
            let text = std::str::from_utf8(b).expect("UTF-8");
            assert!(!text.starts_with('\u{feff}'), "BOM in {stem}");
            let mut records = parse_csv(text);
            let header = records.remove(0);
            for (i, r) in records.iter().enumerate() {
                assert_eq!(r.len(), header.len(), "{stem} row {i}: {r:?}");
            }
            (
                *stem,
                Table {
                    header,
                    rows: records,
                },
            )
        })
        .collect()
}

fn ts(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap_or_else(|e| panic!("bad timestamp {s:?}: {e}"))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {s:?}: {e}"))
}

/// Replays the account plans exactly as `generate` makes them.
fn plans(opts: &SampleOptions) -> Vec<Plan> {
    let cal = Calendar::new(opts.as_of);
    let mut names = HashSet::new();
    (0..opts.accounts)
        .map(|i| plan_account(opts.seed, i, &cal, &mut names))
        .collect()
}

#[test]
fn same_options_give_identical_bytes() {
    let opts = options(60, 7, false);
    let (_, a) = run(&opts);
    let (_, b) = run(&opts);
    for (stem, (x, y)) in STEMS.iter().zip(a.iter().zip(&b)) {
        assert!(x == y, "{stem} differs between runs");
    }
}

#[test]
fn different_seeds_differ() {
    let (_, a) = run(&options(40, 1, false));
    let (_, b) = run(&options(40, 2, false));
    for (stem, (x, y)) in STEMS.iter().zip(a.iter().zip(&b)) {
        assert!(x != y, "{stem} identical across seeds");
    }
}

#[test]
fn more_accounts_keep_the_first_accounts_stable() {
    let (_, small) = run(&options(20, 9, false));
    let (_, large) = run(&options(30, 9, false));
    for (x, y) in small.iter().zip(&large) {
        assert!(y.starts_with(x));
    }
}

#[test]
fn gzip_decompresses_to_the_plain_bytes() {
    let (plain_summary, plain) = run(&options(50, 3, false));
    let (gz_summary, gz) = run(&options(50, 3, true));
    for ((p, g), ((pp, pn), (gp, gn))) in plain
        .iter()
        .zip(&gz)
        .zip(plain_summary.files.iter().zip(&gz_summary.files))
    {
        assert!(pp.to_str().unwrap().ends_with(".csv"));
        assert!(gp.to_str().unwrap().ends_with(".csv.gz"));
        assert_eq!(pn, gn);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&g[..])
            .read_to_end(&mut out)
            .unwrap();
        assert!(&out == p, "{} does not round-trip", gp.display());
    }
}

#[test]
fn zero_accounts_write_headers_only() {
    let (summary, bytes) = run(&options(0, 1, false));
    assert_eq!(summary.files.len(), 7);
    for ((_, n), b) in summary.files.iter().zip(&bytes) {
        assert_eq!(*n, 0);
        assert_eq!(b.iter().filter(|&&c| c == b'\n').count(), 1);
    }
}

#[test]
fn rejects_an_as_of_outside_the_supported_years() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(1, 1, false);
    opts.as_of = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
    let err = generate(&opts, dir.path()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn usage_volume_is_about_500_rows_per_account() {
    let (summary, _) = run(&options(200, 11, false));
    let rows = summary.files[1].1 as f64;
    let target = 500.0 * 200.0;
    assert!(
        (rows - target).abs() <= 0.4 * target,
        "{rows} usage rows for 200 accounts"
    );
}

#[test]
fn every_row_obeys_the_contract() {
    let opts = options(300, 42, false);
    let (summary, bytes) = run(&opts);
    let t = tables(&bytes);
    for (stem, (path, n)) in STEMS.iter().zip(&summary.files) {
        assert!(path.file_name().unwrap().to_str().unwrap() == format!("{stem}.csv"));
        assert_eq!(*n as usize, t[stem].rows.len(), "{stem} row count");
    }
    let headers: Vec<String> = STEMS.iter().map(|s| t[s].header.join(",")).collect();
    assert_eq!(
        headers,
        [
            "account_id,name,owner,segment,plan,arr,seats,contract_start,renewal_date,churned_on",
            "account_id,user_id,occurred_at,feature,count",
            "ticket_id,account_id,opened_at,closed_at,priority,subject",
            "account_id,responded_at,kind,score,respondent,comment",
            "account_id,occurred_at,kind,summary,author",
            "outcome_id,account_id,title,kind,created_on,due_on,achieved_on,dropped_on,owner",
            "contact_id,account_id,name,email,role,champion,decision_maker,left_on",
        ]
    );

    let as_of = opts.as_of;
    let limit = as_of.and_hms_opt(23, 59, 59).unwrap();
    let csms: HashSet<&str> = CSMS.iter().map(|c| c.0).collect();

    // accounts
    let a = &t["accounts"];
    let mut churned_on: HashMap<String, Option<NaiveDate>> = HashMap::new();
    let mut segments = HashMap::new();
    let mut unassigned = 0;
    for r in &a.rows {
        let id = r[a.col("account_id")].clone();
        assert!(!id.is_empty());
        assert!(!r[a.col("name")].is_empty());
        let owner = &r[a.col("owner")];
        if owner.is_empty() {
            unassigned += 1;
        } else {
            assert!(csms.contains(owner.as_str()), "owner {owner}");
        }
        let segment = r[a.col("segment")].as_str();
        *segments.entry(segment.to_string()).or_insert(0) += 1;
        let (arr_lo, arr_hi, seats_lo, seats_hi) = match segment {
            "SMB" => (3_000.0, 25_000.0, 5, 50),
            "Mid-Market" => (25_000.0, 150_000.0, 50, 400),
            "Enterprise" => (150_000.0, 1_200_000.0, 300, 5000),
            other => panic!("segment {other}"),
        };
        assert!(
            ["Starter", "Growth", "Business", "Enterprise"].contains(&r[a.col("plan")].as_str())
        );
        let arr = &r[a.col("arr")];
        let (whole, cents) = arr.split_once('.').expect("arr has decimals");
        assert!(
            cents.len() == 2
                && whole
                    .bytes()
                    .chain(cents.bytes())
                    .all(|b| b.is_ascii_digit())
        );
        let arr: f64 = arr.parse().unwrap();
        assert!(
            (arr_lo..=arr_hi + 1.0).contains(&arr),
            "arr {arr} for {segment}"
        );
        let seats = &r[a.col("seats")];
        if !seats.is_empty() {
            let seats: u32 = seats.parse().unwrap();
            assert!(
                (seats_lo..=seats_hi).contains(&seats),
                "seats {seats} for {segment}"
            );
        }
        let start = date(&r[a.col("contract_start")]);
        assert!(start <= as_of && start >= as_of - TimeDelta::days(3 * 366));
        let renewal = &r[a.col("renewal_date")];
        if !renewal.is_empty() {
            assert!(date(renewal) > start);
        }
        let churn = &r[a.col("churned_on")];
        let churn = (!churn.is_empty()).then(|| date(churn));
        if let Some(c) = churn {
            assert!(c <= as_of && c >= start);
        } else if !renewal.is_empty() {
            assert!(date(renewal) >= as_of - TimeDelta::days(31));
        }
        assert!(
            churned_on.insert(id, churn).is_none(),
            "duplicate account id"
        );
    }
    assert!(
        segments["SMB"] > segments["Mid-Market"] && segments["Mid-Market"] > segments["Enterprise"]
    );
    assert!(unassigned < 30);
    assert!(a.rows.iter().any(|r| r[a.col("name")].contains(',')));
    assert!(a.rows.iter().any(|r| r[a.col("name")].contains("株式会社")));

    // Checks shared by every dated row: account exists, not after as_of, not after churn.
    let check = |table: &str, id: &str, at: NaiveDateTime| {
        let churn = churned_on
            .get(id)
            .unwrap_or_else(|| panic!("{table}: unknown account {id}"));
        assert!(at <= limit, "{table}: {at} after as_of");
        if let Some(c) = churn {
            assert!(at.date() <= *c, "{table}: {at} after churn {c} for {id}");
        }
    };

    let u = &t["usage"];
    let features: HashSet<&str> = FEATURES.iter().map(|f| f.0).collect();
    let mut seen_buckets = HashSet::new();
    for r in &u.rows {
        let at = ts(&r[u.col("occurred_at")]);
        check("usage", &r[0], at);
        assert!(at.date() > as_of - TimeDelta::days(180));
        assert!(r[u.col("user_id")].starts_with("u-"));
        let feature = r[u.col("feature")].as_str();
        assert!(features.contains(feature), "feature {feature}");
        assert!(r[u.col("count")].parse::<u64>().unwrap() >= 1);
        assert!(
            seen_buckets.insert((r[u.col("user_id")].clone(), at.date(), feature.to_string())),
            "duplicate usage bucket"
        );
    }

    let tk = &t["tickets"];
    let mut ids = HashSet::new();
    let mut priorities = HashMap::new();
    let mut last_id = 0;
    for r in &tk.rows {
        let id: u64 = r[tk.col("ticket_id")].parse().unwrap();
        assert!(id > last_id, "ticket ids are sequential");
        last_id = id;
        assert!(ids.insert(id));
        let opened = ts(&r[tk.col("opened_at")]);
        check("tickets", &r[tk.col("account_id")], opened);
        assert!(opened.date() > as_of - TimeDelta::days(366));
        let closed = &r[tk.col("closed_at")];
        if !closed.is_empty() {
            let closed = ts(closed);
            assert!(closed >= opened, "closed before opened");
            check("tickets", &r[tk.col("account_id")], closed);
        }
        let priority = r[tk.col("priority")].clone();
        assert!(PRIORITIES.contains(&priority.as_str()));
        *priorities.entry(priority).or_insert(0usize) += 1;
        assert!(!r[tk.col("subject")].is_empty());
    }
    let share = |p: &str| priorities[p] as f64 / tk.rows.len() as f64;
    assert!(share("normal") > share("low") && share("low") > share("urgent"));

    let s = &t["surveys"];
    for r in &s.rows {
        let at = ts(&r[s.col("responded_at")]);
        check("surveys", &r[0], at);
        assert!(at.date() > as_of - TimeDelta::days(368));
        let score: u32 = r[s.col("score")].parse().unwrap();
        let range = match r[s.col("kind")].as_str() {
            "nps" => 0..=10,
            "csat" => 1..=5,
            "ces" => 1..=7,
            other => panic!("survey kind {other}"),
        };
        assert!(range.contains(&score));
        assert!(r[s.col("respondent")].contains('@'));
    }
    let comments: Vec<&String> = s.rows.iter().map(|r| &r[s.col("comment")]).collect();
    assert!(comments.iter().any(|c| c.contains('\n')));
    assert!(comments.iter().any(|c| c.contains('"')));
    assert!(comments.iter().any(|c| c.contains(',')));
    assert!(comments.iter().any(|c| c.is_empty()));
    assert!(comments.iter().any(|c| c.contains("サポート")));

    let ac = &t["activities"];
    for r in &ac.rows {
        let at = ts(&r[ac.col("occurred_at")]);
        check("activities", &r[0], at);
        assert!(ACTIVITY_KINDS.contains(&r[ac.col("kind")].as_str()));
        assert!(!r[ac.col("summary")].is_empty());
        assert!(csms.contains(r[ac.col("author")].as_str()));
    }

    // Outcomes: DATA.md's date order, nothing achieved or dropped after as_of or churn.
    let o = &t["outcomes"];
    let mut ids = HashSet::new();
    let (mut achieved, mut dropped, mut overdue) = (0, 0, 0);
    for r in &o.rows {
        assert!(ids.insert(r[o.col("outcome_id")].clone()));
        let created = date(&r[o.col("created_on")]);
        let due = date(&r[o.col("due_on")]);
        check(
            "outcomes",
            &r[o.col("account_id")],
            created.and_hms_opt(0, 0, 0).unwrap(),
        );
        assert!(due >= created);
        assert!(crate::contract::OUTCOME_KINDS.contains(&r[o.col("kind")].as_str()));
        assert!(!r[o.col("title")].is_empty());
        let closed = |column: &str| {
            let v = &r[o.col(column)];
            (!v.is_empty()).then(|| date(v))
        };
        let (a, d) = (closed("achieved_on"), closed("dropped_on"));
        assert!(a.is_none() || d.is_none(), "achieved and dropped");
        for day in a.iter().chain(&d) {
            assert!(*day >= created);
            check(
                "outcomes",
                &r[o.col("account_id")],
                day.and_hms_opt(0, 0, 0).unwrap(),
            );
        }
        achieved += usize::from(a.is_some());
        dropped += usize::from(d.is_some());
        overdue += usize::from(a.is_none() && d.is_none() && due < as_of);
    }
    assert!(
        achieved > 0 && dropped > 0 && overdue > 0,
        "{achieved} {dropped} {overdue}"
    );

    // Contacts: the survey respondents are contacts; every account has a champion.
    let c = &t["contacts"];
    let emails: HashSet<&str> = c.rows.iter().map(|r| r[c.col("email")].as_str()).collect();
    for r in &s.rows {
        assert!(emails.contains(r[s.col("respondent")].as_str()));
    }
    let champions: HashSet<&str> = c
        .rows
        .iter()
        .filter(|r| r[c.col("champion")] == "true")
        .map(|r| r[c.col("account_id")].as_str())
        .collect();
    assert_eq!(champions.len(), a.rows.len());
    let left: Vec<NaiveDate> = c
        .rows
        .iter()
        .filter(|r| !r[c.col("left_on")].is_empty())
        .map(|r| date(&r[c.col("left_on")]))
        .collect();
    assert!(!left.is_empty() && left.iter().all(|d| *d <= as_of));
    let kanji = |name: &str| {
        super::words::JP_LAST_KANJI
            .iter()
            .any(|k| name.starts_with(k))
    };
    assert!(c.rows.iter().any(|r| kanji(&r[c.col("name")])));
}

#[test]
fn personas_leave_their_signals() {
    let opts = options(300, 5, false);
    let plans = plans(&opts);
    let (_, bytes) = run(&opts);
    let t = tables(&bytes);
    let day = |at: &str| {
        let days = (ts(at).date() - opts.as_of).num_days() as Day;
        TODAY + days
    };

    let mut events: HashMap<&str, Vec<Day>> = HashMap::new();
    for r in &t["usage"].rows {
        events.entry(r[0].as_str()).or_default().push(day(&r[2]));
    }

    // Churned with warning: the 30 days before churn are quieter than the 30 before that.
    let (mut before, mut last) = (0, 0);
    let (mut checked, mut quieter) = (0, 0);
    for p in &plans {
        let (Some(churn), true) = (p.churn, p.warning) else {
            continue;
        };
        if churn - 60 <= TODAY - USAGE_DAYS || p.start > churn - 120 {
            continue;
        }
        let e = events.get(p.id.as_str()).map_or(&[][..], |v| &v[..]);
        let a = e
            .iter()
            .filter(|&&d| (churn - 60..churn - 30).contains(&d))
            .count();
        let b = e
            .iter()
            .filter(|&&d| (churn - 30..churn).contains(&d))
            .count();
        quieter += usize::from(b <= a);
        before += a;
        last += b;
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} churned accounts to check");
    assert!(last * 3 < before * 2, "{last} vs {before}");
    assert!(
        quieter * 3 >= checked * 2,
        "only {quieter} of {checked} got quieter"
    );

    // Gone dark: nothing in the last 20 days.
    for p in plans.iter().filter(|p| p.persona == Persona::Dark) {
        let e = events.get(p.id.as_str()).map_or(&[][..], |v| &v[..]);
        assert!(e.iter().all(|&d| d < TODAY - 19), "{} is not dark", p.id);
    }

    // Troubled: an urgent/high ticket open for over a week, and a recent detractor.
    let tk = &t["tickets"];
    let sv = &t["surveys"];
    let troubled: Vec<&Plan> = plans
        .iter()
        .filter(|p| p.persona == Persona::Troubled)
        .collect();
    let stuck = troubled
        .iter()
        .filter(|p| {
            tk.rows.iter().any(|r| {
                r[1] == p.id
                    && r[3].is_empty()
                    && (r[4] == "urgent" || r[4] == "high")
                    && day(&r[2]) < TODAY - 7
            })
        })
        .count();
    assert!(stuck * 2 > troubled.len(), "{stuck} of {}", troubled.len());
    for p in &troubled {
        assert!(sv.rows.iter().any(|r| {
            r[0] == p.id
                && r[2] == "nps"
                && r[3].parse::<u32>().unwrap() <= 6
                && day(&r[1]) > TODAY - 60
        }));
    }

    // New accounts started within 60 days.
    for p in plans.iter().filter(|p| p.persona == Persona::New) {
        assert!(p.start > TODAY - 60);
    }

    // Healthy accounts out-score troubled ones on NPS.
    let mean_nps = |persona: Persona| {
        let ids: HashSet<&str> = plans
            .iter()
            .filter(|p| p.persona == persona)
            .map(|p| p.id.as_str())
            .collect();
        let scores: Vec<f64> = sv
            .rows
            .iter()
            .filter(|r| r[2] == "nps" && ids.contains(r[0].as_str()))
            .map(|r| r[3].parse().unwrap())
            .collect();
        scores.iter().sum::<f64>() / scores.len() as f64
    };
    assert!(mean_nps(Persona::Healthy) > mean_nps(Persona::Troubled) + 2.0);

    // Some accounts have not been touched for 30+ days.
    let ac = &t["activities"];
    let mut last_touch: HashMap<&str, Day> = HashMap::new();
    for r in &ac.rows {
        let e = last_touch.entry(r[0].as_str()).or_insert(0);
        *e = (*e).max(day(&r[1]));
    }
    let untouched = plans
        .iter()
        .filter(|p| {
            p.churn.is_none()
                && last_touch
                    .get(p.id.as_str())
                    .is_none_or(|&d| d < TODAY - 30)
        })
        .count();
    assert!(untouched > 10, "{untouched} untouched accounts");
}
