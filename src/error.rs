//! The errors a user can act on. Each names what to fix; `main` maps them to exit codes.

use std::path::PathBuf;

use crate::db::load::LoadError;
use crate::model::ModelError;

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
