//! One function per subcommand: open what it needs, call the library, print the result.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::{
    AccountsArgs, BacktestArgs, Cli, Command, ExplainArgs, ExportArgs, FilterArgs, ModelCommand,
    Scoring, TableFormat,
};
use crate::db::actions::{self, ActionKind, NewAction};
use crate::db::load::{self, LoadEvent, LoadOptions};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::score::{self, AccountScore, AsOf};
use crate::report::table::{Align, TextTable};
use crate::sample::{self, SampleOptions};

/// Writes to standard output. A pipe closed early (`retain score | head -1`) ends the process
/// quietly, as command-line tools do; any other failure to write is reported.
fn emit(args: std::fmt::Arguments) {
    if let Err(e) = std::io::stdout().write_fmt(args) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("retain: stdout: {e}");
            std::process::exit(1);
        }
        std::process::exit(0);
    }
}

// The commands print through `emit` rather than std's macros, which panic on a closed pipe.
macro_rules! println {
    ($($arg:tt)*) => { emit(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! print {
    ($($arg:tt)*) => { emit(format_args!($($arg)*)) };
}

pub fn run(cli: Cli) -> Result<()> {
    let db_path = cli.db.clone().unwrap_or_else(db::default_path);
    let user = current_user(cli.user.as_deref());
    match cli.command {
        None => crate::tui::run(
            &db_path,
            &user,
            Model::load(cli.model.as_deref())?,
            cli.model.as_deref(),
        ),
        Some(Command::Load(args)) => {
            let db = Db::open(&db_path)?;
            run_load(
                &db,
                &args.dir,
                &LoadOptions {
                    skip_bad_rows: args.skip_bad_rows,
                    encoding: args.encoding,
                },
            )
        }
        Some(Command::Import(args)) => {
            let db = Db::open(&db_path)?;
            run_import(&db, &args)
        }
        Some(Command::Sample(args)) => {
            let started = Instant::now();
            let options = SampleOptions {
                accounts: args.accounts,
                seed: args.seed,
                as_of: args.as_of,
                gzip: args.gzip,
            };
            let summary =
                sample::generate(&options, &args.out).map_err(|e| Error::io(&args.out, e))?;
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
        Some(Command::Score(args)) => run_score(&Db::open(&db_path)?, &args.scoring, args.history),
        Some(Command::Accounts(args)) => run_accounts(&Db::open(&db_path)?, &args, &user),
        Some(Command::Explain(args)) => run_explain(&Db::open(&db_path)?, &args),
        Some(Command::Export(args)) => run_export(&Db::open(&db_path)?, &args, &user),
        Some(Command::Review(args)) => {
            let db = Db::open(&db_path)?;
            let (model, as_of) = prepare_scoring(&db, &args.scoring)?;
            let owner = args
                .owner
                .as_ref()
                .map(|o| if o == "mine" { user.clone() } else { o.clone() });
            let today = chrono::Utc::now().date_naive();
            let review =
                crate::db::review::build_review(&db, &model, as_of, owner.as_deref(), today)?;
            write_output(args.output.as_deref(), |mut out| {
                crate::report::review_format::write(&mut out, &review, args.format)
            })
        }
        Some(Command::Flag(args)) => {
            let db = Db::open(&db_path)?;
            let mut action = NewAction::new(&args.account_id, ActionKind::Flag, &user);
            action.body = Some(args.reason);
            action.until = Some(args.until);
            let id = actions::record(db.conn(), &action)?;
            println!(
                "flagged {} at risk until {} (action {id})",
                args.account_id, args.until
            );
            Ok(())
        }
        Some(Command::Override(args)) => {
            let db = Db::open(&db_path)?;
            let model = Model::default_model();
            if !model.bands.iter().any(|b| b.name == args.band) {
                let names: Vec<&str> = model.bands.iter().map(|b| b.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "unknown band {:?}; bands: {}",
                    args.band,
                    names.join(", ")
                )));
            }
            let mut action = NewAction::new(&args.account_id, ActionKind::Override, &user);
            action.detail = Some(args.band.clone());
            action.body = Some(args.reason);
            action.until = Some(args.until);
            let id = actions::record(db.conn(), &action)?;
            println!(
                "{} shown as {} (your judgement) until {} (action {id})",
                args.account_id, args.band, args.until
            );
            Ok(())
        }
        Some(Command::Model {
            command: ModelCommand::Show,
        }) => {
            print!("{}", crate::model::DEFAULT_TOML);
            Ok(())
        }
        Some(Command::Backtest(args)) => run_backtest(&Db::open(&db_path)?, &args),
        Some(Command::BenchConsole { keys }) => {
            let result = crate::bench::run(&db_path, keys)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&result).map_err(|e| Error::io("stdout", e.into()))?
            );
            Ok(())
        }
        Some(Command::Model {
            command: ModelCommand::Diff { a, b, as_of },
        }) => {
            let db = Db::open(&db_path)?;
            let bands: Vec<String> = Model::load(Some(&a))?
                .bands
                .iter()
                .map(|b| b.name.clone())
                .collect();
            let scoring = |path: &Path| -> Result<Vec<AccountScore>> {
                let (_, at) = prepare_scoring(
                    &db,
                    &Scoring {
                        as_of,
                        model: Some(path.to_path_buf()),
                    },
                )?;
                score::score_accounts(db.conn(), at)
            };
            let (before, after) = (scoring(&a)?, scoring(&b)?);
            let diff = crate::report::model_diff::diff(&before, &after, &bands);
            print!(
                "{}",
                crate::report::model_diff::text(
                    &diff,
                    &a.display().to_string(),
                    &b.display().to_string()
                )
            );
            Ok(())
        }
        Some(Command::Model {
            command: ModelCommand::Check { file },
        }) => {
            let model = Model::from_file(&file)?;
            println!(
                "{}: ok — {} measures, total weight {}, {} bands, hash {}",
                file.display(),
                model.measures.len(),
                model.total_weight(),
                model.bands.len(),
                model.hash()
            );
            Ok(())
        }
    }
}

/// `--as`, then `$RETAIN_USER` (both through clap), then `$USER`.
pub fn current_user(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Where `--skip-bad-rows` writes the rows it sets aside: beside the database.
pub fn rejects_path(db: &Db) -> PathBuf {
    match db.path() {
        Some(path) => path.with_extension("rejects.csv"),
        None => PathBuf::from("retain.rejects.csv"),
    }
}

/// Prints the loader's progress on stderr: one line per table, redrawn in place on a terminal.
fn print_progress(event: LoadEvent) {
    let interactive = std::io::stderr().is_terminal();
    let mut err = std::io::stderr();
    let _ = match event {
        LoadEvent::Staging { table, file } if interactive => {
            write!(err, "  {table:<10} reading {file} …")
        }
        LoadEvent::Staging { table, file } => writeln!(err, "{table}: reading {file}"),
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
            t.file.clone().unwrap_or_else(|| "—".to_owned()),
            group_digits(t.rows as f64),
            group_digits(t.orphans as f64),
            group_digits(t.rejected as f64),
            t.ignored_columns.join(", "),
        ]);
    }
    table.render()
}

pub fn run_load(db: &Db, dir: &Path, options: &LoadOptions) -> Result<()> {
    let summary = load::load(db, dir, options, &rejects_path(db), &mut print_progress)?;
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

fn run_import(db: &Db, args: &crate::cli::ImportArgs) -> Result<()> {
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
            encoding: Default::default(),
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
    println!(
        "Accounts: {} rows matched, {} unmatched",
        group_digits(report.prepared.matched as f64),
        group_digits(unmatched.len() as f64)
    );
    if !unmatched.is_empty() {
        // Millions of unmatched events may share a handful of values: count them by value.
        let mut by_value: std::collections::HashMap<(&str, &str), usize> =
            std::collections::HashMap::new();
        for u in unmatched {
            *by_value.entry((&u.value, &u.field)).or_default() += 1;
        }
        let mut counts: Vec<(&str, &str, usize)> =
            by_value.into_iter().map(|((v, f), n)| (v, f, n)).collect();
        counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        for (value, field, n) in counts.iter().take(SHOWN_UNMATCHED) {
            let value = if value.is_empty() {
                "(empty)".to_owned()
            } else {
                format!("{value:?}")
            };
            let rows = if *n == 1 { "row" } else { "rows" };
            println!("  no account for {value} in {field}: {n} {rows}");
        }
        if counts.len() > SHOWN_UNMATCHED {
            println!("  … and {} more values", counts.len() - SHOWN_UNMATCHED);
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
    if report.prepared.zone_given {
        println!(
            "Times without a zone were read as {}.",
            report.prepared.zone
        );
    } else if matches!(
        args.source,
        import::Vendor::Zendesk | import::Vendor::Surveymonkey
    ) {
        println!(
            "Times without a zone were read as UTC; give the export's zone with --time-zone or time_zone in the mapping file."
        );
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
    print_freshness_and_rejects(summary);
    Ok(())
}

/// Opens the scoring context a command asked for: the model installed, the as-of resolved.
pub fn prepare_scoring(db: &Db, scoring: &Scoring) -> Result<(Model, AsOf)> {
    let model = Model::load(scoring.model.as_deref())?;
    score::install(db.conn(), &model)?;
    Ok((model, AsOf::resolve(db, scoring.as_of)?))
}

fn run_score(db: &Db, scoring: &Scoring, weeks: u32) -> Result<()> {
    let started = Instant::now();
    let (model, as_of) = prepare_scoring(db, scoring)?;
    let stored = db.in_transaction(|conn| score::store_snapshot(conn, &model, as_of))?;
    let computed = score::ensure_history(db, &model, as_of, weeks.max(1))?;
    println!(
        "Scored {stored} accounts as of {} with model {} in {:.1} s",
        as_of.date,
        model.hash(),
        started.elapsed().as_secs_f64()
    );
    // The summary reads the snapshot just stored rather than scoring again.
    let date = as_of.date.format("%Y-%m-%d").to_string();
    let mut stmt = db.conn().prepare(crate::db::queries::SNAPSHOT_SUMMARY)?;
    let bands: Vec<(String, i64, i64)> = stmt
        .query_map([date, model.hash()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<duckdb::Result<_>>()?;
    let names = model
        .bands
        .iter()
        .map(|b| b.name.as_str())
        .chain(["no score"]);
    for name in names {
        let n = bands.iter().find(|b| b.0 == name).map_or(0, |b| b.1);
        println!("  {name:<8} {n}");
    }
    println!("At risk: {}", bands.iter().map(|b| b.2).sum::<i64>());
    println!(
        "Weekly history: {} weeks stored ({} computed now)",
        weeks.max(1),
        computed.len()
    );
    Ok(())
}

/// The filters shared by `accounts`, `export` and the console's queue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountFilter {
    pub owner: Option<String>,
    pub segment: Option<String>,
    pub band: Option<String>,
    pub at_risk: bool,
}

impl AccountFilter {
    /// The command line's filters; an owner of "mine" means the current user.
    pub fn from_args(args: &FilterArgs, user: &str) -> AccountFilter {
        AccountFilter {
            owner: args.owner.as_ref().map(|o| {
                if o == "mine" {
                    user.to_owned()
                } else {
                    o.clone()
                }
            }),
            segment: args.segment.clone(),
            band: args.band.clone(),
            at_risk: args.at_risk,
        }
    }

    pub fn matches(&self, a: &AccountScore) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| have.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(w)))
        };
        eq(&self.owner, &a.owner)
            && eq(&self.segment, &a.segment)
            && eq(&self.band, &a.band)
            && (!self.at_risk || a.at_risk())
    }
}

fn run_accounts(db: &Db, args: &AccountsArgs, user: &str) -> Result<()> {
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let filter = AccountFilter::from_args(&args.filters, user);
    let accounts: Vec<AccountScore> = score::score_accounts(db.conn(), as_of)?
        .into_iter()
        .filter(|a| filter.matches(a))
        .collect();
    let mut out = std::io::stdout().lock();
    let io = |e| Error::io("stdout", e);
    match args.format {
        TableFormat::Table => {
            let mut table = TextTable::new(&[
                ("account_id", Align::Left),
                ("name", Align::Left),
                ("owner", Align::Left),
                ("health", Align::Right),
                ("band", Align::Left),
                ("trend", Align::Right),
                ("coverage", Align::Right),
                ("reasons", Align::Left),
                ("priority", Align::Right),
            ]);
            for a in &accounts {
                table.row(vec![
                    a.account_id.clone(),
                    a.name.clone(),
                    a.owner.clone().unwrap_or_default(),
                    health_text(a, &model),
                    a.band.clone().unwrap_or_else(|| "—".into()),
                    a.trend
                        .map(|t| format!("{} {t:+}", a.trend_arrow(model.trend.threshold)))
                        .unwrap_or_default(),
                    format!("{:.0}%", a.coverage * 100.0),
                    a.reason_codes().replace(';', " "),
                    group_digits(a.priority),
                ]);
            }
            write!(out, "{}", table.render()).map_err(io)?;
            writeln!(out, "{} accounts as of {}", accounts.len(), as_of.date).map_err(io)?;
        }
        TableFormat::Csv => {
            let header = [
                "account_id",
                "name",
                "owner",
                "segment",
                "arr",
                "health",
                "band",
                "trend",
                "coverage",
                "reasons",
                "priority",
                "urgency",
                "days_to_renewal",
            ];
            crate::report::csv::write_row(&mut out, header).map_err(io)?;
            for a in &accounts {
                let cells = [
                    a.account_id.clone(),
                    a.name.clone(),
                    a.owner.clone().unwrap_or_default(),
                    a.segment.clone().unwrap_or_default(),
                    format!("{:.2}", a.arr),
                    a.health.map(|h| h.to_string()).unwrap_or_default(),
                    a.band.clone().unwrap_or_default(),
                    a.trend.map(|t| t.to_string()).unwrap_or_default(),
                    format!("{:.4}", a.coverage),
                    a.reason_codes(),
                    format!("{:.2}", a.priority),
                    format!("{}", a.urgency),
                    a.days_to_renewal.map(|d| d.to_string()).unwrap_or_default(),
                ];
                crate::report::csv::write_safe_row(&mut out, cells.iter().map(String::as_str))
                    .map_err(io)?;
            }
        }
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &accounts)
                .map_err(|e| Error::io("stdout", e.into()))?;
            writeln!(out).map_err(io)?;
        }
    }
    Ok(())
}

/// Health as shown to people: "—" when there is none, "?" marks low confidence.
pub fn health_text(a: &AccountScore, model: &Model) -> String {
    match a.health {
        None => "—".to_owned(),
        Some(h) if a.coverage < model.confidence.low_coverage_below => format!("{h}?"),
        Some(h) => h.to_string(),
    }
}

fn run_export(db: &Db, args: &ExportArgs, user: &str) -> Result<()> {
    use crate::report::export::{self, ActionItem};
    let (_, as_of) = prepare_scoring(db, &args.scoring)?;
    let filter = AccountFilter::from_args(&args.filters, user);
    let console = crate::db::console::console_state(db.conn())?;
    let today = chrono::Utc::now().date_naive();
    let items: Vec<ActionItem> = score::score_accounts(db.conn(), as_of)?
        .iter()
        .filter(|a| filter.matches(a))
        .filter(|a| {
            args.all
                || !console
                    .get(&a.account_id)
                    .is_some_and(|s| s.hides(a, today))
        })
        .enumerate()
        .map(|(i, a)| ActionItem::new(i + 1, a, console.get(&a.account_id)))
        .collect();
    write_output(args.output.as_deref(), |mut out| {
        export::write(&mut out, &items, args.format, args.bom)
    })
}

/// Runs `write` into the file named by `-o`, or standard output.
fn write_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match path {
        Some(path) => {
            let io = |e| Error::io(path, e);
            let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
            write(&mut file).map_err(io)?;
            file.flush().map_err(io)?;
            eprintln!("written to {}", path.display());
            Ok(())
        }
        None => write(&mut std::io::stdout().lock()).map_err(|e| Error::io("stdout", e)),
    }
}

/// The default backtest date: the freshness date minus the horizon, so the outcome window is
/// fully observed.
pub fn default_backtest_date(db: &Db, horizon: i64) -> Result<chrono::NaiveDate> {
    let freshness = db
        .freshness()?
        .ok_or_else(|| Error::Usage("no dated data is loaded to backtest against".into()))?;
    Ok(freshness - chrono::Duration::days(horizon))
}

/// Scores as of `date` with `model` (installing it) and checks them against churn within the
/// horizon.
pub fn backtest_at(
    db: &Db,
    model: &Model,
    date: chrono::NaiveDate,
    horizon: i64,
) -> Result<crate::report::backtest::Backtest> {
    let day = date.format("%Y-%m-%d").to_string();
    let mut stmt = db.conn().prepare(crate::db::queries::BACKTEST_OUTCOMES)?;
    let churned: std::collections::HashSet<String> = stmt
        .query_map(duckdb::params![day, horizon], |r| r.get(0))?
        .collect::<duckdb::Result<_>>()?;
    score::install(db.conn(), model)?;
    let accounts = score::score_accounts(db.conn(), AsOf::historical(date))?;
    let bands: Vec<String> = model.bands.iter().map(|b| b.name.clone()).collect();
    Ok(crate::report::backtest::evaluate(
        &accounts,
        &churned,
        &bands,
        &day,
        horizon,
        &model.hash(),
    ))
}

fn run_backtest(db: &Db, args: &BacktestArgs) -> Result<()> {
    use crate::report::backtest::{self, Backtest};
    let horizon = i64::from(args.horizon);
    let default_t = default_backtest_date(db, horizon)?;
    let dates: Vec<chrono::NaiveDate> = match (args.every, args.from) {
        (Some(step), Some(from)) => from
            .iter_days()
            .step_by(step as usize)
            .take_while(|d| *d <= default_t)
            .collect(),
        (Some(_), None) => return Err(Error::Usage("--every needs --from DATE".into())),
        _ => vec![args.as_of.unwrap_or(default_t)],
    };
    if dates.is_empty() {
        return Err(Error::Usage(format!(
            "--from is after the last date with a fully observed outcome ({default_t})"
        )));
    }
    let models: Vec<Model> = std::iter::once(args.model.as_deref())
        .chain(args.vs.as_deref().map(Some))
        .map(Model::load)
        .collect::<Result<_>>()?;
    let mut runs: Vec<Vec<Backtest>> = Vec::new();
    for date in &dates {
        runs.push(
            models
                .iter()
                .map(|model| backtest_at(db, model, *date, horizon))
                .collect::<Result<_>>()?,
        );
    }
    let mut out = std::io::stdout().lock();
    let io = |e| Error::io("stdout", e);
    match args.format {
        crate::cli::ReportFormat::Json => {
            let flat: Vec<&Backtest> = runs.iter().flatten().collect();
            serde_json::to_writer_pretty(&mut out, &flat)
                .map_err(|e| Error::io("stdout", e.into()))?;
            writeln!(out).map_err(io)?;
        }
        format => {
            let markdown = format == crate::cli::ReportFormat::Md;
            for at_date in &runs {
                writeln!(out, "{}", backtest::text(at_date, markdown)).map_err(io)?;
            }
            if runs.len() > 1 {
                for (m, model) in models.iter().enumerate() {
                    let mut aucs: Vec<f64> = runs.iter().filter_map(|r| r[m].auc).collect();
                    aucs.sort_by(f64::total_cmp);
                    if let (Some(lo), Some(hi)) = (aucs.first(), aucs.last()) {
                        writeln!(
                            out,
                            "Model {}: AUC over {} dates: min {lo:.3}, median {:.3}, max {hi:.3}",
                            model.hash(),
                            aucs.len(),
                            aucs[aucs.len() / 2]
                        )
                        .map_err(io)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn run_explain(db: &Db, args: &ExplainArgs) -> Result<()> {
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let accounts = score::score_accounts(db.conn(), as_of)?;
    let account = accounts
        .iter()
        .find(|a| a.account_id == args.account_id)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no account {:?} in the portfolio as of {}",
                args.account_id, as_of.date
            ))
        })?;
    print!("{}", explain_text(account, &model, as_of));
    Ok(())
}

/// The line-by-line explanation of one account's score.
pub fn explain_text(a: &AccountScore, model: &Model, as_of: AsOf) -> String {
    let mut out = format!(
        "{} — {} (as of {}, model {})\n",
        a.account_id,
        a.name,
        as_of.date,
        model.hash()
    );
    let band = a.band.clone().unwrap_or_else(|| "no band".into());
    out.push_str(&format!(
        "Health {} ({band}), coverage {:.0}%{}, trend {}\n",
        health_text(a, model),
        a.coverage * 100.0,
        if a.coverage < model.confidence.low_coverage_below {
            " (low confidence)"
        } else {
            ""
        },
        a.trend.map_or("—".to_owned(), |t| format!(
            "{} {t:+} vs a week earlier",
            a.trend_arrow(model.trend.threshold)
        )),
    ));
    if let Some(o) = &a.band_override {
        out.push_str(&format!(
            "CSM override: {} by {}{} — computed band stays {band}\n",
            o.band,
            o.author,
            o.until
                .as_ref()
                .map(|u| format!(" until {u}"))
                .unwrap_or_default()
        ));
    }
    let mut table = TextTable::new(&[
        ("measure", Align::Left),
        ("raw value", Align::Right),
        ("score", Align::Right),
        ("weight", Align::Right),
        ("contribution", Align::Right),
        ("points lost", Align::Right),
    ]);
    let fix_first = a.fix_first().map(|m| m.measure.clone());
    for m in &a.measures {
        let marker = if fix_first.as_deref() == Some(m.measure.as_str()) {
            "  ← fix first"
        } else {
            ""
        };
        table.row(vec![
            format!("{}{marker}", m.measure),
            m.value.map_or("—".into(), format_value),
            m.score.map_or("—".into(), |s| format!("{s:.0}")),
            format!("{}", m.weight),
            a.contribution(m).map_or("—".into(), |c| format!("{c:.1}")),
            a.points_lost(m).map_or("—".into(), |p| format!("{p:.1}")),
        ]);
    }
    out.push_str(&table.render());
    let thin = model.confidence.thin_sample_below;
    for (label, figure) in [("NPS", a.nps), ("CSAT", a.csat), ("CES", a.ces)] {
        if figure.n > 0 {
            let value = figure.value.map_or("—".into(), format_value);
            let note = if figure.n < thin {
                " (thin sample)"
            } else {
                ""
            };
            out.push_str(&format!("{label} {value} (n={}){note}\n", figure.n));
        }
    }
    if a.reasons.is_empty() {
        out.push_str("Not at risk.\n");
    } else {
        out.push_str("At risk because:\n");
        for r in &a.reasons {
            out.push_str(&format!("  {:<13} {}\n", r.code, r.fact));
        }
    }
    out.push_str(&format!(
        "Priority {} = ARR {} × (100 − {}) / 100 × urgency {}\n",
        group_digits(a.priority),
        group_digits(a.arr),
        a.health
            .map_or(format!("{} (no score)", model.queue.missing_health), |h| h
                .to_string()),
        a.urgency
    ));
    out
}

/// Metric values: whole numbers plainly, fractions with two decimals.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// 1234567.8 → "1,234,568".
pub fn group_digits(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < -0.5 { format!("-{out}") } else { out }
}
