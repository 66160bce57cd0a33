//! Zendesk Support's ticket CSV export → tickets, and CSAT responses from `Satisfaction Score`.

use super::input::{self, Document};
use super::mapping::Schema;
use super::{Header, Import, Vendor, cell, empty_file, no_column, origin, time};
use crate::error::Result;

pub const SCHEMA: Schema = Schema {
    fields: &[
        "id",
        "created_at",
        "updated_at",
        "solved_at",
        "status",
        "priority",
        "subject",
        "satisfaction",
        "satisfaction_comment",
        "requester_email",
    ],
    value_maps: &["priority", "satisfaction"],
    account: &["Organization", "Requester domain"],
};

/// Default headers per field: the full export's, then Explore's.
const HEADERS: &[(&str, &[&str])] = &[
    ("id", &["Id", "ID", "Ticket ID"]),
    ("created_at", &["Created at", "Ticket created - Timestamp"]),
    ("updated_at", &["Updated at", "Ticket updated - Timestamp"]),
    ("solved_at", &["Solved at", "Ticket solved - Timestamp"]),
    ("status", &["Status", "Ticket status"]),
    ("priority", &["Priority", "Ticket priority"]),
    ("subject", &["Subject", "Ticket subject"]),
    (
        "satisfaction",
        &[
            "Satisfaction Score",
            "Satisfaction rating",
            "Ticket satisfaction rating",
        ],
    ),
    (
        "satisfaction_comment",
        &["Satisfaction Comment", "Satisfaction comment"],
    ),
    ("requester_email", &["Requester email", "Requester Email"]),
];

fn defaults(field: &str) -> &'static [&'static str] {
    HEADERS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(&[], |(_, h)| h)
}

/// Zendesk's own priority words; an empty priority is Zendesk's "-", which means normal.
fn priority(import: &Import, value: Option<&str>) -> Option<String> {
    let value = value.unwrap_or_default();
    if let Some(mapped) = import.mapping.translate("priority", value) {
        return Some(mapped.to_owned());
    }
    match value.trim() {
        "" | "-" => Some("normal".to_owned()),
        other => Some(other.to_lowercase()),
    }
}

enum Satisfaction {
    Score(String),
    NotAResponse,
}

/// `Good`/`Bad` are responses (CSAT 5 and 1); `Offered`, `Not Offered` and empty are not.
fn satisfaction(import: &Import, value: &str) -> Satisfaction {
    if let Some(mapped) = import.mapping.translate("satisfaction", value) {
        return match mapped.trim() {
            "" => Satisfaction::NotAResponse,
            score => Satisfaction::Score(score.to_owned()),
        };
    }
    match value.trim().to_lowercase().as_str() {
        "good" => Satisfaction::Score("5".to_owned()),
        "bad" => Satisfaction::Score("1".to_owned()),
        "" | "offered" | "not offered" | "unoffered" => Satisfaction::NotAResponse,
        // Unknown words go to the contract's rule, which names the line and column.
        other => Satisfaction::Score(other.to_owned()),
    }
}

pub fn read(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    for doc in documents.into_iter().flatten() {
        read_document(import, &doc)?;
    }
    Ok(())
}

fn read_document(import: &mut Import, doc: &Document) -> Result<()> {
    let records = input::csv_records(doc)?;
    let Some((head, rows)) = records.split_first() else {
        return Err(empty_file(
            &doc.name,
            "a Zendesk ticket export with its header",
        ));
    };
    let header = Header::new(&head.fields);
    let mapping = import.mapping.clone();
    let column = |field: &str| header.field(&doc.name, &mapping, field, defaults(field));
    let id = column("id")?;
    let created = column("created_at")?;
    let updated = column("updated_at")?;
    let solved = column("solved_at")?;
    let status = column("status")?;
    let priority_at = column("priority")?;
    let subject = column("subject")?;
    let rating = column("satisfaction")?;
    let rating_comment = column("satisfaction_comment")?;
    let email = column("requester_email")?;
    for (field, found) in [("id", id), ("created_at", created)] {
        if found.is_none() {
            return Err(no_column(
                &doc.name,
                Vendor::Zendesk,
                field,
                defaults(field),
            ));
        }
    }
    let account_columns = import.account_columns(&doc.name, &header)?;
    let names = &head.fields;
    let file = import.csv_file(doc);
    let tickets = import.table(
        "tickets",
        vec![
            origin(names, id),
            account_origin(names, &account_columns),
            origin(names, created),
            origin(names, solved),
            origin(names, priority_at),
            origin(names, subject),
        ],
    )?;
    // A satisfaction rating is dated by when the ticket was solved (or last updated).
    let responded = solved.or(updated);
    if rating.is_some() && responded.is_none() {
        let tried = [defaults("solved_at"), defaults("updated_at")].concat();
        return Err(no_column(&doc.name, Vendor::Zendesk, "solved_at", &tried));
    }
    let surveys = rating.map(|_| {
        vec![
            account_origin(names, &account_columns),
            origin(names, responded),
            None,
            origin(names, rating),
            origin(names, email),
            origin(names, rating_comment),
        ]
    });
    let surveys = match surveys {
        Some(fields) => Some(import.table("surveys", fields)?),
        None => None,
    };
    let zone = import.zone();
    let format = mapping.date_format.as_deref();
    let when = |v: Option<String>| v.map(|v| time::to_utc(&v, zone, format));
    for record in rows {
        let f = &record.fields;
        let Some(account) = import.record_account(file, record, &account_columns) else {
            continue;
        };
        let state = cell(f, status).map(|s| s.to_lowercase());
        let is_closed = match state.as_deref() {
            Some("solved" | "closed") => true,
            Some(_) => false,
            None => cell(f, solved).is_some(),
        };
        let closed_at = if is_closed {
            when(cell(f, solved).or_else(|| cell(f, updated)))
        } else {
            None
        };
        let values = [
            cell(f, id),
            Some(account.clone()),
            when(cell(f, created)),
            closed_at,
            priority(import, cell(f, priority_at).as_deref()),
            cell(f, subject),
        ];
        import.row(tickets, file, record.line, &values)?;
        if let Some(surveys) = surveys {
            match satisfaction(import, &cell(f, rating).unwrap_or_default()) {
                Satisfaction::NotAResponse => {
                    import.skip("Satisfaction Score not a response (Offered, Not Offered or empty)")
                }
                Satisfaction::Score(score) => {
                    let values = [
                        Some(account),
                        when(cell(f, solved).or_else(|| cell(f, updated))),
                        Some("csat".to_owned()),
                        Some(score),
                        cell(f, email),
                        cell(f, rating_comment),
                    ];
                    import.row(surveys, file, record.line, &values)?;
                }
            }
        }
    }
    Ok(())
}

/// The account column named first in the mapping that the file has.
fn account_origin(
    names: &[String],
    columns: &[(String, Option<usize>)],
) -> Option<(String, usize)> {
    columns.iter().find_map(|(_, i)| origin(names, *i))
}
