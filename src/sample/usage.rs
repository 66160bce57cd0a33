//! Usage: each user's product events, day by day.

use super::*;

#[derive(Default)]
pub(super) struct Scratch {
    pub(super) usage: UsageScratch,
    pub(super) tickets: Vec<Ticket>,
    pub(super) surveys: Vec<Survey>,
    pub(super) activities: Vec<Activity>,
}

/// Reused across accounts so the hot loop does not allocate.
#[derive(Default)]
pub(super) struct UsageScratch {
    pub(super) users: Vec<User>,
    pub(super) ids: Vec<u8>,
}

pub(super) struct User {
    /// Chance of being active on a normal weekday.
    pub(super) p: f64,
    /// Users with a rank above the account's current breadth have stopped using the product.
    pub(super) rank: f64,
    pub(super) features: [u8; 4],
    pub(super) feature_count: usize,
    /// Minutes after the start of the business day this user usually starts.
    pub(super) shift: u32,
    pub(super) id: (usize, usize),
}

pub(super) fn write_usage(
    p: &Plan,
    cal: &Calendar,
    s: &mut UsageScratch,
    out: &mut CsvOut,
) -> io::Result<()> {
    let first = p.start.max(TODAY - USAGE_DAYS + 1);
    let stop = p
        .churn
        .unwrap_or(TODAY + 1)
        .min(p.dark_from.unwrap_or(TODAY + 1));
    if first >= stop {
        return Ok(());
    }
    let mut rng = Rng::new(mix(p.seed, STREAM_USAGE));

    // Bigger rosters have more occasional users, which keeps row counts in
    // check while seat utilisation still looks plausible. Weights are for
    // (occasional, regular, power) users.
    let (user_mix, activity_scale, extra_feature): (&[u32], f64, f64) = match p.segment {
        Segment::Smb => (&[55, 35, 10], 1.0, 0.3),
        Segment::MidMarket => (&[62, 32, 6], 0.6, 0.25),
        Segment::Enterprise => (&[75, 22, 3], 0.33, 0.15),
    };
    let roster = ((f64::from(p.seats) * p.adoption) as usize).clamp(1, MAX_USERS);
    s.users.clear();
    s.ids.clear();
    let feature_weights = FEATURES.map(|(_, w, _)| w);
    for k in 0..roster {
        let p_active = match rng.weighted(user_mix) {
            0 => 0.03 + 0.05 * rng.unit(),
            1 => 0.08 + 0.17 * rng.unit(),
            _ => 0.3 + 0.3 * rng.unit(),
        } * activity_scale;
        let mut features = [0u8; 4];
        let mut feature_count = 0;
        if k == 0 {
            features[0] = ADMIN_FEATURE;
            feature_count = 1;
        }
        let wanted = feature_count + 1 + rng.weighted(&[40, 35, 25]);
        while feature_count < wanted.min(features.len()) {
            let f = rng.weighted(&feature_weights) as u8;
            if !features[..feature_count].contains(&f) {
                features[feature_count] = f;
                feature_count += 1;
            }
        }
        let id_start = s.ids.len();
        write!(s.ids, "u-{:06}-{:02}", p.num, k + 1)?;
        s.users.push(User {
            p: p_active,
            rank: rng.unit(),
            features,
            feature_count,
            shift: rng.below(240) as u32,
            id: (id_start, s.ids.len()),
        });
    }

    let drop_level = 0.15 + 0.2 * rng.unit();
    let step = 1.0 + p.trend_per_week / 7.0;
    let mut level = 1.0;
    let mut drop = 1.0;
    // Start early enough that trends and the post-drop fade have accumulated by `first`.
    let from = first.min(p.trend_from).min(p.drop_at.unwrap_or(first));
    for d in from..stop {
        if d > p.trend_from {
            level *= step;
        }
        if let Some(drop_at) = p.drop_at.filter(|&a| d >= a) {
            // A cliff over a week, then a steady fade until the churn date.
            let x = d - drop_at;
            drop = if x < 7 {
                1.0 - (1.0 - drop_level) * f64::from(x + 1) / 7.0
            } else {
                drop * 0.97
            };
        }
        if d < first {
            continue;
        }
        let mut f = level * drop;
        let age = d - p.start;
        if age < 45 {
            f *= 0.15 + 0.85 * f64::from(age) / 45.0;
        }
        if let Some(dark_from) = p.dark_from.filter(|&x| x - d <= 14) {
            f *= 0.5 + 0.5 * f64::from(dark_from - d) / 14.0;
        }
        if p.persona == Persona::Troubled && d > TODAY - 30 {
            f *= 0.75;
        }
        if f <= 0.0 {
            continue;
        }
        let breadth = f.sqrt().min(1.0);
        let mut depth = f / breadth * (0.75 + 0.5 * rng.unit());
        if cal.is_weekend(d) {
            depth *= 0.12;
        }
        let day_start = Moment::from(d) * MINUTES_PER_DAY + Moment::from(p.utc_hour * 60);
        for user in &s.users {
            if user.rank >= breadth || !rng.chance(user.p * depth) {
                continue;
            }
            let session = day_start + Moment::from(user.shift) + rng.below(300) as Moment;
            for (i, &feat) in user.features[..user.feature_count].iter().enumerate() {
                if i > 0 && !rng.chance(extra_feature) {
                    continue;
                }
                let (feature, _, max_count) = FEATURES[feat as usize];
                let at = (session + rng.below(45) as Moment)
                    .min(Moment::from(d) * MINUTES_PER_DAY + MINUTES_PER_DAY - 1);
                // Nested draw: small counts are common, big ones rare.
                let spread = 1 + rng.below(max_count);
                let count = 1 + rng.below(spread);
                out.raw(p.id.as_bytes());
                out.comma();
                out.raw(&s.ids[user.id.0..user.id.1]);
                out.comma();
                out.timestamp(cal, at, 0);
                out.comma();
                out.raw(feature.as_bytes());
                out.comma();
                out.uint(count);
                out.end_row()?;
            }
        }
    }
    Ok(())
}
