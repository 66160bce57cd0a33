//! Survey tools → surveys: Qualtrics (three header rows, `_NPS_GROUP`), SurveyMonkey (two
//! header rows) and Delighted (API JSON).

use std::collections::HashSet;

use chrono_tz::Tz;

use super::input::{self, Document, Record};
use super::mapping::Schema;
use super::mapping::ZoneFrom;
use super::{Header, Import, Vendor, cell, empty_file, no_column, origin, time};
use crate::contract::SURVEY_KINDS;
use crate::error::LoadError;
use crate::error::Result;
use crate::text::fold;

pub const QUALTRICS: Schema = Schema {
    fields: &[
        "responded_at",
        "respondent",
        "status",
        "nps",
        "csat",
        "ces",
        "comment",
    ],
    value_maps: &SURVEY_KINDS,
    account: &["ExternalReference", "RecipientEmail"],
};

pub const SURVEYMONKEY: Schema = Schema {
    fields: &[
        "responded_at",
        "respondent",
        "nps",
        "csat",
        "ces",
        "comment",
    ],
    value_maps: &SURVEY_KINDS,
    account: &["Custom Data 1", "Email Address"],
};

pub const DELIGHTED: Schema = Schema {
    fields: &[
        "id",
        "score",
        "survey_type",
        "created_at",
        "comment",
        "respondent",
    ],
    value_maps: &["survey_type"],
    account: &[
        "person_properties.Company",
        "person_properties.company",
        "person_properties.Account ID",
        "person_properties.account_id",
        "person.email",
    ],
};

/// SurveyMonkey's default date layout (`11/03/2026 02:03:04 PM`).
pub const SURVEYMONKEY_DATES: &str = "%m/%d/%Y %I:%M:%S %p";

/// Where a survey's answers are: per kind, the column of its score; and the comment.
struct Questions {
    scores: [Option<usize>; 3],
    comment: Option<usize>,
}

/// A score as exported: a code (`9`) or choice text (`10 - Extremely likely`), after the
/// mapping's translation. Text with no leading number stays as it is, for the rule to report.
fn score(import: &Import, kind: &str, value: &str) -> String {
    let value = import
        .mapping
        .translate(kind, value)
        .unwrap_or(value)
        .trim();
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        value.to_owned()
    } else {
        digits
    }
}

/// Who answered a survey, and when.
struct Response {
    account: String,
    responded_at: Option<String>,
    respondent: Option<String>,
}

/// Writes one survey row per answered kind of one response.
fn write_answers(
    import: &mut Import,
    table: usize,
    file: usize,
    record: &Record,
    response: Response,
    questions: &Questions,
) -> Result<()> {
    let Response {
        account,
        responded_at,
        respondent,
    } = response;
    let f = &record.fields;
    let mut answered = false;
    let mut comment = cell(f, questions.comment);
    for (kind, column) in SURVEY_KINDS.iter().zip(questions.scores) {
        let Some(raw) = cell(f, column) else { continue };
        answered = true;
        let values = [
            Some(account.clone()),
            responded_at.clone(),
            Some((*kind).to_owned()),
            Some(score(import, kind, &raw)),
            respondent.clone(),
            // The comment goes with the first answered score only.
            comment.take(),
        ];
        import.row(table, file, record.line, &values)?;
    }
    if !answered {
        import.skip("response without a score (the question was not answered)");
    }
    Ok(())
}

fn survey_fields(
    names: &[String],
    account: Option<(String, usize)>,
    responded: Option<usize>,
    respondent: Option<usize>,
    questions: &Questions,
) -> Vec<Option<(String, usize)>> {
    vec![
        account,
        origin(names, responded),
        None,
        questions.scores.iter().find_map(|c| origin(names, *c)),
        origin(names, respondent),
        origin(names, questions.comment),
    ]
}

fn no_question(file: &str, vendor: &str, how: &str) -> crate::error::Error {
    LoadError::At {
        file: file.to_owned(),
        position: "1".to_owned(),
        message: format!(
            "no NPS, CSAT or CES question found ({how}; rule: name the question with [{vendor}.columns] nps = \"…\", csat or ces)"
        ),
    }
    .into()
}

pub fn qualtrics(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    for doc in documents.into_iter().flatten() {
        let records = input::csv_records(&doc)?;
        if records.len() < 2 {
            return Err(empty_file(
                &doc.name,
                "a Qualtrics export: column ids, question texts, then responses",
            ));
        }
        let ids = &records[0].fields;
        // Third header row: {"ImportId": …} per column (newer exports); older ones have two.
        let import_ids = records.get(2).filter(|r| {
            r.fields
                .first()
                .is_some_and(|c| c.trim_start().starts_with('{'))
        });
        let data = &records[if import_ids.is_some() { 3 } else { 2 }..];
        let header = Header::new(ids);
        let mapping = import.mapping.clone();
        let column =
            |field: &str, defaults: &[&str]| header.field(&doc.name, &mapping, field, defaults);
        const RESPONDED: &[&str] = &["RecordedDate", "EndDate"];
        let responded = column("responded_at", RESPONDED)?;
        if responded.is_none() {
            return Err(no_column(
                &doc.name,
                Vendor::Qualtrics,
                "responded_at",
                RESPONDED,
            ));
        }
        let respondent = column("respondent", &["RecipientEmail"])?;
        let status = column("status", &["Status"])?;
        let nps_default = ids
            .iter()
            .find_map(|id| id.trim().strip_suffix("_NPS_GROUP"))
            .map(str::to_owned);
        let nps = column(
            "nps",
            &nps_default.as_deref().into_iter().collect::<Vec<_>>(),
        )?;
        // The ImportId row, read once: each cell's JSON, where it is JSON.
        let import_row: Vec<Option<serde_json::Value>> = import_ids.map_or_else(Vec::new, |r| {
            r.fields
                .iter()
                .map(|json| serde_json::from_str(json).ok())
                .collect()
        });
        let import_cell = |i: usize| import_row.get(i).and_then(Option::as_ref);
        // A text question's column id ends in _TEXT, or (when renamed) its ImportId does.
        let comment_default = ids.iter().enumerate().find_map(|(i, id)| {
            let import_id = import_cell(i).and_then(|v| v.get("ImportId")?.as_str());
            (id.trim().ends_with("_TEXT") || import_id.is_some_and(|i| i.ends_with("_TEXT")))
                .then_some(id)
        });
        let questions = Questions {
            scores: [nps, column("csat", &[])?, column("ces", &[])?],
            comment: column(
                "comment",
                &comment_default
                    .map(String::as_str)
                    .into_iter()
                    .collect::<Vec<_>>(),
            )?,
        };
        if questions.scores.iter().all(Option::is_none) {
            return Err(no_question(
                &doc.name,
                "qualtrics",
                "no Q#_NPS_GROUP column",
            ));
        }
        // The zone Qualtrics wrote the response time in, unless the CSM said otherwise.
        let written = responded.and_then(import_cell).and_then(qualtrics_zone);
        let zone = match (mapping.zone_from.clone(), written) {
            (ZoneFrom::Default, Some(zone)) => import.zone_from(
                zone,
                ZoneFrom::Export(format!("{}, its ImportId row", doc.name)),
            ),
            _ => import.zone(),
        };
        let accounts = import.account_columns(&doc.name, &header)?;
        let file = import.csv_file(&doc);
        let account_origin = accounts.iter().find_map(|(_, i)| origin(ids, *i));
        let table = import.table(
            "surveys",
            survey_fields(ids, account_origin, responded, respondent, &questions),
        )?;
        for record in data {
            let f = &record.fields;
            let state = cell(f, status).unwrap_or_default().to_lowercase();
            if matches!(
                state.as_str(),
                "1" | "2" | "survey preview" | "survey test" | "spam"
            ) {
                import.skip("Qualtrics preview, test or spam response");
                continue;
            }
            let Some(account) = import.record_account(file, record, &accounts) else {
                continue;
            };
            let when =
                cell(f, responded).map(|v| time::to_utc(&v, zone, mapping.date_format.as_deref()));
            let response = Response {
                account,
                responded_at: when,
                respondent: cell(f, respondent),
            };
            write_answers(import, table, file, record, response, &questions)?;
        }
    }
    Ok(())
}

/// The zone in a Qualtrics ImportId cell: `{"ImportId":"startDate","timeZone":"America/Denver"}`
/// (current exports) or `"timezone"` (older ones); `Z` is UTC.
fn qualtrics_zone(value: &serde_json::Value) -> Option<Tz> {
    let zone = value
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("timezone"))?
        .1
        .as_str()?;
    match zone {
        "Z" | "UTC" => Some(Tz::UTC),
        zone => zone.parse().ok(),
    }
}

/// Words that mark SurveyMonkey's NPS question ("How likely is it that you would recommend…").
const NPS_WORDS: &[&str] = &["recommend", "薦め", "勧め", "すすめ", "推奨", "推薦"];

pub fn surveymonkey(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    for doc in documents.into_iter().flatten() {
        let records = input::csv_records(&doc)?;
        if records.len() < 2 {
            return Err(empty_file(
                &doc.name,
                "a SurveyMonkey export: questions, answer options, then responses",
            ));
        }
        // A question spanning several columns names only its first; the rest carry it on.
        let mut questions_row = Vec::new();
        let mut current = String::new();
        for name in &records[0].fields {
            if !name.trim().is_empty() {
                current = name.trim().to_owned();
            }
            questions_row.push(current.clone());
        }
        let options_row = &records[1].fields;
        let header = Header::new(&records[0].fields);
        let mapping = import.mapping.clone();
        // A matrix question's rows are named `Question::Row` (the row as the second header
        // line has it).
        let column = |field: &str, defaults: &[&str]| match mapping
            .column(field)
            .and_then(|named| named.split_once("::"))
        {
            Some((question, row)) => (0..options_row.len())
                .find(|&i| {
                    fold(&questions_row[i]) == fold(question) && fold(&options_row[i]) == fold(row)
                })
                .map(Some)
                .ok_or_else(|| {
                    no_matrix_row(&doc.name, field, question, row, &questions_row, options_row)
                }),
            None => header.field(&doc.name, &mapping, field, defaults),
        };
        const RESPONDED: &[&str] = &["End Date", "Start Date"];
        let responded = column("responded_at", RESPONDED)?;
        if responded.is_none() {
            return Err(no_column(
                &doc.name,
                Vendor::Surveymonkey,
                "responded_at",
                RESPONDED,
            ));
        }
        let respondent = column("respondent", &["Email Address"])?;
        let nps_default = records[0].fields.iter().find(|q| {
            let q = q.to_lowercase();
            NPS_WORDS.iter().any(|w| q.contains(w))
        });
        let comment_default = options_row
            .iter()
            .position(|o| o.trim().eq_ignore_ascii_case("Open-Ended Response"))
            .map(|i| questions_row[i].clone());
        let questions = Questions {
            scores: [
                column(
                    "nps",
                    &nps_default
                        .map(String::as_str)
                        .into_iter()
                        .collect::<Vec<_>>(),
                )?,
                column("csat", &[])?,
                column("ces", &[])?,
            ],
            comment: column(
                "comment",
                &comment_default.as_deref().into_iter().collect::<Vec<_>>(),
            )?
            .map(|first| {
                // An open-ended answer may sit in a later column of its question.
                (first..options_row.len())
                    .take_while(|&i| questions_row[i] == questions_row[first])
                    .find(|&i| {
                        options_row[i]
                            .trim()
                            .eq_ignore_ascii_case("Open-Ended Response")
                    })
                    .unwrap_or(first)
            }),
        };
        if questions.scores.iter().all(Option::is_none) {
            return Err(no_question(
                &doc.name,
                "surveymonkey",
                "no question mentions recommending",
            ));
        }
        let accounts = import.account_columns(&doc.name, &header)?;
        let file = import.csv_file(&doc);
        let names = &records[0].fields;
        let account_origin = accounts.iter().find_map(|(_, i)| origin(names, *i));
        let table = import.table(
            "surveys",
            survey_fields(names, account_origin, responded, respondent, &questions),
        )?;
        let format = mapping.date_format.as_deref().unwrap_or(SURVEYMONKEY_DATES);
        let zone = import.zone();
        for record in &records[2..] {
            let f = &record.fields;
            let Some(account) = import.record_account(file, record, &accounts) else {
                continue;
            };
            let when = cell(f, responded).map(|v| time::to_utc(&v, zone, Some(format)));
            let response = Response {
                account,
                responded_at: when,
                respondent: cell(f, respondent),
            };
            write_answers(import, table, file, record, response, &questions)?;
        }
    }
    Ok(())
}

/// A `Question::Row` the mapping names that the export lacks, with the rows its question has.
fn no_matrix_row(
    doc: &str,
    field: &str,
    question: &str,
    row: &str,
    questions: &[String],
    options: &[String],
) -> crate::error::Error {
    let rows: Vec<String> = (0..options.len())
        .filter(|&i| fold(&questions[i]) == fold(question) && !options[i].trim().is_empty())
        .map(|i| format!("{:?}", crate::text::printable(options[i].trim())))
        .collect();
    let has = match rows.as_slice() {
        [] => "the export has no such question".to_owned(),
        rows => format!("that question's rows are {}", rows.join(", ")),
    };
    LoadError::At {
        file: doc.to_owned(),
        position: "2".to_owned(),
        message: format!(
            "no column {question:?}::{row:?}, which the mapping file names for {field}: {has} (rule: a matrix row is named \"Question::Row\")"
        ),
    }
    .into()
}

/// Delighted's survey types that are contract kinds; others (smileys, thumbs, eNPS, PMF) are
/// left out unless the mapping translates them.
fn delighted_kind(import: &Import, survey_type: &str) -> Option<String> {
    if let Some(mapped) = import.mapping.translate("survey_type", survey_type) {
        return Some(mapped.to_owned()).filter(|m| !m.trim().is_empty());
    }
    match survey_type.trim().to_lowercase().as_str() {
        "nps" => Some("nps".to_owned()),
        "csat" => Some("csat".to_owned()),
        "ces" | "ces7" => Some("ces".to_owned()),
        _ => None,
    }
}

pub fn delighted(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    let mapping = import.mapping.clone();
    let path = |field: &str, default: &str| mapping.column(field).unwrap_or(default).to_owned();
    let id = path("id", "id");
    let score_at = path("score", "score");
    let kind_at = path("survey_type", "survey_type");
    let created = path("created_at", "created_at");
    let comment = path("comment", "comment");
    let respondent = path("respondent", "person.email");
    let mut seen = HashSet::new();
    let zone = import.zone();
    for doc in documents.into_iter().flatten() {
        let file = import.file(&doc.name);
        let account_origin = Some((mapping.account.join(" | "), 0));
        let table = import.table(
            "surveys",
            vec![
                account_origin,
                Some((created.clone(), 0)),
                Some((kind_at.clone(), 0)),
                Some((score_at.clone(), 0)),
                Some((respondent.clone(), 0)),
                Some((comment.clone(), 0)),
            ],
        )?;
        input::for_each_event(&doc, &mut |event| {
            let v = &event.value;
            if let Some(id) = input::text_at(v, &id)
                && !seen.insert(id)
            {
                import.skip("duplicate Delighted response id");
                return Ok(());
            }
            let survey_type = input::text_at(v, &kind_at).unwrap_or_else(|| "nps".to_owned());
            let Some(kind) = delighted_kind(import, &survey_type) else {
                import.skip(format!(
                    "Delighted survey type {survey_type:?} (not nps, csat or ces)"
                ));
                return Ok(());
            };
            let candidates: Vec<(&str, Option<String>)> = mapping
                .account
                .iter()
                .map(|p| (p.as_str(), input::text_at(v, p)))
                .collect();
            let Some(account) = import.account(file, event.line, &candidates) else {
                return Ok(());
            };
            let when = input::text_at(v, &created).map(|t| {
                time::from_unix(&t)
                    .unwrap_or_else(|| time::to_utc(&t, zone, mapping.date_format.as_deref()))
            });
            let who = input::text_at(v, &respondent).or_else(|| input::text_at(v, "person"));
            let values = [
                Some(account),
                when,
                Some(kind),
                input::text_at(v, &score_at),
                who,
                input::text_at(v, &comment),
            ];
            import.row(table, file, event.line, &values)
        })?;
    }
    Ok(())
}
