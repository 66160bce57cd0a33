//! The subcommands: each opens what it needs, calls the library and prints the result. One file
//! per family; this one dispatches and holds what they share.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, FilterArgs, ModelCommand, PlaysCommand, Scoring};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::filter::{AccountFilter, resolve_owner};
use crate::model::score::{self, AsOf};
use crate::text::fold;

/// Writes to standard output. A pipe closed early (`retain score | head -1`) ends the process
/// quietly, as command-line tools do; any other failure to write is reported.
pub(crate) fn emit(args: std::fmt::Arguments) {
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
    ($($arg:tt)*) => { $crate::commands::emit(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! print {
    ($($arg:tt)*) => { $crate::commands::emit(format_args!($($arg)*)) };
}

mod accounts;
mod data;
mod model;
mod plays;
mod team;

pub fn run(cli: Cli) -> Result<()> {
    let db_path = cli.db.clone().unwrap_or_else(db::default_path);
    let user = current_user(cli.user.as_deref());
    // The team folder: --team, $RETAIN_TEAM_DIR, else the configuration file's.
    let team = crate::config::team_dir(cli.team.as_deref())?;
    let existing = || db::open_existing(&db_path)?.with_team(team.as_deref());
    match cli.command {
        None => crate::tui::run(
            &db_path,
            &user,
            Model::load(cli.model.as_deref())?,
            cli.model.as_deref(),
            team.as_deref(),
        ),
        Some(Command::Load(args)) => data::load(&Db::open(&db_path)?, &args),
        Some(Command::Team { command }) => team::team(
            &Db::open(&db_path)?.with_team(team.as_deref())?,
            command,
            team.as_deref(),
            &user,
        ),
        Some(Command::Sync) => team::sync(&existing()?, team.as_deref()),
        Some(Command::Owner(args)) => team::owner(&existing()?, args, &user),
        Some(Command::Digest(args)) => team::digest(&existing()?, &args, &user),
        Some(Command::Import(args)) => data::import(&Db::open(&db_path)?, &args),
        Some(Command::Sample(args)) => data::sample(&args),
        Some(Command::Score(args)) => model::score(&existing()?, &args.scoring, args.history),
        Some(Command::Accounts(args)) => accounts::list(&existing()?, &args, &user),
        Some(Command::Explain(args)) => accounts::explain(&existing()?, &args),
        Some(Command::Export(args)) => accounts::export(&existing()?, &args, &user),
        Some(Command::Review(args)) => accounts::review(&existing()?, &args, &user),
        Some(Command::Qbr(args)) => accounts::qbr(&existing()?, &args),
        Some(Command::Touch(args)) => accounts::touch(&existing()?, args, &user),
        Some(Command::Next(args)) => accounts::next_step(&existing()?, args, &user),
        Some(Command::Snooze(args)) => accounts::snooze(&existing()?, args, &user),
        Some(Command::Resolve(args)) => accounts::resolve(&existing()?, args, &user),
        Some(Command::Flag(args)) => accounts::flag(&existing()?, args, &user),
        Some(Command::Override(args)) => accounts::band_override(&existing()?, args, &user),
        Some(Command::Backtest(args)) => model::backtest(&existing()?, &args),
        Some(Command::Model { command }) => match command {
            ModelCommand::Show => {
                print!("{}", crate::model::DEFAULT_TOML);
                Ok(())
            }
            ModelCommand::Check { file } => model::check(&file),
            ModelCommand::Fit(args) => model::fit(&existing()?, &args),
            ModelCommand::Diff { a, b, as_of } => model::diff(&existing()?, &a, &b, as_of),
        },
        Some(Command::Plays { command }) => match command {
            PlaysCommand::Show { plays: file } => plays::show(file.as_deref()),
            PlaysCommand::Check { file } => plays::check(&file),
        },
        Some(Command::Tasks(args)) => plays::tasks(&existing()?, &args, &user),
        Some(Command::Task { command }) => plays::task(&existing()?, command, &user),
        Some(Command::BenchJournal {
            writers,
            lines,
            keys,
        }) => {
            let result = crate::bench::run_journal(&db_path, writers, lines, keys)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&result).map_err(|e| Error::io("stdout", e.into()))?
            );
            Ok(())
        }
        Some(Command::BenchConsole { keys }) => {
            let result = crate::bench::run(&db_path, keys)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&result).map_err(|e| Error::io("stdout", e.into()))?
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

/// The command line's filter for the accounts the model scores: a band the model does not
/// have is a mistake to report, not an empty list.
fn scored_filter(args: &FilterArgs, user: &str, model: &Model) -> Result<AccountFilter> {
    let filter = AccountFilter {
        owner: args.owner.as_deref().map(|o| resolve_owner(o, user)),
        segment: args.segment.clone(),
        band: args.band.clone(),
        at_risk: args.at_risk,
        ..AccountFilter::default()
    };
    let bands = model.band_names();
    if let Some(band) = &filter.band
        && !bands.iter().any(|b| fold(b) == fold(band))
    {
        return Err(Error::Usage(format!(
            "unknown band {band:?}; the model's bands: {}",
            bands.join(", ")
        )));
    }
    Ok(filter)
}

/// Opens the scoring context a command asked for: the model installed, the as-of resolved.
pub fn prepare_scoring(db: &Db, scoring: &Scoring) -> Result<(Model, AsOf)> {
    let model = Model::load(scoring.model.as_deref())?;
    score::install(db.conn(), &model)?;
    Ok((model, AsOf::resolve(db, scoring.as_of)?))
}

/// Runs `write` into the file named by `-o`, or standard output.
fn write_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match path {
        Some(path) => {
            crate::file::write_whole(path, write).map_err(|e| Error::io(path, e))?;
            eprintln!("written to {}", path.display());
            Ok(())
        }
        None => write(&mut std::io::stdout().lock()).map_err(|e| Error::io("stdout", e)),
    }
}
