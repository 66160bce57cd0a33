//! HEALTH.md "Profiles": segment scorecards in the model file, checked by hand on a small
//! portfolio as of 2026-11-20.

mod common;

use retain::db::Db;
use retain::model::Model;
use retain::model::score::{self, AccountScore, AsOf};

const PROFILES: &str = r#"
[[profile]]
name = "smb"
match = { segment = ["SMB"] }
[[profile.measure]]
name = "recency"
weight = 0
[[profile.measure]]
name = "utilization"
weight = 30

[[profile]]
name = "smb-starter"
match = { segment = ["smb"], plan = ["Starter"] }

[[profile]]
name = "enterprise"
match = { segment = ["Enterprise"], plan = ["Business", "Enterprise"] }
[[profile.band]]
name = "green"
min = 80
max = 100
[[profile.band]]
name = "yellow"
min = 50
max = 79
[[profile.band]]
name = "red"
min = 0
max = 49
"#;

fn model() -> Model {
    Model::parse(
        "profiles.toml",
        &format!("{}{PROFILES}", retain::model::DEFAULT_TOML),
    )
    .unwrap()
}

/// P-1 ＳＭＢ (full width), touched 14 days before T. P-2 SMB/Starter, 10 seats, 5 users active
/// on T−1. P-3 Enterprise/Business, touched 33 days before T (recency 75). P-4 Mid-Market,
/// touched 33 days before. P-5 Enterprise/Starter, touched 33 days before.
fn portfolio(model: &Model) -> Vec<AccountScore> {
    let db: Db = Db::open_in_memory().unwrap();
    for sql in [
        "INSERT INTO accounts VALUES ('P-1', 'One', NULL, 'ＳＭＢ', 'Growth', 1000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO accounts VALUES ('P-2', 'Two', NULL, 'SMB', 'Starter', 1000, 10, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO accounts VALUES ('P-3', 'Three', NULL, 'Enterprise', 'business', 1000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO accounts VALUES ('P-4', 'Four', NULL, 'Mid-Market', 'Business', 1000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO accounts VALUES ('P-5', 'Five', NULL, 'Enterprise', 'Starter', 1000, NULL, DATE '2025-01-01', NULL, NULL, NULL)",
        "INSERT INTO activities VALUES ('P-1', TIMESTAMP '2026-11-06 10:00:00', 'call', NULL, 'a', NULL)",
        "INSERT INTO activities SELECT id, TIMESTAMP '2026-10-18 10:00:00', 'call', NULL, 'a', NULL FROM (VALUES ('P-3'), ('P-4'), ('P-5')) t(id)",
        "INSERT INTO usage SELECT 'P-2', 'u' || i, TIMESTAMP '2026-11-19 10:00:00', NULL, 1, NULL FROM range(5) t(i)",
    ] {
        db.conn().execute(sql, []).unwrap();
    }
    score::install(db.conn(), model).unwrap();
    let mut scores =
        score::score_accounts(db.conn(), AsOf::historical("2026-11-20".parse().unwrap())).unwrap();
    scores.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    scores
}

#[test]
fn the_first_matching_profile_scores_ignoring_case_and_width() {
    let scores = portfolio(&model());
    let profiles: Vec<(&str, Option<&str>)> = scores
        .iter()
        .map(|a| (a.account_id.as_str(), a.profile.as_deref()))
        .collect();
    assert_eq!(
        profiles,
        [
            ("P-1", Some("smb")),        // ＳＭＢ is SMB
            ("P-2", Some("smb")),        // also smb-starter's, but smb comes first
            ("P-3", Some("enterprise")), // business is Business
            ("P-4", None),               // no profile for Mid-Market: the base model
            ("P-5", None),               // Enterprise, but not on a listed plan
        ]
    );
}

#[test]
fn weight_zero_turns_a_measure_off_and_coverage_counts_the_profiles_weights() {
    let scores = portfolio(&model());
    // P-1's only measure is recency, off in "smb": no score at all (never 0).
    assert_eq!((scores[0].health, scores[0].coverage), (None, 0.0));
    assert!(scores[0].measures.iter().all(|m| m.measure != "recency"));
    // P-2: utilization 5/10 = 0.5 → 50 at weight 30, usage_trend 1.0 → 100 at 15:
    // (30×50 + 15×100) / 45 = 66.67 → 67; coverage 45 of smb's 110 (30 + 15 + 5 + 15 + 5 +
    // 15 + 10 + 5 + 10). The base model would give (20×50 + 15×100) / 35 = 71.
    let p2 = &scores[1];
    assert_eq!(p2.health, Some(67));
    assert!(
        (p2.coverage - 45.0 / 110.0).abs() < 1e-12,
        "{}",
        p2.coverage
    );
    let base = portfolio(&Model::default_model());
    assert_eq!(base[1].health, Some(71));
}

#[test]
fn profile_bands_replace_the_base_bands_for_its_accounts() {
    let scores = portfolio(&model());
    // Touched 33 days before T: recency 100 × (90 − 33) / 76 = 75, the only measure.
    for (account, band) in [(2, "yellow"), (3, "green"), (4, "green")] {
        let a = &scores[account];
        assert_eq!(a.health, Some(75), "{}", a.account_id);
        assert_eq!(a.band.as_deref(), Some(band), "{}", a.account_id);
    }
}

#[test]
fn a_model_without_profiles_keeps_its_fingerprint() {
    assert_eq!(
        Model::default_model().hash(),
        Model::parse("m", retain::model::DEFAULT_TOML)
            .unwrap()
            .hash()
    );
    assert_ne!(model().hash(), Model::default_model().hash());
}

fn error(profile: &str) -> String {
    Model::parse(
        "m.toml",
        &format!("{}{profile}", retain::model::DEFAULT_TOML),
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn profiles_are_checked_with_line_and_column() {
    let lines = retain::model::DEFAULT_TOML.lines().count();
    let unknown = error(
        "[[profile]]\nname = \"x\"\nmatch = { segment = [\"SMB\"] }\n[[profile.measure]]\nname = \"loyalty\"\nweight = 3\n",
    );
    assert!(
        unknown.starts_with(&format!(
            "m.toml:{}:8: profile \"x\": \"loyalty\" is not a measure of the base model",
            lines + 5
        )),
        "{unknown}"
    );
    let negative = error(
        "[[profile]]\nname = \"x\"\nmatch = { segment = [\"SMB\"] }\n[[profile.measure]]\nname = \"nps\"\nweight = -1\n",
    );
    assert!(
        negative.contains("weight must be ≥ 0 (0 turns it off)"),
        "{negative}"
    );
    let everyone = error("[[profile]]\nname = \"x\"\nmatch = {}\n");
    assert!(
        everyone.contains("match needs segment = [...] and/or plan = [...]"),
        "{everyone}"
    );
    let twice = error(
        "[[profile]]\nname = \"x\"\nmatch = { plan = [\"A\"] }\n[[profile]]\nname = \"x\"\nmatch = { plan = [\"B\"] }\n",
    );
    assert!(twice.contains("profile \"x\" is defined twice"), "{twice}");
    let gap = error(
        "[[profile]]\nname = \"x\"\nmatch = { plan = [\"A\"] }\n[[profile.band]]\nname = \"g\"\nmin = 50\nmax = 100\n",
    );
    assert!(
        gap.contains("bands leave a gap: no band covers 0–49"),
        "{gap}"
    );
    let typo = error("[[profile]]\nname = \"x\"\nmatch = { segmnet = [\"A\"] }\n");
    assert!(typo.contains("unknown field `segmnet`"), "{typo}");
}

#[test]
fn the_model_tab_lists_each_profile_and_what_it_changes() {
    let app = retain::app::App::new(model(), "alice", "2026-11-23".parse().unwrap(), "t.duckdb");
    let rows: Vec<String> = app.model_rows().into_iter().map(|(_, text)| text).collect();
    assert!(
        rows.contains(&"profile smb: segment smb; utilization 0.2–0.8 ×30, recency off".to_owned()),
        "{rows:#?}"
    );
    assert!(
        rows.contains(&"profile enterprise: segment enterprise and plan business, enterprise; the base measures; its own bands".to_owned()),
        "{rows:#?}"
    );
}
