//! What changing the model would do to the portfolio: the band migration matrix, the accounts
//! that enter and leave the at-risk queue, and the change in ARR at risk.

use std::collections::HashMap;

use serde::Serialize;

use crate::db::Db;
use crate::error::Result;
use crate::model::Model;
use crate::model::score::{self, AccountScore, AsOf};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDiff {
    /// Band names, rows = model A, columns = model B, with "no score" last.
    pub bands: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
    pub entering: Vec<(String, String)>,
    pub leaving: Vec<(String, String)>,
    pub arr_at_risk_a: f64,
    pub arr_at_risk_b: f64,
}

pub fn diff(a: &[AccountScore], b: &[AccountScore], bands: &[String]) -> ModelDiff {
    let mut labels: Vec<String> = bands.to_vec();
    labels.push("no score".into());
    let index = |band: &Option<String>| {
        band.as_ref()
            .and_then(|x| labels.iter().position(|l| l == x))
            .unwrap_or(labels.len() - 1)
    };
    let mut matrix = vec![vec![0; labels.len()]; labels.len()];
    let mut entering = Vec::new();
    let mut leaving = Vec::new();
    let after_by_id: HashMap<&str, &AccountScore> =
        b.iter().map(|x| (x.account_id.as_str(), x)).collect();
    for before in a {
        let Some(after) = after_by_id.get(before.account_id.as_str()) else {
            continue;
        };
        matrix[index(&before.band)][index(&after.band)] += 1;
        let codes = |s: &AccountScore| s.reason_codes().replace(';', " ");
        match (before.at_risk(), after.at_risk()) {
            (false, true) => entering.push((after.account_id.clone(), codes(after))),
            (true, false) => leaving.push((before.account_id.clone(), codes(before))),
            _ => {}
        }
    }
    let arr_at_risk = |s: &[AccountScore]| s.iter().filter(|x| x.at_risk()).map(|x| x.arr).sum();
    ModelDiff {
        bands: labels,
        matrix,
        entering,
        leaving,
        arr_at_risk_a: arr_at_risk(a),
        arr_at_risk_b: arr_at_risk(b),
    }
}

/// Scores the portfolio at `as_of` with `before`, then with `after` (which stays installed),
/// and compares the two.
pub fn compare(db: &Db, before: &Model, after: &Model, as_of: AsOf) -> Result<ModelDiff> {
    score::install(db.conn(), before)?;
    let a = score::score_accounts(db.conn(), as_of)?;
    score::install(db.conn(), after)?;
    let b = score::score_accounts(db.conn(), as_of)?;
    Ok(diff(&a, &b, &before.band_names()))
}

pub fn text(d: &ModelDiff, name_a: &str, name_b: &str) -> String {
    let mut out = format!("Band migration (rows: {name_a}, columns: {name_b})\n");
    out.push_str(&format!("{:<10}", ""));
    for label in &d.bands {
        out.push_str(&format!("{label:>10}"));
    }
    out.push('\n');
    for (label, row) in d.bands.iter().zip(&d.matrix) {
        out.push_str(&format!("{label:<10}"));
        for n in row {
            out.push_str(&format!("{n:>10}"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\nEnter the at-risk queue ({}):\n",
        d.entering.len()
    ));
    for (id, codes) in &d.entering {
        out.push_str(&format!("  {id}  {codes}\n"));
    }
    out.push_str(&format!("Leave the at-risk queue ({}):\n", d.leaving.len()));
    for (id, codes) in &d.leaving {
        out.push_str(&format!("  {id}  was {codes}\n"));
    }
    let change = d.arr_at_risk_b - d.arr_at_risk_a;
    out.push_str(&format!(
        "\nARR at risk: {} → {} ({}{})\n",
        crate::format::group_digits(d.arr_at_risk_a),
        crate::format::group_digits(d.arr_at_risk_b),
        if change < 0.0 { "−" } else { "+" },
        crate::format::group_digits(change.abs())
    ));
    out
}
