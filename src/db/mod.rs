//! The one DuckDB file: opening it, migrating its schema, and the SQL registry.

pub mod actions;
pub mod console;
pub mod csv_file;
pub mod journal;
pub mod load;
pub mod plays;
pub mod queries;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use duckdb::Connection;

use crate::error::{Error, Result};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = queries::MIGRATIONS.len() as u32;

pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
    /// In a team: where this database's actions are journaled first (TEAM.md).
    journal: Option<journal::Journal>,
}

impl Db {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    ///
    /// DuckDB lets one process at a time write a file. retain holds it only for short
    /// operations (the console opens it per request), so a busy file is waited for, up to
    /// `RETAIN_LOCK_WAIT_MS` (default 5 s), before the holder is named in an error.
    pub fn open(path: &Path) -> Result<Db> {
        refuse_other_files(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let patience = std::env::var("RETAIN_LOCK_WAIT_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(Duration::from_secs(5), Duration::from_millis);
        let started = Instant::now();
        loop {
            match Connection::open_with_flags(path, config()?).map_err(|e| open_error(path, e)) {
                Ok(conn) => return Db::prepare(conn, Some(path.to_path_buf())),
                Err(Error::Locked { .. }) if started.elapsed() < patience => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn open_in_memory() -> Result<Db> {
        Db::prepare(Connection::open_in_memory_with_flags(config()?)?, None)
    }

    fn prepare(conn: Connection, path: Option<PathBuf>) -> Result<Db> {
        let db = Db {
            conn,
            path,
            journal: None,
        };
        db.migrate()?;
        // The macros over actions, contacts and outcomes that the console reads beside the
        // scores. The scoring macros come with the model (`model::score::install`).
        db.conn.execute_batch(queries::HEALTH)?;
        Ok(db)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A second connection to the same database, with the macros every open defines, for a
    /// read that runs beside one on this connection.
    pub fn beside(&self) -> Result<Connection> {
        let conn = self.conn.try_clone()?;
        conn.execute_batch(queries::HEALTH)?;
        Ok(conn)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where the database lives, for messages.
    pub fn display_path(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .meta("schema_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Applies every migration newer than the file's version, each in its own transaction.
    fn migrate(&self) -> Result<()> {
        self.conn.execute_batch(queries::META)?;
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: self.path.clone().unwrap_or_default(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (index, migration) in queries::MIGRATIONS.iter().enumerate().skip(found as usize) {
            let version = (index + 1).to_string();
            self.conn.execute_batch("BEGIN TRANSACTION")?;
            let applied = self.conn.execute_batch(migration).and_then(|()| {
                self.conn
                    .execute(queries::META_SET, ["schema_version", &version])
            });
            match applied {
                Ok(_) => self.conn.execute_batch("COMMIT")?,
                Err(e) => {
                    self.conn.execute_batch("ROLLBACK")?;
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    /// A value of the `retain_meta` table.
    /// Journals this database's actions in the team folder `team`, once it has joined a team
    /// (`retain team join`); without a machine id it stays local.
    pub fn with_team(mut self, team: Option<&Path>) -> Result<Db> {
        self.journal = match team {
            Some(team) => journal::Journal::of(&self, team)?,
            None => None,
        };
        Ok(self)
    }

    /// Where actions are journaled, in a team.
    pub fn journal(&self) -> Option<&journal::Journal> {
        self.journal.as_ref()
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(queries::META_GET, [key], |r| r.get(0))?)
    }

    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(value) => self.conn.execute(queries::META_SET, [key, value])?,
            None => self.conn.execute(queries::META_DELETE, [key])?,
        };
        Ok(())
    }

    /// The latest date of any activity in the input tables, if there is any.
    pub fn freshness(&self) -> Result<Option<chrono::NaiveDate>> {
        let text: Option<String> = self.conn.query_row(queries::FRESHNESS, [], |r| r.get(0))?;
        Ok(text.and_then(|t| t.parse().ok()))
    }

    /// Runs `work` inside one transaction: committed when it succeeds, rolled back otherwise.
    pub fn in_transaction<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        match work(&self.conn) {
            Ok(value) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                // The rollback can only fail if the transaction is already gone.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Runs a query and maps each row: the one place where rows become values.
pub fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl duckdb::Params,
    map: impl FnMut(&duckdb::Row<'_>) -> duckdb::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let values = stmt
        .query_map(params, map)?
        .collect::<duckdb::Result<_>>()?;
    Ok(values)
}

/// DuckDB would attach a CSV, Parquet or JSON file given as the database and store nothing in
/// it; a file that exists must carry DuckDB's magic bytes ("DUCK" after an 8-byte checksum).
fn refuse_other_files(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 12];
    let read = match std::fs::File::open(path) {
        Ok(mut file) => file.read(&mut header).map_err(|e| Error::io(path, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    if read == 0 || (read == header.len() && &header[8..12] == b"DUCK") {
        return Ok(());
    }
    if header.starts_with(b"SQLite forma") {
        return Err(Error::Usage(format!(
            "{}: is a SQLite database, not a retain database (rule: --db names a DuckDB file, \
             or a new one to create; export the tables to CSV and load them with `retain load DIR`)",
            path.display()
        )));
    }
    Err(Error::Usage(format!(
        "{}: not a retain database (rule: --db names a DuckDB file, or a new one to create; \
         load data files with `retain load DIR`)",
        path.display()
    )))
}

/// Opens the database for a command that only reads or adds to what is there: a missing file
/// is a mistyped --db, not a new database to create empty.
pub fn open_existing(path: &Path) -> Result<Db> {
    if !path.exists() {
        return Err(Error::NotFound(format!(
            "no database at {} (load data with `retain load DIR`, or name the file with --db)",
            path.display()
        )));
    }
    Db::open(path)
}

/// Everything retain needs is compiled in; never try to download an extension.
fn config() -> Result<duckdb::Config> {
    Ok(duckdb::Config::default().enable_autoload_extension(false)?)
}

/// DuckDB refuses a second writer with a lock error that names the holder's program and PID
/// ("Conflicting lock is held in /usr/bin/python3 (PID 4242)"); say which program plainly.
fn open_error(path: &Path, e: duckdb::Error) -> Error {
    let text = e.to_string();
    if !text.contains("lock") {
        return e.into();
    }
    let held_in = text
        .split("Conflicting lock is held in")
        .nth(1)
        .unwrap_or("");
    let (program, rest) = held_in.split_once(" (PID ").unwrap_or((held_in, ""));
    let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let name = Path::new(program.trim())
        .file_name()
        .map(|n| crate::text::printable(&n.to_string_lossy()).into_owned())
        .unwrap_or_default();
    let holder = match (name.as_str(), pid.as_str()) {
        ("", "") => "another program".to_owned(),
        ("", pid) => format!("another program (PID {pid})"),
        ("retain", pid) => format!("another retain (PID {pid})"),
        (name, pid) => format!("another program, {name} (PID {pid})"),
    };
    Error::Locked {
        path: path.to_path_buf(),
        holder,
    }
}

/// The default database file: `$XDG_DATA_HOME/retain/retain.duckdb`, else
/// `~/.local/share/retain/retain.duckdb`.
pub fn default_path() -> PathBuf {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data_home.join("retain").join("retain.duckdb")
}
