//! Deterministic generator of realistic customer-success sample data.
//!
//! Writes the seven CSV files of the data contract (accounts, usage, tickets, surveys,
//! activities, outcomes, contacts) for
//! `retain sample` and for the committed and benchmark data sets. Rows are
//! streamed account by account, so memory stays flat however many usage rows
//! are produced. Every random choice comes from a self-contained SplitMix64
//! generator seeded per account and per file, and only correctly rounded
//! floating-point operations are used, so the same options give the same
//! bytes on every platform and crate version.

mod accounts;
mod events;
mod output;
mod people;
mod usage;
mod words;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::contract::{self, ACTIVITY_KINDS, PRIORITIES, SURVEY_KINDS};
use crate::rng::Rng;
use chrono::{Datelike, NaiveDate, TimeDelta};
use flate2::Compression;
use flate2::write::GzEncoder;

use accounts::*;
use events::*;
use output::*;
use people::*;
use usage::*;
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
    /// Each file written and its data-row count (header excluded), in the contract's
    /// table order.
    pub files: Vec<(std::path::PathBuf, u64)>,
}

/// Writes the contract's CSV files (gzipped when `opts.gzip`) into `out_dir`, creating it
/// if needed.
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
    let open = |stem| CsvOut::create(out_dir, contract::table(stem), opts.gzip);
    let mut accounts = open("accounts")?;
    let mut usage = open("usage")?;
    let mut tickets = open("tickets")?;
    let mut surveys = open("surveys")?;
    let mut activities = open("activities")?;
    let mut outcomes = open("outcomes")?;
    let mut contacts = open("contacts")?;

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
        write_outcomes(&plan, &cal, &mut outcomes)?;
        write_contacts(&plan, &cal, &mut contacts)?;
    }
    Ok(SampleSummary {
        files: vec![
            accounts.finish()?,
            usage.finish()?,
            tickets.finish()?,
            surveys.finish()?,
            activities.finish()?,
            outcomes.finish()?,
            contacts.finish()?,
        ],
    })
}

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
const STREAM_CONTACTS: u64 = 6;
const STREAM_OUTCOMES: u64 = 7;

/// Derives an independent seed from two values.
fn mix(a: u64, b: u64) -> u64 {
    Rng::new(a ^ Rng::new(b).next_u64().rotate_left(23)).next_u64()
}
