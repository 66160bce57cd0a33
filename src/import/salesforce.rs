//! Salesforce accounts → accounts, contacts → contacts. Data Loader/API exports name columns by
//! API name (`Name`, `ARR__c`), report exports by label (`Account Name`, `ARR`); both are
//! recognised. An Opportunity export in the same import supplies renewal dates the account rows
//! lack.

use std::collections::HashMap;

use super::input::{self, Document, Record};
use super::mapping::Schema;
use super::{Header, Import, Vendor, cell, empty_file, no_column, origin, time};
use crate::error::LoadError;
use crate::error::Result;

pub const SCHEMA: Schema = Schema {
    fields: &[
        "account_id",
        "name",
        "owner",
        "segment",
        "plan",
        "arr",
        "seats",
        "contract_start",
        "renewal_date",
        "churned_on",
        // A Contact export's own fields (account_id and name are shared with accounts).
        "contact_id",
        "email",
        "role",
        "champion",
        "decision_maker",
        "left_on",
    ],
    value_maps: &[],
    // Salesforce rows are the accounts; they are not matched to any.
    account: &[],
};

/// Default headers per contract column: API names, then report labels. ARR, CSM, renewal
/// date and the like are custom fields; these are the names teams commonly give them.
const HEADERS: &[(&str, &[&str])] = &[
    (
        "account_id",
        &["Id", "Account ID", "AccountId", "Account.Id"],
    ),
    ("name", &["Name", "Account Name", "Account.Name"]),
    (
        "owner",
        &[
            "CSM__c",
            "CSM",
            "Customer_Success_Manager__c",
            "Customer Success Manager",
            "Owner.Name",
            "Account Owner",
        ],
    ),
    (
        "segment",
        &[
            "Segment__c",
            "Segment",
            "Customer_Segment__c",
            "Customer Segment",
        ],
    ),
    (
        "plan",
        &["Plan__c", "Plan", "Product_Plan__c", "Product Plan"],
    ),
    (
        "arr",
        &[
            "ARR__c",
            "ARR",
            "Annual_Recurring_Revenue__c",
            "Annual Recurring Revenue",
        ],
    ),
    (
        "seats",
        &["Seats__c", "Seats", "Licensed_Seats__c", "Licensed Seats"],
    ),
    (
        "contract_start",
        &[
            "Contract_Start_Date__c",
            "Contract Start Date",
            "Customer_Since__c",
            "Customer Since",
            "CreatedDate",
            "Created Date",
        ],
    ),
    (
        "renewal_date",
        &[
            "Renewal_Date__c",
            "Renewal Date",
            "Next_Renewal_Date__c",
            "Next Renewal Date",
        ],
    ),
    (
        "churned_on",
        &["Churn_Date__c", "Churn Date", "Churned_On__c", "Churned On"],
    ),
];

/// A Contact export's headers per contract column of `contacts`. Champion and decision maker
/// are custom fields: these are common names, and the mapping file names others.
const CONTACT_HEADERS: &[(&str, &[&str])] = &[
    ("contact_id", &["Id", "Contact ID", "ContactId"]),
    ("account_id", &["AccountId", "Account ID", "Account.Id"]),
    ("name", &["Name", "Full Name", "Contact Name"]),
    ("email", &["Email", "Email Address"]),
    ("role", &["Title", "Job Title", "Role__c"]),
    (
        "champion",
        &["Champion__c", "Champion", "Is_Champion__c", "Is Champion"],
    ),
    (
        "decision_maker",
        &[
            "Decision_Maker__c",
            "Decision Maker",
            "Is_Decision_Maker__c",
            "Is Decision Maker",
        ],
    ),
    (
        "left_on",
        &["Left_On__c", "Left On", "Left_Company_Date__c", "Date Left"],
    ),
];
const CONTACT_FIRST_NAME: &[&str] = &["FirstName", "First Name"];
const CONTACT_LAST_NAME: &[&str] = &["LastName", "Last Name"];

const OPPORTUNITY_ACCOUNT: &[&str] = &["AccountId", "Account ID"];
const OPPORTUNITY_CLOSE: &[&str] = &["CloseDate", "Close Date"];
const OPPORTUNITY_TYPE: &[&str] = &["Type", "Opportunity Type"];
const OPPORTUNITY_CLOSED: &[&str] = &["IsClosed", "Closed"];

/// Amounts as reports print them: `$1,200,000.00`, `¥ 3,000,000`, `JPY 3000000`, and with a
/// `decimal_mark` of `,`, `€1.234,56` or `1 234,56 €`. Only what reads one way is read: digits
/// grouped in threes by the other mark (or a space), then the decimal mark and its digits. Any
/// other text (`1e6`, `1.5k`, `(1,000)`, `1 234,56` with the mark `.`) is kept as it was, for the
/// contract's rule to report with its line and column.
fn amount(value: &str, decimal_mark: char) -> String {
    read_amount(value.trim(), decimal_mark).unwrap_or_else(|| value.trim().to_owned())
}

fn read_amount(value: &str, decimal_mark: char) -> Option<String> {
    let is_currency = |c: char| matches!(c, '$' | '€' | '£' | '¥' | '￥' | '₩' | '₹');
    let mut number = value
        .trim_start_matches(is_currency)
        .trim_end_matches(is_currency)
        .trim();
    // An ISO code before or after: `JPY 3000000`, `1.234,56 EUR`.
    let is_code = |s: &str| s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase());
    if let Some((code, rest)) = number.split_once(' ')
        && is_code(code)
    {
        number = rest.trim();
    }
    if let Some((rest, code)) = number.rsplit_once(' ')
        && is_code(code)
    {
        number = rest.trim();
    }
    let (sign, number) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start_matches(is_currency)),
        None => ("", number),
    };
    let (whole, cents) = match number.split_once(decimal_mark) {
        Some((whole, cents)) => (whole, Some(cents)),
        None => (number, None),
    };
    if cents.is_some_and(|c| c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let group_marks: &[char] = if decimal_mark == ',' {
        &['.', ' ', '\u{a0}', '\u{202f}']
    } else {
        &[',', ' ', '\u{a0}', '\u{202f}']
    };
    let groups: Vec<&str> = whole.split(group_marks).collect();
    let grouped_in_threes = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3)
            && groups[1..].iter().all(|g| g.len() == 3)
            && whole
                .matches(group_marks)
                .collect::<std::collections::HashSet<_>>()
                .len()
                == 1);
    let digits = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !(digits && grouped_in_threes) {
        return None;
    }
    let whole: String = groups.concat();
    Some(match cents {
        Some(cents) => format!("{sign}{whole}.{cents}"),
        None => format!("{sign}{whole}"),
    })
}

pub fn read(import: &mut Import, documents: Vec<Vec<Document>>) -> Result<()> {
    let mut accounts = Vec::new();
    let mut contacts = Vec::new();
    let mut renewals: HashMap<String, String> = HashMap::new();
    for doc in documents.into_iter().flatten() {
        let records = input::csv_records(&doc)?;
        let Some((head, rows)) = records.split_first() else {
            return Err(empty_file(&doc.name, "a Salesforce export with its header"));
        };
        let header = Header::new(&head.fields);
        let is_opportunities = header.first(OPPORTUNITY_ACCOUNT).is_some()
            && header.first(OPPORTUNITY_CLOSE).is_some();
        // A Contact row names its account and a person: an e-mail or a title.
        let is_contacts = !is_opportunities
            && header.first(OPPORTUNITY_ACCOUNT).is_some()
            && header.first(&["Email", "Email Address", "Title"]).is_some();
        if is_opportunities {
            collect_renewals(import, &doc.name, &head.fields, rows, &mut renewals)?;
        } else if is_contacts {
            let (names, rows) = (head.fields.clone(), rows.to_vec());
            contacts.push((doc, names, rows));
        } else {
            let (names, rows) = (head.fields.clone(), rows.to_vec());
            accounts.push((doc, names, rows));
        }
    }
    if accounts.is_empty() && contacts.is_empty() {
        return Err(crate::error::Error::Usage(
            "salesforce: no Account or Contact export among the files (an Opportunity export only adds renewal dates to the accounts imported with it)".to_owned(),
        ));
    }
    for (doc, names, rows) in accounts {
        read_accounts(import, &doc, &names, &rows, &renewals)?;
    }
    for (doc, names, rows) in contacts {
        read_contacts(import, &doc, &names, &rows)?;
    }
    Ok(())
}

/// A Contact export → contacts. Without a full-name column the name is built from the first
/// and last names, family name first when it is written in Japanese (田中 一郎).
fn read_contacts(
    import: &mut Import,
    doc: &Document,
    names: &[String],
    rows: &[Record],
) -> Result<()> {
    let name = doc.name.as_str();
    let header = Header::new(names);
    let mapping = import.mapping.clone();
    let mut columns = Vec::new();
    for (field, defaults) in CONTACT_HEADERS {
        columns.push(header.field(name, &mapping, field, defaults)?);
    }
    let (first, last) = (
        header.first(CONTACT_FIRST_NAME),
        header.first(CONTACT_LAST_NAME),
    );
    for (i, required) in [(0, "contact_id"), (1, "account_id")] {
        if columns[i].is_none() {
            return Err(no_column(
                name,
                Vendor::Salesforce,
                required,
                CONTACT_HEADERS[i].1,
            ));
        }
    }
    if columns[2].is_none() && last.is_none() {
        return Err(no_column(
            name,
            Vendor::Salesforce,
            "name",
            &["Name", "Full Name", "LastName"],
        ));
    }
    let file = import.csv_file(doc);
    let mut origins: Vec<Option<(String, usize)>> =
        columns.iter().map(|c| origin(names, *c)).collect();
    if columns[2].is_none() {
        origins[2] = origin(names, last);
    }
    let table = import.table("contacts", origins)?;
    let format = mapping.date_format.as_deref();
    for record in rows {
        let f = &record.fields;
        let mut values: Vec<Option<String>> = columns.iter().map(|c| cell(f, *c)).collect();
        if values[2].is_none() {
            values[2] = full_name(cell(f, first), cell(f, last));
        }
        values[7] = values[7].as_deref().map(|v| time::to_date(v, format));
        import.row(table, file, record.line, &values)?;
    }
    Ok(())
}

fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let parts = if last.as_deref().is_some_and(crate::text::is_japanese) {
        [last, first]
    } else {
        [first, last]
    };
    let joined: Vec<String> = parts.into_iter().flatten().collect();
    (!joined.is_empty()).then(|| joined.join(" "))
}

/// The earliest close date of each account's open renewal opportunities. Without a `Type`
/// column renewals cannot be told from new business, so none is taken (and the summary says
/// why). An unreadable close date is an error at its own file, line and column.
fn collect_renewals(
    import: &mut Import,
    doc: &str,
    names: &[String],
    rows: &[Record],
    renewals: &mut HashMap<String, String>,
) -> Result<()> {
    let header = Header::new(names);
    let account = header.first(OPPORTUNITY_ACCOUNT);
    let close = header.first(OPPORTUNITY_CLOSE);
    let Some(kind) = header.first(OPPORTUNITY_TYPE) else {
        import.note(format!(
            "{doc} has no Type column, so renewals cannot be told from other open opportunities: no renewal date was taken from it (export the opportunities with Type)"
        ));
        return Ok(());
    };
    let closed = header.first(OPPORTUNITY_CLOSED);
    let format = import.mapping.date_format.clone();
    for record in rows {
        let f = &record.fields;
        let is_renewal = cell(f, Some(kind)).is_some_and(|k| k.to_lowercase().contains("renewal"));
        let is_open =
            cell(f, closed).is_none_or(|c| matches!(c.to_lowercase().as_str(), "false" | "0"));
        let (Some(account), Some(raw)) = (cell(f, account), cell(f, close)) else {
            continue;
        };
        if !(is_renewal && is_open) {
            continue;
        }
        let date = time::to_date(&raw, format.as_deref());
        if chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_err() {
            let (column, index) = origin(names, close).unwrap_or_default();
            let hint = time::unread_hint(&[&raw], format.as_deref(), "salesforce")
                .map(|h| format!(": {h}"))
                .unwrap_or_default();
            return Err(LoadError::At {
                file: doc.to_owned(),
                position: format!("{}:{index}", record.line),
                message: format!(
                    "{column} (renewal_date) must be a date YYYY-MM-DD (found {:?}){hint}",
                    crate::text::printable(&raw)
                ),
            }
            .into());
        }
        renewals
            .entry(account)
            .and_modify(|d| {
                if date < *d {
                    *d = date.clone();
                }
            })
            .or_insert(date);
    }
    Ok(())
}

fn read_accounts(
    import: &mut Import,
    doc: &Document,
    names: &[String],
    rows: &[Record],
    renewals: &HashMap<String, String>,
) -> Result<()> {
    let name = doc.name.as_str();
    let header = Header::new(names);
    let mapping = import.mapping.clone();
    let mut columns = Vec::new();
    for (field, defaults) in HEADERS {
        columns.push(header.field(name, &mapping, field, defaults)?);
    }
    for (i, required) in [
        (0, "account_id"),
        (1, "name"),
        (5, "arr"),
        (7, "contract_start"),
    ] {
        if columns[i].is_none() {
            return Err(no_column(name, Vendor::Salesforce, required, HEADERS[i].1));
        }
    }
    let file = import.csv_file(doc);
    let table = import.table(
        "accounts",
        columns.iter().map(|c| origin(names, *c)).collect(),
    )?;
    let format = mapping.date_format.as_deref();
    for record in rows {
        let f = &record.fields;
        let mut values: Vec<Option<String>> = columns.iter().map(|c| cell(f, *c)).collect();
        for i in [5, 6] {
            values[i] = values[i]
                .as_deref()
                .map(|v| amount(v, mapping.decimal_mark));
        }
        for i in [7, 8, 9] {
            values[i] = values[i].as_deref().map(|v| time::to_date(v, format));
        }
        if values[8].is_none() {
            values[8] = values[0].as_ref().and_then(|id| renewals.get(id)).cloned();
        }
        if let Some(id) = &values[0] {
            import.account_row(id);
        }
        import.row(table, file, record.line, &values)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_names_put_a_japanese_family_name_first() {
        let name = |f: &str, l: &str| full_name(Some(f.into()), Some(l.into())).unwrap();
        assert_eq!(name("一郎", "田中"), "田中 一郎");
        assert_eq!(name("Dana", "Whitfield"), "Dana Whitfield");
        assert_eq!(
            full_name(None, Some("Whitfield".into())).unwrap(),
            "Whitfield"
        );
        assert_eq!(full_name(None, None), None);
    }

    #[test]
    fn amounts_lose_currency_and_grouping() {
        assert_eq!(amount("$1,200,000.00", '.'), "1200000.00");
        assert_eq!(amount("¥ 3,000,000", '.'), "3000000");
        assert_eq!(amount("JPY 3000000", '.'), "3000000");
        assert_eq!(amount("3000000 JPY", '.'), "3000000");
        assert_eq!(amount("1234.5", '.'), "1234.5");
        assert_eq!(amount("€1.234,56", ','), "1234.56");
        assert_eq!(amount("1 234,56 €", ','), "1234.56");
        assert_eq!(amount("1.234.567", ','), "1234567");
    }

    #[test]
    fn amounts_that_read_more_than_one_way_are_kept_for_the_rule() {
        for (value, mark) in [
            ("1e6", '.'),
            ("€1.234,56", '.'),
            ("(1,000)", '.'),
            ("1 234,56", '.'),
            ("1.5k", '.'),
            ("1,23", '.'),
            ("1,234.56", ','),
            ("1.234 567,00", ','),
            ("12.", '.'),
            ("n/a", '.'),
        ] {
            assert_eq!(amount(value, mark), value, "{value} with {mark}");
        }
    }
}
