//! Staging one file: DuckDB reads it into a temporary table with typed values and, per row,
//! the first contract rule the row breaks.

use super::LoadEvent;
use super::source::{Format, Input, Source, TableSpec, TypedRead, file_error};
use crate::db::csv_file::{self, Misshapen};
use crate::db::{Db, queries};
use crate::error::{Error, LoadError, Problem, Result, SHOWN_PROBLEMS};

pub(super) struct Staged {
    /// Rows that break no rule and belong to a loaded account.
    pub(super) loaded: u64,
    pub(super) typed: bool,
    /// Whether the stage has the `problem` column (a typed stage without a key has none).
    pub(super) rules_column: bool,
    pub(super) orphans: u64,
    /// Rows set aside (only with --skip-bad-rows).
    pub(super) rejected: Vec<Problem>,
    /// The lines of rows the CSV reader could not split (set aside with --skip-bad-rows).
    pub(super) unreadable_lines: Vec<u64>,
}

pub(super) fn first_line(e: &duckdb::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

pub(super) const NOT_UTF8: &str =
    "is not UTF-8 text (rule: files are UTF-8; save the export as \"CSV UTF-8\")";

const RAGGED_RULE: &str = "(rule: every row has the header's fields)";
const UNCLOSED: &str = "a quoted value is never closed (rule: quotes come in pairs)";
const STRAY_QUOTE: &str = "a quoted value holds a quote that is not doubled (rule: a quote inside a quoted value is written \"\")";

fn ragged(found: usize, expected: usize) -> String {
    format!("the row has {found} fields, the header has {expected} {RAGGED_RULE}")
}

/// DuckDB's CSV reader stops at rows it cannot split; turn its message into ours. Its line
/// numbers count records, not lines, so the file's shape is rescanned for the physical line.
pub(super) fn reader_error(source: &Source, e: duckdb::Error) -> Error {
    let text = e.to_string();
    let e = match Error::from(e) {
        Error::Db(e) => e,
        storage => return storage,
    };
    let e = &e;
    if let Format::Csv { delimiter, columns } = source.format
        && let Ok(Some(misshapen)) = csv_file::first_misshapen(&source.path, delimiter, columns)
    {
        let (line, message) = match misshapen {
            Misshapen::Fields { line, found } => (line, ragged(found, columns)),
            Misshapen::Unclosed { line } => (line, UNCLOSED.to_owned()),
            Misshapen::StrayQuote { line } => (line, STRAY_QUOTE.to_owned()),
        };
        return LoadError::At {
            file: source.file.clone(),
            position: line.to_string(),
            message,
        }
        .into();
    }
    let message = if text.contains("Invalid unicode") {
        NOT_UTF8.to_owned()
    } else if text.contains(ROW_TOO_LONG) {
        csv_file::TOO_LONG.to_owned()
    } else if text.contains("state machine reached an invalid state") {
        return mixed_line_endings(source)
            .unwrap_or_else(|| file_error(&source.file, reader_message(source, e)));
    } else {
        reader_message(source, e)
    };
    file_error(&source.file, message)
}

fn reader_message(source: &Source, e: &duckdb::Error) -> String {
    format!(
        "{} (rule: a readable {} file)",
        first_line(e),
        if source.is_csv() { "CSV" } else { "Parquet" }
    )
}

/// DuckDB's reader cannot read a file whose rows end in both CRLF and LF; small files are
/// normalised before it reads them (see `csv_file::ensure_utf8`), so this names the line for
/// the others.
fn mixed_line_endings(source: &Source) -> Option<Error> {
    let (line, first, then) = csv_file::first_line_ending_change(&source.path).ok()??;
    Some(
        LoadError::At {
            file: source.file.clone(),
            position: line.to_string(),
            message: format!(
                "this row ends in {then}, the rows before it in {first} (rule: one kind of line ending per file; save the file again to make them agree)"
            ),
        }
        .into(),
    )
}

pub(super) fn stage(
    db: &Db,
    source: &Source,
    skip_bad_rows: bool,
    accounts: &str,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<Staged> {
    let conn = db.conn();
    let stage = source.stage_table();
    conn.execute_batch(queries::RESET_READER_REJECTS)?;
    let read = stage_typed(db, source)?;
    let typed = read == Typed::Staged;
    if !typed {
        if source.spec.typed.is_some() {
            on_event(LoadEvent::Checking {
                table: source.spec.contract.name,
                file: &source.file,
            });
        }
        stage_every_rule(db, source, skip_bad_rows, read == Typed::LongRow, &stage)?;
    }
    if let Some(key) = source.spec.contract.unique_key {
        conn.execute(
            &queries::fill(queries::MARK_DUPLICATES, &[("stage", &stage), ("key", key)]),
            [],
        )?;
    }
    // A typed stage of a table without a key has no rules column (see stage_typed).
    let rules_column = !typed || source.spec.contract.unique_key.is_some();
    let counts = if rules_column {
        queries::STAGE_COUNTS
    } else {
        queries::TYPED_COUNTS
    };
    let (problems, orphans, total) = stage_counts(db, counts, &stage, accounts)?;
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
    let skipped: Vec<u64> = unreadable.iter().map(|p| p.line).collect();
    let rows = if problems > 0 {
        broken_rows(db, &stage, limit)?
    } else {
        Vec::new()
    };
    let rows = place(source, rows, &skipped)?;
    let mut listed: Vec<Problem> = rows.into_iter().chain(unreadable).collect();
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
        unreadable_lines: skipped,
    })
}

/// The full stage: every column typed by the contract's rules, and the first rule each row
/// breaks. Its reader first takes rows up to DuckDB's usual limit, as the typed read does:
/// DuckDB sizes its buffers by the limit, and the contract's 32 MiB cost the stage of L's
/// contacts ~0.1 s and of a large file ~850 MB of memory. Only a file with a longer row (a long
/// comment) is read again with the contract's limit, or at once when the typed read found one
/// (`long_row`). Setting rows aside reads with the contract's limit at once too: that reader
/// would set a long row aside where it should load it.
fn stage_every_rule(
    db: &Db,
    source: &Source,
    skip_bad_rows: bool,
    long_row: bool,
    stage: &str,
) -> Result<()> {
    let store_rejects = skip_bad_rows && source.is_csv();
    let create = |max_record_bytes| {
        let mut fills: Vec<(&str, String)> = source
            .spec
            .contract
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name, source.column_sql(i)))
            .collect();
        fills.push(("source", source.reader_sql(store_rejects, max_record_bytes)));
        let fills: Vec<(&str, &str)> = fills.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let select = queries::fill(source.spec.stage_sql, &fills);
        let create = queries::fill(
            queries::CREATE_STAGE,
            &[("stage", stage), ("select", &select)],
        );
        db.conn().execute(&create, [source.path.to_string_lossy()])
    };
    let first = if store_rejects || long_row {
        csv_file::MAX_RECORD_BYTES
    } else {
        COMMON_MAX_RECORD_BYTES
    };
    let created = match create(first) {
        Err(e) if first < csv_file::MAX_RECORD_BYTES && e.to_string().contains(ROW_TOO_LONG) => {
            create(csv_file::MAX_RECORD_BYTES)
        }
        created => created,
    };
    created.map_err(|e| reader_error(source, e))?;
    Ok(())
}

/// A stage's rows that break a rule, rows of unknown accounts, and all rows, by `counts`
/// (counts.sql, or typed/counts.sql for a stage without a rules column).
pub(super) fn stage_counts(
    db: &Db,
    counts: &str,
    stage: &str,
    accounts: &str,
) -> Result<(u64, u64, u64)> {
    Ok(db.conn().query_row(
        &queries::fill(counts, &[("stage", stage), ("accounts", accounts)]),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// A row of a stage that breaks a rule: its rowid, and the column, rule and value.
pub(super) type BrokenRow = (u64, String, String, String);

/// The rows of a stage that break a rule, in stage order, at most `limit`.
pub(super) fn broken_rows(db: &Db, stage: &str, limit: i64) -> Result<Vec<BrokenRow>> {
    let mut stmt = db
        .conn()
        .prepare(&queries::fill(queries::STAGE_PROBLEMS, &[("stage", stage)]))?;
    let found = stmt.query_map([limit], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(found.collect::<Result<_, _>>()?)
}

/// Where each broken row of `source` is: its file's line and record (rowids count the records
/// the reader kept, so the `skipped` lines it set aside are stepped over), or, for an import,
/// the vendor's file and line.
pub(super) fn place(
    source: &Source,
    rows: Vec<BrokenRow>,
    skipped: &[u64],
) -> Result<Vec<Problem>> {
    let mut rows: Vec<(u64, Problem)> = rows
        .into_iter()
        .map(|(rowid, column, rule, value)| {
            let problem = Problem {
                file: source.file.clone(),
                line: rowid + 1,
                column_index: source.column_index(&column),
                column,
                rule,
                value,
                record: None,
                hint: None,
            };
            (rowid, problem)
        })
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    if source.origins.is_some() {
        for (rowid, problem) in rows.iter_mut() {
            source.trace(*rowid, problem);
        }
    } else if source.is_csv() {
        let rowids: Vec<u64> = rows.iter().map(|(r, _)| *r).collect();
        let located = csv_file::locate_records(&source.path, &rowids, skipped)
            .map_err(|e| Error::io(&source.path, e))?;
        for ((_, problem), (line, record)) in rows.iter_mut().zip(located) {
            problem.line = line;
            problem.record = Some(record);
        }
    }
    Ok(rows.into_iter().map(|(_, p)| p).collect())
}

/// The longest row a first read accepts: DuckDB's own default. DuckDB sizes its read buffers
/// by this limit, and at L's usage file the contract's 32 MiB cost ~850 MB more memory and
/// ~6 s. A file with a longer row (a long comment) fails the typed read and takes the full
/// stage with rows up to `csv_file::MAX_RECORD_BYTES`, which names the line of any longer.
const COMMON_MAX_RECORD_BYTES: u64 = 2 * 1024 * 1024;

/// DuckDB's CSV reader's message for a row over the limit it was given.
const ROW_TOO_LONG: &str = "Maximum line size";

/// What the typed read did with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Typed {
    /// Staged: no row needs the full stage's rules.
    Staged,
    /// Left to the full stage: a row needs its rules, the table has no typed read, or the file
    /// would not read as typed.
    Declined,
    /// Left to the full stage: a row is longer than the typed read takes.
    LongRow,
}

/// Stages a file (CSV, or Parquet, read as the full stage reads it but for the timestamps and
/// whole numbers the typed read takes as they are) without the full stage's per-row rules, when
/// the table has such a path and the file is clean: `Typed::Staged` when that worked and no
/// row needs the full stage's rules. Otherwise the full stage does everything, with its
/// file:line:column reports; a clean file's rows are the same either way. The typed stage gets
/// the (empty) rules column only when the table has a key to mark repeats in.
pub(super) fn stage_typed(db: &Db, source: &Source) -> Result<Typed> {
    let Some(typed) = &source.spec.typed else {
        return Ok(Typed::Declined);
    };
    let stage = source.stage_table();
    let columns = (0..source.spec.contract.columns.len())
        .map(|i| source.typed_column_sql(i))
        .collect();
    let reader = source.reader_sql(false, COMMON_MAX_RECORD_BYTES);
    let paths = [source.path.to_string_lossy().into_owned()];
    let read = create_typed(db, source.spec, typed, &stage, columns, &reader, &paths)?;
    if read == Typed::Staged && source.spec.contract.unique_key.is_some() {
        db.conn().execute_batch(&queries::fill(
            queries::TYPED_ADD_PROBLEM,
            &[("stage", stage.as_str())],
        ))?;
    }
    Ok(read)
}

/// Stages every part of a folder in one typed read, when the table has no key and every part
/// is clean: one scan of the folder, each row written once, where the part-by-part stage reads,
/// checks and appends each part in turn. True when that worked; false (a part needs the full
/// stage's rules, or will not read) leaves no stage, and the part-by-part stage then names the
/// part and line of each problem.
pub(super) fn stage_typed_parts(db: &Db, input: &Input) -> Result<bool> {
    let (Some(typed), None) = (&input.spec.typed, input.spec.contract.unique_key) else {
        return Ok(false);
    };
    let names = input.spec.contract.columns.iter().map(|c| c.name);
    // Parts read alike share one reader over their paths: at L, 64 Parquet parts read by one
    // reader peaked 12% lower than by a reader each.
    let mut alike: Vec<Vec<&Source>> = Vec::new();
    for part in &input.parts {
        match alike.iter_mut().find(|group| group[0].reads_alike(part)) {
            Some(group) => group.push(part),
            None => alike.push(vec![part]),
        }
    }
    // Each group is read into the contract's columns by name, then all are typed together.
    let reads: Vec<String> = alike
        .iter()
        .map(|group| {
            let columns: Vec<String> = names
                .clone()
                .enumerate()
                .map(|(i, name)| format!("{} AS \"{name}\"", group[0].typed_column_sql(i)))
                .collect();
            format!(
                "SELECT {} FROM {}",
                columns.join(", "),
                group[0].files_reader_sql(group.len(), false, COMMON_MAX_RECORD_BYTES)
            )
        })
        .collect();
    let reader = format!("({})", reads.join(" UNION ALL "));
    let columns = names.map(|name| format!("\"{name}\"")).collect();
    let paths: Vec<String> = alike
        .iter()
        .flatten()
        .map(|part| part.path.to_string_lossy().into_owned())
        .collect();
    let stage = input.stage_table();
    if create_typed(db, input.spec, typed, &stage, columns, &reader, &paths)? == Typed::Staged {
        return Ok(true);
    }
    db.conn()
        .execute_batch(&queries::fill(queries::DROP_STAGE, &[("stage", &stage)]))?;
    Ok(false)
}

/// The typed read itself: `columns` (each contract column's SQL) of `reader` (a table function
/// or subquery whose parameters are `paths`) into `stage`, then the check for rows that need
/// the full stage's rules.
fn create_typed(
    db: &Db,
    spec: &TableSpec,
    typed: &TypedRead,
    stage: &str,
    columns: Vec<String>,
    reader: &str,
    paths: &[String],
) -> Result<Typed> {
    let mut fills: Vec<(&str, &str)> = spec
        .contract
        .columns
        .iter()
        .zip(&columns)
        .map(|(column, sql)| (column.name, sql.as_str()))
        .collect();
    fills.push(("source", reader));
    fills.push(("stage", stage));
    let create = queries::fill(typed.stage_sql, &fills);
    let unordered = spec.contract.unique_key.is_none();
    if unordered {
        db.conn().execute_batch(queries::LOAD_UNORDERED)?;
    }
    let created = db
        .conn()
        .execute(&create, duckdb::params_from_iter(paths.iter()));
    if unordered {
        db.conn().execute_batch(queries::LOAD_ORDERED)?;
    }
    if let Err(e) = created {
        return Ok(if e.to_string().contains(ROW_TOO_LONG) {
            Typed::LongRow
        } else {
            Typed::Declined
        });
    }
    let needs_rules: u64 = db.conn().query_row(
        &queries::fill(typed.check_sql, &[("stage", stage)]),
        [],
        |r| r.get(0),
    )?;
    Ok(if needs_rules == 0 {
        Typed::Staged
    } else {
        Typed::Declined
    })
}

/// The rows DuckDB's CSV reader set aside with `store_rejects`, at their physical lines.
pub(super) fn unreadable_rows(db: &Db, source: &Source) -> Result<Vec<Problem>> {
    let Format::Csv { columns, .. } = source.format else {
        return Ok(Vec::new());
    };
    let mut stmt = db.conn().prepare(queries::READER_REJECTS)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, u64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut rejects: Vec<(u64, String, String)> = rows.collect::<Result<_, _>>()?;
    // The reader may report one row several times (once per column it tripped on).
    rejects.dedup_by_key(|(offset, _, _)| *offset);
    let offsets: Vec<u64> = rejects.iter().map(|(offset, _, _)| *offset).collect();
    let located = csv_file::records_at_offsets(&source.path, &offsets)
        .map_err(|e| Error::io(&source.path, e))?;
    let delimiter = match source.format {
        Format::Csv { delimiter, .. } => delimiter,
        Format::Parquet { .. } => b',',
    };
    let mut problems: Vec<Problem> = rejects
        .into_iter()
        .zip(located)
        .map(|((_, kind, message), (line, record))| {
            let found = csv_file::split_record(&record, delimiter).len();
            let rule = match kind.as_str() {
                "MISSING COLUMNS" | "TOO MANY COLUMNS" => ragged(found, columns),
                "UNQUOTED VALUE" => UNCLOSED.to_owned(),
                "LINE SIZE OVER MAXIMUM" => csv_file::TOO_LONG.to_owned(),
                "INVALID UNICODE" => NOT_UTF8.to_owned(),
                _ => format!("{kind}: {message}"),
            };
            Problem {
                file: source.file.clone(),
                line,
                column_index: 0,
                column: String::new(),
                rule,
                value: String::new(),
                record: Some(record),
                hint: None,
            }
        })
        .collect();
    problems.dedup_by_key(|p| p.line);
    Ok(problems)
}
