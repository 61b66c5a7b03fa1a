//! A payment plan made through the wizard in the real window: two open invoices chosen,
//! the live schedule previewed with its total, the plan agreed, its installments shown
//! with their status and the debtor paused; the CLI reads the same plan from the file.

use overdue_e2e::{cli, s, App, Home};

const TODAY: &str = "2026-11-22";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_wizard_previews_and_agrees_a_schedule() {
    let home = Home::new();
    home.import(&[
        (
            "debtors",
            "external_id,name,currency,payment_terms_days,address,postal_code,city,country\n\
         PT1,Plan Test GmbH,EUR,30,Hauptstraße 1,10115,Berlin,DE\n",
        ),
        (
            "invoices",
            "number,debtor_external_id,issue_date,due_date,amount\n\
         PT-1,PT1,2026-08-01,2026-08-31,600.00\nPT-2,PT1,2026-09-01,2026-09-30,400.00\n",
        ),
    ]);

    let app = App::launch(&home, TODAY).await;
    app.click("nav-debtors").await;
    app.wait_texts("debtor-row", "the imported debtor", |t| {
        t == ["Plan Test GmbH"]
    })
    .await;
    app.click("debtor-row").await;
    app.wait_texts("detail-name", "the debtor's page", |t| {
        t == ["Plan Test GmbH"]
    })
    .await;
    app.wait_texts("collection-state", "the collection state", |t| {
        t == ["Active"]
    })
    .await;

    app.click("plan-new").await;
    app.click("plan-invoice-PT-1").await;
    app.click("plan-invoice-PT-2").await;
    app.type_into("plan-installments", "3").await;
    // Empty fields: typed into without clearing (WebKitWebDriver refuses to clear some).
    for (id, text) in [("plan-first-due", "2026-12-31"), ("plan-agreed-by", "E2E")] {
        let el = app.wait_testid(id).await;
        if let Err(e) = el.send_keys(text).await {
            let shot = app.failure_evidence(id).await;
            panic!("type into {id}: {e}; see {}", shot.display());
        }
    }
    let rows = app
        .wait_texts("plan-preview-row", "the live schedule", |t| t.len() == 3)
        .await;
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    assert!(
        digits(&rows[2]).contains("33334"),
        "the last installment takes the leftover cent: {rows:?}"
    );
    let total = app.texts("plan-total").await;
    assert_eq!(
        digits(&total[0]),
        "100000",
        "the total is what the invoices owe: {total:?}"
    );
    app.screenshot("plan-wizard.png").await;

    app.click("plan-agree").await;
    app.wait_gone("plan-wizard").await;
    app.wait_texts("plan-installment-status", "the agreed plan", |t| {
        t == ["Open", "Open", "Open"]
    })
    .await;
    app.wait_texts("collection-state", "the debtor paused by the plan", |t| {
        t.len() == 1 && t[0].starts_with("Paused until")
    })
    .await;
    app.wait_texts(
        "debtor-collection-state",
        "the state column in the debtor list",
        // Compact in the list's narrow column: "Paused · 31 Dec", never cut.
        |t| t.len() == 1 && t[0].starts_with("Paused · "),
    )
    .await;
    app.screenshot("plan-schedule.png").await;

    // The CLI reads the same plan from the file.
    let (code, out, err) = cli(
        None,
        &[
            "--db",
            s(&home.database()),
            "plan",
            "list",
            "--debtor",
            "PT1",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let plans: serde_json::Value = serde_json::from_str(&out).unwrap();
    let amounts: Vec<&str> = plans[0]["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["333.33", "333.33", "333.34"]);
    assert_eq!(plans[0]["agreed_by"], "E2E");

    // The agreement for signing, saved from the plan's panel and kept on the record:
    // refused while the letterhead is missing (naming it), saved once it is set.
    app.wait_testid("plan-detail").await;
    app.click("plan-agreement").await;
    app.wait_texts("collections-error", "the refusal", |t| {
        t.len() == 1 && t[0].contains("company name (Settings > Letterhead)")
    })
    .await;
    let head = home.file(
        "letterhead.json",
        r#"{"name":"Nordlicht GmbH","address_lines":"Hafenstraße 12","postal_code":"20457","city":"Hamburg","country":"DE","iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX"}"#,
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
    app.click("plan-agreement").await;
    let said = app
        .wait_texts("agreement-saved", "the saved agreement", |t| t.len() == 1)
        .await;
    let file = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("payment-plan-agreement"))
        .unwrap_or_else(|| panic!("no agreement file; the window said {said:?}"));
    let text = std::process::Command::new("pdftotext")
        .args([s(&file), "-"])
        .output()
        .expect("pdftotext is installed by scripts/install-deps.sh");
    let text = String::from_utf8_lossy(&text.stdout);
    // The debtor is in Germany and was imported without a language: the agreement is in
    // German, with German amounts.
    assert!(
        text.contains("333,34") && text.contains("Ratenzahlung"),
        "the schedule is in the agreement, in German:\n{text}"
    );
    // An invoice added on the account is offered to a new plan at once (it said "No open
    // invoices" until the user navigated away).
    app.click("invoice-new").await;
    app.type_into("inv-number", "PT-3").await;
    app.type_into("inv-issue", "2026-11-01").await;
    app.type_into("inv-amount", "250.00").await;
    app.click("inv-save").await;
    app.wait_texts("open-items", "the new invoice on the account", |t| {
        t.iter().any(|r| r.contains("PT-3"))
    })
    .await;
    app.click("plan-new").await;
    app.wait_testid("plan-invoice-PT-3").await;
    app.quit_without_page_errors().await;
}
