//! The receivables ledger as one scripted story (invoices, allocation, overpayment,
//! credit note, write-off, reversal, dispute, balances as of past dates, a refused
//! over-allocation, a bulk load), run against SQLite and, when `OVERDUE_TEST_PG_URL` is
//! set, PostgreSQL: the triggers that keep balances exact exist once per backend.

mod common;

use common::{d, debtor, eur, m, now};

use overdue_domain::Money;
use overdue_store::{
    AdjustmentKind, CreditInputs, DemoDebtor, DemoInvoice, DemoPayment, InvoiceQuery,
    InvoiceStatus, NewAdjustment, NewCharge, NewEvent, NewInvoice, NewPayment, RiskEntry,
    ScoreEntry, Store, StoreError, UserRateRow,
};

async fn open_of(store: &Store, as_of: &str, number: &str) -> String {
    common::open_items_both_ways(store, as_of)
        .await
        .into_iter()
        .find(|o| o.number == number)
        .map_or("0.00".to_string(), |o| o.open.to_string())
}

async fn story(store: Store) {
    let a = store
        .create_debtor(&debtor("Acme", "L-1"), "", now())
        .await
        .unwrap();
    let b = store
        .create_debtor(&debtor("Other", "L-2"), "", now())
        .await
        .unwrap();
    let inv =
        |debtor_id: i64, number: &str, issue: &str, due: Option<&str>, amount: &str| NewInvoice {
            debtor_id,
            number: number.into(),
            issue_date: d(issue),
            due_date: due.map(d),
            amount: m(amount),
            tax: Money::zero(eur()),
            description: String::new(),
        };
    let i1 = store
        .create_invoice(&inv(a, "I-1", "2026-01-01", None, "100.00"), now())
        .await
        .unwrap();
    let i2 = store
        .create_invoice(
            &inv(a, "I-2", "2026-01-10", Some("2026-01-20"), "200.00"),
            now(),
        )
        .await
        .unwrap();
    let i3 = store
        .create_invoice(&inv(a, "I-3", "2026-02-01", None, "300.00"), now())
        .await
        .unwrap();
    let other = store
        .create_invoice(&inv(b, "O-1", "2026-01-01", None, "50.00"), now())
        .await
        .unwrap();
    let detail = store.invoice(i1).await.unwrap();
    assert_eq!(
        detail.invoice.due_date,
        d("2026-01-31"),
        "due date = issue + the debtor's 30 days"
    );
    assert!(matches!(
        store
            .create_invoice(&inv(a, "I-1", "2026-01-01", None, "1.00"), now())
            .await,
        Err(StoreError::Duplicate { .. })
    ));

    // Oldest due first: I-2 (due 01-20) before I-1 (due 01-31); the rest is credit.
    let paid = store
        .record_payments(
            &[NewPayment {
                debtor_id: a,
                paid_on: d("2026-02-10"),
                amount: m("250.00"),
                method: "bank transfer".into(),
                reference: "P1".into(),
                invoice_id: None,
                seen_open: None,
            }],
            now(),
        )
        .await
        .unwrap();
    let p1 = paid[0].id;
    let lines: Vec<(i64, String)> = paid[0]
        .allocations
        .iter()
        .map(|l| (l.invoice_id, l.amount.to_string()))
        .collect();
    assert_eq!(
        lines,
        vec![(i2, "200.00 EUR".into()), (i1, "50.00 EUR".into())],
        "oldest due first"
    );
    assert!(paid[0].unapplied.is_zero());

    // An explicit invoice wins over age; an overpayment stays unapplied.
    let paid = store
        .record_payments(
            &[NewPayment {
                debtor_id: a,
                paid_on: d("2026-03-05"),
                amount: m("400.00"),
                method: String::new(),
                reference: "P2".into(),
                invoice_id: Some(i3),
                seen_open: None,
            }],
            now(),
        )
        .await
        .unwrap();
    let p2 = paid[0].id;
    assert_eq!(paid[0].allocations[0].invoice_id, i3);
    assert_eq!(paid[0].allocations[0].amount, m("300.00"));
    assert_eq!(paid[0].allocations[1].invoice_id, i1);
    assert_eq!(paid[0].allocations[1].amount, m("50.00"));
    assert_eq!(
        paid[0].unapplied,
        m("50.00"),
        "an overpayment is kept as credit"
    );
    assert_eq!(store.payment(p2).await.unwrap().unapplied, m("50.00"));

    // A payment may not name another debtor's invoice.
    assert!(matches!(
        store
            .record_payments(
                &[NewPayment {
                    debtor_id: a,
                    paid_on: d("2026-03-05"),
                    amount: m("1.00"),
                    method: String::new(),
                    reference: String::new(),
                    invoice_id: Some(other),
                    seen_open: None,
                }],
                now(),
            )
            .await,
        Err(StoreError::Rejected(_))
    ));

    // The database refuses an allocation above the open balance, whoever writes it.
    let raw = match &store {
        Store::Sqlite(pool) => {
            sqlx::query("INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) VALUES ($1, $2, 1, '2026-03-06')")
                .bind(p2)
                .bind(i3)
                .execute(pool)
                .await
                .map(|_| ())
        }
        Store::Postgres(pool) => {
            sqlx::query("INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) VALUES ($1, $2, 1, DATE '2026-03-06')")
                .bind(p2)
                .bind(i3)
                .execute(pool)
                .await
                .map(|_| ())
        }
    };
    assert!(
        raw.is_err(),
        "an allocation to a paid invoice must fail in the database itself"
    );
    let raw_other = match &store {
        Store::Sqlite(pool) => sqlx::query("INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) VALUES ($1, $2, 1, '2026-03-06')")
            .bind(p2).bind(other).execute(pool).await.map(|_| ()),
        Store::Postgres(pool) => sqlx::query("INSERT INTO allocations (payment_id, invoice_id, amount_minor, allocated_on) VALUES ($1, $2, 1, DATE '2026-03-06')")
            .bind(p2).bind(other).execute(pool).await.map(|_| ()),
    };
    assert!(
        raw_other.is_err(),
        "a payment cannot pay another debtor's invoice, even by hand"
    );
    assert_eq!(store.invoice(other).await.unwrap().invoice.open, m("50.00"));

    // Credit note and write-off reduce the balance; never beyond it.
    let i4 = store
        .create_invoice(&inv(a, "I-4", "2026-03-01", None, "80.00"), now())
        .await
        .unwrap();
    store
        .add_adjustment(
            &NewAdjustment {
                invoice_id: i4,
                kind: AdjustmentKind::CreditNote,
                reference: "CN-1".into(),
                issued_on: d("2026-03-10"),
                amount: m("30.00"),
                reason: "returned".into(),
                seen_open: None,
            },
            now(),
        )
        .await
        .unwrap();
    let too_much = store
        .add_adjustment(
            &NewAdjustment {
                invoice_id: i4,
                kind: AdjustmentKind::WriteOff,
                reference: String::new(),
                issued_on: d("2026-03-20"),
                amount: m("50.01"),
                reason: String::new(),
                seen_open: None,
            },
            now(),
        )
        .await;
    assert!(
        matches!(too_much, Err(StoreError::Rejected(_))),
        "{too_much:?}"
    );
    store
        .add_adjustment(
            &NewAdjustment {
                invoice_id: i4,
                kind: AdjustmentKind::WriteOff,
                reference: String::new(),
                issued_on: d("2026-03-20"),
                amount: m("50.00"),
                reason: "insolvent".into(),
                seen_open: None,
            },
            now(),
        )
        .await
        .unwrap();
    assert!(store.invoice(i4).await.unwrap().invoice.open.is_zero());

    // Balances as of past dates count only what was dated by then.
    assert_eq!(open_of(&store, "2026-02-09", "I-1").await, "100.00 EUR");
    assert_eq!(open_of(&store, "2026-02-10", "I-1").await, "50.00 EUR");
    assert_eq!(open_of(&store, "2026-03-05", "I-1").await, "0.00");
    assert_eq!(open_of(&store, "2026-03-15", "I-4").await, "50.00 EUR");
    assert_eq!(open_of(&store, "2026-03-20", "I-4").await, "0.00");
    assert_eq!(
        open_of(&store, "2025-12-31", "I-1").await,
        "0.00",
        "not yet issued"
    );

    // Reversal restores balances from its date on; earlier dates keep the payment.
    store
        .reverse_payment(p1, d("2026-04-01"), "bounced")
        .await
        .unwrap();
    assert_eq!(store.invoice(i2).await.unwrap().invoice.open, m("200.00"));
    assert_eq!(store.invoice(i1).await.unwrap().invoice.open, m("50.00"));
    assert_eq!(open_of(&store, "2026-03-31", "I-2").await, "0.00");
    assert_eq!(open_of(&store, "2026-04-01", "I-2").await, "200.00 EUR");
    assert!(matches!(
        store.reverse_payment(p1, d("2026-04-02"), "again").await,
        Err(StoreError::Rejected(_))
    ));

    // Disputes: mark, list, resolve.
    store
        .set_dispute(i2, d("2026-04-02"), Some("wrong quantity"), now())
        .await
        .unwrap();
    let q = InvoiceQuery {
        disputed: true,
        ..InvoiceQuery::of_debtor(a, d("2026-04-30"), 100)
    };
    let (n, rows) = store.list_invoices(&q).await.unwrap();
    assert_eq!((n, rows[0].number.as_str()), (1, "I-2"));
    assert_eq!(rows[0].status(d("2026-04-30")), InvoiceStatus::Disputed);
    assert!(matches!(
        store
            .set_dispute(i2, d("2026-04-03"), Some("again"), now())
            .await,
        Err(StoreError::Rejected(_))
    ));
    store
        .set_dispute(i2, d("2026-04-10"), None, now())
        .await
        .unwrap();
    let detail = store.invoice(i2).await.unwrap();
    assert_eq!(detail.disputes.len(), 1);
    assert_eq!(detail.disputes[0].resolved_on, Some(d("2026-04-10")));
    assert_eq!(detail.allocations.len(), 1);
    assert_eq!(detail.allocations[0].reversed_on, Some(d("2026-04-01")));
    let (settled, _) = store
        .list_invoices(&InvoiceQuery {
            status: Some(InvoiceStatus::Settled),
            disputed: false,
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(settled, 2, "I-3 paid, I-4 credited and written off");

    // Statement entries: every document, signed.
    let entries = store.account_entries(a, d("2026-04-30")).await.unwrap();
    let total: i64 = entries
        .iter()
        .map(|e| e.amount.to_minor_units().unwrap())
        .sum();
    // 680 invoiced - 250 - 400 paid + 250 reversed - 30 credited - 50 written off = 200.
    assert_eq!(total, 20000);

    // The bulk loader goes through the same triggers: balances come out right once.
    let dd = vec![DemoDebtor {
        draft: debtor("Bulk", "L-3"),
        account_manager: String::new(),
    }];
    let di = vec![DemoInvoice {
        debtor: 0,
        number: "BULK-1".into(),
        issue_date: d("2026-01-01"),
        due_date: d("2026-01-31"),
        amount_minor: 10000,
        tax_minor: 0,
        description: String::new(),
    }];
    let dp = vec![DemoPayment {
        debtor: 0,
        paid_on: d("2026-02-01"),
        amount_minor: 4000,
        method: String::new(),
        reference: String::new(),
        allocations: vec![(0, 4000)],
    }];
    store.insert_dataset(&dd, &di, &dp, now()).await.unwrap();
    let id = store.invoice_id_by_number("BULK-1").await.unwrap();
    assert_eq!(
        store.invoice(id).await.unwrap().invoice.open,
        m("60.00"),
        "the demo load must not take allocations off twice"
    );
    assert_eq!(open_of(&store, "2026-01-31", "BULK-1").await, "100.00 EUR");
    // A payment recorded after a bulk load gets a fresh id (sequences moved past).
    let paid = store
        .record_payments(
            &[NewPayment {
                debtor_id: a,
                paid_on: d("2026-04-20"),
                amount: m("1.00"),
                method: String::new(),
                reference: String::new(),
                invoice_id: None,
                seen_open: None,
            }],
            now(),
        )
        .await
        .unwrap();
    assert!(store.payment(paid[0].id).await.is_ok());

    // The contact log: appended with the bytes as sent and their SHA-256, never edited.
    let debtor_id = store.debtor_refs().await.unwrap()["L-1"];
    let message = b"Subject: Reminder\r\n\r\nPlease pay.".to_vec();
    let first = store
        .append_event(
            &NewEvent {
                debtor_id,
                occurred_at: now(),
                kind: "email".into(),
                author: "overdue".into(),
                summary: "Reminder sent".into(),
                content: Some(message.clone()),
                content_type: "message/rfc822".into(),
                ..NewEvent::default()
            },
            now(),
        )
        .await
        .unwrap();
    let later = now() + chrono::Duration::hours(1);
    store
        .append_event(
            &NewEvent {
                debtor_id,
                occurred_at: later,
                kind: "note".into(),
                author: "Anna".into(),
                summary: "Called, no answer".into(),
                ..NewEvent::default()
            },
            later,
        )
        .await
        .unwrap();
    let log = store.events_of(debtor_id).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].summary, "Called, no answer", "newest first");
    assert_eq!(
        log[1].sha256.as_deref(),
        Some(overdue_store::sha256_hex(&message).as_str())
    );
    let (bytes, sha) = store.event_content(first).await.unwrap();
    assert_eq!(bytes.as_deref(), Some(&message[..]));
    assert_eq!(sha, log[1].sha256);
    for (sql, what) in [
        ("UPDATE events SET summary = 'changed'", "edits"),
        ("DELETE FROM events", "deletes"),
    ] {
        let refused = match &store {
            Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.is_err(),
            Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.is_err(),
        };
        assert!(refused, "the contact log refuses {what}");
    }
    assert_eq!(store.events_of(debtor_id).await.unwrap().len(), 2);

    // Credit: the score's facts as of a date, its history and the current risk.
    let as_of = d("2026-06-30");
    let facts = store
        .scoring_invoices(as_of, debtor_id, debtor_id)
        .await
        .unwrap();
    assert!(!facts.is_empty());
    for f in &facts {
        assert!(f.open.amount() <= f.amount.amount());
    }
    let entry = |day: &str, score: i64| ScoreEntry {
        debtor_id,
        as_of: d(day),
        score: Some(score),
        weighted_dbt: Some("12.50".into()),
        experiences: 4,
    };
    let risk = RiskEntry {
        debtor_id,
        as_of,
        score: Some(45),
        previous_score: Some(82),
        flags: vec!["over_limit".into(), "score_dropped".into()],
        reasons: vec!["Over.".into(), "Dropped.".into()],
        rank: 2055,
    };
    store
        .save_scores(&[entry("2026-06-01", 82)], &[], now())
        .await
        .unwrap();
    // Saving the same day again replaces, never duplicates.
    store
        .save_scores(
            &[entry("2026-06-30", 50), entry("2026-06-30", 45)],
            std::slice::from_ref(&risk),
            now(),
        )
        .await
        .unwrap();
    let history = store.score_history(debtor_id).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.score).collect::<Vec<_>>(),
        vec![Some(82), Some(45)]
    );
    assert_eq!(
        store
            .previous_scores(as_of, debtor_id, debtor_id)
            .await
            .unwrap(),
        vec![(debtor_id, Some(82))]
    );
    assert_eq!(
        store.debtor_risk(debtor_id).await.unwrap(),
        Some(risk.clone())
    );
    assert_eq!(store.risk_alerts(10).await.unwrap(), vec![risk]);
    assert_eq!(store.risk_counts().await.unwrap(), (1, 0, 1));
    assert_eq!(store.latest_score_date().await.unwrap(), Some(as_of));
    let inputs = CreditInputs {
        policy_json: Some("{}".into()),
        external_rating: " A+ ".into(),
        ..CreditInputs::default()
    };
    store
        .set_credit_inputs(debtor_id, &inputs, now())
        .await
        .unwrap();
    store
        .set_credit_inputs(debtor_id, &inputs, now())
        .await
        .unwrap();
    assert_eq!(
        store
            .credit_inputs(debtor_id)
            .await
            .unwrap()
            .external_rating,
        "A+"
    );
    assert!(store
        .set_credit_inputs(9_999_999, &inputs, now())
        .await
        .is_err());

    // Late fees: a policy, the user's rate rows, charges booked and reversed.
    store
        .set_late_fee_policy(debtor_id, Some("{\"kind\":\"none\"}"), now())
        .await
        .unwrap();
    assert!(store.late_fee_policy(debtor_id).await.unwrap().is_some());
    store
        .set_late_fee_policy(debtor_id, None, now())
        .await
        .unwrap();
    assert!(store.late_fee_policy(debtor_id).await.unwrap().is_none());
    let row = |from: &str| UserRateRow {
        id: 0,
        series: "de_basiszins".into(),
        valid_from: d(from),
        valid_to: d("2027-06-30"),
        rate: "1.5".into(),
        source: "Bundesbank".into(),
    };
    store
        .merge_rate_rows(&[row("2027-01-01")], now())
        .await
        .unwrap();
    // The same days again replace the row of that series (a corrected figure): never two.
    let mut corrected = row("2027-03-01");
    corrected.rate = "1.75".into();
    store.merge_rate_rows(&[corrected], now()).await.unwrap();
    let rows = store.user_rate_rows().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].rate, "1.75");
    store.delete_rate_row(rows[0].id).await.unwrap();
    let invoice_id = store.invoice_id_by_number("BULK-1").await.unwrap();
    let histories = store.invoice_histories(&[invoice_id]).await.unwrap();
    assert!(histories.len() <= 1);
    let charge_debtor = store.invoice(invoice_id).await.unwrap().invoice.debtor_id;
    let event = NewEvent {
        debtor_id: charge_debtor,
        occurred_at: now(),
        kind: "charge".into(),
        author: "overdue".into(),
        summary: "Interest claimed".into(),
        ..NewEvent::default()
    };
    let ids = store
        .add_charges(
            &[NewCharge {
                debtor_id: charge_debtor,
                invoice_id,
                kind: "interest".into(),
                charged_on: d("2026-07-01"),
                period: Some((d("2026-06-01"), d("2026-07-01"))),
                amount: m("12.34"),
                basis: "BGB 288".into(),
            }],
            &event,
            now(),
        )
        .await
        .unwrap();
    let entries = store
        .account_entries(charge_debtor, d("2026-12-31"))
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.amount == m("12.34")));
    store
        .reverse_charge(ids[0], d("2026-07-02"), "error", &event, now())
        .await
        .unwrap();
    assert!(store
        .reverse_charge(ids[0], d("2026-07-03"), "again", &event, now())
        .await
        .is_err());
    let charges = store.charges_of(charge_debtor).await.unwrap();
    assert_eq!(charges[0].reversed_on, Some(d("2026-07-02")));
    let entries = store
        .account_entries(charge_debtor, d("2026-12-31"))
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e.amount == m("-12.34")),
        "the reversal is on the account"
    );
}

#[tokio::test]
async fn ledger_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("l.db").to_str().unwrap(), now())
        .await
        .unwrap();
    story(store).await;
}

#[tokio::test]
async fn ledger_story_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_ledger").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    story(store.clone()).await;
    store.close().await;
    db.drop().await;
}
