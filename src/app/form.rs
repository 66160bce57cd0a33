//! Text entry for actions: fields that take Japanese input, paste, and backspace over wide
//! characters (one keypress removes one character, whatever its width).

use unicode_width::UnicodeWidthStr;

use super::App;
use super::action::{Effect, InputKey, Level};
use crate::contract::{ACTIVITY_KINDS, OUTCOME_KINDS};
use crate::db::actions::{ActionKind, NewAction};
use crate::text::parse_date;

const DEFAULT_SNOOZE: &str = "+7d";
const DEFAULT_DUE: &str = "+7d";
const DEFAULT_FLAG_EXPIRY: &str = "+30d";
const DEFAULT_OUTCOME_DUE: &str = "+90d";
/// An outcome's kind when none is named (DATA.md): business.
const BUSINESS: usize = 2;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextInput {
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

impl TextInput {
    pub fn with(text: &str) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, s: &str) {
        // Pasted line breaks become spaces: every field is one line.
        let clean: String = s
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.byte_at(self.cursor - 1);
            self.text.remove(at);
            self.cursor -= 1;
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    /// Display columns before the cursor, to place the terminal cursor.
    pub fn cursor_column(&self) -> usize {
        self.text[..self.byte_at(self.cursor)].width()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(TextInput),
    Choice {
        options: &'static [&'static str],
        index: usize,
    },
    /// One of the account's things (an outcome): ids with what is shown for them.
    Pick {
        options: Vec<(String, String)>,
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: &'static str,
    pub value: FieldValue,
    pub required: bool,
    pub is_date: bool,
    /// A date that has happened (a touch's day) rather than one to come.
    pub past: bool,
}

impl Field {
    pub fn text(label: &'static str, required: bool) -> Field {
        Field {
            label,
            value: FieldValue::Text(TextInput::default()),
            required,
            is_date: false,
            past: false,
        }
    }

    pub fn date(label: &'static str, default: &str) -> Field {
        Field {
            label,
            value: FieldValue::Text(TextInput::with(default)),
            required: true,
            is_date: true,
            past: false,
        }
    }

    pub fn past_date(label: &'static str, default: &str) -> Field {
        Field {
            past: true,
            ..Field::date(label, default)
        }
    }

    pub fn choice(label: &'static str, options: &'static [&'static str]) -> Field {
        Field {
            label,
            value: FieldValue::Choice { options, index: 0 },
            required: true,
            is_date: false,
            past: false,
        }
    }

    pub fn choice_at(label: &'static str, options: &'static [&'static str], index: usize) -> Field {
        Field {
            value: FieldValue::Choice { options, index },
            ..Field::choice(label, options)
        }
    }

    pub fn pick(label: &'static str, options: Vec<(String, String)>) -> Field {
        Field {
            label,
            value: FieldValue::Pick { options, index: 0 },
            required: true,
            is_date: false,
            past: false,
        }
    }

    /// The text typed, the option chosen, or the id of the thing picked.
    pub fn text_value(&self) -> String {
        match &self.value {
            FieldValue::Text(input) => input.text.trim().to_owned(),
            FieldValue::Choice { options, index } => options[*index].to_owned(),
            FieldValue::Pick { options, index } => options[*index].0.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Touch,
    NextStep,
    Snooze,
    Flag,
    Resolve,
    /// Skipping a task of a play: a reason is required.
    SkipTask,
    /// Taking a task off the list until a day.
    SnoozeTask,
    AddOutcome,
    AchieveOutcome,
    DropOutcome,
    /// Reassign the account to another CSM (empty: unassigned).
    Owner,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::Touch => "Log a touch",
            FormKind::NextStep => "Next step",
            FormKind::Snooze => "Snooze",
            FormKind::Flag => "Flag at risk",
            FormKind::Resolve => "Resolve",
            FormKind::SkipTask => "Skip the task",
            FormKind::SnoozeTask => "Snooze the task",
            FormKind::AddOutcome => "Agree an outcome (success plan)",
            FormKind::AchieveOutcome => "Mark an outcome achieved",
            FormKind::DropOutcome => "Drop an outcome",
            FormKind::Owner => "Reassign (empty: unassigned)",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub account_id: String,
    /// The task a SkipTask form is about.
    pub task_id: Option<i64>,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl App {
    pub(super) fn open_form(&mut self, kind: FormKind) -> Vec<Effect> {
        let Some(account) = self.selected_account() else {
            self.say(Level::Error, "no account selected");
            return Vec::new();
        };
        let fields = match kind {
            FormKind::Touch => vec![
                Field::choice("kind", &ACTIVITY_KINDS),
                Field::text("what happened", true),
                Field::past_date("when", "today"),
                Field::text("with", false),
            ],
            FormKind::NextStep => vec![
                Field::text("next step", true),
                Field::date("due", DEFAULT_DUE),
            ],
            FormKind::Snooze => vec![
                Field::date("until", DEFAULT_SNOOZE),
                Field::text("reason", false),
            ],
            FormKind::Flag => vec![
                Field::text("reason", true),
                Field::date("until", DEFAULT_FLAG_EXPIRY),
            ],
            FormKind::Resolve => vec![Field::text("outcome", true)],
            FormKind::AddOutcome => vec![
                Field::text("outcome", true),
                Field::choice_at("kind", &OUTCOME_KINDS, BUSINESS),
                Field::date("due", DEFAULT_OUTCOME_DUE),
            ],
            FormKind::Owner => vec![Field {
                value: FieldValue::Text(TextInput::with(
                    account.owner.as_deref().unwrap_or_default(),
                )),
                ..Field::text("new owner", false)
            }],
            FormKind::AchieveOutcome | FormKind::DropOutcome => {
                let id = account.account_id.clone();
                return self.open_outcome_form(kind, id);
            }
            FormKind::SkipTask | FormKind::SnoozeTask => return self.open_task_form(kind),
        };
        self.form = Some(Form {
            kind,
            account_id: account.account_id.clone(),
            task_id: None,
            fields,
            focus: 0,
        });
        Vec::new()
    }

    /// `a` or `D` on the account screen: which open outcome is achieved or dropped (and why).
    fn open_outcome_form(&mut self, kind: FormKind, account_id: String) -> Vec<Effect> {
        let Some(detail) = self.detail.as_ref().filter(|d| d.account_id == account_id) else {
            self.say(Level::Error, "the success plan is still loading");
            return Vec::new();
        };
        let open: Vec<(String, String)> = detail
            .outcomes
            .iter()
            .filter(|o| o.is_open())
            .map(|o| {
                (
                    o.outcome_id.clone(),
                    format!("{} (due {})", o.title, o.due_on),
                )
            })
            .collect();
        if open.is_empty() {
            self.say(
                Level::Error,
                "no open outcome on this account (o agrees one)",
            );
            return Vec::new();
        }
        let mut fields = vec![Field::pick("outcome", open)];
        if kind == FormKind::DropOutcome {
            fields.push(Field::text("why", true));
        }
        self.form = Some(Form {
            kind,
            account_id,
            task_id: None,
            fields,
            focus: 0,
        });
        Vec::new()
    }

    /// `s` or `z` on the tasks tab: why the task under the cursor is skipped, or until when
    /// it is snoozed.
    pub(super) fn open_task_form(&mut self, kind: FormKind) -> Vec<Effect> {
        let Some(task) = self.visible_tasks().get(self.tab_cursor).copied() else {
            self.say(Level::Error, "no task under the cursor");
            return Vec::new();
        };
        let field = match kind {
            FormKind::SnoozeTask => Field::date("until", DEFAULT_SNOOZE),
            _ => Field::text("reason", true),
        };
        self.form = Some(Form {
            kind,
            account_id: task.account_id.clone(),
            task_id: Some(task.task_id),
            fields: vec![field],
            focus: 0,
        });
        Vec::new()
    }

    /// Turns a filled form into the action to record, or says what is missing.
    fn submit(&mut self) -> Result<NewAction, String> {
        let form = self.form.as_ref().ok_or("no form open")?;
        let mut date = None;
        for field in &form.fields {
            let value = field.text_value();
            if field.required && value.is_empty() {
                return Err(format!("{} is required", field.label));
            }
            if field.is_date {
                let parsed = parse_date(&value, self.today).ok_or_else(|| {
                    format!(
                        "{}: {value:?} is not a date (YYYY-MM-DD, today, yesterday, +3d, -1d, +2w)",
                        field.label
                    )
                })?;
                if field.past && parsed > self.today {
                    return Err(format!("{}: {parsed} has not happened yet", field.label));
                }
                if !field.past && parsed < self.today {
                    return Err(format!("{}: {parsed} is in the past", field.label));
                }
                date = Some(parsed);
            }
        }
        let text = |i: usize| Some(form.fields[i].text_value()).filter(|t| !t.is_empty());
        let kind = match form.kind {
            FormKind::SkipTask | FormKind::SnoozeTask => {
                return Err("a task's change is not an action".to_owned());
            }
            FormKind::Touch => ActionKind::Touch,
            FormKind::NextStep => ActionKind::NextStep,
            FormKind::Snooze => ActionKind::Snooze,
            FormKind::Flag => ActionKind::Flag,
            FormKind::Resolve => ActionKind::Resolve,
            FormKind::AddOutcome => ActionKind::OutcomeAdd,
            FormKind::AchieveOutcome => ActionKind::OutcomeAchieved,
            FormKind::DropOutcome => ActionKind::OutcomeDropped,
            FormKind::Owner => ActionKind::Owner,
        };
        let mut action = NewAction::new(&form.account_id, kind, &self.user);
        action.until = date;
        match form.kind {
            FormKind::Touch => {
                action.detail = text(0);
                action.body = text(1);
                action.contact = text(3);
            }
            FormKind::NextStep | FormKind::Flag => action.body = text(0),
            FormKind::SkipTask | FormKind::SnoozeTask => {}
            FormKind::Snooze => action.body = text(1),
            FormKind::AddOutcome => {
                action.body = text(0);
                action.detail = text(1);
            }
            FormKind::AchieveOutcome => action.detail = text(0),
            FormKind::Owner => action.detail = Some(form.fields[0].text_value()),
            FormKind::DropOutcome => {
                action.detail = text(0);
                action.body = text(1);
            }
            FormKind::Resolve => {
                action.body = text(0);
                let account = self
                    .accounts()
                    .iter()
                    .find(|a| a.account_id == form.account_id);
                action.reasons = account.map(|a| a.reason_codes());
            }
        }
        Ok(action)
    }

    pub(super) fn form_input(&mut self, key: InputKey) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        let count = form.fields.len();
        match key {
            InputKey::Esc => {
                self.form = None;
                self.say(Level::Info, "cancelled");
            }
            InputKey::Tab => form.focus = (form.focus + 1) % count,
            InputKey::BackTab => form.focus = (form.focus + count - 1) % count,
            InputKey::Enter if form.kind == FormKind::SkipTask => {
                let reason = form.fields[0].text_value();
                if reason.is_empty() {
                    self.say(Level::Error, "reason is required");
                    return Vec::new();
                }
                let task_id = form.task_id.expect("a skip form names its task");
                self.form = None;
                self.saving = true;
                self.say(Level::Info, "saving…");
                return vec![Effect::CloseTask {
                    task_id,
                    skip_reason: Some(reason),
                }];
            }
            InputKey::Enter if form.kind == FormKind::SnoozeTask => {
                let value = form.fields[0].text_value();
                let task_id = form.task_id.expect("a snooze form names its task");
                match parse_date(&value, self.today).filter(|d| *d > self.today) {
                    Some(until) => {
                        self.form = None;
                        self.saving = true;
                        self.say(Level::Info, "saving…");
                        return vec![Effect::SnoozeTask { task_id, until }];
                    }
                    None => self.say(
                        Level::Error,
                        format!("until: {value:?} is not a day after today (YYYY-MM-DD, +3d, +2w)"),
                    ),
                }
            }
            InputKey::Enter => match self.submit() {
                Ok(action) => {
                    self.form = None;
                    self.saving = true;
                    self.say(Level::Info, "saving…");
                    return vec![Effect::Record(action)];
                }
                Err(problem) => self.say(Level::Error, problem),
            },
            key => match &mut form.fields[form.focus].value {
                FieldValue::Text(input) => edit(input, key),
                FieldValue::Choice { options, index } => match key {
                    InputKey::Left => *index = (*index + options.len() - 1) % options.len(),
                    InputKey::Right | InputKey::Char(' ') => *index = (*index + 1) % options.len(),
                    InputKey::Char(c) => {
                        if let Some(i) = options.iter().position(|o| o.starts_with(c)) {
                            *index = i;
                        }
                    }
                    _ => {}
                },
                FieldValue::Pick { options, index } => match key {
                    InputKey::Left => *index = (*index + options.len() - 1) % options.len(),
                    InputKey::Right | InputKey::Char(' ') => *index = (*index + 1) % options.len(),
                    _ => {}
                },
            },
        }
        Vec::new()
    }
}

/// One key of typing into a text field.
pub(super) fn edit(input: &mut TextInput, key: InputKey) {
    match key {
        InputKey::Char(c) => input.insert(c.encode_utf8(&mut [0; 4])),
        InputKey::Paste(text) => input.insert(&text),
        InputKey::Backspace => input.backspace(),
        InputKey::Left => input.left(),
        InputKey::Right => input.right(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backspace_removes_one_wide_character() {
        let mut input = TextInput::default();
        input.insert("電話しました");
        assert_eq!(input.cursor_column(), 12);
        input.backspace();
        assert_eq!(input.text, "電話しまし");
        input.left();
        input.left();
        input.insert("で");
        assert_eq!(input.text, "電話しでまし");
        assert_eq!(input.cursor_column(), 8);
    }

    #[test]
    fn paste_keeps_one_line() {
        let mut input = TextInput::with("a");
        input.insert("b\r\nc");
        assert_eq!(input.text, "ab  c");
        assert_eq!(input.cursor, 5);
    }
}
