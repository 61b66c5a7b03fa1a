//! Credit policy on a stored book: the PDX-1 and CRD-1 vectors built as real ledgers, the
//! score history and alerts, the credit hold on a new invoice, and the risk sort.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::credit::CreditInputsDto;
use overdue_api::dto::{DebtorListQuery, DebtorSortDto, SortDirectionDto};
use overdue_api::import::ImportKind;
use overdue_api::ledger::InvoiceInput;
use overdue_api::{Api, ErrorCode};

async fn api_on(path: &std::path::Path, today: (i32, u32, u32)) -> Api {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(today.0, today.1, today.2, 9, 0, 0)
            .unwrap(),
    ));
    Api::open(path.to_str().unwrap(), clock).await.unwrap()
}

const DEBTORS: &str = "external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit\n\
P1,Paydex Ltd,company,,,,,,GB,EUR,30,20000\n\
C1,Crd GmbH,company,,,,,,DE,EUR,30,10000\n\
G1,Good Payer,company,,,,,,DE,EUR,30,\n";

/// PDX-1: experiences 10000@0, 5000@15, 5000@30 -> score 70. Built as three invoices
/// paid 0, 15 and 30 days after their due dates.
const INVOICES: &str =
    "number,debtor_external_id,issue_date,due_date,amount,currency,description\n\
P-1,P1,2026-01-01,2026-01-31,10000.00,EUR,\n\
P-2,P1,2026-02-01,2026-03-03,5000.00,EUR,\n\
P-3,P1,2026-03-01,2026-03-31,5000.00,EUR,\n\
C-1,C1,2026-04-01,2026-05-01,7500.00,EUR,\n\
G-1,G1,2026-01-01,2026-01-31,100.00,EUR,\n\
G-2,G1,2026-02-01,2026-03-03,100.00,EUR,\n\
G-3,G1,2026-03-01,2026-03-31,100.00,EUR,\n";

const PAYMENTS: &str = "debtor_external_id,date,amount,currency,reference,invoice_number\n\
P1,2026-01-31,10000.00,EUR,r1,P-1\n\
P1,2026-03-18,5000.00,EUR,r2,P-2\n\
P1,2026-04-30,5000.00,EUR,r3,P-3\n\
G1,2026-01-21,100.00,EUR,g1,G-1\n\
G1,2026-02-21,100.00,EUR,g2,G-2\n\
G1,2026-03-21,100.00,EUR,g3,G-3\n";

#[tokio::test]
async fn scores_checks_alerts_and_holds_from_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let api = api_on(&db, (2026, 5, 1)).await;
    for (kind, text) in [
        (ImportKind::Debtors, DEBTORS),
        (ImportKind::Invoices, INVOICES),
        (ImportKind::Payments, PAYMENTS),
    ] {
        api.import_csv(kind, "t.csv", text.as_bytes())
            .await
            .unwrap();
    }
    let id = |r: &'static str| {
        let api = &api;
        async move { api.debtor_by_ref(r).await.unwrap().id }
    };
    let (p1, c1, g1) = (id("P1").await, id("C1").await, id("G1").await);

    // PDX-1 through the ledger.
    let c = api.credit_of(p1, "2026-05-01").await.unwrap();
    assert_eq!(c.score.score, Some(70));
    assert_eq!(c.score.weighted_index.as_deref(), Some("70.0000"));
    assert_eq!(c.score.experiences, 3);
    assert!(c.score.summary.contains("late"), "{}", c.score.summary);
    // Before the third payment, P-3 was open and 0 days overdue on its due date: 2 experiences.
    let early = api.credit_of(p1, "2026-03-31").await.unwrap();
    assert_eq!(early.score.status, "UN", "PDX-4: fewer than 3 experiences");

    // CRD-1: limit 10000, open 7500, new order 3000 -> HOLD over by 500.
    let hold = api.credit_check(c1, "3000.00", "").await.unwrap();
    assert_eq!(hold.decision, "HOLD");
    assert_eq!(hold.exposure, "10500.00");
    assert_eq!(hold.headroom, "-500.00");
    assert!(hold.reasons[0].contains("by 500.00"), "{:?}", hold.reasons);
    let fine = api.credit_check(c1, "2500.00", "").await.unwrap();
    assert_eq!(fine.decision, "RELEASE");
    assert_eq!(fine.headroom, "0.00");

    // A new invoice for a held debtor needs a reason, which goes on the contact log.
    let invoice = |number: &str, reason: &str| InvoiceInput {
        debtor_id: c1,
        number: number.into(),
        issue_date: "2026-05-01".into(),
        due_date: String::new(),
        amount: "3000.00".into(),
        tax: String::new(),
        currency: String::new(),
        description: String::new(),
        override_reason: reason.into(),
    };
    let refused = api.invoice_create(invoice("C-2", "")).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::CreditHold);
    assert!(
        refused.message.contains("over the credit limit"),
        "{}",
        refused.message
    );
    assert!(
        api.invoice_by_number("C-2").await.is_err(),
        "nothing written"
    );
    api.invoice_create(invoice("C-2", "Paid by card on delivery"))
        .await
        .unwrap();
    // Over the limit now: an alert, and first in the risk sort.
    let c = api.credit_of(c1, "").await.unwrap();
    assert_eq!(c.alert_kinds, vec!["over_limit"]);
    assert!(c.alerts[0].contains("over by 500.00 EUR"), "{:?}", c.alerts);

    let alerts = api.credit_alerts(10).await.unwrap();
    assert_eq!(alerts.over_limit, 1);
    assert_eq!(alerts.debtors[0].external_ref, "C1");
    assert_eq!(alerts.scored_on.as_deref(), Some("2026-05-01"));
    let page = api
        .debtors_list(DebtorListQuery {
            sort: DebtorSortDto::Risk,
            direction: SortDirectionDto::Desc,
            limit: 10,
            ..DebtorListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.rows[0].external_ref, "C1");
    assert_eq!(page.rows[0].risk_flags, vec!["over_limit"]);
    let good = page.rows.iter().find(|r| r.external_ref == "G1").unwrap();
    assert_eq!(good.score, Some(85), "paid 10 days early: index 85");
    api.close().await;

    // Weeks later the good payer's new invoice is 60 days late: the score drops a band and
    // the oldest item passes the 30-day tolerance.
    let api = api_on(&db, (2026, 7, 30)).await;
    api.invoice_create(InvoiceInput {
        debtor_id: g1,
        number: "G-4".into(),
        issue_date: "2026-04-01".into(),
        due_date: "2026-05-31".into(),
        amount: "5000.00".into(),
        tax: String::new(),
        currency: String::new(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap();
    let g = api.credit_of(g1, "").await.unwrap();
    assert!(g.score.score.unwrap() < 50, "{:?}", g.score.score);
    assert_eq!(g.alert_kinds, vec!["past_tolerance", "score_dropped"]);
    let history: Vec<_> = g
        .history
        .iter()
        .map(|h| (h.as_of.as_str(), h.score))
        .collect();
    assert_eq!(history.first(), Some(&("2026-05-01", Some(85))));
    assert_eq!(history.last().unwrap().0, "2026-07-30");

    // The owner's inputs sit beside the score; a stricter own policy changes the check.
    let mut inputs = CreditInputsDto {
        external_rating: "Creditreform 250".into(),
        trade_references: "Supplier X: pays in 30 days".into(),
        notes: String::new(),
        policy: None,
    };
    let mut policy = api.credit_policy().await.unwrap();
    policy.tolerance_days = 90;
    inputs.policy = Some(policy);
    let g = api.credit_inputs_set(g1, inputs).await.unwrap();
    assert!(g.own_policy);
    assert_eq!(g.inputs.external_rating, "Creditreform 250");
    assert_eq!(g.alert_kinds, vec!["score_dropped"], "60 days is within 90");
    api.close().await;
}

#[tokio::test]
async fn payment_preview_writes_nothing_and_the_timeline_shows_everything() {
    use overdue_api::ledger::PaymentInput;
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir.path().join("t.db"), (2026, 5, 1)).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    api.import_csv(ImportKind::Invoices, "i.csv", INVOICES.as_bytes())
        .await
        .unwrap();
    let p1 = api.debtor_by_ref("P1").await.unwrap().id;
    let p3 = api.invoice_by_number("P-3").await.unwrap().invoice.id;
    let pay = |amount: &str, invoice: Option<i64>| PaymentInput {
        debtor_id: p1,
        date: String::new(),
        amount: amount.into(),
        currency: String::new(),
        method: "bank transfer".into(),
        reference: "R-9".into(),
        invoice_id: invoice,
        seen_open: None,
    };
    // Oldest due first: P-1 (10000) then P-2 (5000 of 5000), the rest as credit.
    let preview = api.payment_preview(pay("21000.00", None)).await.unwrap();
    let lines: Vec<_> = preview
        .lines
        .iter()
        .map(|l| (l.number.as_str(), l.amount.as_str(), l.open_after.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("P-1", "10000.00", "0.00"),
            ("P-2", "5000.00", "0.00"),
            ("P-3", "5000.00", "0.00")
        ]
    );
    assert_eq!(preview.unapplied, "1000.00");
    // A named invoice goes first.
    let named = api.payment_preview(pay("6000.00", Some(p3))).await.unwrap();
    assert_eq!(named.lines[0].number, "P-3");
    assert_eq!(named.lines[1].number, "P-1");
    assert_eq!(named.lines[1].amount, "1000.00");
    assert!(api.payment_preview(pay("-5", None)).await.is_err());
    assert_eq!(
        api.invoice_by_number("P-1").await.unwrap().invoice.open,
        "10000.00",
        "a preview writes nothing"
    );

    api.payment_record(pay("6000.00", Some(p3))).await.unwrap();
    let timeline = api.debtor_timeline(p1).await.unwrap();
    let titles: Vec<_> = timeline.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles[0], "Payment received R-9",
        "newest first: {titles:?}"
    );
    assert!(titles.contains(&"Invoice P-1"));
    assert_eq!(timeline[0].amount.as_deref(), Some("-6000.00"));
}
