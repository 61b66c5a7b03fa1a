//! The demo book shows the product as it is used: a demo letterhead (so letters can be
//! made), and the reminders of the past months, so today's run finds a few steps across
//! the ladder instead of every overdue debtor jumping to its top with catch-up notes.

#[path = "support/book.rs"]
mod book;

use overdue_api::dto::DemoRequest;
use overdue_api::dunning::{DunningRunMode, DunningRunRequest};
use overdue_api::Api;

async fn open(path: &std::path::Path) -> Api {
    book::open(path.to_str().unwrap(), (2026, 11, 22)).await
}

const DEMO: DemoRequest = DemoRequest {
    debtors: 250,
    invoices: 3000,
    seed: 1,
    as_used: true,
};

#[tokio::test]
async fn the_demo_has_a_letterhead_and_a_history_so_today_s_run_is_a_normal_day() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir.path().join("demo.db")).await;
    let summary = api.demo_load(DEMO).await.unwrap();
    assert!(summary.letterhead);
    assert!(summary.reminders > 100, "{summary:?}");
    let head = api.letterhead_get().await.unwrap();
    assert_eq!(head.name, "Overdue Demo GmbH");
    assert!(!head.iban.is_empty(), "letters can say where to pay");

    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-11-22".into(),
            mode: DunningRunMode::Preview,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        !run.actions.is_empty() && run.actions.len() < 30,
        "a day's work, not the whole book: {} actions",
        run.actions.len()
    );
    assert!(
        run.skipped.iter().all(|s| !s.reason.contains("skipped")),
        "no catch-up: {:?}",
        run.skipped
    );
    for a in &run.actions {
        assert!(
            a.error.is_empty(),
            "{} {}: {}",
            a.debtor,
            a.level_name,
            a.error
        );
    }

    // The history is on the debtors' timelines, with its dates and levels.
    let step = api
        .dunning_actions(None, vec!["sent".into()])
        .await
        .unwrap();
    assert_eq!(step.len(), summary.reminders as usize);
    let first = &step[0];
    let timeline = api.debtor_timeline(first.debtor_id).await.unwrap();
    assert!(
        timeline.iter().any(|t| t.title.contains("(demo history)")),
        "{timeline:?}"
    );
    let levels: std::collections::BTreeSet<u32> = step.iter().map(|a| a.level).collect();
    assert!(
        levels.len() >= 3,
        "the past reached several levels: {levels:?}"
    );
}

#[tokio::test]
async fn a_letterhead_already_entered_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir.path().join("own.db")).await;
    api.letterhead_set(overdue_api::documents::LetterheadDto {
        name: "Meine Firma GmbH".into(),
        iban: "DE02 1203 0000 0000 2020 51".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let summary = api.demo_load(DEMO).await.unwrap();
    assert!(!summary.letterhead);
    assert_eq!(api.letterhead_get().await.unwrap().name, "Meine Firma GmbH");
}

/// A letter step before the due date (a friendly reminder) names invoices not overdue
/// yet: a letter demands overdue invoices only, so the run's letters leave it out and say
/// so, by debtor (it was left out without a word), and a run with nothing else to print
/// says why instead of "no debtor is due a letter".
#[tokio::test]
async fn friendly_reminders_before_the_due_date_are_not_printed_and_the_batch_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir.path().join("letters.db")).await;
    api.demo_load(DEMO).await.unwrap();
    let mut policy = api
        .dunning_policies()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.is_default)
        .unwrap();
    for level in &mut policy.levels {
        if level.channel == "email" {
            level.channel = "letter".into();
        }
    }
    policy = api.dunning_policy_save(policy).await.unwrap();
    let run = api
        .batch_pdf("2026-11-22", false, &mut |_, _| true)
        .await
        .unwrap();
    assert!(run.letters >= 1, "the overdue steps are printed");
    assert!(
        !run.notes.is_empty()
            && run.notes.iter().all(|n| n.contains(
                "Friendly reminder (level 1) not printed: its invoices are not overdue yet"
            )),
        "{:?}",
        run.notes
    );

    // Only the step before the due date is a letter: nothing to print, and why.
    for level in &mut policy.levels {
        if level.number > 1 && level.channel == "letter" {
            level.channel = "email".into();
        }
    }
    api.dunning_policy_save(policy).await.unwrap();
    let err = api
        .batch_pdf("2026-11-22", false, &mut |_, _| true)
        .await
        .unwrap_err();
    assert!(
        err.message.starts_with("No letter to print on 2026-11-22")
            && err.message.contains("not overdue yet"),
        "{}",
        err.message
    );
}

/// The dashboard shows money: per currency what is owed and overdue (the aging report's
/// own totals), its aging with each bucket's share, six months of invoicing and
/// collection, and the day's work (the run's steps, the worklist, the bank).
#[tokio::test]
async fn the_dashboard_adds_up_to_the_aging_report_and_counts_the_day_s_work() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir.path().join("dash.db")).await;
    api.demo_load(DEMO).await.unwrap();
    let dash = api.dashboard().await.unwrap();
    let aging = api
        .report_aging(overdue_api::reports::AgingQuery {
            as_of: "2026-11-22".into(),
            by: overdue_api::reports::AgingBy::Due,
            buckets: "30,60,90".into(),
        })
        .await
        .unwrap();
    assert_eq!(dash.currencies.len(), aging.currencies.len());
    let codes: Vec<&str> = dash
        .currencies
        .iter()
        .map(|c| c.currency.as_str())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "by code, never ranked across currencies");
    for c in &dash.currencies {
        let report = &aging.currencies[&c.currency];
        assert_eq!(c.total, report.total, "{}", c.currency);
        let dec = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let current = c
            .buckets
            .iter()
            .find(|b| b.label == "current")
            .map_or(dec("0"), |b| dec(&b.amount));
        assert_eq!(dec(&c.overdue), dec(&c.total) - current, "{}", c.currency);
        let shares: u32 = c.buckets.iter().map(|b| b.share_percent).sum();
        assert!(
            dec(&c.total).is_zero() || (97..=103).contains(&shares),
            "{}: {shares}",
            c.currency
        );
        assert_eq!(c.months.len(), 6, "{}", c.currency);
        assert_eq!(c.months[0].from.to_string(), "2026-06-01");
        assert_eq!(
            c.months[5].to.to_string(),
            "2026-11-22",
            "the current month up to today"
        );
        // The chart's heights: the six months' largest amount is the full height, the
        // others in proportion; CEI as itself, within 0 to 100.
        let largest = c
            .months
            .iter()
            .flat_map(|m| [dec(&m.invoiced), dec(&m.collected)])
            .max()
            .unwrap();
        for m in &c.months {
            for (amount, height) in [
                (&m.invoiced, m.invoiced_percent),
                (&m.collected, m.collected_percent),
            ] {
                let want = if largest.is_zero() {
                    0
                } else {
                    u32::try_from(
                        (dec(amount) * rust_decimal::Decimal::from(100) / largest)
                            .round()
                            .mantissa(),
                    )
                    .unwrap_or(0)
                };
                assert!(
                    height.abs_diff(want) <= 1,
                    "{} {}: {height} for {amount} of {largest}",
                    c.currency,
                    m.from
                );
            }
            assert_eq!(m.cei_percent.is_some(), m.cei.is_some());
            if let (Some(cei), Some(h)) = (&m.cei, m.cei_percent) {
                assert!(
                    h <= 100
                        && (dec(cei) > rust_decimal::Decimal::from(100)
                            || h.abs_diff(dec(cei).round().try_into().unwrap_or(0)) <= 1),
                    "{cei} -> {h}"
                );
            }
        }
        assert!(
            largest.is_zero()
                || c.months
                    .iter()
                    .any(|m| m.invoiced_percent == 100 || m.collected_percent == 100),
            "{}",
            c.currency
        );
    }
    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-11-22".into(),
            mode: DunningRunMode::Preview,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(dash.work.steps_due as usize, run.actions.len());
    assert_eq!(
        dash.work.tasks as usize,
        api.dunning_worklist(String::new()).await.unwrap().len()
    );
    assert_eq!(
        dash.work.tasks, 0,
        "the demo's past calls and reviews were done"
    );
    assert_eq!(dash.work.bank_to_review, 0);
}
