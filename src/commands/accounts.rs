//! The portfolio from the command line: `accounts`, `explain`, `export`, `review`, and the
//! actions `touch`, `next`, `snooze`, `resolve`, `flag` and `override`, which take the same
//! dates as the console and name an account by id or name.

use super::{prepare_scoring, scored_filter, write_output};
use chrono::NaiveDate;

use crate::cli::{
    AccountsArgs, ExplainArgs, ExportArgs, FlagArgs, NextArgs, OverrideArgs, QbrArgs, ResolveArgs,
    ReviewArgs, SnoozeArgs, TableFormat, TouchArgs,
};
use crate::db::actions::{self, ActionKind, NewAction};
use crate::db::{Db, queries, rows};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::filter::resolve_owner;
use crate::model::queue::console_state;
use crate::model::score::{self, AccountScore, AsOf};
use crate::report::accounts::{explain_text, write_csv, write_table};
use crate::report::export::{self, ActionItem};
use crate::report::qbr::QbrFormat;
use crate::text::fold;

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
    let account_id = resolve_account(db, &args.account_id)?;
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    // One account scored, not the portfolio: the same row the full score gives (tested).
    let today = chrono::Utc::now().date_naive();
    let account = crate::model::queue::score_account(db, &model.hash(), as_of, today, &account_id)?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no account {:?} in the portfolio as of {}",
                args.account_id, as_of.date
            ))
        })?;
    print!("{}", explain_text(&account, &model, as_of));
    Ok(())
}

pub fn export(db: &Db, args: &ExportArgs, user: &str) -> Result<()> {
    if let Some(crate::cli::ExportWhat::Activities(what)) = &args.what {
        return export_activities(db, what);
    }
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

fn export_activities(db: &Db, args: &crate::cli::ActivitiesArgs) -> Result<()> {
    use crate::report::activities;
    let touches = activities::touches(db, args.since)?;
    write_output(args.output.as_deref(), |mut out| {
        if !args.no_bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        match args.format {
            crate::cli::ActivitiesFormat::Csv => activities::write_csv(&mut out, &touches),
            crate::cli::ActivitiesFormat::Salesforce => {
                activities::write_salesforce(&mut out, &touches)
            }
        }
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

pub fn qbr(db: &Db, args: &QbrArgs) -> Result<()> {
    let account_id = resolve_account(db, &args.account)?;
    let (model, as_of) = prepare_scoring(db, &args.scoring)?;
    let today = chrono::Utc::now().date_naive();
    let packet = crate::report::qbr::gather(db, &model, as_of, &account_id, today)?;
    let text = match args.format {
        QbrFormat::Md => crate::report::qbr::markdown(&packet),
        QbrFormat::Html => crate::report::qbr::html(&packet),
    };
    write_output(args.output.as_deref(), |out| out.write_all(text.as_bytes()))
}

/// The account a person named: its id in any case or width, else its name if only one
/// account has it. An unknown name suggests the accounts it resembles.
pub(super) fn resolve_account(db: &Db, named: &str) -> Result<String> {
    let accounts: Vec<(String, String)> = rows(db.conn(), queries::IMPORT_ACCOUNTS, [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let wanted = fold(named);
    if let Some((id, _)) = accounts.iter().find(|(id, _)| fold(id) == wanted) {
        return Ok(id.clone());
    }
    let by_name: Vec<&(String, String)> = accounts
        .iter()
        .filter(|(_, name)| fold(name) == wanted)
        .collect();
    let listed = |found: &[&(String, String)]| {
        let shown: Vec<String> = found
            .iter()
            .take(5)
            .map(|(id, name)| format!("{id} ({name})"))
            .collect();
        shown.join(", ")
    };
    match by_name.as_slice() {
        [(id, _)] => Ok(id.clone()),
        [] => {
            let like: Vec<&(String, String)> = accounts
                .iter()
                .filter(|(id, name)| fold(name).contains(&wanted) || fold(id).contains(&wanted))
                .collect();
            Err(Error::NotFound(if like.is_empty() {
                format!("no account {named:?} (name it by its id or its full name)")
            } else {
                format!("no account {named:?}; did you mean {}?", listed(&like))
            }))
        }
        several => Err(Error::Usage(format!(
            "{named:?} names {} accounts: {}; name one by its id",
            several.len(),
            listed(several)
        ))),
    }
}

/// Records the action and says what was done, as the console's message does.
pub(super) fn record(db: &Db, action: &NewAction, done: String) -> Result<()> {
    let id = actions::record(db.conn(), db.journal(), action)?;
    println!("{done} (action {id})");
    Ok(())
}

/// A flag or an override says why: an empty reason would show as a bare "flagged by …".
fn said(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(Error::Usage(
            "--reason is empty: say why (it is shown beside the account)".to_owned(),
        ));
    }
    Ok(())
}

fn not_past(date: NaiveDate, what: &str) -> Result<()> {
    let today = chrono::Utc::now().date_naive();
    if date < today {
        return Err(Error::Usage(format!("{what} {date} is in the past")));
    }
    Ok(())
}

pub fn touch(db: &Db, args: TouchArgs, user: &str) -> Result<()> {
    if args.on > chrono::Utc::now().date_naive() {
        return Err(Error::Usage(format!(
            "--on {} is in the future: log a touch once it happened",
            args.on
        )));
    }
    let account_id = resolve_account(db, &args.account)?;
    let mut action = NewAction::new(&account_id, ActionKind::Touch, user);
    action.detail = Some(args.kind.clone());
    action.body = Some(args.text);
    action.until = Some(args.on);
    let with = args
        .contact
        .as_ref()
        .map(|c| format!(" with {c}"))
        .unwrap_or_default();
    action.contact = args.contact;
    let done = format!(
        "logged {}{with} on {account_id} ({})",
        crate::format::with_article(&args.kind),
        args.on
    );
    record(db, &action, done)
}

pub fn next_step(db: &Db, args: NextArgs, user: &str) -> Result<()> {
    not_past(args.due, "--due")?;
    let account_id = resolve_account(db, &args.account)?;
    let mut action = NewAction::new(&account_id, ActionKind::NextStep, user);
    action.body = Some(args.text);
    action.until = Some(args.due);
    record(
        db,
        &action,
        format!("next step on {account_id}, due {}", args.due),
    )
}

pub fn snooze(db: &Db, args: SnoozeArgs, user: &str) -> Result<()> {
    not_past(args.until, "--until")?;
    let account_id = resolve_account(db, &args.account)?;
    let mut action = NewAction::new(&account_id, ActionKind::Snooze, user);
    action.body = args.reason;
    action.until = Some(args.until);
    record(
        db,
        &action,
        format!("snoozed {account_id} until {}", args.until),
    )
}

/// Resolves the reasons the account has now; it comes back when another one fires.
pub fn resolve(db: &Db, args: ResolveArgs, user: &str) -> Result<()> {
    let account_id = resolve_account(db, &args.account)?;
    score::install(db.conn(), &Model::default_model())?;
    let as_of = AsOf::resolve(db, None)?;
    let reasons = score::score_accounts(db.conn(), as_of)?
        .into_iter()
        .find(|a| a.account_id == account_id)
        .map(|a| a.reason_codes())
        .unwrap_or_default();
    let mut action = NewAction::new(&account_id, ActionKind::Resolve, user);
    action.body = Some(args.outcome);
    let done = if reasons.is_empty() {
        format!("resolved {account_id} (it has no reason now)")
    } else {
        format!("resolved {account_id}: {}", reasons.replace(';', " "))
    };
    action.reasons = Some(reasons);
    record(db, &action, done)
}

pub fn flag(db: &Db, args: FlagArgs, user: &str) -> Result<()> {
    said(&args.reason)?;
    not_past(args.until, "--until")?;
    let account_id = resolve_account(db, &args.account_id)?;
    let mut action = NewAction::new(&account_id, ActionKind::Flag, user);
    action.body = Some(args.reason);
    action.until = Some(args.until);
    record(
        db,
        &action,
        format!("flagged {account_id} at risk until {}", args.until),
    )
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
    said(&args.reason)?;
    not_past(args.until, "--until")?;
    let account_id = resolve_account(db, &args.account_id)?;
    let mut action = NewAction::new(&account_id, ActionKind::Override, user);
    action.detail = Some(args.band.clone());
    action.body = Some(args.reason);
    action.until = Some(args.until);
    let done = format!(
        "{account_id} shown as {} (your judgement) until {}",
        args.band, args.until
    );
    record(db, &action, done)
}
