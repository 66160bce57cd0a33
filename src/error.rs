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
    #[error("the database {path} is in use by another retain process: {detail}")]
    Locked { path: PathBuf, detail: String },
    #[error(
        "the database {path} has schema version {found}, newer than this retain knows ({known}); upgrade retain"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("database error: {0}")]
    Db(#[from] duckdb::Error),
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
