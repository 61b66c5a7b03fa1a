//! Getting started (issue 16): the checklist is read from the book, so each step is done
//! as soon as the book has it, whichever screen or command did it, and the checklist can
//! be left and resumed; hiding it is kept in the book.

#[path = "support/book.rs"]
mod book;

use overdue_api::documents::LetterheadDto;
use overdue_api::dto::DebtorKindDto;
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::setup::{SetupPlace, SetupStep};
use overdue_api::Api;

async fn done(api: &Api) -> Vec<SetupStep> {
    api.setup_status()
        .await
        .unwrap()
        .steps
        .into_iter()
        .filter(|s| s.done)
        .map(|s| s.step)
        .collect()
}

#[tokio::test]
async fn the_checklist_follows_the_book() {
    let dir = tempfile::tempdir().unwrap();
    let api = book::open(dir.path().join("book.db").to_str().unwrap(), (2026, 12, 6)).await;
    let fresh = api.setup_status().await.unwrap();
    assert_eq!((fresh.done, fresh.required, fresh.hidden), (0, 5, false));
    assert!(fresh.steps.iter().all(|s| !s.done));
    let data = fresh
        .steps
        .iter()
        .find(|s| s.step == SetupStep::Data)
        .unwrap();
    assert_eq!(data.place, SetupPlace::Debtors);
    assert!(data.detail.contains("demo data"), "{}", data.detail);
    assert!(
        fresh
            .steps
            .iter()
            .find(|s| s.step == SetupStep::Logo)
            .unwrap()
            .optional
    );

    // The company, without an account yet.
    api.letterhead_set(LetterheadDto {
        name: "Rhein Handel GmbH".into(),
        address_lines: "Hafenstr. 1".into(),
        postal_code: "50667".into(),
        city: "Köln".into(),
        country: "DE".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(done(&api).await, [SetupStep::Company]);
    let mut lh = api.letterhead_get().await.unwrap();
    lh.iban = "DE89370400440532013000".into();
    lh.bic = "COBADEFFXXX".into();
    api.letterhead_set(lh).await.unwrap();
    let status = api.setup_status().await.unwrap();
    let account = status
        .steps
        .iter()
        .find(|s| s.step == SetupStep::BankAccount)
        .unwrap();
    assert!(
        account.done && account.detail.contains("DE89"),
        "{account:?}"
    );

    api.smtp_configure(SmtpSettingsInput {
        settings: SmtpSettings {
            host: "mail.rhein.test".into(),
            port: 587,
            security: SmtpSecurity::Plain,
            username: String::new(),
            from_address: "billing@rhein.test".into(),
            from_name: "Rhein Handel".into(),
            has_password: false,
        },
        password: String::new(),
    })
    .await
    .unwrap();
    let policy = api.dunning_policies().await.unwrap().remove(0);
    api.dunning_policy_save(policy).await.unwrap();
    let id = book::debtor(
        &api,
        DebtorKindDto::Company,
        "K1",
        "Kunde AG",
        "de",
        "DE",
        "EUR",
    )
    .await;
    book::invoice(&api, id, "R-1", "2026-10-01", "2026-10-31", "120.00").await;
    let all = api.setup_status().await.unwrap();
    assert_eq!((all.done, all.required), (5, 5), "{:?}", all.steps);
    assert_eq!(
        done(&api).await,
        [
            SetupStep::Company,
            SetupStep::BankAccount,
            SetupStep::Email,
            SetupStep::Policy,
            SetupStep::Data
        ]
    );

    // Hidden, and shown again: kept in the book.
    assert!(api.setup_hide(true).await.unwrap().hidden);
    api.close().await;
    let again = book::open(dir.path().join("book.db").to_str().unwrap(), (2026, 12, 6)).await;
    assert!(again.setup_status().await.unwrap().hidden);
    assert!(!again.setup_hide(false).await.unwrap().hidden);
}
