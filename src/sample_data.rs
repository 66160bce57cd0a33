//! The sample data set, embedded so that an installed binary can show the console anywhere.

use crate::db::load::{self, LoadOptions};
use crate::db::{Db, queries};
use crate::error::{Error, Result};

const FILES: &[(&str, &[u8])] = &[
    (
        "accounts.csv.gz",
        include_bytes!("../sample-data/accounts.csv.gz"),
    ),
    (
        "usage.csv.gz",
        include_bytes!("../sample-data/usage.csv.gz"),
    ),
    (
        "tickets.csv.gz",
        include_bytes!("../sample-data/tickets.csv.gz"),
    ),
    (
        "surveys.csv.gz",
        include_bytes!("../sample-data/surveys.csv.gz"),
    ),
    (
        "activities.csv.gz",
        include_bytes!("../sample-data/activities.csv.gz"),
    ),
    (
        "outcomes.csv.gz",
        include_bytes!("../sample-data/outcomes.csv.gz"),
    ),
    (
        "contacts.csv.gz",
        include_bytes!("../sample-data/contacts.csv.gz"),
    ),
];

const SAMPLE_KEY: &str = "showing_sample_data";

/// Loads the sample set into an empty database. Returns whether the database holds the sample.
pub fn load_if_empty(db: &Db) -> Result<bool> {
    let accounts: i64 = db
        .conn()
        .query_row(queries::ACCOUNT_COUNT, [], |r| r.get(0))?;
    if accounts == 0 {
        let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        for (name, bytes) in FILES {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        }
        let rejects = dir.path().join("rejects.csv");
        load::load(
            db,
            dir.path(),
            &LoadOptions::default(),
            &rejects,
            &mut |_| {},
        )?;
        db.set_meta(SAMPLE_KEY, Some("true"))?;
        return Ok(true);
    }
    Ok(db.meta(SAMPLE_KEY)?.as_deref() == Some("true"))
}

/// A load of the user's own data replaces the sample.
pub fn forget(db: &Db) -> Result<()> {
    db.set_meta(SAMPLE_KEY, None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_set_has_a_file_for_every_contract_table() {
        for table in crate::contract::TABLES {
            let file = format!("{}.csv.gz", table.name);
            assert!(
                super::FILES.iter().any(|(name, _)| *name == file),
                "the first start would not load {file}"
            );
        }
    }
}
