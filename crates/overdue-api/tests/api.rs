//! The application layer as the shell and the CLI use it.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{DatabaseTarget, DebtorInput, DebtorKindDto, DebtorListQuery, DemoRequest};
use overdue_api::{config, Api, ErrorCode};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
    ))
}

fn input(name: &str) -> DebtorInput {
    DebtorInput {
        kind: DebtorKindDto::SoleTrader,
        name: name.into(),
        external_ref: String::new(),
        contacts: vec![],
        address_lines: String::new(),
        postal_code: String::new(),
        city: String::new(),
        country: String::new(),
        language: "en".into(),
        currency: "GBP".into(),
        payment_terms_days: 30,
        credit_limit: String::new(),
        tags: vec![],
        notes: String::new(),
        account_manager: String::new(),
    }
}

#[tokio::test]
async fn first_start_offers_demo_once() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path().join("a.db").to_str().unwrap(), clock())
        .await
        .unwrap();
    assert!(
        api.info().await.unwrap().offer_demo,
        "an empty new book offers demo data"
    );
    let s = api
        .demo_load(DemoRequest {
            debtors: 20,
            invoices: 200,
            seed: 9,
            as_used: false,
        })
        .await
        .unwrap();
    assert_eq!((s.debtors, s.invoices), (20, 200));
    let info = api.info().await.unwrap();
    assert!(!info.offer_demo);
    assert_eq!(
        (info.debtors, info.invoices, info.today.as_str()),
        (20, 200, "2026-11-22")
    );

    let other = Api::open(dir.path().join("b.db").to_str().unwrap(), clock())
        .await
        .unwrap();
    other.decline_demo().await.unwrap();
    assert!(
        !other.info().await.unwrap().offer_demo,
        "a declined offer is not repeated"
    );
}

#[tokio::test]
async fn switching_databases_keeps_the_old_one_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path().join("a.db").to_str().unwrap(), clock())
        .await
        .unwrap();
    api.debtor_create(input("Old Book Ltd")).await.unwrap();
    let err = api
        .switch("postgres://nobody@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseUnavailable);
    let page = api.debtors_list(DebtorListQuery::default()).await.unwrap();
    assert_eq!(
        page.total, 1,
        "a failed switch leaves the open database in place"
    );
    let info = api
        .switch(dir.path().join("b.db").to_str().unwrap())
        .await
        .unwrap();
    assert_eq!(info.debtors, 0);
}

#[tokio::test]
async fn edits_are_validated_again_in_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path().join("a.db").to_str().unwrap(), clock())
        .await
        .unwrap();
    let d = api.debtor_create(input("Øster Fisk")).await.unwrap();
    let mut bad = input("");
    bad.credit_limit = "12.345".into();
    let err = api.debtor_update(d.id, bad, None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["name", "credit_limit"]);
    assert_eq!(
        api.debtor_get(d.id).await.unwrap().input.name,
        "Øster Fisk",
        "a refused edit changes nothing"
    );
    assert_eq!(
        api.debtor_get(424242).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

/// The shared-server password goes to the real OS keyring and never to the config file.
/// Runs where `.ci/run` provides a PostgreSQL server and a Secret Service session.
#[tokio::test]
async fn postgres_password_lives_in_the_keyring_only() {
    let (Ok(base), Ok(_)) = (
        std::env::var("OVERDUE_TEST_PG_URL"),
        std::env::var("OVERDUE_TEST_KEYRING"),
    ) else {
        assert!(
            std::env::var("OVERDUE_REQUIRE_PG").is_err(),
            "CI must provide PostgreSQL and a keyring"
        );
        eprintln!("skipping: needs OVERDUE_TEST_PG_URL and OVERDUE_TEST_KEYRING");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("config.json");
    let api = Api::open(dir.path().join("local.db").to_str().unwrap(), clock())
        .await
        .unwrap();
    let secret = format!("s3cret-{}", std::process::id());
    let info = api
        .configure_database(
            DatabaseTarget::Postgres {
                url: base.clone(),
                password: secret.clone(),
            },
            &config_file,
        )
        .await
        .unwrap();
    assert_eq!(info.backend, "postgres");
    let text = std::fs::read_to_string(&config_file).unwrap();
    assert!(
        !text.contains(&secret),
        "the config file must not hold the password: {text}"
    );
    let (bare, _) = config::split_password(&base);
    assert_eq!(
        config::stored_password(&bare).unwrap().as_deref(),
        Some(secret.as_str()),
        "password is in the keyring"
    );
    let stored = config::load(&config_file).unwrap().unwrap();
    assert!(
        config::resolve(&stored).unwrap().contains(&secret),
        "the next start connects with the keyring's password"
    );
}
