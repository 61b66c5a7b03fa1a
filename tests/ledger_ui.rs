//! The debtor's account in the real window: the riskiest debtor's score and its
//! explanation (checked against the CLI on the same file), a payment entered with its
//! allocation preview, and the timeline showing it.
//!
//! Sessions run one after another (one display, one tauri-driver at a time).

use overdue_e2e::{cli, cli_json, s, App, Home, ARROW_DOWN, CONTROL, ENTER, ESCAPE};

const TODAY: &str = "2026-11-22";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn riskiest_debtor_shows_its_score_explanation_and_takes_a_payment() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;

    // The CLI's view of the same file: the riskiest debtor and its score.
    let alerts = cli_json(&home, &["credit", "alerts"]);
    let worst = &alerts["debtors"][0];
    let name = worst["name"].as_str().expect("the demo book has alerts");
    let score = worst["score"]
        .as_u64()
        .map_or("UN".to_string(), |s| s.to_string());

    // The window: sort by risk, open the first debtor, read the credit tab.
    app.click("nav-debtors").await;
    app.click("sort-risk").await;
    app.wait_texts("debtor-row", "the riskiest debtor first", |t| {
        t.first().map(String::as_str) == Some(name)
    })
    .await;
    app.click("debtor-row").await;
    app.wait_texts("detail-name", "the debtor's page", |t| t == [name])
        .await;
    app.click("tab-credit").await;
    app.wait_texts("credit-score", "the score", |t| t == [score.as_str()])
        .await;
    let summary = app.texts("credit-summary").await;
    assert!(
        summary[0].contains("late") || summary[0].contains("early") || summary[0].contains("time"),
        "the score is explained in words: {summary:?}"
    );
    let alerts_shown = app.texts("credit-alert").await;
    assert!(
        !alerts_shown.is_empty(),
        "the alerts are on the debtor page"
    );
    app.screenshot("debtor-credit.png").await;

    // A payment, previewed before it is recorded: it goes to the oldest invoice first.
    app.click("tab-account").await;
    let before = app
        .wait_texts("open-items", "the open items", |t| !t.is_empty())
        .await;
    app.click("payment-new").await;
    app.type_into("pay-amount", "10.00").await;
    app.type_into("pay-reference", "E2E-PAY-1").await;
    let preview = app
        .wait_texts("pay-preview", "the allocation preview", |t| {
            t.len() == 1 && t[0].contains("10.00")
        })
        .await;
    app.screenshot("payment-preview.png").await;
    app.click("pay-record").await;
    app.wait_gone("payment-entry").await;
    app.wait_texts("open-items", "the open items after the payment", |t| {
        t != before.as_slice()
    })
    .await;

    app.click("tab-timeline").await;
    app.wait_texts("timeline", "the payment on the timeline", |t| {
        t.len() == 1 && t[0].contains("Payment received E2E-PAY-1")
    })
    .await;
    app.screenshot("debtor-timeline.png").await;
    assert!(!preview.is_empty());
    app.quit_without_page_errors().await;
}

/// A German accounting export (semicolons, decimal commas, its own header names) imported
/// through the wizard: the mapping is suggested, every row is checked before anything is
/// written, and the aging chart grows by exactly the imported amount.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_through_the_wizard_changes_the_aging_chart() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;

    // An EUR debtor of the demo book, found through the CLI.
    let list = cli_json(&home, &["debtors", "list", "--limit", "250"]);
    let eur = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "EUR")
        .expect("an EUR debtor");
    let reference = eur["external_ref"].as_str().unwrap();
    let aging_total = || {
        let v = cli_json(&home, &["report", "aging", "--as-of", TODAY]);
        v["currencies"]["EUR"]["total"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = aging_total();

    // As Excel saves "CSV" on a German Windows: semicolons, decimal commas, Windows-1252
    // (the ä of Fälligkeit and Währung is the one byte 0xE4, not UTF-8).
    let file = home.data().join("export.csv");
    let text = format!(
        "Rechnungsnummer;Kundennummer;Rechnungsdatum;Fälligkeit;Betrag;Währung\r\n\
         E2E-1;{reference};2026-08-01;2026-08-31;1.000,50;EUR\r\n\
         E2E-2;{reference};2026-10-01;2026-10-31;234,25;EUR\r\n"
    );
    let windows_1252: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text"))
        .collect();
    assert!(std::str::from_utf8(&windows_1252).is_err());
    std::fs::write(&file, windows_1252).unwrap();

    app.click("nav-reports").await;
    let shown_before = app
        .wait_texts("aging-total-EUR", "the EUR aging total", |t| t.len() == 1)
        .await;
    app.click("import-open").await;
    app.wait_testid("import-wizard").await;
    app.choose_file("import-file", &file).await;
    // Suggested mapping, but the amounts read wrong until decimal commas are switched on.
    app.wait_texts("import-problems", "the amount problems", |t| {
        t.len() == 1 && t[0].contains("export.csv:2: amount")
    })
    .await;
    app.wait_texts("import-encoding", "the encoding read", |t| {
        t.len() == 1 && t[0] == "Text encoding: windows-1252 (detected from the file)"
    })
    .await;
    let due = app.wait_testid("map-due_date").await;
    assert_eq!(
        due.prop("value").await.unwrap().as_deref(),
        Some("Fälligkeit"),
        "the header is read in its encoding and mapped"
    );
    app.click("import-decimal-comma").await;
    app.wait_texts("import-check", "every row checks out", |t| {
        t.len() == 1 && t[0].contains("2 to import")
    })
    .await;
    app.screenshot("import-wizard.png").await;
    app.click("import-run").await;
    app.wait_texts("import-summary", "the import summary", |t| {
        t.len() == 1
            && t[0].contains("Imported 2 invoices")
            && t[0].contains("(read as windows-1252)")
    })
    .await;

    // The aging chart moved by exactly 1234.75, in the window and in the CLI.
    let after = aging_total();
    let cents = |v: &str| -> i64 { v.replace('.', "").parse().unwrap() };
    assert_eq!(
        cents(&after) - cents(&before),
        123475,
        "{before} -> {after}"
    );
    app.click("import-close").await;
    let digits = |t: &str| -> String { t.chars().filter(char::is_ascii_digit).collect() };
    app.wait_texts(
        "aging-total-EUR",
        "the EUR aging total after the import",
        |t| t.len() == 1 && digits(&t[0]) == after.replace('.', ""),
    )
    .await;
    assert_ne!(shown_before, app.texts("aging-total-EUR").await);

    // Drill into the bucket the new invoices fell in (E2E-2 is 22 days overdue).
    app.click("aging-segment-EUR-1-30").await;
    app.wait_texts("aging-drill-row", "the 1-30 bucket's invoices", |t| {
        t.iter().any(|r| r.contains("E2E-2"))
    })
    .await;
    app.screenshot("aging-drill-down.png").await;

    // A payments export listing one payment twice: the wizard names the repeated line and
    // asks; "the same payment listed twice" imports it once.
    let payments = home.data().join("zahlungen.csv");
    std::fs::write(
        &payments,
        format!(
            "Kundennummer;Datum;Betrag;W\u{e4}hrung;Verwendungszweck;Rechnungsnummer\r\n\
             {reference};2026-11-20;500,00;EUR;Abschlag E2E-1;E2E-1\r\n\
             {reference};2026-11-20;500,00;EUR;Abschlag E2E-1;E2E-1\r\n\
             {reference};2026-11-21;34,25;EUR;Rest E2E-2;E2E-2\r\n"
        ),
    )
    .unwrap();
    app.click("import-open").await;
    app.wait_testid("import-kind")
        .await
        .select_by_value("payments")
        .await
        .expect("the wizard imports payments");
    app.choose_file("import-file", &payments).await;
    app.click("import-decimal-comma").await;
    app.wait_texts("import-repeats", "the repeated row named", |t| {
        t.len() == 1 && t[0].contains("line 3 = line 2")
    })
    .await;
    app.wait_texts("import-problems", "refused until the user chooses", |t| {
        t.len() == 1 && t[0].contains("zahlungen.csv:3: row")
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "import-repeats",
        "import-repeats",
    )
    .await;
    app.click("import-repeats-once").await;
    app.wait_texts("import-check", "the rows check out once chosen", |t| {
        t.len() == 1 && t[0].contains("2 to import")
    })
    .await;
    app.click("import-run").await;
    app.wait_texts("import-summary", "the payments summary", |t| {
        t.len() == 1
            && t[0].contains("Imported 2 payments")
            && t[0].contains("1 repeated rows imported once")
    })
    .await;
    app.click("import-close").await;
    let e2e1 = cli_json(&home, &["invoices", "show", "E2E-1"]);
    assert_eq!(
        e2e1["invoice"]["open"], "500.50",
        "paid once, not twice: {e2e1}"
    );

    // A debtor's name in the aging drill-down opens that debtor's page.
    app.click("aging-segment-EUR-1-30").await;
    let drilled = app
        .wait_texts("aging-drill-debtor", "the drill-down's debtors", |t| {
            !t.is_empty()
        })
        .await
        .remove(0);
    app.click("aging-drill-debtor").await;
    app.wait_texts(
        "detail-name",
        "the debtor opened from the drill-down",
        |t| t.first().is_some_and(|n| *n == drilled),
    )
    .await;
    app.quit_without_page_errors().await;
}

/// A UK debtor's overdue invoices show statutory interest with its working; "claim now"
/// books the charges, which appear on the timeline; the rate table is in Settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interest_is_shown_with_its_working_and_claimed() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;
    let list = cli_json(
        &home,
        &[
            "debtors",
            "list",
            "--limit",
            "250",
            "--sort",
            "overdue-balance",
        ],
    );
    let uk = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["country"] == "GB" && r["overdue_balance"] != "0.00")
        .expect("an overdue UK debtor");
    let name = uk["name"].as_str().unwrap();

    app.click("nav-debtors").await;
    app.type_into("debtor-search", name).await;
    app.wait_texts("debtor-row", "the UK debtor", |t| {
        t.first().map(String::as_str) == Some(name)
    })
    .await;
    app.click("debtor-row").await;
    app.click("tab-interest").await;
    app.wait_texts("policy-summary", "the statutory policy", |t| {
        t.len() == 1 && t[0].contains("uk")
    })
    .await;
    let claimable = app
        .wait_texts("interest-claimable", "interest to claim", |t| {
            t.len() == 1 && t[0].chars().any(|c| c.is_ascii_digit() && c != '0')
        })
        .await;
    app.click("interest-row").await;
    app.wait_testid("interest-working").await;
    app.screenshot("interest-tab.png").await;
    app.click("interest-claim").await;
    app.wait_texts("charges", "the booked charges", |t| {
        t.len() == 1 && t[0].contains("interest on")
    })
    .await;
    app.wait_texts("interest-claimable", "nothing left to claim", |t| {
        t != claimable.as_slice()
    })
    .await;
    app.click("tab-timeline").await;
    app.wait_texts("timeline", "the claim on the timeline", |t| {
        t.len() == 1 && t[0].contains("Interest and compensation claimed")
    })
    .await;

    app.click("nav-settings").await;
    app.wait_texts("rate-table", "the shipped rate table", |t| {
        t.len() == 1 && t[0].contains("Basiszinssatz")
    })
    .await;
    app.quit_without_page_errors().await;
}

/// The Invoices screen as a bookkeeper uses it: invoices found by a debtor's name typed
/// without accents, sorted by amount within each currency, a new invoice added for a
/// debtor found by name (a date that does not exist refused under its field first), and
/// three invoices disputed together; the CLI reads the result from the same file. Then
/// the keyboard alone: Ctrl+K finds the debtor and the invoice, Enter opens, Esc closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_are_searched_sorted_added_and_disputed_together() {
    let home = Home::new();
    home.import(&[
        (
            "debtors",
            "external_id,name,currency,payment_terms_days,address,postal_code,city,country\n\
         PL-LDZ,Łódź Trading Sp. z o.o.,PLN,14,ul. Piotrkowska 1,90-001,Łódź,PL\n\
         DE-MUE,Müller GmbH,EUR,30,Hauptstraße 1,10115,Berlin,DE\n\
         TR-IST,Şahin Tekstil A.Ş.,TRY,30,Istiklal Cd. 5,34430,Istanbul,TR\n",
        ),
        (
            "invoices",
            "number,debtor_external_id,issue_date,due_date,amount\n\
         FV/2026/001,PL-LDZ,2026-09-10,2026-09-24,5000.00\n\
         FV/2026/002,PL-LDZ,2026-11-10,2026-11-24,120.50\n\
         INV-100,DE-MUE,2026-08-01,2026-08-31,45775.00\n\
         INV-101,DE-MUE,2026-09-01,2026-10-01,45374.00\n\
         TR-9,TR-IST,2026-09-15,2026-10-15,45485.00\n",
        ),
    ]);

    let app = App::launch(&home, TODAY).await;
    app.click("nav-invoices").await;
    app.wait_texts("invoice-count", "five invoices", |t| t == ["5 invoices"])
        .await;

    // Search: the debtor's name typed without its accents.
    app.type_into("invoice-search", "lodz").await;
    app.wait_texts("invoice-open", "Łódź's invoices", |t| {
        t == ["FV/2026/001", "FV/2026/002"]
    })
    .await;
    app.type_into("invoice-search", "nobody here").await;
    app.wait_texts("invoice-list-empty", "nothing found", |t| {
        t.len() == 1 && t[0].contains("nobody here")
    })
    .await;
    app.type_into("invoice-search", " ").await;
    app.wait_texts("invoice-count", "every invoice again", |t| {
        t == ["5 invoices"]
    })
    .await;

    // Sort by amount, largest first: within each currency, never TRY among the euros.
    app.click("invoice-sort-amount").await;
    app.click("invoice-sort-amount").await;
    app.wait_texts("invoice-open", "by currency, then amount", |t| {
        t == ["TR-9", "FV/2026/001", "FV/2026/002", "INV-100", "INV-101"]
    })
    .await;
    let sorted = app
        .eval(
            "return document.querySelector('[data-testid=invoice-sort-amount]').closest('th').getAttribute('aria-sort');",
        )
        .await;
    assert_eq!(sorted, "descending");
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "invoice-list",
        "invoices-sorted",
    )
    .await;

    // New invoice for a debtor found by name; a date that does not exist is refused first.
    app.click("invoice-create").await;
    app.click("inv-save").await;
    app.wait_texts("error-inv-debtor-search", "choose a debtor", |t| {
        t.len() == 1 && t[0].contains("Choose the debtor")
    })
    .await;
    app.type_into("inv-debtor-search", "muller").await;
    app.click("inv-debtor-option").await;
    app.wait_texts("inv-debtor", "the debtor chosen", |t| {
        t.len() == 1 && t[0].contains("Müller GmbH")
    })
    .await;
    app.type_into("inv-number", "INV-102").await;
    app.type_into("inv-issue", "2026-02-31").await;
    // Typed as the window shows amounts (with a thousands separator).
    app.type_into("inv-amount", "1,250.00").await;
    app.type_into("inv-description", "Spare parts").await;
    app.click("inv-save").await;
    app.wait_texts("error-inv-issue", "the impossible date refused", |t| {
        t.len() == 1 && t[0].contains("2026-02-31") && t[0].contains("28 days")
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "invoice-form",
        "invoice-new-refused",
    )
    .await;
    app.type_into("inv-issue", "2026-11-02").await;
    app.click("inv-save").await;
    app.wait_texts("invoice-notice", "added", |t| {
        t == ["Invoice INV-102 added."]
    })
    .await;
    app.wait_texts("invoice-number", "the new invoice opened", |t| {
        t == ["Invoice INV-102"]
    })
    .await;
    let shown = cli_json(&home, &["invoices", "show", "INV-102"]);
    assert_eq!(shown["invoice"]["amount"], "1250.00");
    assert_eq!(shown["invoice"]["currency"], "EUR");
    assert_eq!(
        shown["invoice"]["due_date"], "2026-12-02",
        "due after the debtor's 30 days"
    );

    // Three invoices disputed together with one reason.
    app.type_into("invoice-search", "inv-10").await;
    app.wait_texts("invoice-count", "Müller's three invoices", |t| {
        t == ["3 invoices"]
    })
    .await;
    app.click("invoice-pick-all").await;
    app.wait_texts("invoice-bulk", "three selected", |t| {
        t.len() == 1 && t[0].contains("3 selected")
    })
    .await;
    app.click("invoice-bulk-dispute").await;
    app.type_into("invoice-bulk-reason", "Delivery incomplete")
        .await;
    app.click("invoice-bulk-save").await;
    app.wait_texts("invoice-notice", "disputed", |t| {
        t == ["3 invoices marked disputed."]
    })
    .await;
    app.wait_texts(
        "invoice-dispute",
        "the open invoice shows its dispute",
        |t| t.len() == 1 && t[0].contains("Delivery incomplete"),
    )
    .await;
    let disputed = cli_json(&home, &["invoices", "list", "--disputed"]);
    let numbers: Vec<&str> = disputed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["INV-100", "INV-101", "INV-102"]);
    assert!(disputed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["dispute_reason"] == "Delivery incomplete"));

    // Print: refused, before any file dialog, while the letterhead has no account to pay
    // into; then one PDF of both invoices, kept on each debtor's account.
    app.type_into("invoice-search", "fv/2026").await;
    app.wait_texts("invoice-count", "Łódź's two invoices", |t| {
        t == ["2 invoices"]
    })
    .await;
    app.click("invoice-pick-all").await;
    app.click("invoice-bulk-print").await;
    app.wait_texts("invoices-error", "print refused", |t| {
        t.len() == 1 && t[0].contains("Settings > Letterhead") && t[0].contains("FV/2026/001")
    })
    .await;
    let head = home.file(
        "letterhead.json",
        r#"{"name":"Nordlicht Handels GmbH","address_lines":"Hafenstraße 12","postal_code":"20457",
            "city":"Hamburg","country":"DE","email":"ar@nordlicht.example",
            "bank_name":"Hamburger Sparkasse","iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX"}"#,
    );
    let (code, _, err) = cli(
        None,
        &[
            "--db",
            s(&home.database()),
            "pdf",
            "letterhead",
            "--set",
            s(&head),
        ],
    );
    assert_eq!(code, 0, "{err}");
    app.click("invoice-bulk-print").await;
    let saved = home.saved().join("invoices-2026-11-22.pdf");
    app.wait_texts("invoice-notice", "printed", |t| {
        t.len() == 1
            && t[0].starts_with("2 invoices saved to")
            && t[0].contains("invoices-2026-11-22.pdf")
    })
    .await;
    let bytes = std::fs::read(&saved).unwrap_or_else(|e| panic!("{}: {e}", saved.display()));
    assert!(bytes.starts_with(b"%PDF"));
    app.press(&[CONTROL, 'k']).await;
    app.type_into("quickfind-input", "lodz").await;
    app.wait_texts("quickfind-debtor", "Łódź found", |t| t.len() == 1)
        .await;
    app.press(&[ENTER]).await;
    app.click("tab-documents").await;
    app.wait_texts(
        "document-row",
        "each invoice kept on the debtor's account",
        |t| {
            t.len() == 2
                && t.iter().any(|r| r.contains("Invoice FV/2026/001"))
                && t.iter().any(|r| r.contains("Invoice FV/2026/002"))
        },
    )
    .await;
    app.click("nav-invoices").await;

    // Write-off of what is open, with the reason.
    app.type_into("invoice-search", "FV/2026/002").await;
    app.wait_texts("invoice-count", "one invoice", |t| t == ["1 invoice"])
        .await;
    app.click("invoice-pick-all").await;
    app.click("invoice-bulk-writeoff").await;
    app.type_into("invoice-bulk-reason", "Customer insolvent")
        .await;
    app.click("invoice-bulk-save").await;
    app.wait_texts("invoice-notice", "written off", |t| {
        t == ["1 invoice written off."]
    })
    .await;
    let shown = cli_json(&home, &["invoices", "show", "FV/2026/002"]);
    assert_eq!(shown["invoice"]["open"], "0.00");
    assert_eq!(shown["adjustments"][0]["reason"], "Customer insolvent");

    // The keyboard: Ctrl+K from inside a field finds a debtor; Enter opens it; Esc closes
    // its page; Ctrl+K again, the down arrow and Enter open an invoice; Esc closes it.
    app.click("invoice-search").await;
    app.press(&[CONTROL, 'k']).await;
    app.type_into("quickfind-input", "sahin").await;
    app.wait_texts("quickfind-debtor", "the debtor found", |t| {
        t.len() == 1 && t[0].contains("Şahin Tekstil A.Ş.")
    })
    .await;
    app.wait_texts("quickfind-invoice", "its invoice found", |t| {
        t.len() == 1 && t[0].contains("TR-9")
    })
    .await;
    app.screenshots_at(&[(1024, 700), (1920, 1080)], "quickfind", "quickfind")
        .await;
    app.press(&[ENTER]).await;
    app.wait_gone("quickfind").await;
    app.wait_texts("detail-name", "the debtor's page", |t| {
        t == ["Şahin Tekstil A.Ş."]
    })
    .await;
    app.press(&[ESCAPE]).await;
    app.wait_gone("detail-name").await;
    app.press(&[CONTROL, 'k']).await;
    app.type_into("quickfind-input", "TR-9").await;
    app.wait_texts("quickfind-invoice", "the invoice found", |t| {
        t.len() == 1 && t[0].contains("TR-9")
    })
    .await;
    let debtors_found = app.texts("quickfind-debtor").await.len();
    for _ in 0..debtors_found {
        app.press(&[ARROW_DOWN]).await;
    }
    app.press(&[ENTER]).await;
    app.wait_texts("invoice-number", "the invoice opened", |t| {
        t == ["Invoice TR-9"]
    })
    .await;
    app.press(&[ESCAPE]).await;
    app.wait_gone("invoice-number").await;
    app.quit_without_page_errors().await;
}
