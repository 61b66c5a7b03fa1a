//! Bank statements in the real window (issue 13): a camt.053 statement is imported on the
//! Bank screen through its file input; the payment carrying an invoice's RF reference is
//! matched at import, a payment naming another invoice is accepted from the keyboard, the
//! rent is ignored with a rule; the dunning preview on the Collections screen no longer
//! lists the debtors who paid and warns that the statement is old. The CLI reads the
//! same file to check each entry's status.

use fantoccini::Locator;
use overdue_e2e::{cli, cli_json, s, App, Home};

const TODAY: &str = "2026-11-22";
const OWN_IBAN: &str = "DE89370400440532013000";

fn ok(home: &Home, args: &[&str]) -> String {
    let db = home.database();
    let mut all = vec!["--db", s(&db)];
    all.extend_from_slice(args);
    let (code, out, err) = cli(None, &all);
    assert_eq!(code, 0, "overdue {args:?}: {err}");
    out
}

/// One `Ntry` with one `TxDtls`, in the camt.053.001.08 layout (ISO 20022).
struct Entry<'a> {
    bank_ref: &'a str,
    amount: &'a str,
    credit: bool,
    date: &'a str,
    party: &'a str,
    iban: &'a str,
    rf: Option<&'a str>,
    text: &'a str,
}

fn ntry(e: &Entry) -> String {
    let ind = if e.credit { "CRDT" } else { "DBIT" };
    // The other party is the debtor of a credit and the creditor of a debit.
    let (party, account) = if e.credit {
        ("Dbtr", "DbtrAcct")
    } else {
        ("Cdtr", "CdtrAcct")
    };
    let (family, sub) = if e.credit {
        ("RCDT", "ESCT")
    } else {
        ("ICDT", "ESCT")
    };
    let mut rmt = String::new();
    if !e.text.is_empty() {
        rmt.push_str(&format!("<Ustrd>{}</Ustrd>", e.text));
    }
    if let Some(rf) = e.rf {
        rmt.push_str(&format!(
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>"
        ));
    }
    format!(
        r#"
      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{ind}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{date}</Dt></BookgDt>
        <ValDt><Dt>{date}</Dt></ValDt>
        <AcctSvcrRef>{bank_ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>{bank_ref}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>{ind}</CdtDbtInd>
            <RltdPties>
              <{party}><Pty><Nm>{name}</Nm></Pty></{party}>
              <{account}><Id><IBAN>{iban}</IBAN></Id></{account}>
            </RltdPties>
            <RmtInf>{rmt}</RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>"#,
        amount = e.amount,
        date = e.date,
        bank_ref = e.bank_ref,
        name = e.party,
        iban = e.iban,
    )
}

fn camt053(entries: &[Entry], opening: &str, closing: &str) -> String {
    let body: String = entries.iter().map(ntry).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>E2E-CAMT-2026-11-10</MsgId>
      <CreDtTm>2026-11-10T18:00:00+01:00</CreDtTm>
    </GrpHdr>
    <Stmt>
      <Id>STMT-2026-11-10</Id>
      <ElctrncSeqNb>42</ElctrncSeqNb>
      <CreDtTm>2026-11-10T18:00:00+01:00</CreDtTm>
      <FrToDt><FrDtTm>2026-11-01T00:00:00+01:00</FrDtTm><ToDtTm>2026-11-10T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct>
        <Id><IBAN>{OWN_IBAN}</IBAN></Id>
        <Ccy>EUR</Ccy>
        <Ownr><Nm>Seller GmbH</Nm></Ownr>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-10</Dt></Dt>
      </Bal>{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#
    )
}

/// The id of the entry whose counterparty is `party`, from the CLI's list.
fn entry_id(entries: &serde_json::Value, party: &str) -> i64 {
    entries
        .as_array()
        .and_then(|a| a.iter().find(|e| e["counterparty"] == party))
        .and_then(|e| e["id"].as_i64())
        .unwrap_or_else(|| panic!("no entry from {party}: {entries}"))
}

fn status_of(entries: &serde_json::Value, party: &str) -> String {
    entries
        .as_array()
        .and_then(|a| a.iter().find(|e| e["counterparty"] == party))
        .map(|e| e["status"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("no entry from {party}: {entries}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_is_imported_reviewed_and_the_dunning_preview_changes() {
    let home = Home::new();
    for (name, reference, email) in [
        ("Acme GmbH", "D1", "ap@acme.test"),
        ("Beta Ltd", "D2", "accounts@beta.test"),
        ("Gamma SARL", "D3", "compta@gamma.test"),
    ] {
        ok(
            &home,
            &[
                "debtors",
                "add",
                "--name",
                name,
                "--ref",
                reference,
                "--email",
                email,
                "--contact",
                "Accounts",
            ],
        );
    }
    for (debtor, number, amount) in [
        ("D1", "INV-1041", "1234.50"),
        ("D2", "INV-1042", "400.00"),
        ("D3", "INV-1043", "300.00"),
    ] {
        ok(
            &home,
            &[
                "invoices",
                "add",
                "--debtor",
                debtor,
                "--number",
                number,
                "--issue-date",
                "2026-10-01",
                "--due-date",
                "2026-11-01",
                "--amount",
                amount,
            ],
        );
    }
    let shown = cli_json(&home, &["invoices", "show", "INV-1041"]);
    let rf = shown["payment_reference"]
        .as_str()
        .filter(|r| r.starts_with("RF"))
        .unwrap_or_else(|| panic!("INV-1041 has an RF reference: {shown}"))
        .to_string();

    // The statement: Acme pays INV-1041 exactly with its RF reference (matched at import);
    // Beta names INV-1042 but pays 450.00 for 400.00 (a proposal to review); a stranger
    // pays for something Overdue does not know; the rent goes out.
    let entries = [
        Entry {
            bank_ref: "2026110300001",
            amount: "1234.50",
            credit: true,
            date: "2026-11-03",
            party: "ACME GMBH",
            iban: "DE02120300000000202051",
            rf: Some(&rf),
            text: "",
        },
        Entry {
            bank_ref: "2026110500002",
            amount: "450.00",
            credit: true,
            date: "2026-11-05",
            party: "Beta Ltd",
            iban: "GB29NWBK60161331926819",
            rf: None,
            text: "Invoice INV-1042, thank you",
        },
        Entry {
            bank_ref: "2026110600003",
            amount: "77.77",
            credit: true,
            date: "2026-11-06",
            party: "Zeta Trading",
            iban: "NL91ABNA0417164300",
            rf: None,
            text: "Order 5531",
        },
        Entry {
            bank_ref: "2026110900004",
            amount: "950.00",
            credit: false,
            date: "2026-11-09",
            party: "Landlord Immobilien KG",
            iban: "DE75512108001245126199",
            rf: None,
            text: "Rent November 2026 office",
        },
    ];
    // 1000.00 + 1234.50 + 450.00 + 77.77 - 950.00
    let file = home.saved().join("statement-2026-11-10.xml");
    std::fs::write(&file, camt053(&entries, "1000.00", "1812.27")).expect("write the statement");

    let app = App::launch(&home, TODAY).await;

    // Before: the dunning preview reminds all three.
    app.click("nav-collections").await;
    app.click("run-preview").await;
    let before = app
        .wait_texts("run-action", "the run preview", |t| t.len() == 3)
        .await;
    for name in ["Acme GmbH", "Beta Ltd", "Gamma SARL"] {
        assert!(
            before.iter().any(|t| t.contains(name)),
            "{name} in {before:?}"
        );
    }
    app.screenshot("bank-1-dunning-before.png").await;

    // Import on the Bank screen.
    app.click("nav-bank").await;
    app.wait_texts("bank-empty", "the empty Bank screen", |t| t.len() == 1)
        .await;
    app.choose_file("bank-file", &file).await;
    let summary = app
        .wait_texts("bank-summary", "the import summary", |t| t.len() == 1)
        .await;
    assert!(
        summary[0].contains(
            "4 entries (0 already imported): 1 matched, 1 suggested, 2 unmatched, 0 ignored; money in"
        ),
        "{summary:?}"
    );
    assert!(summary[0].contains("1,762.27"), "money in: {summary:?}");
    assert!(summary[0].contains("950.00"), "money out: {summary:?}");
    assert!(
        app.texts("bank-balance-problem").await.is_empty(),
        "the balances add up"
    );
    // The suggestion is shown first, with its reasons.
    let rows = app
        .wait_texts("bank-entry", "the suggestion", |t| t.len() == 1)
        .await;
    assert!(
        rows[0].contains("INV-1042") && rows[0].contains("Beta Ltd"),
        "{rows:?}"
    );
    assert_eq!(app.texts("bank-count-suggested").await, ["1"]);
    assert_eq!(app.texts("bank-count-matched").await, ["1"]);
    assert_eq!(app.texts("bank-count-unmatched").await, ["2"]);
    app.screenshot("bank-2-imported.png").await;

    let listed = cli_json(&home, &["bank", "entries"]);
    assert_eq!(status_of(&listed, "ACME GMBH"), "matched", "{listed}");
    assert_eq!(status_of(&listed, "Beta Ltd"), "suggested", "{listed}");
    let beta = entry_id(&listed, "Beta Ltd");
    let rent = entry_id(&listed, "Landlord Immobilien KG");

    // Accept the suggestion from the keyboard: focus its row, press A.
    let row = app
        .client
        .find(Locator::Css(&format!("[data-entry=\"{beta}\"]")))
        .await
        .expect("the suggestion's row");
    app.client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&row).unwrap()],
        )
        .await
        .expect("focus the row");
    row.send_keys("a").await.expect("press A on the row");
    app.wait_texts("bank-count-matched", "two matched", |t| t == ["2"])
        .await;
    let notice = app.texts("bank-notice").await;
    assert!(notice.iter().any(|n| n.contains("INV-1042")), "{notice:?}");

    // With no suggestion left the list shows the unmatched: ignore the rent with a rule.
    app.wait_texts("bank-entry", "the unmatched entries", |t| t.len() == 2)
        .await;
    app.click(&format!("entry-ignore-rule-{rent}")).await;
    app.wait_texts("bank-count-ignored", "the rent ignored", |t| t == ["1"])
        .await;
    app.wait_texts("bank-entry", "the stranger left", |t| {
        t.len() == 1 && t[0].contains("Zeta Trading")
    })
    .await;
    app.click("bank-tab-all").await;
    app.wait_texts("bank-entry", "all four entries", |t| t.len() == 4)
        .await;
    app.screenshot("bank-3-reviewed.png").await;

    // The screen at the smallest supported size.
    let before = app.window_size().await;
    if app.resize((1024, 700)).await {
        app.screenshot("bank-4-1024x700.png").await;
        let overview = app.wait_testid("bank-overview").await;
        overview
            .click()
            .await
            .expect("open the accounts and statements");
        app.screenshot("bank-5-1024x700-overview.png").await;
        app.click(&format!(
            "entry-match-{}",
            entry_id(&listed, "Zeta Trading")
        ))
        .await;
        app.wait_testid("match-dialog").await;
        app.screenshot("bank-6-1024x700-match.png").await;
        app.click("match-close").await;
        app.wait_gone("match-dialog").await;
        // And at full HD (the test script's screen is 1920x1080).
        if app.resize((1920, 1080)).await {
            app.screenshot("bank-4b-1920x1080.png").await;
        }
        app.resize(before).await;
    }

    // After: Acme and Beta paid; only Gamma is reminded, and the statement is old.
    app.click("nav-collections").await;
    app.click("run-preview").await;
    let after = app
        .wait_texts("run-action", "the run preview after the import", |t| {
            t.len() == 1
        })
        .await;
    assert!(after[0].contains("Gamma SARL"), "{after:?}");
    let warnings = app
        .wait_texts("run-warnings", "reconcile before you remind", |t| {
            t.len() == 1
        })
        .await;
    assert!(
        warnings[0].contains(OWN_IBAN) && warnings[0].contains("12 days"),
        "{warnings:?}"
    );
    app.screenshot("bank-7-dunning-after.png").await;

    // Settings: the rule is listed.
    app.click("nav-settings").await;
    let rules = app
        .wait_texts("bank-rule", "the ignore rule", |t| t.len() == 1)
        .await;
    assert!(rules[0].contains("Landlord Immobilien KG"), "{rules:?}");
    app.wait_testid("bank-settings").await;
    app.screenshot("bank-8-settings.png").await;
    // A bad tolerance is refused by the API next to its field.
    app.type_into("bank-tolerance-abs", "-1").await;
    app.click("bank-settings-save").await;
    app.wait_texts("error-bank-tolerance-abs", "the tolerance's error", |t| {
        t.len() == 1 && !t[0].is_empty()
    })
    .await;
    app.quit_without_page_errors().await;

    let listed = cli_json(&home, &["bank", "entries"]);
    assert_eq!(status_of(&listed, "ACME GMBH"), "matched", "{listed}");
    assert_eq!(status_of(&listed, "Beta Ltd"), "matched", "{listed}");
    assert_eq!(status_of(&listed, "Zeta Trading"), "unmatched", "{listed}");
    assert_eq!(
        status_of(&listed, "Landlord Immobilien KG"),
        "ignored",
        "{listed}"
    );
    let beta_invoice = cli_json(&home, &["invoices", "show", "INV-1042"]);
    assert_eq!(beta_invoice["invoice"]["open"], "0.00", "{beta_invoice}");
}

/// A bank's CSV export (Windows-1252, semicolons, decimal commas, German headers): the
/// first import asks for the columns, suggested by the API from the headers; the mapping
/// is saved for the account, so the same file again needs none and is all duplicates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_export_is_imported_through_the_column_mapping() {
    let home = Home::new();
    ok(
        &home,
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "D1"],
    );
    let text = "Buchungstag;Valutadatum;Beguenstigter/Zahlungspflichtiger;Kontonummer/IBAN;Verwendungszweck;Betrag;Waehrung\r\n\
                20.11.2026;20.11.2026;M\u{fc}ller & S\u{f6}hne GmbH;DE02120300000000202051;RE 2001 Danke;1.234,56;EUR\r\n\
                21.11.2026;21.11.2026;Stadtwerke;DE75512108001245126199;Strom Abschlag;-89,00;EUR\r\n";
    // Windows-1252, as many banks send it: ü and ö are one byte each.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text"))
        .collect();
    let file = home.saved().join("umsaetze.csv");
    std::fs::write(&file, bytes).expect("write the CSV export");

    let app = App::launch(&home, TODAY).await;
    app.click("nav-bank").await;
    app.type_into("bank-account", "DE89 3704 0044 0532 0130 00")
        .await;
    app.choose_file("bank-file", &file).await;
    app.wait_testid("bank-csv").await;
    let sample = app
        .wait_texts("csv-sample", "the first rows", |t| t.len() == 1)
        .await;
    assert!(
        sample[0].contains("M\u{fc}ller & S\u{f6}hne GmbH"),
        "{sample:?}"
    );
    app.screenshot("bank-9-csv-mapping.png").await;
    app.click("csv-import").await;
    let summary = app
        .wait_texts("bank-summary", "the CSV import summary", |t| t.len() == 1)
        .await;
    assert!(
        summary[0].contains("2 entries (0 already imported)"),
        "{summary:?}"
    );
    assert!(summary[0].contains("1,234.56"), "{summary:?}");
    app.wait_gone("bank-csv").await;

    // The same file again, dropped on the screen (a synthetic HTML5 drop: WebDriver cannot
    // drag from the desktop): the saved mapping reads it, every entry is already there.
    let dropped = app
        .client
        .execute(
            "const [name, bytes] = arguments; \
             const file = new File([new Uint8Array(bytes)], name, { type: 'text/csv' }); \
             const dt = new DataTransfer(); dt.items.add(file); \
             const target = document.querySelector('[data-testid=\"bank-entries\"]') \
               || document.querySelector('[data-testid=\"bank\"]'); \
             for (const type of ['dragenter', 'dragover', 'drop']) { \
               target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true })); \
             } \
             return true;",
            vec![
                serde_json::json!("umsaetze.csv"),
                serde_json::json!(std::fs::read(&file).expect("read the export back")),
            ],
        )
        .await;
    assert!(dropped.is_ok(), "the drop was dispatched: {dropped:?}");
    app.wait_texts("bank-summary", "the second import", |t| {
        t.len() == 1 && t[0].contains("2 entries (2 already imported)")
    })
    .await;
    assert!(app.texts("bank-csv").await.is_empty(), "no mapping asked");
    app.screenshot("bank-10-csv-again.png").await;
    app.quit_without_page_errors().await;

    let listed = cli_json(&home, &["bank", "entries"]);
    let entries = listed.as_array().expect("a list");
    assert_eq!(entries.len(), 2, "{listed}");
    let muller = entries
        .iter()
        .find(|e| e["counterparty"] == "M\u{fc}ller & S\u{f6}hne GmbH")
        .unwrap_or_else(|| panic!("the payer's name read from Windows-1252: {listed}"));
    assert_eq!(muller["amount"], "1234.56", "{listed}");
    assert_eq!(muller["side"], "credit", "{listed}");
}
