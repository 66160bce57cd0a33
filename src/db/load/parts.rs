//! A table given as a folder of part files. A folder of clean parts of a table without a key
//! is read in one typed read; otherwise each part is staged with every rule of a file, then
//! appended to the table's stage in path order. Rules that span rows (a unique key) are
//! checked again over the whole table, and each offending row is named by its part and line.

use super::source::Input;
use super::stage::{Staged, broken_rows, place, stage, stage_counts, stage_typed_parts};
use super::{LoadEvent, queries};
use crate::db::Db;
use crate::error::{LoadError, Problem, Result, SHOWN_PROBLEMS};

pub(super) fn stage_parts(
    db: &Db,
    input: &Input,
    skip_bad_rows: bool,
    accounts: &str,
    on_event: &mut dyn FnMut(LoadEvent),
) -> Result<Staged> {
    let conn = db.conn();
    let table_stage = input.stage_table();
    on_event(LoadEvent::Staging {
        table: input.spec.contract.name,
        file: &input.label,
    });
    let mut combined = Staged {
        loaded: 0,
        typed: true,
        rules_column: false,
        orphans: 0,
        rejected: Vec::new(),
        unreadable_lines: Vec::new(),
    };
    if stage_typed_parts(db, input)? {
        let (_, orphans, total) = stage_counts(db, queries::TYPED_COUNTS, &table_stage, accounts)?;
        combined.loaded = total - orphans;
        combined.orphans = orphans;
        return Ok(combined);
    }
    // Where each part's rows start among the stage's rowids, and the lines its reader skipped.
    let mut starts = Vec::with_capacity(input.parts.len());
    let mut skipped = Vec::with_capacity(input.parts.len());
    let mut rows: u64 = 0;
    for (index, part) in input.parts.iter().enumerate() {
        on_event(LoadEvent::Staging {
            table: input.spec.contract.name,
            file: &part.file,
        });
        // The accounts' own parts are checked against themselves (no account is an orphan of
        // its table); the whole table is not staged yet.
        let own_accounts = format!(
            "(SELECT account_id FROM {} WHERE problem IS NULL)",
            part.stage_table()
        );
        let accounts_now = if input.spec.contract.name == "accounts" {
            own_accounts.as_str()
        } else {
            accounts
        };
        let staged = stage(db, part, skip_bad_rows, accounts_now, on_event)?;
        let part_stage = part.stage_table();
        let part_rows: u64 = conn.query_row(
            &queries::fill(queries::STAGE_ROWS, &[("stage", &part_stage)]),
            [],
            |r| r.get(0),
        )?;
        let fills = [
            ("stage", table_stage.as_str()),
            ("part", part_stage.as_str()),
        ];
        if index == 0 {
            conn.execute_batch(&queries::fill(queries::FIRST_PART, &fills))?;
        } else {
            if staged.rules_column && !combined.rules_column {
                add_rules_column(db, &table_stage)?;
            }
            conn.execute_batch(&queries::fill(queries::APPEND_PART, &fills))?;
        }
        starts.push(rows);
        rows += part_rows;
        skipped.push(staged.unreadable_lines);
        combined.loaded += staged.loaded;
        combined.orphans += staged.orphans;
        combined.typed &= staged.typed;
        combined.rules_column |= staged.rules_column;
        combined.rejected.extend(staged.rejected);
    }
    if let Some(key) = input.spec.contract.unique_key
        && input.parts.len() > 1
    {
        check_key_across_parts(
            db,
            input,
            key,
            skip_bad_rows,
            accounts,
            &starts,
            &skipped,
            &mut combined,
        )?;
    }
    Ok(combined)
}

fn add_rules_column(db: &Db, stage: &str) -> Result<()> {
    db.conn().execute_batch(&queries::fill(
        queries::TYPED_ADD_PROBLEM,
        &[("stage", stage)],
    ))?;
    Ok(())
}

/// A key repeated in two parts breaks uniqueness as it would in one file. Each part has been
/// checked alone, so any repeat found now spans parts; the table's problems are listed again
/// from the whole stage, each row at its part's line.
#[allow(clippy::too_many_arguments)]
fn check_key_across_parts(
    db: &Db,
    input: &Input,
    key: &str,
    skip_bad_rows: bool,
    accounts: &str,
    starts: &[u64],
    skipped: &[Vec<u64>],
    combined: &mut Staged,
) -> Result<()> {
    let conn = db.conn();
    let stage = input.stage_table();
    if !combined.rules_column {
        add_rules_column(db, &stage)?;
        combined.rules_column = true;
    }
    // Rows already set aside by their part's own rules.
    let known = combined
        .rejected
        .iter()
        .filter(|p| !is_unreadable(p, input, skipped))
        .count() as u64;
    conn.execute(
        &queries::fill(queries::MARK_DUPLICATES, &[("stage", &stage), ("key", key)]),
        [],
    )?;
    let (problems, orphans, total) = stage_counts(db, queries::STAGE_COUNTS, &stage, accounts)?;
    if problems == known {
        return Ok(());
    }
    let limit = if skip_bad_rows {
        i64::MAX
    } else {
        SHOWN_PROBLEMS as i64
    };
    // Split the stage's broken rows by part, each rowid made the part's own.
    let mut by_part = vec![Vec::new(); input.parts.len()];
    for (rowid, column, rule, value) in broken_rows(db, &stage, limit)? {
        let part = starts.partition_point(|&start| start <= rowid) - 1;
        by_part[part].push((rowid - starts[part], column, rule, value));
    }
    let mut listed: Vec<Problem> = combined
        .rejected
        .drain(..)
        .filter(|p| is_unreadable(p, input, skipped))
        .collect();
    for ((part, rows), skipped) in input.parts.iter().zip(by_part).zip(skipped) {
        listed.extend(place(part, rows, skipped)?);
    }
    let order = |p: &Problem| {
        let part = input.parts.iter().position(|s| s.file == p.file);
        (part, p.line)
    };
    listed.sort_by_key(order);
    if !skip_bad_rows {
        return Err(LoadError::Rules {
            file: input.label.clone(),
            problems: listed,
            total: problems,
        }
        .into());
    }
    combined.loaded = total - problems - orphans;
    combined.orphans = orphans;
    combined.rejected = listed;
    Ok(())
}

/// Whether a listed problem is a row the CSV reader could not split (it never reached the
/// stage).
fn is_unreadable(problem: &Problem, input: &Input, skipped: &[Vec<u64>]) -> bool {
    input
        .parts
        .iter()
        .zip(skipped)
        .any(|(part, lines)| part.file == problem.file && lines.contains(&problem.line))
}
