//! `retain model fit` (issue 20): the direct search on AUC finds a planted signal and finds
//! nothing in shuffled labels; the windows never let training labels reach the holdout.

use retain::report::fit::{self, Example, Windows};
use retain::rng::Rng;

/// `n` accounts with four measure scores; when `planted`, churn follows the third measure only
/// (a score under 25 churns 60% of the time, else 2%); otherwise churn is a 10% coin.
fn examples(seed: u64, n: usize, planted: bool) -> Vec<Example> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let scores: Vec<Option<f64>> = (0..4).map(|_| Some(rng.unit() * 100.0)).collect();
            let churned = if planted {
                rng.chance(if scores[2].unwrap() < 25.0 { 0.6 } else { 0.02 })
            } else {
                rng.chance(0.1)
            };
            Example {
                scores,
                churned,
                segment: None,
            }
        })
        .collect()
}

const START: [f64; 4] = [20.0, 15.0, 5.0, 15.0];

#[test]
fn a_signal_planted_in_one_measure_is_found_and_wins_on_the_holdout() {
    let train = examples(1, 3000, true);
    let holdout = examples(2, 3000, true);
    let train: Vec<&Example> = train.iter().collect();
    let holdout: Vec<&Example> = holdout.iter().collect();
    let fitted = fit::fit_weights(&START, &train);
    let top = (0..4)
        .max_by(|&a, &b| fitted[a].total_cmp(&fitted[b]))
        .unwrap();
    assert_eq!(top, 2, "the planted measure weighs most: {fitted:?}");
    let (gain, lo, hi) = fit::paired_gain(&START, &fitted, &holdout).unwrap();
    assert!(lo > 0.0 && lo <= gain && gain <= hi, "{gain} ({lo}–{hi})");
    // Deterministic: the same data, the same weights.
    assert_eq!(fit::fit_weights(&START, &train), fitted);
}

#[test]
fn shuffled_labels_give_no_evidence() {
    let train = examples(3, 3000, false);
    let holdout = examples(4, 3000, false);
    let train: Vec<&Example> = train.iter().collect();
    let holdout: Vec<&Example> = holdout.iter().collect();
    let fitted = fit::fit_weights(&START, &train);
    let (_, lo, _) = fit::paired_gain(&START, &fitted, &holdout).unwrap();
    assert!(
        lo <= 0.0,
        "no evidence of a gain: the interval reaches 0 ({lo})"
    );
}

#[test]
fn training_labels_never_overlap_the_holdout() {
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let w = Windows::resolve(day("2026-11-20"), 90, 30, None, None, None).unwrap();
    assert_eq!(
        w.holdout_until,
        day("2026-08-22"),
        "the last fully observed outcome"
    );
    assert_eq!(w.holdout_from, day("2026-06-23"));
    assert!(w.train_until + chrono::Duration::days(90) <= w.holdout_from);
    let overlap = Windows::resolve(
        day("2026-11-20"),
        90,
        30,
        None,
        Some(day("2026-05-01")),
        Some(day("2026-06-23")),
    )
    .unwrap_err();
    assert!(
        overlap
            .to_string()
            .contains("training labels would overlap the holdout"),
        "{overlap}"
    );
}

#[test]
fn health_is_the_weighted_mean_of_the_measures_present() {
    assert_eq!(
        fit::health(&[20.0, 10.0], &[Some(50.0), Some(80.0)]),
        Some(60.0)
    );
    assert_eq!(fit::health(&[20.0, 10.0], &[None, Some(80.0)]), Some(80.0));
    assert_eq!(fit::health(&[0.0, 10.0], &[Some(50.0), None]), None);
}
