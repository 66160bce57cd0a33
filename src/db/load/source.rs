//! Finding a table's file and reading its header: which contract column is where, in which
//! format and encoding, before anything is staged.

use std::path::{Path, PathBuf};

use super::merge::RowOrigins;
use super::stage::{NOT_UTF8, first_line};
use crate::contract::{self, Table};
use crate::db::csv_file::{self, Decoded, HeaderError, TextEncoding};
use crate::db::{Db, queries};
use crate::error::{Error, LoadError, Problem, Result};

/// How a contract table is staged: its checking query, and the typed read for clean files.
pub struct TableSpec {
    pub contract: &'static Table,
    pub(super) stage_sql: &'static str,
    pub(super) typed: Option<TypedRead>,
}

/// How a clean CSV of a table is typed without the full stage's per-row rules (see
/// `stage_typed`).
pub(super) struct TypedRead {
    pub(super) stage_sql: &'static str,
    /// Counts the rows the full stage would treat differently or reject.
    pub(super) check_sql: &'static str,
    /// The columns `stage_sql` types with `typed_timestamp` or `typed_whole`, which take a
    /// Parquet column's own timestamps and integers as they are (see checks.sql).
    pub(super) native: &'static [&'static str],
}

/// The contract's tables with their staging, in the contract's load order.
pub(super) const TABLES: &[TableSpec] = &[
    TableSpec {
        contract: &contract::TABLES[0],
        stage_sql: queries::STAGE_ACCOUNTS,
        typed: None,
    },
    TableSpec {
        contract: &contract::TABLES[1],
        stage_sql: queries::STAGE_USAGE,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_USAGE,
            check_sql: queries::TYPED_USAGE_CHECK,
            native: &["occurred_at", "count"],
        }),
    },
    TableSpec {
        contract: &contract::TABLES[2],
        stage_sql: queries::STAGE_TICKETS,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_TICKETS,
            check_sql: queries::TYPED_TICKETS_CHECK,
            native: &["opened_at", "closed_at"],
        }),
    },
    TableSpec {
        contract: &contract::TABLES[3],
        stage_sql: queries::STAGE_SURVEYS,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_SURVEYS,
            check_sql: queries::TYPED_SURVEYS_CHECK,
            native: &["responded_at", "score"],
        }),
    },
    TableSpec {
        contract: &contract::TABLES[4],
        stage_sql: queries::STAGE_ACTIVITIES,
        typed: Some(TypedRead {
            stage_sql: queries::TYPED_ACTIVITIES,
            check_sql: queries::TYPED_ACTIVITIES_CHECK,
            native: &["occurred_at"],
        }),
    },
    // Small tables: always staged with every rule, never through the typed read.
    TableSpec {
        contract: &contract::TABLES[5],
        stage_sql: queries::STAGE_OUTCOMES,
        typed: None,
    },
    TableSpec {
        contract: &contract::TABLES[6],
        stage_sql: queries::STAGE_CONTACTS,
        typed: None,
    },
];

/// Where a table's rows are: one file, or a folder of part files as warehouses unload them.
pub(super) enum Found {
    File(PathBuf),
    Parts(PathBuf),
}

/// A table's input: its file, or every part of its folder, in path order.
pub(super) struct Input {
    pub(super) spec: &'static TableSpec,
    /// The file's name, or the folder's with the number of parts ("usage/ (64 parts)").
    pub(super) label: String,
    /// Columns outside the contract, each once however many parts carry it.
    pub(super) ignored: Vec<String>,
    pub(super) parts: Vec<Source>,
}

impl Input {
    pub(super) fn file(source: Source) -> Input {
        Input {
            spec: source.spec,
            label: source.file.clone(),
            ignored: source.ignored.clone(),
            parts: vec![source],
        }
    }

    pub(super) fn stage_table(&self) -> String {
        format!("stage_{}", self.spec.contract.name)
    }
}

/// A file found for a table, and how its columns map onto the contract.
pub(super) struct Source {
    pub(super) spec: &'static TableSpec,
    pub(super) path: PathBuf,
    /// The name errors give: the file's, or a part's path from the data folder.
    pub(super) file: String,
    pub(super) format: Format,
    /// For each contract column, its 0-based position in the file.
    pub(super) positions: Vec<Option<usize>>,
    /// For each contract column the file lacks, a value its part's folder names
    /// (`feature=reports/`).
    pub(super) partition_values: Vec<Option<String>>,
    /// Whether this is one part of a folder (staged apart, then appended to the table's stage).
    pub(super) is_part: bool,
    pub(super) ignored: Vec<String>,
    /// A UTF-8 copy of a file in another encoding, read instead of `path`'s original.
    pub(super) _transcoded: Option<tempfile::TempDir>,
    /// For rows an import adapter wrote: where each came from in the vendor's export.
    pub(super) origins: Option<RowOrigins>,
}

#[derive(PartialEq)]
pub(super) enum Format {
    Csv {
        delimiter: u8,
        columns: usize,
    },
    /// Parquet column names are file content: they reach SQL only as quoted identifiers.
    Parquet {
        quoted_names: Vec<String>,
        /// DuckDB's type of each column.
        types: Vec<String>,
    },
}

/// Finds each table's file in `dir`: `<table>.csv`, `.csv.gz` or `.parquet`, any case, or a
/// folder named `<table>` holding its parts.
pub(super) fn find_files(dir: &Path) -> Result<Vec<(&'static TableSpec, Found)>> {
    let entries = std::fs::read_dir(dir).map_err(|_| LoadError::NoFolder(dir.to_path_buf()))?;
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().to_lowercase(), e.path()))
        .collect();
    names.sort();
    let mut found = Vec::new();
    for spec in TABLES {
        let table = spec.contract.name;
        let candidates: Vec<&(String, PathBuf)> = names
            .iter()
            .filter(|(n, path)| {
                (*n == table && path.is_dir())
                    || [".csv", ".csv.gz", ".parquet"]
                        .iter()
                        .any(|ext| *n == format!("{table}{ext}"))
            })
            .collect();
        match candidates.as_slice() {
            [] if table == "accounts" => {
                return Err(LoadError::NoAccounts {
                    dir: dir.to_path_buf(),
                }
                .into());
            }
            [] => {}
            [(name, path)] if *name == table => found.push((spec, Found::Parts(path.clone()))),
            [(_, path)] => found.push((spec, Found::File(path.clone()))),
            [first, second, ..] => {
                let shown = |name: &str| {
                    if name == table {
                        format!("the folder {name}/")
                    } else {
                        name.to_owned()
                    }
                };
                return Err(LoadError::Ambiguous {
                    dir: dir.to_path_buf(),
                    first: shown(&first.0),
                    second: shown(&second.0),
                }
                .into());
            }
        }
    }
    Ok(found)
}

/// Opens a table's input: its one file, or each part of its folder.
pub(super) fn open(
    db: &Db,
    spec: &'static TableSpec,
    found: Found,
    encoding: TextEncoding,
) -> Result<Input> {
    match found {
        Found::File(path) => Ok(Input::file(inspect(db, spec, path, encoding, None)?)),
        Found::Parts(folder) => {
            let folder_name = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut paths = Vec::new();
            part_files(&folder, &mut paths).map_err(|e| Error::io(&folder, e))?;
            paths.sort();
            let mut parts = Vec::new();
            let mut ignored: Vec<String> = Vec::new();
            for path in paths {
                let relative = path.strip_prefix(&folder).unwrap_or(&path);
                let label = format!("{folder_name}/{}", relative.to_string_lossy());
                if !has_data_extension(&path) {
                    return Err(file_error(
                        &label,
                        "is not a part file (rule: a table's folder holds .csv, .csv.gz or .parquet parts)",
                    ));
                }
                // Unloads write empty parts for empty slices; they hold no rows to read.
                if csv_file::is_empty(&path).map_err(|e| Error::io(&path, e))? {
                    continue;
                }
                let part = inspect(db, spec, path.clone(), encoding, Some((label, relative)))?;
                for column in &part.ignored {
                    if !ignored.contains(column) {
                        ignored.push(column.clone());
                    }
                }
                parts.push(part);
            }
            if parts.is_empty() {
                return Err(file_error(
                    &format!("{folder_name}/"),
                    "holds no part with rows (rule: a table's folder holds .csv, .csv.gz or .parquet parts)",
                ));
            }
            let noun = if parts.len() == 1 { "part" } else { "parts" };
            Ok(Input {
                spec,
                label: format!("{folder_name}/ ({} {noun})", parts.len()),
                ignored,
                parts,
            })
        }
    }
}

fn has_data_extension(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    [".csv", ".csv.gz", ".parquet"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Every file under `folder`, at any depth, but for the markers and checksums warehouses
/// write beside their parts (`_SUCCESS`, `_committed_…`, `.part-0.crc`).
fn part_files(folder: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            part_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The `name=value` folders on a part's path (hive partitions), names trimmed and
/// lower-cased, values percent-decoded as Spark writes them.
fn partitions(relative: &Path) -> Vec<(String, String)> {
    let Some(parent) = relative.parent() else {
        return Vec::new();
    };
    parent
        .components()
        .filter_map(|c| {
            let segment = c.as_os_str().to_string_lossy();
            let (name, value) = segment.split_once('=')?;
            // Spark's name for a NULL partition value; an empty value is NULL to the stage.
            let value = match value {
                "__HIVE_DEFAULT_PARTITION__" => String::new(),
                value => percent_decode(value),
            };
            Some((name.trim().to_lowercase(), value))
        })
        .collect()
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn file_error(file: &str, message: impl Into<String>) -> Error {
    LoadError::File {
        file: file.to_owned(),
        message: message.into(),
    }
    .into()
}

/// Reads the header (CSV) or schema (Parquet) and maps its columns onto the contract.
pub(super) fn inspect(
    db: &Db,
    spec: &'static TableSpec,
    path: PathBuf,
    encoding: TextEncoding,
    part: Option<(String, &Path)>,
) -> Result<Source> {
    let is_part = part.is_some();
    let (file, partitions) = match part {
        Some((label, relative)) => (label, partitions(relative)),
        None => (
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Vec::new(),
        ),
    };
    if path.is_dir() {
        return Err(file_error(&file, "is a directory, not a file"));
    }
    // A FIFO, socket or device named like a table would hang the load or never end.
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(file_error(
            &file,
            "is not a regular file (a FIFO, socket or device); name a data file",
        ));
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
                let message = format!(
                    "{NOT_UTF8}, nor Shift_JIS or UTF-16; name the encoding with --encoding (windows-1252, shift_jis or utf-16)"
                );
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
        let columns: Vec<(String, String)> = stmt
            .query_map([path.to_string_lossy()], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| {
                file_error(
                    &file,
                    format!("is not a readable Parquet file: {}", first_line(&e)),
                )
            })?;
        let (names, types): (Vec<String>, Vec<String>) = columns.into_iter().unzip();
        let quoted_names = names
            .iter()
            .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
            .collect();
        (
            names,
            Format::Parquet {
                quoted_names,
                types,
            },
        )
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
            HeaderError::TooLong => LoadError::At {
                file: file.clone(),
                position: "1".to_owned(),
                message: "the first line is longer than 32 MB (rule: the first line names the columns; lines up to 32 MB)".to_owned(),
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

    let mut positions = vec![None; spec.contract.columns.len()];
    let mut ignored = Vec::new();
    for (position, raw_name) in names.iter().enumerate() {
        let name = raw_name.trim().to_lowercase();
        match spec.contract.columns.iter().position(|c| c.name == name) {
            Some(i) if positions[i].is_some() => {
                return Err(LoadError::DuplicateColumn {
                    file,
                    column: spec.contract.columns[i].name.to_owned(),
                    column_index: position + 1,
                }
                .into());
            }
            Some(i) => positions[i] = Some(position),
            None => ignored.push(raw_name.trim().to_owned()),
        }
    }
    // Partition folders are columns too: one the file lacks takes the folder's value.
    let mut partition_values = vec![None; spec.contract.columns.len()];
    for (name, value) in partitions {
        match spec.contract.columns.iter().position(|c| c.name == name) {
            Some(i) if positions[i].is_none() => partition_values[i] = Some(value),
            _ => {
                if !ignored.contains(&name) {
                    ignored.push(name);
                }
            }
        }
    }
    if let Some(missing) = spec
        .contract
        .columns
        .iter()
        .zip(positions.iter().zip(&partition_values))
        .find(|(c, (p, v))| c.required && p.is_none() && v.is_none())
    {
        let required: Vec<&str> = spec
            .contract
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(LoadError::MissingColumn {
            file,
            table: spec.contract.name,
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
        partition_values,
        is_part,
        ignored,
        _transcoded: transcoded,
        origins: None,
    })
}

impl Source {
    /// The table function that reads the file, with the path as the one bound parameter.
    /// CSV columns are read as text: the stage queries type them by the contract's rules.
    /// `max_record_bytes` is the longest row the read accepts.
    pub(super) fn reader_sql(&self, store_rejects: bool, max_record_bytes: u64) -> String {
        self.files_reader_sql(1, store_rejects, max_record_bytes)
    }

    /// `reader_sql` over `files` paths (bound parameters) that this file's format reads alike
    /// (see `reads_alike`).
    pub(super) fn files_reader_sql(
        &self,
        files: usize,
        store_rejects: bool,
        max_record_bytes: u64,
    ) -> String {
        let paths = match files {
            1 => "?".to_owned(),
            n => format!("[{}]", vec!["?"; n].join(", ")),
        };
        match &self.format {
            Format::Csv { delimiter, columns } => {
                let columns: Vec<String> = (0..*columns)
                    .map(|i| format!("'c{i}': 'VARCHAR'"))
                    .collect();
                format!(
                    "read_csv({paths}, header = false, skip = 1, delim = '{}', quote = '\"', escape = '\"', \
                     auto_detect = false, max_line_size = {}, columns = {{{}}}, \
                     store_rejects = {store_rejects}, hive_partitioning = false)",
                    *delimiter as char,
                    max_record_bytes,
                    columns.join(", ")
                )
            }
            // Partitions come from the part's own path (see `partitions`), the same for CSV.
            Format::Parquet { .. } => format!("read_parquet({paths}, hive_partitioning = false)"),
        }
    }

    /// The SQL for one contract column: the file's column as text, its partition folder's
    /// value, or NULL when it is absent.
    pub(super) fn column_sql(&self, index: usize) -> String {
        match (self.positions[index], &self.format) {
            (None, _) => match &self.partition_values[index] {
                // A folder name is data: a SQL string literal, its quotes doubled.
                Some(value) => format!("'{}'::VARCHAR", value.replace('\'', "''")),
                None => "NULL::VARCHAR".to_owned(),
            },
            (Some(p), Format::Csv { .. }) => format!("c{p}"),
            (Some(p), Format::Parquet { quoted_names, .. }) => {
                format!("CAST({} AS VARCHAR)", quoted_names[p])
            }
        }
    }

    /// The SQL for one contract column in the typed read: as `column_sql`, except that a
    /// Parquet column the typed read types itself keeps its own type.
    pub(super) fn typed_column_sql(&self, index: usize) -> String {
        let name = self.spec.contract.columns[index].name;
        let native = self
            .spec
            .typed
            .as_ref()
            .is_some_and(|t| t.native.contains(&name));
        match (self.positions[index], &self.format) {
            (Some(p), Format::Parquet { quoted_names, .. }) if native => quoted_names[p].clone(),
            _ => self.column_sql(index),
        }
    }

    /// A part is staged apart, then appended to its table's stage.
    pub(super) fn stage_table(&self) -> String {
        if self.is_part {
            format!("stage_{}_part", self.spec.contract.name)
        } else {
            format!("stage_{}", self.spec.contract.name)
        }
    }

    pub(super) fn column_index(&self, column: &str) -> usize {
        self.spec
            .contract
            .columns
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| self.positions[i])
            .map_or(0, |p| p + 1)
    }

    /// Whether one reader over both files reads each as its own reader would: the same format,
    /// columns (and Parquet types: a reader over several files casts each to the first's) and
    /// compression, the same SQL for each contract column (places, partition values).
    pub(super) fn reads_alike(&self, other: &Source) -> bool {
        let compressed = |s: &Source| s.path.to_string_lossy().to_lowercase().ends_with(".gz");
        self.format == other.format
            && compressed(self) == compressed(other)
            && (0..self.spec.contract.columns.len())
                .all(|i| self.typed_column_sql(i) == other.typed_column_sql(i))
    }

    pub(super) fn is_csv(&self) -> bool {
        matches!(self.format, Format::Csv { .. })
    }

    /// Points a problem found in an import's intermediate file back at the vendor's file.
    pub(super) fn trace(&self, rowid: u64, problem: &mut Problem) {
        let Some(origins) = &self.origins else { return };
        if let Some(&(file, line)) = origins.rows.get(rowid as usize) {
            problem.file = origins.files[file].clone();
            problem.line = line;
            problem.record = origins
                .texts
                .get(file)
                .and_then(Option::as_deref)
                .and_then(|text| csv_file::record_at_line(text, line));
        }
        let index = self
            .spec
            .contract
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

#[cfg(test)]
mod tests {
    use super::TABLES;

    /// A column the typed read lets keep its Parquet type must be one its query types itself:
    /// any other would carry a timestamp or an integer into a text column.
    #[test]
    fn each_native_column_is_typed_by_its_typed_read() {
        for spec in TABLES {
            let Some(typed) = &spec.typed else { continue };
            for column in typed.native {
                let placeholder = format!("{{{{{column}}}}}");
                let typed_by_macro = ["typed_timestamp", "typed_whole"]
                    .iter()
                    .any(|m| typed.stage_sql.contains(&format!("{m}({placeholder})")));
                assert!(
                    typed_by_macro,
                    "{}.{column} is listed as native but its typed read does not type it",
                    spec.contract.name
                );
            }
        }
    }
}
