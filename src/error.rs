//! The errors a user can act on. Each names what to fix (the file, line, column and rule);
//! `main` maps them to exit codes.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the database {path} is in use by {holder}; close it there and try again")]
    Locked { path: PathBuf, holder: String },
    #[error(
        "the database {path} has schema version {found}, newer than this retain knows ({known}); upgrade retain"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(
        "cannot write {file} in {folder}: {cause} (rule: the database's folder is writable and has room for the data)",
        folder = folder_of(file)
    )]
    Storage { file: PathBuf, cause: String },
    #[error("database error: {0}")]
    Db(duckdb::Error),
}

fn folder_of(file: &std::path::Path) -> String {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| ".".to_owned(), |p| p.display().to_string())
}

/// What the operating system said when DuckDB could not write, in words a user can act on.
/// Only writing meets these: a data file that cannot be read says "Permission denied" too,
/// but not "Could not write".
const STORAGE_CAUSES: &[(&str, &str)] = &[
    ("No space left on device", "the disk is full"),
    (
        "Read-only file system",
        "the folder is on a read-only file system",
    ),
    ("Disk quota exceeded", "the disk quota is used up"),
    ("Could not write file", "retain may not write there"),
];

impl From<duckdb::Error> for Error {
    /// DuckDB's errors name the file it could not write ("Could not write file \"/x.duckdb\":
    /// No space left on device"): a full disk or a read-only folder is said as such, never
    /// blamed on the data file being read at the time.
    fn from(e: duckdb::Error) -> Self {
        let text = e.to_string();
        let cause = STORAGE_CAUSES
            .iter()
            .find(|(said, _)| text.contains(said))
            .map(|(_, cause)| *cause);
        let file = text
            .split('"')
            .nth(1)
            .filter(|f| f.starts_with('/') || f.contains('.'));
        match (cause, file) {
            (Some(cause), Some(file)) => Error::Storage {
                file: PathBuf::from(file),
                cause: cause.to_owned(),
            },
            _ => Error::Db(e),
        }
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// 2 for a command line that cannot work as written, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many offending rows an error message lists before it gives the total.
pub const SHOWN_PROBLEMS: usize = 5;

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
    /// What to do about it, when that can be told from the value (`date_format = "%m/%d/%y"`).
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if self.column_index > 0 {
            write!(f, ":{}", self.column_index)?;
        }
        match self.column.as_str() {
            "" => write!(f, ": {}", self.rule)?,
            column => write!(f, ": {column} {}", self.rule)?,
        }
        if !self.value.is_empty() {
            write!(f, " (found {:?})", self.value)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, ": {hint}")?;
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

/// A model file that cannot be used, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ModelError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ModelError {
    /// The error at byte `offset` of `text`, the content of `file` (a model or playbook).
    pub fn at(file: &str, text: &str, offset: usize, message: String) -> ModelError {
        let (line, column) = crate::text::line_column(text, offset);
        ModelError {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duckdb_error(message: &str) -> duckdb::Error {
        duckdb::Error::DuckDBFailure(duckdb::ffi::Error::new(1), Some(message.to_owned()))
    }

    #[test]
    fn a_full_disk_or_read_only_folder_is_said_as_such() {
        let full: Error = duckdb_error(
            "IO Error: Could not write file \"/mnt/full/x.duckdb.wal\": No space left on device",
        )
        .into();
        assert_eq!(
            full.to_string(),
            "cannot write /mnt/full/x.duckdb.wal in /mnt/full: the disk is full (rule: the database's folder is writable and has room for the data)"
        );
        let read_only: Error =
            duckdb_error("IO Error: Cannot open file \"/mnt/ro/x.duckdb\": Read-only file system")
                .into();
        assert!(read_only.to_string().starts_with(
            "cannot write /mnt/ro/x.duckdb in /mnt/ro: the folder is on a read-only file system"
        ));
        // A data file that cannot be read is not the database's folder.
        let unreadable: Error =
            duckdb_error("IO Error: Cannot open file \"usage.csv\": Permission denied").into();
        assert!(matches!(unreadable, Error::Db(_)));
    }
}
