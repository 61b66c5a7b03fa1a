//! Bounces after the fact: a reminder goes out through the real SMTP server (aiosmtpd),
//! the recipient's server returns a delivery status notification (RFC 3464) delivered
//! through the same server; reading it marks the action bounced, once, with the notice on
//! the debtor's timeline.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{ContactDto, DebtorInput, DebtorKindDto};
use overdue_api::dunning::{DunningBounceInput, DunningRunMode, DunningRunRequest};
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::ledger::InvoiceInput;
use overdue_api::{Api, ErrorCode};
use smtp_sink::{dsn, SmtpSink};

#[tokio::test]
async fn a_bounce_delivered_later_marks_the_reminder_bounced_once() {
    // The mock keyring unless CI runs against a real Secret Service (scripts/test-all.sh).
    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(
        dir.path().join("a.db").to_str().unwrap(),
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 3, 8, 9, 0, 0).unwrap(),
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
    let id = api
        .debtor_create(DebtorInput {
            kind: DebtorKindDto::Company,
            name: "Acme GmbH".into(),
            external_ref: "D1".into(),
            contacts: vec![ContactDto {
                name: "Acme AP".into(),
                role: String::new(),
                email: "gone@acme.test".into(),
                phone: String::new(),
            }],
            address_lines: String::new(),
            postal_code: String::new(),
            city: String::new(),
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
        amount: "300.00".into(),
        tax: String::new(),
        currency: "EUR".into(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap();
    // A reminder without a bank account to pay into is blocked (issue 14).
    let mut s = api.dunning_settings().await.unwrap();
    s.payment.iban = "DE02 1203 0000 0000 2020 51".into();
    api.dunning_settings_save(s).await.unwrap();
    let run = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-03-08".into(),
            mode: DunningRunMode::Send,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        run.actions[0].status,
        overdue_api::dunning::ActionStatus::Sent
    );
    let sent = sink.delivered();
    assert_eq!(sent.len(), 1);
    let message_id = sent[0].header("Message-ID").unwrap();

    // A delay notice is not a bounce.
    sink.deliver_raw(
        "billing@seller.test",
        &dsn(&message_id, "gone@acme.test", "delayed", "4.4.1"),
    );
    // The failure notice, delivered through the real server.
    sink.deliver_raw(
        "billing@seller.test",
        &dsn(&message_id, "gone@acme.test", "failed", "5.1.1"),
    );
    let mail = sink.delivered();
    assert_eq!(mail.len(), 3);
    assert_eq!(mail[2].to, ["billing@seller.test"]);

    let e = api
        .dunning_bounce(DunningBounceInput {
            message_id: String::new(),
            raw: mail[1].text(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert!(e.message.contains("delayed"), "{}", e.message);

    let r = api
        .dunning_bounce(DunningBounceInput {
            message_id: String::new(),
            raw: mail[2].text(),
        })
        .await
        .unwrap();
    assert!(r.recorded);
    assert_eq!(r.action.id, run.actions[0].id);
    assert_eq!(
        r.action.status,
        overdue_api::dunning::ActionStatus::Sent,
        "it did leave; the bounce is beside it"
    );
    assert!(
        r.action
            .bounce
            .starts_with("5.1.1 · gone@acme.test · 550 5.1.1"),
        "{}",
        r.action.bounce
    );
    assert!(
        r.action.bounce.contains("User unknown"),
        "{}",
        r.action.bounce
    );

    // The outbox shows it; the timeline has the bounce once, with the notice as received.
    let actions = api.dunning_actions(Some(id), vec![]).await.unwrap();
    assert_eq!(actions[0].bounce, r.action.bounce);
    let again = api
        .dunning_bounce(DunningBounceInput {
            message_id: message_id.clone(),
            raw: String::new(),
        })
        .await
        .unwrap();
    assert!(!again.recorded, "the same bounce is recorded once");
    let timeline = api.debtor_timeline(id).await.unwrap();
    let bounces: Vec<_> = timeline
        .iter()
        .filter(|e| e.kind == "email_bounced")
        .collect();
    assert_eq!(bounces.len(), 1, "{timeline:?}");
    assert!(
        bounces[0].title.contains("bounced: 5.1.1"),
        "{}",
        bounces[0].title
    );

    // A bounce of some other email is not found.
    let e = api
        .dunning_bounce(DunningBounceInput {
            message_id: String::new(),
            raw: dsn("<other@elsewhere.test>", "x@y.test", "failed", "5.1.1"),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(
        e.message.contains("<other@elsewhere.test>"),
        "{}",
        e.message
    );
}
