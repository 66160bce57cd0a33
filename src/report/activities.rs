//! The touches logged in retain, back to the CRM, so that nobody logs a call twice: as a plain
//! CSV, or as a Salesforce Task import file for Data Loader (Status Completed; WhatId the
//! account's id as loaded; OwnerId left for the user to map to Salesforce users).

use std::io::{self, Write};

use crate::csv::write_safe_row;
use crate::db::{Db, queries, rows};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq)]
pub struct Touch {
    pub account_id: String,
    /// The day it happened, YYYY-MM-DD.
    pub day: String,
    pub kind: String,
    pub text: String,
    pub contact: String,
    pub author: String,
    /// The action's journal id: the same touch has the same id on every laptop.
    pub id: String,
}

pub fn touches(db: &Db, since: Option<chrono::NaiveDate>) -> Result<Vec<Touch>> {
    let since = since.map(|d| d.format("%Y-%m-%d").to_string());
    rows(db.conn(), queries::ACTIVITIES_EXPORT, [since], |r| {
        Ok(Touch {
            account_id: r.get(0)?,
            day: r.get(1)?,
            kind: r
                .get::<_, Option<String>>(2)?
                .unwrap_or_else(|| "note".into()),
            text: r.get(3)?,
            contact: r.get(4)?,
            author: r.get(5)?,
            id: r.get(6)?,
        })
    })
}

pub fn write_csv(out: &mut impl Write, touches: &[Touch]) -> io::Result<()> {
    write_safe_row(
        out,
        [
            "account_id",
            "day",
            "kind",
            "summary",
            "with",
            "author",
            "id",
        ],
    )?;
    for t in touches {
        write_safe_row(
            out,
            [
                t.account_id.as_str(),
                &t.day,
                &t.kind,
                &t.text,
                &t.contact,
                &t.author,
                &t.id,
            ],
        )?;
    }
    Ok(())
}

/// Salesforce's Task `Type` picklist values for a touch's kind.
fn task_type(kind: &str) -> &'static str {
    match kind {
        "call" => "Call",
        "email" => "Email",
        "meeting" | "qbr" => "Meeting",
        _ => "Other",
    }
}

/// A Task's subject: short (Salesforce allows 255 characters), kind first.
fn subject(t: &Touch) -> String {
    let kind = match t.kind.as_str() {
        "qbr" => "QBR".to_owned(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    };
    let first_line: String = t
        .text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    let with = if t.contact.is_empty() {
        String::new()
    } else {
        format!(" with {}", t.contact)
    };
    if first_line.is_empty() {
        format!("{kind}{with}")
    } else {
        format!("{kind}{with}: {first_line}")
    }
}

pub fn write_salesforce(out: &mut impl Write, touches: &[Touch]) -> io::Result<()> {
    write_safe_row(
        out,
        [
            "Subject",
            "ActivityDate",
            "Status",
            "Type",
            "Description",
            "WhatId",
            "OwnerId",
        ],
    )?;
    for t in touches {
        let description = format!(
            "{}\n\nLogged in retain by {} (id {}).",
            t.text, t.author, t.id
        );
        write_safe_row(
            out,
            [
                subject(t).as_str(),
                &t.day,
                "Completed",
                task_type(&t.kind),
                &description,
                &t.account_id,
                "",
            ],
        )?;
    }
    Ok(())
}
