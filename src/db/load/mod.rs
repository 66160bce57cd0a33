//! `retain load DIR`: the five input tables of the data contract, all or nothing.
//!
//! Each file is staged by DuckDB into a temporary table that holds typed values and, per row,
//! the first contract rule the row breaks. Only when no rule is broken (or `--skip-bad-rows`
//! sets the offenders aside) are the input tables replaced, in one transaction.

mod merge;
mod parts;
mod plain_timestamp;
mod rejects;
mod source;
mod stage;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use merge::{Examples, ImportedTable, MergeSummary, RowOrigins, merge};
use rejects::write_rejects_if_any;
use source::{Input, TABLES, file_error, find_files, open};
use stage::{Staged, stage};

use super::csv_file::TextEncoding;
use super::{Db, queries};
use crate::error::{LoadError, Result};

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
        /// Whether the file was clean enough to stage without the per-row rules.
        typed: bool,
    },
    /// The file's quick typed read found rows that need the contract's rules (a padded value,
    /// a broken rule): it is read again, every row checked, which takes longer.
    Checking {
        table: &'static str,
        file: &'a str,
    },
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
    define_rules(db)?;
    let sources: Vec<Input> = find_files(dir)?
        .into_iter()
        .map(|(spec, found)| open(db, spec, found, options.encoding))
        .collect::<Result<_>>()?;
    drop_stages(db);
    let staged = stage_all(db, &sources, options, on_event);
    let result = staged.and_then(|staged| {
        let rejects_file = write_rejects_if_any(rejects_file, &sources, &staged)?;
        refuse_gutted_tables(&sources, &staged, rejects_file.as_deref())?;
        db.in_transaction(|conn| {
            // Accounts last: the other stages are pruned against stage_accounts.
            for spec in TABLES.iter().rev() {
                match sources
                    .iter()
                    .position(|s| s.spec.contract.name == spec.contract.name)
                {
                    Some(i) => {
                        let stage = sources[i].stage_table();
                        let fills = [
                            ("table", spec.contract.name),
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
                        &[("table", spec.contract.name)],
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
            tables: summarise(&sources, &staged, TABLES.iter().map(|t| t.contract.name)),
            rejects_file,
            freshness: db.freshness()?,
            elapsed: start.elapsed(),
        })
    });
    drop_stages(db);
    result
}

fn record_load(
    conn: &duckdb::Connection,
    source: &Input,
    staged: &Staged,
    rows_in_table: u64,
) -> Result<()> {
    conn.execute(
        queries::RECORD_LOAD,
        duckdb::params![
            source.spec.contract.name,
            source.label,
            rows_in_table,
            staged.orphans,
            staged.rejected.len() as u64,
            source.ignored.join(", "),
        ],
    )?;
    Ok(())
}

/// `--skip-bad-rows` sets bad rows aside so that a few cannot block a load; when they are no
/// few (every account, or more than half of a table) the file is wrong, not some rows, and
/// loading the rest would empty the portfolio with exit 0. Refused; the rejects file, already
/// written, lists them.
fn refuse_gutted_tables(
    sources: &[Input],
    staged: &[Staged],
    rejects_file: Option<&Path>,
) -> Result<()> {
    for (source, staged) in sources.iter().zip(staged) {
        let rejected = staged.rejected.len() as u64;
        let total = staged.loaded + staged.orphans + rejected;
        let no_accounts = source.spec.contract.name == "accounts" && staged.loaded == 0;
        if rejected > 0 && (no_accounts || rejected * 2 > total) {
            let listed = rejects_file.map_or(String::new(), |p| {
                format!("; they are listed, with reasons, in {}", p.display())
            });
            return Err(LoadError::File {
                file: source.label.clone(),
                message: format!(
                    "{rejected} of {total} rows break the data contract, too many to set aside \
                     (rule: --skip-bad-rows skips a few bad rows, never most of a table{}); \
                     nothing was loaded{listed}",
                    if no_accounts { " or every account" } else { "" }
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// One summary line per named table; a table without a source read nothing.
fn summarise(
    sources: &[Input],
    staged: &[Staged],
    tables: impl Iterator<Item = &'static str>,
) -> Vec<TableSummary> {
    tables
        .map(
            |table| match sources.iter().position(|s| s.spec.contract.name == table) {
                Some(i) => TableSummary {
                    table,
                    file: Some(sources[i].label.clone()),
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

/// The contract's parsing rules as macros (checks.sql) and the function the typed read's
/// timestamps use, for the stage queries. Only the loader uses them, so they are defined here
/// rather than at every open of the database (~15-25 ms).
pub fn define_rules(db: &Db) -> Result<()> {
    plain_timestamp::register(db.conn())?;
    db.conn().execute_batch(queries::LOAD_CHECKS)?;
    Ok(())
}

/// Stages left by a failed (or killed) load hold nothing anyone needs.
fn drop_stages(db: &Db) {
    for spec in TABLES {
        for stage in [
            format!("stage_{}", spec.contract.name),
            format!("stage_{}_part", spec.contract.name),
        ] {
            // A stage that is not there (it became the table) is not an error.
            let _ = db
                .conn()
                .execute_batch(&queries::fill(queries::DROP_STAGE, &[("stage", &stage)]));
        }
    }
}

fn stage_all(
    db: &Db,
    sources: &[Input],
    options: &LoadOptions,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<Vec<Staged>> {
    let mut staged = Vec::new();
    let accounts = known_accounts(sources.iter().any(|s| s.spec.contract.name == "accounts"));
    for source in sources {
        let started = Instant::now();
        let outcome = match source.parts.as_slice() {
            [file] if !file.is_part => {
                on_event(LoadEvent::Staging {
                    table: source.spec.contract.name,
                    file: &file.file,
                });
                stage(db, file, options.skip_bad_rows, accounts, on_event)?
            }
            _ => parts::stage_parts(db, source, options.skip_bad_rows, accounts, on_event)?,
        };
        let read = outcome.loaded + outcome.orphans + outcome.rejected.len() as u64;
        if source.spec.contract.name == "accounts" && read == 0 {
            return Err(file_error(
                &source.label,
                "has no rows (rule: accounts needs at least one account)",
            ));
        }
        on_event(LoadEvent::Staged {
            table: source.spec.contract.name,
            rows: outcome.loaded,
            elapsed: started.elapsed(),
            typed: outcome.typed,
        });
        staged.push(outcome);
    }
    Ok(staged)
}
