//! Tickets, surveys and activities: what happens to an account over its life.

use super::*;

pub(super) struct Ticket {
    pub(super) opened: Moment,
    pub(super) closed: Option<Moment>,
    /// Index into [`PRIORITIES`].
    pub(super) priority: usize,
    pub(super) subject: &'static str,
}

/// Ticket volume multiplier on day `d`, and whether the account is escalating.
pub(super) fn ticket_pressure(p: &Plan, d: Day) -> (f64, bool) {
    match p.persona {
        Persona::Healthy => (0.7, false),
        Persona::Declining => (1.0, false),
        Persona::Dark => match p.dark_from {
            Some(dark) if d >= dark => (0.05, false),
            _ => (0.8, false),
        },
        Persona::Troubled if d > TODAY - 60 => (3.0, true),
        Persona::Troubled => (1.5, false),
        Persona::New if d - p.start < 30 => (2.5, false),
        Persona::New => (1.0, false),
        Persona::Churned => match p.drop_at {
            Some(drop_at) if d >= drop_at - 30 => (3.5, true),
            Some(_) => (1.0, false),
            None => (0.7, false),
        },
    }
}

pub(super) fn new_ticket(p: &Plan, rng: &mut Rng, d: Day, escalating: bool) -> Ticket {
    let priority = rng.weighted(if escalating {
        &[15, 40, 30, 15]
    } else {
        &[25, 50, 18, 7]
    });
    let opened = p.business_moment(rng, d);
    let (min, max) = match priority {
        3 => (120, 2 * MINUTES_PER_DAY),
        2 => (MINUTES_PER_DAY, 5 * MINUTES_PER_DAY),
        1 => (MINUTES_PER_DAY, 10 * MINUTES_PER_DAY),
        _ => (MINUTES_PER_DAY / 2, 20 * MINUTES_PER_DAY),
    };
    // Skewed towards quick resolutions.
    let resolution = min + ((max - min) as f64 * cube(rng.unit())) as Moment;
    let stuck = escalating && priority >= 2 && rng.chance(0.2);
    let subjects = if p.japanese && rng.chance(0.85) {
        JP_SUBJECTS[priority]
    } else {
        EN_SUBJECTS[priority]
    };
    Ticket {
        opened,
        closed: (!stuck).then_some(opened + resolution),
        priority,
        subject: rng.pick(subjects),
    }
}

pub(super) fn plan_tickets(p: &Plan, cal: &Calendar, tickets: &mut Vec<Ticket>) {
    tickets.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_TICKETS));
    let monthly = match p.segment {
        Segment::Smb => 0.35,
        Segment::MidMarket => 0.9,
        Segment::Enterprise => 2.2,
    };
    for d in p.history_start()..=p.end() {
        let (pressure, escalating) = ticket_pressure(p, d);
        let mut rate = monthly / 30.0 * pressure;
        if cal.is_weekend(d) {
            rate *= 0.25;
        }
        while rate > 0.0 {
            if rng.chance(rate) {
                tickets.push(new_ticket(p, &mut rng, d, escalating));
            }
            rate -= 1.0;
        }
    }
    // Most troubled accounts have a high-priority ticket open for over a week.
    if p.persona == Persona::Troubled && rng.chance(0.7) {
        let d = (TODAY - rng.range(8, 30)).max(p.start);
        let mut ticket = new_ticket(p, &mut rng, d, true);
        ticket.priority = 2 + rng.below(2) as usize;
        ticket.subject = rng.pick(if p.japanese {
            JP_SUBJECTS[ticket.priority]
        } else {
            EN_SUBJECTS[ticket.priority]
        });
        ticket.closed = None;
        tickets.push(ticket);
    }
    let limit = p.end_moment();
    for t in tickets.iter_mut() {
        match t.closed {
            Some(closed) if closed > limit => {
                t.closed = p.churn.is_some().then_some(limit);
            }
            // A churned customer's leftovers are closed out on the churn date.
            None if p.churn.is_some() => t.closed = Some(limit),
            _ => {}
        }
    }
    tickets.sort_by_key(|t| t.opened);
}

pub(super) fn write_tickets(
    p: &Plan,
    cal: &Calendar,
    tickets: &[Ticket],
    next_id: &mut u64,
    out: &mut CsvOut,
) -> io::Result<()> {
    for t in tickets {
        out.uint(*next_id);
        *next_id += 1;
        out.comma();
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, t.opened, second_of(p, t.opened));
        out.comma();
        if let Some(closed) = t.closed {
            // Closing is at least two hours after opening or clamped to 23:59,
            // so a different minute: any second keeps closed_at >= opened_at.
            out.timestamp(cal, closed, second_of(p, closed));
        }
        out.comma();
        out.raw(PRIORITIES[t.priority].as_bytes());
        out.comma();
        out.text(t.subject);
        out.end_row()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Surveys

pub(super) struct Survey {
    pub(super) at: Moment,
    /// Index into [`SURVEY_KINDS`].
    pub(super) kind: usize,
    pub(super) score: u64,
    pub(super) contact: u64,
    pub(super) comment: Option<&'static str>,
}

/// 0 = detractor, 1 = passive, 2 = promoter, given who the account is on day `d`.
pub(super) fn sentiment(p: &Plan, rng: &mut Rng, d: Day) -> usize {
    let (promoter, passive) = match p.persona {
        Persona::Healthy => (0.62, 0.3),
        Persona::Declining => (0.22, 0.45),
        Persona::Dark => (0.3, 0.45),
        Persona::Troubled if d > TODAY - 120 => (0.03, 0.15),
        Persona::Troubled => (0.2, 0.45),
        Persona::New => (0.5, 0.4),
        Persona::Churned => match (p.warning, p.churn) {
            (true, Some(churn)) if d > churn - 180 => (0.04, 0.2),
            (true, _) => (0.3, 0.45),
            (false, _) => (0.55, 0.35),
        },
    };
    let u = rng.unit();
    if u < promoter {
        2
    } else if u < promoter + passive {
        1
    } else {
        0
    }
}

pub(super) fn score_for(rng: &mut Rng, kind: usize, mood: usize) -> u64 {
    match (kind, mood) {
        (0, 2) => 9 + rng.below(2),
        (0, 1) => 7 + rng.below(2),
        (0, _) => rng.weighted(&[2, 2, 3, 5, 7, 9, 10]) as u64,
        (1, 2) => 4 + u64::from(rng.chance(0.7)),
        (1, 1) => 3 + rng.below(2),
        (1, _) => 1 + rng.below(3),
        (_, 2) => 1 + rng.below(2),
        (_, 1) => 2 + rng.below(3),
        (_, _) => 4 + rng.below(4),
    }
}

pub(super) fn plan_surveys(
    p: &Plan,
    cal: &Calendar,
    tickets: &[Ticket],
    surveys: &mut Vec<Survey>,
) {
    surveys.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_SURVEYS));
    let first = p.history_start();
    let last = p.end().min(p.dark_from.map_or(TODAY, |d| d - 1));
    let contacts = contact_count(p) as u64;
    let mut add = |rng: &mut Rng, d: Day, kind: usize, forced_mood: Option<usize>| {
        if d < first || d > last || d < p.start + 14 {
            return;
        }
        let mood = forced_mood.unwrap_or_else(|| sentiment(p, rng, d));
        let comments = if p.japanese == rng.chance(0.9) {
            JP_COMMENTS[mood]
        } else {
            EN_COMMENTS[mood]
        };
        surveys.push(Survey {
            at: p.business_moment(rng, cal.workday(d).max(first)),
            kind,
            score: score_for(rng, kind, mood),
            contact: rng.below(contacts),
            comment: rng.chance(0.4).then(|| rng.pick(comments)),
        });
    };

    // Quarterly NPS waves with a handful of respondents each.
    let respondents: &[u32] = match p.segment {
        Segment::Smb => &[35, 45, 20],
        Segment::MidMarket => &[20, 35, 30, 15],
        Segment::Enterprise => &[5, 20, 30, 25, 20],
    };
    let mut wave = first + rng.range(0, 89);
    while wave <= last {
        for _ in 0..rng.weighted(respondents) {
            let d = wave + rng.range(0, 9);
            add(&mut rng, d, 0, None);
        }
        wave += 91;
    }
    // CSAT and sometimes CES after resolved tickets.
    for t in tickets {
        if let Some(closed) = t.closed {
            let d = (closed / MINUTES_PER_DAY) as Day + rng.range(0, 2);
            if rng.chance(0.35) {
                add(&mut rng, d, 1, None);
            } else if rng.chance(0.12) {
                add(&mut rng, d, 2, None);
            }
        }
    }
    match p.persona {
        Persona::New => {
            let d = p.start + rng.range(14, 30);
            add(&mut rng, d, 2, None);
        }
        Persona::Troubled => {
            let d = TODAY - rng.range(0, 45);
            add(&mut rng, d, 0, Some(0));
        }
        Persona::Churned if p.warning => {
            if let Some(churn) = p.churn {
                let d = churn - rng.range(30, 150);
                add(&mut rng, d, 0, Some(0));
            }
        }
        _ => {}
    }
    surveys.sort_by_key(|s| s.at);
}

pub(super) fn write_surveys(
    p: &Plan,
    cal: &Calendar,
    surveys: &[Survey],
    out: &mut CsvOut,
) -> io::Result<()> {
    let contacts: Vec<String> = people(p).into_iter().map(|person| person.email).collect();
    for s in surveys {
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, s.at, second_of(p, s.at));
        out.comma();
        out.raw(SURVEY_KINDS[s.kind].as_bytes());
        out.comma();
        out.uint(s.score);
        out.comma();
        out.text(&contacts[s.contact as usize]);
        out.comma();
        if let Some(comment) = s.comment {
            out.text(comment);
        }
        out.end_row()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Activities

pub(super) struct Activity {
    pub(super) at: Moment,
    /// Index into [`ACTIVITY_KINDS`].
    pub(super) kind: usize,
    pub(super) summary: &'static str,
}

pub(super) fn plan_activities(p: &Plan, cal: &Calendar, activities: &mut Vec<Activity>) {
    activities.clear();
    let mut rng = Rng::new(mix(p.seed, STREAM_ACTIVITIES));
    let japanese = CSMS[p.author].1;
    let first = p.history_start();
    let last = p.end().min(p.last_touch.unwrap_or(TODAY));
    let mut add = |rng: &mut Rng, d: Day, kind: usize, summaries: &[&'static str]| {
        if d < first || d > last {
            return;
        }
        activities.push(Activity {
            at: p.business_moment(rng, cal.workday(d).max(first)),
            kind,
            summary: rng.pick(summaries),
        });
    };
    let pick_lang = |lists: (&'static [&'static str], &'static [&'static str])| {
        if japanese { lists.1 } else { lists.0 }
    };
    let routine = if japanese { &JP_ROUTINE } else { &EN_ROUTINE };

    // Days between routine touches; the explicit neglect gap comes from `last_touch`.
    let (lo, hi) = match (p.segment, p.persona) {
        (Segment::Enterprise, _) | (_, Persona::Healthy) => (7, 28),
        (Segment::MidMarket, _) => (14, 42),
        (Segment::Smb, _) => (21, 60),
    };
    let mut d = first + rng.range(0, hi);
    while d <= last {
        let kind = [0, 1, 2, 4][rng.weighted(&[30, 40, 15, 15])];
        add(&mut rng, d, kind, routine[kind]);
        d += rng.range(lo, hi);
    }
    if p.segment == Segment::Enterprise || (p.segment == Segment::MidMarket && rng.chance(0.5)) {
        let mut d = first + rng.range(20, 90);
        while d <= last {
            add(&mut rng, d, 3, routine[3]);
            d += rng.range(84, 98);
        }
    }

    match p.persona {
        Persona::New => {
            let d = p.start + rng.range(0, 2);
            add(&mut rng, d, 2, pick_lang(KICKOFF));
            for week in 1..=6 {
                add(&mut rng, p.start + 7 * week, 0, pick_lang(ONBOARDING));
            }
        }
        Persona::Troubled => {
            let mut d = TODAY - 45 + rng.range(0, 5);
            while d <= TODAY {
                let kind = [0, 2, 4][rng.weighted(&[50, 20, 30])];
                add(&mut rng, d, kind, pick_lang(ESCALATION));
                d += rng.range(3, 8);
            }
        }
        Persona::Dark => {
            if let Some(dark_from) = p.dark_from {
                let mut d = dark_from + rng.range(7, 14);
                while d <= TODAY {
                    add(&mut rng, d, 1, pick_lang(NO_REPLY));
                    d += rng.range(7, 14);
                }
            }
        }
        Persona::Churned => {
            if let (Some(churn), Some(drop_at)) = (p.churn, p.drop_at) {
                let mut d = drop_at + rng.range(3, 10);
                while d < churn {
                    let kind = [0, 4][rng.below(2) as usize];
                    add(&mut rng, d, kind, pick_lang(RENEWAL_RISK));
                    d += rng.range(7, 14);
                }
            }
            if let Some(churn) = p.churn {
                let summaries = if p.warning {
                    CHURN_CONFIRMED
                } else {
                    CHURN_SURPRISE
                };
                add(&mut rng, churn, 4, pick_lang(summaries));
            }
        }
        Persona::Healthy | Persona::Declining => {}
    }
    activities.sort_by_key(|a| a.at);
}

pub(super) fn write_activities(
    p: &Plan,
    cal: &Calendar,
    activities: &[Activity],
    out: &mut CsvOut,
) -> io::Result<()> {
    for a in activities {
        out.raw(p.id.as_bytes());
        out.comma();
        out.timestamp(cal, a.at, second_of(p, a.at));
        out.comma();
        out.raw(ACTIVITY_KINDS[a.kind].as_bytes());
        out.comma();
        out.text(a.summary);
        out.comma();
        out.text(CSMS[p.author].0);
        out.end_row()?;
    }
    Ok(())
}
