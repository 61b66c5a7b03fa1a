//! OFX 1.x SGML and 2.x XML reading.

use chrono::NaiveDate;
use overdue_bankfile::{parse, Format};
use rust_decimal_macros::dec;

use crate::support::{entries, fixture, sum_map, sums};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn sgml_bank_and_credit_card_statements() {
    let parsed = parse(&fixture("ofx1_sgml_cp1252.ofx"), "bank.ofx", None, None).unwrap();
    assert_eq!(parsed.format, Format::Ofx);
    assert_eq!(
        parsed.encoding, "windows-1252",
        "CHARSET:1252 is honoured for non-UTF-8 bytes"
    );
    assert_eq!(parsed.statements.len(), 3, "two STMTRS and one CCSTMTRS");
    assert_eq!(entries(&parsed).len(), 6);
    assert_eq!(
        sums(&parsed),
        sum_map(&[
            ("EUR", 'C', dec!(369.00)),
            ("EUR", 'D', dec!(58.40)),
            ("USD", 'C', dec!(2500.75)),
            ("USD", 'D', dec!(1000.00)),
        ])
    );
    let eur = &parsed.statements[0];
    assert_eq!(eur.account_iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(
        eur.statement_id,
        "ofx-DE89370400440532013000-20240301-20240331"
    );
    assert_eq!(
        (eur.from, eur.to),
        (Some(date(2024, 3, 1)), Some(date(2024, 3, 31)))
    );
    let closing = eur.closing.as_ref().unwrap();
    assert_eq!(
        (closing.amount, closing.currency.as_str(), closing.date),
        (dec!(1356.50), "EUR", date(2024, 3, 31))
    );
    assert_eq!(eur.opening, None);

    let first = &eur.entries[0];
    assert_eq!(first.booking_date, date(2024, 3, 5));
    assert_eq!(first.value_date, Some(date(2024, 3, 5)));
    assert_eq!(first.counterparty_name, "Müller GmbH");
    assert_eq!(
        first.remittance, "Müller GmbH Rechnung 2024-0117",
        "NAME is remittance too when there is no PAYEE"
    );
    assert_eq!(first.bank_reference.as_deref(), Some("20240305-001"));
    assert_eq!(first.bank_code.as_deref(), Some("CREDIT"));
    assert_eq!(first.location, "line 39");
    assert!(!first.is_return);

    let payee = &eur.entries[1];
    assert!(!payee.credit);
    assert_eq!(payee.counterparty_name, "Stadtwerke AG");
    assert_eq!(payee.remittance, "Strom Maerz");

    let xfer = &eur.entries[2];
    assert_eq!(xfer.counterparty_name, "Zoë Bakker & Co");
    assert_eq!(
        xfer.counterparty_iban.as_deref(),
        Some("NL69INGB0123456789")
    );
    assert_eq!(xfer.creditor_reference.as_deref(), Some("RF18539007547034"));

    let usd = &parsed.statements[1];
    assert_eq!(usd.account_iban, None);
    assert_eq!(usd.account_other.as_deref(), Some("4001234567"));
    assert_eq!(usd.currency.as_deref(), Some("USD"));

    let card = &parsed.statements[2];
    assert_eq!(card.account_other.as_deref(), Some("4111111111111111"));
    assert_eq!(card.closing.as_ref().unwrap().amount, dec!(-45.90));
    assert_eq!(
        card.entries[0].remittance, "Tankstelle",
        "an empty SGML <MEMO> is left open and closed by </STMTTRN>"
    );
}

#[test]
fn xml_statement_with_foreign_currency_entry() {
    let parsed = parse(&fixture("ofx2.xml"), "bank.qfx", None, None).unwrap();
    assert_eq!(parsed.format, Format::Ofx);
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.account_iban.as_deref(), Some("GB29NWBK60161331926819"));
    assert_eq!(stmt.entries.len(), 3);
    assert_eq!(
        sums(&parsed),
        sum_map(&[
            ("EUR", 'C', dec!(50.00)),
            ("GBP", 'C', dec!(1234.56)),
            ("GBP", 'D', dec!(99.99)),
        ])
    );
    assert_eq!(stmt.entries[0].counterparty_name, "Smith & Sons Ltd");
    assert_eq!(
        stmt.entries[0].booking_date,
        date(2024, 4, 2),
        "the local date of DTPOSTED"
    );
    assert_eq!(stmt.entries[1].counterparty_name, "Cloud Hosting plc");
    assert_eq!(
        stmt.entries[1].location,
        "/OFX/BANKMSGSRSV1/STMTTRNRS[1]/STMTRS[1]/BANKTRANLIST/STMTTRN[2]"
    );
    assert_eq!(stmt.closing.as_ref().unwrap().amount, dec!(5184.57));
}

#[test]
fn european_amount_in_sgml_is_refused_with_its_line() {
    let text = String::from_utf8_lossy(&fixture("ofx1_sgml_cp1252.ofx"))
        .replace("<TRNAMT>-12.50", "<TRNAMT>-1.234,56");
    let err = parse(text.as_bytes(), "bank.ofx", None, None).unwrap_err();
    assert_eq!(err.location, "line 51");
    assert!(err.message.contains("\"-1.234,56\""), "{err}");
}

#[test]
fn bad_amount_in_xml_names_the_path() {
    let text = String::from_utf8(fixture("ofx2.xml"))
        .unwrap()
        .replace("<TRNAMT>-99.99", "<TRNAMT>abc");
    let err = parse(text.as_bytes(), "bank.qfx", None, None).unwrap_err();
    assert_eq!(
        err.location,
        "/OFX/BANKMSGSRSV1/STMTTRNRS[1]/STMTRS[1]/BANKTRANLIST/STMTTRN[2]/TRNAMT"
    );
}

#[test]
fn truncated_ofx_is_an_error() {
    let text = String::from_utf8_lossy(&fixture("ofx1_sgml_cp1252.ofx")).to_string();
    let cut = &text[..text.find("<FITID>US-2").unwrap()];
    let err = parse(cut.as_bytes(), "cut.ofx", None, None).unwrap_err();
    assert!(err.message.contains("ends inside <STMTTRN>"), "{err}");
}

#[test]
fn missing_trnamt_names_the_transaction() {
    let text =
        String::from_utf8_lossy(&fixture("ofx1_sgml_cp1252.ofx")).replace("<TRNAMT>250\r\n", "");
    let err = parse(text.as_bytes(), "bank.ofx", None, None).unwrap_err();
    assert_eq!(err.location, "line 62");
    assert!(err.message.contains("TRNAMT"), "{err}");
}
