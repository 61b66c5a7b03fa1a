//! The paths a large book takes that a small one never does (issue 19): aging as of a date
//! after which 20,000 or more allocations were made (read through the covering index by
//! invoice instead of the date index), and an invoice import into a smaller book (the
//! table's indexes set aside and built again). Each must give what the small path gives.

mod common;

use common::{d, debtor, now};

use overdue_domain::Money;
use overdue_store::{DemoDebtor, DemoInvoice, DemoPayment, NewInvoice, Store, StoreError};

const INVOICES: usize = 21_000;
/// More than the 1,000 above which the debtors' names are read in one pass.
const DEBTORS: usize = 1_200;

/// 21,000 invoices of 10.00 issued in January 2026 among 1,200 debtors; each paid 4.00 on a
/// day of March and, every third one, the rest on a day of April.
async fn load(store: &Store) {
    let debtors: Vec<DemoDebtor> = (0..DEBTORS)
        .map(|i| DemoDebtor {
            draft: debtor(&format!("Large {i}"), &format!("LB-{i}")),
            account_manager: String::new(),
        })
        .collect();
    let invoices: Vec<DemoInvoice> = (0..INVOICES)
        .map(|i| DemoInvoice {
            debtor: i % DEBTORS,
            number: format!("LB-{i:05}"),
            issue_date: d("2026-01-01") + chrono::Days::new((i % 28) as u64),
            due_date: d("2026-02-01") + chrono::Days::new((i % 28) as u64),
            amount_minor: 1000,
            tax_minor: 0,
            description: String::new(),
        })
        .collect();
    let mut payments = Vec::new();
    for i in 0..INVOICES {
        payments.push(DemoPayment {
            debtor: i % DEBTORS,
            paid_on: d("2026-03-01") + chrono::Days::new((i % 28) as u64),
            amount_minor: 400,
            method: String::new(),
            reference: String::new(),
            allocations: vec![(i, 400)],
        });
        if i % 3 == 0 {
            payments.push(DemoPayment {
                debtor: i % DEBTORS,
                paid_on: d("2026-04-01") + chrono::Days::new((i % 28) as u64),
                amount_minor: 600,
                method: String::new(),
                reference: String::new(),
                allocations: vec![(i, 600)],
            });
        }
    }
    store
        .insert_dataset(&debtors, &invoices, &payments, now())
        .await
        .unwrap();
}

/// The open items as of a date, both ways, and their sum in cents.
async fn both_ways(store: &Store, as_of: &str) -> (usize, i64) {
    let all = common::open_items_both_ways(store, as_of).await;
    let cents = all.iter().map(|o| o.open.to_minor_units().unwrap()).sum();
    (all.len(), cents)
}

async fn aging_of_a_large_book(store: Store) {
    load(&store).await;
    // Every debtor's name: read in one pass for all 1,200, and by id a few hundred at a time.
    let mut ids: Vec<i64> = store
        .open_balances(d("2026-02-15"), None)
        .await
        .unwrap()
        .iter()
        .map(|o| o.debtor_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), DEBTORS);
    let whole = store.debtor_labels(&ids).await.unwrap();
    let mut by_id = std::collections::HashMap::new();
    for chunk in ids.chunks(400) {
        by_id.extend(store.debtor_labels(chunk).await.unwrap());
    }
    assert_eq!(whole, by_id);
    assert_eq!(whole[&ids[7]].name, "Large 7");
    let third = INVOICES.div_ceil(3);
    // Before any payment: 28,000 later allocations, every invoice whole.
    assert_eq!(
        both_ways(&store, "2026-02-15").await,
        (INVOICES, INVOICES as i64 * 1000)
    );
    // Between the two rounds: 7,000 later allocations, every invoice at 6.00.
    assert_eq!(
        both_ways(&store, "2026-03-31").await,
        (INVOICES, INVOICES as i64 * 600)
    );
    // Today: the thirds paid in full are gone.
    assert_eq!(
        both_ways(&store, "2026-06-30").await,
        (INVOICES - third, (INVOICES - third) as i64 * 600)
    );
}

#[tokio::test]
async fn aging_of_a_large_book_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("l.db").to_str().unwrap(), now())
        .await
        .unwrap();
    aging_of_a_large_book(store).await;
}

#[tokio::test]
async fn aging_of_a_large_book_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_large").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    aging_of_a_large_book(store.clone()).await;
    store.close().await;
    db.drop().await;
}

async fn invoice_indexes(store: &Store) -> Vec<(String, String)> {
    let Store::Sqlite(pool) = store else {
        unreachable!("SQLite only")
    };
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' \
         AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_large_invoice_import_builds_its_indexes_again_or_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("i.db").to_str().unwrap(), now())
        .await
        .unwrap();
    let before = invoice_indexes(&store).await;
    assert!(before.len() >= 5, "{before:?}");
    let id = store
        .create_debtor(&debtor("Importer", "IM-1"), "", now())
        .await
        .unwrap();
    let rows = |n: usize| -> Vec<NewInvoice> {
        (0..n)
            .map(|i| NewInvoice {
                debtor_id: id,
                number: format!("IM-{i:05}"),
                issue_date: d("2026-01-05"),
                due_date: None,
                amount: common::m("12.34"),
                tax: Money::zero(common::eur()),
                description: String::new(),
            })
            .collect()
    };
    // One number twice, the second at the very end: the whole import is refused, and the
    // indexes set aside for it are back.
    let mut bad = rows(10_500);
    bad.push(bad[0].clone());
    let err = store.insert_invoices(&bad, now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err:?}");
    assert_eq!(invoice_indexes(&store).await, before);
    assert_eq!(store.counts().await.unwrap().1, 0);
    // The same without the duplicate: every row, every index, and they serve queries.
    store.insert_invoices(&rows(10_500), now()).await.unwrap();
    assert_eq!(invoice_indexes(&store).await, before);
    assert_eq!(store.counts().await.unwrap().1, 10_500);
    let Store::Sqlite(pool) = &store else {
        unreachable!()
    };
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        both_ways(&store, "2026-06-30").await,
        (10_500, 10_500 * 1234)
    );
}
