//! The debtor's account in the real window: the riskiest debtor's score and its
//! explanation (checked against the CLI on the same file), a payment entered with its
//! allocation preview, and the timeline showing it.
//!
//! Sessions run one after another (one display, one tauri-driver at a time).

use overdue_e2e::{cli_json, App, Home};

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
