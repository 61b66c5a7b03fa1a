//! Synthetic letters for the batch benchmark (`overdue bench letters`,
//! `cargo run --release -p overdue-docs --example bench_letters`).

use chrono::{Days, NaiveDate};
use overdue_domain::{Currency, Money};

use crate::model::{
    BankDetails, ChargeLine, Document, DocumentKind, ItemLine, Letterhead, PageSize, Recipient,
};

/// `n` single-page final demands to `n` different debtors, for the batch benchmark
/// (`overdue bench letters`): deterministic names, addresses, invoices and charges.
#[allow(clippy::unwrap_used)]
pub fn demand_letters(n: usize) -> Vec<Document> {
    let eur = Currency::from_code("EUR").unwrap_or_else(|_| unreachable!("EUR is an ISO currency"));
    let head = Letterhead {
        name: "Nordlicht Handels GmbH".into(),
        address: vec!["Hafenstraße 12".into(), "20457 Hamburg".into()],
        country: "DE".into(),
        phone: "+49 40 1234567".into(),
        email: "buchhaltung@nordlicht.example".into(),
        registration: "HRB 123456 Amtsgericht Hamburg".into(),
        tax_id: "DE123456789".into(),
        bank: BankDetails {
            bank_name: "Hamburger Sparkasse".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: "COBADEFFXXX".into(),
            ..Default::default()
        },
        signatory: "Credit Control".into(),
        ..Default::default()
    };
    let first = [
        "Łukasiewicz",
        "Øster",
        "Şahin",
        "Dvořák",
        "Müller",
        "García",
        "Nowak",
        "Smith",
    ];
    let kinds = [
        "GmbH",
        "s.r.o.",
        "A/S",
        "Ltd",
        "AG",
        "S.L.",
        "sp. z o.o.",
        "KG",
    ];
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    (0..n)
        .map(|i| {
            let minor = |x: usize| Money::from_minor_units(i64::try_from(x).unwrap_or(0), eur);
            let a = 10_000 + (i * 7919) % 500_000;
            let b = 5_000 + (i * 104_729) % 200_000;
            let items = vec![
                ItemLine {
                    number: format!("INV-2026-{:05}", 2 * i + 1),
                    issue_date: date - Days::new(80),
                    due_date: date - Days::new(50),
                    amount: minor(a),
                    open: minor(a),
                    description: String::new(),
                },
                ItemLine {
                    number: format!("INV-2026-{:05}", 2 * i + 2),
                    issue_date: date - Days::new(66),
                    due_date: date - Days::new(36),
                    amount: minor(b + 1000),
                    open: minor(b),
                    description: String::new(),
                },
            ];
            Document {
                kind: DocumentKind::FinalDemand,
                page_size: PageSize::A4,
                letterhead: head.clone(),
                recipient: Recipient {
                    name: format!("{} {} {}", first[i % 8], i + 1, kinds[(i / 8) % 8]),
                    attention: String::new(),
                    address: vec![
                        format!("Hauptstraße {}", i % 200 + 1),
                        format!("{:05} Berlin", 10_000 + i % 90_000),
                    ],
                    consumer: false,
                    sole_trader: false,
                    customer_ref: format!("C-{:05}", i + 1),
                    language: "en".into(),
                },
                reference: format!("C-{:05}/20261120", i + 1),
                payment_reference: String::new(),
                date,
                currency: eur,
                items,
                charges: vec![
                    ChargeLine {
                        label: "Interest".into(),
                        basis: "section 288 BGB: base rate + 9 points a year from the day after each due date".into(),
                        amount: minor((a + b) / 90),
                    },
                    ChargeLine {
                        label: "Compensation".into(),
                        basis: "section 288(5) BGB, EUR 40 per invoice".into(),
                        amount: minor(8000),
                    },
                ],
                deadline: Some(date + Days::new(14)),
                agreement_date: None,
                interest_continues: String::new(),
                statement: None,
                instalments: Vec::new(),
                settlement_amount: None,
                itemization_date: None,
                credits_since_itemization: None,
                tax_included: None,
                notes: String::new(),
                reminded_on: Vec::new(),
                interest_daily: None,
                interest_to: None,
                grace_days: None,
            }
        })
        .collect()
}

/// The same batch as [`crate::render_batch`] (without progress), written through the
/// previous printpdf-based writer: the baseline `overdue bench letters` measures in the
/// same run, so the ratio holds however loaded the machine is.
pub fn render_batch_baseline(
    docs: &[Document],
    meta: &crate::Metadata,
) -> Result<Vec<u8>, crate::DocError> {
    let (sheets, bookmarks) = crate::batch_sheets(docs, &mut |_, _| true)?;
    crate::pdf_printpdf::write(&sheets, meta, &bookmarks)
}
