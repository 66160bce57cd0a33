//! Gathers what the weekly review needs: scores at T, a week and two weeks earlier, the weekly
//! history, the console's state and the load's data-quality facts.

use chrono::{Days, NaiveDate};

use super::{RetentionPeriod, Review, ReviewInput, WeekPoint};
use crate::db::{Db, queries, rows};
use crate::error::Result;
use crate::model::Model;
use crate::model::queue::console_state;
use crate::model::score::{self, AsOf};

const HISTORY_WEEKS: u32 = 12;
/// The churn horizon of the history the review's NPS section reports.
const HORIZON: i64 = 90;

pub fn build_review(
    db: &Db,
    model: &Model,
    as_of: AsOf,
    owner: Option<&str>,
    today: NaiveDate,
) -> Result<Review> {
    let conn = db.conn();
    let weeks_back = |n: u64| {
        AsOf::historical(
            as_of
                .date
                .checked_sub_days(Days::new(7 * n))
                .unwrap_or(as_of.date),
        )
    };
    let now = score::score_accounts(conn, as_of)?;
    let week_ago = score::score_accounts(conn, weeks_back(1))?;
    let two_weeks_ago = score::score_accounts(conn, weeks_back(2))?;
    score::ensure_history(db, model, as_of, HISTORY_WEEKS)?;
    let date = as_of.date.format("%Y-%m-%d").to_string();

    let weekly = rows(
        conn,
        queries::REVIEW_WEEKLY_HEALTH,
        duckdb::params![model.hash(), date, HISTORY_WEEKS],
        |r| {
            Ok(WeekPoint {
                as_of: r.get(0)?,
                mean_health: r.get(1)?,
                at_risk: r.get(2)?,
            })
        },
    )?;
    let table_freshness = rows(conn, queries::REVIEW_TABLE_FRESHNESS, [], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    let orphans = rows(conn, queries::REVIEW_ORPHANS, [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let retention = rows(conn, queries::REVIEW_RETENTION, [&date], |r| {
        Ok(RetentionPeriod {
            first_day: r.get(0)?,
            last_day: r.get(1)?,
            start_arr: r.get(2)?,
            churned_arr: r.get(3)?,
            churned_accounts: r.get(4)?,
        })
    })?;
    let outcomes_achieved = rows(
        conn,
        queries::REVIEW_OUTCOMES_ACHIEVED,
        [as_of.date_param(), as_of.cutoff_param()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let nps_now: std::collections::HashMap<String, String> =
        rows(conn, queries::BACKTEST_NPS, [&date], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .into_iter()
        .collect();
    // What each category churned in history: the default backtest (a horizon back from the
    // data's freshness), or nothing when the data is too short for one.
    let nps_history = crate::report::backtest::default_backtest_date(db, HORIZON)
        .and_then(|t| crate::report::backtest::backtest_at(db, model, t, HORIZON))
        .map(|b| b.nps)
        .unwrap_or_default();
    let console = console_state(conn)?;
    let mut review = super::build(&ReviewInput {
        model,
        as_of: as_of.date,
        today,
        owner,
        now: &now,
        week_ago: &week_ago,
        two_weeks_ago: &two_weeks_ago,
        console: &console,
        table_freshness,
        orphans,
        weekly,
        retention,
        outcomes_achieved,
        nps_now,
        nps_history,
    });
    add_plays(&mut review, &crate::db::plays::tasks(conn)?, today);
    review.plays = crate::db::plays::effectiveness(conn, today)?;
    Ok(review)
}

/// Beside each agenda account, the plays running on it and how many of their tasks are
/// overdue: what the team already set out to do.
fn add_plays(review: &mut super::Review, tasks: &[crate::db::plays::Task], today: NaiveDate) {
    let mut by_account: std::collections::HashMap<&str, (Vec<&str>, usize)> =
        std::collections::HashMap::new();
    for task in tasks.iter().filter(|t| t.run_ended.is_none()) {
        let (plays, overdue) = by_account.entry(&task.account_id).or_default();
        if !plays.contains(&task.play.as_str()) {
            plays.push(&task.play);
        }
        if task.state == "open" && task.due_on < today {
            *overdue += 1;
        }
    }
    for entry in review
        .agenda
        .iter_mut()
        .flat_map(|item| item.entries.iter_mut())
    {
        if let Some((plays, overdue)) = by_account.get(entry.account_id.as_str()) {
            entry.plays = match overdue {
                0 => plays.join(", "),
                n => format!("{} ({n} overdue)", plays.join(", ")),
            };
        }
    }
}
