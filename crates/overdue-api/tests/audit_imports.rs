//! A bulk import is audited as one entry (issue 19): the file's name, its rows and the
//! SHA-256 of its bytes, with the login and the time, instead of an entry per row; what is
//! written after the import (one invoice typed in) is recorded row by row again. On a real
//! SQLite file and a real PostgreSQL server, where no login can make its own transaction's
//! inserts (or anyone else's) pass as an import's.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use overdue_api::import::ImportKind;
use overdue_api::staff::{AuditAction, AuditLogQuery};
use overdue_api::Api;

/// Debtors and invoices imported from files (the invoices file in Latin-1, as a Windows
/// export writes it), then one invoice typed in.
async fn imports_are_one_entry_each(api: &Api) {
    let debtors: &[u8] =
        b"external_id,name,currency,payment_terms_days\nD1,Nord GmbH,EUR,30\nD2,S\xfcd AG,EUR,30\n";
    api.import_csv(ImportKind::Debtors, "debtors.csv", debtors)
        .await
        .unwrap();
    let invoices: &[u8] = b"number,debtor_external_id,issue_date,due_date,amount,description\n\
        A-1,D1,2026-01-01,2026-01-31,200.00,Stra\xdfenbau\n\
        A-2,D1,2026-01-15,2026-02-14,100.00,\n\
        B-1,D2,2026-01-01,2026-01-31,500.00,\n";
    api.import_csv(ImportKind::Invoices, "march.csv", invoices)
        .await
        .unwrap();
    let payments: &[u8] =
        b"debtor_external_id,date,amount,invoice_number\nD1,2026-02-01,150.00,A-1\n";
    api.import_csv(ImportKind::Payments, "bank-feb.csv", payments)
        .await
        .unwrap();
    let d1 = api.debtor_by_ref("D1").await.unwrap().id;
    book::invoice(api, d1, "A-3", "2026-03-01", "2026-03-31", "75.00").await;

    let trail = api.audit_log(&AuditLogQuery::default()).await.unwrap();
    let login = api.signed_in().await.unwrap().login;
    let imports: Vec<_> = trail.iter().filter(|e| e.table == "imports").collect();
    assert_eq!(imports.len(), 3, "one entry per file: {imports:?}");
    for (entry, (kind, file, rows, bytes)) in imports.iter().zip([
        ("debtors", "debtors.csv", 2, debtors),
        ("invoices", "march.csv", 3, invoices),
        ("payments", "bank-feb.csv", 1, payments),
    ]) {
        let new = entry.new.as_ref().unwrap();
        assert_eq!(entry.action, AuditAction::Insert);
        assert_eq!(entry.login, login);
        assert_eq!(new["kind"], kind);
        assert_eq!(new["file"], file);
        assert_eq!(new["rows"], rows);
        assert_eq!(
            new["sha256"],
            overdue_store::sha256_hex(bytes),
            "the file's own bytes"
        );
    }
    // The rows themselves are covered by their import: no entry each.
    for table in ["debtors", "invoices", "payments", "allocations"] {
        let inserts: Vec<_> = trail
            .iter()
            .filter(|e| e.table == table && e.action == AuditAction::Insert)
            .collect();
        let expected = usize::from(table == "invoices"); // A-3, typed in afterwards
        assert_eq!(inserts.len(), expected, "{table}: {inserts:?}");
    }
    let typed = trail
        .iter()
        .find(|e| e.table == "invoices" && e.action == AuditAction::Insert)
        .unwrap();
    assert_eq!(typed.new.as_ref().unwrap()["number"], "A-3");
    // What the payment moved is in the book all the same.
    let a1 = api
        .invoices_list(overdue_api::ledger::InvoiceListQuery {
            search: "A-1".into(),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(a1.rows[0].open, "50.00");
}

#[tokio::test]
async fn a_bulk_import_is_one_audit_entry_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let api = book::open(path.to_str().unwrap(), (2026, 12, 6)).await;
    imports_are_one_entry_each(&api).await;
    api.close().await;
    // No import is left open.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM imports WHERE open = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(open, 0);
    // An import's record is kept as written.
    assert!(sqlx::query("DELETE FROM imports")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("UPDATE imports SET rows = 0")
        .execute(&pool)
        .await
        .is_err());
    pool.close().await;
}

#[tokio::test]
async fn a_bulk_import_is_one_audit_entry_postgres() {
    let Some(db) = pg::TestDb::create("overdue_audit_imports").await else {
        return;
    };
    let api = book::open(&db.url, (2026, 12, 6)).await;
    imports_are_one_entry_each(&api).await;
    api.close().await;
    // By hand: an import's row names its own transaction, whatever is written into it, so
    // it covers that transaction's inserts and nothing after.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO imports (kind, file, rows, sha256, login, at, txid) \
         VALUES ('invoices', 'x.csv', 1, 'ab', 'someone else', now(), 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let (login, own): (String, bool) =
        sqlx::query_as("SELECT login, txid = txid_current() FROM imports WHERE file = 'x.csv'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(
        login,
        db.url
            .split("://")
            .nth(1)
            .unwrap()
            .split('@')
            .next()
            .unwrap()
            .split(':')
            .next()
            .unwrap()
    );
    assert!(own, "stamped with its own transaction");
    tx.commit().await.unwrap();
    sqlx::query(
        "INSERT INTO invoices (debtor_id, number, issue_date, due_date, currency, amount_minor, tax_minor, open_minor, description, created_at) \
         SELECT id, 'BY-HAND', DATE '2026-03-01', DATE '2026-03-31', 'EUR', 1000, 0, 1000, '', now() FROM debtors WHERE external_ref = 'D1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE tbl = 'invoices' AND action = 'insert' AND new->>'number' = 'BY-HAND'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        recorded, 1,
        "an insert after the import's transaction is recorded"
    );
    assert!(sqlx::query("DELETE FROM imports")
        .execute(&pool)
        .await
        .is_err());
    pool.close().await;
    db.drop().await;
}
