//! Deterministic generator of realistic customer-success sample data.
//!
//! Writes five CSV files (accounts, usage, tickets, surveys, activities) for
//! `retain sample` and for the committed and benchmark data sets. Rows are
//! streamed account by account, so memory stays flat however many usage rows
//! are produced. Every random choice comes from a self-contained SplitMix64
//! generator seeded per account and per file, and only correctly rounded
//! floating-point operations are used, so the same options give the same
//! bytes on every platform and crate version.

mod words;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, TimeDelta};
use flate2::Compression;
use flate2::write::GzEncoder;

use words::{
    ADMIN_FEATURE, CHURN_CONFIRMED, CHURN_SURPRISE, CSMS, EN_BRANDS, EN_COMMENTS, EN_CORES,
    EN_FIRST, EN_LAST, EN_LEGAL, EN_MIDDLES, EN_ROUTINE, EN_SUBJECTS, ESCALATION, FEATURES,
    JP_BRANDS, JP_BUSINESS, JP_COMMENTS, JP_FIRST, JP_FORMS, JP_LAST, JP_REGIONS, JP_ROUTINE,
    JP_SUBJECTS, KICKOFF, NO_REPLY, ONBOARDING, RENEWAL_RISK,
};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Number of accounts.
    pub accounts: usize,
    /// Seed; the same options always produce byte-identical files.
    pub seed: u64,
    /// The last day of generated data (the data's freshness date). Nothing is dated after it.
    pub as_of: chrono::NaiveDate,
    /// Write `.csv.gz` (flate2, already a dependency) instead of `.csv`.
    pub gzip: bool,
}

impl SampleOptions {
    /// Freshness date of the committed sample data set.
    pub const DEFAULT_AS_OF: &str = "2026-11-20";
}

/// What [`generate`] wrote.
#[derive(Debug, Clone)]
pub struct SampleSummary {
    /// Each file written and its data-row count (header excluded), in the order
    /// accounts, usage, tickets, surveys, activities.
    pub files: Vec<(std::path::PathBuf, u64)>,
}

/// Writes `accounts`, `usage`, `tickets`, `surveys` and `activities` CSV files
/// (gzipped when `opts.gzip`) into `out_dir`, creating it if needed.
pub fn generate(opts: &SampleOptions, out_dir: &std::path::Path) -> std::io::Result<SampleSummary> {
    // Keeps every derived date (three years back, a year ahead) four-digit.
    if !(1900..=9000).contains(&opts.as_of.year()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("as_of {} is outside the years 1900-9000", opts.as_of),
        ));
    }
    fs::create_dir_all(out_dir)?;
    let cal = Calendar::new(opts.as_of);
    let open = |stem, header| CsvOut::create(out_dir, stem, header, opts.gzip);
    let mut accounts = open("accounts", ACCOUNTS_HEADER)?;
    let mut usage = open("usage", USAGE_HEADER)?;
    let mut tickets = open("tickets", TICKETS_HEADER)?;
    let mut surveys = open("surveys", SURVEYS_HEADER)?;
    let mut activities = open("activities", ACTIVITIES_HEADER)?;

    let mut names = HashSet::with_capacity(opts.accounts);
    let mut scratch = Scratch::default();
    let mut next_ticket_id = FIRST_TICKET_ID;
    for idx in 0..opts.accounts {
        let plan = plan_account(opts.seed, idx, &cal, &mut names);
        write_account(&plan, &cal, &mut accounts)?;
        write_usage(&plan, &cal, &mut scratch.usage, &mut usage)?;
        plan_tickets(&plan, &cal, &mut scratch.tickets);
        write_tickets(
            &plan,
            &cal,
            &scratch.tickets,
            &mut next_ticket_id,
            &mut tickets,
        )?;
        plan_surveys(&plan, &cal, &scratch.tickets, &mut scratch.surveys);
        write_surveys(&plan, &cal, &scratch.surveys, &mut surveys)?;
        plan_activities(&plan, &cal, &mut scratch.activities);
        write_activities(&plan, &cal, &scratch.activities, &mut activities)?;
    }
    Ok(SampleSummary {
        files: vec![
            accounts.finish()?,
            usage.finish()?,
            tickets.finish()?,
            surveys.finish()?,
            activities.finish()?,
        ],
    })
}

const ACCOUNTS_HEADER: &str =
    "account_id,name,owner,segment,plan,arr,seats,contract_start,renewal_date,churned_on";
const USAGE_HEADER: &str = "account_id,user_id,occurred_at,feature,count";
const TICKETS_HEADER: &str = "ticket_id,account_id,opened_at,closed_at,priority,subject";
const SURVEYS_HEADER: &str = "account_id,responded_at,kind,score,respondent,comment";
const ACTIVITIES_HEADER: &str = "account_id,occurred_at,kind,summary,author";

const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
const SURVEY_KINDS: [&str; 3] = ["nps", "csat", "ces"];
const ACTIVITY_KINDS: [&str; 5] = ["call", "email", "meeting", "qbr", "note"];
const FIRST_TICKET_ID: u64 = 1001;

/// Days are indexed from `as_of - TODAY` (day 0) to `as_of` (day `TODAY`), a
/// span that covers the oldest possible contract start.
type Day = i32;
/// Minutes since 00:00 of day 0.
type Moment = i64;

const TODAY: Day = 1100;
const MAX_START_AGO: Day = 1095;
const USAGE_DAYS: Day = 180;
const HISTORY_DAYS: Day = 365;
const MINUTES_PER_DAY: Moment = 1440;
/// Caps the roster so one huge account cannot dominate the usage file.
const MAX_USERS: usize = 2000;

const STREAM_PLAN: u64 = 1;
const STREAM_USAGE: u64 = 2;
const STREAM_TICKETS: u64 = 3;
const STREAM_SURVEYS: u64 = 4;
const STREAM_ACTIVITIES: u64 = 5;

// ---------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, fast and fully specified, so output never depends on a
/// crate's algorithm choice.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is far below anything visible).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as u64) as i32
    }

    /// Uniform in `[0, 1)` with 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Derives an independent seed from two values.
fn mix(a: u64, b: u64) -> u64 {
    Rng::new(a ^ Rng::new(b).next_u64().rotate_left(23)).next_u64()
}

// ---------------------------------------------------------------------------
// Calendar and output

struct Calendar {
    as_of: NaiveDate,
    dates: Vec<String>,
    weekday: Vec<u8>,
}

impl Calendar {
    fn new(as_of: NaiveDate) -> Self {
        let mut dates = Vec::with_capacity(TODAY as usize + 1);
        let mut weekday = Vec::with_capacity(TODAY as usize + 1);
        for d in 0..=TODAY {
            let date = as_of - TimeDelta::days(i64::from(TODAY - d));
            dates.push(date.format("%Y-%m-%d").to_string());
            weekday.push(date.weekday().num_days_from_monday() as u8);
        }
        Calendar {
            as_of,
            dates,
            weekday,
        }
    }

    fn date(&self, d: Day) -> NaiveDate {
        self.as_of - TimeDelta::days(i64::from(TODAY - d))
    }

    fn day_of(&self, date: NaiveDate) -> Day {
        TODAY - (self.as_of - date).num_days() as Day
    }

    fn is_weekend(&self, d: Day) -> bool {
        self.weekday[d as usize] >= 5
    }

    /// Moves a weekend day back to the Friday before (CSMs do not work weekends).
    fn workday(&self, d: Day) -> Day {
        d - (i32::from(self.weekday[d as usize]) - 4).max(0)
    }
}

enum Sink {
    Plain(File),
    Gzip(GzEncoder<File>),
}

/// A CSV file built in a large in-memory chunk that is handed to the file (or
/// compressor) in one call, so rows cost a few `memcpy`s each.
struct CsvOut {
    path: PathBuf,
    sink: Sink,
    buf: Vec<u8>,
    rows: u64,
}

const CHUNK: usize = 1 << 18;

impl CsvOut {
    fn create(dir: &Path, stem: &str, header: &str, gzip: bool) -> io::Result<Self> {
        let (file_name, level) = if gzip {
            // Level 1 compresses 5x faster than the default for ~1.5x the size,
            // which matters for the 50M-row benchmark set.
            (format!("{stem}.csv.gz"), Some(Compression::fast()))
        } else {
            (format!("{stem}.csv"), None)
        };
        let path = dir.join(file_name);
        let file = File::create(&path)?;
        let sink = match level {
            Some(level) => Sink::Gzip(GzEncoder::new(file, level)),
            None => Sink::Plain(file),
        };
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        buf.extend_from_slice(header.as_bytes());
        buf.push(b'\n');
        Ok(CsvOut {
            path,
            sink,
            buf,
            rows: 0,
        })
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// A free-text field, quoted per RFC 4180 only when it needs to be.
    fn text(&mut self, s: &str) {
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.raw(s.as_bytes());
        }
    }

    fn uint(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
    }

    fn two_digits(&mut self, n: u32) {
        self.buf.push(b'0' + (n / 10) as u8);
        self.buf.push(b'0' + (n % 10) as u8);
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    fn timestamp(&mut self, cal: &Calendar, at: Moment, second: u32) {
        let day = at.div_euclid(MINUTES_PER_DAY) as usize;
        let minute = at.rem_euclid(MINUTES_PER_DAY) as u32;
        self.buf.extend_from_slice(cal.dates[day].as_bytes());
        self.buf.push(b'T');
        self.two_digits(minute / 60);
        self.buf.push(b':');
        self.two_digits(minute % 60);
        self.buf.push(b':');
        self.two_digits(second);
        self.buf.push(b'Z');
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Plain(f) => f.write_all(&self.buf)?,
            Sink::Gzip(g) => g.write_all(&self.buf)?,
        }
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> io::Result<(PathBuf, u64)> {
        self.drain()?;
        match self.sink {
            Sink::Plain(mut f) => f.flush()?,
            Sink::Gzip(g) => g.finish()?.flush()?,
        }
        Ok((self.path, self.rows))
    }
}

// ---------------------------------------------------------------------------
// Accounts

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Smb,
    MidMarket,
    Enterprise,
}

impl Segment {
    fn label(self) -> &'static str {
        match self {
            Segment::Smb => "SMB",
            Segment::MidMarket => "Mid-Market",
            Segment::Enterprise => "Enterprise",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Persona {
    Healthy,
    Declining,
    Dark,
    Troubled,
    New,
    Churned,
}

const PERSONAS: [(Persona, u32); 6] = [
    (Persona::Healthy, 50),
    (Persona::Declining, 20),
    (Persona::Dark, 7),
    (Persona::Troubled, 8),
    (Persona::New, 5),
    (Persona::Churned, 10),
];

/// Everything decided up front for one account; the per-file generators only
/// read it.
struct Plan {
    seed: u64,
    id: String,
    num: usize,
    name: String,
    japanese: bool,
    domain: String,
    owner: Option<usize>,
    /// Who writes activities: the owner, or a former owner when unassigned.
    author: usize,
    segment: Segment,
    plan: &'static str,
    arr_cents: u64,
    seats: u32,
    seats_known: bool,
    start: Day,
    renewal: Option<NaiveDate>,
    churn: Option<Day>,
    persona: Persona,
    /// Churned with warning signs (usage drop, tickets, detractors).
    warning: bool,
    /// Day a churning account's usage falls off a cliff.
    drop_at: Option<Day>,
    /// First day without usage for a gone-dark account.
    dark_from: Option<Day>,
    /// Share of seats that have a user at all.
    adoption: f64,
    /// Usage trend per week (e.g. -0.02) starting on `trend_from`.
    trend_per_week: f64,
    trend_from: Day,
    /// Last day the CSM touched the account when it is being neglected.
    last_touch: Option<Day>,
    /// Start of the customer's business day, in UTC hours.
    utc_hour: u32,
}

impl Plan {
    /// Last day that may carry any row.
    fn end(&self) -> Day {
        self.churn.unwrap_or(TODAY)
    }

    /// Last minute that may carry any row.
    fn end_moment(&self) -> Moment {
        Moment::from(self.end()) * MINUTES_PER_DAY + MINUTES_PER_DAY - 1
    }

    /// First day of the ~12-month history window for tickets, surveys and activities.
    fn history_start(&self) -> Day {
        self.start.max(TODAY - HISTORY_DAYS + 1)
    }

    /// A time during the customer's business day.
    fn business_moment(&self, rng: &mut Rng, d: Day) -> Moment {
        Moment::from(d) * MINUTES_PER_DAY
            + Moment::from(self.utc_hour * 60)
            + rng.below(9 * 60) as Moment
    }
}

fn plan_account(seed: u64, idx: usize, cal: &Calendar, names: &mut HashSet<String>) -> Plan {
    let seed = mix(seed, idx as u64);
    let mut rng = Rng::new(mix(seed, STREAM_PLAN));
    let num = idx + 1;
    let weights = PERSONAS.map(|(_, w)| w);
    let persona = PERSONAS[rng.weighted(&weights)].0;
    let segment =
        [Segment::Smb, Segment::MidMarket, Segment::Enterprise][rng.weighted(&[60, 30, 10])];
    let japanese = rng.chance(0.35);
    let (name, domain) = company_name(&mut rng, japanese, num, names);

    let owner = (!rng.chance(0.03)).then(|| pick_csm(&mut rng, japanese));
    let author = owner.unwrap_or_else(|| pick_csm(&mut rng, japanese));

    let seats = match segment {
        Segment::Smb => 5 + (45.0 * cube(rng.unit())) as u32,
        Segment::MidMarket => 50 + (350.0 * square(square(rng.unit()))) as u32,
        Segment::Enterprise => match rng.weighted(&[78, 16, 5, 1]) {
            0 => rng.range(300, 700) as u32,
            1 => rng.range(700, 1500) as u32,
            2 => rng.range(1500, 3000) as u32,
            _ => rng.range(3000, 5000) as u32,
        },
    };
    let seats_known = !rng.chance(0.03);
    let (plan, arr_cents) = price(&mut rng, segment, seats);

    let mut churn = None;
    let mut warning = false;
    let mut drop_at = None;
    let mut dark_from = None;
    let start = match persona {
        Persona::New => TODAY - rng.range(0, 59),
        Persona::Churned => {
            let day = TODAY - rng.range(1, 365);
            churn = Some(day);
            warning = rng.chance(0.8);
            if warning {
                drop_at = Some(day - rng.range(30, 90));
            }
            churned_start(&mut rng, cal, day)
        }
        Persona::Dark => {
            dark_from = Some(TODAY - rng.range(20, 60));
            TODAY - rng.range(120, MAX_START_AGO)
        }
        _ => TODAY - rng.range(61, MAX_START_AGO),
    };

    let renewal = (!rng.chance(0.02)).then(|| {
        let anchor = cal.date(churn.unwrap_or(TODAY)) - TimeDelta::days(30);
        next_anniversary(cal.date(start), anchor)
    });

    let low_adoption = match persona {
        Persona::Declining => rng.chance(0.35),
        Persona::Troubled => rng.chance(0.45),
        Persona::Dark => rng.chance(0.2),
        Persona::Churned => warning && rng.chance(0.3),
        Persona::Healthy | Persona::New => false,
    };
    let adoption = if low_adoption {
        0.08 + 0.17 * rng.unit()
    } else {
        0.55 + 0.4 * rng.unit()
    };

    let (trend_per_week, trend_from) = match persona {
        Persona::Healthy => (0.01 * rng.unit(), TODAY - USAGE_DAYS),
        Persona::Declining => (-(0.01 + 0.02 * rng.unit()), TODAY - rng.range(90, 200)),
        Persona::Troubled => (-0.005, TODAY - USAGE_DAYS),
        _ => (0.0, TODAY),
    };

    let neglect = match persona {
        Persona::Healthy => 0.08,
        Persona::Declining => 0.3,
        Persona::Dark => 0.4,
        Persona::Troubled => 0.03,
        Persona::New => 0.0,
        Persona::Churned => 0.15,
    };
    let last_touch = (owner.is_none() || rng.chance(neglect)).then(|| TODAY - rng.range(30, 120));

    // Japanese customers work 09:00-18:00 JST, the others roughly US Eastern.
    let utc_hour = rng.below(2) as u32 + if japanese { 0 } else { 13 };

    Plan {
        seed,
        id: format!("A-{num:06}"),
        num,
        name,
        japanese,
        domain,
        owner,
        author,
        segment,
        plan,
        arr_cents,
        seats,
        seats_known,
        start,
        renewal,
        churn,
        persona,
        warning,
        drop_at,
        dark_from,
        adoption,
        trend_per_week,
        trend_from,
        last_touch,
        utc_hour,
    }
}

fn square(x: f64) -> f64 {
    x * x
}

fn cube(x: f64) -> f64 {
    x * x * x
}

/// Japanese companies mostly get a Japanese-speaking CSM and vice versa.
fn pick_csm(rng: &mut Rng, japanese: bool) -> usize {
    let same_language = rng.chance(if japanese { 0.75 } else { 0.9 });
    let want_japanese = japanese == same_language;
    let pool: Vec<usize> = (0..CSMS.len())
        .filter(|&i| CSMS[i].1 == want_japanese)
        .collect();
    rng.pick(&pool)
}

/// Returns a name unique within this run, and an e-mail domain.
fn company_name(
    rng: &mut Rng,
    japanese: bool,
    num: usize,
    names: &mut HashSet<String>,
) -> (String, String) {
    let mut attempt = 0;
    loop {
        let (before, core, after, slug) = if japanese {
            let (brand, brand_romaji) = rng.pick(JP_BRANDS);
            let (region, region_romaji) = if rng.chance(0.3) {
                rng.pick(JP_REGIONS)
            } else {
                ("", "")
            };
            let (business, business_romaji) = rng.pick(JP_BUSINESS);
            let (before, after) = rng.pick(JP_FORMS);
            let slug = if region.is_empty() {
                format!("{brand_romaji}-{business_romaji}")
            } else {
                format!("{region_romaji}-{brand_romaji}-{business_romaji}")
            };
            (before, format!("{region}{brand}{business}"), after, slug)
        } else {
            let brand = rng.pick(EN_BRANDS);
            let middle = if rng.chance(0.35) {
                rng.pick(EN_MIDDLES)
            } else {
                ""
            };
            let core = rng.pick(EN_CORES);
            let legal = rng.pick(EN_LEGAL);
            let full = if middle.is_empty() {
                format!("{brand} {core}")
            } else {
                format!("{brand} {middle} {core}")
            };
            let slug = full.to_ascii_lowercase().replace(' ', "-");
            ("", full, legal, slug)
        };
        let name = if attempt < 4 {
            format!("{before}{core}{after}")
        } else {
            // Word lists hold no digits, so the account number makes it unique.
            format!("{before}{core} {num}{after}")
        };
        if names.insert(name.clone()) {
            return (name, format!("{slug}.example.com"));
        }
        attempt += 1;
    }
}

/// Picks a plan and an ARR consistent with segment and seats.
fn price(rng: &mut Rng, segment: Segment, seats: u32) -> (&'static str, u64) {
    let (plan, per_seat, lo, hi) = match segment {
        Segment::Smb => {
            let plan = if rng.chance(0.6) { "Starter" } else { "Growth" };
            (plan, 300 + rng.below(300), 3_000, 25_000)
        }
        Segment::MidMarket => {
            let plan = if rng.chance(0.4) {
                "Growth"
            } else {
                "Business"
            };
            (plan, 350 + rng.below(350), 25_000, 150_000)
        }
        Segment::Enterprise => {
            let plan = if rng.chance(0.3) {
                "Business"
            } else {
                "Enterprise"
            };
            (plan, 220 + rng.below(250), 150_000, 1_200_000)
        }
    };
    let dollars = (u64::from(seats) * per_seat).clamp(lo, hi);
    let cents = if rng.chance(0.8) {
        (dollars + 50) / 100 * 10_000
    } else {
        dollars * 100 + [0, 40, 50, 80][rng.below(4) as usize]
    };
    (plan, cents)
}

/// Most churn happens at a renewal (start = a whole number of years before),
/// the rest mid-term.
fn churned_start(rng: &mut Rng, cal: &Calendar, churn: Day) -> Day {
    let earliest = TODAY - MAX_START_AGO;
    if rng.chance(0.75) {
        let anniversary = cal.date(churn - rng.range(0, 14));
        let years = if rng.chance(0.4) { 2 } else { 1 };
        let start = cal.day_of(shift_years(anniversary, -years));
        if start >= earliest {
            return start;
        }
        return cal.day_of(shift_years(anniversary, -1));
    }
    rng.range(earliest, churn - 60)
}

/// Same month and day `years` later; 29 February falls back to the 28th.
fn shift_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .unwrap_or(date)
}

/// First anniversary of `start` (at least one year after it) on or after `from`.
fn next_anniversary(start: NaiveDate, from: NaiveDate) -> NaiveDate {
    let mut years = (from.year() - start.year() - 1).max(1);
    loop {
        let date = shift_years(start, years);
        if date >= from {
            return date;
        }
        years += 1;
    }
}

fn write_account(p: &Plan, cal: &Calendar, out: &mut CsvOut) -> io::Result<()> {
    out.raw(p.id.as_bytes());
    out.comma();
    out.text(&p.name);
    out.comma();
    if let Some(owner) = p.owner {
        out.text(CSMS[owner].0);
    }
    out.comma();
    out.raw(p.segment.label().as_bytes());
    out.comma();
    out.raw(p.plan.as_bytes());
    out.comma();
    out.uint(p.arr_cents / 100);
    out.raw(b".");
    out.two_digits((p.arr_cents % 100) as u32);
    out.comma();
    if p.seats_known {
        out.uint(u64::from(p.seats));
    }
    out.comma();
    out.raw(cal.dates[p.start as usize].as_bytes());
    out.comma();
    if let Some(renewal) = p.renewal {
        out.raw(renewal.format("%Y-%m-%d").to_string().as_bytes());
    }
    out.comma();
    if let Some(churn) = p.churn {
        out.raw(cal.dates[churn as usize].as_bytes());
    }
    out.end_row()
}

/// A stable pseudo-random second for a minute-resolution moment.
fn second_of(p: &Plan, at: Moment) -> u32 {
    (mix(p.seed, at as u64) % 60) as u32
}

// ---------------------------------------------------------------------------
// Usage

#[derive(Default)]
struct Scratch {
    usage: UsageScratch,
    tickets: Vec<Ticket>,
    surveys: Vec<Survey>,
    activities: Vec<Activity>,
}

/// Reused across accounts so the hot loop does not allocate.
#[derive(Default)]
struct UsageScratch {
    users: Vec<User>,
    ids: Vec<u8>,
}

struct User {
    /// Chance of being active on a normal weekday.
    p: f64,
    /// Users with a rank above the account's current breadth have stopped using the product.
    rank: f64,
    features: [u8; 4],
    feature_count: usize,
    /// Minutes after the start of the business day this user usually starts.
    shift: u32,
    id: (usize, usize),
}

fn write_usage(p: &Plan, cal: &Calendar, s: &mut UsageScratch, out: &mut CsvOut) -> io::Result<()> {
    let first = p.start.max(TODAY - USAGE_DAYS + 1);
    let stop = p
        .churn
        .unwrap_or(TODAY + 1)
        .min(p.dark_from.unwrap_or(TODAY + 1));
    if first >= stop {
        return Ok(());
    }
    let mut rng = Rng::new(mix(p.seed, STREAM_USAGE));

    // Bigger rosters have more occasional users, which keeps row counts in
    // check while seat utilisation still looks plausible. Weights are for
    // (occasional, regular, power) users.
    let (user_mix, activity_scale, extra_feature): (&[u32], f64, f64) = match p.segment {
        Segment::Smb => (&[55, 35, 10], 1.0, 0.3),
        Segment::MidMarket => (&[62, 32, 6], 0.6, 0.25),
        Segment::Enterprise => (&[75, 22, 3], 0.33, 0.15),
    };
    let roster = ((f64::from(p.seats) * p.adoption) as usize).clamp(1, MAX_USERS);
    s.users.clear();
    s.ids.clear();
    let feature_weights = FEATURES.map(|(_, w, _)| w);
    for k in 0..roster {
        let p_active = match rng.weighted(user_mix) {
            0 => 0.03 + 0.05 * rng.unit(),
            1 => 0.08 + 0.17 * rng.unit(),
            _ => 0.3 + 0.3 * rng.unit(),
        } * activity_scale;
        let mut features = [0u8; 4];
        let mut feature_count = 0;
        if k == 0 {
            features[0] = ADMIN_FEATURE;
            feature_count = 1;
        }
        let wanted = feature_count + 1 + rng.weighted(&[40, 35, 25]);
        while feature_count < wanted.min(features.len()) {
            let f = rng.weighted(&feature_weights) as u8;
            if !features[..feature_count].contains(&f) {
                features[feature_count] = f;
                feature_count += 1;
            }
        }
        let id_start = s.ids.len();
        write!(s.ids, "u-{:06}-{:02}", p.num, k + 1)?;
        s.users.push(User {
            p: p_active,
            rank: rng.unit(),
            features,
            feature_count,
            shift: rng.below(240) as u32,
            id: (id_start, s.ids.len()),
        });
    }

    let drop_level = 0.15 + 0.2 * rng.unit();
    let step = 1.0 + p.trend_per_week / 7.0;
    let mut level = 1.0;
    let mut drop = 1.0;
    // Start early enough that trends and the post-drop fade have accumulated by `first`.
    let from = first.min(p.trend_from).min(p.drop_at.unwrap_or(first));
    for d in from..stop {
        if d > p.trend_from {
            level *= step;
        }
        if let Some(drop_at) = p.drop_at.filter(|&a| d >= a) {
            // A cliff over a week, then a steady fade until the churn date.
            let x = d - drop_at;
            drop = if x < 7 {
                1.0 - (1.0 - drop_level) * f64::from(x + 1) / 7.0
            } else {
                drop * 0.97
            };
        }
        if d < first {
            continue;
        }
        let mut f = level * drop;
        let age = d - p.start;
        if age < 45 {
            f *= 0.15 + 0.85 * f64::from(age) / 45.0;
        }
        if let Some(dark_from) = p.dark_from.filter(|&x| x - d <= 14) {
            f *= 0.5 + 0.5 * f64::from(dark_from - d) / 14.0;
        }
        if p.persona == Persona::Troubled && d > TODAY - 30 {
            f *= 0.75;
        }
        if f <= 0.0 {
            continue;
        }
        let breadth = f.sqrt().min(1.0);
        let mut depth = f / breadth * (0.75 + 0.5 * rng.unit());
        if cal.is_weekend(d) {
            depth *= 0.12;
        }
        let day_start = Moment::from(d) * MINUTES_PER_DAY + Moment::from(p.utc_hour * 60);
        for user in &s.users {
            if user.rank >= breadth || !rng.chance(user.p * depth) {
                continue;
            }
            let session = day_start + Moment::from(user.shift) + rng.below(300) as Moment;
            for (i, &feat) in user.features[..user.feature_count].iter().enumerate() {
                if i > 0 && !rng.chance(extra_feature) {
                    continue;
                }
                let (feature, _, max_count) = FEATURES[feat as usize];
                let at = (session + rng.below(45) as Moment)
                    .min(Moment::from(d) * MINUTES_PER_DAY + MINUTES_PER_DAY - 1);
                // Nested draw: small counts are common, big ones rare.
                let spread = 1 + rng.below(max_count);
                let count = 1 + rng.below(spread);
                out.raw(p.id.as_bytes());
                out.comma();
                out.raw(&s.ids[user.id.0..user.id.1]);
                out.comma();
                out.timestamp(cal, at, 0);
                out.comma();
                out.raw(feature.as_bytes());
                out.comma();
                out.uint(count);
                out.end_row()?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tickets

struct Ticket {
    opened: Moment,
    closed: Option<Moment>,
    /// Index into [`PRIORITIES`].
    priority: usize,
    subject: &'static str,
}

/// Ticket volume multiplier on day `d`, and whether the account is escalating.
fn ticket_pressure(p: &Plan, d: Day) -> (f64, bool) {
    match p.persona {
        Persona::Healthy => (0.7, false),
        Persona::Declining => (1.0, false),
        Persona::Dark => match p.dark_from {
            Some(dark) if d >= dark => (0.05, false),
            _ => (0.8, false),
        },
        Persona::Troubled if d > TODAY - 60 => (3.0, true),
        Persona::Troubled => (1.5, false),
        Persona::New if d - p.start < 30 => (2.5, false),
        Persona::New => (1.0, false),
        Persona::Churned => match p.drop_at {
            Some(drop_at) if d >= drop_at - 30 => (3.5, true),
            Some(_) => (1.0, false),
            None => (0.7, false),
        },
    }
}

fn new_ticket(p: &Plan, rng: &mut Rng, d: Day, escalating: bool) -> Ticket {
    let priority = rng.weighted(if escalating {
        &[15, 40, 30, 15]
    } else {
        &[25, 50, 18, 7]
    });
    let opened = p.business_moment(rng, d);
    let (min, max) = match priority {
        3 => (120, 2 * MINUTES_PER_DAY),
        2 => (MINUTES_PER_DAY, 5 * MINUTES_PER_DAY),
        1 => (MINUTES_PER_DAY, 10 * MINUTES_PER_DAY),
        _ => (MINUTES_PER_DAY / 2, 20 * MINUTES_PER_DAY),
    };
    // Skewed towards quick resolutions.
    let resolution = min + ((max - min) as f64 * cube(rng.unit())) as Moment;
    let stuck = escalating && priority >= 2 && rng.chance(0.2);
    let subjects = if p.japanese && rng.chance(0.85) {
        JP_SUBJECTS[priority]
    } else {
        EN_SUBJECTS[priority]
    };
    Ticket {
        opened,
        closed: (!stuck).then_some(opened + resolution),
        priority,
        subject: rng.pick(subjects),
    }
}

fn plan_tickets(p: &Plan, cal: &Calendar, tickets: &mut Vec<Ticket>) {
    tickets.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_TICKETS));
    let monthly = match p.segment {
        Segment::Smb => 0.35,
        Segment::MidMarket => 0.9,
        Segment::Enterprise => 2.2,
    };
    for d in p.history_start()..=p.end() {
        let (pressure, escalating) = ticket_pressure(p, d);
        let mut rate = monthly / 30.0 * pressure;
        if cal.is_weekend(d) {
            rate *= 0.25;
        }
        while rate > 0.0 {
            if rng.chance(rate) {
                tickets.push(new_ticket(p, &mut rng, d, escalating));
            }
            rate -= 1.0;
        }
    }
    // Most troubled accounts have a high-priority ticket open for over a week.
    if p.persona == Persona::Troubled && rng.chance(0.7) {
        let d = (TODAY - rng.range(8, 30)).max(p.start);
        let mut ticket = new_ticket(p, &mut rng, d, true);
        ticket.priority = 2 + rng.below(2) as usize;
        ticket.subject = rng.pick(if p.japanese {
            JP_SUBJECTS[ticket.priority]
        } else {
            EN_SUBJECTS[ticket.priority]
        });
        ticket.closed = None;
        tickets.push(ticket);
    }
    let limit = p.end_moment();
    for t in tickets.iter_mut() {
        match t.closed {
            Some(closed) if closed > limit => {
                t.closed = p.churn.is_some().then_some(limit);
            }
            // A churned customer's leftovers are closed out on the churn date.
            None if p.churn.is_some() => t.closed = Some(limit),
            _ => {}
        }
    }
    tickets.sort_by_key(|t| t.opened);
}

fn write_tickets(
    p: &Plan,
    cal: &Calendar,
    tickets: &[Ticket],
    next_id: &mut u64,
    out: &mut CsvOut,
) -> io::Result<()> {
    for t in tickets {
        out.uint(*next_id);
        *next_id += 1;
        out.comma();
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, t.opened, second_of(p, t.opened));
        out.comma();
        if let Some(closed) = t.closed {
            // Closing is at least two hours after opening or clamped to 23:59,
            // so a different minute: any second keeps closed_at >= opened_at.
            out.timestamp(cal, closed, second_of(p, closed));
        }
        out.comma();
        out.raw(PRIORITIES[t.priority].as_bytes());
        out.comma();
        out.text(t.subject);
        out.end_row()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Surveys

struct Survey {
    at: Moment,
    /// Index into [`SURVEY_KINDS`].
    kind: usize,
    score: u64,
    contact: u64,
    comment: Option<&'static str>,
}

/// 0 = detractor, 1 = passive, 2 = promoter, given who the account is on day `d`.
fn sentiment(p: &Plan, rng: &mut Rng, d: Day) -> usize {
    let (promoter, passive) = match p.persona {
        Persona::Healthy => (0.62, 0.3),
        Persona::Declining => (0.22, 0.45),
        Persona::Dark => (0.3, 0.45),
        Persona::Troubled if d > TODAY - 120 => (0.03, 0.15),
        Persona::Troubled => (0.2, 0.45),
        Persona::New => (0.5, 0.4),
        Persona::Churned => match (p.warning, p.churn) {
            (true, Some(churn)) if d > churn - 180 => (0.04, 0.2),
            (true, _) => (0.3, 0.45),
            (false, _) => (0.55, 0.35),
        },
    };
    let u = rng.unit();
    if u < promoter {
        2
    } else if u < promoter + passive {
        1
    } else {
        0
    }
}

fn score_for(rng: &mut Rng, kind: usize, mood: usize) -> u64 {
    match (kind, mood) {
        (0, 2) => 9 + rng.below(2),
        (0, 1) => 7 + rng.below(2),
        (0, _) => rng.weighted(&[2, 2, 3, 5, 7, 9, 10]) as u64,
        (1, 2) => 4 + u64::from(rng.chance(0.7)),
        (1, 1) => 3 + rng.below(2),
        (1, _) => 1 + rng.below(3),
        (_, 2) => 1 + rng.below(2),
        (_, 1) => 2 + rng.below(3),
        (_, _) => 4 + rng.below(4),
    }
}

fn plan_surveys(p: &Plan, cal: &Calendar, tickets: &[Ticket], surveys: &mut Vec<Survey>) {
    surveys.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_SURVEYS));
    let first = p.history_start();
    let last = p.end().min(p.dark_from.map_or(TODAY, |d| d - 1));
    let contacts = match p.segment {
        Segment::Smb => 2,
        Segment::MidMarket => 4,
        Segment::Enterprise => 8,
    };
    let mut add = |rng: &mut Rng, d: Day, kind: usize, forced_mood: Option<usize>| {
        if d < first || d > last || d < p.start + 14 {
            return;
        }
        let mood = forced_mood.unwrap_or_else(|| sentiment(p, rng, d));
        let comments = if p.japanese == rng.chance(0.9) {
            JP_COMMENTS[mood]
        } else {
            EN_COMMENTS[mood]
        };
        surveys.push(Survey {
            at: p.business_moment(rng, cal.workday(d).max(first)),
            kind,
            score: score_for(rng, kind, mood),
            contact: rng.below(contacts),
            comment: rng.chance(0.4).then(|| rng.pick(comments)),
        });
    };

    // Quarterly NPS waves with a handful of respondents each.
    let respondents: &[u32] = match p.segment {
        Segment::Smb => &[35, 45, 20],
        Segment::MidMarket => &[20, 35, 30, 15],
        Segment::Enterprise => &[5, 20, 30, 25, 20],
    };
    let mut wave = first + rng.range(0, 89);
    while wave <= last {
        for _ in 0..rng.weighted(respondents) {
            let d = wave + rng.range(0, 9);
            add(&mut rng, d, 0, None);
        }
        wave += 91;
    }
    // CSAT and sometimes CES after resolved tickets.
    for t in tickets {
        if let Some(closed) = t.closed {
            let d = (closed / MINUTES_PER_DAY) as Day + rng.range(0, 2);
            if rng.chance(0.35) {
                add(&mut rng, d, 1, None);
            } else if rng.chance(0.12) {
                add(&mut rng, d, 2, None);
            }
        }
    }
    match p.persona {
        Persona::New => {
            let d = p.start + rng.range(14, 30);
            add(&mut rng, d, 2, None);
        }
        Persona::Troubled => {
            let d = TODAY - rng.range(0, 45);
            add(&mut rng, d, 0, Some(0));
        }
        Persona::Churned if p.warning => {
            if let Some(churn) = p.churn {
                let d = churn - rng.range(30, 150);
                add(&mut rng, d, 0, Some(0));
            }
        }
        _ => {}
    }
    surveys.sort_by_key(|s| s.at);
}

fn write_surveys(p: &Plan, cal: &Calendar, surveys: &[Survey], out: &mut CsvOut) -> io::Result<()> {
    let mut rng = Rng::new(mix(p.seed, STREAM_SURVEYS ^ 0xFF));
    let contacts: Vec<String> = (0..8)
        .map(|_| {
            let (first, last) = if p.japanese == rng.chance(0.9) {
                (rng.pick(JP_FIRST), rng.pick(JP_LAST))
            } else {
                (rng.pick(EN_FIRST), rng.pick(EN_LAST))
            };
            format!("{first}.{last}@{}", p.domain)
        })
        .collect();
    for s in surveys {
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, s.at, second_of(p, s.at));
        out.comma();
        out.raw(SURVEY_KINDS[s.kind].as_bytes());
        out.comma();
        out.uint(s.score);
        out.comma();
        out.text(&contacts[s.contact as usize]);
        out.comma();
        if let Some(comment) = s.comment {
            out.text(comment);
        }
        out.end_row()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Activities

struct Activity {
    at: Moment,
    /// Index into [`ACTIVITY_KINDS`].
    kind: usize,
    summary: &'static str,
}

fn plan_activities(p: &Plan, cal: &Calendar, activities: &mut Vec<Activity>) {
    activities.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_ACTIVITIES));
    let japanese = CSMS[p.author].1;
    let first = p.history_start();
    let last = p.end().min(p.last_touch.unwrap_or(TODAY));
    let mut add = |rng: &mut Rng, d: Day, kind: usize, summaries: &[&'static str]| {
        if d < first || d > last {
            return;
        }
        activities.push(Activity {
            at: p.business_moment(rng, cal.workday(d).max(first)),
            kind,
            summary: rng.pick(summaries),
        });
    };
    let pick_lang = |lists: (&'static [&'static str], &'static [&'static str])| {
        if japanese { lists.1 } else { lists.0 }
    };
    let routine = if japanese { &JP_ROUTINE } else { &EN_ROUTINE };

    // Days between routine touches; the explicit neglect gap comes from `last_touch`.
    let (lo, hi) = match (p.segment, p.persona) {
        (Segment::Enterprise, _) | (_, Persona::Healthy) => (7, 28),
        (Segment::MidMarket, _) => (14, 42),
        (Segment::Smb, _) => (21, 60),
    };
    let mut d = first + rng.range(0, hi);
    while d <= last {
        let kind = [0, 1, 2, 4][rng.weighted(&[30, 40, 15, 15])];
        add(&mut rng, d, kind, routine[kind]);
        d += rng.range(lo, hi);
    }
    if p.segment == Segment::Enterprise || (p.segment == Segment::MidMarket && rng.chance(0.5)) {
        let mut d = first + rng.range(20, 90);
        while d <= last {
            add(&mut rng, d, 3, routine[3]);
            d += rng.range(84, 98);
        }
    }

    match p.persona {
        Persona::New => {
            let d = p.start + rng.range(0, 2);
            add(&mut rng, d, 2, pick_lang(KICKOFF));
            for week in 1..=6 {
                add(&mut rng, p.start + 7 * week, 0, pick_lang(ONBOARDING));
            }
        }
        Persona::Troubled => {
            let mut d = TODAY - 45 + rng.range(0, 5);
            while d <= TODAY {
                let kind = [0, 2, 4][rng.weighted(&[50, 20, 30])];
                add(&mut rng, d, kind, pick_lang(ESCALATION));
                d += rng.range(3, 8);
            }
        }
        Persona::Dark => {
            if let Some(dark_from) = p.dark_from {
                let mut d = dark_from + rng.range(7, 14);
                while d <= TODAY {
                    add(&mut rng, d, 1, pick_lang(NO_REPLY));
                    d += rng.range(7, 14);
                }
            }
        }
        Persona::Churned => {
            if let (Some(churn), Some(drop_at)) = (p.churn, p.drop_at) {
                let mut d = drop_at + rng.range(3, 10);
                while d < churn {
                    let kind = [0, 4][rng.below(2) as usize];
                    add(&mut rng, d, kind, pick_lang(RENEWAL_RISK));
                    d += rng.range(7, 14);
                }
            }
            if let Some(churn) = p.churn {
                let summaries = if p.warning {
                    CHURN_CONFIRMED
                } else {
                    CHURN_SURPRISE
                };
                add(&mut rng, churn, 4, pick_lang(summaries));
            }
        }
        Persona::Healthy | Persona::Declining => {}
    }
    activities.sort_by_key(|a| a.at);
}

fn write_activities(
    p: &Plan,
    cal: &Calendar,
    activities: &[Activity],
    out: &mut CsvOut,
) -> io::Result<()> {
    for a in activities {
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, a.at, second_of(p, a.at));
        out.comma();
        out.raw(ACTIVITY_KINDS[a.kind].as_bytes());
        out.comma();
        out.text(a.summary);
        out.comma();
        out.text(CSMS[p.author].0);
        out.end_row()?;
    }
    Ok(())
}
