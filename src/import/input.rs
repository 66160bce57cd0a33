//! Reading vendors' files as they come: gzip, zip archives of gzipped files, UTF-8 with or
//! without a byte-order mark, UTF-16 (Qualtrics' TSV), CSV or TSV, JSON lines or a JSON array.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::db::csv_file::{self, TextEncoding};
use crate::error::LoadError;
use crate::error::{Error, Result};
use crate::text::line_column;

/// One text document: a file, or one member of a zip archive.
pub struct Document {
    /// How errors and the unmatched report name it: `export.zip:2026-11-01_0.json.gz` for a
    /// member of an archive.
    pub name: String,
    pub text: String,
}

fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    LoadError::At {
        file: file.to_owned(),
        position: format!("{line}:{column}"),
        message: message.into(),
    }
    .into()
}

/// How much an archive or gzip file may inflate to: 100 times its size, at least 256 MiB and
/// at most 8 GiB. A bomb (1 MB holding 1 GiB of zeros) is refused before it fills the memory;
/// real exports of JSON events inflate 10 to 30 times.
fn inflation_limit(file_size: u64) -> u64 {
    file_size.saturating_mul(100).clamp(256 << 20, 8 << 30)
}

/// The documents in `path`: the file itself (gunzipped when it is gzip), or each member of
/// a zip archive, in name order.
pub fn documents(path: &Path, encoding: TextEncoding) -> Result<Vec<Document>> {
    let io = |e| Error::io(path, e);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        return Err(LoadError::File {
            file: name,
            message:
                "is not a regular file (a folder, FIFO, socket or device); name an export file"
                    .to_owned(),
        }
        .into());
    }
    let mut budget = Inflation {
        left: inflation_limit(metadata.len()),
        limit: inflation_limit(metadata.len()),
    };
    let bytes = std::fs::read(path).map_err(io)?;
    if bytes.starts_with(b"PK\x03\x04") {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| LoadError::File {
                file: name.clone(),
                message: format!("is not a readable zip archive: {e}"),
            })?;
        let mut members = Vec::new();
        for i in 0..archive.len() {
            let member = archive.by_index(i).map_err(|e| LoadError::File {
                file: name.clone(),
                message: format!("member {i} cannot be read: {e}"),
            })?;
            if member.is_dir() {
                continue;
            }
            let member_name = format!("{name}:{}", member.name());
            let raw = budget.read(&member_name, "is not a readable zip member", member)?;
            members.push((member_name, raw));
        }
        members.sort_by(|a, b| a.0.cmp(&b.0));
        return members
            .into_iter()
            .map(|(name, raw)| decode(name, raw, encoding, &mut budget))
            .collect();
    }
    Ok(vec![decode(name, bytes, encoding, &mut budget)?])
}

/// What is left of a file's inflation limit, shared by its zip members and gzip layers.
struct Inflation {
    left: u64,
    limit: u64,
}

impl Inflation {
    /// Reads `reader` to the end, or refuses once the file has inflated past its limit.
    fn read(&mut self, name: &str, unreadable: &str, reader: impl Read) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let read = reader
            .take(self.left + 1)
            .read_to_end(&mut out)
            .map_err(|e| LoadError::File {
                file: name.to_owned(),
                message: format!("{unreadable}: {e}"),
            })? as u64;
        if read > self.left {
            return Err(LoadError::File {
                file: name.to_owned(),
                message: format!(
                    "inflates to more than {} MiB (rule: an archive or gzip file inflates to at most 100 times its size, 256 MiB to 8 GiB); unpack it and import the files",
                    self.limit >> 20
                ),
            }
            .into());
        }
        self.left -= read;
        Ok(out)
    }
}

fn decode(
    name: String,
    bytes: Vec<u8>,
    encoding: TextEncoding,
    budget: &mut Inflation,
) -> Result<Document> {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let gzip = flate2::read::MultiGzDecoder::new(bytes.as_slice());
        budget.read(&name, "is not readable gzip", gzip)?
    } else {
        bytes
    };
    let mut text = match csv_file::decode(&bytes, encoding) {
        Ok(std::borrow::Cow::Borrowed(_)) => String::from_utf8(bytes).expect("checked as UTF-8"),
        Ok(std::borrow::Cow::Owned(text)) => text,
        Err((line, column)) => {
            return Err(at(
                &name,
                line as usize,
                column,
                "is not UTF-8 text, nor UTF-16 or Shift_JIS (rule: vendor exports are UTF-8, UTF-16 or Shift_JIS); name the encoding with --encoding (windows-1252, shift_jis or utf-16)",
            ));
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(Document { name, text })
}

/// A CSV record and the line it starts on.
#[derive(Clone)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

/// Every record of a CSV or TSV document (tab-separated when the first line has tabs and no
/// commas), header rows included.
pub fn csv_records(doc: &Document) -> Result<Vec<Record>> {
    let first_line = doc.text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(doc.text.as_bytes());
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    // Lines are counted from byte offsets: the reader's own line numbers skip blank lines.
    let bytes = doc.text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |offset: usize| {
        let mut start = offset.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted_to = start;
        line
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(record.position().map_or(0, |p| p.byte() as usize));
                // A blank line between records is not a row.
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                records.push(Record {
                    line,
                    fields: record.iter().map(str::to_owned).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(at(
                    &doc.name,
                    line,
                    1,
                    format!("cannot be read as CSV: {e} (rule: RFC 4180 CSV)"),
                ));
            }
        }
    }
    Ok(records)
}

/// A JSON object and the line it starts on.
pub struct Event {
    pub line: u64,
    pub value: Value,
}

/// Hands each object of a JSON-lines document (or of a document that is one JSON array) to
/// `each`, one at a time: an analytics export can hold millions of events.
pub fn for_each_event(doc: &Document, each: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
    let text = doc.text.as_str();
    if text.trim_start().starts_with('[') {
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| json_error(doc, &e))?;
        for raw in items {
            let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            let value = serde_json::from_str(raw.get()).map_err(|e| json_error(doc, &e))?;
            each(Event {
                line: line_column(text, offset).0 as u64,
                value,
            })?;
        }
        return Ok(());
    }
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            at(
                &doc.name,
                index + 1,
                e.column(),
                format!(
                    "is not valid JSON: {} (rule: one JSON object per line)",
                    json_reason(&e)
                ),
            )
        })?;
        each(Event {
            line: index as u64 + 1,
            value,
        })?;
    }
    Ok(())
}

/// serde_json's message without its own "at line L column C": the error names the position
/// in the file already, and serde's (within one line) would contradict it.
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_owned(),
        None => text,
    }
}

fn json_error(doc: &Document, e: &serde_json::Error) -> Error {
    at(
        &doc.name,
        e.line(),
        e.column(),
        format!(
            "is not valid JSON: {} (rule: a JSON array or one JSON object per line)",
            json_reason(e)
        ),
    )
}

/// The text at a dot path (`properties.company`) of a JSON object. An object found there
/// gives its first value and an array its first element (Amplitude's `groups`); numbers and
/// booleans give their text.
pub fn text_at(value: &Value, path: &str) -> Option<String> {
    let mut found = value;
    for key in path.split('.') {
        found = found.get(key)?;
    }
    loop {
        found = match found {
            Value::Object(map) => map.values().next()?,
            Value::Array(items) => items.first()?,
            _ => break,
        };
    }
    match found {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(text: &str) -> Document {
        Document {
            name: "f".to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn csv_records_know_their_line_even_after_a_multiline_value() {
        let records = csv_records(&doc("a,b\n\"x\ny\",1\n\nz,2\n")).unwrap();
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5]);
        assert_eq!(records[1].fields, ["x\ny", "1"]);
    }

    #[test]
    fn tsv_is_recognised() {
        let records = csv_records(&doc("a\tb\n1\t2\n")).unwrap();
        assert_eq!(records[1].fields, ["1", "2"]);
    }

    fn json_events(doc: &Document) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        for_each_event(doc, &mut |e| {
            events.push(e);
            Ok(())
        })?;
        Ok(events)
    }

    #[test]
    fn json_arrays_and_lines_give_lines() {
        let events = json_events(&doc("[\n {\"a\": 1},\n {\"a\": 2}\n]")).unwrap();
        assert_eq!(events.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
        let events = json_events(&doc("{\"a\":1}\n\n{\"a\":2}\n")).unwrap();
        assert_eq!(events.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 3]);
        let error = json_events(&doc("{\"a\":1}\n{\"a\":\n"))
            .err()
            .unwrap()
            .to_string();
        assert!(error.starts_with("f:2:"), "{error}");
    }

    #[test]
    fn paths_reach_into_objects_and_arrays() {
        let v = json!({"groups": {"company": ["acme", "x"]}, "p": {"n": 3, "e": ""}});
        assert_eq!(text_at(&v, "groups.company").as_deref(), Some("acme"));
        assert_eq!(text_at(&v, "groups").as_deref(), Some("acme"));
        assert_eq!(text_at(&v, "p.n").as_deref(), Some("3"));
        assert_eq!(text_at(&v, "p.e"), None);
        assert_eq!(text_at(&v, "p.missing"), None);
    }

    #[test]
    fn inflation_past_the_limit_is_refused_before_it_is_read_whole() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![0u8; 64 * 1024]).unwrap();
        let bomb = gz.finish().unwrap();
        let mut budget = Inflation {
            left: 4096,
            limit: 4096,
        };
        let error = decode(
            "bomb.jsonl.gz".into(),
            bomb,
            TextEncoding::Auto,
            &mut budget,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            error.starts_with("bomb.jsonl.gz: inflates to more than 0 MiB"),
            "{error}"
        );
        assert_eq!(inflation_limit(1 << 20), 256 << 20);
        assert_eq!(inflation_limit(10 << 20), 1000 << 20);
        assert_eq!(inflation_limit(1 << 40), 8 << 30);
    }

    #[test]
    fn gzip_and_utf16_are_decoded() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("名前\n".as_bytes()).unwrap();
        let mut budget = Inflation {
            left: 1 << 20,
            limit: 1 << 20,
        };
        let doc = decode(
            "x.gz".into(),
            gz.finish().unwrap(),
            TextEncoding::Auto,
            &mut budget,
        )
        .unwrap();
        assert_eq!(doc.text, "名前\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Q1\tQ2".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode("x.tsv".into(), utf16, TextEncoding::Auto, &mut budget)
                .unwrap()
                .text,
            "Q1\tQ2"
        );
    }
}
