//! Dunning over simulated weeks with real parts: a SQLite file (and PostgreSQL when
//! `OVERDUE_TEST_PG_URL` is set), a real SMTP server on 127.0.0.1 (aiosmtpd), the contact
//! log read back from the database.

#[path = "support/pg.rs"]
mod pg;

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::sync::Arc;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{ContactDto, DebtorInput, DebtorKindDto};
use overdue_api::dunning::{DunningRunMode, DunningRunRequest, DunningRunResult, DunningTaskDone};
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::ledger::{InvoiceInput, PaymentInput};
use overdue_api::templates::DunningTemplateDto;
use overdue_api::{Api, ErrorCode};
use smtp_sink::SmtpSink;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn use_mock_keyring_unless_real() {
    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
}

async fn open(target: &str) -> Api {
    use_mock_keyring_unless_real();
    Api::open(
        target,
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap()
}

async fn debtor(api: &Api, r: &str, name: &str, email: &str, lang: &str) -> i64 {
    api.debtor_create(DebtorInput {
        kind: DebtorKindDto::Company,
        name: name.into(),
        external_ref: r.into(),
        contacts: vec![ContactDto {
            name: format!("{name} AP"),
            role: String::new(),
            email: email.into(),
            phone: String::new(),
        }],
        address_lines: "Street 1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        language: lang.into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        credit_limit: String::new(),
        tags: vec![],
        notes: String::new(),
        account_manager: "maria".into(),
    })
    .await
    .unwrap()
    .id
}

async fn invoice(api: &Api, debtor_id: i64, number: &str, due: &str, amount: &str) -> i64 {
    let due_date = d(due);
    api.invoice_create(InvoiceInput {
        debtor_id,
        number: number.into(),
        issue_date: (due_date - Days::new(30)).to_string(),
        due_date: due.into(),
        amount: amount.into(),
        tax: String::new(),
        currency: "EUR".into(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap()
    .id
}

async fn smtp(api: &Api, sink: &SmtpSink) {
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
    let mut s = api.dunning_settings().await.unwrap();
    s.sender.name = "Seller AG".into();
    s.payment.account_holder = "Seller AG".into();
    s.payment.iban = "DE89 3704 0044 0532 0130 00".into();
    api.dunning_settings_save(s).await.unwrap();
}

async fn send(api: &Api, as_of: NaiveDate) -> DunningRunResult {
    api.dunning_run(DunningRunRequest {
        as_of: as_of.to_string(),
        mode: DunningRunMode::Send,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A debtor moving through every level of the default policy, one run a day: each level
/// once on its day, each email delivered to the contact with the invoice and amount, the
/// contact log keeping every email byte for byte as the server received it.
async fn every_level_story(api: &Api) {
    let sink = SmtpSink::start();
    smtp(api, &sink).await;
    let id = debtor(api, "D1", "Acme GmbH", "ap@acme.test", "en").await;
    invoice(api, id, "INV-100", "2026-03-31", "1200.00").await;
    let mut fired = Vec::new();
    let mut day = d("2026-03-20");
    while day <= d("2026-06-15") {
        for a in send(api, day).await.actions {
            assert_eq!(a.status, overdue_api::dunning::ActionStatus::Sent, "{a:?}");
            fired.push((a.level, (day - d("2026-03-31")).num_days(), a.channel));
        }
        day = day + Days::new(1);
    }
    let levels: Vec<(u32, i64)> = fired.iter().map(|(l, n, _)| (*l, *n)).collect();
    assert_eq!(
        levels,
        vec![(1, -3), (2, 7), (3, 21), (4, 35), (5, 45), (6, 60)],
        "every level once, on its trigger day"
    );
    let mail = sink.delivered();
    assert_eq!(mail.len(), 4, "levels 1-4 are emails, 5 and 6 are tasks");
    let subjects: Vec<String> = mail.iter().map(|m| m.header("Subject").unwrap()).collect();
    assert!(subjects[0].starts_with("Friendly reminder"), "{subjects:?}");
    assert!(subjects[1].starts_with("Payment reminder"), "{subjects:?}");
    assert!(subjects[2].starts_with("Second reminder"), "{subjects:?}");
    assert!(subjects[3].starts_with("Final demand"), "{subjects:?}");
    for m in &mail {
        assert_eq!(m.to, vec!["ap@acme.test".to_string()]);
        let body = m.body();
        assert!(
            body.contains("INV-100") && body.contains("1,200.00 EUR"),
            "{body}"
        );
        assert!(body.contains("DE89 3704"), "payment instructions: {body}");
        assert!(m.header("Message-ID").unwrap().ends_with("@seller.test>"));
    }
    assert!(
        mail[3].body().contains("15 May 2026"),
        "the final demand names its deadline (10 days after 2026-05-05), in the debtor's \
         conventions: {}",
        mail[3].body()
    );
    // The wording follows the history: three emails went before the final demand.
    assert!(
        mail[3].body().contains("Despite our reminders of "),
        "{}",
        mail[3].body()
    );
    // The contact log keeps each email exactly as the server received it.
    let events = api.debtor_timeline(id).await.unwrap();
    let emails: Vec<_> = events.iter().filter(|e| e.kind == "email").collect();
    assert_eq!(emails.len(), 4);
    let mut hashes: Vec<String> = emails.iter().map(|e| e.sha256.clone().unwrap()).collect();
    hashes.sort();
    let mut received: Vec<String> = mail
        .iter()
        .map(|m| overdue_store::sha256_hex(&m.raw))
        .collect();
    received.sort();
    assert_eq!(
        hashes, received,
        "the stored SHA-256 is the hash of the bytes the server received"
    );
    let first = api.dunning_actions(Some(id), vec![]).await.unwrap();
    let first = first.iter().find(|a| a.level == 1).unwrap();
    let sent = api.dunning_sent_message(first.id.unwrap()).await.unwrap();
    assert_eq!(
        sent.raw.as_bytes(),
        mail[0].raw.as_slice(),
        "the contact log keeps the friendly reminder byte for byte"
    );
    // The call and the legal review are on the account manager's worklist.
    let work = api.dunning_worklist("maria".into()).await.unwrap();
    assert_eq!(
        work.iter().map(|w| w.channel.as_str()).collect::<Vec<_>>(),
        vec!["legal", "call"]
    );
    assert!(api
        .dunning_worklist("someone else".into())
        .await
        .unwrap()
        .is_empty());
    let call = work
        .iter()
        .find(|w| w.channel == overdue_api::dunning::ActionChannel::Call)
        .unwrap();
    api.dunning_task_done(DunningTaskDone {
        action_id: call.id.unwrap(),
        outcome: "Reached AP, promised to pay Friday".into(),
        author: "maria".into(),
    })
    .await
    .unwrap();
    assert_eq!(api.dunning_worklist("maria".into()).await.unwrap().len(), 1);
    let events = api.debtor_timeline(id).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "call" && e.author == "maria" && e.title.contains("Friday")));
}

#[tokio::test]
async fn a_debtor_moves_through_every_level_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    every_level_story(&api).await;
}

#[tokio::test]
async fn a_debtor_moves_through_every_level_postgres() {
    let Some(db) = pg::TestDb::create("dunning_story").await else {
        return;
    };
    let api = open(&db.url).await;
    every_level_story(&api).await;
    api.close().await;
    db.drop().await;
}

#[tokio::test]
async fn a_partial_payment_changes_the_amount_in_the_next_reminder() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let id = debtor(&api, "D1", "Acme GmbH", "ap@acme.test", "en").await;
    invoice(&api, id, "INV-1", "2026-03-01", "1000.00").await;
    let r = send(&api, d("2026-03-08")).await;
    assert_eq!(r.actions[0].amount, "1000.00");
    api.payment_record(PaymentInput {
        debtor_id: id,
        date: "2026-03-15".into(),
        amount: "400.00".into(),
        currency: "EUR".into(),
        method: "bank transfer".into(),
        reference: "P1".into(),
        invoice_id: None,
        seen_open: None,
    })
    .await
    .unwrap();
    let r = send(&api, d("2026-03-22")).await;
    assert_eq!(
        (r.actions[0].level, r.actions[0].amount.as_str()),
        (3, "600.00"),
        "the second reminder asks for what is open now"
    );
    let mail = sink.delivered();
    assert!(mail[1].body().contains("600.00 EUR"), "{}", mail[1].body());
    assert!(!mail[1].body().contains("1000.00"), "{}", mail[1].body());
}

#[tokio::test]
async fn catch_up_after_14_days_closed_sends_one_action_per_debtor() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    for (i, due) in ["2026-02-05", "2026-03-01", "2026-03-10"]
        .iter()
        .enumerate()
    {
        let id = debtor(
            &api,
            &format!("D{i}"),
            &format!("Debtor {i}"),
            &format!("d{i}@x.test"),
            "en",
        )
        .await;
        invoice(&api, id, &format!("INV-{i}"), due, "100.00").await;
    }
    // Runs daily up to 2026-03-09, then the app is closed for 14 days.
    let mut day = d("2026-02-01");
    while day <= d("2026-03-09") {
        send(&api, day).await;
        day = day + Days::new(1);
    }
    let before = sink.delivered().len();
    let r = send(&api, d("2026-03-23")).await;
    let mut levels: Vec<(&str, u32)> = r
        .actions
        .iter()
        .map(|a| (a.debtor.as_str(), a.level))
        .collect();
    levels.sort();
    // D0: final demand (day 35 = 03-12) was missed while closed; now 46 days late. The call
    // would come next, but escalation never skips notice: the final demand goes out first.
    // D1: reminder sent on 03-08; 22 days late now: the second reminder.
    // D2: friendly reminder sent on 03-07; 13 days late now: the reminder.
    assert_eq!(
        levels,
        vec![("D0", 4), ("D1", 3), ("D2", 2)],
        "one action per debtor"
    );
    assert_eq!(
        sink.delivered().len() - before,
        3,
        "three emails, one per debtor, no burst"
    );
    assert!(
        !r.skipped
            .iter()
            .any(|s| s.debtor == "D0" && s.reason.contains("level 4 (Final demand)")),
        "the final demand is never skipped: {:?}",
        r.skipped
    );
    // The next day nothing more goes out.
    assert!(send(&api, d("2026-03-24")).await.actions.is_empty());
}

#[tokio::test]
async fn a_disputed_invoice_is_left_out_while_the_others_are_reminded() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let id = debtor(&api, "D1", "Acme GmbH", "ap@acme.test", "de").await;
    let disputed = invoice(&api, id, "INV-D", "2026-03-01", "500.00").await;
    invoice(&api, id, "INV-OK", "2026-03-02", "70.00").await;
    api.invoice_dispute(disputed, "2026-03-05", "goods damaged")
        .await
        .unwrap();
    let r = send(&api, d("2026-03-10")).await;
    assert_eq!(r.actions.len(), 1);
    assert_eq!(r.actions[0].invoices, vec!["INV-OK".to_string()]);
    assert_eq!(r.actions[0].amount, "70.00");
    let body = sink.delivered()[0].body();
    assert!(body.contains("INV-OK") && !body.contains("INV-D"), "{body}");
    assert!(
        body.contains("Zahlungserinnerung") || body.contains("überfällig"),
        "German: {body}"
    );
}

#[tokio::test]
async fn a_refused_recipient_is_recorded_as_failed_and_retried_later() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let id = debtor(&api, "D1", "Acme GmbH", "reject@acme.test", "en").await;
    invoice(&api, id, "INV-1", "2026-03-01", "100.00").await;
    let r = send(&api, d("2026-03-08")).await;
    assert_eq!(
        r.actions[0].status,
        overdue_api::dunning::ActionStatus::Failed
    );
    assert!(
        r.actions[0].error.contains("127.0.0.1"),
        "{}",
        r.actions[0].error
    );
    let events = api.debtor_timeline(id).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "email_failed"));
    assert!(sink.delivered().is_empty());
    // The address is corrected; the next run sends the same step.
    let mut input = api.debtor_get(id).await.unwrap().input;
    input.contacts[0].email = "ap@acme.test".into();
    api.debtor_update(id, input, None).await.unwrap();
    let r = send(&api, d("2026-03-09")).await;
    assert_eq!(
        (r.actions[0].level, r.actions[0].status.as_str()),
        (2, "sent")
    );
    assert_eq!(sink.delivered().len(), 1);
}

#[tokio::test]
async fn preview_writes_nothing_and_plan_then_send_approves_some() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let a = debtor(&api, "A", "Alpha", "a@x.test", "en").await;
    let b = debtor(&api, "B", "Beta", "b@x.test", "en").await;
    invoice(&api, a, "INV-A", "2026-03-01", "10.00").await;
    invoice(&api, b, "INV-B", "2026-03-01", "20.00").await;
    let preview = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-03-08".into(),
            mode: DunningRunMode::Preview,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(preview.actions.len(), 2);
    assert!(
        preview.actions[0].body.contains("INV-A"),
        "rendered message in the preview"
    );
    assert!(
        api.dunning_actions(None, vec![]).await.unwrap().is_empty(),
        "a preview writes nothing"
    );
    // Approve only B.
    let r = api
        .dunning_run(DunningRunRequest {
            as_of: "2026-03-08".into(),
            mode: DunningRunMode::Send,
            debtor_ids: vec![b],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(r.actions.len(), 1);
    assert_eq!(sink.delivered().len(), 1);
    assert_eq!(sink.delivered()[0].to, vec!["b@x.test".to_string()]);
    // Sending the same day again sends nothing twice.
    let r = send(&api, d("2026-03-08")).await;
    assert_eq!(r.actions.len(), 1, "only A is left");
    assert_eq!(sink.delivered().len(), 2);
    assert!(send(&api, d("2026-03-08")).await.actions.is_empty());
}

#[tokio::test]
async fn a_template_with_an_unknown_field_fails_when_saved_and_an_edited_one_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let e = api
        .dunning_template_save(DunningTemplateDto {
            key: "reminder".into(),
            language: "en".into(),
            subject: "Hi {{ debtor.name }}".into(),
            body: "You owe {{ totl }}".into(),
            shipped: false,
            version: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(e.fields[0].field, "body");
    api.dunning_template_save(DunningTemplateDto {
        key: "reminder".into(),
        language: "en".into(),
        subject: "Overdue: {{ debtor.name }}".into(),
        body:
            "Pay {{ total }} {{ currency }} for {% for i in invoices %}{{ i.number }} {% endfor %}"
                .into(),
        shipped: false,
        version: None,
    })
    .await
    .unwrap();
    let id = debtor(&api, "D1", "Acme & Co", "ap@acme.test", "en").await;
    invoice(&api, id, "INV-9", "2026-03-01", "99.00").await;
    let preview = api
        .dunning_template_preview(overdue_api::dunning::DunningTemplatePreview {
            subject: "{{ debtor.name }}".into(),
            body: "{{ contact.name }}: {{ total }}".into(),
            debtor_id: Some(id),
            debtor_ref: String::new(),
            level: Some(2),
            as_of: "2026-03-08".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        (preview.subject.as_str(), preview.body.as_str()),
        ("Acme & Co", "Acme & Co AP: 99.00")
    );
    // The debtor as the user knows it: its reference; one that names nobody is an error,
    // not the sample data (typing "D1" used to show the sample silently).
    let by_ref = |r: &str| overdue_api::dunning::DunningTemplatePreview {
        subject: "{{ debtor.name }}".into(),
        body: "{{ total }}".into(),
        debtor_id: None,
        debtor_ref: r.into(),
        level: Some(2),
        as_of: "2026-03-08".into(),
    };
    assert_eq!(
        api.dunning_template_preview(by_ref(" D1 "))
            .await
            .unwrap()
            .subject,
        "Acme & Co"
    );
    let nobody = api
        .dunning_template_preview(by_ref("D404"))
        .await
        .unwrap_err();
    assert_eq!(nobody.fields[0].field, "debtor", "{nobody:?}");
    assert!(nobody.message.contains("\"D404\""), "{nobody:?}");
    send(&api, d("2026-03-08")).await;
    let m = &sink.delivered()[0];
    assert_eq!(m.header("Subject").unwrap(), "Overdue: Acme & Co");
    assert_eq!(m.body().trim(), "Pay 99.00 EUR for INV-9");
}

#[tokio::test]
async fn the_smtp_password_goes_to_the_keyring_never_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let api = open(db.to_str().unwrap()).await;
    let secret = format!("smtp-s3cret-{}", std::process::id());
    let s = api
        .smtp_configure(SmtpSettingsInput {
            settings: SmtpSettings {
                host: "smtp.example.test".into(),
                port: 587,
                security: SmtpSecurity::Starttls,
                username: format!("user{}", std::process::id()),
                from_address: "billing@seller.test".into(),
                from_name: String::new(),
                has_password: false,
            },
            password: secret.clone(),
        })
        .await
        .unwrap();
    api.close().await;
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(
            !b.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the SMTP password must never be written to the database"
        );
    }
    if std::env::var("OVERDUE_TEST_KEYRING").is_ok() {
        assert!(s.has_password, "a real Secret Service keeps the password");
        assert_eq!(
            overdue_api::email::smtp_password(&s).unwrap().as_deref(),
            Some(secret.as_str())
        );
    }
    let e = api
        .smtp_configure(SmtpSettingsInput::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
}

/// A promise to pay pauses dunning until its date; broken (nothing paid by then), it is
/// recorded and dunning resumes at the level the debt's age calls for.
#[tokio::test]
async fn a_promise_pauses_dunning_and_a_broken_promise_resumes_it() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("a.db").to_str().unwrap()).await;
    let sink = SmtpSink::start();
    smtp(&api, &sink).await;
    let id = debtor(&api, "D1", "Acme GmbH", "ap@acme.test", "en").await;
    invoice(&api, id, "INV-1", "2026-01-01", "300.00").await;
    assert_eq!(send(&api, d("2026-01-08")).await.actions[0].level, 2);
    api.promise_add(overdue_api::collections::PromiseInput {
        debtor_id: id,
        amount: "300.00".into(),
        date: "2026-02-10".into(),
        made_on: "2026-01-20".into(),
        event_id: None,
        author: "maria".into(),
        note: String::new(),
    })
    .await
    .unwrap();
    // The second reminder would be due on 2026-01-22; the promise holds it back.
    let mut day = d("2026-01-21");
    while day <= d("2026-02-10") {
        let r = send(&api, day).await;
        assert!(r.actions.is_empty(), "paused on {day}: {r:?}");
        if day == d("2026-01-22") {
            assert!(
                r.skipped
                    .iter()
                    .any(|s| s.debtor == "D1" && s.reason.contains("2026-02-10")),
                "the pause is reported with its end: {:?}",
                r.skipped
            );
        }
        day = day + Days::new(1);
    }
    let r = send(&api, d("2026-02-11")).await;
    assert_eq!(
        r.actions
            .iter()
            .map(|a| (a.level, a.status.as_str()))
            .collect::<Vec<_>>(),
        vec![(4, "sent")],
        "the broken promise resumes dunning at the level the debt's age calls for (41 days: final demand)"
    );
    assert!(
        r.skipped
            .iter()
            .any(|s| s.reason.contains("level 3 (Second reminder)")),
        "the second reminder that fell in the pause is reported as skipped: {:?}",
        r.skipped
    );
    assert_eq!(sink.delivered().len(), 2);
}
