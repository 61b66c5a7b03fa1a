#![allow(dead_code)] // shared by several api test crates; each uses part of it
//! Building a book through the API the way a user does: a dated clock, debtors, invoices,
//! payments.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{ContactDto, DebtorInput, DebtorKindDto};
use overdue_api::ledger::{InvoiceInput, PaymentInput};
use overdue_api::Api;

/// Opens (creating) the book at `target` with the clock at 09:00 UTC on `day`.
pub async fn open(target: &str, day: (i32, u32, u32)) -> Api {
    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    }
    Api::open(
        target,
        Arc::new(FixedClock(
            Utc.with_ymd_and_hms(day.0, day.1, day.2, 9, 0, 0).unwrap(),
        )),
    )
    .await
    .unwrap()
}

/// A debtor with one contact (`ap@<ref>.test`), 30 days' terms, at "Street 1, 12345 Town".
pub async fn debtor(
    api: &Api,
    kind: DebtorKindDto,
    r: &str,
    name: &str,
    language: &str,
    country: &str,
    currency: &str,
) -> i64 {
    debtor_at(
        api,
        kind,
        r,
        name,
        (language, country, currency),
        ("Street 1", "12345", "Town"),
    )
    .await
}

/// [`debtor`] at an address: (street, postal code, city).
pub async fn debtor_at(
    api: &Api,
    kind: DebtorKindDto,
    r: &str,
    name: &str,
    (language, country, currency): (&str, &str, &str),
    (street, postal_code, city): (&str, &str, &str),
) -> i64 {
    api.debtor_create(DebtorInput {
        kind,
        name: name.into(),
        external_ref: r.into(),
        contacts: vec![ContactDto {
            name: String::new(),
            role: String::new(),
            email: format!("ap@{}.test", r.to_lowercase()),
            phone: String::new(),
        }],
        address_lines: street.into(),
        postal_code: postal_code.into(),
        city: city.into(),
        country: country.into(),
        language: language.into(),
        currency: currency.into(),
        payment_terms_days: 30,
        credit_limit: String::new(),
        tags: vec![],
        notes: String::new(),
        account_manager: String::new(),
    })
    .await
    .unwrap()
    .id
}

/// An invoice in the debtor's currency.
pub async fn invoice(
    api: &Api,
    debtor_id: i64,
    number: &str,
    issue: &str,
    due: &str,
    amount: &str,
) -> i64 {
    api.invoice_create(InvoiceInput {
        debtor_id,
        number: number.into(),
        issue_date: issue.into(),
        due_date: due.into(),
        amount: amount.into(),
        tax: String::new(),
        currency: String::new(),
        description: String::new(),
        override_reason: String::new(),
    })
    .await
    .unwrap()
    .id
}

/// A payment applied to one invoice; its id.
pub async fn pay(api: &Api, debtor_id: i64, invoice_id: i64, date: &str, amount: &str) -> i64 {
    api.payment_record(PaymentInput {
        debtor_id,
        date: date.into(),
        amount: amount.into(),
        currency: String::new(),
        method: "bank".into(),
        reference: String::new(),
        invoice_id: Some(invoice_id),
    })
    .await
    .unwrap()
    .id
}
