//! The mapping file of `retain import --map`: how a vendor's rows find their account, which
//! header holds which field, and how vendor values translate. Every error names its line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::Vendor;
use crate::error::LoadError;
use crate::error::{Error, Result};
use crate::text::line_column;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    time_zone: Option<Spanned<String>>,
    #[serde(default)]
    aliases: BTreeMap<String, Spanned<String>>,
    zendesk: Option<RawSource>,
    salesforce: Option<RawSource>,
    qualtrics: Option<RawSource>,
    surveymonkey: Option<RawSource>,
    delighted: Option<RawSource>,
    segment: Option<RawSource>,
    amplitude: Option<RawSource>,
    mixpanel: Option<RawSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    account: Option<Spanned<Vec<String>>>,
    time_zone: Option<Spanned<String>>,
    date_format: Option<Spanned<String>>,
    decimal_mark: Option<Spanned<String>>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, Spanned<BTreeMap<String, toml::Value>>>,
}

/// What one vendor's adapter knows about its own export, for checking a mapping file.
pub struct Schema {
    /// The fields a mapping may point at another header (or JSON path).
    pub fields: &'static [&'static str],
    /// The value translations a mapping may extend.
    pub value_maps: &'static [&'static str],
    /// Where the account is looked for when the mapping does not say.
    pub account: &'static [&'static str],
}

/// Where the zone of times written without one came from, for the import's summary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneFrom {
    /// Nothing said otherwise: UTC.
    Default,
    /// `time_zone` in the mapping file.
    Mapping,
    /// `--time-zone`.
    Flag,
    /// The export itself, as described (`survey.csv, its ImportId row`).
    Export(String),
}

impl std::fmt::Display for ZoneFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZoneFrom::Default => f.write_str("the default; give the export's zone with --time-zone or time_zone in the mapping file"),
            ZoneFrom::Mapping => f.write_str("the mapping file"),
            ZoneFrom::Flag => f.write_str("--time-zone"),
            ZoneFrom::Export(what) => f.write_str(what),
        }
    }
}

/// The mapping of one import, resolved: the vendor's section merged over its defaults.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Source fields tried in order to find a row's account.
    pub account: Vec<String>,
    /// The zone of times that carry none.
    pub zone: Tz,
    /// Where `zone` came from.
    pub zone_from: ZoneFrom,
    /// A chrono format for dates and times in a non-ISO layout.
    pub date_format: Option<String>,
    /// The character between whole units and cents in amounts: `.` or `,` (European exports).
    pub decimal_mark: char,
    /// Field → the header (or JSON path) that holds it, where the file differs from the defaults.
    pub columns: BTreeMap<String, String>,
    /// Value map name → (vendor value, case-folded → contract value; "" drops the row).
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Any source value (case- and width-folded) → account_id.
    pub aliases: Vec<(String, String)>,
}

impl Mapping {
    pub fn defaults(schema: &Schema) -> Mapping {
        Mapping {
            account: schema.account.iter().map(|s| (*s).to_owned()).collect(),
            zone: Tz::UTC,
            zone_from: ZoneFrom::Default,
            date_format: None,
            decimal_mark: '.',
            columns: BTreeMap::new(),
            values: BTreeMap::new(),
            aliases: Vec::new(),
        }
    }

    /// Reads `path` and resolves the section of `vendor` (absent sections mean defaults).
    pub fn from_file(path: &Path, vendor: Vendor, schema: &Schema) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file = path.display().to_string();
        Mapping::parse(&file, &text, vendor, schema)
    }

    pub fn parse(file: &str, text: &str, vendor: Vendor, schema: &Schema) -> Result<Mapping> {
        let at = |span: Range<usize>, message: String| -> Error {
            let (line, column) = line_column(text, span.start);
            LoadError::At {
                file: file.to_owned(),
                position: format!("{line}:{column}"),
                message,
            }
            .into()
        };
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            at(
                e.span().unwrap_or(0..0),
                format!(
                    "{} (rule: a retain import mapping file)",
                    e.message().trim()
                ),
            )
        })?;
        let mut mapping = Mapping::defaults(schema);
        let zone_of = |value: &Spanned<String>| -> Result<Tz> {
            super::time::parse_zone(value.get_ref()).map_err(|message| at(value.span(), message))
        };
        if let Some(zone) = &raw.time_zone {
            mapping.zone = zone_of(zone)?;
            mapping.zone_from = ZoneFrom::Mapping;
        }
        for (value, account) in &raw.aliases {
            if account.get_ref().trim().is_empty() {
                return Err(at(
                    account.span(),
                    "an alias needs an account_id".to_owned(),
                ));
            }
            mapping
                .aliases
                .push((value.clone(), account.get_ref().trim().to_owned()));
        }
        let section = match vendor {
            Vendor::Zendesk => raw.zendesk,
            Vendor::Salesforce => raw.salesforce,
            Vendor::Qualtrics => raw.qualtrics,
            Vendor::Surveymonkey => raw.surveymonkey,
            Vendor::Delighted => raw.delighted,
            Vendor::Segment => raw.segment,
            Vendor::Amplitude => raw.amplitude,
            Vendor::Mixpanel => raw.mixpanel,
        };
        let Some(section) = section else {
            return Ok(mapping);
        };
        if let Some(account) = section.account {
            if schema.account.is_empty() {
                return Err(at(
                    account.span(),
                    format!("{vendor} rows define accounts; `account` does not apply"),
                ));
            }
            if account.get_ref().is_empty() {
                return Err(at(
                    account.span(),
                    "`account` needs at least one field".to_owned(),
                ));
            }
            mapping.account = account.into_inner();
        }
        if let Some(zone) = &section.time_zone {
            mapping.zone = zone_of(zone)?;
            mapping.zone_from = ZoneFrom::Mapping;
        }
        if let Some(format) = section.date_format {
            let broken = chrono::format::StrftimeItems::new(format.get_ref())
                .any(|item| matches!(item, chrono::format::Item::Error));
            if broken {
                return Err(at(
                    format.span(),
                    format!(
                        "{:?} is not a date format (rule: chrono strftime, e.g. \"%m/%d/%Y %H:%M\")",
                        format.get_ref()
                    ),
                ));
            }
            mapping.date_format = Some(format.into_inner());
        }
        if let Some(mark) = section.decimal_mark {
            mapping.decimal_mark = match mark.get_ref().as_str() {
                "." => '.',
                "," => ',',
                other => {
                    return Err(at(
                        mark.span(),
                        format!("{other:?} is not a decimal mark (rule: \".\" or \",\")"),
                    ));
                }
            };
        }
        for (field, header) in section.columns {
            if !schema.fields.contains(&field.get_ref().as_str()) {
                return Err(at(
                    field.span(),
                    format!(
                        "{vendor} has no field {:?} (rule: columns maps one of {})",
                        field.get_ref(),
                        schema.fields.join(", ")
                    ),
                ));
            }
            mapping.columns.insert(field.into_inner(), header);
        }
        for (name, table) in section.values {
            if !schema.value_maps.contains(&name.get_ref().as_str()) {
                let known = if schema.value_maps.is_empty() {
                    "none".to_owned()
                } else {
                    schema.value_maps.join(", ")
                };
                return Err(at(
                    name.span(),
                    format!(
                        "{vendor} has no value map {:?} (rule: values maps one of: {known})",
                        name.get_ref()
                    ),
                ));
            }
            let span = table.span();
            let mut translated = BTreeMap::new();
            for (from, to) in table.into_inner() {
                let to = match to {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(i) => i.to_string(),
                    other => {
                        return Err(at(
                            span,
                            format!(
                                "values.{}.{from:?} is a {}, not text or a number",
                                name.get_ref(),
                                other.type_str()
                            ),
                        ));
                    }
                };
                translated.insert(fold_value(&from), to);
            }
            mapping.values.insert(name.into_inner(), translated);
        }
        Ok(mapping)
    }

    /// The translation of `value` by the map `name`, if the mapping file gives one.
    pub fn translate(&self, name: &str, value: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|m| m.get(&fold_value(value)))
            .map(String::as_str)
    }

    /// The header (or path) that holds `field`: the mapping's, else None (use the defaults).
    pub fn column(&self, field: &str) -> Option<&str> {
        self.columns.get(field).map(String::as_str)
    }
}

/// Vendor values compare trimmed and case-insensitively (`Urgent`, `URGENT`, `urgent`).
pub fn fold_value(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: Schema = Schema {
        fields: &["subject", "priority"],
        value_maps: &["priority"],
        account: &["Organization"],
    };

    fn parse(text: &str) -> Result<Mapping> {
        Mapping::parse("map.toml", text, Vendor::Zendesk, &SCHEMA)
    }

    #[test]
    fn a_section_overrides_the_defaults() {
        let m = parse(
            "time_zone = \"UTC\"\n[aliases]\n\"acme.co.jp\" = \"A-1\"\n[zendesk]\naccount = [\"Requester domain\"]\ntime_zone = \"Asia/Tokyo\"\n[zendesk.columns]\nsubject = \"Title\"\n[zendesk.values.priority]\nP1 = \"urgent\"\n",
        )
        .unwrap();
        assert_eq!(m.account, ["Requester domain"]);
        assert_eq!(m.zone, Tz::Asia__Tokyo);
        assert_eq!(m.column("subject"), Some("Title"));
        assert_eq!(m.translate("priority", " p1 "), Some("urgent"));
        assert_eq!(m.aliases, [("acme.co.jp".to_owned(), "A-1".to_owned())]);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let cases = [
            (
                "[zendesk]\ncolums = {}\n",
                "map.toml:2:1: unknown field `colums`",
            ),
            (
                "[zendesk]\n\n[zendesk.columns]\nsubjekt = \"Title\"\n",
                "map.toml:4:1: zendesk has no field \"subjekt\"",
            ),
            (
                "[zendesk]\ntime_zone = \"Mars/Olympus\"\n",
                "map.toml:2:13: unknown time zone \"Mars/Olympus\"",
            ),
            (
                "[zendesk.values]\nstatus = { open = \"x\" }\n",
                "map.toml:2:1: zendesk has no value map \"status\"",
            ),
            (
                "[zendesk]\ndate_format = \"%Q\"\n",
                "map.toml:2:15: \"%Q\" is not a date format",
            ),
            (
                "[zendesk]\naccount = []\n",
                "map.toml:2:11: `account` needs at least one field",
            ),
        ];
        for (text, expected) in cases {
            let message = parse(text).unwrap_err().to_string();
            assert!(
                message.starts_with(expected),
                "{message}\n  expected: {expected}"
            );
        }
    }

    #[test]
    fn an_absent_section_means_defaults() {
        let m = parse("[salesforce]\ndate_format = \"%m/%d/%Y\"\n").unwrap();
        assert_eq!(m.account, ["Organization"]);
        assert_eq!(m.zone_from, ZoneFrom::Default);
    }
}
