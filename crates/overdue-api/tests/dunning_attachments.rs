//! Letters and statements as PDF attachments of dunning emails, with the real SMTP server
//! (aiosmtpd): the delivered attachment is byte for byte the document stored on the
//! debtor, and the email in the contact log is byte for byte what the server received.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{ContactDto, DebtorInput, DebtorKindDto};
use overdue_api::dunning::{DunningRunMode, DunningRunRequest};
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::ledger::InvoiceInput;
use overdue_api::{Api, ErrorCode};
use smtp_sink::SmtpSink;

#[tokio::test]
async fn the_final_demand_email_carries_the_stored_letter_and_statement() {
    // The mock keyring unless CI runs against a real Secret Service (scripts/test-all.sh).
    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let api = Api::open(
        path.to_str().unwrap(),
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 4, 5, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap();
    let sink = SmtpSink::start();
    api.smtp_configure(SmtpSettingsInput {
        settings: SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            security: SmtpSecurity::Plain,
            username: String::new(),
            from_address: "billing@seller.test".into(),
            from_name: "Seller AG".into(),
            has_password: false,
        },
        password: String::new(),
    })
    .await
    .unwrap();
    let mut head = api.letterhead_get().await.unwrap();
    head.name = "Seller AG".into();
    head.address_lines = "Hauptstr. 1".into();
    head.postal_code = "80331".into();
    head.city = "München".into();
    head.country = "DE".into();
    head.account_holder = "Seller AG".into();
    head.iban = "DE89 3704 0044 0532 0130 00".into();
    api.letterhead_set(head).await.unwrap();
    let id = api
        .debtor_create(DebtorInput {
            kind: DebtorKindDto::Company,
            name: "Acme GmbH".into(),
            external_ref: "D1".into(),
            contacts: vec![ContactDto {
                name: "Acme AP".into(),
                role: String::new(),
                email: "ap@acme.test".into(),
                phone: String::new(),
            }],
            address_lines: "Street 1".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            language: "en".into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            credit_limit: String::new(),
            tags: vec![],
            notes: String::new(),
            account_manager: String::new(),
        })
        .await
        .unwrap()
        .id;
    api.invoice_create(InvoiceInput {
        debtor_id: id,
        number: "INV-1".into(),
        issue_date: "2026-01-30".into(),
        due_date: "2026-03-01".into(),
        amount: "1200.00".into(),
        tax: String::new(),
        currency: "EUR".into(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap();

    // Only an email level may attach documents.
    let mut policy = api.dunning_policies().await.unwrap().remove(0);
    let call = policy
        .levels
        .iter()
        .position(|l| l.channel == "call")
        .unwrap();
    policy.levels[call].attach_letter = true;
    let e = api.dunning_policy_save(policy.clone()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.fields[0].field, format!("levels[{call}].attach_letter"));
    policy.levels[call].attach_letter = false;

    // The final demand attaches its letter and the statement.
    let fd = policy
        .levels
        .iter()
        .position(|l| l.template == "final_demand")
        .unwrap();
    policy.levels[fd].attach_letter = true;
    policy.levels[fd].attach_statement = true;
    let saved = api.dunning_policy_save(policy).await.unwrap();
    assert!(saved.levels[fd].attach_letter && saved.levels[fd].attach_statement);

    // 35 days after due: the final demand (the lower levels are caught up, not sent).
    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-04-05".into(),
            mode: DunningRunMode::Send,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(run.actions.len(), 1);
    let action = &run.actions[0];
    assert_eq!(
        (action.level_name.as_str(), action.status.as_str()),
        ("Final demand", "sent"),
        "{action:?}"
    );

    let mail = sink.delivered();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["ap@acme.test"]);
    assert!(mail[0].text().contains("INV-1"));
    let files = mail[0].attachments();
    assert_eq!(files.len(), 2, "{}", mail[0].text());
    assert!(
        files[0].0.starts_with("final-demand") && files[0].0.ends_with(".pdf"),
        "{:?}",
        files[0].0
    );
    assert!(files[1].0.starts_with("statement"), "{:?}", files[1].0);
    for (_, content_type, bytes) in &files {
        assert!(
            content_type.starts_with("application/pdf"),
            "{content_type}"
        );
        assert!(bytes.starts_with(b"%PDF-"));
    }

    // The stored documents are the attached bytes, with their SHA-256.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let docs: Vec<(String, Vec<u8>, String)> = sqlx::query_as(
        "SELECT kind, content, sha256 FROM documents WHERE debtor_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].0, "final-demand");
    assert_eq!(docs[1].0, "statement");
    for ((_, content, sha), (_, _, attached)) in docs.iter().zip(&files) {
        assert_eq!(
            content, attached,
            "the delivered attachment is the stored document"
        );
        assert_eq!(sha, &overdue_store::sha256_hex(attached));
    }
    pool.close().await;

    // The contact log keeps the email exactly as delivered.
    let sent = api.dunning_sent_message(action.id.unwrap()).await.unwrap();
    assert_eq!(sent.raw.as_bytes(), mail[0].raw.as_slice());
    assert_eq!(sent.sha256, overdue_store::sha256_hex(&mail[0].raw));
}
