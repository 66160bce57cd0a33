//! Contacts and outcomes: the people at each customer and the goals agreed with them.

use std::io;

use super::*;
use crate::contract::OUTCOME_KINDS;
use words::{EN_OUTCOMES, EN_ROLES, JP_FIRST_KANJI, JP_LAST_KANJI, JP_OUTCOMES, JP_ROLES};

/// Someone at the customer: the survey respondents and the contacts are the same people.
pub(super) struct Person {
    pub(super) email: String,
    pub(super) name: String,
    japanese: bool,
}

/// The account's people, drawn exactly as the survey respondents always were (so the survey
/// file keeps its bytes): romaji make the address, kanji the name.
pub(super) fn people(p: &Plan) -> Vec<Person> {
    let mut rng = Rng::new(mix(p.seed, STREAM_SURVEYS ^ 0xFF));
    (0..8)
        .map(|_| {
            let japanese = p.japanese == rng.chance(0.9);
            let (first, last) = if japanese {
                (rng.pick(JP_FIRST), rng.pick(JP_LAST))
            } else {
                (rng.pick(EN_FIRST), rng.pick(EN_LAST))
            };
            let name = if japanese {
                let kanji = |list: &[&str], kanji: &[&'static str], word: &str| {
                    kanji[list.iter().position(|w| *w == word).unwrap_or(0)]
                };
                format!(
                    "{} {}",
                    kanji(JP_LAST, JP_LAST_KANJI, last),
                    kanji(JP_FIRST, JP_FIRST_KANJI, first)
                )
            } else {
                format!("{} {}", capitalised(first), capitalised(last))
            };
            Person {
                email: format!("{first}.{last}@{}", p.domain),
                name,
                japanese,
            }
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How many of the people answer surveys and are known as contacts.
pub(super) fn contact_count(p: &Plan) -> usize {
    match p.segment {
        Segment::Smb => 2,
        Segment::MidMarket => 4,
        Segment::Enterprise => 8,
    }
}

/// The contacts: the first is the champion, the second the decision maker (the champion in
/// the smallest accounts too). Troubled and churning accounts often lose their champion.
pub(super) fn write_contacts(p: &Plan, cal: &Calendar, out: &mut CsvOut) -> io::Result<()> {
    let mut rng = Rng::new(mix(p.seed, STREAM_CONTACTS));
    let people = people(p);
    let count = contact_count(p);
    let champion_leaves = match p.persona {
        Persona::Troubled | Persona::Churned => 0.4,
        Persona::Declining | Persona::Dark => 0.2,
        _ => 0.03,
    };
    for (i, person) in people.iter().take(count).enumerate() {
        let roles = if person.japanese { JP_ROLES } else { EN_ROLES };
        let role = if i < 2 {
            roles[i]
        } else {
            rng.pick(&roles[2..])
        };
        let champion = i == 0;
        let decision_maker = i == 1 || (count == 2 && i == 0);
        let leaves = if champion {
            rng.chance(champion_leaves)
        } else {
            rng.chance(0.05)
        };
        let left = leaves
            .then(|| p.end() - rng.range(10, 150))
            .filter(|d| *d > p.start + 30);
        out.raw(format!("{}-C{}", p.id, i + 1).as_bytes());
        out.comma();
        out.raw(p.id.as_bytes());
        out.comma();
        out.text(&person.name);
        out.comma();
        out.text(&person.email);
        out.comma();
        out.text(role);
        out.comma();
        out.raw(if champion { b"true" } else { b"false" });
        out.comma();
        out.raw(if decision_maker { b"true" } else { b"false" });
        out.comma();
        if let Some(d) = left {
            out.raw(cal.date(d).to_string().as_bytes());
        }
        out.end_row()?;
    }
    Ok(())
}

/// The success plan: an onboarding goal from the kickoff, then adoption and business goals
/// through the year, met or missed as the account's story goes.
pub(super) fn write_outcomes(p: &Plan, cal: &Calendar, out: &mut CsvOut) -> io::Result<()> {
    let mut rng = Rng::new(mix(p.seed, STREAM_OUTCOMES));
    let titles = if p.japanese {
        &JP_OUTCOMES
    } else {
        &EN_OUTCOMES
    };
    let later_goals = match p.segment {
        Segment::Smb => rng.range(0, 1),
        Segment::MidMarket => rng.range(1, 2),
        Segment::Enterprise => rng.range(2, 3),
    };
    // How likely a goal due by now was met.
    let met = match p.persona {
        Persona::Healthy => 0.9,
        Persona::New => 0.8,
        Persona::Declining => 0.5,
        Persona::Dark | Persona::Churned => 0.3,
        Persona::Troubled => 0.15,
    };
    let last = p.end();
    let mut goals = vec![(0usize, p.start, p.start + rng.range(45, 75))];
    let mut created = p.history_start().max(p.start + 60);
    for _ in 0..later_goals {
        created += rng.range(20, 120);
        if created > last {
            break;
        }
        let kind = 1 + rng.below(2) as usize;
        goals.push((kind, created, created + rng.range(60, 180)));
    }
    for (n, (kind, created, due)) in goals.into_iter().enumerate() {
        let mut achieved = None;
        let mut dropped = None;
        if rng.chance(0.08) {
            dropped = Some(rng.range(created, due.min(last)));
        } else if due <= last && rng.chance(met) {
            achieved = Some((due - rng.range(0, 20)).max(created));
        } else if due + 30 <= last && rng.chance(met) {
            // Met, but late.
            achieved = Some(due + rng.range(5, 30));
        } else if due > last && rng.chance(met / 3.0) {
            achieved = Some(rng.range(created, last));
        }
        out.raw(format!("{}-O{}", p.id, n + 1).as_bytes());
        out.comma();
        out.raw(p.id.as_bytes());
        out.comma();
        out.text(rng.pick(titles[kind]));
        out.comma();
        out.raw(OUTCOME_KINDS[kind].as_bytes());
        out.comma();
        out.raw(cal.date(created).to_string().as_bytes());
        out.comma();
        out.raw(cal.date(due).to_string().as_bytes());
        out.comma();
        if let Some(d) = achieved {
            out.raw(cal.date(d).to_string().as_bytes());
        }
        out.comma();
        if let Some(d) = dropped {
            out.raw(cal.date(d).to_string().as_bytes());
        }
        out.comma();
        out.text(CSMS[p.author].0);
        out.end_row()?;
    }
    Ok(())
}
