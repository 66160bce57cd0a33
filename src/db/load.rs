//! `retain load DIR`: the five input tables of the data contract, all or nothing.
//!
//! Each file is staged by DuckDB into a temporary table that holds typed values and, per row,
//! the first contract rule the row breaks. Only when no rule is broken (or `--skip-bad-rows`
//! sets the offenders aside) are the input tables replaced, in one transaction.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::csv_file::{self, Decoded, HeaderError, TextEncoding};
use super::{Db, queries};
use crate::error::{Error, Result};

/// The longest row DuckDB's reader accepts (its default, 2 MB, is too small for long comments).
const MAX_ROW_BYTES: u64 = 32 * 1024 * 1024;

/// How many offending rows an error message lists before it gives the total.
const SHOWN_PROBLEMS: usize = 5;

pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
}

const fn col(name: &'static str, required: bool) -> ColumnSpec {
    ColumnSpec { name, required }
}

pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [ColumnSpec],
    stage_sql: &'static str,
    unique_key: Option<&'static str>,
    typed: Option<TypedRead>,
}

/// How a clean CSV of a table is staged by DuckDB's typed reader alone (see `stage_typed`).
struct TypedRead {
    stage_sql: &'static str,
    /// Counts the rows the full stage would treat differently or reject.
    check_sql: &'static str,
    /// The contract columns the reader types itself, with their DuckDB type.
    types: &'static [(&'static str, &'static str)],
}

/// The data contract (docs/data-contract.md), in load order: accounts first, because every
/// other table's rows are checked against the accounts being loaded.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "accounts",
        columns: &[
            col("account_id", true),
            col("name", true),
            col("owner", false),
            col("segment", false),
            col("plan", false),
            col("arr", true),
            col("seats", false),
            col("contract_start", true),
            col("renewal_date", false),
            col("churned_on", false),
        ],
        stage_sql: queries::STAGE_ACCOUNTS,
        unique_key: Some("account_id"),
        typed: None,
    },
    TableSpec {
        name: "usage",
        columns: &[
            col("account_id", true),
            col("user_id", true),
            col("occurred_at", true),
            col("feature", false),
            col("count", false),
        ],
        stage_sql: queries::STAGE_USAGE,
        unique_key: None,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_USAGE,
            check_sql: queries::TYPED_USAGE_CHECK,
            types: &[("occurred_at", "TIMESTAMPTZ"), ("count", "INTEGER")],
        }),
    },
    TableSpec {
        name: "tickets",
        columns: &[
            col("ticket_id", true),
            col("account_id", true),
            col("opened_at", true),
            col("closed_at", false),
            col("priority", true),
            col("subject", false),
        ],
        stage_sql: queries::STAGE_TICKETS,
        unique_key: Some("ticket_id"),
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_TICKETS,
            check_sql: queries::TYPED_TICKETS_CHECK,
            types: &[("opened_at", "TIMESTAMPTZ"), ("closed_at", "TIMESTAMPTZ")],
        }),
    },
    TableSpec {
        name: "surveys",
        columns: &[
            col("account_id", true),
            col("responded_at", true),
            col("kind", true),
            col("score", true),
            col("respondent", false),
            col("comment", false),
        ],
        stage_sql: queries::STAGE_SURVEYS,
        unique_key: None,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_SURVEYS,
            check_sql: queries::TYPED_SURVEYS_CHECK,
            types: &[("responded_at", "TIMESTAMPTZ"), ("score", "INTEGER")],
        }),
    },
    TableSpec {
        name: "activities",
        columns: &[
            col("account_id", true),
            col("occurred_at", true),
            col("kind", true),
            col("summary", false),
            col("author", false),
        ],
        stage_sql: queries::STAGE_ACTIVITIES,
        unique_key: None,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_ACTIVITIES,
            check_sql: queries::TYPED_ACTIVITIES_CHECK,
            types: &[("occurred_at", "TIMESTAMPTZ")],
        }),
    },
];

/// One row that breaks a rule: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    /// The line the record starts on (CSV), or the 1-based row (Parquet).
    pub line: u64,
    /// 1-based position of the column in the file; 0 when the problem is the whole row.
    pub column_index: usize,
    pub column: String,
    pub rule: String,
    pub value: String,
    /// The record as it appears in the file (CSV only).
    pub record: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if self.column_index > 0 {
            write!(f, ":{}", self.column_index)?;
        }
        write!(f, ": {} {}", self.column, self.rule)?;
        if !self.value.is_empty() {
            write!(f, " (found {:?})", self.value)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}: no such folder")]
    NoFolder(PathBuf),
    #[error(
        "{dir}: no accounts file (rule: accounts.csv, accounts.csv.gz or accounts.parquet is required)"
    )]
    NoAccounts { dir: PathBuf },
    #[error("{dir}: both {first} and {second} are present; keep one file per table")]
    Ambiguous {
        dir: PathBuf,
        first: String,
        second: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// A problem at a place in the file: `line` or `line:column`.
    #[error("{file}:{position}: {message}")]
    At {
        file: String,
        position: String,
        message: String,
    },
    #[error(
        "{file}:1:{column_index}: column {column} appears twice in the header (rule: each column once)"
    )]
    DuplicateColumn {
        file: String,
        column: String,
        column_index: usize,
    },
    #[error("{file}:1: missing required column {column} (rule: {table} needs {required})")]
    MissingColumn {
        file: String,
        table: &'static str,
        column: &'static str,
        required: String,
    },
    #[error("{}", rule_report(.file, .problems, *.total))]
    Rules {
        file: String,
        problems: Vec<Problem>,
        total: u64,
    },
}

fn rule_report(file: &str, problems: &[Problem], total: u64) -> String {
    let noun = if total == 1 {
        "row breaks"
    } else {
        "rows break"
    };
    let mut text = format!("{file}: {total} {noun} the data contract; nothing was loaded");
    for problem in problems {
        text.push_str(&format!("\n  {problem}"));
    }
    let more = total - problems.len() as u64;
    if more > 0 {
        text.push_str(&format!("\n  … and {more} more"));
    }
    text.push_str("\n  (--skip-bad-rows loads the rest and writes these rows to a rejects file)");
    text
}

#[derive(Debug, Default, Clone)]
pub struct LoadOptions {
    pub skip_bad_rows: bool,
    pub encoding: TextEncoding,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableSummary {
    pub table: &'static str,
    pub file: Option<String>,
    pub rows: u64,
    pub orphans: u64,
    pub rejected: u64,
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LoadSummary {
    pub tables: Vec<TableSummary>,
    pub rejects_file: Option<PathBuf>,
    pub freshness: Option<chrono::NaiveDate>,
    pub elapsed: Duration,
}

/// What the loader reports as it goes, so the CLI can show progress.
pub enum LoadEvent<'a> {
    Staging {
        table: &'static str,
        file: &'a str,
    },
    Staged {
        table: &'static str,
        rows: u64,
        elapsed: Duration,
        /// Whether DuckDB's typed reader staged the file alone (a clean file).
        typed: bool,
    },
}

/// A file found for a table, and how its columns map onto the contract.
struct Source {
    spec: &'static TableSpec,
    path: PathBuf,
    file: String,
    format: Format,
    /// For each contract column, its 0-based position in the file.
    positions: Vec<Option<usize>>,
    ignored: Vec<String>,
    /// A UTF-8 copy of a file in another encoding, read instead of `path`'s original.
    _transcoded: Option<tempfile::TempDir>,
    /// For rows an import adapter wrote: where each came from in the vendor's export.
    origins: Option<RowOrigins>,
}

/// Where the rows of an import's contract file came from, so that a broken rule is reported
/// against the vendor's file, line and column rather than the intermediate file.
#[derive(Debug, Clone, Default)]
pub struct RowOrigins {
    pub files: Vec<String>,
    /// Per contract row, in order: the index into `files` and the line there.
    pub rows: Vec<(usize, u64)>,
    /// Per contract column: the source field it came from and its 1-based column in the
    /// source file (0 when the source is not a CSV, or the value was derived).
    pub fields: Vec<Option<(String, usize)>>,
}

/// One contract table an import adapter produced: a UTF-8 CSV with the contract's header.
pub struct ImportedTable {
    pub table: &'static str,
    /// How summaries name the source: the vendor files given.
    pub label: String,
    pub path: PathBuf,
    pub origins: RowOrigins,
}

/// What `retain import` staged: the load summary, plus a few rows per table for --dry-run.
#[derive(Debug, Clone)]
pub struct MergeSummary {
    pub load: LoadSummary,
    /// Per imported table, a few checked rows (empty unless a dry run).
    pub examples: Vec<Examples>,
}

#[derive(Debug, Clone)]
pub struct Examples {
    pub table: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

enum Format {
    Csv {
        delimiter: u8,
        columns: usize,
    },
    /// Parquet column names are file content: they reach SQL only as quoted identifiers.
    Parquet {
        quoted_names: Vec<String>,
    },
}

/// Finds each table's file in `dir`: `<table>.csv`, `.csv.gz` or `.parquet`, any case.
fn find_files(dir: &Path) -> Result<Vec<(&'static TableSpec, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|_| LoadError::NoFolder(dir.to_path_buf()))?;
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().to_lowercase(), e.path()))
        .collect();
    names.sort();
    let mut found = Vec::new();
    for spec in TABLES {
        let candidates: Vec<&(String, PathBuf)> = names
            .iter()
            .filter(|(n, _)| {
                [".csv", ".csv.gz", ".parquet"]
                    .iter()
                    .any(|ext| *n == format!("{}{ext}", spec.name))
            })
            .collect();
        match candidates.as_slice() {
            [] if spec.name == "accounts" => {
                return Err(LoadError::NoAccounts {
                    dir: dir.to_path_buf(),
                }
                .into());
            }
            [] => {}
            [(_, path)] => found.push((spec, path.clone())),
            [first, second, ..] => {
                return Err(LoadError::Ambiguous {
                    dir: dir.to_path_buf(),
                    first: first.0.clone(),
                    second: second.0.clone(),
                }
                .into());
            }
        }
    }
    Ok(found)
}

fn file_error(file: &str, message: impl Into<String>) -> Error {
    LoadError::File {
        file: file.to_owned(),
        message: message.into(),
    }
    .into()
}

/// Reads the header (CSV) or schema (Parquet) and maps its columns onto the contract.
fn inspect(
    db: &Db,
    spec: &'static TableSpec,
    path: PathBuf,
    encoding: TextEncoding,
) -> Result<Source> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.is_dir() {
        return Err(file_error(&file, "is a directory, not a file"));
    }
    let is_parquet = file.to_lowercase().ends_with(".parquet");
    let mut path = path;
    let mut transcoded = None;
    if !is_parquet {
        match csv_file::ensure_utf8(&path, encoding).map_err(|e| Error::io(&path, e))? {
            Decoded::Utf8 => {}
            Decoded::Transcoded(dir, utf8) => {
                path = utf8;
                transcoded = Some(dir);
            }
            Decoded::Invalid { line, column } => {
                let message =
                    format!("{NOT_UTF8}, nor Shift_JIS; name the encoding with --encoding");
                return Err(LoadError::At {
                    file,
                    position: format!("{line}:{column}"),
                    message,
                }
                .into());
            }
        }
    }
    let (names, format) = if is_parquet {
        if csv_file::is_empty(&path).map_err(|e| Error::io(&path, e))? {
            return Err(file_error(
                &file,
                "is empty (rule: a Parquet file with the table's columns)",
            ));
        }
        let mut stmt = db.conn().prepare(queries::PARQUET_COLUMNS)?;
        let names: Vec<String> = stmt
            .query_map([path.to_string_lossy()], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| {
                file_error(
                    &file,
                    format!("is not a readable Parquet file: {}", first_line(&e)),
                )
            })?;
        let quoted_names = names
            .iter()
            .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
            .collect();
        (names, Format::Parquet { quoted_names })
    } else {
        let header = csv_file::read_header(&path).map_err(|e| match e {
            HeaderError::Empty => {
                file_error(&file, "is empty (rule: the first line names the columns)")
            }
            HeaderError::NotUtf8 { column } => LoadError::At {
                file: file.clone(),
                position: format!("1:{column}"),
                message: NOT_UTF8.to_owned(),
            }
            .into(),
            HeaderError::Io(message) => file_error(&file, message),
        })?;
        let format = Format::Csv {
            delimiter: header.delimiter,
            columns: header.names.len(),
        };
        (header.names, format)
    };

    let mut positions = vec![None; spec.columns.len()];
    let mut ignored = Vec::new();
    for (position, raw_name) in names.iter().enumerate() {
        let name = raw_name.trim().to_lowercase();
        match spec.columns.iter().position(|c| c.name == name) {
            Some(i) if positions[i].is_some() => {
                return Err(LoadError::DuplicateColumn {
                    file,
                    column: spec.columns[i].name.to_owned(),
                    column_index: position + 1,
                }
                .into());
            }
            Some(i) => positions[i] = Some(position),
            None => ignored.push(raw_name.trim().to_owned()),
        }
    }
    if let Some(missing) = spec
        .columns
        .iter()
        .zip(&positions)
        .find(|(c, p)| c.required && p.is_none())
    {
        let required: Vec<&str> = spec
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(LoadError::MissingColumn {
            file,
            table: spec.name,
            column: missing.0.name,
            required: required.join(", "),
        }
        .into());
    }
    Ok(Source {
        spec,
        path,
        file,
        format,
        positions,
        ignored,
        _transcoded: transcoded,
        origins: None,
    })
}

impl Source {
    /// The table function that reads the file, with the path as the one bound parameter.
    /// CSV columns are read as text, except those `typed` names by position.
    fn reader_sql(&self, store_rejects: bool, typed: &[(usize, &str)]) -> String {
        match &self.format {
            Format::Csv { delimiter, columns } => {
                let columns: Vec<String> = (0..*columns)
                    .map(|i| {
                        let kind = typed
                            .iter()
                            .find(|(p, _)| *p == i)
                            .map_or("VARCHAR", |(_, kind)| kind);
                        format!("'c{i}': '{kind}'")
                    })
                    .collect();
                format!(
                    "read_csv(?, header = false, skip = 1, delim = '{}', quote = '\"', escape = '\"', \
                     auto_detect = false, max_line_size = {MAX_ROW_BYTES}, columns = {{{}}}, \
                     store_rejects = {store_rejects})",
                    *delimiter as char,
                    columns.join(", ")
                )
            }
            Format::Parquet { .. } => "read_parquet(?)".to_owned(),
        }
    }

    /// The SQL for one contract column: the file's column as text, or NULL when it is absent.
    fn column_sql(&self, index: usize) -> String {
        match (self.positions[index], &self.format) {
            (None, _) => "NULL::VARCHAR".to_owned(),
            (Some(p), Format::Csv { .. }) => format!("c{p}"),
            (Some(p), Format::Parquet { quoted_names }) => {
                format!("CAST({} AS VARCHAR)", quoted_names[p])
            }
        }
    }

    fn stage_table(&self) -> String {
        format!("stage_{}", self.spec.name)
    }

    fn column_index(&self, column: &str) -> usize {
        self.spec
            .columns
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| self.positions[i])
            .map_or(0, |p| p + 1)
    }

    fn is_csv(&self) -> bool {
        matches!(self.format, Format::Csv { .. })
    }

    /// Points a problem found in an import's intermediate file back at the vendor's file.
    fn trace(&self, rowid: u64, problem: &mut Problem) {
        let Some(origins) = &self.origins else { return };
        if let Some(&(file, line)) = origins.rows.get(rowid as usize) {
            problem.file = origins.files[file].clone();
            problem.line = line;
        }
        let index = self
            .spec
            .columns
            .iter()
            .position(|c| c.name == problem.column);
        match index.and_then(|i| origins.fields.get(i)).cloned().flatten() {
            Some((field, column_index)) => {
                if field != problem.column {
                    problem.column = format!("{field} ({})", problem.column);
                }
                problem.column_index = column_index;
            }
            None => problem.column_index = 0,
        }
    }
}

struct Staged {
    /// Rows that break no rule and belong to a loaded account.
    loaded: u64,
    typed: bool,
    /// Whether the stage has the `problem` column (a typed stage without a key has none).
    rules_column: bool,
    orphans: u64,
    /// Rows set aside (only with --skip-bad-rows).
    rejected: Vec<Problem>,
}

fn first_line(e: &duckdb::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

const NOT_UTF8: &str =
    "is not UTF-8 text (rule: files are UTF-8; save the export as \"CSV UTF-8\")";

/// DuckDB's CSV reader stops at rows it cannot split; turn its message into ours.
fn reader_error(source: &Source, e: &duckdb::Error) -> Error {
    let text = e.to_string();
    let number_after = |label: &str| {
        text.split(label)
            .nth(1)
            .and_then(|rest| {
                rest.trim_start()
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
            })
            .and_then(|n| n.parse::<u64>().ok())
    };
    let message = if text.contains("Invalid unicode") {
        NOT_UTF8.to_owned()
    } else if let (Some(expected), Some(found)) = (
        number_after("Expected Number of Columns:"),
        number_after("Found:"),
    ) {
        format!(
            "the row has {found} fields, the header has {expected} (rule: every row has the header's fields)"
        )
    } else if text.contains("Maximum line size") {
        format!(
            "a row is longer than {} MB (rule: rows up to that size)",
            MAX_ROW_BYTES / 1024 / 1024
        )
    } else if text.contains("unterminated quote") {
        "a quoted value is never closed (rule: quotes come in pairs)".to_owned()
    } else {
        format!(
            "{} (rule: a readable {} file)",
            first_line(e),
            if source.is_csv() { "CSV" } else { "Parquet" }
        )
    };
    match number_after("Line:") {
        Some(line) => LoadError::At {
            file: source.file.clone(),
            position: line.to_string(),
            message,
        }
        .into(),
        None => file_error(&source.file, message),
    }
}

fn stage(db: &Db, source: &Source, skip_bad_rows: bool, accounts: &str) -> Result<Staged> {
    let conn = db.conn();
    let stage = source.stage_table();
    let mut fills: Vec<(&str, String)> = source
        .spec
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name, source.column_sql(i)))
        .collect();
    fills.push((
        "source",
        source.reader_sql(skip_bad_rows && source.is_csv(), &[]),
    ));
    let fills: Vec<(&str, &str)> = fills.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let select = queries::fill(source.spec.stage_sql, &fills);
    conn.execute_batch(queries::RESET_READER_REJECTS)?;
    let typed = stage_typed(db, source)?;
    if !typed {
        let create = queries::fill(
            queries::CREATE_STAGE,
            &[("stage", &stage), ("select", &select)],
        );
        conn.execute(&create, [source.path.to_string_lossy()])
            .map_err(|e| reader_error(source, &e))?;
    }
    if let Some(key) = source.spec.unique_key {
        conn.execute(
            &queries::fill(queries::MARK_DUPLICATES, &[("stage", &stage), ("key", key)]),
            [],
        )?;
    }
    // A typed stage of a table without a key has no rules column (see stage_typed).
    let rules_column = !typed || source.spec.unique_key.is_some();
    let counts = if rules_column {
        queries::STAGE_COUNTS
    } else {
        queries::TYPED_COUNTS
    };
    let (problems, orphans, total): (u64, u64, u64) = conn.query_row(
        &queries::fill(counts, &[("stage", &stage), ("accounts", accounts)]),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // Rows DuckDB could not split at all (only recorded with --skip-bad-rows).
    let unreadable = if skip_bad_rows && source.is_csv() && !typed {
        unreadable_rows(db, source)?
    } else {
        Vec::new()
    };
    let limit = if skip_bad_rows {
        i64::MAX
    } else {
        SHOWN_PROBLEMS as i64
    };
    let mut rows = Vec::new();
    if problems > 0 {
        let mut stmt = conn.prepare(&queries::fill(
            queries::STAGE_PROBLEMS,
            &[("stage", &stage)],
        ))?;
        let found = stmt.query_map([limit], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in found {
            let (rowid, column, rule, value) = row?;
            rows.push((
                rowid,
                Problem {
                    file: source.file.clone(),
                    line: rowid + 1,
                    column_index: source.column_index(&column),
                    column,
                    rule,
                    value,
                    record: None,
                },
            ));
        }
        if source.origins.is_some() {
            for (rowid, problem) in rows.iter_mut() {
                source.trace(*rowid, problem);
            }
        } else if source.is_csv() {
            let skipped: Vec<u64> = unreadable.iter().map(|p| p.line).collect();
            let rowids: Vec<u64> = rows.iter().map(|(r, _)| *r).collect();
            let located = csv_file::locate_records(&source.path, &rowids, &skipped)
                .map_err(|e| Error::io(&source.path, e))?;
            for ((_, problem), (line, record)) in rows.iter_mut().zip(located) {
                problem.line = line;
                problem.record = Some(record);
            }
        }
    }
    let mut listed: Vec<Problem> = rows.into_iter().map(|(_, p)| p).chain(unreadable).collect();
    listed.sort_by_key(|p| p.line);
    if !skip_bad_rows && problems > 0 {
        return Err(LoadError::Rules {
            file: source.file.clone(),
            problems: listed,
            total: problems,
        }
        .into());
    }
    Ok(Staged {
        loaded: total - problems - orphans,
        typed,
        rules_column,
        orphans,
        rejected: listed,
    })
}

/// Stages a CSV by DuckDB's typed reader alone, when the table has such a path and the file
/// is clean: true when that worked and no row needs the full stage's rules. False leaves the
/// full stage to do everything, with its file:line:column reports; a clean file's rows are
/// the same either way. The typed stage gets the (empty) rules column only when the table has
/// a key to mark repeats in.
fn stage_typed(db: &Db, source: &Source) -> Result<bool> {
    let Some(typed) = &source.spec.typed else {
        return Ok(false);
    };
    if !source.is_csv() {
        return Ok(false);
    }
    let stage = source.stage_table();
    let mut reader_types = Vec::new();
    let mut fills: Vec<(&str, String)> = Vec::new();
    for (column, position) in source.spec.columns.iter().zip(&source.positions) {
        let kind = typed
            .types
            .iter()
            .find(|(name, _)| *name == column.name)
            .map(|(_, kind)| *kind);
        let sql = match (position, kind) {
            (Some(p), kind) => {
                reader_types.extend(kind.map(|k| (*p, k)));
                format!("c{p}")
            }
            (None, kind) => format!("NULL::{}", kind.unwrap_or("VARCHAR")),
        };
        fills.push((column.name, sql));
    }
    fills.push(("source", source.reader_sql(false, &reader_types)));
    fills.push(("stage", stage.clone()));
    let fills: Vec<(&str, &str)> = fills.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let create = queries::fill(typed.stage_sql, &fills);
    if db
        .conn()
        .execute(&create, [source.path.to_string_lossy()])
        .is_err()
    {
        return Ok(false);
    }
    let stage_fill = [("stage", stage.as_str())];
    let needs_rules: u64 =
        db.conn()
            .query_row(&queries::fill(typed.check_sql, &stage_fill), [], |r| {
                r.get(0)
            })?;
    if needs_rules > 0 {
        return Ok(false);
    }
    if source.spec.unique_key.is_some() {
        db.conn()
            .execute_batch(&queries::fill(queries::TYPED_ADD_PROBLEM, &stage_fill))?;
    }
    Ok(true)
}

/// The rows DuckDB's CSV reader set aside with `store_rejects`.
fn unreadable_rows(db: &Db, source: &Source) -> Result<Vec<Problem>> {
    let mut stmt = db.conn().prepare(queries::READER_REJECTS)?;
    let rows = stmt.query_map([], |r| {
        Ok(Problem {
            file: source.file.clone(),
            line: r.get(0)?,
            column_index: r.get(1)?,
            column: r.get::<_, String>(2)?,
            rule: format!("{}: {}", r.get::<_, String>(3)?, r.get::<_, String>(4)?),
            value: String::new(),
            record: Some(r.get(5)?),
        })
    })?;
    let mut problems: Vec<Problem> = rows.collect::<Result<_, _>>()?;
    // The reader may report one row several times (once per column it tripped on).
    problems.dedup_by_key(|p| p.line);
    Ok(problems)
}

/// Loads every contract file of `dir`, replacing the input tables in one transaction.
pub fn load(
    db: &Db,
    dir: &Path,
    options: &LoadOptions,
    rejects_file: &Path,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<LoadSummary> {
    let start = Instant::now();
    let sources: Vec<Source> = find_files(dir)?
        .into_iter()
        .map(|(spec, path)| inspect(db, spec, path, options.encoding))
        .collect::<Result<_>>()?;
    drop_stages(db);
    let staged = stage_all(db, &sources, options, on_event);
    let result = staged.and_then(|staged| {
        let rejects_file = write_rejects_if_any(rejects_file, &sources, &staged)?;
        db.in_transaction(|conn| {
            // Accounts last: the other stages are pruned against stage_accounts.
            for spec in TABLES.iter().rev() {
                match sources.iter().position(|s| s.spec.name == spec.name) {
                    Some(i) => {
                        let stage = sources[i].stage_table();
                        let fills = [
                            ("table", spec.name),
                            ("stage", stage.as_str()),
                            ("accounts", known_accounts(true)),
                        ];
                        if staged[i].orphans > 0 || !staged[i].rejected.is_empty() {
                            let prune = if staged[i].rules_column {
                                queries::PRUNE_STAGE
                            } else {
                                queries::TYPED_PRUNE
                            };
                            conn.execute_batch(&queries::fill(prune, &fills))?;
                        }
                        conn.execute_batch(&queries::fill(queries::REPLACE_TABLE, &fills))?;
                    }
                    None => conn.execute_batch(&queries::fill(
                        queries::CLEAR_TABLE,
                        &[("table", spec.name)],
                    ))?,
                }
            }
            conn.execute_batch(queries::CLEAR_LOAD_INFO)?;
            for (source, staged) in sources.iter().zip(&staged) {
                record_load(conn, source, staged, staged.loaded)?;
            }
            Ok(())
        })?;
        Ok(LoadSummary {
            tables: summarise(&sources, &staged, TABLES.iter().map(|t| t.name)),
            rejects_file,
            freshness: db.freshness()?,
            elapsed: start.elapsed(),
        })
    });
    drop_stages(db);
    result
}

/// Merges the tables an import adapter produced into what is loaded: each goes through the
/// same stage and rules as `retain load`, then, in one transaction, replaces the rows the same
/// `origin` brought before (and rows whose key it brings again). With `dry_run` nothing is
/// written and a few checked rows per table come back instead.
pub fn merge(
    db: &Db,
    origin: &str,
    tables: Vec<ImportedTable>,
    options: &LoadOptions,
    dry_run: bool,
    rejects_file: &Path,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<MergeSummary> {
    const EXAMPLES: i64 = 3;
    let start = Instant::now();
    let mut sources = Vec::new();
    for imported in tables {
        let spec = TABLES
            .iter()
            .find(|t| t.name == imported.table)
            .expect("adapters produce contract tables");
        let mut source = inspect(db, spec, imported.path, TextEncoding::Utf8)?;
        source.file = imported.label;
        source.origins = Some(imported.origins);
        sources.push(source);
    }
    // Accounts first, as in a load: the other tables are checked against them.
    sources.sort_by_key(|s| TABLES.iter().position(|t| t.name == s.spec.name));
    let accounts_staged = sources.iter().any(|s| s.spec.name == "accounts");
    drop_stages(db);
    let staged = stage_all(db, &sources, options, on_event);
    let result = staged.and_then(|staged| {
        // The merge reads the rules column; an import's stages are small, so add it where the
        // typed read left it out.
        for (source, staged) in sources.iter().zip(&staged) {
            if !staged.rules_column {
                let stage = source.stage_table();
                db.conn().execute_batch(&queries::fill(
                    queries::TYPED_ADD_PROBLEM,
                    &[("stage", stage.as_str())],
                ))?;
            }
        }
        let mut examples = Vec::new();
        if dry_run {
            for source in &sources {
                let sql =
                    queries::fill(queries::STAGE_EXAMPLES, &[("stage", &source.stage_table())]);
                let mut stmt = db.conn().prepare(&sql)?;
                let mut rows = stmt.query([EXAMPLES])?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    let values = (0..source.spec.columns.len())
                        .map(|i| row.get::<_, Option<String>>(i))
                        .collect::<Result<_, _>>()?;
                    found.push(values);
                }
                let columns = source
                    .spec
                    .columns
                    .iter()
                    .map(|c| c.name.to_owned())
                    .collect();
                examples.push(Examples {
                    table: source.spec.name,
                    columns,
                    rows: found,
                });
            }
        }
        let rejects_file = if dry_run {
            None
        } else {
            write_rejects_if_any(rejects_file, &sources, &staged)?
        };
        if !dry_run {
            db.in_transaction(|conn| {
                for (source, staged) in sources.iter().zip(&staged).rev() {
                    let stage = source.stage_table();
                    let columns: Vec<&str> = source.spec.columns.iter().map(|c| c.name).collect();
                    let columns = columns.join(", ");
                    let same_key = source.spec.unique_key.map(|key| {
                        format!("OR {key} IN (SELECT {key} FROM {stage} WHERE problem IS NULL)")
                    });
                    let fills = [
                        ("table", source.spec.name),
                        ("stage", stage.as_str()),
                        ("columns", columns.as_str()),
                        ("same_key", same_key.as_deref().unwrap_or_default()),
                        ("accounts", known_accounts(accounts_staged)),
                    ];
                    conn.execute(&queries::fill(queries::MERGE_DELETE, &fills), [origin])?;
                    conn.execute(&queries::fill(queries::MERGE_INSERT, &fills), [origin])?;
                    let rows: u64 =
                        conn.query_row(&queries::fill(queries::TABLE_ROWS, &fills), [], |r| {
                            r.get(0)
                        })?;
                    conn.execute(queries::FORGET_LOAD_INFO, [source.spec.name])?;
                    record_load(conn, source, staged, rows)?;
                }
                Ok(())
            })?;
        }
        let names: Vec<&'static str> = sources.iter().map(|s| s.spec.name).collect();
        Ok(MergeSummary {
            load: LoadSummary {
                tables: summarise(&sources, &staged, names.into_iter()),
                rejects_file,
                freshness: db.freshness()?,
                elapsed: start.elapsed(),
            },
            examples,
        })
    });
    drop_stages(db);
    result
}

fn record_load(
    conn: &duckdb::Connection,
    source: &Source,
    staged: &Staged,
    rows_in_table: u64,
) -> Result<()> {
    conn.execute(
        queries::RECORD_LOAD,
        duckdb::params![
            source.spec.name,
            source.file,
            rows_in_table,
            staged.orphans,
            staged.rejected.len() as u64,
            source.ignored.join(", "),
        ],
    )?;
    Ok(())
}

/// One summary line per named table; a table without a source read nothing.
fn summarise(
    sources: &[Source],
    staged: &[Staged],
    tables: impl Iterator<Item = &'static str>,
) -> Vec<TableSummary> {
    tables
        .map(
            |table| match sources.iter().position(|s| s.spec.name == table) {
                Some(i) => TableSummary {
                    table,
                    file: Some(sources[i].file.clone()),
                    rows: staged[i].loaded,
                    orphans: staged[i].orphans,
                    rejected: staged[i].rejected.len() as u64,
                    ignored_columns: sources[i].ignored.clone(),
                },
                None => TableSummary {
                    table,
                    file: None,
                    rows: 0,
                    orphans: 0,
                    rejected: 0,
                    ignored_columns: Vec::new(),
                },
            },
        )
        .collect()
}

/// The accounts a staged row must belong to: those being loaded with it, or, for an import
/// that brings no accounts, those already in the database.
fn known_accounts(accounts_staged: bool) -> &'static str {
    if accounts_staged {
        "(SELECT account_id FROM stage_accounts WHERE problem IS NULL)"
    } else {
        "(SELECT account_id FROM accounts)"
    }
}

/// Stages left by a failed (or killed) load hold nothing anyone needs.
fn drop_stages(db: &Db) {
    for spec in TABLES {
        let stage = format!("stage_{}", spec.name);
        // A stage that is not there (it became the table) is not an error.
        let _ = db
            .conn()
            .execute_batch(&queries::fill(queries::DROP_STAGE, &[("stage", &stage)]));
    }
}

fn stage_all(
    db: &Db,
    sources: &[Source],
    options: &LoadOptions,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<Vec<Staged>> {
    let mut staged = Vec::new();
    for source in sources {
        on_event(LoadEvent::Staging {
            table: source.spec.name,
            file: &source.file,
        });
        let started = Instant::now();
        let accounts = known_accounts(sources.iter().any(|s| s.spec.name == "accounts"));
        let outcome = stage(db, source, options.skip_bad_rows, accounts)?;
        let read = outcome.loaded + outcome.orphans + outcome.rejected.len() as u64;
        if source.spec.name == "accounts" && read == 0 {
            return Err(file_error(
                &source.file,
                "has no rows (rule: accounts needs at least one account)",
            ));
        }
        on_event(LoadEvent::Staged {
            table: source.spec.name,
            rows: outcome.loaded,
            elapsed: started.elapsed(),
            typed: outcome.typed,
        });
        staged.push(outcome);
    }
    Ok(staged)
}

fn write_rejects_if_any(
    path: &Path,
    sources: &[Source],
    staged: &[Staged],
) -> Result<Option<PathBuf>> {
    if staged.iter().all(|s| s.rejected.is_empty()) {
        return Ok(None);
    }
    write_rejects(path, sources, staged)?;
    Ok(Some(path.to_path_buf()))
}

/// The rows set aside by `--skip-bad-rows`, each with where it was and why.
fn write_rejects(path: &Path, sources: &[Source], staged: &[Staged]) -> Result<()> {
    use std::io::Write;
    let io = |e| Error::io(path, e);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    crate::report::csv::write_row(
        &mut out,
        ["table", "file", "line", "column", "rule", "value", "record"],
    )
    .map_err(io)?;
    for (source, staged) in sources.iter().zip(staged) {
        for p in &staged.rejected {
            let line = p.line.to_string();
            let record = p.record.as_deref().unwrap_or_default();
            let row = [
                source.spec.name,
                &p.file,
                &line,
                &p.column,
                &p.rule,
                &p.value,
                record,
            ];
            crate::report::csv::write_row(&mut out, row).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}
