//! The model from the command line: `score`, `backtest`, `model check` and `model diff`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;

use super::prepare_scoring;
use crate::cli::{BacktestArgs, ReportFormat, Scoring};
use crate::db::{Db, queries, rows};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::score::{self, AsOf};
use crate::report::backtest::{self, Backtest, backtest_at, default_backtest_date};
use crate::report::model_diff;

pub fn score(db: &Db, scoring: &Scoring, weeks: u32) -> Result<()> {
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
    let bands: Vec<(String, i64, i64)> = rows(
        db.conn(),
        queries::SNAPSHOT_SUMMARY,
        [date, model.hash()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let names = model
        .band_names()
        .into_iter()
        .chain(["no score".to_owned()]);
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

pub fn backtest(db: &Db, args: &BacktestArgs) -> Result<()> {
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
    // The estimate for today's portfolio, from the last backtest date's rates of the first model.
    score::install(db.conn(), &models[0])?;
    let now = score::score_accounts(db.conn(), AsOf::resolve(db, None)?)?;
    let last = runs.last().map(|r| &r[0]);
    let estimate = last
        .map(|b| backtest::churn_estimate(b, &now))
        .unwrap_or_default();
    let mut out = std::io::stdout().lock();
    let io = |e| Error::io("stdout", e);
    match args.format {
        ReportFormat::Json => {
            let flat: Vec<&Backtest> = runs.iter().flatten().collect();
            let report = serde_json::json!({ "backtests": flat, "churn_estimate": estimate });
            serde_json::to_writer_pretty(&mut out, &report)
                .map_err(|e| Error::io("stdout", e.into()))?;
            writeln!(out).map_err(io)?;
        }
        format => {
            let markdown = format == ReportFormat::Md;
            for at_date in &runs {
                writeln!(out, "{}", backtest::text(at_date, markdown)).map_err(io)?;
            }
            writeln!(
                out,
                "{}",
                backtest::estimate_text(&estimate, horizon, markdown)
            )
            .map_err(io)?;
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

pub fn check(file: &Path) -> Result<()> {
    let model = Model::from_file(file)?;
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

/// What changing the model from `a` to `b` does to the portfolio.
pub fn diff(db: &Db, a: &Path, b: &Path, as_of: Option<NaiveDate>) -> Result<()> {
    let (before, after) = (Model::load(Some(a))?, Model::load(Some(b))?);
    let as_of = AsOf::resolve(db, as_of)?;
    let diff = model_diff::compare(db, &before, &after, as_of)?;
    print!(
        "{}",
        model_diff::text(&diff, &a.display().to_string(), &b.display().to_string())
    );
    Ok(())
}

pub fn fit(db: &Db, args: &crate::cli::FitArgs) -> Result<()> {
    use crate::report::fit;
    let model = Model::load(args.model.as_deref())?;
    let source = match args.model.as_deref().filter(|p| *p != Path::new("default")) {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?,
        None => crate::model::DEFAULT_TOML.to_owned(),
    };
    let freshness = db
        .freshness()?
        .ok_or_else(|| Error::Usage("no dated data is loaded to fit against".into()))?;
    let windows = fit::Windows::resolve(
        freshness,
        i64::from(args.horizon),
        i64::from(args.every),
        args.train_from,
        args.train_until,
        args.holdout_from,
    )?;
    let started = Instant::now();
    let (report, segments) = fit::fit(db, &model, windows, args.by.is_some())?;
    print!("{}", fit::text(&report));
    print!("{}", fit::segments_text(&segments));
    let today = chrono::Utc::now().date_naive();
    db.set_meta(fit::LAST_FIT, Some(&fit::summary(&report, today)))?;
    eprintln!("fitted in {:.1} s", started.elapsed().as_secs_f64());
    if let Some(path) = &args.output {
        let text = fit::model_file(&source, &report, &segments);
        // What is written must read back as a model: checked before it is kept.
        Model::parse(&path.display().to_string(), &text)?;
        crate::file::write_whole(path, |out| out.write_all(text.as_bytes()))
            .map_err(|e| Error::io(path, e))?;
        eprintln!(
            "written to {} (check it with `retain model check`)",
            path.display()
        );
    }
    Ok(())
}
