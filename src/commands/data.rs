//! Getting data in: `retain load`, `retain import` and `retain sample`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use super::rejects_path;
use crate::cli::{ImportArgs, LoadArgs, SampleArgs};
use crate::db::Db;
use crate::db::load::{self, LoadEvent, LoadOptions};
use crate::error::{Error, Result};
use crate::format::group_digits;
use crate::report::table::{Align, TextTable};
use crate::sample::{self, SampleOptions};
use crate::text::printable;

pub fn sample(args: &SampleArgs) -> Result<()> {
    let started = Instant::now();
    let held = data_files_in(&args.out);
    if !held.is_empty() && !args.force {
        return Err(Error::Usage(format!(
            "{}: already holds data ({}); name an empty folder, or add --force to replace those files",
            args.out.display(),
            held.join(", ")
        )));
    }
    let options = SampleOptions {
        accounts: args.accounts as usize,
        seed: args.seed,
        as_of: args.as_of,
        gzip: args.gzip,
    };
    let summary = sample::generate(&options, &args.out).map_err(|e| Error::io(&args.out, e))?;
    for (path, rows) in &summary.files {
        println!(
            "{:>12} rows  {}",
            group_digits(*rows as f64),
            path.display()
        );
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The files in `dir` named like a table of the data contract (what `load` would read).
fn data_files_in(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let lower = name.to_lowercase();
            crate::contract::TABLES.iter().any(|t| {
                [".csv", ".csv.gz", ".parquet"]
                    .iter()
                    .any(|ext| lower == format!("{}{ext}", t.name))
            })
        })
        .map(|name| crate::text::printable(&name).into_owned())
        .collect();
    names.sort();
    names
}

/// Prints the loader's progress on stderr: one line per table, redrawn in place on a terminal.
/// Said when a file's quick read found rows to check one by one (a padded value, a broken
/// rule), which takes longer: at 100,000 accounts ~28 s of usage's ~41 s.
const CHECKING_EVERY_ROW: &str = "checking every row against the data contract:";

fn print_progress(event: LoadEvent) {
    let interactive = std::io::stderr().is_terminal();
    let mut err = std::io::stderr();
    let _ = match event {
        // A folder's parts are read one after another on the same line.
        LoadEvent::Staging { table, file } if interactive => {
            write!(err, "\r\x1b[2K  {table:<10} reading {} …", printable(file))
        }
        LoadEvent::Staging { table, file } => {
            writeln!(err, "{table}: reading {}", printable(file))
        }
        LoadEvent::Checking { table, file } if interactive => write!(
            err,
            "\r\x1b[2K  {table:<10} {CHECKING_EVERY_ROW} {} …",
            printable(file)
        ),
        LoadEvent::Checking { table, file } => {
            writeln!(err, "{table}: {CHECKING_EVERY_ROW} {}", printable(file))
        }
        LoadEvent::Staged {
            table,
            rows,
            elapsed,
            ..
        } => {
            let clear = if interactive { "\r\x1b[2K" } else { "" };
            writeln!(
                err,
                "{clear}  {table:<10} {:>12} rows  {:.1} s",
                group_digits(rows as f64),
                elapsed.as_secs_f64()
            )
        }
    };
}

fn load_table(tables: &[load::TableSummary]) -> String {
    let mut table = TextTable::new(&[
        ("table", Align::Left),
        ("file", Align::Left),
        ("rows", Align::Right),
        ("orphans", Align::Right),
        ("rejected", Align::Right),
        ("ignored columns", Align::Left),
    ]);
    for t in tables {
        table.row(vec![
            t.table.to_owned(),
            t.file
                .as_deref()
                .map_or_else(|| "—".to_owned(), |f| printable(f).into_owned()),
            group_digits(t.rows as f64),
            group_digits(t.orphans as f64),
            group_digits(t.rejected as f64),
            t.ignored_columns.join(", "),
        ]);
    }
    table.render()
}

pub fn load(db: &Db, args: &LoadArgs) -> Result<()> {
    let dir = &args.dir;
    let options = LoadOptions {
        skip_bad_rows: args.skip_bad_rows,
        encoding: args.encoding,
    };
    let summary = load::load(db, dir, &options, &rejects_path(db), &mut print_progress)?;
    crate::sample_data::forget(db)?;
    println!(
        "Loaded {} into {} in {:.1} s",
        dir.display(),
        db.display_path(),
        summary.elapsed.as_secs_f64()
    );
    print!("{}", load_table(&summary.tables));
    print_freshness_and_rejects(&summary);
    if summary.tables.iter().any(|t| t.orphans > 0) {
        println!("Orphans are rows whose account_id is not in accounts; they were not loaded.");
    }
    Ok(())
}

fn print_freshness_and_rejects(summary: &load::LoadSummary) {
    match summary.freshness {
        Some(date) => println!("Data freshness: {date}"),
        None => println!("Data freshness: no dated rows"),
    }
    if let Some(path) = &summary.rejects_file {
        println!("Rejected rows, with reasons: {}", path.display());
    }
}

/// How many unmatched values an import lists before it points at the report.
const SHOWN_UNMATCHED: usize = 5;

pub fn import(db: &Db, args: &ImportArgs) -> Result<()> {
    use crate::import::{self, ImportRequest};
    let started = Instant::now();
    let request = ImportRequest {
        vendor: args.source,
        files: &args.files,
        mapping: args.mapping.as_deref(),
        time_zone: args.time_zone,
        dry_run: args.dry_run,
        options: LoadOptions {
            skip_bad_rows: args.skip_bad_rows,
            encoding: args.encoding,
        },
    };
    let unmatched_path = match db.path() {
        Some(path) => path.with_extension(format!("{}.unmatched.csv", args.source)),
        None => PathBuf::from(format!("retain.{}.unmatched.csv", args.source)),
    };
    let report = import::import(
        db,
        &request,
        &unmatched_path,
        &rejects_path(db),
        &mut print_progress,
    )?;
    let summary = &report.merged.load;
    let files: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let files = files.join(", ");
    if args.dry_run {
        println!(
            "Dry run of {} import ({files}): nothing was changed",
            args.source
        );
    } else {
        println!(
            "Imported {} ({files}) into {} in {:.1} s",
            args.source,
            db.display_path(),
            started.elapsed().as_secs_f64()
        );
    }
    print!("{}", load_table(&summary.tables));
    let unmatched = &report.prepared.unmatched;
    let verb = if args.dry_run { "would be" } else { "were" };
    match report.prepared.accounts {
        Some((created, updated)) => println!(
            "Accounts: {} new, {} already loaded {verb} updated",
            group_digits(created as f64),
            group_digits(updated as f64)
        ),
        None => println!(
            "Accounts: {} rows matched, {} unmatched",
            group_digits(report.prepared.matched as f64),
            group_digits(unmatched.len() as f64)
        ),
    }
    if !unmatched.is_empty() {
        // Millions of unmatched events may share a handful of values: count them by value.
        let mut by_value: std::collections::HashMap<(&str, &str, &[String]), usize> =
            std::collections::HashMap::new();
        for u in unmatched {
            *by_value
                .entry((&u.value, &u.field, u.sharing.as_slice()))
                .or_default() += 1;
        }
        let mut counts: Vec<(&str, &str, &[String], usize)> = by_value
            .into_iter()
            .map(|((v, f, s), n)| (v, f, s, n))
            .collect();
        counts.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(b.0)));
        for (value, field, sharing, n) in counts.iter().take(SHOWN_UNMATCHED) {
            let shown = if value.is_empty() {
                "(empty)".to_owned()
            } else {
                format!("{:?}", printable(value))
            };
            let rows = if *n == 1 { "row" } else { "rows" };
            match sharing {
                [] => println!("  no account for {shown} in {field}: {n} {rows}"),
                [first, ..] => println!(
                    "  {shown} in {field} is the name of {} accounts ({}): {n} {rows}; tie it to one with [aliases] {shown} = {first:?}",
                    sharing.len(),
                    sharing.join(", ")
                ),
            }
        }
        if let Some(path) = &report.unmatched_file {
            println!(
                "Unmatched rows, with the value that failed: {}",
                path.display()
            );
        }
        println!("  (an [aliases] table in a --map file ties such values to an account_id)");
    }
    for (reason, n) in &report.prepared.skipped {
        println!("Left out: {} × {reason}", group_digits(*n as f64));
    }
    let today = chrono::Local::now().date_naive();
    for read in &report.prepared.read {
        let range = match &read.range {
            Some((first, last)) => format!(", {} {first} – {last}", read.main_date),
            None => String::new(),
        };
        let warning = read
            .warning(today)
            .map(|w| format!("; note: the range {w}"))
            .unwrap_or_default();
        let rows = if read.rows == 1 { "row" } else { "rows" };
        println!(
            "{}: {} {rows} in the export{range}{warning}",
            read.table,
            group_digits(read.rows as f64)
        );
    }
    for note in &report.prepared.notes {
        println!("Note: {}", printable(note));
    }
    for (zone, from) in &report.prepared.zones {
        println!("Times without a zone were read as {zone} (from {from}).");
    }
    for examples in &report.merged.examples {
        println!("\nExample {} rows:", examples.table);
        let align: Vec<(&str, Align)> = examples
            .columns
            .iter()
            .map(|c| (c.as_str(), Align::Left))
            .collect();
        let mut out = TextTable::new(&align);
        for row in &examples.rows {
            out.row(
                row.iter()
                    .map(|v| v.clone().unwrap_or_else(|| "—".to_owned()))
                    .collect(),
            );
        }
        print!("{}", out.render());
    }
    // A dry run changed nothing: the database's freshness would describe other data.
    if !args.dry_run {
        print_freshness_and_rejects(summary);
    }
    Ok(())
}
