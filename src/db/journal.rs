//! The team journal (TEAM.md): every action also travels as one JSON line in this writer's own
//! file of the team folder, `journal/<author>@<machine>.jsonl`, appended and synced before the
//! action counts as saved. Reading the folder applies every line once, by its id, so that any
//! two databases that read the same lines hold the same actions, in whatever order they read
//! them.
//!
//! Write-ahead order: the journal line first, then the database row. A crash between the two
//! leaves a line this database has not applied; the next read of its own file applies it, once.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use duckdb::Connection;
use serde::{Deserialize, Serialize};

use super::{Db, queries, rows};
use crate::error::{Error, Result};

/// The meta key under which a database keeps its machine id once it joined a team.
pub const MACHINE_KEY: &str = "machine_id";
/// The journal's time format: UTC to the millisecond.
const AT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// One action as a journal line. `undoes` names the id of the action an undo cancels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    pub at: String,
    pub author: String,
    pub machine: String,
    pub account: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

impl Line {
    pub fn at_time(&self) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(&self.at, AT_FORMAT).ok()
    }

    /// Why a parsed line cannot be an action, if it cannot.
    fn problem(&self) -> Option<&'static str> {
        if self.id.trim().is_empty() {
            Some("the line has no id")
        } else if self.at_time().is_none() {
            Some("`at` is not a UTC time like 2026-12-02T06:30:00.123Z")
        } else if self.account.trim().is_empty() || self.kind.trim().is_empty() {
            Some("the line names no account or no kind")
        } else if self
            .until
            .as_deref()
            .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
        {
            Some("`until` is not a date YYYY-MM-DD")
        } else {
            None
        }
    }
}

/// The moment of an action as the journal writes it, and as the database keeps it.
pub fn stamp(at: NaiveDateTime) -> String {
    at.format(AT_FORMAT).to_string()
}

/// Where this database writes its lines: the team folder and its machine id.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    pub team: PathBuf,
    pub machine: String,
}

impl Journal {
    /// This database's journal in `team`, when it joined a team (has a machine id).
    pub fn of(db: &Db, team: &Path) -> Result<Option<Journal>> {
        Ok(db.meta(MACHINE_KEY)?.map(|machine| Journal {
            team: team.to_path_buf(),
            machine,
        }))
    }

    pub fn folder(team: &Path) -> PathBuf {
        team.join("journal")
    }

    /// The file `author` writes from this machine.
    pub fn file_for(&self, author: &str) -> PathBuf {
        Journal::folder(&self.team).join(format!("{}@{}.jsonl", file_safe(author), self.machine))
    }

    /// Appends the line to its writer's file and syncs it to the disk before returning.
    pub fn append(&self, line: &Line) -> Result<()> {
        let path = self.file_for(&line.author);
        let mut text = serde_json::to_string(line).map_err(|e| Error::io(&path, e.into()))?;
        text.push('\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // One write: a reader sees the whole line or, while it is written, a line without its
        // newline, which it leaves for later.
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| Error::io(&path, e))
    }
}

/// An author's name as part of a file name: letters and digits of any script, `-`, `_` and `.`
/// kept, anything else `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What one read of the team folder did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub files: usize,
    /// Whole lines read this time (new bytes only).
    pub lines: u64,
    /// Actions new to this database.
    pub applied: u64,
    /// Bad lines seen for the first time: "file:line: why".
    pub problems: Vec<String>,
    /// Files that end in a line still being written (read again next time).
    pub partial: Vec<String>,
    /// Files shorter than what was read before (replaced by a sync tool): read again from the
    /// start; their lines already applied change nothing.
    pub shrunk: Vec<String>,
}

/// The journal files of the team folder, by name.
fn journal_files(team: &Path) -> Result<Vec<(String, PathBuf)>> {
    let folder = Journal::folder(team);
    let entries = std::fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))?;
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| name.ends_with(".jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads every journal file of `team` from where this database stopped, and applies the new
/// lines, in one transaction.
pub fn sync(db: &Db, team: &Path) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut incoming: Vec<Line> = Vec::new();
    // A line seen twice in one read (a copied file) goes in once.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut positions: Vec<(String, u64, u64)> = Vec::new();
    let mut bad: Vec<(String, u64, String)> = Vec::new();
    let read_before: Vec<(String, u64, u64, String)> =
        rows(db.conn(), queries::JOURNAL_FILES, [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let known: HashMap<String, (u64, u64)> = read_before
        .iter()
        .map(|(name, to, lines, _)| (name.clone(), (*to, *lines)))
        .collect();
    let known_at: HashMap<&str, String> = read_before
        .iter()
        .map(|(name, _, _, at)| (name.as_str(), at.clone()))
        .collect();
    for (name, path) in journal_files(team)? {
        report.files += 1;
        let (mut from, mut line_no) = known.get(&name).copied().unwrap_or((0, 0));
        let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let length = file.metadata().map_err(|e| Error::io(&path, e))?.len();
        if length < from {
            report.shrunk.push(name.clone());
            (from, line_no) = (0, 0);
        }
        if length == from {
            continue;
        }
        let mut bytes = Vec::with_capacity((length - from) as usize);
        file.seek(SeekFrom::Start(from))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| Error::io(&path, e))?;
        let mut consumed = 0usize;
        while let Some(end) = bytes[consumed..].iter().position(|&b| b == b'\n') {
            let raw = &bytes[consumed..consumed + end];
            consumed += end + 1;
            line_no += 1;
            report.lines += 1;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Line>(raw) {
                Ok(line) => match line.problem() {
                    None if seen.insert(line.id.clone()) => incoming.push(line),
                    None => {}
                    Some(why) => bad.push((name.clone(), line_no, why.to_owned())),
                },
                Err(e) => bad.push((name.clone(), line_no, format!("not a journal line ({e})"))),
            }
        }
        if consumed < bytes.len() {
            report.partial.push(name.clone());
        }
        positions.push((name, from + consumed as u64, line_no));
    }
    report.applied = db.in_transaction(|conn| {
        let applied = apply(conn, &incoming)?;
        if !positions.is_empty() {
            let mut all: std::collections::BTreeMap<&str, (u64, u64)> =
                known.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            for (name, read_to, lines) in &positions {
                all.insert(name, (*read_to, *lines));
            }
            let now = chrono::Utc::now()
                .naive_utc()
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            conn.execute_batch(queries::JOURNAL_SET_POSITION)?;
            let mut appender = conn.appender("journal_files")?;
            for (name, (read_to, lines)) in all {
                let read_at = if positions.iter().any(|p| p.0 == name) {
                    now.clone()
                } else {
                    known_at.get(name).cloned().unwrap_or_else(|| now.clone())
                };
                appender.append_row(duckdb::params![
                    name,
                    read_to as i64,
                    lines as i64,
                    read_at
                ])?;
            }
            appender.flush()?;
        }
        for (name, line, why) in &bad {
            let new: Vec<i64> = rows(
                conn,
                queries::JOURNAL_PROBLEM,
                duckdb::params![name, *line as i64, why],
                |r| r.get(0),
            )?;
            if !new.is_empty() {
                report.problems.push(format!("{name}:{line}: {why}"));
            }
        }
        Ok(applied)
    })?;
    Ok(report)
}

/// Applies journal lines (inside the caller's transaction); gives back how many were new.
pub fn apply(conn: &Connection, lines: &[Line]) -> Result<u64> {
    if lines.is_empty() {
        return Ok(0);
    }
    let before: i64 = conn.query_row("SELECT count(*) FROM actions", [], |r| r.get(0))?;
    {
        let mut appender = conn.appender("journal_incoming")?;
        for l in lines {
            let at = l
                .at_time()
                .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string());
            appender.append_row(duckdb::params![
                l.id, at, l.author, l.machine, l.account, l.kind, l.detail, l.body, l.until,
                l.undoes, l.reasons, l.contact
            ])?;
        }
        appender.flush()?;
    }
    let day = |text: Option<String>| text.and_then(|t| t.parse::<chrono::NaiveDate>().ok());
    let task_changes = rows(conn, queries::JOURNAL_TASK_CHANGES, [], |r| {
        Ok(super::plays::RemoteTaskChange {
            account_id: r.get(0)?,
            step: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            kind: r.get(2)?,
            reason: r.get(3)?,
            until: day(r.get(4)?),
            on: day(r.get(5)?).unwrap_or_default(),
            author: r.get(6)?,
        })
    })?;
    conn.execute_batch(queries::JOURNAL_APPLY)?;
    super::plays::apply_remote(conn, &task_changes)?;
    let after: i64 = conn.query_row("SELECT count(*) FROM actions", [], |r| r.get(0))?;
    Ok((after - before).max(0) as u64)
}

/// What `retain team join` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub machine: String,
    pub published: usize,
    pub file: PathBuf,
    pub sync: SyncReport,
}

/// Joins the team whose folder is `team`: makes the folder's `journal/` if needed, gives this
/// database a machine id (once), publishes the actions it holds that no journal has yet, then
/// reads everyone else's.
pub fn join(db: &Db, team: &Path, author: &str) -> Result<Joined> {
    let folder = Journal::folder(team);
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
    let machine = match db.meta(MACHINE_KEY)? {
        Some(machine) => machine,
        None => {
            let id = uuid::Uuid::now_v7().simple().to_string();
            let machine = id[id.len() - 12..].to_owned();
            db.set_meta(MACHINE_KEY, Some(&machine))?;
            machine
        }
    };
    let journal = Journal {
        team: team.to_path_buf(),
        machine: machine.clone(),
    };
    let earlier: Vec<Line> = rows(db.conn(), queries::JOURNAL_UNPUBLISHED, [], |r| {
        Ok(Line {
            id: r.get(0)?,
            at: r.get(1)?,
            author: r.get(2)?,
            machine: machine.clone(),
            account: r.get(3)?,
            kind: r.get(4)?,
            detail: r.get(5)?,
            body: r.get(6)?,
            until: r.get(7)?,
            undoes: r.get(8)?,
            reasons: r.get(9)?,
            contact: r.get(10)?,
        })
    })?;
    for line in &earlier {
        journal.append(line)?;
    }
    db.conn().execute(queries::JOURNAL_CLAIM, [&machine])?;
    let sync = sync(db, team)?;
    Ok(Joined {
        file: journal.file_for(author),
        machine,
        published: earlier.len(),
        sync,
    })
}

/// One writer's file as `retain team status` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WriterStatus {
    pub file: String,
    pub bytes: u64,
    pub read_to: u64,
    pub lines_read: u64,
    pub read_at: Option<String>,
}

impl WriterStatus {
    /// Bytes written that this database has not read yet.
    pub fn lag(&self) -> u64 {
        self.bytes.saturating_sub(self.read_to)
    }
}

/// Every writer of the team folder and how far this database has read them.
pub fn status(db: &Db, team: &Path) -> Result<Vec<WriterStatus>> {
    let known: HashMap<String, (u64, u64, String)> =
        rows(db.conn(), queries::JOURNAL_FILES, [], |r| {
            Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })?
        .into_iter()
        .collect();
    journal_files(team)?
        .into_iter()
        .map(|(name, path)| {
            let bytes = std::fs::metadata(&path)
                .map_err(|e| Error::io(&path, e))?
                .len();
            let (read_to, lines_read, read_at) = match known.get(&name) {
                Some((to, lines, at)) => (*to, *lines, Some(at.clone())),
                None => (0, 0, None),
            };
            Ok(WriterStatus {
                file: name,
                bytes,
                read_to,
                lines_read,
                read_at,
            })
        })
        .collect()
}
