//! Documents and attachments (migration 0007) on SQLite and, when `OVERDUE_TEST_PG_URL` is
//! set, PostgreSQL: kept byte for byte with their SHA-256, logged on the contact log in the
//! same transaction, a batch kept whole or not at all, and never changed afterwards.

mod common;

use chrono::{TimeZone, Utc};
use overdue_domain::{Currency, DebtorDraft, DebtorKind};
use overdue_store::{sha256_hex, NewAttachment, NewDocument, Store, StoreError};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 30, 9, 0, 0).unwrap()
}

fn debtor(name: &str) -> DebtorDraft {
    DebtorDraft {
        kind: DebtorKind::Company,
        name: name.into(),
        external_ref: String::new(),
        contacts: vec![],
        address: Default::default(),
        language: "en".into(),
        currency: Currency::from_code("EUR").unwrap(),
        payment_terms_days: 30,
        credit_limit: None,
        tags: vec![],
        notes: String::new(),
    }
}

fn letter(debtor_id: i64, bytes: &[u8]) -> NewDocument {
    NewDocument {
        debtor_id,
        invoice_id: None,
        kind: "final-demand".into(),
        title: "Final demand – X".into(),
        file_name: "final-demand-X.pdf".into(),
        content_type: "application/pdf".into(),
        content: bytes.to_vec(),
        author: "overdue".into(),
        event_kind: "letter".into(),
    }
}

async fn story(store: Store) {
    let a = store
        .create_debtor(&debtor("Acme"), "", now())
        .await
        .unwrap();
    let pdf = b"%PDF-1.3 a letter\x00\xff".to_vec();
    let stored = store
        .store_documents(&[letter(a, &pdf)], now())
        .await
        .unwrap();
    assert_eq!(stored[0].1, sha256_hex(&pdf));
    let (rec, bytes) = store.document(stored[0].0).await.unwrap();
    assert!(bytes == pdf, "a kept document comes back byte for byte");
    assert_eq!(rec.size_bytes, i64::try_from(pdf.len()).unwrap());
    let log = store.events_of(a).await.unwrap();
    assert_eq!(log.len(), 1, "producing a document is logged");
    assert_eq!(
        (log[0].kind.as_str(), log[0].ref_table.as_str()),
        ("letter", "documents")
    );
    assert!(
        log[0].detail.contains(&stored[0].1),
        "the log names the document's SHA-256"
    );

    // A batch with one bad debtor keeps nothing.
    let before = store.documents_of(a).await.unwrap().len();
    let err = store
        .store_documents(
            &[letter(a, b"%PDF second"), letter(999_999, b"%PDF third")],
            now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: "debtor",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        store.documents_of(a).await.unwrap().len(),
        before,
        "all or nothing"
    );

    let att = store
        .add_attachment(
            &NewAttachment {
                debtor_id: a,
                invoice_id: None,
                file_name: "contract.pdf".into(),
                content_type: "application/pdf".into(),
                content: b"signed".to_vec(),
                author: "staff".into(),
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(store.attachment_content(att.id).await.unwrap(), b"signed");
    assert_eq!(store.attachments_of(a).await.unwrap().len(), 1);
    assert_eq!(store.events_of(a).await.unwrap().len(), 2);

    // Evidence cannot be edited or deleted, not even with raw SQL.
    for sql in [
        "UPDATE documents SET title = 'x'",
        "DELETE FROM documents",
        "UPDATE attachments SET file_name = 'x'",
    ] {
        let refused = match &store {
            Store::Sqlite(p) => sqlx::query(sql).execute(p).await.is_err(),
            Store::Postgres(p) => sqlx::query(sql).execute(p).await.is_err(),
        };
        assert!(refused, "{sql} must be refused");
    }
}

#[tokio::test]
async fn documents_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("d.db").to_str().unwrap(), now())
        .await
        .unwrap();
    story(store).await;
}

#[tokio::test]
async fn documents_story_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_documents").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    story(store.clone()).await;
    store.close().await;
    db.drop().await;
}
