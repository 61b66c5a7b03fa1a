//! Collections as one scripted story (plan agreed, promise with its contact, settlement
//! accepted and fulfilled with the write-off, hold put on and released, disputes upheld
//! by credit note and rejected, refused writes leaving nothing behind), against SQLite
//! and, when `OVERDUE_TEST_PG_URL` is set, PostgreSQL.

mod common;

use common::{d, debtor, eur, m, now};

use overdue_domain::Money;
use overdue_store::{
    DisputeOutcome, NewEvent, NewHold, NewInvoice, NewPayment, NewPlan, NewPromise, NewSettlement,
    PlanInstallmentRecord, Store, StoreError,
};

async fn invoice(store: &Store, debtor_id: i64, number: &str, amount: &str) -> i64 {
    store
        .create_invoice(
            &NewInvoice {
                debtor_id,
                number: number.into(),
                issue_date: d("2026-01-01"),
                due_date: Some(d("2026-01-31")),
                amount: m(amount),
                tax: Money::zero(eur()),
                description: String::new(),
            },
            now(),
        )
        .await
        .unwrap()
}

fn installment(n: i64, due: &str, amount: i64, balance_after: i64) -> PlanInstallmentRecord {
    PlanInstallmentRecord {
        n,
        due_on: d(due),
        amount_minor: amount,
        principal_minor: amount,
        interest_minor: 0,
        balance_after_minor: balance_after,
    }
}

async fn kinds(store: &Store, debtor_id: i64) -> Vec<String> {
    let mut k: Vec<String> = store
        .events_of(debtor_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    k.reverse();
    k
}

async fn story(store: Store) {
    let a = store
        .create_debtor(&debtor("Acme", "C-1"), "", now())
        .await
        .unwrap();
    let b = store
        .create_debtor(&debtor("Other", "C-2"), "", now())
        .await
        .unwrap();
    let i1 = invoice(&store, a, "P-1", "200.00").await;
    let i2 = invoice(&store, a, "P-2", "100.00").await;
    let other = invoice(&store, b, "P-9", "50.00").await;

    // A plan for two invoices.
    let mut plan = NewPlan {
        debtor_id: a,
        currency: eur(),
        method: "interest-free".into(),
        frequency: "monthly".into(),
        rate: "0.00".into(),
        remainder: "last".into(),
        invoices: vec![(i1, 20_000), (i2, 10_000)],
        down_payment_minor: 0,
        grace_days: 5,
        agreed_by: "Jana".into(),
        agreed_on: d("2026-04-30"),
        note: "by phone".into(),
        installments: vec![
            installment(1, "2026-05-31", 10_000, 20_000),
            installment(2, "2026-06-30", 10_000, 10_000),
            installment(3, "2026-07-31", 10_000, 0),
        ],
    };
    // Refused: an invoice of another debtor. Nothing is left behind.
    plan.invoices.push((other, 5_000));
    let refused = store.create_plan(&plan, now()).await;
    assert!(
        matches!(refused, Err(StoreError::Rejected(_))),
        "{refused:?}"
    );
    assert!(
        store.plans_of(Some(a)).await.unwrap().is_empty(),
        "a refused plan leaves no rows"
    );
    assert!(store.events_of(a).await.unwrap().is_empty(), "and no event");
    plan.invoices.pop();
    let plan_id = store.create_plan(&plan, now()).await.unwrap();
    let stored = store.plan(plan_id).await.unwrap();
    assert_eq!(stored.owed_minor, 30_000);
    assert_eq!(stored.total_minor, 30_000);
    assert_eq!(stored.installments.len(), 3);
    assert_eq!(stored.installments[1].due_on, d("2026-06-30"));
    assert_eq!(
        stored
            .invoices
            .iter()
            .map(|i| i.number.as_str())
            .collect::<Vec<_>>(),
        ["P-1", "P-2"]
    );
    assert_eq!(stored.agreed_by, "Jana");
    assert_eq!(stored.recorded_status, "active");
    assert_eq!(
        store.plans_of(None).await.unwrap().len(),
        1,
        "active plans for reminders"
    );
    assert!(store
        .record_plan_status(
            plan_id,
            "defaulted",
            d("2026-06-06"),
            "Plan in default".into(),
            now()
        )
        .await
        .unwrap());
    assert!(
        !store
            .record_plan_status(plan_id, "defaulted", d("2026-06-07"), "again".into(), now())
            .await
            .unwrap(),
        "an outcome is logged once"
    );
    assert!(store.plans_of(None).await.unwrap().is_empty());

    // A promise made in a logged call, and one logged on its own.
    let call = store
        .append_event(
            &NewEvent {
                debtor_id: a,
                occurred_at: now(),
                kind: "call".into(),
                author: "Jana".into(),
                summary: "Called the owner".into(),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    let p1 = store
        .add_promise(
            &NewPromise {
                debtor_id: a,
                amount: m("50.00"),
                made_on: d("2026-04-30"),
                due_on: d("2026-05-10"),
                event_id: Some(call),
                author: "Jana".into(),
                note: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
    let p2 = store
        .add_promise(
            &NewPromise {
                debtor_id: a,
                amount: m("20.00"),
                made_on: d("2026-04-30"),
                due_on: d("2026-05-20"),
                event_id: None,
                author: "Jana".into(),
                note: "by email".into(),
            },
            now(),
        )
        .await
        .unwrap();
    let promises = store.promises_of(a).await.unwrap();
    let by_id = |id: i64| promises.iter().find(|p| p.id == id).unwrap().clone();
    assert_eq!(
        by_id(p1).event_id,
        Some(call),
        "the promise names the call it was made in"
    );
    assert!(
        by_id(p2).event_id.is_some(),
        "without a call, its own log entry is the contact"
    );
    let wrong = store
        .add_promise(
            &NewPromise {
                debtor_id: b,
                amount: m("1.00"),
                made_on: d("2026-04-30"),
                due_on: d("2026-05-20"),
                event_id: Some(call),
                author: String::new(),
                note: String::new(),
            },
            now(),
        )
        .await;
    assert!(
        matches!(wrong, Err(StoreError::Rejected(_))),
        "a call with another debtor"
    );
    assert!(store.promises_of(b).await.unwrap().is_empty());
    assert!(store
        .record_promise_outcome(
            p1,
            "broken",
            d("2026-05-11"),
            "Promise broken".into(),
            now()
        )
        .await
        .unwrap());
    assert!(!store
        .record_promise_outcome(p1, "kept", d("2026-05-12"), "x".into(), now())
        .await
        .unwrap());

    // A settlement: 300.00 owed, 180.00 accepted, paid -> 120.00 written off exactly.
    let sid = store
        .add_settlement(
            &NewSettlement {
                debtor_id: a,
                invoices: vec![(i1, 20_000), (i2, 10_000)],
                amount: m("180.00"),
                percent: "60".into(),
                mode: "one_off".into(),
                offered_on: d("2026-05-01"),
                deadline: d("2026-05-31"),
                offered_by: "Jana".into(),
                note: String::new(),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .accept_settlement(sid, d("2026-05-02"), "Jana", now())
        .await
        .unwrap();
    assert!(store
        .accept_settlement(sid, d("2026-05-03"), "Jana", now())
        .await
        .is_err());
    store
        .record_payments(
            &[NewPayment {
                debtor_id: a,
                paid_on: d("2026-05-05"),
                amount: m("180.00"),
                method: "bank".into(),
                reference: "S".into(),
                invoice_id: None,
                seen_open: None,
            }],
            now(),
        )
        .await
        .unwrap();
    let open1 = store
        .invoice(i1)
        .await
        .unwrap()
        .invoice
        .open
        .to_minor_units()
        .unwrap();
    let open2 = store
        .invoice(i2)
        .await
        .unwrap()
        .invoice
        .open
        .to_minor_units()
        .unwrap();
    assert_eq!(open1 + open2, 12_000);
    let lines = overdue_domain::collection::settlement_write_offs(
        30_000 - 18_000,
        &[(i1, open1), (i2, open2)],
    );
    assert!(store
        .fulfil_settlement(sid, d("2026-05-05"), &lines, "settled for 60%", now())
        .await
        .unwrap());
    assert!(
        !store
            .fulfil_settlement(sid, d("2026-05-06"), &lines, "again", now())
            .await
            .unwrap(),
        "a settlement is written off once"
    );
    let s = store.settlement(sid).await.unwrap();
    assert_eq!(s.written_off, Some(m("120.00")));
    assert_eq!(s.fulfilled_on, Some(d("2026-05-05")));
    for id in [i1, i2] {
        let inv = store.invoice(id).await.unwrap();
        assert!(inv.invoice.open.is_zero(), "the remainder is written off");
    }

    // Holds.
    let h = store
        .add_hold(
            &NewHold {
                debtor_id: b,
                reason: "insolvency check".into(),
                from_on: d("2026-05-01"),
                until_on: d("2026-05-31"),
                created_by: "Jana".into(),
            },
            now(),
        )
        .await
        .unwrap();
    let released = store
        .release_hold(h, d("2026-05-10"), "cleared", "Jana", now())
        .await
        .unwrap();
    assert_eq!(released.released_on, Some(d("2026-05-10")));
    assert!(store
        .release_hold(h, d("2026-05-11"), "", "", now())
        .await
        .is_err());
    assert_eq!(
        store.holds_of(b).await.unwrap()[0].released_on,
        Some(d("2026-05-10"))
    );

    // Disputes: upheld -> credit note for the open balance; rejected -> just resolved.
    let i3 = invoice(&store, b, "P-10", "80.00").await;
    store
        .set_dispute(other, d("2026-05-01"), Some("never delivered"), now())
        .await
        .unwrap();
    store
        .set_dispute(i3, d("2026-05-01"), Some("price"), now())
        .await
        .unwrap();
    store
        .resolve_dispute(
            other,
            d("2026-05-15"),
            &DisputeOutcome::Upheld {
                credit_note_ref: "CN-1".into(),
            },
            "Jana",
            now(),
        )
        .await
        .unwrap();
    let inv = store.invoice(other).await.unwrap();
    assert!(inv.invoice.open.is_zero());
    assert!(inv.invoice.disputed_on.is_none());
    assert_eq!(inv.adjustments.len(), 1);
    assert_eq!(inv.adjustments[0].reference, "CN-1");
    assert_eq!(inv.disputes[0].resolution, "upheld");
    store
        .resolve_dispute(
            i3,
            d("2026-05-15"),
            &DisputeOutcome::Rejected,
            "Jana",
            now(),
        )
        .await
        .unwrap();
    let inv = store.invoice(i3).await.unwrap();
    assert_eq!(
        inv.invoice.open,
        m("80.00"),
        "a rejected dispute leaves the debt"
    );
    assert_eq!(inv.disputes[0].resolution, "rejected");
    assert!(store
        .resolve_dispute(i3, d("2026-05-16"), &DisputeOutcome::Rejected, "", now())
        .await
        .is_err());

    assert_eq!(
        kinds(&store, a).await,
        [
            "call",
            "plan",
            "promise",
            "promise",
            "settlement",
            "settlement",
            "settlement",
            "promise",
            "plan"
        ],
        "every change is in the debtor's contact log"
    );
    assert_eq!(
        kinds(&store, b).await,
        ["hold", "hold", "dispute", "dispute"]
    );
}

#[tokio::test]
async fn collections_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("c.db").to_str().unwrap(), now())
        .await
        .unwrap();
    story(store).await;
}

#[tokio::test]
async fn collections_story_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_collections").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    story(store.clone()).await;
    store.close().await;
    db.drop().await;
}
