//! Accounts: segment, persona, plan and price of each sample account.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Segment {
    Smb,
    MidMarket,
    Enterprise,
}

impl Segment {
    pub(super) fn label(self) -> &'static str {
        match self {
            Segment::Smb => "SMB",
            Segment::MidMarket => "Mid-Market",
            Segment::Enterprise => "Enterprise",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Persona {
    Healthy,
    Declining,
    Dark,
    Troubled,
    New,
    Churned,
}

pub(super) const PERSONAS: [(Persona, u32); 6] = [
    (Persona::Healthy, 50),
    (Persona::Declining, 20),
    (Persona::Dark, 7),
    (Persona::Troubled, 8),
    (Persona::New, 5),
    (Persona::Churned, 10),
];

/// Everything decided up front for one account; the per-file generators only
/// read it.
pub(super) struct Plan {
    pub(super) seed: u64,
    pub(super) id: String,
    pub(super) num: usize,
    pub(super) name: String,
    pub(super) japanese: bool,
    pub(super) domain: String,
    pub(super) owner: Option<usize>,
    /// Who writes activities: the owner, or a former owner when unassigned.
    pub(super) author: usize,
    pub(super) segment: Segment,
    pub(super) plan: &'static str,
    pub(super) arr_cents: u64,
    pub(super) seats: u32,
    pub(super) seats_known: bool,
    pub(super) start: Day,
    pub(super) renewal: Option<NaiveDate>,
    pub(super) churn: Option<Day>,
    pub(super) persona: Persona,
    /// Churned with warning signs (usage drop, tickets, detractors).
    pub(super) warning: bool,
    /// Day a churning account's usage falls off a cliff.
    pub(super) drop_at: Option<Day>,
    /// First day without usage for a gone-dark account.
    pub(super) dark_from: Option<Day>,
    /// Share of seats that have a user at all.
    pub(super) adoption: f64,
    /// Usage trend per week (e.g. -0.02) starting on `trend_from`.
    pub(super) trend_per_week: f64,
    pub(super) trend_from: Day,
    /// Last day the CSM touched the account when it is being neglected.
    pub(super) last_touch: Option<Day>,
    /// Start of the customer's business day, in UTC hours.
    pub(super) utc_hour: u32,
}

impl Plan {
    /// Last day that may carry any row.
    pub(super) fn end(&self) -> Day {
        self.churn.unwrap_or(TODAY)
    }

    /// Last minute that may carry any row.
    pub(super) fn end_moment(&self) -> Moment {
        Moment::from(self.end()) * MINUTES_PER_DAY + MINUTES_PER_DAY - 1
    }

    /// First day of the ~12-month history window for tickets, surveys and activities.
    pub(super) fn history_start(&self) -> Day {
        self.start.max(TODAY - HISTORY_DAYS + 1)
    }

    /// A time during the customer's business day.
    pub(super) fn business_moment(&self, rng: &mut Rng, d: Day) -> Moment {
        Moment::from(d) * MINUTES_PER_DAY
            + Moment::from(self.utc_hour * 60)
            + rng.below(9 * 60) as Moment
    }
}

pub(super) fn plan_account(
    seed: u64,
    idx: usize,
    cal: &Calendar,
    names: &mut HashSet<String>,
) -> Plan {
    let seed = mix(seed, idx as u64);
    let mut rng = Rng::new(mix(seed, STREAM_PLAN));
    let num = idx + 1;
    let weights = PERSONAS.map(|(_, w)| w);
    let persona = PERSONAS[rng.weighted(&weights)].0;
    let segment =
        [Segment::Smb, Segment::MidMarket, Segment::Enterprise][rng.weighted(&[60, 30, 10])];
    let japanese = rng.chance(0.35);
    let (name, domain) = company_name(&mut rng, japanese, num, names);

    let owner = (!rng.chance(0.03)).then(|| pick_csm(&mut rng, japanese));
    let author = owner.unwrap_or_else(|| pick_csm(&mut rng, japanese));

    let seats = match segment {
        Segment::Smb => 5 + (45.0 * cube(rng.unit())) as u32,
        Segment::MidMarket => 50 + (350.0 * square(square(rng.unit()))) as u32,
        Segment::Enterprise => match rng.weighted(&[78, 16, 5, 1]) {
            0 => rng.range(300, 700) as u32,
            1 => rng.range(700, 1500) as u32,
            2 => rng.range(1500, 3000) as u32,
            _ => rng.range(3000, 5000) as u32,
        },
    };
    let seats_known = !rng.chance(0.03);
    let (plan, arr_cents) = price(&mut rng, segment, seats);

    let mut churn = None;
    let mut warning = false;
    let mut drop_at = None;
    let mut dark_from = None;
    let start = match persona {
        Persona::New => TODAY - rng.range(0, 59),
        Persona::Churned => {
            let day = TODAY - rng.range(1, 365);
            churn = Some(day);
            warning = rng.chance(0.8);
            if warning {
                drop_at = Some(day - rng.range(30, 90));
            }
            churned_start(&mut rng, cal, day)
        }
        Persona::Dark => {
            dark_from = Some(TODAY - rng.range(20, 60));
            TODAY - rng.range(120, MAX_START_AGO)
        }
        _ => TODAY - rng.range(61, MAX_START_AGO),
    };

    let renewal = (!rng.chance(0.02)).then(|| {
        let anchor = cal.date(churn.unwrap_or(TODAY)) - TimeDelta::days(30);
        next_anniversary(cal.date(start), anchor)
    });

    let low_adoption = match persona {
        Persona::Declining => rng.chance(0.35),
        Persona::Troubled => rng.chance(0.45),
        Persona::Dark => rng.chance(0.2),
        Persona::Churned => warning && rng.chance(0.3),
        Persona::Healthy | Persona::New => false,
    };
    let adoption = if low_adoption {
        0.08 + 0.17 * rng.unit()
    } else {
        0.55 + 0.4 * rng.unit()
    };

    let (trend_per_week, trend_from) = match persona {
        Persona::Healthy => (0.01 * rng.unit(), TODAY - USAGE_DAYS),
        Persona::Declining => (-(0.01 + 0.02 * rng.unit()), TODAY - rng.range(90, 200)),
        Persona::Troubled => (-0.005, TODAY - USAGE_DAYS),
        _ => (0.0, TODAY),
    };

    let neglect = match persona {
        Persona::Healthy => 0.08,
        Persona::Declining => 0.3,
        Persona::Dark => 0.4,
        Persona::Troubled => 0.03,
        Persona::New => 0.0,
        Persona::Churned => 0.15,
    };
    let last_touch = (owner.is_none() || rng.chance(neglect)).then(|| TODAY - rng.range(30, 120));

    // Japanese customers work 09:00-18:00 JST, the others roughly US Eastern.
    let utc_hour = rng.below(2) as u32 + if japanese { 0 } else { 13 };

    Plan {
        seed,
        id: format!("A-{num:06}"),
        num,
        name,
        japanese,
        domain,
        owner,
        author,
        segment,
        plan,
        arr_cents,
        seats,
        seats_known,
        start,
        renewal,
        churn,
        persona,
        warning,
        drop_at,
        dark_from,
        adoption,
        trend_per_week,
        trend_from,
        last_touch,
        utc_hour,
    }
}

pub(super) fn square(x: f64) -> f64 {
    x * x
}

pub(super) fn cube(x: f64) -> f64 {
    x * x * x
}

/// Japanese companies mostly get a Japanese-speaking CSM and vice versa.
pub(super) fn pick_csm(rng: &mut Rng, japanese: bool) -> usize {
    let same_language = rng.chance(if japanese { 0.75 } else { 0.9 });
    let want_japanese = japanese == same_language;
    let pool: Vec<usize> = (0..CSMS.len())
        .filter(|&i| CSMS[i].1 == want_japanese)
        .collect();
    rng.pick(&pool)
}

/// Returns a name unique within this run, and an e-mail domain.
pub(super) fn company_name(
    rng: &mut Rng,
    japanese: bool,
    num: usize,
    names: &mut HashSet<String>,
) -> (String, String) {
    let mut attempt = 0;
    loop {
        let (before, core, after, slug) = if japanese {
            let (brand, brand_romaji) = rng.pick(JP_BRANDS);
            let (region, region_romaji) = if rng.chance(0.3) {
                rng.pick(JP_REGIONS)
            } else {
                ("", "")
            };
            let (business, business_romaji) = rng.pick(JP_BUSINESS);
            let (before, after) = rng.pick(JP_FORMS);
            let slug = if region.is_empty() {
                format!("{brand_romaji}-{business_romaji}")
            } else {
                format!("{region_romaji}-{brand_romaji}-{business_romaji}")
            };
            (before, format!("{region}{brand}{business}"), after, slug)
        } else {
            let brand = rng.pick(EN_BRANDS);
            let middle = if rng.chance(0.35) {
                rng.pick(EN_MIDDLES)
            } else {
                ""
            };
            let core = rng.pick(EN_CORES);
            let legal = rng.pick(EN_LEGAL);
            let full = if middle.is_empty() {
                format!("{brand} {core}")
            } else {
                format!("{brand} {middle} {core}")
            };
            let slug = full.to_ascii_lowercase().replace(' ', "-");
            ("", full, legal, slug)
        };
        let name = if attempt < 4 {
            format!("{before}{core}{after}")
        } else {
            // Word lists hold no digits, so the account number makes it unique.
            format!("{before}{core} {num}{after}")
        };
        if names.insert(name.clone()) {
            return (name, format!("{slug}.example.com"));
        }
        attempt += 1;
    }
}

/// Picks a plan and an ARR consistent with segment and seats.
pub(super) fn price(rng: &mut Rng, segment: Segment, seats: u32) -> (&'static str, u64) {
    let (plan, per_seat, lo, hi) = match segment {
        Segment::Smb => {
            let plan = if rng.chance(0.6) { "Starter" } else { "Growth" };
            (plan, 300 + rng.below(300), 3_000, 25_000)
        }
        Segment::MidMarket => {
            let plan = if rng.chance(0.4) {
                "Growth"
            } else {
                "Business"
            };
            (plan, 350 + rng.below(350), 25_000, 150_000)
        }
        Segment::Enterprise => {
            let plan = if rng.chance(0.3) {
                "Business"
            } else {
                "Enterprise"
            };
            (plan, 220 + rng.below(250), 150_000, 1_200_000)
        }
    };
    let dollars = (u64::from(seats) * per_seat).clamp(lo, hi);
    let cents = if rng.chance(0.8) {
        (dollars + 50) / 100 * 10_000
    } else {
        dollars * 100 + [0, 40, 50, 80][rng.below(4) as usize]
    };
    (plan, cents)
}

/// Most churn happens at a renewal (start = a whole number of years before),
/// the rest mid-term.
pub(super) fn churned_start(rng: &mut Rng, cal: &Calendar, churn: Day) -> Day {
    let earliest = TODAY - MAX_START_AGO;
    if rng.chance(0.75) {
        let anniversary = cal.date(churn - rng.range(0, 14));
        let years = if rng.chance(0.4) { 2 } else { 1 };
        let start = cal.day_of(shift_years(anniversary, -years));
        if start >= earliest {
            return start;
        }
        return cal.day_of(shift_years(anniversary, -1));
    }
    rng.range(earliest, churn - 60)
}

/// Same month and day `years` later; 29 February falls back to the 28th.
pub(super) fn shift_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .unwrap_or(date)
}

/// First anniversary of `start` (at least one year after it) on or after `from`.
pub(super) fn next_anniversary(start: NaiveDate, from: NaiveDate) -> NaiveDate {
    let mut years = (from.year() - start.year() - 1).max(1);
    loop {
        let date = shift_years(start, years);
        if date >= from {
            return date;
        }
        years += 1;
    }
}

pub(super) fn write_account(p: &Plan, cal: &Calendar, out: &mut CsvOut) -> io::Result<()> {
    out.raw(p.id.as_bytes());
    out.comma();
    out.text(&p.name);
    out.comma();
    if let Some(owner) = p.owner {
        out.text(CSMS[owner].0);
    }
    out.comma();
    out.raw(p.segment.label().as_bytes());
    out.comma();
    out.raw(p.plan.as_bytes());
    out.comma();
    out.uint(p.arr_cents / 100);
    out.raw(b".");
    out.two_digits((p.arr_cents % 100) as u32);
    out.comma();
    if p.seats_known {
        out.uint(u64::from(p.seats));
    }
    out.comma();
    out.raw(cal.dates[p.start as usize].as_bytes());
    out.comma();
    if let Some(renewal) = p.renewal {
        out.raw(renewal.format("%Y-%m-%d").to_string().as_bytes());
    }
    out.comma();
    if let Some(churn) = p.churn {
        out.raw(cal.dates[churn as usize].as_bytes());
    }
    out.end_row()
}

/// A stable pseudo-random second for a minute-resolution moment.
pub(super) fn second_of(p: &Plan, at: Moment) -> u32 {
    (mix(p.seed, at as u64) % 60) as u32
}
