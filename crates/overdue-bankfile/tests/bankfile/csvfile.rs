//! CSV exports through a column mapping, and the import wizard's helpers.

use chrono::NaiveDate;
use overdue_bankfile::{
    csv_guess_skip_rows, csv_preview, parse, suggest_csv_mapping, CsvMapping, Format,
};
use rust_decimal_macros::dec;

use crate::support::{entries, fixture, sum_map, sums};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn german_mapping() -> CsvMapping {
    CsvMapping {
        date: "Buchungstag".into(),
        value_date: Some("Valuta".into()),
        amount: Some("Betrag".into()),
        currency: Some("währung".into()),
        counterparty: Some("Auftraggeber/Empfänger".into()),
        counterparty_iban: Some("IBAN".into()),
        counterparty_bic: Some("BIC".into()),
        remittance: Some("Verwendungszweck 1+Verwendungszweck 2".into()),
        end_to_end_id: Some(" Kundenreferenz (End-to-End) ".into()),
        date_format: "%d.%m.%Y".into(),
        decimal_comma: true,
        skip_rows: 3,
        ..CsvMapping::default()
    }
}

#[test]
fn german_export_windows_1252_with_preamble() {
    let bytes = fixture("csv_german_cp1252.csv");
    let parsed = parse(&bytes, "umsaetze.csv", None, Some(&german_mapping())).unwrap();
    assert_eq!(parsed.format, Format::Csv);
    assert_eq!(parsed.encoding, "windows-1252");
    assert_eq!(parsed.statements.len(), 1);
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.statement_id, "");
    assert_eq!(stmt.currency.as_deref(), Some("EUR"));
    assert_eq!(
        (stmt.from, stmt.to),
        (Some(date(2024, 3, 1)), Some(date(2024, 3, 8)))
    );
    assert_eq!(
        stmt.entries.len(),
        4,
        "rows with a zero or empty amount are skipped"
    );
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(1734.56)), ("EUR", 'D', dec!(1089.00))])
    );
    let e = &stmt.entries[0];
    assert_eq!(e.counterparty_name, "Müller, Anna");
    assert_eq!(
        e.amount,
        dec!(1234.56),
        "thousands dots and a decimal comma"
    );
    assert_eq!(
        e.remittance, "Rechnung 2024-0117 Kunde 4711",
        "two remittance columns joined by a space"
    );
    assert_eq!(e.end_to_end_id.as_deref(), Some("E2E-0117"));
    assert_eq!(e.counterparty_bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(e.location, "line 5");
    let quoted = &stmt.entries[1];
    assert_eq!(
        quoted.counterparty_name, "Stadtwerke; Berlin",
        "a quoted delimiter stays in its field"
    );
    assert_eq!(quoted.value_date, Some(date(2024, 3, 4)));
    assert_eq!(quoted.remittance, "Abschlag März");
    let multiline = &stmt.entries[2];
    assert_eq!(
        multiline.remittance, "Teilzahlung Rechnung 2024-0120",
        "a quoted newline becomes a space"
    );
    assert_eq!(multiline.end_to_end_id, None);
    assert_eq!(
        stmt.entries[3].location, "line 11",
        "lines count from the top of the file, quoted newlines included"
    );
}

#[test]
fn english_export_with_debit_and_credit_columns() {
    let mapping = CsvMapping {
        date: "Date".into(),
        debit: Some("Debit".into()),
        credit: Some("Credit".into()),
        default_currency: Some("gbp".into()),
        counterparty: Some("Payee".into()),
        remittance: Some("Description".into()),
        date_format: "%d/%m/%Y".into(),
        ..CsvMapping::default()
    };
    let parsed = parse(
        &fixture("csv_english.csv"),
        "export.csv",
        Some(Format::Csv),
        Some(&mapping),
    )
    .unwrap();
    assert_eq!(parsed.encoding, "UTF-8");
    assert_eq!(entries(&parsed).len(), 3);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("GBP", 'C', dec!(1234.56)), ("GBP", 'D', dec!(119.99))]),
        "a negative number in the debit column is still money out"
    );
    let e = &parsed.statements[0].entries[0];
    assert_eq!(e.remittance, "Invoice 2024-77, part 1");
    assert_eq!(e.booking_date, date(2024, 4, 3));
    assert_eq!(
        parsed.statements[0].entries[1].counterparty_name,
        "Cloud Hosting plc"
    );
}

#[test]
fn inverted_signs_direction_column_and_accounts() {
    let text = "Konto|Datum|Betrag|S/H|Name\n\
                DE89 3704 0044 0532 0130 00|2024-03-01|12.50|S|A\n\
                DE89370400440532013000|2024-03-02|7.00|H|B\n\
                DE02120300000000202051|2024-03-02|3.00|H|C\n";
    let mapping = CsvMapping {
        date: "Datum".into(),
        amount: Some("Betrag".into()),
        direction: Some("S/H".into()),
        default_currency: Some("EUR".into()),
        account_iban: Some("Konto".into()),
        counterparty: Some("Name".into()),
        ..CsvMapping::default()
    };
    let parsed = parse(text.as_bytes(), "vb.csv", None, Some(&mapping)).unwrap();
    assert_eq!(parsed.statements.len(), 2, "one statement per account");
    assert_eq!(
        parsed.statements[0].account_iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(parsed.statements[0].entries.len(), 2);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(10.00)), ("EUR", 'D', dec!(12.50))])
    );

    let text = "Date;Amount\n2024-03-01;12.50\n2024-03-02;-7\n";
    let mapping = CsvMapping {
        date: "Date".into(),
        amount: Some("Amount".into()),
        default_currency: Some("EUR".into()),
        invert_sign: true,
        ..CsvMapping::default()
    };
    let parsed = parse(text.as_bytes(), "inv.csv", None, Some(&mapping)).unwrap();
    let e = &parsed.statements[0].entries;
    assert!(
        !e[0].credit && e[1].credit,
        "invert_sign: the bank writes money out as positive"
    );
}

#[test]
fn unterminated_quote_names_the_line_where_it_opened() {
    let text = "Date,Amount,Text\n2024-03-01,1.00,ok\n2024-03-02,2.00,\"never closed\n2024-03-03,3.00,lost\n2024-03-04,4.00,lost\n";
    let mapping = CsvMapping {
        date: "Date".into(),
        amount: Some("Amount".into()),
        remittance: Some("Text".into()),
        default_currency: Some("EUR".into()),
        ..CsvMapping::default()
    };
    let err = parse(text.as_bytes(), "q.csv", None, Some(&mapping)).unwrap_err();
    assert_eq!(err.location, "line 3");
    assert!(err.message.contains("never closed"), "{err}");
}

#[test]
fn bad_cells_name_their_line() {
    let text = "Date,Amount\n2024-03-01,1.00\n2024-03-02,12x.5\n";
    let mapping = CsvMapping {
        date: "Date".into(),
        amount: Some("Amount".into()),
        default_currency: Some("EUR".into()),
        ..CsvMapping::default()
    };
    let err = parse(text.as_bytes(), "a.csv", None, Some(&mapping)).unwrap_err();
    assert_eq!(err.location, "line 3");
    assert!(err.message.contains("\"12x.5\""), "{err}");

    let text = "Date,Amount\n2024-03-01,1.00\n,2.00\n";
    let err = parse(text.as_bytes(), "a.csv", None, Some(&mapping)).unwrap_err();
    assert_eq!(
        (err.location.as_str(), err.message.as_str()),
        ("line 3", "missing booking date")
    );

    let mapping = CsvMapping {
        amount: Some("Betrag".into()),
        ..mapping
    };
    let err = parse(text.as_bytes(), "a.csv", None, Some(&mapping)).unwrap_err();
    assert_eq!(err.location, "line 1");
    assert!(err.message.contains("\"Betrag\""), "{err}");
}

#[test]
fn csv_without_a_mapping_asks_for_one() {
    let err = parse(&fixture("csv_english.csv"), "export.csv", None, None).unwrap_err();
    assert!(err.message.contains("column mapping is needed"), "{err}");
}

#[test]
fn preview_and_suggestion_for_a_german_export() {
    let bytes = fixture("csv_german_cp1252.csv");
    assert_eq!(csv_guess_skip_rows(&bytes), 3);
    let preview = csv_preview(&bytes, 3, None).unwrap();
    assert_eq!(preview.delimiter, b';');
    assert_eq!(preview.encoding, "windows-1252");
    assert_eq!(preview.headers[2], "Auftraggeber/Empfänger");
    assert_eq!(preview.rows.len(), 5);
    let mut mapping = suggest_csv_mapping(&preview);
    assert_eq!(mapping.date, "Buchungstag");
    assert_eq!(mapping.value_date.as_deref(), Some("Valuta"));
    assert_eq!(mapping.amount.as_deref(), Some("Betrag"));
    assert_eq!(mapping.currency.as_deref(), Some("Währung"));
    assert_eq!(
        mapping.counterparty.as_deref(),
        Some("Auftraggeber/Empfänger")
    );
    assert_eq!(mapping.counterparty_iban.as_deref(), Some("IBAN"));
    assert_eq!(mapping.counterparty_bic.as_deref(), Some("BIC"));
    assert_eq!(
        mapping.remittance.as_deref(),
        Some("Verwendungszweck 1+Verwendungszweck 2")
    );
    assert_eq!(
        mapping.end_to_end_id.as_deref(),
        Some("Kundenreferenz (End-to-End)")
    );
    assert_eq!(mapping.date_format, "%d.%m.%Y");
    assert!(mapping.decimal_comma);
    mapping.skip_rows = 3;
    let parsed = parse(&bytes, "u.csv", None, Some(&mapping)).unwrap();
    assert_eq!(
        parsed.statements[0].entries.len(),
        4,
        "the suggested mapping reads the file"
    );
}

#[test]
fn suggestion_for_english_french_and_dutch_headers() {
    let preview = csv_preview(&fixture("csv_english.csv"), 0, None).unwrap();
    assert_eq!(preview.delimiter, b',');
    let m = suggest_csv_mapping(&preview);
    assert_eq!(
        (m.date.as_str(), m.debit.as_deref(), m.credit.as_deref()),
        ("Date", Some("Debit"), Some("Credit"))
    );
    assert_eq!(m.counterparty.as_deref(), Some("Payee"));
    assert_eq!(m.remittance.as_deref(), Some("Description"));
    assert!(!m.decimal_comma);
    assert_eq!(m.date_format, "%d/%m/%Y");

    let fr = "Date opération;Libellé;Montant;Devise\n01/03/2024;VIR FACTURE 12;1 234,56;EUR\n";
    let m = suggest_csv_mapping(&csv_preview(fr.as_bytes(), 0, None).unwrap());
    assert_eq!(m.date, "Date opération");
    assert_eq!(m.remittance.as_deref(), Some("Libellé"));
    assert_eq!(m.amount.as_deref(), Some("Montant"));
    assert_eq!(m.currency.as_deref(), Some("Devise"));
    assert!(m.decimal_comma);
    let parsed = parse(fr.as_bytes(), "fr.csv", None, Some(&m)).unwrap();
    assert_eq!(parsed.statements[0].entries[0].amount, dec!(1234.56));

    let nl = "\"Datum\",\"Naam / Omschrijving\",\"Rekening\",\"Tegenrekening\",\"Code\",\"Af Bij\",\"Bedrag (EUR)\",\"Mededelingen\"\n\
              \"20240301\",\"J Jansen\",\"NL91ABNA0417164300\",\"NL20INGB0001234567\",\"OV\",\"Bij\",\"12,50\",\"Factuur 7\"\n";
    let m = suggest_csv_mapping(&csv_preview(nl.as_bytes(), 0, None).unwrap());
    assert_eq!(m.direction.as_deref(), Some("Af Bij"));
    assert_eq!(m.amount.as_deref(), Some("Bedrag (EUR)"));
    assert_eq!(m.default_currency.as_deref(), Some("EUR"));
    assert_eq!(m.date_format, "%Y%m%d");
    let parsed = parse(nl.as_bytes(), "ing.csv", None, Some(&m)).unwrap();
    let e = &parsed.statements[0].entries[0];
    assert!(e.credit);
    assert_eq!(
        (e.amount, e.counterparty_iban.as_deref()),
        (dec!(12.50), Some("NL20INGB0001234567"))
    );
    assert_eq!(
        parsed.statements[0].account_iban.as_deref(),
        Some("NL91ABNA0417164300")
    );
}

#[test]
fn mapping_round_trips_through_json() {
    let mapping = german_mapping();
    let json = serde_json::to_string(&mapping).unwrap();
    assert_eq!(serde_json::from_str::<CsvMapping>(&json).unwrap(), mapping);
    let partial: CsvMapping = serde_json::from_str(r#"{"date":"Datum"}"#).unwrap();
    assert_eq!(partial.date, "Datum", "missing fields take their defaults");
}
