//! The health model: HEALTH.md's tables as a TOML file, validated with file:line:column errors.
//! The default ships inside the binary; `--model FILE` replaces it.

pub mod filter;
pub mod queue;
pub mod score;

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::error::ModelError;

pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// The at-risk reasons of HEALTH.md: code, the short form for narrow columns, and what it means.
pub const REASONS: &[(&str, &str, &str)] = &[
    ("FLAGGED", "FLAG", "a CSM flagged the account at risk"),
    ("RED", "RED", "health below 40"),
    (
        "USAGE_DROP",
        "DROP",
        "usage down 30% or more on the 30 days before",
    ),
    ("GONE_DARK", "DARK", "no product use for 14 days or more"),
    ("DETRACTOR", "DETR", "an NPS of 0–6 in the last 90 days"),
    (
        "ESCALATION",
        "ESC",
        "an urgent or high ticket open over 7 days",
    ),
    ("LOW_ADOPTION", "ADOPT", "under 30% of the seats in use"),
    (
        "RENEWAL_RISK",
        "RENEW",
        "renews within 90 days with health below 70",
    ),
    (
        "OUTCOME_OVERDUE",
        "LATE",
        "an agreed outcome is past its due date",
    ),
    (
        "CHAMPION_LEFT",
        "CHAMP",
        "a champion or decision maker left in the last 90 days",
    ),
];

/// Every metric the SQL computes per account (queries/data_metrics.sql), which a measure may use.
pub const METRICS: &[&str] = &[
    "active_users_30d",
    "utilization",
    "events_30d",
    "events_prev_30d",
    "usage_trend",
    "features_30d",
    "days_since_last_use",
    "open_ticket_load",
    "oldest_escalation_days",
    "nps_180d",
    "csat_180d",
    "ces_180d",
    "days_since_touch",
    "days_to_renewal",
    "outcomes_on_track",
    "overdue_outcomes",
];

/// A metric's raw value with its unit, as the explanation shows it: utilization as a share of
/// seats, the usage trend as a ratio, ages in days, the ticket load in points.
pub fn metric_text(metric: &str, value: f64) -> String {
    let plain = crate::format::format_value(value);
    match metric {
        // Small shares keep a decimal: 2 of 400 seats is 0.5%, not 0%.
        "utilization" if value < 0.1 => format!("{:.1}%", value * 100.0),
        "utilization" => format!("{:.0}%", value * 100.0),
        "usage_trend" => format!("{value:.2}×"),
        "outcomes_on_track" => format!("{value:.0}%"),
        "open_ticket_load" => format!("{plain} pts"),
        m if m.starts_with("days_") || m.ends_with("_days") => format!("{plain} d"),
        _ => plain,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    pub measures: Vec<Measure>,
    pub bands: Vec<Band>,
    /// Segment scorecards (HEALTH.md "Profiles"): the first that matches an account scores it.
    /// Left out of the fingerprint when there are none, so a model without profiles keeps its
    /// hash (and its stored snapshots).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Profile>,
    pub ticket_load: TicketLoad,
    pub rules: Rules,
    pub trend: Trend,
    pub confidence: Confidence,
    pub queue: Queue,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub name: String,
    pub group: String,
    pub metric: String,
    pub bad: f64,
    pub good: f64,
    pub weight: f64,
}

/// A scorecard for some accounts: its measures (the base model's, with its overrides; weight 0
/// leaves a measure out) and its bands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub name: String,
    /// Folded (case, width, NFKC) values an account's segment / plan must be one of; empty:
    /// the column is not part of the match.
    pub segments: Vec<String>,
    pub plans: Vec<String>,
    pub measures: Vec<Measure>,
    pub bands: Vec<Band>,
}

impl Profile {
    /// Whether the account's segment and plan match every column the profile lists.
    pub fn matches(&self, segment: Option<&str>, plan: Option<&str>) -> bool {
        let one_of = |wanted: &[String], value: Option<&str>| {
            wanted.is_empty() || value.is_some_and(|v| wanted.contains(&crate::text::fold(v)))
        };
        one_of(&self.segments, segment) && one_of(&self.plans, plan)
    }

    pub fn total_weight(&self) -> f64 {
        self.measures.iter().map(|m| m.weight).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub name: String,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketLoad {
    pub urgent: f64,
    pub high: f64,
    pub normal: f64,
    pub low: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub red: RedRule,
    pub usage_drop: UsageDropRule,
    pub gone_dark: GoneDarkRule,
    pub detractor: DetractorRule,
    pub escalation: EscalationRule,
    pub low_adoption: LowAdoptionRule,
    pub renewal_risk: RenewalRiskRule,
    /// The rules of the customer's side (HEALTH.md, this wave): a model file written before
    /// them still reads, with HEALTH.md's values.
    #[serde(default)]
    pub outcome_overdue: OutcomeOverdueRule,
    #[serde(default)]
    pub champion_left: ChampionLeftRule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeOverdueRule {
    pub min_outcomes: i64,
}

impl Default for OutcomeOverdueRule {
    fn default() -> Self {
        OutcomeOverdueRule { min_outcomes: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChampionLeftRule {
    pub within_days: i64,
}

impl Default for ChampionLeftRule {
    fn default() -> Self {
        ChampionLeftRule { within_days: 90 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedRule {
    pub health_below: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageDropRule {
    pub min_prev_events: i64,
    pub ratio_below: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoneDarkRule {
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetractorRule {
    pub max_score: i64,
    pub within_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    pub open_more_than_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowAdoptionRule {
    pub min_tenure_days: i64,
    pub utilization_below: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalRiskRule {
    pub within_days: i64,
    pub health_below: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trend {
    pub threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidence {
    pub low_coverage_below: f64,
    pub thin_sample_below: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    pub missing_health: f64,
    pub urgency: Vec<Urgency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urgency {
    pub within_days: i64,
    pub factor: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    measure: Vec<Spanned<RawMeasure>>,
    band: Vec<Spanned<RawBand>>,
    #[serde(default)]
    profile: Vec<Spanned<RawProfile>>,
    ticket_load: TicketLoad,
    rules: Rules,
    trend: Trend,
    confidence: Confidence,
    queue: Queue,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    name: Spanned<String>,
    group: String,
    metric: Spanned<String>,
    bad: f64,
    good: Spanned<f64>,
    weight: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Spanned<String>,
    #[serde(rename = "match")]
    matching: Spanned<RawMatch>,
    #[serde(default)]
    measure: Vec<Spanned<RawProfileMeasure>>,
    #[serde(default)]
    band: Vec<Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    #[serde(default)]
    segment: Vec<String>,
    #[serde(default)]
    plan: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfileMeasure {
    name: Spanned<String>,
    bad: Option<f64>,
    good: Option<Spanned<f64>>,
    weight: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    name: String,
    min: Spanned<i64>,
    max: Spanned<i64>,
}

impl Model {
    pub fn default_model() -> Model {
        Model::parse("default model", DEFAULT_TOML).expect("the embedded default model is valid")
    }

    /// Reads and validates a model file.
    pub fn from_file(path: &Path) -> Result<Model, crate::error::Error> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::error::Error::io(path, e))?;
        Ok(Model::parse(&path.display().to_string(), &text)?)
    }

    /// The model named on the command line ("default" or nothing: the built-in one).
    pub fn load(path: Option<&Path>) -> Result<Model, crate::error::Error> {
        match path {
            Some(p) if p != Path::new("default") => Model::from_file(p),
            _ => Ok(Model::default_model()),
        }
    }

    pub fn parse(file: &str, text: &str) -> Result<Model, ModelError> {
        let at =
            |span: Range<usize>, message: String| ModelError::at(file, text, span.start, message);
        let raw: RawModel = toml::from_str(text)
            .map_err(|e| at(e.span().unwrap_or(0..0), e.message().trim().to_owned()))?;

        if raw.measure.is_empty() {
            return Err(at(
                0..0,
                "the model needs at least one [[measure]]".to_owned(),
            ));
        }
        let mut measures = Vec::new();
        for spanned in &raw.measure {
            let m = spanned.get_ref();
            let name = m.name.get_ref().clone();
            if measures.iter().any(|x: &Measure| x.name == name) {
                return Err(at(
                    m.name.span(),
                    format!("measure {name:?} is defined twice"),
                ));
            }
            if !METRICS.contains(&m.metric.get_ref().as_str()) {
                return Err(at(
                    m.metric.span(),
                    format!(
                        "unknown metric {:?}; known metrics: {}",
                        m.metric.get_ref(),
                        METRICS.join(", ")
                    ),
                ));
            }
            if m.weight.get_ref().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return Err(at(
                    m.weight.span(),
                    format!("measure {name:?}: weight must be > 0"),
                ));
            }
            if m.bad == *m.good.get_ref() {
                return Err(at(
                    m.good.span(),
                    format!("measure {name:?}: bad and good must differ"),
                ));
            }
            measures.push(Measure {
                name,
                group: m.group.clone(),
                metric: m.metric.get_ref().clone(),
                bad: m.bad,
                good: *m.good.get_ref(),
                weight: *m.weight.get_ref(),
            });
        }

        let bands = checked_bands(&raw.band, &at)?;
        let profiles = checked_profiles(&raw.profile, &measures, &bands, &at)?;

        Ok(Model {
            measures,
            bands,
            profiles,
            ticket_load: raw.ticket_load,
            rules: raw.rules,
            trend: raw.trend,
            confidence: raw.confidence,
            queue: raw.queue,
        })
    }

    /// A short, stable fingerprint of what the model computes (not of its comments or layout).
    pub fn hash(&self) -> String {
        let canonical = serde_json::to_string(self).expect("a model always serialises");
        let digest = Sha256::digest(canonical.as_bytes());
        digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
    }

    pub fn total_weight(&self) -> f64 {
        self.measures.iter().map(|m| m.weight).sum()
    }

    /// The band names, best first (as the model file lists them).
    pub fn band_names(&self) -> Vec<String> {
        self.bands.iter().map(|b| b.name.clone()).collect()
    }

    /// The profile that scores an account of this segment and plan: the first that matches.
    pub fn profile_for(&self, segment: Option<&str>, plan: Option<&str>) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.matches(segment, plan))
    }

    pub fn band_for(&self, health: i64) -> Option<&str> {
        self.bands
            .iter()
            .find(|b| (b.min..=b.max).contains(&health))
            .map(|b| b.name.as_str())
    }
}

/// Bands cover 0–100 with no gap and no overlap (health is a whole number).
fn checked_bands(
    raw: &[Spanned<RawBand>],
    at: &dyn Fn(Range<usize>, String) -> ModelError,
) -> Result<Vec<Band>, ModelError> {
    let mut bands: Vec<&Spanned<RawBand>> = raw.iter().collect();
    if bands.is_empty() {
        return Err(at(
            0..0,
            "the model needs [[band]] entries covering 0–100".to_owned(),
        ));
    }
    bands.sort_by_key(|b| *b.get_ref().min.get_ref());
    let mut expected_min = 0;
    for band in &bands {
        let b = band.get_ref();
        let (min, max) = (*b.min.get_ref(), *b.max.get_ref());
        if max < min {
            return Err(at(
                b.max.span(),
                format!("band {:?}: max {max} is below min {min}", b.name),
            ));
        }
        if min > expected_min {
            return Err(at(
                b.min.span(),
                format!(
                    "bands leave a gap: no band covers {expected_min}–{}",
                    min - 1
                ),
            ));
        }
        if min < expected_min {
            return Err(at(
                b.min.span(),
                format!("band {:?} overlaps another band at {min}", b.name),
            ));
        }
        expected_min = max + 1;
    }
    if expected_min != 101 {
        let last = &bands[bands.len() - 1].get_ref().max;
        return Err(at(
            last.span(),
            format!("bands must end at 100, not {}", expected_min - 1),
        ));
    }
    Ok(raw
        .iter()
        .map(|b| {
            let b = b.get_ref();
            Band {
                name: b.name.clone(),
                min: *b.min.get_ref(),
                max: *b.max.get_ref(),
            }
        })
        .collect())
}

/// HEALTH.md "Profiles": each names measures of the base model, overrides their bad, good and
/// weight (weight 0 turns one off), and may replace the bands.
fn checked_profiles(
    raw: &[Spanned<RawProfile>],
    base: &[Measure],
    base_bands: &[Band],
    at: &dyn Fn(Range<usize>, String) -> ModelError,
) -> Result<Vec<Profile>, ModelError> {
    let mut profiles: Vec<Profile> = Vec::new();
    for spanned in raw {
        let p = spanned.get_ref();
        let name = p.name.get_ref().trim().to_owned();
        if name.is_empty() {
            return Err(at(p.name.span(), "a profile needs a name".to_owned()));
        }
        if profiles.iter().any(|q| q.name == name) {
            return Err(at(
                p.name.span(),
                format!("profile {name:?} is defined twice"),
            ));
        }
        let matching = p.matching.get_ref();
        if matching.segment.is_empty() && matching.plan.is_empty() {
            return Err(at(
                p.matching.span(),
                format!(
                    "profile {name:?}: match needs segment = [...] and/or plan = [...] (a profile for every account is the base model)"
                ),
            ));
        }
        let mut measures = base.to_vec();
        for over in &p.measure {
            let o = over.get_ref();
            let measure_name = o.name.get_ref();
            let Some(m) = measures.iter_mut().find(|m| &m.name == measure_name) else {
                return Err(at(
                    o.name.span(),
                    format!(
                        "profile {name:?}: {measure_name:?} is not a measure of the base model ({})",
                        base.iter()
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            if let Some(bad) = o.bad {
                m.bad = bad;
            }
            if let Some(good) = &o.good {
                m.good = *good.get_ref();
            }
            if let Some(weight) = &o.weight {
                if weight.get_ref().partial_cmp(&0.0) == Some(std::cmp::Ordering::Less)
                    || weight.get_ref().is_nan()
                {
                    return Err(at(
                        weight.span(),
                        format!(
                            "profile {name:?}, measure {measure_name:?}: weight must be ≥ 0 (0 turns it off)"
                        ),
                    ));
                }
                m.weight = *weight.get_ref();
            }
            if m.bad == m.good {
                let span = o.good.as_ref().map_or(o.name.span(), |g| g.span());
                return Err(at(
                    span,
                    format!("profile {name:?}, measure {measure_name:?}: bad and good must differ"),
                ));
            }
        }
        measures.retain(|m| m.weight > 0.0);
        if measures.is_empty() {
            return Err(at(
                spanned.span(),
                format!("profile {name:?} turns every measure off"),
            ));
        }
        let bands = if p.band.is_empty() {
            base_bands.to_vec()
        } else {
            checked_bands(&p.band, at)?
        };
        profiles.push(Profile {
            name,
            segments: matching
                .segment
                .iter()
                .map(|v| crate::text::fold(v))
                .collect(),
            plans: matching.plan.iter().map(|v| crate::text::fold(v)).collect(),
            measures,
            bands,
        });
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::line_column;

    #[test]
    fn raw_values_carry_their_units() {
        let shown: Vec<String> = [
            ("utilization", 0.005),
            ("utilization", 0.45),
            ("usage_trend", 0.8),
            ("open_ticket_load", 40.0),
            ("days_since_touch", 14.0),
            ("oldest_escalation_days", 19.0),
            ("nps_180d", -12.5),
        ]
        .iter()
        .map(|(metric, v)| metric_text(metric, *v))
        .collect();
        assert_eq!(
            shown,
            ["0.5%", "45%", "0.80×", "40 pts", "14 d", "19 d", "-12.50"]
        );
    }

    #[test]
    fn default_model_matches_health_md() {
        let model = Model::default_model();
        assert_eq!(model.measures.len(), 10);
        assert_eq!(model.total_weight(), 110.0);
        let outcomes = &model.measures[9];
        assert_eq!(
            (
                outcomes.metric.as_str(),
                outcomes.bad,
                outcomes.good,
                outcomes.weight
            ),
            ("outcomes_on_track", 50.0, 100.0, 10.0)
        );
        let utilization = &model.measures[0];
        assert_eq!(
            (utilization.bad, utilization.good, utilization.weight),
            (0.2, 0.8, 20.0)
        );
        assert_eq!(model.band_for(70), Some("green"));
        assert_eq!(model.band_for(69), Some("yellow"));
        assert_eq!(model.band_for(40), Some("yellow"));
        assert_eq!(model.band_for(39), Some("red"));
        assert_eq!(model.band_for(0), Some("red"));
        assert_eq!(model.band_for(100), Some("green"));
    }

    #[test]
    fn hash_ignores_comments_but_not_numbers() {
        let commented = format!("# a note\n{DEFAULT_TOML}");
        let a = Model::parse("a", &commented).unwrap();
        assert_eq!(a.hash(), Model::default_model().hash());
        let changed = DEFAULT_TOML.replace("weight = 20", "weight = 25");
        assert_ne!(Model::parse("b", &changed).unwrap().hash(), a.hash());
    }

    fn error_for(from: &str, to: &str) -> ModelError {
        assert!(DEFAULT_TOML.contains(from), "{from}");
        Model::parse("m.toml", &DEFAULT_TOML.replacen(from, to, 1)).unwrap_err()
    }

    fn position_of(needle: &str, to: &str) -> (usize, usize) {
        let text = DEFAULT_TOML.replacen(needle, to, 1);
        line_column(&text, text.find(to).unwrap())
    }

    #[test]
    fn unknown_metric_is_named_with_its_position() {
        let e = error_for("metric = \"utilization\"", "metric = \"utilisation\"");
        let (line, column) = position_of("metric = \"utilization\"", "metric = \"utilisation\"");
        assert_eq!((e.line, e.column), (line, column + "metric = ".len()));
        assert!(
            e.message.starts_with("unknown metric \"utilisation\""),
            "{}",
            e.message
        );
        assert_eq!(
            e.to_string(),
            format!("m.toml:{}:{}: {}", e.line, e.column, e.message)
        );
    }

    #[test]
    fn weight_must_be_positive() {
        let e = error_for("weight = 20", "weight = 0");
        let (line, column) = position_of("weight = 20", "weight = 0");
        assert_eq!((e.line, e.column), (line, column + "weight = ".len()));
        assert_eq!(e.message, "measure \"utilization\": weight must be > 0");
        let e = error_for("weight = 20", "weight = -3");
        assert_eq!(e.message, "measure \"utilization\": weight must be > 0");
    }

    #[test]
    fn bad_equal_to_good_is_rejected() {
        let e = error_for("good = 0.8", "good = 0.2");
        assert_eq!(
            e.message,
            "measure \"utilization\": bad and good must differ"
        );
        let (line, column) = position_of("good = 0.8", "good = 0.2");
        assert_eq!((e.line, e.column), (line, column + "good = ".len()));
    }

    #[test]
    fn band_gaps_and_overlaps_are_rejected() {
        let gap = error_for("min = 40\nmax = 69", "min = 41\nmax = 69");
        assert_eq!(gap.message, "bands leave a gap: no band covers 40–40");
        let (line, _) = position_of("min = 40\nmax = 69", "min = 41\nmax = 69");
        assert_eq!(gap.line, line);
        let overlap = error_for("min = 70\nmax = 100", "min = 65\nmax = 100");
        assert_eq!(
            overlap.message,
            "band \"green\" overlaps another band at 65"
        );
        let short = error_for("min = 70\nmax = 100", "min = 70\nmax = 99");
        assert_eq!(short.message, "bands must end at 100, not 99");
    }

    #[test]
    fn syntax_errors_and_unknown_keys_carry_positions() {
        let e = error_for("[trend]\n", "[trend]\nthreshhold = 5\n");
        assert!(
            e.message.contains("unknown field `threshhold`"),
            "{}",
            e.message
        );
        let (line, _) = position_of("[trend]\n", "[trend]\nthreshhold = 5\n");
        assert_eq!(e.line, line + 1);
        let e = Model::parse("m.toml", "[[measure]\nname = 1").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("m.toml", 1));
    }
}
