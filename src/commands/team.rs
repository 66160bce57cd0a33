//! The team: `team join`, `team status`, `sync`, and `owner`, the reassignment every laptop
//! of the team sees.

use std::path::{Path, PathBuf};

use super::accounts::{record, resolve_account};
use crate::cli::{OwnerArgs, TeamCommand};
use crate::db::Db;
use crate::db::actions::{ActionKind, NewAction};
use crate::db::journal::{self, SyncReport};
use crate::error::{Error, Result};
use crate::text::printable;

pub fn team(db: &Db, command: TeamCommand, team: Option<&Path>, user: &str) -> Result<()> {
    match command {
        TeamCommand::Join { dir } => join(db, &dir, user),
        TeamCommand::Status => status(db, &needs_team(team)?),
    }
}

/// The team folder, or what to do when there is none.
fn needs_team(team: Option<&Path>) -> Result<PathBuf> {
    team.map(Path::to_path_buf).ok_or_else(|| {
        Error::Usage(
            "no team folder: join one with `retain team join DIR` (or give --team DIR, RETAIN_TEAM_DIR)"
                .to_owned(),
        )
    })
}

fn join(db: &Db, dir: &Path, user: &str) -> Result<()> {
    let dir = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    let joined = journal::join(db, &dir, user)?;
    let config = crate::config::save_team_dir(&dir)?;
    println!(
        "joined the team at {} as machine {}: {} earlier action{} published to {}",
        dir.display(),
        joined.machine,
        joined.published,
        if joined.published == 1 { "" } else { "s" },
        joined.file.display()
    );
    print_sync(&joined.sync);
    println!("the team folder is remembered in {}", config.display());
    Ok(())
}

fn status(db: &Db, team: &Path) -> Result<()> {
    let machine = db.meta(journal::MACHINE_KEY)?.ok_or_else(|| {
        Error::Usage("this database has not joined the team: `retain team join DIR`".to_owned())
    })?;
    let writers = journal::status(db, team)?;
    println!(
        "team folder {} · this database is machine {machine} · {} writer{}",
        team.display(),
        writers.len(),
        if writers.len() == 1 { "" } else { "s" }
    );
    let mut table = crate::report::table::TextTable::new(&[
        ("journal file", crate::report::table::Align::Left),
        ("lines read", crate::report::table::Align::Right),
        ("bytes", crate::report::table::Align::Right),
        ("not read yet", crate::report::table::Align::Right),
        ("last read (UTC)", crate::report::table::Align::Left),
    ]);
    for w in &writers {
        table.row(vec![
            printable(&w.file).into_owned(),
            w.lines_read.to_string(),
            w.bytes.to_string(),
            match w.lag() {
                0 => "—".to_owned(),
                n => format!("{n} bytes"),
            },
            w.read_at.clone().unwrap_or_else(|| "never".into()),
        ]);
    }
    print!("{}", table.render());
    Ok(())
}

pub fn sync(db: &Db, team: Option<&Path>) -> Result<()> {
    let team = needs_team(team)?;
    if db.journal().is_none() {
        return Err(Error::Usage(
            "this database has not joined the team: `retain team join DIR`".to_owned(),
        ));
    }
    print_sync(&journal::sync(db, &team)?);
    Ok(())
}

fn print_sync(report: &SyncReport) {
    println!(
        "read {} new line{} from {} journal file{}: {} action{} new here",
        report.lines,
        if report.lines == 1 { "" } else { "s" },
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.applied,
        if report.applied == 1 { "" } else { "s" }
    );
    for problem in &report.problems {
        eprintln!("retain: skipped a bad journal line: {}", printable(problem));
    }
    for file in &report.shrunk {
        eprintln!(
            "retain: {} is shorter than when it was last read (replaced by a sync tool?): read again from the start",
            printable(file)
        );
    }
}

pub fn owner(db: &Db, args: OwnerArgs, user: &str) -> Result<()> {
    let account = resolve_account(db, &args.account)?;
    let mut action = NewAction::new(&account, ActionKind::Owner, user);
    let owner = args
        .owner
        .filter(|_| !args.unassign)
        .map(|o| o.trim().to_owned());
    if owner.as_deref() == Some("") {
        return Err(Error::Usage(
            "the new owner is empty: name the CSM, or give --unassign".to_owned(),
        ));
    }
    action.detail = Some(owner.clone().unwrap_or_default());
    let done = match owner {
        Some(owner) => format!("{account} is now {owner}'s"),
        None => format!("{account} has no owner now"),
    };
    record(db, &action, done)
}

/// The meta key holding the day of the last digest, for `--since last`.
const LAST_DIGEST: &str = "last_digest";

pub fn digest(db: &Db, args: &crate::cli::DigestArgs, user: &str) -> Result<()> {
    use crate::model::score::{self, AsOf};
    use crate::report::digest;
    let today = chrono::Utc::now().date_naive();
    let since = match args.since.as_str() {
        "last" => db
            .meta(LAST_DIGEST)?
            .and_then(|d| d.parse().ok())
            .unwrap_or(today - chrono::Duration::days(7)),
        other => crate::text::parse_date(other, today).ok_or_else(|| {
            Error::Usage(format!(
                "--since {other:?} is not a date (YYYY-MM-DD, -7d) or `last`"
            ))
        })?,
    };
    let model = crate::model::Model::default_model();
    score::install(db.conn(), &model)?;
    let now_at = AsOf::resolve(db, None)?;
    // The scores as they stood at `since` (or at the data's last day, when that is earlier).
    let then_at = AsOf::historical(since.min(now_at.date));
    let now = score::score_accounts(db.conn(), now_at)?;
    let then = score::score_accounts(db.conn(), then_at)?;
    // The plays brought up to date first, as `retain tasks` does, so overdue tasks are current.
    let playbook = crate::plays::Playbook::load(None)?;
    crate::plays::runs::sync(db, &playbook, &now, now_at.date, today)?;
    let tasks = crate::db::plays::tasks(db.conn())?;
    let owner = match args.owner.as_str() {
        "all" => None,
        other => Some(crate::model::filter::resolve_owner(other, user)),
    };
    let built = digest::build(&now, &then, &tasks, since, today, owner.as_deref());
    let text = match args.format {
        crate::cli::DigestFormat::Md => digest::markdown(&built),
        crate::cli::DigestFormat::Text => digest::text(&built),
    };
    super::write_output(args.output.as_deref(), |out| out.write_all(text.as_bytes()))?;
    db.set_meta(LAST_DIGEST, Some(&today.to_string()))
}
