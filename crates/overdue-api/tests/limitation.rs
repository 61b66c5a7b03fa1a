//! Limitation periods (issue 20) on a real SQLite file and a real PostgreSQL server: the
//! last day each open invoice's claim can be issued under the debtor's law, restarted by
//! a part payment (not by a reversed one), moved off weekends and holidays where the law
//! says so, listed soonest first, and warned of in the dunning run.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use book::{debtor, invoice, open, pay};
use overdue_api::dto::DebtorKindDto::{Company, Individual};
use overdue_api::dunning::{DunningRunMode, DunningRunRequest};
use overdue_api::Api;

async fn story(api: &Api) {
    let de = debtor(api, Company, "D1", "Müller GmbH", "de", "DE", "EUR").await;
    let gb = debtor(api, Company, "G1", "Taylor Ltd", "en", "GB", "GBP").await;
    let fr = debtor(api, Individual, "F1", "Claire Martin", "fr", "FR", "EUR").await;
    let us = debtor(api, Company, "U1", "Acme Inc", "en", "US", "USD").await;
    invoice(api, de, "D-2023", "2023-04-01", "2023-05-01", "1000.00").await;
    let part = invoice(api, de, "D-PART", "2023-01-02", "2023-02-01", "500.00").await;
    pay(api, de, part, "2025-03-14", "100.00").await;
    let rev = invoice(api, de, "D-REV", "2023-02-01", "2023-03-01", "300.00").await;
    let bounced = pay(api, de, rev, "2025-06-02", "50.00").await;
    api.payment_reverse(bounced, "2025-06-10", "returned by the bank")
        .await
        .unwrap();
    let paid = invoice(api, de, "D-PAID", "2023-01-02", "2023-02-01", "80.00").await;
    pay(api, de, paid, "2023-03-01", "80.00").await;
    invoice(api, gb, "G-1", "2020-11-09", "2020-12-09", "700.00").await;
    invoice(api, gb, "G-OLD", "2020-01-01", "2020-01-31", "250.00").await;
    invoice(api, fr, "F-1", "2025-02-13", "2025-03-15", "120.00").await;
    invoice(api, us, "U-1", "2021-01-01", "2021-01-31", "99.00").await;
    // A debtor in Glasgow whose policy puts it under Scots law: 5 years from the due date.
    let scot = debtor(api, Company, "S1", "Clyde Traders Ltd", "en", "GB", "GBP").await;
    api.late_fee_set(
        scot,
        Some(overdue_api::latefees::LateFeePolicyDto {
            uk_region: "scotland".into(),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    invoice(api, scot, "S-1", "2021-11-20", "2021-12-20", "400.00").await;

    let all = api.limitation("", None, None).await.unwrap();
    assert_eq!(all.as_of, "2026-12-06");
    let numbers: Vec<&str> = all.items.iter().map(|i| i.invoice.as_str()).collect();
    assert_eq!(
        numbers,
        ["G-OLD", "G-1", "S-1", "D-2023", "D-REV", "F-1", "D-PART"],
        "soonest first; the paid invoice and the US one (no state) are not listed"
    );
    let get = |n: &str| all.items.iter().find(|i| i.invoice == n).unwrap();
    // England and Wales: accrued 1 February 2020, six years end on Sunday 1 February 2026,
    // moved to Monday: time-barred for 307 days.
    let old = get("G-OLD");
    assert_eq!(
        (
            old.expires_on.as_str(),
            old.days_left,
            old.jurisdiction.as_str()
        ),
        ("2026-02-02", -307, "england-wales")
    );
    assert!(old.rule.contains("Pritam Kaur"), "{}", old.rule);
    assert_eq!(get("G-1").expires_on, "2026-12-10");
    let s1 = get("S-1");
    assert_eq!(
        (
            s1.expires_on.as_str(),
            s1.days_left,
            s1.jurisdiction.as_str()
        ),
        ("2026-12-20", 14, "scotland")
    );
    let bad = api
        .late_fee_set(
            scot,
            Some(overdue_api::latefees::LateFeePolicyDto {
                uk_region: "wales".into(),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(bad.message.starts_with("UK region:"), "{}", bad.message);
    // Germany: three years from the end of 2023.
    let d = get("D-2023");
    assert_eq!((d.expires_on.as_str(), d.days_left), ("2026-12-31", 25));
    assert!(d.rule.starts_with("BGB 195, 199(1)"), "{}", d.rule);
    assert_eq!((d.open.as_str(), d.currency.as_str()), ("1000.00", "EUR"));
    assert_eq!(d.debtor, "Müller GmbH");
    // A part payment restarts it; a reversed one does not.
    let p = get("D-PART");
    assert_eq!(p.expires_on, "2028-03-14");
    assert!(p.rule.contains("BGB 212(1) no. 1"), "{}", p.rule);
    assert_eq!(get("D-REV").expires_on, "2026-12-31");
    // France: two years against a consumer, from the invoice date.
    let f = get("F-1");
    assert_eq!(
        (f.expires_on.as_str(), f.jurisdiction.as_str()),
        ("2027-02-13", "fr")
    );
    assert!(f.rule.contains("L218-2"), "{}", f.rule);
    assert_eq!(all.unknown.len(), 1);
    assert_eq!(
        (
            all.unknown[0].debtor.as_str(),
            all.unknown[0].country.as_str(),
            all.unknown[0].invoices
        ),
        ("Acme Inc", "US", 1)
    );

    // Within 90 days: everything but D-PART; one debtor's only.
    let soon = api.limitation("2026-12-06", Some(90), None).await.unwrap();
    assert_eq!(soon.items.len(), 6);
    let mine = api.limitation("", Some(90), Some(de)).await.unwrap();
    let numbers: Vec<&str> = mine.items.iter().map(|i| i.invoice.as_str()).collect();
    assert_eq!(numbers, ["D-2023", "D-REV"]);
    // Later, D-2023 is time-barred too.
    let later = api
        .limitation("2027-01-01", Some(0), Some(de))
        .await
        .unwrap();
    assert_eq!(later.items[0].days_left, -1);

    // The dunning run warns of them.
    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-12-06".into(),
            mode: DunningRunMode::Preview,
            ..Default::default()
        })
        .await
        .unwrap();
    let warned = |n: &str| {
        run.warnings
            .iter()
            .find(|w| w.starts_with(&format!("{n} ")))
            .unwrap_or_else(|| panic!("a warning for {n}: {:?}", run.warnings))
            .clone()
    };
    assert!(
        warned("G-OLD").contains("has been time-barred since the end of 2 February 2026"),
        "{}",
        warned("G-OLD")
    );
    assert!(
        warned("D-2023").contains("becomes time-barred after 31 December 2026, in 25 days"),
        "{}",
        warned("D-2023")
    );
    assert!(!run.warnings.iter().any(|w| w.starts_with("D-PART ")));

    // Bad input says where.
    let e = api.limitation("2026-02-30", None, None).await.unwrap_err();
    assert!(e.message.starts_with("As of:"), "{}", e.message);
    let e = api.limitation("", Some(-1), None).await.unwrap_err();
    assert!(e.message.starts_with("Within:"), "{}", e.message);
}

#[tokio::test]
async fn claims_become_time_barred_under_the_debtors_law_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("l.db").to_str().unwrap(), (2026, 12, 6)).await;
    story(&api).await;
}

#[tokio::test]
async fn claims_become_time_barred_under_the_debtors_law_postgres() {
    let Some(db) = pg::TestDb::create("limitation_story").await else {
        return;
    };
    let api = open(&db.url, (2026, 12, 6)).await;
    story(&api).await;
    api.close().await;
    db.drop().await;
}
