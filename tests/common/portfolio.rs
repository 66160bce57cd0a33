//! Portfolios built in memory, for tests of the console's pure state: no DuckDB, no files.

use std::collections::HashMap;

use retain::model::Model;
use retain::model::queue::Dataset;
use retain::model::score::{AccountScore, Reason, SurveyFigure};

/// One scored account; `reasons` are codes, each with a fact naming the account.
pub fn account(
    id: &str,
    name: &str,
    owner: Option<&str>,
    segment: Option<&str>,
    health: Option<i64>,
    reasons: &[&str],
) -> AccountScore {
    let model = Model::default_model();
    AccountScore {
        account_id: id.to_owned(),
        name: name.to_owned(),
        owner: owner.map(str::to_owned),
        segment: segment.map(str::to_owned),
        plan: None,
        arr: 12_000.0,
        seats: Some(10),
        contract_start: "2025-01-01".into(),
        renewal_date: Some("2027-01-01".into()),
        days_to_renewal: Some(395),
        health,
        band: health.and_then(|h| model.band_for(h)).map(str::to_owned),
        coverage: 0.9,
        trend: Some(0),
        measures: Vec::new(),
        reasons: reasons
            .iter()
            .map(|code| Reason {
                code: (*code).to_owned(),
                fact: format!("{code} on {id}"),
            })
            .collect(),
        priority: 12_000.0 * (100 - health.unwrap_or(50)) as f64 / 100.0,
        urgency: 1.0,
        last_touch: None,
        band_override: None,
        nps: SurveyFigure { value: None, n: 0 },
        csat: SurveyFigure { value: None, n: 0 },
        ces: SurveyFigure { value: None, n: 0 },
        stage: "adoption".into(),
        profile: None,
    }
}

/// The accounts as the worker would deliver them, in the given (queue) order.
pub fn dataset(accounts: Vec<AccountScore>) -> Dataset {
    Dataset {
        orders: HashMap::new(),
        accounts,
        console: HashMap::new(),
        as_of: "2026-11-20".parse().unwrap(),
        freshness: "2026-11-20".parse().ok(),
        updating: false,
        key: String::new(),
    }
}
