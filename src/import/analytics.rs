//! Product analytics → usage: Segment (track/page/screen, accounts through `group` calls),
//! Amplitude (Export API zip of gzipped JSON lines) and Mixpanel (raw export JSON lines).
//! One event is one usage row; events repeated under the same insert id count once.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::input::{self, Document, Event, text_at};
use super::mapping::Schema;
use super::{Import, time};
use crate::error::Result;

pub const SEGMENT: Schema = Schema {
    fields: &["user", "occurred_at", "feature", "insert_id"],
    value_maps: &[],
    account: &["context.groupId", "properties.groupId"],
};

pub const AMPLITUDE: Schema = Schema {
    fields: &["user", "occurred_at", "feature", "insert_id"],
    value_maps: &[],
    account: &[
        "groups",
        "user_properties.company",
        "user_properties.account_id",
    ],
};

pub const MIXPANEL: Schema = Schema {
    fields: &["user", "occurred_at", "feature", "insert_id"],
    value_maps: &[],
    account: &[
        "properties.account_id",
        "properties.company_id",
        "properties.company",
    ],
};

/// Where one vendor keeps the parts of a usage row.
struct Layout {
    vendor: &'static str,
    user: &'static [&'static str],
    occurred_at: &'static str,
    feature: &'static [&'static str],
    insert_id: &'static [&'static str],
    /// Events that record identity or sessions, not use of the product.
    not_usage: &'static [&'static str],
}

const SEGMENT_LAYOUT: Layout = Layout {
    vendor: "Segment",
    user: &["userId", "anonymousId"],
    occurred_at: "timestamp",
    feature: &["event", "name", "type"],
    insert_id: &["messageId"],
    not_usage: &[],
};

const AMPLITUDE_LAYOUT: Layout = Layout {
    vendor: "Amplitude",
    user: &["user_id", "device_id"],
    occurred_at: "event_time",
    feature: &["event_type"],
    insert_id: &["$insert_id", "uuid"],
    not_usage: &[
        "session_start",
        "session_end",
        "$identify",
        "$groupidentify",
    ],
};

const MIXPANEL_LAYOUT: Layout = Layout {
    vendor: "Mixpanel",
    user: &["properties.distinct_id"],
    occurred_at: "properties.time",
    feature: &["event"],
    insert_id: &["properties.$insert_id"],
    not_usage: &["$identify", "$create_alias", "$merge"],
};

/// The paths of a field: the mapping's one, or the layout's defaults in order.
fn paths(import: &Import, field: &str, defaults: &[&str]) -> Vec<String> {
    match import.mapping.column(field) {
        Some(path) => vec![path.to_owned()],
        None => defaults.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn first_text(value: &Value, paths: &[String]) -> Option<String> {
    paths.iter().find_map(|p| text_at(value, p))
}

/// The account of a user from Segment's `group` calls: the group id and the group's name.
type GroupLinks = HashMap<String, (Option<String>, Option<String>)>;

fn read_usage(
    import: &mut Import,
    documents: Vec<Vec<Document>>,
    layout: &Layout,
    keep: &dyn Fn(&Value) -> bool,
    links: &GroupLinks,
) -> Result<()> {
    let user = paths(import, "user", layout.user);
    let occurred_at = paths(import, "occurred_at", &[layout.occurred_at]);
    let feature = paths(import, "feature", layout.feature);
    let insert_id = paths(import, "insert_id", layout.insert_id);
    let accounts = import.mapping.account.clone();
    let zone = import.zone();
    let format = import.mapping.date_format.clone();
    let mut seen = HashSet::new();
    let table = import.table(
        "usage",
        vec![
            Some((accounts.join(" | "), 0)),
            Some((user.join(" | "), 0)),
            Some((occurred_at.join(" | "), 0)),
            Some((feature.join(" | "), 0)),
            None,
        ],
    )?;
    for doc in documents.into_iter().flatten() {
        let file = import.file(&doc.name);
        input::for_each_event(&doc, &mut |Event { line, value }| {
            if !keep(&value) {
                return Ok(());
            }
            let name = first_text(&value, &feature);
            if name
                .as_deref()
                .is_some_and(|n| layout.not_usage.contains(&n))
            {
                import.skip(format!("{} identity or session event", layout.vendor));
                return Ok(());
            }
            if let Some(id) = first_text(&value, &insert_id)
                && !seen.insert(id)
            {
                import.skip(format!(
                    "{} event repeated under the same insert id",
                    layout.vendor
                ));
                return Ok(());
            }
            let who = first_text(&value, &user);
            let mut candidates: Vec<(&str, Option<String>)> = accounts
                .iter()
                .map(|p| (p.as_str(), text_at(&value, p)))
                .collect();
            if let Some((group, name)) = who.as_ref().and_then(|u| links.get(u)) {
                candidates.push(("group call groupId", group.clone()));
                candidates.push(("group call traits.name", name.clone()));
            }
            let Some(account) = import.account(file, line, &candidates) else {
                return Ok(());
            };
            let when = first_text(&value, &occurred_at).map(|t| {
                time::from_unix(&t).unwrap_or_else(|| time::to_utc(&t, zone, format.as_deref()))
            });
            let values = [Some(account), who, when, name, Some("1".to_owned())];
            import.row(table, file, line, &values)
        })?;
    }
    Ok(())
}

pub fn segment(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    // First the `group` calls, which tie users to accounts wherever they are in the files.
    let mut links = GroupLinks::new();
    for doc in documents.iter().flatten() {
        input::for_each_event(doc, &mut |event| {
            let v = &event.value;
            if v.get("type").and_then(Value::as_str) != Some("group") {
                return Ok(());
            }
            let group = text_at(v, "groupId");
            let name = text_at(v, "traits.name");
            for user in ["userId", "anonymousId"]
                .iter()
                .filter_map(|p| text_at(v, p))
            {
                links.insert(user, (group.clone(), name.clone()));
            }
            Ok(())
        })?;
    }
    let keep = |v: &Value| {
        matches!(
            v.get("type").and_then(Value::as_str),
            Some("track" | "page" | "screen") | None
        )
    };
    read_usage(import, documents, &SEGMENT_LAYOUT, &keep, &links)
}

pub fn amplitude(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    // The Export API writes UTC; a mapping zone does not apply.
    import.mapping.zone = chrono_tz::Tz::UTC;
    import.mapping.zone_from =
        super::ZoneFrom::Export("the Amplitude Export API, which writes UTC".to_owned());
    read_usage(
        import,
        documents,
        &AMPLITUDE_LAYOUT,
        &|_| true,
        &GroupLinks::new(),
    )
}

pub fn mixpanel(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    read_usage(
        import,
        documents,
        &MIXPANEL_LAYOUT,
        &|_| true,
        &GroupLinks::new(),
    )
}
