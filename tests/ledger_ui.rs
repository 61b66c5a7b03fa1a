//! The debtor's account in the real window: the riskiest debtor's score and its
//! explanation (checked against the CLI on the same file), a payment entered with its
//! allocation preview, and the timeline showing it.
//!
//! Sessions run one after another (one display, one tauri-driver at a time).

use overdue_e2e::{cli, s, App, Home};

const TODAY: &str = "2026-11-22";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn riskiest_debtor_shows_its_score_explanation_and_takes_a_payment() {
    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.click("welcome-demo").await;
    app.wait_gone("welcome").await;
    app.wait_texts("debtor-count", "250 demo debtors", |t| t == ["250 debtors"])
        .await;

    // The CLI's view of the same file: the riskiest debtor and its score.
    let (code, out, err) = cli(
        None,
        &["--db", s(&home.database()), "credit", "alerts", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let alerts: serde_json::Value = serde_json::from_str(&out).unwrap();
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
