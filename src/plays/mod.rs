//! Playbooks (../shared/spec/PLAYS.md): what to do, step by step, when a trigger fires for an
//! account. The file format, its checks and the texts' fields live here; `runs` starts and ends
//! runs from the live score, and `db::plays` stores them.

pub mod ics;
pub mod runs;

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, ModelError};
use crate::model::score::AccountScore;

/// The playbook embedded in the binary.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// The lifecycle stages a play may be triggered by (HEALTH.md, "Lifecycle stage").
pub const STAGES: &[&str] = &["onboarding", "renewal"];

/// Reason codes a play may be triggered by: those the model computes, and those of the
/// outcomes and contacts tables.
pub const TRIGGER_REASONS: &[&str] = &[
    "RED",
    "USAGE_DROP",
    "GONE_DARK",
    "DETRACTOR",
    "ESCALATION",
    "LOW_ADOPTION",
    "RENEWAL_RISK",
    "OUTCOME_OVERDUE",
    "CHAMPION_LEFT",
    "FLAGGED",
];

/// What a step asks for; all but `task` are touches on the account's journey when done.
pub const STEP_KINDS: &[&str] = &["call", "email", "meeting", "qbr", "task"];

/// The account fields a step's text may name.
pub const TEXT_FIELDS: &[&str] = &[
    "account",
    "account_id",
    "owner",
    "segment",
    "plan",
    "arr",
    "renewal_date",
    "days_to_renewal",
    "health",
    "fact",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Due {
    AfterStart(i64),
    BeforeRenewal(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: String,
    pub text: String,
    pub due: Due,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Play {
    pub name: String,
    /// A reason code or a lifecycle stage.
    pub trigger: String,
    /// Empty means every segment (or plan); values compare ignoring case and width.
    pub segments: Vec<String>,
    pub plans: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    /// Where it came from, for messages: "default" or the file.
    pub source: String,
    pub plays: Vec<Play>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    extends: Option<Spanned<String>>,
    #[serde(default)]
    play: Vec<RawPlay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlay {
    name: Spanned<String>,
    trigger: Spanned<String>,
    #[serde(default)]
    segments: Vec<String>,
    #[serde(default)]
    plans: Vec<String>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    kind: Spanned<String>,
    text: Spanned<String>,
    days_after_start: Option<Spanned<i64>>,
    days_before_renewal: Option<Spanned<i64>>,
}

impl Playbook {
    pub fn default_playbook() -> Playbook {
        Playbook::parse("default", DEFAULT_TOML).expect("the embedded playbook is valid")
    }

    /// The playbook a command uses: the file named (`--plays`), else `RETAIN_PLAYS`, else
    /// `plays.toml` in retain's config folder when there is one, else the default.
    pub fn load(named: Option<&Path>) -> Result<Playbook, Error> {
        let chosen = named
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("RETAIN_PLAYS").map(PathBuf::from))
            .or_else(|| Some(config_file()).filter(|p| p.is_file()));
        match chosen {
            Some(path) if path != Path::new("default") => {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                Ok(Playbook::parse(&path.display().to_string(), &text)?)
            }
            _ => Ok(Playbook::default_playbook()),
        }
    }

    /// Reads a playbook file; every mistake names its line and column.
    pub fn parse(file: &str, text: &str) -> Result<Playbook, ModelError> {
        let at =
            |span: Range<usize>, message: String| ModelError::at(file, text, span.start, message);
        let raw: RawPlaybook = toml::from_str(text).map_err(|e| {
            at(
                e.span().unwrap_or(0..0),
                format!("{} (rule: a retain playbook)", e.message().trim()),
            )
        })?;
        let mut plays: Vec<Play> = match &raw.extends {
            Some(base) if base.get_ref() == "default" => Playbook::default_playbook().plays,
            Some(base) => {
                return Err(at(
                    base.span(),
                    format!(
                        "extends {:?}: only \"default\" can be extended (rule: extends = \"default\")",
                        base.get_ref()
                    ),
                ));
            }
            None => Vec::new(),
        };
        let mut names: Vec<String> = Vec::new();
        for raw_play in raw.play {
            let name = raw_play.name.get_ref().trim().to_owned();
            if name.is_empty() {
                return Err(at(raw_play.name.span(), "a play needs a name".to_owned()));
            }
            if names.contains(&name) {
                return Err(at(
                    raw_play.name.span(),
                    format!("a second play named {name:?} (rule: play names are unique)"),
                ));
            }
            names.push(name.clone());
            let trigger = raw_play.trigger.get_ref().trim();
            let trigger = if STAGES.contains(&trigger.to_lowercase().as_str()) {
                trigger.to_lowercase()
            } else {
                trigger.to_uppercase()
            };
            if !TRIGGER_REASONS.contains(&trigger.as_str()) && !STAGES.contains(&trigger.as_str()) {
                return Err(at(
                    raw_play.trigger.span(),
                    format!(
                        "unknown trigger {:?} (rule: a reason code, {}, or a lifecycle stage, {})",
                        raw_play.trigger.get_ref(),
                        TRIGGER_REASONS.join(", "),
                        STAGES.join(" or ")
                    ),
                ));
            }
            if raw_play.step.is_empty() {
                return Err(at(
                    raw_play.name.span(),
                    format!("play {name:?} has no [[play.step]]"),
                ));
            }
            let mut steps = Vec::new();
            for raw_step in raw_play.step {
                let span = raw_step.span();
                let raw_step = raw_step.into_inner();
                let kind = raw_step.kind.get_ref().trim().to_lowercase();
                if !STEP_KINDS.contains(&kind.as_str()) {
                    return Err(at(
                        raw_step.kind.span(),
                        format!(
                            "unknown step kind {:?} (rule: {})",
                            raw_step.kind.get_ref(),
                            STEP_KINDS.join(", ")
                        ),
                    ));
                }
                check_fields(&raw_step.text).map_err(|(offset, message)| {
                    at(raw_step.text.span().start + offset..0, message)
                })?;
                let due = match (raw_step.days_after_start, raw_step.days_before_renewal) {
                    (Some(days), None) if *days.get_ref() >= 0 => {
                        Due::AfterStart(days.into_inner())
                    }
                    (None, Some(days)) if *days.get_ref() >= 0 => {
                        Due::BeforeRenewal(days.into_inner())
                    }
                    (Some(days), None) | (None, Some(days)) => {
                        return Err(at(days.span(), "days must be 0 or more".to_owned()));
                    }
                    (Some(_), Some(second)) => {
                        return Err(at(
                            second.span(),
                            "a step is due either days_after_start or days_before_renewal, not both"
                                .to_owned(),
                        ));
                    }
                    (None, None) => {
                        return Err(at(
                            span,
                            "a step with no due rule (rule: days_after_start = N or days_before_renewal = N)"
                                .to_owned(),
                        ));
                    }
                };
                steps.push(Step {
                    kind,
                    text: raw_step.text.into_inner(),
                    due,
                });
            }
            let play = Play {
                name,
                trigger,
                segments: raw_play.segments,
                plans: raw_play.plans,
                steps,
            };
            // A play of the extended default's name replaces it, in place.
            match plays.iter().position(|p| p.name == play.name) {
                Some(i) => plays[i] = play,
                None => plays.push(play),
            }
        }
        if plays.is_empty() {
            return Err(at(
                0..0,
                "the playbook needs at least one [[play]]".to_owned(),
            ));
        }
        Ok(Playbook {
            source: file.to_owned(),
            plays,
        })
    }

    /// The playbook as a file: `retain plays show` prints it, and it parses back equal.
    pub fn to_toml(&self) -> String {
        let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let list = |values: &[String]| {
            let items: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut out = format!("# retain playbook ({})\n", self.source);
        for play in &self.plays {
            out.push_str(&format!(
                "\n[[play]]\nname = {}\ntrigger = {}\n",
                quoted(&play.name),
                quoted(&play.trigger)
            ));
            if !play.segments.is_empty() {
                out.push_str(&format!("segments = {}\n", list(&play.segments)));
            }
            if !play.plans.is_empty() {
                out.push_str(&format!("plans = {}\n", list(&play.plans)));
            }
            for step in &play.steps {
                let due = match step.due {
                    Due::AfterStart(days) => format!("days_after_start = {days}"),
                    Due::BeforeRenewal(days) => format!("days_before_renewal = {days}"),
                };
                out.push_str(&format!(
                    "\n  [[play.step]]\n  kind = {}\n  {due}\n  text = {}\n",
                    quoted(&step.kind),
                    quoted(&step.text)
                ));
            }
        }
        out
    }
}

/// `$XDG_CONFIG_HOME/retain/plays.toml`, else `~/.config/retain/plays.toml`.
fn config_file() -> PathBuf {
    crate::config::config_dir().join("plays.toml")
}

/// Every `{field}` of a text names a known field; the error gives the byte offset in the
/// string value (past its opening quote) and the rule.
fn check_fields(text: &Spanned<String>) -> Result<(), (usize, String)> {
    let value = text.get_ref();
    let mut rest = value.as_str();
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err((
                1 + offset + open,
                "a { without its } (rule: {field})".to_owned(),
            ));
        };
        let field = &rest[open + 1..open + close];
        if !TEXT_FIELDS.contains(&field) {
            return Err((
                1 + offset + open,
                format!(
                    "unknown field {{{field}}} in the text (rule: one of {})",
                    TEXT_FIELDS
                        .iter()
                        .map(|f| format!("{{{f}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

impl Play {
    /// Whether the play applies to the account's segment and plan.
    pub fn applies_to(&self, account: &AccountScore) -> bool {
        let matches = |values: &[String], value: &Option<String>| {
            values.is_empty()
                || value.as_deref().is_some_and(|v| {
                    values
                        .iter()
                        .any(|w| crate::text::fold(w) == crate::text::fold(v))
                })
        };
        matches(&self.segments, &account.segment) && matches(&self.plans, &account.plan)
    }
}

impl Step {
    /// The day the step is due for a run started on `start`: a step due before the renewal
    /// that the start has already passed (a renewal play starting 90 days out has a step at
    /// 120) is due on the start day, as is one for an account without a renewal date.
    pub fn due_on(&self, start: NaiveDate, renewal: Option<NaiveDate>) -> NaiveDate {
        match self.due {
            Due::AfterStart(days) => start + chrono::Duration::days(days),
            Due::BeforeRenewal(days) => renewal
                .map(|r| r - chrono::Duration::days(days))
                .filter(|due| *due > start)
                .unwrap_or(start),
        }
    }

    /// The step's text for an account, its fields filled in; an empty field reads "—".
    pub fn render(&self, account: &AccountScore, fact: &str) -> String {
        let value = |field: &str| -> String {
            let text = match field {
                "account" => Some(account.name.clone()),
                "account_id" => Some(account.account_id.clone()),
                "owner" => account.owner.clone(),
                "segment" => account.segment.clone(),
                "plan" => account.plan.clone(),
                "arr" => Some(crate::format::money(account.arr)),
                "renewal_date" => account.renewal_date.clone(),
                "days_to_renewal" => account.days_to_renewal.map(|d| d.to_string()),
                "health" => account.health.map(|h| h.to_string()),
                "fact" => Some(fact.to_owned()),
                _ => None,
            };
            text.filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "—".to_owned())
        };
        let mut out = String::new();
        let mut rest = self.text.as_str();
        while let Some(open) = rest.find('{') {
            match rest[open..].find('}') {
                Some(close) => {
                    out.push_str(&rest[..open]);
                    out.push_str(&value(&rest[open + 1..open + close]));
                    rest = &rest[open + close + 1..];
                }
                None => break,
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_playbook_has_a_play_per_reason_onboarding_and_renewal() {
        let book = Playbook::default_playbook();
        for trigger in TRIGGER_REASONS.iter().chain(STAGES) {
            assert!(
                book.plays.iter().any(|p| p.trigger == *trigger),
                "no play for {trigger}"
            );
        }
        let renewal = book.plays.iter().find(|p| p.trigger == "renewal").unwrap();
        let before: Vec<&Due> = renewal.steps.iter().map(|s| &s.due).collect();
        assert_eq!(
            before,
            [
                &Due::BeforeRenewal(120),
                &Due::BeforeRenewal(90),
                &Due::BeforeRenewal(60),
                &Due::BeforeRenewal(30)
            ]
        );
    }

    #[test]
    fn shown_playbooks_parse_back_equal() {
        let book = Playbook::default_playbook();
        let again = Playbook::parse("default", &book.to_toml()).unwrap();
        assert_eq!(again.plays, book.plays);
    }

    fn error(text: &str) -> String {
        Playbook::parse("p.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn mistakes_name_their_line_and_column() {
        assert_eq!(
            error(
                "[[play]]\nname = \"x\"\ntrigger = \"LATE\"\n[[play.step]]\nkind = \"call\"\ndays_after_start = 1\ntext = \"t\"\n"
            ),
            "p.toml:3:11: unknown trigger \"LATE\" (rule: a reason code, RED, USAGE_DROP, GONE_DARK, DETRACTOR, ESCALATION, LOW_ADOPTION, RENEWAL_RISK, OUTCOME_OVERDUE, CHAMPION_LEFT, FLAGGED, or a lifecycle stage, onboarding or renewal)"
        );
        assert_eq!(
            error(
                "[[play]]\nname = \"x\"\ntrigger = \"RED\"\n[[play.step]]\nkind = \"call\"\ndays_after_start = 1\ntext = \"Call {acount} now\"\n"
            ),
            "p.toml:7:14: unknown field {acount} in the text (rule: one of {account}, {account_id}, {owner}, {segment}, {plan}, {arr}, {renewal_date}, {days_to_renewal}, {health}, {fact})"
        );
        assert!(
            error("[[play]]\nname = \"x\"\ntrigger = \"RED\"\n[[play.step]]\nkind = \"call\"\ntext = \"t\"\n")
                .starts_with("p.toml:4:1: a step with no due rule"),
        );
        assert!(
            error("[[play]]\nname = \"x\"\ntrigger = \"RED\"\n[[play.step]]\nkind = \"lunch\"\ndays_after_start = 1\ntext = \"t\"\n")
                .starts_with("p.toml:5:8: unknown step kind \"lunch\""),
        );
    }

    #[test]
    fn a_team_file_extends_the_default_by_name() {
        let book = Playbook::parse(
            "team.toml",
            "extends = \"default\"\n[[play]]\nname = \"Gone dark\"\ntrigger = \"GONE_DARK\"\nsegments = [\"Enterprise\"]\n[[play.step]]\nkind = \"call\"\ndays_after_start = 0\ntext = \"Call {account} today\"\n",
        )
        .unwrap();
        let default = Playbook::default_playbook();
        assert_eq!(book.plays.len(), default.plays.len());
        let dark = book.plays.iter().find(|p| p.name == "Gone dark").unwrap();
        assert_eq!(dark.steps.len(), 1);
        assert_eq!(dark.segments, ["Enterprise"]);
    }
}
