//! Every document kind rendered from a sample model and read back with poppler
//! (`pdftotext`, `pdffonts`) and `qpdf --check`; refusals name what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use overdue_docs::{
    metadata_for, render, render_batch, BankDetails, ChargeLine, DocError, Document, DocumentKind,
    Instalment, ItemLine, Letterhead, PageSize, Recipient, Statement, StatementRow,
};
use overdue_domain::{Currency, Money};
use rust_decimal_macros::dec;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn sample(kind: DocumentKind, currency: &str) -> Document {
    let c = Currency::from_code(currency).unwrap();
    let m = |v| Money::new(v, c);
    let us = matches!(
        kind,
        DocumentKind::UsDemand | DocumentKind::ValidationNotice
    );
    let de = kind == DocumentKind::Mahnung;
    Document {
        kind,
        page_size: if us { PageSize::Letter } else { PageSize::A4 },
        letterhead: Letterhead {
            name: "Nordlicht Handels GmbH".into(),
            address: vec!["Hafenstraße 12".into(), "20457 Hamburg".into(), "Germany".into()],
            country: if us { "US".into() } else { "DE".into() },
            phone: "+49 40 1234567".into(),
            email: "buchhaltung@nordlicht.example".into(),
            website: "nordlicht.example".into(),
            registration: "HRB 123456 Amtsgericht Hamburg".into(),
            tax_id: "DE123456789".into(),
            bank: BankDetails {
                account_holder: String::new(),
                bank_name: "Hamburger Sparkasse".into(),
                iban: "DE89 3704 0044 0532 0130 00".into(),
                bic: "COBADEFFXXX".into(),
                account_number: String::new(),
                sort_code: String::new(),
                routing_number: String::new(),
            },
            signatory: "Øster Şahin, Credit Control".into(),
            third_party_collector: kind == DocumentKind::ValidationNotice,
            logo: Vec::new(),
        },
        recipient: Recipient {
            name: "Łukasiewicz & Dvořák s.r.o.".into(),
            attention: if de { String::new() } else { "Jan Dvořák".into() },
            address: vec!["Náměstí Míru 15".into(), "120 00 Praha 2".into(), "Czech Republic".into()],
            consumer: kind == DocumentKind::LetterOfClaim,
            sole_trader: false,
            customer_ref: "C-1042".into(),
            language: if de { "de".into() } else { "en".into() },
        },
        reference: "INV-2026-0815".into(),
        payment_reference: String::new(),
        date: d(2026, 11, 20),
        currency: c,
        items: vec![
            ItemLine {
                number: "INV-2026-0815".into(),
                issue_date: d(2026, 8, 15),
                due_date: d(2026, 9, 14),
                amount: m(dec!(1234.56)),
                open: m(dec!(1234.56)),
                description: "Consulting, August 2026".into(),
            },
            ItemLine {
                number: "INV-2026-0902".into(),
                issue_date: d(2026, 9, 2),
                due_date: d(2026, 10, 2),
                amount: m(dec!(800.00)),
                open: m(dec!(300.00)),
                description: "Licences".into(),
            },
        ],
        charges: vec![
            ChargeLine {
                label: "Interest on INV-2026-0815".into(),
                basis: "section 288 BGB: base rate 1.27% + 9 points = 10.27% a year, 15 Sep to 20 Nov 2026 (67 days)".into(),
                amount: m(dec!(23.27)),
            },
            ChargeLine {
                label: "Late payment compensation".into(),
                basis: "section 288(5) BGB flat rate".into(),
                amount: m(dec!(40.00)),
            },
        ],
        deadline: Some(d(2026, 12, 4)),
        agreement_date: Some(d(2026, 1, 10)),
        interest_continues: "Interest continues to accrue at €0.34 a day until payment.".into(),
        statement: Some(Statement {
            from: d(2026, 8, 1),
            to: d(2026, 11, 20),
            opening: m(dec!(0)),
            rows: vec![
                StatementRow {
                    date: d(2026, 8, 15),
                    kind: "Invoice".into(),
                    reference: "INV-2026-0815".into(),
                    debit: Some(m(dec!(1234.56))),
                    credit: None,
                    balance: m(dec!(1234.56)),
                },
                StatementRow {
                    date: d(2026, 9, 2),
                    kind: "Invoice".into(),
                    reference: "INV-2026-0902".into(),
                    debit: Some(m(dec!(800.00))),
                    credit: None,
                    balance: m(dec!(2034.56)),
                },
                StatementRow {
                    date: d(2026, 10, 1),
                    kind: "Payment".into(),
                    reference: "Bank 1001".into(),
                    debit: None,
                    credit: Some(m(dec!(500.00))),
                    balance: m(dec!(1534.56)),
                },
            ],
            closing: m(dec!(1534.56)),
            payable: None,
        }),
        instalments: vec![
            Instalment { due: d(2026, 12, 1), amount: m(dec!(800.00)) },
            Instalment { due: d(2027, 1, 1), amount: m(dec!(797.83)) },
        ],
        settlement_amount: if kind == DocumentKind::SettlementAgreement {
            Some(m(dec!(1400.00)))
        } else {
            None
        },
        itemization_date: Some(d(2026, 9, 14)),
        credits_since_itemization: Some(m(dec!(500.00))),
        tax_included: Some(m(dec!(197.11))),
        notes: String::new(),
        reminded_on: Vec::new(),
        interest_daily: None,
        interest_to: None,
        grace_days: None,
    }
}

fn out_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("overdue-docs-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/install-deps.sh): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn text_of(path: &Path) -> String {
    tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"])
}

fn write(kind: DocumentKind, currency: &str) -> (PathBuf, String) {
    let doc = sample(kind, currency);
    let bytes = render(&doc, &metadata_for(&doc, 1_795_000_000)).expect("renders");
    let path = out_dir().join(format!("{}.pdf", kind.as_str()));
    std::fs::write(&path, &bytes).unwrap();
    let text = text_of(&path);
    (path, text)
}

#[test]
fn every_kind_renders_with_its_required_elements_and_amounts() {
    for kind in DocumentKind::ALL {
        let currency = if matches!(
            kind,
            DocumentKind::UsDemand | DocumentKind::ValidationNotice
        ) {
            "USD"
        } else if kind == DocumentKind::LetterOfClaim || kind == DocumentKind::LetterBeforeClaim {
            "GBP"
        } else {
            "EUR"
        };
        let (path, text) = write(kind, currency);
        let p = path.to_str().unwrap();
        tool("qpdf", &["--check", p]);
        let fonts = tool("pdffonts", &[p]);
        assert!(
            fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")),
            "{kind:?}: every font must be embedded, subset and have a ToUnicode map:\n{fonts}"
        );
        let page = if kind == DocumentKind::Mahnung {
            "Seite 1 von"
        } else {
            "Page 1 of"
        };
        for must in [
            "Nordlicht Handels GmbH",
            "Łukasiewicz & Dvořák s.r.o.",
            "Náměstí Míru 15",
            page,
        ] {
            assert!(text.contains(must), "{kind:?} must show {must:?}:\n{text}");
        }
        let expected: &[&str] = match kind {
            DocumentKind::Invoice => &["Invoice INV-2026-0815", "€1,234.56", "IBAN"],
            DocumentKind::Reminder | DocumentKind::SecondReminder | DocumentKind::FinalDemand => &[
                "INV-2026-0902",
                "€1,597.83",
                "4 December 2026",
                "section 288 BGB",
                "IBAN",
                "€23.27",
            ],
            DocumentKind::Mahnung => {
                &["Mahnung", "1.597,83 €", "04.12.2026", "§ 288 BGB", "Verzug"]
            }
            DocumentKind::LetterOfClaim => &[
                "Pre-Action Protocol",
                "£1,597.83",
                "10 January 2026",
                "30 days",
                "Information Sheet",
                "Reply Form",
                "Financial Statement",
                "Statement of account",
            ],
            DocumentKind::LetterBeforeClaim => &["letter before claim", "14 days", "£1,597.83"],
            DocumentKind::UsDemand => &["$1,597.83", "December 4, 2026"],
            DocumentKind::ValidationNotice => &[
                "is a debt collector",
                "September 14, 2026",
                "December 30, 2026",
                "How do you want to respond?",
                "$1,597.83",
                "cfpb.gov",
            ],
            DocumentKind::Statement => &["Opening balance", "Closing balance", "€1,534.56"],
            DocumentKind::PaymentPlanAgreement => &["Schedule of payments", "€797.83", "signature"],
            DocumentKind::SettlementAgreement => {
                &["full and final settlement", "€1,400.00", "signature"]
            }
        };
        for must in expected {
            assert!(text.contains(must), "{kind:?} must show {must:?}:\n{text}");
        }
    }
}

#[test]
fn non_ascii_names_round_trip_through_pdftotext() {
    let mut doc = sample(DocumentKind::Reminder, "EUR");
    doc.recipient.name = "Łukasiewicz Øster Şahin Dvořák".into();
    let bytes = render(&doc, &metadata_for(&doc, 0)).unwrap();
    let path = out_dir().join("names.pdf");
    std::fs::write(&path, bytes).unwrap();
    assert!(
        text_of(&path).contains("Łukasiewicz Øster Şahin Dvořák"),
        "names must be copyable text"
    );
}

#[test]
fn metadata_is_written() {
    let doc = sample(DocumentKind::FinalDemand, "EUR");
    let bytes = render(&doc, &metadata_for(&doc, 1_795_000_000)).unwrap();
    let path = out_dir().join("meta.pdf");
    std::fs::write(&path, bytes).unwrap();
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    assert!(
        info.contains("Final demand – INV-2026-0815"),
        "title: {info}"
    );
    assert!(info.contains("Nordlicht Handels GmbH"), "author: {info}");
    assert!(info.contains("2026"), "creation date passed in: {info}");
}

#[test]
fn a_letter_missing_required_elements_is_refused_naming_them() {
    let mut doc = sample(DocumentKind::LetterOfClaim, "GBP");
    doc.recipient.address.clear();
    doc.deadline = None;
    doc.agreement_date = None;
    doc.letterhead.bank = BankDetails::default();
    let err = render(&doc, &metadata_for(&doc, 0)).unwrap_err();
    let msg = err.to_string();
    for missing in [
        "the debtor's address",
        "a deadline",
        "the date of the agreement",
        "payment instructions",
    ] {
        assert!(
            msg.contains(missing),
            "the refusal must name {missing:?}: {msg}"
        );
    }
    assert!(matches!(err, DocError::Missing { .. }));
}

#[test]
fn a_validation_notice_needs_the_collector_setting() {
    let mut doc = sample(DocumentKind::ValidationNotice, "USD");
    doc.letterhead.third_party_collector = false;
    let msg = render(&doc, &metadata_for(&doc, 0))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("third-party collector"), "{msg}");
}

#[test]
fn a_batch_is_refused_whole_and_can_be_cancelled() {
    let good = sample(DocumentKind::Reminder, "EUR");
    let mut bad = sample(DocumentKind::Reminder, "EUR");
    bad.deadline = None;
    let meta = metadata_for(&good, 0);
    assert!(render_batch(&[good.clone(), bad], &meta, &mut |_, _| true).is_err());
    let err = render_batch(&[good.clone(), good.clone()], &meta, &mut |done, _| {
        done < 1
    })
    .unwrap_err();
    assert_eq!(err, DocError::Cancelled);
    let bytes = render_batch(&[good.clone(), good], &meta, &mut |_, _| true).unwrap();
    let path = out_dir().join("batch.pdf");
    std::fs::write(&path, bytes).unwrap();
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
        "two one-page letters: {info}"
    );
}

/// An invoice speaks the debtor's language, the German consumer notice included, and a
/// copy of a settled invoice asks for nothing.
#[test]
fn invoices_speak_the_debtors_language_and_a_settled_copy_asks_for_nothing() {
    let render_text = |doc: &Document, name: &str| {
        let bytes = render(doc, &metadata_for(doc, 1_795_000_000)).expect("renders");
        let path = out_dir().join(name);
        std::fs::write(&path, &bytes).unwrap();
        text_of(&path)
    };
    let consumer = |language: &str| {
        let mut doc = sample(DocumentKind::Invoice, "EUR");
        doc.items.truncate(1);
        doc.recipient.language = language.into();
        doc.recipient.consumer = true;
        doc
    };
    for (language, musts, never) in [
        (
            "de",
            &[
                "Rechnung INV-2026-0815",
                "Beschreibung",
                "1.234,56 €",
                "Bitte zahlen Sie 1.234,56 €",
                "Hinweis: Sie kommen spätestens 30 Tage",
                "Zahlungsinformationen",
                "Seite 1 von 1",
            ][..],
            &["Please pay", "Invoice INV"][..],
        ),
        (
            "en",
            &[
                "Invoice INV-2026-0815",
                "Please pay €1,234.56",
                "Please note: you will be in default no later than 30 days",
                "How to pay",
            ][..],
            &["Hinweis", "Rechnung"][..],
        ),
        (
            "fr",
            &[
                "Facture INV-2026-0815",
                "Désignation",
                "Merci de régler 1 234,56 €",
                "Modalités de paiement",
            ][..],
            &["Please pay", "Hinweis"][..],
        ),
    ] {
        let text = render_text(&consumer(language), &format!("invoice-{language}.pdf"));
        for must in musts {
            assert!(
                text.contains(must),
                "{language} must show {must:?}:\n{text}"
            );
        }
        for not in never {
            assert!(
                !text.contains(not),
                "{language} must not show {not:?}:\n{text}"
            );
        }
    }

    let mut settled = consumer("de");
    settled.items[0].open = Money::new(dec!(0), Currency::from_code("EUR").unwrap());
    let text = render_text(&settled, "invoice-settled.pdf");
    assert!(text.contains("Vollständig beglichen"), "{text}");
    for not in ["Bitte zahlen", "Zahlungsinformationen", "Hinweis"] {
        assert!(
            !text.contains(not),
            "a settled copy must not show {not:?}:\n{text}"
        );
    }
}
