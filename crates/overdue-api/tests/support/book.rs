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
        seen_open: None,
    })
    .await
    .unwrap()
    .id
}

/// Prints a letter of `kind` to the debtor and keeps it on the record (as a reminder or
/// demand on record).
pub async fn print_letter(api: &Api, debtor_id: i64, kind: &str) {
    api.letter_pdf(
        &overdue_api::documents::LetterRequest {
            debtor_id,
            kind: kind.into(),
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
}

/// A Leeds creditor with a UK bank account and a signatory, and the Bank of England rate
/// on the reference day 30 June 2026 (a figure for the tests: the shipped table ends
/// before it).
pub async fn uk_creditor(api: &Api) {
    api.letterhead_set(overdue_api::documents::LetterheadDto {
        name: "Brightwater Supplies Ltd".into(),
        address_lines: "12 Mill Lane".into(),
        postal_code: "LS1 4AP".into(),
        city: "Leeds".into(),
        country: "GB".into(),
        sort_code: "20-00-00".into(),
        account_number: "55779911".into(),
        signatory: "Jane Porter".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    api.rate_row_add(overdue_api::latefees::RateRowInput {
        series: "boe_base".into(),
        valid_from: "2026-05-08".into(),
        valid_to: "2026-12-31".into(),
        rate: "4.00".into(),
        source: "test".into(),
    })
    .await
    .unwrap();
}

/// A PDF's text as pdftotext reads it (`-raw`: in the order it was written).
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is installed by scripts/install-deps.sh");
    String::from_utf8_lossy(&out.stdout).to_string()
}
