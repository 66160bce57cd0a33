//! The default health model of HEALTH.md, checked against hand-built portfolios.

mod common;

use chrono::{Days, NaiveDate};
use common::{fixture, load_dir};
use retain::db::Db;
use retain::db::actions::{self, ActionKind, NewAction};
use retain::model::Model;
use retain::model::score::{self, AccountScore, AsOf};

const T: &str = "2026-11-20";

fn t() -> NaiveDate {
    T.parse().unwrap()
}

/// `t − n` days as YYYY-MM-DD.
fn ago(n: u64) -> String {
    t().checked_sub_days(Days::new(n)).unwrap().to_string()
}

fn ahead(n: u64) -> String {
    t().checked_add_days(Days::new(n)).unwrap().to_string()
}

/// A portfolio written straight into the input tables.
struct Portfolio {
    db: Db,
}

impl Portfolio {
    fn new() -> Portfolio {
        Portfolio {
            db: common::scoring_db(),
        }
    }

    fn exec(&self, sql: &str, params: impl duckdb::Params) -> &Self {
        self.db.conn().execute(sql, params).unwrap();
        self
    }

    /// An account with ARR 100,000, no seats and no renewal, started a year before T.
    fn account(&self, id: &str) -> &Self {
        self.exec(
            "INSERT INTO accounts VALUES (?, ?, 'alice', 'SMB', 'Growth', 100000, NULL, ?::DATE, NULL, NULL, NULL)",
            [id, &format!("{id} Inc."), &ago(365)],
        )
    }

    fn set(&self, id: &str, column: &str, value: Option<&str>) -> &Self {
        self.exec(
            &format!("UPDATE accounts SET {column} = ? WHERE account_id = ?"),
            duckdb::params![value, id],
        )
    }

    fn usage(&self, id: &str, user: &str, day: &str, count: i64) -> &Self {
        self.exec(
            "INSERT INTO usage VALUES (?, ?, ?::TIMESTAMP + INTERVAL 10 HOUR, NULL, ?, NULL)",
            duckdb::params![id, user, day, count],
        )
    }

    fn feature_use(&self, id: &str, day: &str, feature: &str) -> &Self {
        self.exec(
            "INSERT INTO usage VALUES (?, 'u1', ?::TIMESTAMP + INTERVAL 10 HOUR, ?, 1, NULL)",
            [id, day, feature],
        )
    }

    fn ticket(
        &self,
        ticket: &str,
        id: &str,
        opened: &str,
        closed: Option<&str>,
        priority: &str,
    ) -> &Self {
        self.exec(
            "INSERT INTO tickets VALUES (?, ?, ?::TIMESTAMP + INTERVAL 9 HOUR, ?::TIMESTAMP + INTERVAL 9 HOUR, ?, 'help', NULL)",
            duckdb::params![ticket, id, opened, closed, priority],
        )
    }

    fn survey(&self, id: &str, day: &str, kind: &str, score: i64) -> &Self {
        self.exec(
            "INSERT INTO surveys VALUES (?, ?::TIMESTAMP + INTERVAL 9 HOUR, ?, ?, 'cto@example.com', NULL, NULL)",
            duckdb::params![id, day, kind, score],
        )
    }

    fn activity(&self, id: &str, day: &str) -> &Self {
        self.exec(
            "INSERT INTO activities VALUES (?, ?::TIMESTAMP, 'call', 'check-in', 'alice', NULL)",
            [id, day],
        )
    }

    /// An outcome of `id`: (outcome_id, created_on, due_on, achieved_on, dropped_on).
    fn outcome(
        &self,
        id: &str,
        outcome: &str,
        created: &str,
        due: &str,
        achieved: Option<&str>,
        dropped: Option<&str>,
    ) -> &Self {
        self.exec(
            "INSERT INTO outcomes VALUES (?, ?, ?, 'business', ?::DATE, ?::DATE, ?::DATE, ?::DATE, NULL, NULL)",
            duckdb::params![outcome, id, format!("Goal {outcome}"), created, due, achieved, dropped],
        )
    }

    /// A contact of `id`: name, role, champion, decision maker, left_on.
    fn contact(
        &self,
        id: &str,
        name: &str,
        role: Option<&str>,
        champion: bool,
        decision_maker: bool,
        left: Option<&str>,
    ) -> &Self {
        self.exec(
            "INSERT INTO contacts VALUES (?, ?, ?, lower(replace(?, ' ', '.')) || '@example.com', ?, ?, ?, ?::DATE, NULL)",
            duckdb::params![format!("{id}-{name}"), id, name, name, role, champion, decision_maker, left],
        )
    }

    fn scores_at(&self, as_of: AsOf) -> Vec<AccountScore> {
        score::score_accounts(self.db.conn(), as_of).unwrap()
    }

    fn scores(&self) -> Vec<AccountScore> {
        self.scores_at(AsOf::historical(t()))
    }

    fn one(&self, id: &str) -> AccountScore {
        self.scores()
            .into_iter()
            .find(|a| a.account_id == id)
            .unwrap()
    }

    fn codes(&self, id: &str) -> Vec<String> {
        self.one(id).reasons.into_iter().map(|r| r.code).collect()
    }

    fn fact(&self, id: &str, code: &str) -> Option<String> {
        self.one(id)
            .reasons
            .into_iter()
            .find(|r| r.code == code)
            .map(|r| r.fact)
    }
}

fn measure<'a>(a: &'a AccountScore, name: &str) -> &'a retain::model::score::MeasureScore {
    a.measures.iter().find(|m| m.measure == name).unwrap()
}

// HEALTH.md, worked example 3: "An account whose measures are utilization 0.5 (score 50),
// usage_trend 1.2 (100), no features, open_ticket_load 0 (100), no open escalation (100), no
// surveys, days_since_touch 52 (50): weights present 20+15+15+5+10 = 65; Σ = 20×50 + 15×100 +
// 15×100 + 5×100 + 10×50 = 5000; health = round(5000 / 65) = 77 → green; coverage 65 / 110 =
// 59%."
#[test]
fn worked_example_account_scores_77_green_with_59_percent_coverage() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("worked_example"), false).unwrap();
    let as_of = AsOf::resolve(&db, None).unwrap();
    assert_eq!(as_of.date, t(), "as of the data's freshness");
    let a = score::score_accounts(db.conn(), as_of).unwrap().remove(0);
    let values: Vec<(&str, Option<f64>, Option<f64>)> = a
        .measures
        .iter()
        .map(|m| (m.measure.as_str(), m.value, m.score))
        .collect();
    assert_eq!(
        values,
        [
            ("utilization", Some(0.5), Some(50.0)),
            ("usage_trend", Some(1.2), Some(100.0)),
            ("breadth", None, None),
            ("support_load", Some(0.0), Some(100.0)),
            ("escalation_age", Some(0.0), Some(100.0)),
            ("nps", None, None),
            ("csat", None, None),
            ("ces", None, None),
            ("recency", Some(52.0), Some(50.0)),
            ("outcomes", None, None),
        ]
    );
    assert_eq!(a.health, Some(77));
    assert_eq!(a.band.as_deref(), Some("green"));
    assert!((a.coverage - 65.0 / 110.0).abs() < 1e-12);
    assert_eq!(format!("{:.0}%", a.coverage * 100.0), "59%");
    assert!(a.reasons.is_empty());
    let lost = a.points_lost(measure(&a, "utilization")).unwrap();
    assert!((lost - 20.0 / 65.0 * 50.0).abs() < 1e-9);
    assert_eq!(a.fix_first().unwrap().measure, "utilization");
    let total: f64 = a.measures.iter().filter_map(|m| a.contribution(m)).sum();
    assert!(
        (total - 5000.0 / 65.0).abs() < 1e-9,
        "contributions add up to the unrounded health"
    );
}

// HEALTH.md, worked example 1: "NPS: 300 responses, 120 promoters, 90 detractors → NPS = 40 − 30 = 10."
#[test]
fn worked_example_nps_of_300_responses_is_10() {
    let p = Portfolio::new();
    p.account("N-1");
    for i in 0..300 {
        let score = if i < 120 {
            9 + i % 2
        } else if i < 210 {
            i % 7
        } else {
            7 + i % 2
        };
        p.survey("N-1", &ago(i as u64 % 150), "nps", score);
    }
    let a = p.one("N-1");
    assert_eq!(a.nps.n, 300);
    assert_eq!(a.nps.value, Some(10.0));
    assert_eq!(measure(&a, "nps").score, Some(60.0));
}

// HEALTH.md, worked example 2: "CSAT: responses 5, 4, 3, 2 → 50."
#[test]
fn worked_example_csat_of_5_4_3_2_is_50() {
    let p = Portfolio::new();
    p.account("C-1");
    for score in [5, 4, 3, 2] {
        p.survey("C-1", &ago(10), "csat", score);
    }
    let a = p.one("C-1");
    assert_eq!((a.csat.value, a.csat.n), (Some(50.0), 4));
    assert_eq!(measure(&a, "csat").score, Some(0.0));
}

#[test]
fn surveys_older_than_180_days_do_not_count() {
    let p = Portfolio::new();
    p.account("S-1")
        .survey("S-1", &ago(179), "ces", 2)
        .survey("S-1", &ago(180), "ces", 7);
    assert_eq!((p.one("S-1").ces.value, p.one("S-1").ces.n), (Some(2.0), 1));
}

#[test]
fn an_account_with_no_measure_has_no_score_and_zero_coverage() {
    let p = Portfolio::new();
    p.account("E-1");
    let a = p.one("E-1");
    assert_eq!((a.health, a.band.as_deref(), a.coverage), (None, None, 0.0));
    assert!(a.measures.iter().all(|m| m.value.is_none()));
    assert_eq!(
        a.priority,
        100000.0 * 50.0 / 100.0,
        "priority uses health 50 when there is none"
    );
    assert_eq!(a.health_text(&Model::default_model()), "—");
}

#[test]
fn missing_measures_renormalise_weights_and_low_coverage_is_marked() {
    let p = Portfolio::new();
    // Only the recency measure: touched 14 days ago → score 100, coverage 10 / 110.
    p.account("R-1").activity("R-1", &ago(14));
    let a = p.one("R-1");
    assert_eq!((a.health, a.band.as_deref()), (Some(100), Some("green")));
    assert!((a.coverage - 10.0 / 110.0).abs() < 1e-12);
    assert_eq!(a.health_text(&Model::default_model()), "100?");
}

#[test]
fn escalation_fires_after_more_than_7_days_open() {
    let p = Portfolio::new();
    p.account("X-7")
        .ticket("4410", "X-7", &ago(7), None, "urgent");
    p.account("X-8")
        .ticket("4411", "X-8", &ago(8), None, "urgent");
    assert!(!p.codes("X-7").contains(&"ESCALATION".to_owned()));
    assert_eq!(
        p.fact("X-8", "ESCALATION").as_deref(),
        Some("urgent ticket #4411 open 8 days")
    );
    // A ticket closed by the end of T is not open; one closed after T still was.
    p.account("X-C")
        .ticket("4412", "X-C", &ago(20), Some(T), "high");
    p.account("X-L")
        .ticket("4413", "X-L", &ago(20), Some(&ahead(1)), "high");
    assert!(!p.codes("X-C").contains(&"ESCALATION".to_owned()));
    assert_eq!(
        p.fact("X-L", "ESCALATION").as_deref(),
        Some("high ticket #4413 open 20 days")
    );
    assert_eq!(measure(&p.one("X-L"), "escalation_age").value, Some(20.0));
    assert_eq!(measure(&p.one("X-L"), "support_load").value, Some(20.0));
}

#[test]
fn detractor_counts_responses_of_the_last_90_days() {
    let p = Portfolio::new();
    p.account("D-89").survey("D-89", &ago(89), "nps", 6);
    p.account("D-90").survey("D-90", &ago(90), "nps", 6);
    p.account("D-7").survey("D-7", &ago(5), "nps", 7);
    assert_eq!(
        p.fact("D-89", "DETRACTOR"),
        Some(format!("NPS 6 from cto@example.com on {}", ago(89)))
    );
    assert!(!p.codes("D-90").contains(&"DETRACTOR".to_owned()));
    assert!(
        !p.codes("D-7").contains(&"DETRACTOR".to_owned()),
        "7 is passive, not a detractor"
    );
}

#[test]
fn low_adoption_needs_utilization_below_0_3_after_90_days() {
    let p = Portfolio::new();
    for (id, users, tenure) in [
        ("L-03", 3, 365),
        ("L-02", 2, 365),
        ("L-NEW", 2, 89),
        ("L-90", 2, 90),
    ] {
        p.account(id)
            .set(id, "seats", Some("10"))
            .set(id, "contract_start", Some(&ago(tenure)));
        for u in 0..users {
            p.usage(id, &format!("u{u}"), &ago(1), 1);
        }
    }
    assert!(
        !p.codes("L-03").contains(&"LOW_ADOPTION".to_owned()),
        "exactly 0.3 does not fire"
    );
    assert_eq!(
        p.fact("L-02", "LOW_ADOPTION").as_deref(),
        Some("2 active users of 10 seats (20.0%)")
    );
    assert!(!p.codes("L-NEW").contains(&"LOW_ADOPTION".to_owned()));
    assert!(p.codes("L-90").contains(&"LOW_ADOPTION".to_owned()));
}

#[test]
fn renewal_risk_within_90_days_below_70() {
    let p = Portfolio::new();
    // Touched 90 days ago: recency score 0, the only measure → health 0.
    for (id, days) in [("N-90", 90), ("N-91", 91), ("N-0", 0), ("N-PAST", 0)] {
        p.account(id)
            .activity(id, &ago(90))
            .set(id, "renewal_date", Some(&ahead(days)));
    }
    p.set("N-PAST", "renewal_date", Some(&ago(1)));
    assert_eq!(
        p.fact("N-90", "RENEWAL_RISK"),
        Some(format!("renews in 90 days ({}) with health 0", ahead(90)))
    );
    assert!(!p.codes("N-91").contains(&"RENEWAL_RISK".to_owned()));
    assert!(p.codes("N-0").contains(&"RENEWAL_RISK".to_owned()));
    assert!(!p.codes("N-PAST").contains(&"RENEWAL_RISK".to_owned()));
}

#[test]
fn gone_dark_at_exactly_14_days() {
    let p = Portfolio::new();
    p.account("G-14").usage("G-14", "u1", &ago(14), 1);
    p.account("G-13").usage("G-13", "u1", &ago(13), 1);
    p.account("G-NONE"); // no usage at all, contract started a year ago
    p.account("G-NEW")
        .set("G-NEW", "contract_start", Some(&ago(13)));
    assert_eq!(
        p.fact("G-14", "GONE_DARK"),
        Some(format!("no usage for 14 days (last on {})", ago(14)))
    );
    assert!(!p.codes("G-13").contains(&"GONE_DARK".to_owned()));
    assert_eq!(
        p.fact("G-NONE", "GONE_DARK").as_deref(),
        Some("no usage since the contract started 365 days ago")
    );
    assert!(!p.codes("G-NEW").contains(&"GONE_DARK".to_owned()));
}

#[test]
fn gone_dark_needs_usage_to_be_loaded_at_all() {
    let p = Portfolio::new();
    p.account("Q-1");
    assert!(p.codes("Q-1").is_empty());
}

#[test]
fn usage_drop_needs_20_previous_events_and_a_30_percent_fall() {
    let p = Portfolio::new();
    for (id, prev, now) in [("U-13", 20, 13), ("U-14", 20, 14), ("U-SMALL", 19, 0)] {
        p.account(id)
            .usage(id, "u1", &ago(30), prev)
            .usage(id, "u1", &ago(29), now.max(1));
        if now == 0 {
            p.exec(
                "DELETE FROM usage WHERE account_id = ? AND occurred_at::DATE = ?::DATE",
                [id, &ago(29)],
            );
        }
    }
    assert_eq!(
        p.fact("U-13", "USAGE_DROP").as_deref(),
        Some("13 events in the last 30 days, down 35% from 20 the 30 days before")
    );
    assert!(!p.codes("U-14").contains(&"USAGE_DROP".to_owned()));
    assert!(!p.codes("U-SMALL").contains(&"USAGE_DROP".to_owned()));
    assert_eq!(measure(&p.one("U-13"), "usage_trend").value, Some(0.65));
}

#[test]
fn usage_trend_is_one_when_there_was_nothing_before() {
    let p = Portfolio::new();
    p.account("T-1").usage("T-1", "u1", &ago(1), 5);
    p.account("T-0").usage("T-0", "u1", &ago(100), 5);
    assert_eq!(measure(&p.one("T-1"), "usage_trend").value, Some(1.0));
    assert_eq!(measure(&p.one("T-0"), "usage_trend").value, None);
    assert_eq!(
        measure(&p.one("T-0"), "utilization").value,
        None,
        "seats unknown"
    );
}

#[test]
fn red_below_40() {
    let p = Portfolio::new();
    // Recency alone: 90 − days × 76 … touched d days ago scores 100 × (90 − d) / 76.
    p.account("H-40").activity("H-40", &ago(60)); // 100 × 30/76 = 39.47 → 39
    p.account("H-41").activity("H-41", &ago(59)); // 100 × 31/76 = 40.79 → 41
    assert_eq!(p.one("H-40").health, Some(39));
    assert_eq!(
        p.fact("H-40", "RED").as_deref(),
        Some("health 39 is below 40")
    );
    assert_eq!(p.one("H-41").health, Some(41));
    assert!(p.codes("H-41").is_empty());
}

#[test]
fn breadth_counts_distinct_features_only_when_features_exist() {
    let p = Portfolio::new();
    p.account("F-1");
    for feature in ["a", "b", "c", "c"] {
        p.feature_use("F-1", &ago(3), feature);
    }
    p.account("F-0").usage("F-0", "u1", &ago(3), 1);
    assert_eq!(measure(&p.one("F-1"), "breadth").value, Some(3.0));
    assert_eq!(measure(&p.one("F-1"), "breadth").score, Some(50.0));
    assert_eq!(
        measure(&p.one("F-0"), "breadth").value,
        Some(0.0),
        "features exist in the data, none for F-0"
    );
}

#[test]
fn queue_order_and_priority_with_urgency() {
    let p = Portfolio::new();
    for (id, renewal) in [("P-30", 30), ("P-31", 31), ("P-91", 91)] {
        p.account(id)
            .activity(id, &ago(52))
            .set(id, "renewal_date", Some(&ahead(renewal)));
    }
    p.account("P-RISK")
        .activity("P-RISK", &ago(60))
        .set("P-RISK", "arr", Some("1000"));
    let scores = p.scores();
    let order: Vec<&str> = scores.iter().map(|a| a.account_id.as_str()).collect();
    // P-30 and P-31 renew within 90 days below 70 (RENEWAL_RISK); P-RISK is red.
    assert_eq!(
        order,
        ["P-30", "P-31", "P-RISK", "P-91"],
        "at risk first, then by priority"
    );
    let by_id = |id: &str| scores.iter().find(|a| a.account_id == id).unwrap().clone();
    assert_eq!(
        (by_id("P-30").urgency, by_id("P-30").priority),
        (2.0, 100000.0 * 0.5 * 2.0)
    );
    assert_eq!(
        (by_id("P-31").urgency, by_id("P-31").priority),
        (1.5, 100000.0 * 0.5 * 1.5)
    );
    assert_eq!(
        (by_id("P-91").urgency, by_id("P-91").priority),
        (1.0, 50000.0)
    );
}

#[test]
fn trend_compares_with_the_score_a_week_earlier() {
    let p = Portfolio::new();
    p.account("W-1").activity("W-1", &ago(45));
    // A week earlier the touch was 38 days old: 100 × 52/76 = 68; now 100 × 45/76 = 59.
    let a = p.one("W-1");
    assert_eq!((a.health, a.trend), (Some(59), Some(-9)));
    assert_eq!(a.trend_arrow(5), "↓");
}

#[test]
fn flags_and_overrides_are_shown_not_merged() {
    let p = Portfolio::new();
    p.account("M-1").activity("M-1", &ago(14));
    let mut flag = NewAction::new("M-1", ActionKind::Flag, "alice");
    flag.body = Some("champion left".into());
    flag.until = Some(t().checked_add_days(Days::new(30)).unwrap());
    actions::record(p.db.conn(), None, &flag).unwrap();
    let mut over = NewAction::new("M-1", ActionKind::Override, "alice");
    over.detail = Some("red".into());
    over.until = flag.until;
    actions::record(p.db.conn(), None, &over).unwrap();
    let live = p
        .scores_at(AsOf {
            date: t(),
            live: true,
        })
        .remove(0);
    assert_eq!(
        live.reasons[0].fact,
        format!("flagged by alice: champion left (until {})", ahead(30))
    );
    assert_eq!(
        live.band.as_deref(),
        Some("green"),
        "the computed band stays"
    );
    assert_eq!(
        live.band_override.as_ref().map(|o| o.band.as_str()),
        Some("red")
    );
    // Actions logged after T do not exist for a score as of T in the past.
    assert!(p.one("M-1").reasons.is_empty());
    // An expired flag no longer fires.
    let later = AsOf {
        date: t().checked_add_days(Days::new(31)).unwrap(),
        live: true,
    };
    assert!(
        !p.scores_at(later)[0]
            .reasons
            .iter()
            .any(|r| r.code == "FLAGGED")
    );
    // Undo cancels it.
    let id: i64 =
        p.db.conn()
            .query_row("SELECT min(action_id) FROM actions", [], |r| r.get(0))
            .unwrap();
    let mut undo = NewAction::new("M-1", ActionKind::Undo, "alice");
    undo.undoes = Some(id);
    actions::record(p.db.conn(), None, &undo).unwrap();
    assert!(
        p.scores_at(AsOf {
            date: t(),
            live: true
        })[0]
            .reasons
            .is_empty()
    );
}

#[test]
fn a_console_touch_counts_in_the_live_view() {
    let p = Portfolio::new();
    p.account("C-1").activity("C-1", &ago(80));
    let mut touch = NewAction::new("C-1", ActionKind::Touch, "alice");
    touch.detail = Some("call".into());
    actions::record(p.db.conn(), None, &touch).unwrap();
    let live = p
        .scores_at(AsOf {
            date: t(),
            live: true,
        })
        .remove(0);
    assert_eq!(measure(&live, "recency").value, Some(0.0));
    assert_eq!(measure(&p.one("C-1"), "recency").value, Some(80.0));
}

#[test]
fn scoring_as_of_t_ignores_everything_after_t() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let as_of = AsOf::historical("2026-11-10".parse().unwrap());
    let before = score::score_accounts(db.conn(), as_of).unwrap();
    for sql in [
        "INSERT INTO usage SELECT account_id, 'late', TIMESTAMP '2026-11-11 00:00:00', 'new', 50, NULL FROM accounts",
        "INSERT INTO tickets SELECT 'late-' || account_id, account_id, TIMESTAMP '2026-11-10 23:59:59' + INTERVAL 1 SECOND, NULL, 'urgent', 'x', NULL FROM accounts",
        "INSERT INTO surveys SELECT account_id, TIMESTAMP '2026-11-12 00:00:00', 'nps', 0, NULL, NULL, NULL FROM accounts",
        "INSERT INTO activities SELECT account_id, TIMESTAMP '2026-11-11 08:00:00', 'call', NULL, NULL, NULL FROM accounts",
        "UPDATE tickets SET closed_at = TIMESTAMP '2026-11-15 00:00:00' WHERE closed_at IS NULL",
        "INSERT INTO outcomes SELECT 'late-' || account_id, account_id, 'later goal', 'business', DATE '2026-11-11', DATE '2026-11-11', NULL, NULL, NULL, NULL FROM accounts",
        "INSERT INTO contacts SELECT 'late-' || account_id, account_id, '田中 一郎', NULL, 'CTO', true, true, DATE '2026-11-11', NULL FROM accounts",
    ] {
        db.conn().execute(sql, []).unwrap();
    }
    let mut touch = NewAction::new("A-1", ActionKind::Touch, "alice");
    touch.detail = Some("call".into());
    actions::record(db.conn(), None, &touch).unwrap();
    assert_eq!(score::score_accounts(db.conn(), as_of).unwrap(), before);
}

/// An account started long before 2026-06-30, for HEALTH.md's outcome example.
fn outcome_portfolio() -> Portfolio {
    let p = Portfolio::new();
    p.account("O-1");
    p
}

fn at(day: &str) -> AsOf {
    AsOf::historical(day.parse().unwrap())
}

fn one_at(p: &Portfolio, id: &str, day: &str) -> AccountScore {
    p.scores_at(at(day))
        .into_iter()
        .find(|a| a.account_id == id)
        .unwrap()
}

// HEALTH.md, worked example 4: "Outcomes as of 2026-06-30: A achieved 2026-05-01 (due
// 2026-06-01), B open due 2026-07-15, C open due 2026-06-20, D dropped 2026-06-01, E created
// 2026-07-02 → counted A, B, C; on track A and B → outcomes_on_track = 66.67, measure score
// 33.3; C is overdue → OUTCOME_OVERDUE."
#[test]
fn worked_example_outcomes_on_track_is_66_67_and_c_is_overdue() {
    let p = outcome_portfolio();
    p.outcome(
        "O-1",
        "A",
        "2026-01-15",
        "2026-06-01",
        Some("2026-05-01"),
        None,
    )
    .outcome("O-1", "B", "2026-01-15", "2026-07-15", None, None)
    .outcome("O-1", "C", "2026-01-15", "2026-06-20", None, None)
    .outcome(
        "O-1",
        "D",
        "2026-01-15",
        "2026-08-01",
        None,
        Some("2026-06-01"),
    )
    .outcome("O-1", "E", "2026-07-02", "2026-09-01", None, None);
    let a = one_at(&p, "O-1", "2026-06-30");
    let m = measure(&a, "outcomes");
    assert_eq!(format!("{:.2}", m.value.unwrap()), "66.67");
    assert_eq!(format!("{:.1}", m.score.unwrap()), "33.3");
    let overdue: Vec<(&str, &str)> = a
        .reasons
        .iter()
        .filter(|r| r.code == "OUTCOME_OVERDUE")
        .map(|r| (r.code.as_str(), r.fact.as_str()))
        .collect();
    assert_eq!(
        overdue,
        [("OUTCOME_OVERDUE", "outcome 'Goal C' overdue 10 days")]
    );
}

/// (outcomes_on_track, whether OUTCOME_OVERDUE fires) for an account with one outcome.
fn single_outcome(
    created: i64,
    due: i64,
    achieved: Option<i64>,
    dropped: Option<i64>,
) -> (Option<f64>, bool) {
    let day = |offset: i64| -> String {
        if offset < 0 {
            ago(offset.unsigned_abs())
        } else {
            ahead(offset as u64)
        }
    };
    let p = Portfolio::new();
    p.account("B-1").outcome(
        "B-1",
        "X",
        &day(created),
        &day(due),
        achieved.map(day).as_deref(),
        dropped.map(day).as_deref(),
    );
    let a = p.one("B-1");
    (
        measure(&a, "outcomes").value,
        a.reasons.iter().any(|r| r.code == "OUTCOME_OVERDUE"),
    )
}

#[test]
fn outcome_boundaries_follow_health_md() {
    // (created, due, achieved, dropped) in days from T → (on track, overdue)
    type Days = (i64, i64, Option<i64>, Option<i64>);
    let cases: [(Days, (Option<f64>, bool)); 11] = [
        ((-100, -1, None, None), (Some(0.0), true)), // due T−1, open: overdue
        ((-100, 0, None, None), (Some(100.0), false)), // due T, open: on track
        ((-100, -10, Some(0), None), (Some(100.0), false)), // achieved on T
        ((-100, -10, Some(1), None), (Some(0.0), true)), // achieved after T: open at T
        ((-100, -5, None, Some(0)), (None, false)),  // dropped on T: not counted
        ((-100, -5, None, Some(1)), (Some(0.0), true)), // dropped after T: still counted
        ((-400, -365, None, None), (Some(0.0), true)), // due exactly T−365: counted
        ((-400, -366, None, None), (None, false)),   // due T−366: not counted
        ((1, 30, None, None), (None, false)),        // created after T
        ((0, 30, None, None), (Some(100.0), false)), // created on T
        ((-400, -366, Some(-370), None), (None, false)), // achieved, but due too long ago
    ];
    for ((created, due, achieved, dropped), expected) in cases {
        assert_eq!(
            single_outcome(created, due, achieved, dropped),
            expected,
            "created {created}, due {due}, achieved {achieved:?}, dropped {dropped:?}"
        );
    }
}

#[test]
fn champion_left_boundaries_follow_health_md() {
    let p = Portfolio::new();
    let cases = [
        ("L-89", Some("CTO"), true, false, ago(89), true),
        ("L-90", Some("CTO"), true, false, ago(90), false),
        ("L-0", None, true, false, ago(0), true),
        ("L+1", Some("CTO"), true, false, ahead(1), false),
        ("L-dm", Some("CFO"), false, true, ago(10), true),
        ("L-none", Some("admin"), false, false, ago(10), false),
    ];
    for (id, role, champion, decision_maker, left, _) in &cases {
        p.account(id).contact(
            id,
            "田中 一郎",
            *role,
            *champion,
            *decision_maker,
            Some(left),
        );
    }
    for (id, _, _, _, left, fires) in &cases {
        let fact = p.fact(id, "CHAMPION_LEFT");
        assert_eq!(fact.is_some(), *fires, "{id}: {fact:?}");
        match *id {
            "L-89" => assert_eq!(
                fact.unwrap(),
                format!("champion 田中 一郎 (CTO) left {left}")
            ),
            "L-0" => assert_eq!(fact.unwrap(), format!("champion 田中 一郎 left {left}")),
            "L-dm" => assert_eq!(
                fact.unwrap(),
                format!("decision maker 田中 一郎 (CFO) left {left}")
            ),
            _ => {}
        }
    }
}

#[test]
fn a_detractor_is_named_by_the_contact_whose_email_answered() {
    let p = Portfolio::new();
    p.account("D-1").survey("D-1", &ago(3), "nps", 3).exec(
        "INSERT INTO contacts VALUES ('c1', 'D-1', '田中 一郎', 'CTO@Example.com', 'CTO', true, false, NULL, NULL)",
        [],
    );
    p.account("D-2").survey("D-2", &ago(3), "nps", 3);
    assert_eq!(
        p.fact("D-1", "DETRACTOR").unwrap(),
        format!("NPS 3 from 田中 一郎, CTO on {}", ago(3))
    );
    assert_eq!(
        p.fact("D-2", "DETRACTOR").unwrap(),
        format!("NPS 3 from cto@example.com on {}", ago(3)),
        "an email no contact has is shown as written"
    );
}

#[test]
fn lifecycle_stage_renewal_then_onboarding_then_adoption() {
    let p = Portfolio::new();
    p.account("S-renew90")
        .set("S-renew90", "renewal_date", Some(&ahead(90)))
        .account("S-renew91")
        .set("S-renew91", "renewal_date", Some(&ahead(91)))
        .account("S-new89")
        .set("S-new89", "contract_start", Some(&ago(89)))
        .account("S-new90")
        .set("S-new90", "contract_start", Some(&ago(90)))
        .account("S-both")
        .set("S-both", "contract_start", Some(&ago(10)))
        .set("S-both", "renewal_date", Some(&ahead(0)))
        .account("S-passed")
        .set("S-passed", "renewal_date", Some(&ago(1)));
    let stage = |id: &str| p.one(id).stage;
    assert_eq!(stage("S-renew90"), "renewal");
    assert_eq!(stage("S-renew91"), "adoption");
    assert_eq!(stage("S-new89"), "onboarding");
    assert_eq!(stage("S-new90"), "adoption");
    assert_eq!(stage("S-both"), "renewal");
    assert_eq!(stage("S-passed"), "adoption");
}

#[test]
fn outcomes_changed_in_the_console_count_from_the_day_recorded() {
    let p = Portfolio::new();
    p.account("K-1")
        .outcome("K-1", "late", &ago(60), &ago(5), None, None);
    let live = AsOf {
        date: t(),
        live: true,
    };
    let live_one = || p.scores_at(live).remove(0);
    assert!(
        live_one()
            .reasons
            .iter()
            .any(|r| r.code == "OUTCOME_OVERDUE")
    );

    let mut achieved = NewAction::new("K-1", ActionKind::OutcomeAchieved, "alice");
    achieved.detail = Some("late".into());
    let achieved_id = actions::record(p.db.conn(), None, &achieved).unwrap();
    let mut added = NewAction::new("K-1", ActionKind::OutcomeAdd, "alice");
    added.detail = Some("adoption".into());
    added.body = Some("経費精算を月3日短縮".into());
    added.until = Some(t().checked_add_days(Days::new(30)).unwrap());
    actions::record(p.db.conn(), None, &added).unwrap();

    // Recorded today, after T: the live view counts both; the score as of T does not.
    let now = live_one();
    assert_eq!(measure(&now, "outcomes").value, Some(100.0));
    assert!(now.reasons.is_empty(), "{:?}", now.reasons);
    assert_eq!(measure(&p.one("K-1"), "outcomes").value, Some(0.0));

    // Undo the achievement: overdue again; drop it instead: no longer counted.
    let mut undo = NewAction::new("K-1", ActionKind::Undo, "alice");
    undo.undoes = Some(achieved_id);
    actions::record(p.db.conn(), None, &undo).unwrap();
    assert!(
        live_one()
            .reasons
            .iter()
            .any(|r| r.code == "OUTCOME_OVERDUE")
    );
    let mut dropped = NewAction::new("K-1", ActionKind::OutcomeDropped, "alice");
    dropped.detail = Some("late".into());
    dropped.body = Some("customer changed plans".into());
    actions::record(p.db.conn(), None, &dropped).unwrap();
    let after = live_one();
    assert!(after.reasons.is_empty(), "{:?}", after.reasons);
    assert_eq!(measure(&after, "outcomes").value, Some(100.0));
}

#[test]
fn snapshots_store_history_once_per_date_and_model() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    let model = Model::default_model();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let computed = score::ensure_history(&db, &model, as_of, 12).unwrap();
    assert_eq!(computed.len(), 12);
    assert_eq!(computed[11].to_string(), "2026-09-04");
    assert!(
        score::ensure_history(&db, &model, as_of, 12)
            .unwrap()
            .is_empty()
    );
    let (n, hashes): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT count(*), count(DISTINCT model_hash) FROM snapshots WHERE model_hash = ?",
            [model.hash()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (n, hashes),
        (12 * 3, 1),
        "3 accounts in each of 12 weeks, one model"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

        #[test]
        fn health_is_within_0_and_100_and_bands_agree(
            seats in proptest::option::of(0i64..50),
            users in 0usize..60,
            prev in 0i64..200,
            now in 0i64..200,
            tickets in proptest::collection::vec((0u64..60, 0usize..4), 0..6),
            nps in proptest::collection::vec((0u64..200, 0i64..=10), 0..8),
            touch in proptest::option::of(0u64..200),
        ) {
            let p = Portfolio::new();
            p.account("P");
            if let Some(seats) = seats {
                p.set("P", "seats", Some(&seats.to_string()));
            }
            for u in 0..users {
                p.usage("P", &format!("u{u}"), &ago(u as u64 % 30), 1);
            }
            if prev > 0 { p.usage("P", "old", &ago(45), prev); }
            if now > 0 { p.usage("P", "new", &ago(2), now); }
            for (i, (age, priority)) in tickets.iter().enumerate() {
                p.ticket(&i.to_string(), "P", &ago(*age), None, ["low", "normal", "high", "urgent"][*priority]);
            }
            for (age, score) in &nps {
                p.survey("P", &ago(*age), "nps", *score);
            }
            if let Some(days) = touch { p.activity("P", &ago(days)); }
            let model = Model::default_model();
            for a in p.scores() {
                if let Some(h) = a.health {
                    prop_assert!((0..=100).contains(&h));
                    prop_assert_eq!(a.band.as_deref(), model.band_for(h));
                    prop_assert_eq!(a.reasons.iter().any(|r| r.code == "RED"), h < 40);
                } else {
                    prop_assert!(a.band.is_none());
                }
                prop_assert!((0.0..=1.0).contains(&a.coverage));
                for m in &a.measures {
                    if let Some(s) = m.score { prop_assert!((0.0..=100.0).contains(&s)); }
                }
            }
        }
    }
}

/// `retain explain` scores one account: the row must be the full score's row, for every account.
#[test]
fn one_account_scored_alone_equals_its_row_of_the_full_score() {
    let db = common::scoring_db();
    load_dir(&db, &fixture("good"), false).unwrap();
    for as_of in [
        AsOf::resolve(&db, None).unwrap(),
        AsOf::historical("2026-10-01".parse().unwrap()),
    ] {
        let all = score::score_accounts(db.conn(), as_of).unwrap();
        assert!(!all.is_empty());
        for a in &all {
            let alone = score::score_account(db.conn(), as_of, &a.account_id).unwrap();
            assert_eq!(alone.as_ref(), Some(a), "{}", a.account_id);
        }
        assert_eq!(
            score::score_account(db.conn(), as_of, "NOPE").unwrap(),
            None
        );
    }
}

/// The same on the generated sample set (300 accounts from `retain sample`, with usage, tickets,
/// surveys, outcomes and contacts), for every `stride`-th account in queue order.
fn scored_alone_equals_full_on_the_sample(stride: usize) {
    let db = common::scoring_db();
    retain::sample_data::load_if_empty(&db).unwrap();
    let as_of = AsOf::resolve(&db, None).unwrap();
    let all = score::score_accounts(db.conn(), as_of).unwrap();
    assert_eq!(all.len(), 275);
    for a in all.iter().step_by(stride) {
        let alone = score::score_account(db.conn(), as_of, &a.account_id).unwrap();
        assert_eq!(alone.as_ref(), Some(a), "{}", a.account_id);
    }
}

#[test]
fn one_account_scored_alone_equals_its_row_for_generated_accounts() {
    scored_alone_equals_full_on_the_sample(23);
}

/// Every account: ~0.2 s each (DuckDB plans the scoring macros per account), so a minute.
#[test]
#[ignore = "a minute: run with --ignored"]
fn one_account_scored_alone_equals_its_row_for_every_generated_account() {
    scored_alone_equals_full_on_the_sample(1);
}
