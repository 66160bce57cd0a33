//! The portfolio from the command line: `accounts`, `explain`, `export`, `review`, and the
//! actions `flag` and `override`.

use super::{prepare_scoring, scored_filter, write_output};
use crate::cli::{
    AccountsArgs, ExplainArgs, ExportArgs, FlagArgs, OverrideArgs, ReviewArgs, TableFormat,
};
use crate::db::Db;
use crate::db::actions::{self, ActionKind, NewAction};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::filter::resolve_owner;
use crate::model::queue::console_state;
use crate::model::score::{self, AccountScore};
use crate::report::accounts::{explain_text, write_csv, write_table};
use crate::report::export::{self, ActionItem};

pub fn list(db: &Db, args: &AccountsArgs, user: &str) -> Result<()> {
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let filter = scored_filter(&args.filters, user, &model)?;
    let accounts: Vec<AccountScore> = score::score_accounts(db.conn(), as_of)?
        .into_iter()
        .filter(|a| filter.matches(a))
        .collect();
    write_output(None, |mut out| match args.format {
        TableFormat::Table => write_table(&mut out, &accounts, &model, as_of),
        TableFormat::Csv => write_csv(&mut out, &accounts),
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &accounts)?;
            writeln!(out)
        }
    })
}

pub fn explain(db: &Db, args: &ExplainArgs) -> Result<()> {
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

pub fn export(db: &Db, args: &ExportArgs, user: &str) -> Result<()> {
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let filter = scored_filter(&args.filters, user, &model)?;
    let console = console_state(db.conn())?;
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
        .map(|(i, a)| ActionItem::new(i + 1, a, console.get(&a.account_id), today))
        .collect();
    write_output(args.output.as_deref(), |mut out| {
        export::write(&mut out, &items, args.format, !args.no_bom)
    })
}

pub fn review(db: &Db, args: &ReviewArgs, user: &str) -> Result<()> {
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let owner = args.owner.as_deref().map(|o| resolve_owner(o, user));
    let today = chrono::Utc::now().date_naive();
    let review = crate::report::review::build_review(db, &model, as_of, owner.as_deref(), today)?;
    write_output(args.output.as_deref(), |mut out| {
        crate::report::review_format::write(&mut out, &review, args.format)
    })
}

pub fn flag(db: &Db, args: FlagArgs, user: &str) -> Result<()> {
    let mut action = NewAction::new(&args.account_id, ActionKind::Flag, user);
    action.body = Some(args.reason);
    action.until = Some(args.until);
    let id = actions::record(db.conn(), &action)?;
    println!(
        "flagged {} at risk until {} (action {id})",
        args.account_id, args.until
    );
    Ok(())
}

pub fn band_override(db: &Db, args: OverrideArgs, user: &str) -> Result<()> {
    let bands = Model::default_model().band_names();
    if !bands.contains(&args.band) {
        return Err(Error::Usage(format!(
            "unknown band {:?}; bands: {}",
            args.band,
            bands.join(", ")
        )));
    }
    let mut action = NewAction::new(&args.account_id, ActionKind::Override, user);
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
