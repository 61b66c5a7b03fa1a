//! Collections through the API over a real SQLite file, day by day (the clock is moved by
//! reopening the database with another fixed date): a plan agreed, kept, missed -> default
//! -> dunning resumes; a promise kept / broken; a settlement paid -> exactly the remainder
//! written off -> settled; a hold; disputes upheld (credit note) and rejected; installment
//! reminders.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::collections::{
    CollectionStateKind, HoldInput, InstallmentStatusDto, PauseKindDto, PlanInput, PlanStatusDto,
    PromiseInput, PromiseStatusDto, SettlementInput, SettlementStatusDto,
};
use overdue_api::import::ImportKind;
use overdue_api::ledger::PaymentInput;
use overdue_api::{Api, ErrorCode};

async fn api_on(dir: &tempfile::TempDir, day: &str) -> Api {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let clock = Arc::new(FixedClock(
        Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap()),
    ));
    Api::open(dir.path().join("c.db").to_str().unwrap(), clock)
        .await
        .unwrap()
}

async fn setup(api: &Api) {
    api.import_csv(
        ImportKind::Debtors,
        "d.csv",
        b"external_id,name,currency,payment_terms_days\nD1,Plan Ltd,EUR,30\nD2,Promise Ltd,EUR,30\nD3,Settle Ltd,EUR,30\nD4,Dispute Ltd,EUR,30\n",
    )
    .await
    .unwrap();
    api.import_csv(
        ImportKind::Invoices,
        "i.csv",
        b"number,debtor_external_id,issue_date,due_date,amount\n\
          A-1,D1,2026-01-01,2026-01-31,200.00\nA-2,D1,2026-01-15,2026-02-14,100.00\n\
          B-1,D2,2026-01-01,2026-01-31,500.00\n\
          C-1,D3,2026-01-01,2026-01-31,600.00\nC-2,D3,2026-02-01,2026-03-03,400.00\n\
          E-1,D4,2026-01-01,2026-01-31,80.00\nE-2,D4,2026-01-01,2026-01-31,90.00\n",
    )
    .await
    .unwrap();
}

async fn id_of(api: &Api, reference: &str) -> i64 {
    api.debtor_by_ref(reference).await.unwrap().id
}

async fn invoice_id(api: &Api, number: &str) -> i64 {
    api.invoice_by_number(number).await.unwrap().invoice.id
}

async fn pay(api: &Api, debtor_id: i64, date: &str, amount: &str) {
    api.payment_record(PaymentInput {
        debtor_id,
        date: date.into(),
        amount: amount.into(),
        currency: String::new(),
        method: "bank".into(),
        reference: String::new(),
        invoice_id: None,
        seen_open: None,
    })
    .await
    .unwrap();
}

/// The debtor's contact-log summaries, read straight from the store.
async fn summaries(dir: &tempfile::TempDir, debtor_id: i64) -> Vec<String> {
    let (store, _) = overdue_store::Store::open(
        dir.path().join("c.db").to_str().unwrap(),
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let out = store
        .events_of(debtor_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.summary)
        .collect();
    store.close().await;
    out
}

async fn state(api: &Api, debtor_id: i64) -> overdue_api::collections::CollectionStateDto {
    api.collection_state(debtor_id, "").await.unwrap()
}

#[tokio::test]
async fn plan_kept_then_missed_goes_into_default_and_dunning_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir, "2026-04-30").await;
    setup(&api).await;
    let d1 = id_of(&api, "D1").await;
    let (a1, a2) = (invoice_id(&api, "A-1").await, invoice_id(&api, "A-2").await);
    let input = PlanInput {
        debtor_id: d1,
        invoice_ids: vec![a1, a2],
        installments: "3".into(),
        first_due: "2026-05-31".into(),
        grace_days: 5,
        agreed_by: "Jana".into(),
        ..Default::default()
    };
    let preview = api.plan_preview(input.clone()).await.unwrap();
    assert_eq!(preview.owed, "300.00");
    assert_eq!(
        preview
            .schedule
            .installments
            .iter()
            .map(|i| i.due.as_str())
            .collect::<Vec<_>>(),
        ["2026-05-31", "2026-06-30", "2026-07-31"],
        "the calculator's schedule, month-end clamped"
    );
    let bad = api
        .plan_preview(PlanInput {
            invoice_ids: vec![],
            ..input.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.fields[0].field, "invoice_ids");
    let plan = api.plan_create(input).await.unwrap();
    assert_eq!(plan.total, "300.00");
    assert_eq!(plan.agreed_on, "2026-04-30");
    assert_eq!(plan.agreed_by, "Jana");
    assert_eq!(plan.status, PlanStatusDto::Active);
    let s = state(&api, d1).await;
    assert_eq!(s.state, CollectionStateKind::Paused, "{s:?}");
    assert_eq!(s.pauses[0].kind, PauseKindDto::Plan);
    assert_eq!(s.paused_invoice_ids, vec![a1, a2]);
    assert_eq!(
        s.until, "2026-06-05",
        "paused until the first installment's grace ends"
    );

    // Reminders five days before the first installment.
    let due = api
        .installment_reminders_due("2026-05-26", 5)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].plan_id, due[0].n, due[0].amount.as_str()),
        (plan.id, 1, "100.00")
    );
    assert!(api
        .installment_reminders_due("2026-05-20", 5)
        .await
        .unwrap()
        .is_empty());
    api.close().await;

    // Installment 1 paid on time.
    let api = api_on(&dir, "2026-05-31").await;
    pay(&api, d1, "2026-05-31", "100.00").await;
    let p = api.plan_get(plan.id).await.unwrap();
    assert_eq!(p.installments[0].status, InstallmentStatusDto::Paid);
    assert_eq!(p.remaining, "200.00");
    api.close().await;

    // Installment 2 partly paid and its grace period over: default.
    let api = api_on(&dir, "2026-07-06").await;
    pay(&api, d1, "2026-06-30", "40.00").await;
    let p = api.plan_get(plan.id).await.unwrap();
    assert_eq!(p.installments[1].status, InstallmentStatusDto::Missed);
    assert_eq!(p.status, PlanStatusDto::Defaulted);
    assert_eq!(p.status_since, "2026-07-06");
    let s = state(&api, d1).await;
    assert_eq!(s.state, CollectionStateKind::InDefault);
    assert!(
        s.paused_invoice_ids.is_empty(),
        "dunning resumes on the plan's invoices"
    );
    assert_eq!(s.default_balance, "160.00", "the remaining balance is due");
    let log = summaries(&dir, d1).await;
    assert!(
        log.iter().any(|e| e.contains("in default")),
        "the default is in the contact log: {log:?}"
    );
    let again = summaries(&dir, d1).await.len();
    state(&api, d1).await;
    assert_eq!(summaries(&dir, d1).await.len(), again, "logged once");
    // The state as of an earlier day is unchanged.
    let before = api.collection_state(d1, "2026-06-10").await.unwrap();
    assert_eq!(before.state, CollectionStateKind::Paused);
    api.close().await;
}

#[tokio::test]
async fn promises_kept_and_broken() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir, "2026-05-01").await;
    setup(&api).await;
    let d2 = id_of(&api, "D2").await;
    let bad = api
        .promise_add(PromiseInput {
            debtor_id: d2,
            amount: "abc".into(),
            date: "2026-05-15".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (bad.code, bad.fields[0].field.as_str()),
        (ErrorCode::InvalidInput, "amount")
    );
    let p = api
        .promise_add(PromiseInput {
            debtor_id: d2,
            amount: "200.00".into(),
            date: "2026-05-15".into(),
            author: "Jana".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(p.status, PromiseStatusDto::Pending);
    assert!(p.event_id.is_some(), "recorded with its contact");
    let s = state(&api, d2).await;
    assert_eq!(s.state, CollectionStateKind::Paused);
    assert_eq!(s.until, "2026-05-15");
    assert_eq!(s.pauses[0].kind, PauseKindDto::Promise);
    api.close().await;

    let api = api_on(&dir, "2026-05-16").await;
    pay(&api, d2, "2026-05-14", "200.00").await;
    assert_eq!(
        api.promises_of(d2).await.unwrap()[0].status,
        PromiseStatusDto::Kept
    );
    assert_eq!(state(&api, d2).await.state, CollectionStateKind::Active);
    api.promise_add(PromiseInput {
        debtor_id: d2,
        amount: "300.00".into(),
        date: "2026-05-20".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    api.close().await;

    let api = api_on(&dir, "2026-05-21").await;
    let ps = api.promises_of(d2).await.unwrap();
    assert_eq!(ps[0].status, PromiseStatusDto::Broken);
    let s = state(&api, d2).await;
    assert_eq!(
        s.state,
        CollectionStateKind::Active,
        "a broken promise resumes dunning"
    );
    assert_eq!(s.broken_promises, 1, "and counts in the debtor's record");
    let log = summaries(&dir, d2).await;
    assert!(
        log.iter().any(|e| e.starts_with("Promise broken")),
        "{log:?}"
    );
    assert!(log.iter().any(|e| e.starts_with("Promise kept")), "{log:?}");
    api.close().await;
}

#[tokio::test]
async fn settlement_paid_writes_off_exactly_the_remainder() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir, "2026-05-01").await;
    setup(&api).await;
    let d3 = id_of(&api, "D3").await;
    let offer = api
        .settlement_offer_add(SettlementInput {
            debtor_id: d3,
            percent: "60".into(),
            deadline: "2026-05-31".into(),
            offered_by: "Jana".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (offer.claim.as_str(), offer.amount.as_str()),
        ("1000.00", "600.00")
    );
    assert_eq!(offer.status, SettlementStatusDto::Offered);
    let both = api
        .settlement_offer_add(SettlementInput {
            debtor_id: d3,
            percent: "60".into(),
            amount: "100.00".into(),
            deadline: "2026-05-31".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(both.code, ErrorCode::InvalidInput);
    let accepted = api.settlement_accept(offer.id, "", "Jana").await.unwrap();
    assert_eq!(accepted.status, SettlementStatusDto::Accepted);
    pay(&api, d3, "2026-05-01", "250.00").await;
    assert_eq!(state(&api, d3).await.state, CollectionStateKind::Active);
    api.close().await;

    let api = api_on(&dir, "2026-05-10").await;
    pay(&api, d3, "2026-05-10", "350.00").await;
    let s = api.settlement_get(offer.id).await.unwrap();
    assert_eq!(s.status, SettlementStatusDto::Fulfilled);
    assert_eq!(
        s.written_off, "400.00",
        "exactly the claim less the agreed amount"
    );
    for n in ["C-1", "C-2"] {
        let inv = api.invoice_by_number(n).await.unwrap();
        assert_eq!(inv.invoice.open, "0.00", "{n} closed");
    }
    let c2 = api.invoice_by_number("C-2").await.unwrap();
    assert_eq!(c2.adjustments[0].amount, "400.00");
    assert_eq!(state(&api, d3).await.state, CollectionStateKind::Settled);
    let log = summaries(&dir, d3).await;
    assert!(log.iter().any(|e| e.starts_with("Settlement offered")));
    assert!(log.iter().any(|e| e.starts_with("Settlement accepted")));
    assert!(log.iter().any(|e| e.starts_with("Settlement paid")));
    api.close().await;
}

#[tokio::test]
async fn holds_and_disputes() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_on(&dir, "2026-05-01").await;
    setup(&api).await;
    let d4 = id_of(&api, "D4").await;
    let (e1, e2) = (invoice_id(&api, "E-1").await, invoice_id(&api, "E-2").await);
    let h = api
        .hold_add(HoldInput {
            debtor_id: d4,
            reason: "owner in hospital".into(),
            until: "2026-05-31".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(h.active);
    let s = state(&api, d4).await;
    assert_eq!(
        (s.state, s.until.as_str()),
        (CollectionStateKind::Paused, "2026-05-31")
    );
    assert!(s.reason.contains("owner in hospital"));
    let released = api.hold_release(h.id, "back", "Jana").await.unwrap();
    assert!(!released.active);
    assert_eq!(state(&api, d4).await.state, CollectionStateKind::Active);

    api.invoice_dispute(e1, "", "never delivered")
        .await
        .unwrap();
    let s = state(&api, d4).await;
    assert_eq!(
        s.state,
        CollectionStateKind::Active,
        "one disputed invoice pauses only itself"
    );
    assert_eq!(s.paused_invoice_ids, vec![e1]);
    api.invoice_dispute(e2, "", "wrong price").await.unwrap();
    let s = state(&api, d4).await;
    assert_eq!(s.state, CollectionStateKind::Paused);
    assert_eq!(s.until, "", "a dispute pauses until resolved");

    let upheld = api
        .invoice_dispute_settle(e1, "", true, "CN-7", "Jana")
        .await
        .unwrap();
    assert_eq!(upheld.invoice.open, "0.00");
    assert_eq!(upheld.adjustments[0].reference, "CN-7");
    let rejected = api
        .invoice_dispute_settle(e2, "", false, "", "Jana")
        .await
        .unwrap();
    assert_eq!(rejected.invoice.open, "90.00");
    let s = state(&api, d4).await;
    assert_eq!(
        s.state,
        CollectionStateKind::Active,
        "rejected: dunning resumes"
    );
    assert!(s.paused_invoice_ids.is_empty());
    api.close().await;
}
