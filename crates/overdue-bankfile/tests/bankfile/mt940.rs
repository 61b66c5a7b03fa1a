//! MT940 / MT942 reading.

use chrono::NaiveDate;
use overdue_bankfile::{parse, Format};
use rust_decimal_macros::dec;

use crate::support::{assert_balances_add_up, entries, fixture, sum_map, sums};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn german_structured_86_in_windows_1252() {
    let parsed = parse(&fixture("mt940_german_cp1252.sta"), "konto.sta", None, None).unwrap();
    assert_eq!(parsed.format, Format::Mt940);
    assert_eq!(parsed.encoding, "windows-1252");
    assert_eq!(parsed.statements.len(), 2, "each :20: starts a statement");
    let (first, second) = (&parsed.statements[0], &parsed.statements[1]);
    assert_eq!(first.account_iban, None);
    assert_eq!(first.account_other.as_deref(), Some("10020030/1234567"));
    assert_eq!(
        first.currency.as_deref(),
        Some("EUR"),
        "currency from :60F:"
    );
    assert_eq!(first.statement_id, "STARTUMSE/00061/001");
    assert_eq!(first.sequence.as_deref(), Some("00061/001"));
    assert_eq!(
        (first.from, first.to),
        (Some(date(2023, 12, 29)), Some(date(2024, 1, 3)))
    );
    assert_balances_add_up(first);
    assert_balances_add_up(second);
    assert_eq!(entries(&parsed).len(), 7);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(464.25)), ("EUR", 'D', dec!(124.40))])
    );

    let e = &first.entries[0];
    assert_eq!(e.location, "line 6");
    assert_eq!(e.bank_code.as_deref(), Some("166"));
    assert_eq!(e.counterparty_name, "Müller, Anna");
    assert_eq!(
        e.counterparty_iban.as_deref(),
        Some("DE02120300000000202051")
    );
    assert_eq!(e.counterparty_bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(
        e.remittance, "Rechnung 2024-0117 Kunde 4711",
        "a subfield split across lines joins without the line break; SVWZ+ is dropped"
    );
    assert_eq!(e.end_to_end_id.as_deref(), Some("E2E-2024-0117"));
    assert_eq!(e.bank_reference.as_deref(), Some("B4A02-0001"));

    let fee = &first.entries[1];
    assert_eq!(
        fee.booking_date,
        date(2023, 12, 29),
        "entry date 1229 before value date 240102 is last year"
    );
    assert_eq!(fee.value_date, Some(date(2024, 1, 2)));
    assert_eq!(fee.remittance, "", "an empty :86:");
    assert_eq!(fee.bank_code.as_deref(), Some("NMSC"));

    let returned = &first.entries[2];
    assert!(returned.is_return && !returned.credit);
    assert_eq!(returned.return_reason.as_deref(), Some("MD06"));
    assert_eq!(
        returned.remittance, "Rueckgabegrund MD06 Retour Lastschrift",
        "MREF+/CRED+ are not remittance"
    );
    assert_eq!(returned.counterparty_name, "Peter Weber");
    assert_eq!(returned.end_to_end_id.as_deref(), Some("LS-2023-1201"));

    let rf = &first.entries[3];
    assert_eq!(rf.creditor_reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(rf.counterparty_name, "Bäckerei Zoë Schulz");
    assert!(!rf.is_return);

    let storno = &first.entries[4];
    assert!(
        storno.reversal && !storno.credit,
        "RC is the reversal of a credit: money out"
    );

    let rd = &second.entries[1];
    assert!(
        rd.reversal && rd.credit,
        "RD is the reversal of a debit: money in"
    );
    assert_eq!(rd.remittance, "", "an entry without :86:");
    assert_eq!(second.entries[0].booking_date, date(2024, 1, 4));
}

#[test]
fn dutch_tags_lf_no_final_newline() {
    let parsed = parse(&fixture("mt940_dutch.txt"), "abn.txt", None, None).unwrap();
    assert_eq!(parsed.format, Format::Mt940);
    let stmt = &parsed.statements[0];
    assert_eq!(
        stmt.account_iban.as_deref(),
        Some("NL91ABNA0417164300"),
        "the trailing currency is not part of the IBAN"
    );
    assert_eq!(stmt.currency.as_deref(), Some("EUR"));
    assert_balances_add_up(stmt);
    assert_eq!(stmt.entries.len(), 6);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(1290.50)), ("EUR", 'D', dec!(352.29))])
    );
    let e = &stmt.entries[0];
    assert_eq!(e.counterparty_name, "JANSEN BV");
    assert_eq!(e.counterparty_iban.as_deref(), Some("NL20INGB0001234567"));
    assert_eq!(e.counterparty_bic.as_deref(), Some("INGBNL2A"));
    assert_eq!(e.remittance, "Factuur 2024-0042");
    assert_eq!(e.end_to_end_id.as_deref(), Some("E2E-NL-42"));
    assert_eq!(e.bank_code.as_deref(), Some("N541"));

    let ideal = &stmt.entries[1];
    assert_eq!(ideal.amount, dec!(0.50), "\",50\" is fifty cents");
    assert_eq!(ideal.creditor_reference.as_deref(), Some("RF712348231"));
    assert_eq!(ideal.end_to_end_id, None);

    let incasso = &stmt.entries[2];
    assert_eq!(incasso.counterparty_name, "Energie Leverancier NV");
    assert_eq!(incasso.remittance, "Maandtermijn maart");

    let storno = &stmt.entries[3];
    assert!(storno.is_return);
    assert_eq!(storno.return_reason.as_deref(), Some("AC04"));
    assert_eq!(storno.remittance, "Retour factuur 17");

    let ing = &stmt.entries[4];
    assert_eq!(ing.counterparty_name, "Pieter Bakker");
    assert_eq!(ing.counterparty_iban.as_deref(), Some("NL69INGB0123456789"));
    assert_eq!(ing.end_to_end_id.as_deref(), Some("ING-REF-1"));
    assert_eq!(ing.remittance, "Bestelling 991");

    let fee = &stmt.entries[5];
    assert_eq!(
        fee.amount,
        dec!(12.34),
        "the funds code letter R is skipped"
    );
    assert_eq!(
        fee.remittance,
        "KOSTEN BETALINGSVERKEER PERIODE 01-02-2024 T/M 29-02-2024"
    );
    assert_eq!(fee.location, "line 19");
}

#[test]
fn utf8_with_bom_and_crlf() {
    let text = String::from_utf8(fixture("mt940_dutch.txt"))
        .unwrap()
        .replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(text.as_bytes());
    let parsed = parse(&bytes, "bom.txt", None, None).unwrap();
    assert_eq!(parsed.encoding, "UTF-8");
    assert_eq!(parsed.statements[0].entries.len(), 6);
    assert_eq!(
        parsed.statements[0].entries[0].counterparty_name,
        "JANSEN BV"
    );
}

#[test]
fn mt942_interim_report() {
    let parsed = parse(&fixture("mt942_interim.txt"), "i.txt", None, None).unwrap();
    assert_eq!(parsed.format, Format::Mt942);
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.account_iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(stmt.currency.as_deref(), Some("EUR"), "currency from :34F:");
    assert_eq!(stmt.closing, None);
    assert_eq!(stmt.to, Some(date(2024, 3, 1)), ":13D: date");
    assert_eq!(stmt.entries.len(), 2);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(500.00)), ("EUR", 'D', dec!(19.99))])
    );
    assert_eq!(
        stmt.entries[1].end_to_end_id.as_deref(),
        Some("ABO-2024-03")
    );
    assert_eq!(stmt.entries[1].counterparty_name, "Software AG");
}

const MINIMAL: &str = ":20:REF\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C240301EUR0,\n";

#[test]
fn bad_amount_names_the_line() {
    let text = format!("{MINIMAL}:61:2403010301C12,00NTRFNONREF\n:86:ok\n:61:2403010301C12x,5NTRFNONREF\n:62F:C240301EUR0,\n");
    let err = parse(text.as_bytes(), "bad.sta", None, None).unwrap_err();
    assert_eq!(err.location, "line 7");
    assert_eq!(err.message, "the amount \"12x,5\" is not a number");
    assert_eq!(err.file, "bad.sta");
}

#[test]
fn bad_date_and_missing_mark_name_the_line() {
    let text = format!("{MINIMAL}:61:2413010301C12,00NTRFNONREF\n");
    let err = parse(text.as_bytes(), "d.sta", Some(Format::Mt940), None).unwrap_err();
    assert_eq!(err.location, "line 5");
    assert!(err.message.contains("241301"), "{err}");
    let text = format!("{MINIMAL}:61:240301X12,00NTRFNONREF\n");
    let err = parse(text.as_bytes(), "d.sta", Some(Format::Mt940), None).unwrap_err();
    assert_eq!(err.location, "line 5");
}

#[test]
fn no_20_tag_is_not_a_statement() {
    let err = parse(
        b":25:DE89370400440532013000\n:61:2403010301C1,NTRF\n",
        "x.sta",
        Some(Format::Mt940),
        None,
    )
    .unwrap_err();
    assert!(err.message.contains("no :20: tag"), "{err}");
}

#[test]
fn missing_currency_is_an_error() {
    let text = ":20:REF\n:25:10020030/1234567\n:61:2403010301C12,00NTRFNONREF\n";
    let err = parse(text.as_bytes(), "c.sta", Some(Format::Mt940), None).unwrap_err();
    assert_eq!(err.location, "line 1");
    assert!(err.message.contains("currency"), "{err}");
}

#[test]
fn account_with_trailing_currency_and_blz_form() {
    let text = ":20:A\n:25:10020030/1234567EUR\n:28C:1\n:61:240301C1,NTRFNONREF\n-";
    let parsed = parse(text.as_bytes(), "c.sta", None, None).unwrap();
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.account_other.as_deref(), Some("10020030/1234567"));
    assert_eq!(stmt.currency.as_deref(), Some("EUR"));
    assert_eq!(stmt.entries[0].currency, "EUR");
}

#[test]
fn year_end_in_the_other_direction() {
    let text = format!("{MINIMAL}:61:2312290102C5,NTRFNONREF\n");
    let parsed = parse(text.as_bytes(), "y.sta", None, None).unwrap();
    let e = &parsed.statements[0].entries[0];
    assert_eq!(e.value_date, Some(date(2023, 12, 29)));
    assert_eq!(
        e.booking_date,
        date(2024, 1, 2),
        "booked on 2 January after a value date of 29 December"
    );
}

#[test]
fn free_text_return_word_marks_a_return() {
    let text = format!("{MINIMAL}:61:2403010301D5,NMSCNONREF\n:86:RUECKLASTSCHRIFT RUECKGABEGRUND AC01 IBAN\nFEHLERHAFT\n");
    let parsed = parse(text.as_bytes(), "r.sta", None, None).unwrap();
    let e = &parsed.statements[0].entries[0];
    assert!(e.is_return);
    assert_eq!(e.return_reason.as_deref(), Some("AC01"));
    assert_eq!(
        e.remittance,
        "RUECKLASTSCHRIFT RUECKGABEGRUND AC01 IBAN FEHLERHAFT"
    );
}

#[test]
fn gvc_alone_on_the_first_line() {
    let text = format!("{MINIMAL}:61:2403010301C5,NTRFNONREF\n:86:166\n?00SEPA-GUTSCHRIFT?20SVWZ+Rechnung 9\n?32Eva Engel\n");
    let parsed = parse(text.as_bytes(), "g.sta", None, None).unwrap();
    let e = &parsed.statements[0].entries[0];
    assert_eq!(
        (e.remittance.as_str(), e.counterparty_name.as_str()),
        ("Rechnung 9", "Eva Engel")
    );
}

#[test]
fn rtrn_in_german_remittance_marks_a_return() {
    let text = format!("{MINIMAL}:61:2403010301D5,NDDTNONREF\n:86:105?00SEPA-LASTSCHRIFT?20SVWZ+/RTRN/MS03/ Abo 7?32Zahler Zorro\n");
    let parsed = parse(text.as_bytes(), "g.sta", None, None).unwrap();
    let e = &parsed.statements[0].entries[0];
    assert!(e.is_return);
    assert_eq!(e.return_reason.as_deref(), Some("MS03"));
}
