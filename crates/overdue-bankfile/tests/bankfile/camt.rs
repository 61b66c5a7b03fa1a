//! camt.053 / camt.054 reading.

use chrono::NaiveDate;
use overdue_bankfile::{parse, Format};
use rust_decimal_macros::dec;

use crate::support::{assert_balances_add_up, entries, fixture, sum_map, sums};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn v02_old_layout_batches_returns_and_pending() {
    let parsed = parse(&fixture("camt053_v02.xml"), "v02.xml", None, None).unwrap();
    assert_eq!(parsed.format, Format::Camt053);
    assert_eq!(parsed.encoding, "UTF-8");
    assert_eq!(parsed.statements.len(), 1);
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.statement_id, "STMT-2024-061");
    assert_eq!(stmt.sequence.as_deref(), Some("61"));
    assert_eq!(stmt.account_iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(stmt.currency.as_deref(), Some("EUR"));
    assert_eq!(
        (stmt.from, stmt.to),
        (Some(date(2024, 3, 1)), Some(date(2024, 3, 1)))
    );
    let opening = stmt.opening.as_ref().unwrap();
    assert_eq!(
        (opening.amount, opening.date),
        (dec!(1000.00), date(2024, 2, 29)),
        "PRCD is the opening balance when there is no OPBD"
    );
    assert_balances_add_up(stmt);

    // 1 single + 3 from the batch + 1 batch without details + 1 return + 1 debit; the
    // pending entry is not booked and must not be matched.
    assert_eq!(
        stmt.entries.len(),
        7,
        "each TxDtls of a batch is an entry of its own"
    );
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(419.00)), ("EUR", 'D', dec!(389.50))])
    );

    let first = &stmt.entries[0];
    assert!(first.credit);
    assert_eq!(first.counterparty_name, "Anna Schmidt");
    assert_eq!(
        first.counterparty_iban.as_deref(),
        Some("DE02120300000000202051")
    );
    assert_eq!(first.counterparty_bic.as_deref(), Some("BYLADEM1001"));
    assert_eq!(
        first.remittance, "Rechnung 2024-0117 Kunde 4711",
        "Ustrd occurrences join with one space"
    );
    assert_eq!(first.end_to_end_id.as_deref(), Some("E2E-0117"));
    assert_eq!(first.bank_reference.as_deref(), Some("BANKREF-0001"));
    assert_eq!(first.bank_code.as_deref(), Some("PMNT/RCDT/ESCT"));
    assert_eq!(
        first.location,
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]"
    );

    let batch: Vec<_> = stmt.entries[1..4].iter().collect();
    assert_eq!(
        batch.iter().map(|e| e.amount).collect::<Vec<_>>(),
        vec![dec!(100.00), dec!(150.00), dec!(50.00)],
        "batch parts take their own AmtDtls/TxAmt amounts"
    );
    assert_eq!(
        batch[0].creditor_reference.as_deref(),
        Some("RF18539007547034")
    );
    assert_eq!(
        batch[0].end_to_end_id, None,
        "NOTPROVIDED is no end-to-end id"
    );
    assert_eq!(batch[0].bank_reference.as_deref(), Some("TX-2-1"));
    assert_eq!(
        batch[1].counterparty_iban.as_deref(),
        Some("DE75512108001245126199")
    );
    assert_eq!(
        batch[2].location,
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[3]"
    );

    let collective = &stmt.entries[4];
    assert_eq!(
        (collective.amount, collective.credit),
        (dec!(250.00), false)
    );
    assert_eq!(
        collective.location,
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]"
    );

    let returned = &stmt.entries[5];
    assert!(returned.is_return && !returned.credit);
    assert_eq!(returned.return_reason.as_deref(), Some("MD06"));
    assert_eq!(
        returned.counterparty_name, "Peter Weber",
        "a returned collection names the debtor of the original payment, not us"
    );

    let supplier = &stmt.entries[6];
    assert_eq!(
        supplier.counterparty_name, "Buerobedarf AG",
        "money out names the creditor"
    );
    assert_eq!(supplier.counterparty_bic.as_deref(), Some("BKAUATWW"));
}

#[test]
fn v04_two_accounts_and_a_reversal() {
    let parsed = parse(&fixture("camt053_v04.xml"), "v04.xml", None, None).unwrap();
    assert_eq!(parsed.statements.len(), 2);
    let (eur, chf) = (&parsed.statements[0], &parsed.statements[1]);
    assert_eq!(
        eur.account_iban.as_deref(),
        Some("DE89370400440532013000"),
        "IBANs lose their spaces"
    );
    assert_eq!(chf.account_iban.as_deref(), Some("CH9300762011623852957"));
    assert_eq!(
        chf.opening.as_ref().unwrap().amount,
        dec!(-200.00),
        "a DBIT balance is negative"
    );
    assert_balances_add_up(eur);
    assert_balances_add_up(chf);
    assert_eq!(entries(&parsed).len(), 5);
    assert_eq!(
        sums(&parsed),
        sum_map(&[
            ("CHF", 'C', dec!(345.55)),
            ("EUR", 'C', dec!(1234.56)),
            ("EUR", 'D', dec!(35.00)),
        ])
    );
    assert_eq!(eur.entries[0].counterparty_name, "Großhandel Nord KG");
    assert_eq!(
        eur.entries[0].counterparty_bic.as_deref(),
        Some("BYLADEM1001"),
        "BICFI reads like BIC"
    );
    let reversal = &eur.entries[2];
    assert!(
        reversal.reversal && !reversal.credit,
        "CRDT with RvslInd takes money out"
    );
    assert_eq!(reversal.value_date, Some(date(2024, 3, 28)));
    assert_eq!(
        chf.entries[0].creditor_reference.as_deref(),
        Some("210000000003139471430009017")
    );
}

#[test]
fn v06_prefixed_elements_datetimes_entities() {
    let parsed = parse(&fixture("camt053_v06.xml"), "v06.xml", None, None).unwrap();
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.account_iban, None);
    assert_eq!(stmt.account_other.as_deref(), Some("0532013000"));
    assert_eq!(
        stmt.sequence.as_deref(),
        Some("5"),
        "LglSeqNb when there is no ElctrncSeqNb"
    );
    assert_eq!(stmt.opening.as_ref().unwrap().amount, dec!(-12.00));
    assert_eq!(stmt.opening.as_ref().unwrap().date, date(2024, 3, 4));
    assert_eq!(stmt.closing, None);
    assert_eq!(stmt.entries.len(), 2);
    assert_eq!(sums(&parsed), sum_map(&[("EUR", 'C', dec!(72.10))]));
    let returned = &stmt.entries[0];
    assert_eq!(returned.booking_date, date(2024, 3, 4));
    assert_eq!(
        returned.amount,
        dec!(30.00),
        "a single TxDtls without Amt takes the entry's amount"
    );
    assert!(
        returned.is_return,
        "PMNT/RDDT/UPDD is a returned direct debit"
    );
    assert_eq!(returned.counterparty_name, "Software & Service AG");
    assert_eq!(
        returned.counterparty_iban.as_deref(),
        Some("DE75512108001245126199")
    );
    let second = &stmt.entries[1];
    assert_eq!(second.currency, "EUR", "currency codes are uppercased");
    assert_eq!(second.counterparty_name, "Meier & Söhne OHG");
    assert_eq!(second.remittance, "Rechnung 2024-0133 Teil <1> von 2");
    assert_eq!(
        second.location,
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[1]"
    );
}

#[test]
fn v08_party_layout_structured_reference_reversal_of_debit() {
    let parsed = parse(&fixture("camt053_v08.xml"), "v08.xml", None, None).unwrap();
    let stmt = &parsed.statements[0];
    let opening = stmt.opening.as_ref().unwrap();
    assert_eq!(opening.date, date(2024, 5, 1), "OPBD wins over PRCD");
    assert_balances_add_up(stmt);
    assert_eq!(stmt.entries.len(), 4);
    assert_eq!(sums(&parsed), sum_map(&[("EUR", 'C', dec!(537.00))]));
    let first = &stmt.entries[0];
    assert_eq!(
        first.counterparty_name, "Hansa Logistik GmbH",
        "Dbtr/Pty/Nm, not the ultimate debtor"
    );
    assert_eq!(first.counterparty_bic.as_deref(), Some("HASPDEHHXXX"));
    assert_eq!(
        first.creditor_reference.as_deref(),
        Some("RF18539007547034")
    );
    assert_eq!(
        first.remittance, "INV-2024-0042",
        "the referred document number is searchable text"
    );
    assert_eq!(first.booking_date, date(2024, 5, 1));
    assert_eq!(stmt.entries[1].remittance, "INV-2024-0043 Danke");
    let reversal = &stmt.entries[2];
    assert!(
        reversal.reversal && reversal.credit,
        "DBIT with RvslInd brings money back"
    );
    assert_eq!(reversal.counterparty_name, "Tankstelle Sued");
    let bank = &stmt.entries[3];
    assert_eq!(
        bank.counterparty_name, "Deutsche Bank AG",
        "Dbtr/Agt names a bank as the payer"
    );
    assert_eq!(bank.counterparty_bic.as_deref(), Some("DEUTDEFFXXX"));
    assert_eq!(bank.end_to_end_id, None);
}

#[test]
fn v13_several_statements_and_currencies() {
    let parsed = parse(&fixture("camt053_v13.xml"), "v13.xml", None, None).unwrap();
    assert_eq!(parsed.statements.len(), 3);
    for stmt in &parsed.statements {
        assert_balances_add_up(stmt);
    }
    assert_eq!(entries(&parsed).len(), 4);
    assert_eq!(
        sums(&parsed),
        sum_map(&[
            ("EUR", 'C', dec!(49.00)),
            ("EUR", 'D', dec!(20.00)),
            ("USD", 'C', dec!(2500.25)),
            ("USD", 'D', dec!(250.00)),
        ])
    );
    assert_eq!(
        parsed.statements[0].entries[0]
            .creditor_reference
            .as_deref(),
        Some("RF712348231")
    );
    let returned = &parsed.statements[1].entries[0];
    assert!(returned.is_return);
    assert_eq!(returned.return_reason.as_deref(), Some("AC04"));
    assert_eq!(returned.bank_code.as_deref(), Some("RTRN-DD"));
    assert_eq!(returned.counterparty_name, "Late Larry");
    assert_eq!(parsed.statements[2].currency.as_deref(), Some("USD"));
    assert_eq!(
        parsed.statements[2].entries[1].location,
        "/Document/BkToCstmrStmt/Stmt[3]/Ntry[2]"
    );
}

#[test]
fn camt054_notification() {
    let parsed = parse(&fixture("camt054_v08.xml"), "n.xml", None, None).unwrap();
    assert_eq!(parsed.format, Format::Camt054);
    let stmt = &parsed.statements[0];
    assert_eq!(stmt.statement_id, "NTF-2024-07-01-001");
    assert_eq!((stmt.opening.as_ref(), stmt.closing.as_ref()), (None, None));
    assert_eq!(stmt.entries.len(), 2);
    assert_eq!(
        sums(&parsed),
        sum_map(&[("EUR", 'C', dec!(77.70)), ("EUR", 'D', dec!(5.00))])
    );
    assert_eq!(stmt.entries[0].counterparty_name, "Otto Ostermann");
    assert_eq!(stmt.entries[0].end_to_end_id.as_deref(), Some("RG-777"));
    assert_eq!(stmt.entries[1].bank_code.as_deref(), Some("ACMT/MDOP/CHRG"));
}

#[test]
fn latin1_with_declaration_reads_umlauts() {
    let parsed = parse(&fixture("camt053_latin1.xml"), "l.xml", None, None).unwrap();
    assert_eq!(
        parsed.encoding, "windows-1252",
        "ISO-8859-1 is read as its superset windows-1252"
    );
    let entry = &parsed.statements[0].entries[0];
    assert_eq!(entry.counterparty_name, "Jürgen Müller");
    assert_eq!(entry.remittance, "Gebühr März für Zoë");
}

#[test]
fn utf16_with_bom_reads() {
    let text = String::from_utf8(fixture("camt054_v08.xml")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let parsed = parse(&bytes, "n16.xml", None, None).unwrap();
    assert_eq!(parsed.encoding, "UTF-16LE");
    assert_eq!(parsed.statements[0].entries.len(), 2);
}

#[test]
fn bad_amount_names_the_element_path() {
    let xml = String::from_utf8(fixture("camt053_v13.xml"))
        .unwrap()
        .replace(
            ">2500.25</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>",
            ">12x,5</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>",
        );
    let err = parse(xml.as_bytes(), "bad.xml", None, None).unwrap_err();
    assert_eq!(err.location, "/Document/BkToCstmrStmt/Stmt[3]/Ntry[1]/Amt");
    assert_eq!(err.message, "the amount \"12x,5\" is not a number");
    assert_eq!(
        err.to_string(),
        "bad.xml: /Document/BkToCstmrStmt/Stmt[3]/Ntry[1]/Amt: the amount \"12x,5\" is not a number"
    );
}

#[test]
fn missing_amount_names_the_entry() {
    let xml = String::from_utf8(fixture("camt054_v08.xml"))
        .unwrap()
        .replace("<Amt Ccy=\"EUR\">5.00</Amt>", "");
    let err = parse(xml.as_bytes(), "n.xml", None, None).unwrap_err();
    assert_eq!(
        err.location,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[2]"
    );
    assert!(err.message.contains("<Amt>"), "{err}");
}

#[test]
fn missing_booking_date_is_an_error() {
    let xml = String::from_utf8(fixture("camt054_v08.xml"))
        .unwrap()
        .replace(
            "<BookgDt><Dt>2024-07-01</Dt></BookgDt>\n        <BkTxCd>",
            "<BkTxCd>",
        );
    let err = parse(xml.as_bytes(), "n.xml", None, None).unwrap_err();
    assert_eq!(
        err.location,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[2]"
    );
    assert!(err.message.contains("missing booking date"), "{err}");
}

#[test]
fn batch_part_without_amount_is_an_error() {
    let xml = String::from_utf8(fixture("camt053_v02.xml"))
        .unwrap()
        .replace(
            "<AmtDtls><TxAmt><Amt Ccy=\"EUR\">150.00</Amt></TxAmt></AmtDtls>",
            "",
        );
    let err = parse(xml.as_bytes(), "v02.xml", None, None).unwrap_err();
    assert_eq!(
        err.location,
        "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]"
    );
}

#[test]
fn truncated_file_is_an_error_not_a_partial_result() {
    let bytes = fixture("camt053_v02.xml");
    let cut = String::from_utf8(bytes).unwrap();
    let cut = &cut[..cut.find("<Ntry>\n        <NtryRef>4").unwrap() + 40];
    let err = parse(cut.as_bytes(), "cut.xml", None, None).unwrap_err();
    assert!(
        err.location
            .starts_with("/Document/BkToCstmrStmt/Stmt[1]/Ntry[4]"),
        "{err}"
    );
    assert!(err.message.contains("cut off"), "{err}");
    let cut_in_tag = &cut[..cut.len() - 3];
    assert!(parse(cut_in_tag.as_bytes(), "cut.xml", None, None).is_err());
}

#[test]
fn mismatched_tags_are_an_error_with_a_line() {
    let xml = String::from_utf8(fixture("camt054_v08.xml"))
        .unwrap()
        .replace("</Refs>", "</Ref>");
    let err = parse(xml.as_bytes(), "n.xml", None, None).unwrap_err();
    assert!(err.message.contains("line 15"), "{err}");
    assert_eq!(
        err.location,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[1]/Refs"
    );
}

#[test]
fn a_document_without_statements_is_refused() {
    let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>x</MsgId></GrpHdr></BkToCstmrStmt></Document>"#;
    let err = parse(xml, "empty.xml", None, None).unwrap_err();
    assert!(err.message.contains("no <Stmt>"), "{err}");
}

/// 10,000 entries built in memory: a linear reader handles it quickly (no timing
/// assertion: the count must be right and nothing quadratic should make it crawl).
#[test]
fn large_statement_reads_every_entry() {
    let n = 10_000;
    let mut xml = String::with_capacity(n * 700);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>BIG</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"#);
    for i in 0..n {
        xml.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{}.{:02}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
             <BookgDt><Dt>2024-03-01</Dt></BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt>\
             <AcctSvcrRef>REF{i}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i}</EndToEndId></Refs>\
             <RltdPties><Dbtr><Pty><Nm>Debtor {i}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>\
             <RmtInf><Ustrd>Invoice {i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            i % 1000,
            i % 100,
            if i % 3 == 0 { "DBIT" } else { "CRDT" }
        ));
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>");
    let parsed = parse(xml.as_bytes(), "big.xml", None, None).unwrap();
    let entries = &parsed.statements[0].entries;
    assert_eq!(entries.len(), n);
    assert_eq!(entries[n - 1].remittance, format!("Invoice {}", n - 1));
    assert_eq!(
        entries[n - 1].location,
        format!("/Document/BkToCstmrStmt/Stmt[1]/Ntry[{n}]/NtryDtls/TxDtls[1]")
    );
}

/// The size a busy account's monthly camt.053 reaches: 100,000 entries, about 60 MB.
/// Run by hand in release: `cargo test -p overdue-bankfile --release -- --ignored --nocapture`.
#[test]
#[ignore = "performance check, run by hand in release"]
fn hundred_thousand_entries_in_release() {
    let n = 100_000;
    let mut xml = String::with_capacity(n * 650);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>BIG</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"#);
    for i in 0..n {
        xml.push_str(&format!(
            "<Ntry>\n  <Amt Ccy=\"EUR\">{}.{:02}</Amt>\n  <CdtDbtInd>CRDT</CdtDbtInd>\n  <Sts><Cd>BOOK</Cd></Sts>\n  \
             <BookgDt><Dt>2024-03-01</Dt></BookgDt>\n  <ValDt><Dt>2024-03-01</Dt></ValDt>\n  <AcctSvcrRef>2024030100{i:08}</AcctSvcrRef>\n  \
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n  \
             <NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i}</EndToEndId></Refs><Amt Ccy=\"EUR\">{}.{:02}</Amt>\n  \
             <RltdPties><Dbtr><Pty><Nm>Debtor number {i} GmbH</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>\n  \
             <RltdAgts><DbtrAgt><FinInstnId><BICFI>BYLADEM1001</BICFI></FinInstnId></DbtrAgt></RltdAgts>\n  \
             <RmtInf><Ustrd>Invoice {i} customer {i}</Ustrd></RmtInf></TxDtls></NtryDtls>\n</Ntry>\n",
            i % 1000, i % 100, i % 1000, i % 100
        ));
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>");
    let started = std::time::Instant::now();
    let parsed = parse(xml.as_bytes(), "big.xml", None, None).unwrap();
    let elapsed = started.elapsed();
    println!(
        "{} MB, {} entries in {elapsed:?}",
        xml.len() / 1_000_000,
        parsed.statements[0].entries.len()
    );
    assert_eq!(parsed.statements[0].entries.len(), n);
}
