//! `retain import`'s way in: the contract tables an adapter wrote go through the load's stage
//! and rules, then replace only what the same source brought before.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::rejects::write_rejects_if_any;
use super::source::{Input, TABLES, inspect};
use super::{
    LoadEvent, LoadOptions, LoadSummary, drop_stages, known_accounts, record_load,
    refuse_gutted_tables, stage_all, summarise,
};
use crate::db::csv_file::TextEncoding;
use crate::db::{Db, queries};
use crate::error::Result;

/// Where the rows of an import's contract file came from, so that a broken rule is reported
/// against the vendor's file, line and column rather than the intermediate file.
#[derive(Debug, Clone, Default)]
pub struct RowOrigins {
    pub files: Vec<String>,
    /// Per file, its text when it is small enough to keep (CSV exports): the record a rejected
    /// row came from is taken from it for the rejects file.
    pub texts: Vec<Option<std::sync::Arc<str>>>,
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
    super::define_rules(db)?;
    let mut sources = Vec::new();
    for imported in tables {
        let spec = TABLES
            .iter()
            .find(|t| t.contract.name == imported.table)
            .expect("adapters produce contract tables");
        let mut source = inspect(db, spec, imported.path, TextEncoding::Utf8, None)?;
        source.file = imported.label;
        source.origins = Some(imported.origins);
        sources.push(Input::file(source));
    }
    // Accounts first, as in a load: the other tables are checked against them.
    sources.sort_by_key(|s| {
        TABLES
            .iter()
            .position(|t| t.contract.name == s.spec.contract.name)
    });
    let accounts_staged = sources.iter().any(|s| s.spec.contract.name == "accounts");
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
                    let values = (0..source.spec.contract.columns.len())
                        .map(|i| row.get::<_, Option<String>>(i))
                        .collect::<Result<_, _>>()?;
                    found.push(values);
                }
                let columns = source
                    .spec
                    .contract
                    .columns
                    .iter()
                    .map(|c| c.name.to_owned())
                    .collect();
                examples.push(Examples {
                    table: source.spec.contract.name,
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
        refuse_gutted_tables(&sources, &staged, rejects_file.as_deref())?;
        if !dry_run {
            db.in_transaction(|conn| {
                for (source, staged) in sources.iter().zip(&staged).rev() {
                    let stage = source.stage_table();
                    let columns: Vec<&str> = source
                        .spec
                        .contract
                        .columns
                        .iter()
                        .map(|c| c.name)
                        .collect();
                    let columns = columns.join(", ");
                    let same_key = source.spec.contract.unique_key.map(|key| {
                        format!("OR {key} IN (SELECT {key} FROM {stage} WHERE problem IS NULL)")
                    });
                    let fills = [
                        ("table", source.spec.contract.name),
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
                    conn.execute(queries::FORGET_LOAD_INFO, [source.spec.contract.name])?;
                    record_load(conn, source, staged, rows)?;
                }
                Ok(())
            })?;
        }
        let names: Vec<&'static str> = sources.iter().map(|s| s.spec.contract.name).collect();
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
