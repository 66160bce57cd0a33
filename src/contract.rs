//! The data contract (docs/data-contract.md) as data: its tables, their columns and the values
//! a few columns take. The loader, the importers and the sample generator all read this one
//! table, so a new column is added in one place.

pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// The column whose value identifies a row, where rows have an identity.
    pub unique_key: Option<&'static str>,
    /// The date or timestamp that places a row in time (summaries give its range).
    pub main_date: &'static str,
}

impl Table {
    /// The header line a contract CSV of this table starts with.
    pub fn header(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        names.join(",")
    }
}

/// The tables in load order: accounts first, because every other table's rows are checked
/// against the accounts being loaded.
pub const TABLES: &[Table] = &[
    Table {
        name: "accounts",
        columns: &[
            col("account_id", true),
            col("name", true),
            col("owner", false),
            col("segment", false),
            col("plan", false),
            col("arr", true),
            col("seats", false),
            col("contract_start", true),
            col("renewal_date", false),
            col("churned_on", false),
        ],
        unique_key: Some("account_id"),
        main_date: "contract_start",
    },
    Table {
        name: "usage",
        columns: &[
            col("account_id", true),
            col("user_id", true),
            col("occurred_at", true),
            col("feature", false),
            col("count", false),
        ],
        unique_key: None,
        main_date: "occurred_at",
    },
    Table {
        name: "tickets",
        columns: &[
            col("ticket_id", true),
            col("account_id", true),
            col("opened_at", true),
            col("closed_at", false),
            col("priority", true),
            col("subject", false),
        ],
        unique_key: Some("ticket_id"),
        main_date: "opened_at",
    },
    Table {
        name: "surveys",
        columns: &[
            col("account_id", true),
            col("responded_at", true),
            col("kind", true),
            col("score", true),
            col("respondent", false),
            col("comment", false),
        ],
        unique_key: None,
        main_date: "responded_at",
    },
    Table {
        name: "activities",
        columns: &[
            col("account_id", true),
            col("occurred_at", true),
            col("kind", true),
            col("summary", false),
            col("author", false),
        ],
        unique_key: None,
        main_date: "occurred_at",
    },
    Table {
        name: "outcomes",
        columns: &[
            col("outcome_id", true),
            col("account_id", true),
            col("title", true),
            col("kind", false),
            col("created_on", true),
            col("due_on", true),
            col("achieved_on", false),
            col("dropped_on", false),
            col("owner", false),
        ],
        unique_key: Some("outcome_id"),
        main_date: "created_on",
    },
    Table {
        name: "contacts",
        columns: &[
            col("contact_id", true),
            col("account_id", true),
            col("name", true),
            col("email", false),
            col("role", false),
            col("champion", false),
            col("decision_maker", false),
            col("left_on", false),
        ],
        unique_key: Some("contact_id"),
        main_date: "left_on",
    },
];

/// The contract table of this name; `name` is always one the caller wrote as a literal.
pub fn table(name: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} is not a table of the data contract"))
}

/// `tickets.priority`, lowest first.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// `surveys.kind`: the NPS/CSAT/CES triple, in the order they are shown.
pub const SURVEY_KINDS: [&str; 3] = ["nps", "csat", "ces"];
/// `activities.kind`: the touches a CSM logs.
pub const ACTIVITY_KINDS: [&str; 5] = ["call", "email", "meeting", "qbr", "note"];
/// `outcomes.kind`; an empty kind means `business`.
pub const OUTCOME_KINDS: [&str; 3] = ["onboarding", "adoption", "business"];
