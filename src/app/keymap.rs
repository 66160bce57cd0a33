//! The one keymap: the event loop resolves keys through it, and the help screen and hint bar
//! are rendered from it, so help can never drift from the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, InputKey, Screen};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Everywhere,
    Queue,
    Account,
    /// The review and renewals tabs.
    Reports,
    /// The review, renewals and model tabs.
    Tabs,
    /// Wherever an account is selected: the queue and the account screen.
    Accounts,
    /// The tasks tab.
    Tasks,
    /// The team tab.
    Team,
    /// Every screen but the tasks tab, whose changes `u` does not undo.
    NotTasks,
}

impl Context {
    fn applies_to(self, screen: Screen) -> bool {
        match self {
            Context::Everywhere => true,
            Context::Queue => screen == Screen::Queue,
            Context::Account => screen == Screen::Account,
            Context::Reports => matches!(screen, Screen::Review | Screen::Renewals),
            Context::Tabs => matches!(
                screen,
                Screen::Review | Screen::Renewals | Screen::Model | Screen::Tasks | Screen::Team
            ),
            Context::Accounts => matches!(screen, Screen::Queue | Screen::Account),
            Context::Tasks => screen == Screen::Tasks,
            Context::Team => screen == Screen::Team,
            Context::NotTasks => screen != Screen::Tasks,
        }
    }
}

pub struct Binding {
    pub keys: &'static [KeyCode],
    /// Held with Ctrl (Ctrl-d), as opposed to the plain key.
    pub ctrl: bool,
    pub label: &'static str,
    pub context: Context,
    pub action: Action,
    pub description: &'static str,
    /// The word shown for it in the hint bar at the bottom of the screen, if it is shown there.
    pub hint: Option<&'static str>,
}

const fn bind(
    keys: &'static [KeyCode],
    label: &'static str,
    context: Context,
    action: Action,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        ctrl: false,
        label,
        context,
        action,
        description,
        hint,
    }
}

/// A binding held with Ctrl, for the keys a terminal user's fingers expect (less, vim).
const fn bind_ctrl(
    key: &'static [KeyCode],
    label: &'static str,
    action: Action,
    description: &'static str,
) -> Binding {
    Binding {
        keys: key,
        ctrl: true,
        label,
        context: Context::Everywhere,
        action,
        description,
        hint: None,
    }
}

use Context::{Account, Accounts, Everywhere, NotTasks, Queue, Reports, Tabs, Tasks, Team};
use KeyCode::{Backspace, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Up};

pub const KEYMAP: &[Binding] = &[
    bind(
        &[Char('j'), Down],
        "j/↓",
        Everywhere,
        Action::Down,
        "down a row, or scroll down",
        None,
    ),
    bind(
        &[Char('k'), Up],
        "k/↑",
        Everywhere,
        Action::Up,
        "up a row, or scroll up",
        None,
    ),
    bind(
        &[PageDown, Char('f')],
        "PgDn/f",
        Everywhere,
        Action::PageDown,
        "page down",
        None,
    ),
    bind(
        &[PageUp, Char('b')],
        "PgUp/b",
        Everywhere,
        Action::PageUp,
        "page up",
        None,
    ),
    bind(
        &[Home, Char('g')],
        "Home/g",
        Everywhere,
        Action::Top,
        "first row",
        None,
    ),
    bind(
        &[End, Char('G')],
        "End/G",
        Everywhere,
        Action::Bottom,
        "last row",
        None,
    ),
    bind(
        &[Enter, Char('l')],
        "Enter",
        Queue,
        Action::Open,
        "open the account",
        Some("open"),
    ),
    bind(
        &[Esc, Char('h'), Left, Backspace],
        "Esc",
        Account,
        Action::Back,
        "back (to the queue, or the review when walking)",
        Some("back"),
    ),
    bind(
        &[Enter, Char('l')],
        "Enter",
        Reports,
        Action::Open,
        "open the account under the cursor",
        Some("open"),
    ),
    bind(
        &[Enter, Char('l')],
        "Enter",
        Tasks,
        Action::Open,
        "open the task's account",
        Some("open"),
    ),
    bind(
        &[Enter, Char('l')],
        "Enter",
        Team,
        Action::Open,
        "that CSM's queue",
        Some("their queue"),
    ),
    bind(
        &[Char('d')],
        "d",
        Tasks,
        Action::CompleteTask,
        "done: the task is closed and logged on the account's journey",
        Some("done"),
    ),
    bind(
        &[Char('s')],
        "s",
        Tasks,
        Action::SkipTask,
        "skip the task, with a reason",
        Some("skip"),
    ),
    bind(
        &[Char('z')],
        "z",
        Tasks,
        Action::SnoozeTask,
        "snooze the task to a date (it keeps its due date)",
        Some("snooze"),
    ),
    bind(
        &[Char('o')],
        "o",
        Tasks,
        Action::PickOwner,
        "whose tasks: pick an owner (yours by default)",
        Some("owner"),
    ),
    bind(
        &[Esc],
        "Esc",
        Tabs,
        Action::ShowQueue,
        "back to the queue (as 1 does)",
        Some("queue (1)"),
    ),
    bind(
        &[Char(']')],
        "]",
        Account,
        Action::NextAccount,
        "next account in the queue",
        None,
    ),
    bind(
        &[Char('[')],
        "[",
        Account,
        Action::PreviousAccount,
        "previous account in the queue",
        None,
    ),
    bind(
        &[Char('1')],
        "1",
        Everywhere,
        Action::ShowQueue,
        "the queue",
        None,
    ),
    bind(
        &[Char('2')],
        "2",
        Everywhere,
        Action::ShowReview,
        "the weekly review",
        Some("review"),
    ),
    bind(
        &[Char('3')],
        "3",
        Everywhere,
        Action::ShowRenewals,
        "renewals by month",
        None,
    ),
    bind(
        &[Char('4')],
        "4",
        Everywhere,
        Action::ShowModel,
        "the health model, its backtest and what changed",
        None,
    ),
    bind(
        &[Char('5')],
        "5",
        Everywhere,
        Action::ShowTasks,
        "tasks: the steps of running plays, overdue first",
        Some("tasks"),
    ),
    bind(
        &[Char('6')],
        "6",
        Everywhere,
        Action::ShowTeam,
        "team: each CSM's book, ARR at risk, overdue tasks",
        None,
    ),
    bind(
        &[Char('w')],
        "w",
        Reports,
        Action::Walk,
        "walk the agenda account by account",
        Some("walk"),
    ),
    bind(
        &[Char('w')],
        "w",
        Account,
        Action::Walk,
        "next account of the agenda",
        None,
    ),
    bind(
        &[Char('/')],
        "/",
        Queue,
        Action::Search,
        "search name or id",
        Some("search"),
    ),
    bind(
        &[Char('s')],
        "s",
        Queue,
        Action::CycleSort,
        "sort: priority, health, ARR, renewal, trend",
        Some("sort"),
    ),
    bind(
        &[Char('m')],
        "m",
        Queue,
        Action::ToggleMine,
        "only my accounts",
        Some("mine"),
    ),
    bind(
        &[Char('o')],
        "o",
        Queue,
        Action::PickOwner,
        "pick an owner (any CSM's accounts, with counts)",
        None,
    ),
    bind(
        &[Char('a')],
        "a",
        Queue,
        Action::ToggleAtRisk,
        "at-risk only / all accounts",
        Some("at-risk"),
    ),
    bind(
        &[Char('B')],
        "B",
        Queue,
        Action::CycleBand,
        "filter by band",
        None,
    ),
    bind(
        &[Char('S')],
        "S",
        Queue,
        Action::CycleSegment,
        "filter by segment",
        None,
    ),
    bind(
        &[Char('R')],
        "R",
        Queue,
        Action::CycleReason,
        "filter by reason",
        None,
    ),
    bind(
        &[Char('H')],
        "H",
        Queue,
        Action::ToggleHidden,
        "show snoozed and resolved accounts",
        None,
    ),
    bind(
        &[Char('c'), Esc],
        "c/Esc",
        Queue,
        Action::ClearFilters,
        "clear filters and search",
        None,
    ),
    bind(
        &[Char('t')],
        "t",
        Accounts,
        Action::LogTouch,
        "log a touch (call, email, meeting, QBR, note)",
        Some("touch"),
    ),
    bind(
        &[Char('n')],
        "n",
        Accounts,
        Action::NextStep,
        "set the next step and its due date",
        Some("next step"),
    ),
    bind(
        &[Char('z')],
        "z",
        Accounts,
        Action::Snooze,
        "snooze until a date",
        Some("snooze"),
    ),
    bind(
        &[Char('x')],
        "x",
        Accounts,
        Action::Flag,
        "flag at risk, with a reason and expiry",
        Some("flag"),
    ),
    bind(
        &[Char('r')],
        "r",
        Accounts,
        Action::Resolve,
        "resolve with an outcome",
        Some("resolve"),
    ),
    bind(
        &[Char('O')],
        "O",
        Accounts,
        Action::Reassign,
        "reassign the account to another CSM",
        None,
    ),
    bind(
        &[Char('o')],
        "o",
        Account,
        Action::AddOutcome,
        "agree an outcome with the customer (success plan)",
        None,
    ),
    bind(
        &[Char('a')],
        "a",
        Account,
        Action::AchieveOutcome,
        "mark an outcome achieved",
        None,
    ),
    bind(
        &[Char('D')],
        "D",
        Account,
        Action::DropOutcome,
        "drop an outcome, with the reason",
        None,
    ),
    bind(
        &[Char('Q')],
        "Q",
        Account,
        Action::Qbr,
        "write the QBR packet (HTML) for this account",
        Some("QBR"),
    ),
    bind(
        &[Char('u')],
        "u",
        NotTasks,
        Action::Undo,
        "undo your last action",
        Some("undo"),
    ),
    bind(
        &[Char('e')],
        "e",
        Queue,
        Action::Export,
        "export the queue as shown to CSV",
        None,
    ),
    bind(
        &[Char('?')],
        "?",
        Everywhere,
        Action::Help,
        "this help",
        Some("help"),
    ),
    bind(
        &[Char('q')],
        "q",
        Everywhere,
        Action::Quit,
        "quit",
        Some("quit"),
    ),
    bind_ctrl(&[Char('d')], "Ctrl-d", Action::PageDown, "half a page down"),
    bind_ctrl(&[Char('u')], "Ctrl-u", Action::PageUp, "half a page up"),
    bind_ctrl(&[Char('c')], "Ctrl-c", Action::Quit, "quit"),
];

/// The action a key stands for on a screen, if any.
pub fn action_for(key: KeyEvent, screen: Screen) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    KEYMAP
        .iter()
        .find(|b| b.ctrl == ctrl && b.context.applies_to(screen) && b.keys.contains(&key.code))
        .map(|b| b.action.clone())
}

/// What a key press does: text while a field or the search is being typed, the keymap
/// otherwise. A terminal reports Esc followed quickly by a key as Alt+key; while typing that is
/// Esc (leave the field or the search) and then the key itself, never the key typed as text.
pub fn actions_for(key: KeyEvent, typing: bool, screen: Screen) -> Vec<Action> {
    if !typing {
        return action_for(key, screen).into_iter().collect();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let input = match key.code {
        Char('c') if ctrl => InputKey::Esc,
        Char(_) if ctrl => return Vec::new(),
        Char(_) if alt => {
            let plain = KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT);
            let mut actions = vec![Action::Input(InputKey::Esc)];
            // After Esc the field is closed, so the key means what it means on the screen.
            actions.extend(action_for(plain, screen));
            return actions;
        }
        Char(c) => InputKey::Char(c),
        Backspace => InputKey::Backspace,
        Left => InputKey::Left,
        KeyCode::Right => InputKey::Right,
        KeyCode::Tab => InputKey::Tab,
        KeyCode::BackTab => InputKey::BackTab,
        Enter => InputKey::Enter,
        Esc => InputKey::Esc,
        _ => return Vec::new(),
    };
    vec![Action::Input(input)]
}

/// The help for a screen, as (key, what it does) rows: its bindings in keymap order, then the
/// legend of the reasons' short codes.
pub fn help(screen: Screen) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = bindings_for(screen)
        .map(|b| (b.label.to_owned(), b.description.to_owned()))
        .collect();
    rows.push((String::new(), String::new()));
    rows.push((String::new(), "at-risk reasons:".to_owned()));
    for (code, short, meaning) in crate::model::REASONS {
        rows.push(((*short).to_owned(), format!("{code}: {meaning}")));
    }
    rows
}

/// The bindings that apply to a screen, in keymap order.
pub fn bindings_for(screen: Screen) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.context.applies_to(screen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_on_a_screen() {
        for screen in Screen::ALL {
            let mut seen = Vec::new();
            for binding in bindings_for(screen) {
                for key in binding.keys {
                    let key = (binding.ctrl, *key);
                    assert!(!seen.contains(&key), "{key:?} bound twice on {screen:?}");
                    seen.push(key);
                }
            }
        }
    }

    #[test]
    fn esc_then_a_quick_key_leaves_the_search_and_does_not_type_the_key() {
        // `/abc`, Esc, `c`: the terminal sends Alt+c.
        let alt_c = KeyEvent::new(Char('c'), KeyModifiers::ALT);
        assert_eq!(
            actions_for(alt_c, true, Screen::Queue),
            [Action::Input(InputKey::Esc), Action::ClearFilters]
        );
        let plain = KeyEvent::new(Char('c'), KeyModifiers::NONE);
        assert_eq!(
            actions_for(plain, true, Screen::Queue),
            [Action::Input(InputKey::Char('c'))]
        );
        assert_eq!(
            actions_for(plain, false, Screen::Queue),
            [Action::ClearFilters]
        );
    }

    #[test]
    fn every_screen_scrolls_and_quits_by_the_table() {
        let ctrl = |c| KeyEvent::new(Char(c), KeyModifiers::CONTROL);
        for screen in Screen::ALL {
            assert_eq!(action_for(ctrl('d'), screen), Some(Action::PageDown));
            assert_eq!(action_for(ctrl('u'), screen), Some(Action::PageUp));
            assert_eq!(action_for(ctrl('c'), screen), Some(Action::Quit));
            assert_eq!(
                action_for(ctrl('j'), screen),
                None,
                "Ctrl is not the plain key"
            );
            let labels: Vec<&str> = bindings_for(screen).map(|b| b.label).collect();
            assert!(
                labels.contains(&"Ctrl-d"),
                "help on {screen:?} shows Ctrl-d"
            );
        }
    }

    #[test]
    fn keys_resolve_per_screen() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(
            action_for(key(Char('j')), Screen::Queue),
            Some(Action::Down)
        );
        assert_eq!(action_for(key(Enter), Screen::Queue), Some(Action::Open));
        assert_eq!(action_for(key(Enter), Screen::Account), None);
        assert_eq!(action_for(key(Esc), Screen::Account), Some(Action::Back));
        assert_eq!(
            action_for(key(Char('t')), Screen::Account),
            Some(Action::LogTouch)
        );
        assert_eq!(
            action_for(
                KeyEvent::new(Char('c'), KeyModifiers::CONTROL),
                Screen::Queue
            ),
            Some(Action::Quit)
        );
    }
}
