//! `retain import SOURCE FILE...`: vendors' exports (Zendesk, Salesforce, survey tools,
//! product analytics) translated into the data contract. Adapters only translate and find
//! accounts; the rows then go through the loader's stage, rules and all-or-nothing merge,
//! exactly as `retain load` rows do.

mod analytics;
mod input;
pub mod mapping;
pub mod matcher;
mod salesforce;
mod surveys;
pub mod time;
mod zendesk;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::contract;
use crate::db::load::{self, ImportedTable, LoadEvent, LoadOptions, MergeSummary, RowOrigins};
use crate::db::queries;
use crate::db::{self, Db};
use crate::error::{Error, LoadError, Result};
use mapping::{Mapping, Schema, ZoneFrom};
use matcher::Matcher;

/// The exports `retain import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Vendor {
    /// Zendesk Support ticket CSV export → tickets, and CSAT surveys from Satisfaction Score
    Zendesk,
    /// Salesforce accounts (Data Loader API names or report labels), optionally opportunities → accounts
    Salesforce,
    /// Qualtrics response export, CSV or TSV (three header rows) → surveys
    Qualtrics,
    /// SurveyMonkey response export, CSV (two header rows) → surveys
    Surveymonkey,
    /// Delighted responses from its API, JSON → surveys
    Delighted,
    /// Segment events, JSON lines → usage
    Segment,
    /// Amplitude Export API zip (hourly gzipped JSON lines) → usage
    Amplitude,
    /// Mixpanel raw export, JSON lines → usage
    Mixpanel,
}

impl Vendor {
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Zendesk => "zendesk",
            Vendor::Salesforce => "salesforce",
            Vendor::Qualtrics => "qualtrics",
            Vendor::Surveymonkey => "surveymonkey",
            Vendor::Delighted => "delighted",
            Vendor::Segment => "segment",
            Vendor::Amplitude => "amplitude",
            Vendor::Mixpanel => "mixpanel",
        }
    }

    /// The layout of the export's times when the mapping names none.
    pub fn default_date_format(self) -> Option<&'static str> {
        match self {
            Vendor::Surveymonkey => Some(surveys::SURVEYMONKEY_DATES),
            _ => None,
        }
    }

    pub fn schema(self) -> &'static Schema {
        match self {
            Vendor::Zendesk => &zendesk::SCHEMA,
            Vendor::Salesforce => &salesforce::SCHEMA,
            Vendor::Qualtrics => &surveys::QUALTRICS,
            Vendor::Surveymonkey => &surveys::SURVEYMONKEY,
            Vendor::Delighted => &surveys::DELIGHTED,
            Vendor::Segment => &analytics::SEGMENT,
            Vendor::Amplitude => &analytics::AMPLITUDE,
            Vendor::Mixpanel => &analytics::MIXPANEL,
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A row whose account could not be found.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmatched {
    pub file: String,
    pub line: u64,
    /// The fields that were tried.
    pub field: String,
    /// The first non-empty value among them ("" when all were empty).
    pub value: String,
    /// The accounts that share that value as their name: the row is ambiguous, not unknown.
    pub sharing: Vec<String>,
}

/// One contract table being written by an adapter.
struct TableWriter {
    table: &'static str,
    columns: usize,
    /// The position of the table's main date, and the range of its readable values.
    main_date: usize,
    range: Option<(String, String)>,
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
    origins: RowOrigins,
}

/// What an adapter works with: the mapping, the accounts, and the contract rows it writes.
pub struct Import {
    pub mapping: Mapping,
    matcher: Matcher,
    dir: tempfile::TempDir,
    files: Vec<String>,
    texts: Vec<Option<std::sync::Arc<str>>>,
    tables: Vec<TableWriter>,
    unmatched: Vec<Unmatched>,
    matched: u64,
    /// Source values already looked up: exports repeat the same few names millions of times.
    found: std::collections::HashMap<String, Option<String>>,
    /// Why rows were left out on purpose (not responses, duplicates, …), with counts.
    skipped: BTreeMap<String, u64>,
    /// The zones zone-less times were read in, and where each came from.
    zones: Vec<(Tz, ZoneFrom)>,
    /// Headers of the export that look like they could hold the account, for messages.
    account_like: Vec<String>,
    /// What the summary must say about how the export was read (a rule not applied, and why).
    notes: Vec<String>,
    /// The account_ids loaded before the import, to tell created accounts from updated ones.
    existing: std::collections::HashSet<String>,
    /// For an accounts import: (created, updated).
    accounts: Option<(u64, u64)>,
}

impl Import {
    fn new(
        mapping: Mapping,
        matcher: Matcher,
        existing: std::collections::HashSet<String>,
    ) -> Result<Import> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        Ok(Import {
            mapping,
            matcher,
            dir,
            files: Vec::new(),
            texts: Vec::new(),
            tables: Vec::new(),
            unmatched: Vec::new(),
            matched: 0,
            found: std::collections::HashMap::new(),
            skipped: BTreeMap::new(),
            zones: Vec::new(),
            account_like: Vec::new(),
            notes: Vec::new(),
            existing,
            accounts: None,
        })
    }

    /// Registers a document; rows refer to it by the returned number.
    fn file(&mut self, name: &str) -> usize {
        self.files.push(name.to_owned());
        self.texts.push(None);
        self.files.len() - 1
    }

    /// Registers a CSV document and keeps its text, so that a rejected row's record can be
    /// written to the rejects file. (Event exports are too big to keep twice.)
    fn csv_file(&mut self, doc: &input::Document) -> usize {
        let file = self.file(&doc.name);
        self.texts[file] = Some(std::sync::Arc::from(doc.text.as_str()));
        file
    }

    /// Starts (or continues) a contract table. `fields` says, per contract column, which
    /// source field feeds it and at which 1-based column, for error messages.
    fn table(
        &mut self,
        table: &'static str,
        fields: Vec<Option<(String, usize)>>,
    ) -> Result<usize> {
        if let Some(i) = self.tables.iter().position(|t| t.table == table) {
            return Ok(i);
        }
        let spec = contract::table(table);
        debug_assert_eq!(fields.len(), spec.columns.len());
        let path = self.dir.path().join(format!("{table}.csv"));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(spec.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&path, e))?;
        self.tables.push(TableWriter {
            table,
            columns: spec.columns.len(),
            main_date: spec
                .columns
                .iter()
                .position(|c| c.name == spec.main_date)
                .expect("the main date is a column"),
            range: None,
            path,
            writer,
            origins: RowOrigins {
                files: Vec::new(),
                texts: Vec::new(),
                rows: Vec::new(),
                fields,
            },
        });
        Ok(self.tables.len() - 1)
    }

    /// Writes one contract row (values in the contract's column order) that came from
    /// `line` of document `file`.
    fn row(
        &mut self,
        table: usize,
        file: usize,
        line: u64,
        values: &[Option<String>],
    ) -> Result<()> {
        let out = &mut self.tables[table];
        debug_assert_eq!(values.len(), out.columns);
        out.writer
            .write_record(values.iter().map(|v| v.as_deref().unwrap_or_default()))
            .map_err(|e| csv_error(&out.path, e))?;
        out.origins.rows.push((file, line));
        // Translated values are `YYYY-MM-DD…`; anything else is left for the rules to report.
        if let Some(date) = values[out.main_date]
            .as_deref()
            .and_then(|v| v.get(..10))
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        {
            let range = out
                .range
                .get_or_insert_with(|| (date.to_owned(), date.to_owned()));
            if date < range.0.as_str() {
                range.0 = date.to_owned();
            }
            if date > range.1.as_str() {
                range.1 = date.to_owned();
            }
        }
        Ok(())
    }

    /// The account_id of the first candidate value that names an account; otherwise the row
    /// is recorded as unmatched and None comes back.
    fn account(
        &mut self,
        file: usize,
        line: u64,
        candidates: &[(&str, Option<String>)],
    ) -> Option<String> {
        for value in candidates.iter().filter_map(|(_, v)| v.as_deref()) {
            let found = match self.found.get(value) {
                Some(found) => found.clone(),
                None => {
                    let found = self.matcher.find(value).map(str::to_owned);
                    self.found.insert(value.to_owned(), found.clone());
                    found
                }
            };
            if found.is_some() {
                self.matched += 1;
                return found;
            }
        }
        let fields: Vec<&str> = candidates.iter().map(|(f, _)| *f).collect();
        let value = candidates
            .iter()
            .find_map(|(_, v)| v.clone().filter(|v| !v.trim().is_empty()))
            .unwrap_or_default();
        let sharing = candidates
            .iter()
            .filter_map(|(_, v)| v.as_deref())
            .find_map(|v| self.matcher.sharing_name(v))
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        self.unmatched.push(Unmatched {
            file: self.files[file].clone(),
            line,
            field: fields.join(" | "),
            value,
            sharing,
        });
        None
    }

    /// The account of a CSV record, from the columns `account_columns` found (see there).
    fn record_account(
        &mut self,
        file: usize,
        record: &input::Record,
        columns: &[(String, Option<usize>)],
    ) -> Option<String> {
        let candidates: Vec<(&str, Option<String>)> = columns
            .iter()
            .map(|(name, i)| (name.as_str(), cell(&record.fields, *i)))
            .collect();
        self.account(file, record.line, &candidates)
    }

    /// The zone to read zone-less times of a document in: the mapping's, noted for the summary.
    fn zone(&mut self) -> Tz {
        let (zone, from) = (self.mapping.zone, self.mapping.zone_from.clone());
        self.zone_from(zone, from)
    }

    /// Notes that zone-less times are read in `zone`, which came from `from`.
    fn zone_from(&mut self, zone: Tz, from: ZoneFrom) -> Tz {
        if !self.zones.contains(&(zone, from.clone())) {
            self.zones.push((zone, from));
        }
        zone
    }

    /// The columns the mapping's `account` fields name, in order; an error at line 1 when the
    /// file has none of them (every row would be unmatched).
    fn account_columns(
        &mut self,
        doc: &str,
        header: &Header,
    ) -> Result<Vec<(String, Option<usize>)>> {
        let columns: Vec<(String, Option<usize>)> = self
            .mapping
            .account
            .iter()
            .map(|name| (name.clone(), header.position(name)))
            .collect();
        let like = account_like(header);
        for name in &like {
            if !self.account_like.contains(name) {
                self.account_like.push(name.clone());
            }
        }
        if columns.iter().all(|(_, i)| i.is_none()) {
            return Err(LoadError::At {
                file: doc.to_owned(),
                position: "1".to_owned(),
                message: format!(
                    "no column to find the account by: tried {} (rule: name the column with `account = [\"…\"]` in the mapping file{})",
                    self.mapping.account.join(", "),
                    suggest_columns(&like)
                ),
            }
            .into());
        }
        Ok(columns)
    }

    /// Something the summary must say about how the export was read.
    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// Counts an account row: new to the database, or an update of a loaded account.
    fn account_row(&mut self, account_id: &str) {
        let (created, updated) = self.accounts.get_or_insert((0, 0));
        if self.existing.contains(account_id) {
            *updated += 1;
        } else {
            *created += 1;
        }
    }

    /// Counts a row left out on purpose, by reason.
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    /// `label` names the user's files in summaries (a zip's members are not listed).
    fn finish(self, label: &str) -> Result<(Vec<ImportedTable>, Prepared)> {
        let mut tables = Vec::new();
        let mut read = Vec::new();
        for mut t in self.tables {
            read.push(TableRead {
                table: t.table,
                rows: t.origins.rows.len() as u64,
                main_date: contract::table(t.table).main_date,
                range: t.range.take(),
            });
            t.writer.flush().map_err(|e| Error::io(&t.path, e))?;
            t.origins.files = self.files.clone();
            t.origins.texts = self.texts.clone();
            tables.push(ImportedTable {
                table: t.table,
                label: label.to_owned(),
                path: t.path,
                origins: t.origins,
            });
        }
        Ok((
            tables,
            Prepared {
                _dir: self.dir,
                unmatched: self.unmatched,
                matched: self.matched,
                skipped: self.skipped,
                zones: self.zones,
                account_like: self.account_like,
                notes: self.notes,
                accounts: self.accounts,
                read,
            },
        ))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e))
}

/// What an import read besides the contract rows.
pub struct Prepared {
    _dir: tempfile::TempDir,
    pub unmatched: Vec<Unmatched>,
    /// Source rows whose account was found.
    pub matched: u64,
    pub skipped: BTreeMap<String, u64>,
    /// The zones zone-less times were read in, and where each came from (none when the
    /// export's times all carry their zone or are dates).
    pub zones: Vec<(Tz, ZoneFrom)>,
    /// Headers of the export that look like they could hold the account.
    pub account_like: Vec<String>,
    /// What the summary must say about how the export was read.
    pub notes: Vec<String>,
    /// For an accounts import: how many accounts it creates and how many it updates.
    pub accounts: Option<(u64, u64)>,
    /// Per contract table, what the export held.
    pub read: Vec<TableRead>,
}

/// What an export held for one contract table: rows, and the range of their main date.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRead {
    pub table: &'static str,
    pub rows: u64,
    pub main_date: &'static str,
    pub range: Option<(String, String)>,
}

impl TableRead {
    /// A range that ends after `today` or starts before 1990 is likely a wrong year or zone.
    pub fn warning(&self, today: chrono::NaiveDate) -> Option<String> {
        let (first, last) = self.range.as_ref()?;
        if last.as_str() > today.to_string().as_str() {
            Some(format!(
                "ends after today ({today}): check the year, the date_format and the zone"
            ))
        } else if first.as_str() < "1990-01-01" {
            Some("starts before 1990: check the year and the date_format".to_owned())
        } else {
            None
        }
    }
}

pub struct ImportRequest<'a> {
    pub vendor: Vendor,
    pub files: &'a [PathBuf],
    pub mapping: Option<&'a Path>,
    /// Overrides the mapping file's zone.
    pub time_zone: Option<Tz>,
    pub dry_run: bool,
    pub options: LoadOptions,
}

pub struct ImportReport {
    pub merged: MergeSummary,
    pub prepared: Prepared,
    /// Where the unmatched rows were written (not on a dry run).
    pub unmatched_file: Option<PathBuf>,
}

/// Reads the vendor's files, finds each row's account and merges the rows into the database
/// (or, on a dry run, only checks them).
pub fn import(
    db: &Db,
    request: &ImportRequest,
    unmatched_file: &Path,
    rejects_file: &Path,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<ImportReport> {
    let vendor = request.vendor;
    let schema = vendor.schema();
    let mut mapping = match request.mapping {
        Some(path) => Mapping::from_file(path, vendor, schema)?,
        None => Mapping::defaults(schema),
    };
    if let Some(zone) = request.time_zone {
        mapping.zone = zone;
        mapping.zone_from = ZoneFrom::Flag;
    }
    let accounts: Vec<(String, String)> = db::rows(db.conn(), queries::IMPORT_ACCOUNTS, [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let matcher = Matcher::new(&accounts, &mapping.aliases);
    if matcher.is_empty() && vendor != Vendor::Salesforce {
        return Err(Error::Usage(format!(
            "no accounts are loaded, so no {vendor} row can find its account: load accounts (retain load DIR) or import them (retain import salesforce FILE) first"
        )));
    }
    let mut documents = Vec::new();
    for path in request.files {
        documents.push(input::documents(path, request.options.encoding)?);
    }
    let date_format = mapping
        .date_format
        .clone()
        .or_else(|| vendor.default_date_format().map(str::to_owned));
    let existing = accounts.iter().map(|(id, _)| id.clone()).collect();
    let mut import = Import::new(mapping, matcher, existing)?;
    match vendor {
        Vendor::Zendesk => zendesk::read(&mut import, documents)?,
        Vendor::Salesforce => salesforce::read(&mut import, documents)?,
        Vendor::Qualtrics => surveys::qualtrics(&mut import, documents)?,
        Vendor::Surveymonkey => surveys::surveymonkey(&mut import, documents)?,
        Vendor::Delighted => surveys::delighted(&mut import, documents)?,
        Vendor::Segment => analytics::segment(&mut import, documents)?,
        Vendor::Amplitude => analytics::amplitude(&mut import, documents)?,
        Vendor::Mixpanel => analytics::mixpanel(&mut import, documents)?,
    }
    let label: Vec<String> = request
        .files
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let (tables, prepared) = import.finish(&label.join(", "))?;
    // An empty export (0 bytes, or a header alone) would replace what this source brought
    // before with nothing. Say so and change nothing, in a dry run too.
    if tables.iter().all(|t| t.origins.rows.is_empty()) && prepared.unmatched.is_empty() {
        let left_out: u64 = prepared.skipped.values().sum();
        return Err(LoadError::File {
            file: label.join(", "),
            message: format!(
                "no {vendor} rows to import{} (rule: an import replaces what {vendor} brought \
                 before, so an empty export would erase it); nothing was changed",
                if left_out > 0 {
                    format!(" ({left_out} left out by the mapping's values)")
                } else {
                    String::new()
                }
            ),
        }
        .into());
    }
    // An import replaces what its source brought before: one in which no row found its
    // account (a wrong mapping, the wrong files) would only delete. Refuse it, in a dry run
    // too, so that both end alike.
    if prepared.matched == 0 && !prepared.unmatched.is_empty() {
        return Err(no_account_found(vendor, &prepared).into());
    }
    let merged = load::merge(
        db,
        vendor.name(),
        tables,
        &request.options,
        request.dry_run,
        rejects_file,
        on_event,
    )
    .map_err(|e| with_hints(e, vendor, date_format.as_deref()))?;
    let unmatched_file = if request.dry_run || prepared.unmatched.is_empty() {
        None
    } else {
        write_unmatched(unmatched_file, &prepared.unmatched)?;
        Some(unmatched_file.to_path_buf())
    };
    Ok(ImportReport {
        merged,
        prepared,
        unmatched_file,
    })
}

/// Adds to the rule problems what to write in the mapping file: for unread times (see
/// `time::unread_hint`, judged over all of the export's), and for amounts whose decimal mark
/// is a comma.
fn with_hints(e: Error, vendor: Vendor, format: Option<&str>) -> Error {
    let Error::Load(LoadError::Rules {
        file,
        mut problems,
        total,
    }) = e
    else {
        return e;
    };
    let is_time = |rule: &str| {
        rule.starts_with("must be an ISO 8601 timestamp") || rule.starts_with("must be a date")
    };
    let values: Vec<&str> = problems
        .iter()
        .filter(|p| is_time(&p.rule))
        .map(|p| p.value.as_str())
        .collect();
    if let Some(hint) = (!values.is_empty())
        .then(|| time::unread_hint(&values, format, vendor.name()))
        .flatten()
    {
        // Said once, on the first: it holds for all of them.
        if let Some(first) = problems.iter_mut().find(|p| is_time(&p.rule)) {
            first.hint = Some(hint);
        }
    }
    if let Some(first) = problems
        .iter_mut()
        .find(|p| p.rule == "must be a decimal number" && p.value.contains(','))
    {
        first.hint = Some(format!(
            "where the comma is the decimal mark, add decimal_mark = \",\" to [{vendor}] in the mapping file"
        ));
    }
    LoadError::Rules {
        file,
        problems,
        total,
    }
    .into()
}

fn write_unmatched(path: &Path, rows: &[Unmatched]) -> Result<()> {
    crate::file::write_whole(path, |mut out| {
        crate::csv::write_safe_row(
            &mut out,
            [
                "file",
                "line",
                "fields tried",
                "value",
                "accounts sharing that name",
            ],
        )?;
        for u in rows {
            let line = u.line.to_string();
            let sharing = u.sharing.join(" ");
            crate::csv::write_safe_row(
                &mut out,
                [u.file.as_str(), &line, &u.field, &u.value, &sharing],
            )?;
        }
        Ok(())
    })
    .map_err(|e| Error::io(path, e))
}

/// The header of a vendor CSV, for finding fields by name.
struct Header {
    /// Trimmed and lower-cased, for matching.
    names: Vec<String>,
    /// As the file spells them, for messages.
    spelled: Vec<String>,
}

impl Header {
    fn new(names: &[String]) -> Header {
        Header {
            names: names.iter().map(|n| n.trim().to_lowercase()).collect(),
            spelled: names.iter().map(|n| n.trim().to_owned()).collect(),
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        self.names.iter().position(|n| *n == name)
    }

    /// The first of `names` the header has.
    fn first(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.position(n))
    }

    /// The 0-based column of `field`: the header the mapping names (an error when the file
    /// has no such column), else the first of `defaults` present. A header that appears twice
    /// is an error: which of the two holds the field cannot be told.
    fn field(
        &self,
        doc: &str,
        mapping: &Mapping,
        field: &str,
        defaults: &[&str],
    ) -> Result<Option<usize>> {
        let at = |message: String| -> Error {
            LoadError::At {
                file: doc.to_owned(),
                position: "1".to_owned(),
                message,
            }
            .into()
        };
        let found = match mapping.column(field) {
            Some(header) => match self.position(header) {
                Some(i) => i,
                None => {
                    return Err(at(format!(
                        "no column {header:?}, which the mapping file names for {field} (rule: mapped columns exist)"
                    )));
                }
            },
            None => match self.first(defaults) {
                Some(i) => i,
                None => return Ok(None),
            },
        };
        let name = &self.names[found];
        if let Some(again) = self.names.iter().skip(found + 1).position(|n| n == name) {
            return Err(at(format!(
                "columns {} and {} are both named {:?}, so {field} is ambiguous (rule: each column once; rename or remove one)",
                found + 1,
                found + 2 + again,
                crate::text::printable(&self.spelled[found]),
            )));
        }
        Ok(Some(found))
    }
}

/// The trimmed, non-empty text of a CSV record's column.
fn cell(fields: &[String], column: Option<usize>) -> Option<String> {
    column
        .and_then(|i| fields.get(i))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The name of a source column for error messages: the header as the file spells it.
fn origin(names: &[String], column: Option<usize>) -> Option<(String, usize)> {
    column.map(|i| (names[i].trim().to_owned(), i + 1))
}

fn suggest_columns(like: &[String]) -> String {
    match like {
        [] => String::new(),
        like => format!(
            "; columns that look like ids or names: {}",
            like.iter()
                .take(8)
                .map(|c| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Why no row of an import found its account, with what to write in the mapping file.
fn no_account_found(vendor: Vendor, prepared: &Prepared) -> LoadError {
    let unmatched = &prepared.unmatched;
    let fields = &unmatched[0].field;
    let mut examples: Vec<String> = Vec::new();
    for u in unmatched.iter().filter(|u| !u.value.is_empty()) {
        let shown = format!("{:?}", crate::text::printable(&u.value));
        if !examples.contains(&shown) {
            examples.push(shown);
        }
        if examples.len() == 3 {
            break;
        }
    }
    let message = if examples.is_empty() {
        format!(
            "none of the {} rows found its account: {fields} is empty in every row (rule: name the column that holds the account with `account = [\"…\"]` in [{vendor}] of the mapping file{}); nothing was changed",
            unmatched.len(),
            suggest_columns(&prepared.account_like)
        )
    } else {
        format!(
            "none of the {} rows found its account by {fields} (values such as {}) (rule: a row names an account by id, name or an [aliases] entry of the mapping file; check `account = [\"…\"]` in [{vendor}]{}); nothing was changed",
            unmatched.len(),
            examples.join(", "),
            suggest_columns(&prepared.account_like)
        )
    };
    LoadError::File {
        file: vendor.name().to_owned(),
        message,
    }
}

/// Headers that could hold an account: ids, names, organisations, emails, domains.
fn account_like(header: &Header) -> Vec<String> {
    const WORDS: &[&str] = &[
        "name",
        "organization",
        "organisation",
        "company",
        "account",
        "email",
        "domain",
        "reference",
        "external",
        "customer",
    ];
    header
        .spelled
        .iter()
        .filter(|spelled| {
            let lower = spelled.to_lowercase();
            WORDS.iter().any(|w| lower.contains(w))
                || lower.ends_with("id")
                || lower
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| t == "id")
        })
        .map(|spelled| crate::text::printable(spelled).into_owned())
        .collect()
}

/// A required field none of whose headers the export has: one error at line 1, not one per
/// row.
fn no_column(doc: &str, vendor: Vendor, field: &str, tried: &[&str]) -> Error {
    LoadError::At {
        file: doc.to_owned(),
        position: "1".to_owned(),
        message: format!(
            "no column for {field}: tried {} (rule: {vendor} rows need {field}; name the column with [{vendor}.columns] {field} = \"…\")",
            tried.join(", ")
        ),
    }
    .into()
}

/// A vendor file without the rows its format starts with.
fn empty_file(file: &str, what: &str) -> Error {
    LoadError::File {
        file: file.to_owned(),
        message: format!("is empty (rule: {what})"),
    }
    .into()
}
