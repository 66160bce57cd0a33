//! The console's hot pure-Rust paths on 100,000 accounts: filtering, sorting, search and
//! rendering the queue and account screens. `cargo bench --bench console`.

use std::collections::HashMap;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retain::app::{Action, App, InputKey, update};
use retain::model::Model;
use retain::model::queue::Dataset;
use retain::model::score::{AccountScore, MeasureScore, Reason, SurveyFigure};
use retain::ui::{self, theme::Theme};

/// 100,000 accounts with varied names (a third Japanese), owners, bands and reasons.
fn dataset() -> Dataset {
    let model = Model::default_model();
    let accounts = (0..100_000u64)
        .map(|i| {
            let health = (i * 37 % 101) as i64;
            let reasons: Vec<Reason> = ["RED", "USAGE_DROP", "GONE_DARK", "DETRACTOR"]
                .iter()
                .enumerate()
                .filter(|(k, _)| (i >> k) % 3 == 0)
                .map(|(_, code)| Reason {
                    code: (*code).into(),
                    fact: format!("{code} fact for account {i}"),
                })
                .collect();
            AccountScore {
                account_id: format!("A-{i:06}"),
                name: if i % 3 == 0 {
                    format!("株式会社テスト{i}")
                } else {
                    format!("Account {i} Holdings")
                },
                owner: Some(["Alice Martin", "佐藤 花子", "David Chen"][(i % 3) as usize].into()),
                segment: Some(["SMB", "Mid-Market", "Enterprise"][(i % 3) as usize].into()),
                plan: None,
                arr: (i % 997) as f64 * 1000.0,
                seats: Some((i % 500) as i64),
                contract_start: "2025-01-01".into(),
                renewal_date: Some("2027-01-01".into()),
                days_to_renewal: Some((i % 400) as i64),
                health: Some(health),
                band: model.band_for(health).map(str::to_owned),
                coverage: 0.85,
                trend: Some((i % 21) as i64 - 10),
                measures: model
                    .measures
                    .iter()
                    .map(|m| MeasureScore {
                        measure: m.name.clone(),
                        group: m.group.clone(),
                        metric: m.metric.clone(),
                        value: Some(1.0),
                        score: Some(health as f64),
                        weight: m.weight,
                    })
                    .collect(),
                reasons,
                priority: (i % 997) as f64 * (100 - health) as f64,
                urgency: 1.0,
                last_touch: Some("2026-11-01".into()),
                band_override: None,
                nps: SurveyFigure {
                    value: Some(10.0),
                    n: 3,
                },
                csat: SurveyFigure { value: None, n: 0 },
                ces: SurveyFigure { value: None, n: 0 },
                stage: ["onboarding", "adoption", "renewal"][(i % 3) as usize].into(),
                profile: None,
            }
        })
        .collect::<Vec<_>>();
    Dataset {
        orders: retain::model::queue::sort_orders(&accounts),
        accounts,
        console: HashMap::new(),
        as_of: "2026-11-20".parse().unwrap(),
        freshness: None,
        updating: false,
        key: String::new(),
    }
}

fn loaded_app(data: &Dataset) -> App {
    let mut app = App::new(
        Model::default_model(),
        "Alice Martin",
        "2026-11-23".parse().unwrap(),
        "bench",
    );
    update(
        &mut app,
        Action::Resize {
            width: 160,
            height: 48,
        },
    );
    update(&mut app, Action::Loaded(Box::new(data.clone())));
    app
}

fn console(c: &mut Criterion) {
    let data = dataset();
    let mut app = loaded_app(&data);
    c.bench_function("queue: move down one row (100k)", |b| {
        b.iter(|| {
            update(&mut app, Action::Down);
        })
    });
    c.bench_function("queue: toggle the mine filter (100k)", |b| {
        b.iter(|| {
            update(&mut app, Action::ToggleMine);
        })
    });
    c.bench_function("queue: next sort key (100k)", |b| {
        b.iter(|| {
            update(&mut app, Action::CycleSort);
        })
    });
    update(&mut app, Action::Search);
    c.bench_function("queue: one search keystroke (100k)", |b| {
        b.iter(|| {
            update(&mut app, Action::Input(InputKey::Char('1')));
            update(&mut app, Action::Input(InputKey::Backspace));
        })
    });
    let mut app = loaded_app(&data);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let theme = Theme { color: true };
    c.bench_function("render: queue 160x48 (100k)", |b| {
        b.iter(|| {
            terminal.draw(|f| ui::render(&app, theme, f)).unwrap();
        });
    });
    update(&mut app, Action::Open);
    c.bench_function("render: account screen 160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| ui::render(&app, theme, f)).unwrap();
        });
    });
}

criterion_group!(benches, console);
criterion_main!(benches);
