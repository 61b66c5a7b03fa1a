//! Dunning in the real window: preview the run on the Collections screen, send it, see
//! the email arrive at a real SMTP server on 127.0.0.1 (aiosmtpd) and the event on the
//! debtor's contact log (read through the CLI on the same file).

#[path = "../crates/overdue-api/tests/support/smtp_sink.rs"]
mod smtp_sink;

use overdue_e2e::{cli, s, App, Home};
use smtp_sink::SmtpSink;

const TODAY: &str = "2026-11-22";

fn ok(home: &Home, args: &[&str]) -> String {
    let db = home.database();
    let mut all = vec!["--db", s(&db)];
    all.extend_from_slice(args);
    let (code, out, err) = cli(None, &all);
    assert_eq!(code, 0, "overdue {args:?}: {err}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_and_send_a_run_from_the_collections_screen() {
    let sink = SmtpSink::start();
    let home = Home::new();
    ok(
        &home,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "D1",
            "--email",
            "ap@acme.test",
            "--contact",
            "Anna",
        ],
    );
    ok(
        &home,
        &[
            "invoices",
            "add",
            "--debtor",
            "D1",
            "--number",
            "E2E-1",
            "--issue-date",
            "2026-10-01",
            "--due-date",
            "2026-11-01",
            "--amount",
            "1234.50",
        ],
    );
    ok(
        &home,
        &[
            "dunning",
            "smtp",
            "configure",
            "--host",
            "127.0.0.1",
            "--port",
            &sink.port.to_string(),
            "--security",
            "plain",
            "--from",
            "billing@seller.test",
        ],
    );
    // Where to pay: a reminder without a bank account is blocked.
    ok(
        &home,
        &[
            "dunning",
            "settings",
            "--sender-name",
            "Seller AG",
            "--iban",
            "DE02 1203 0000 0000 2020 51",
        ],
    );

    let app = App::launch(&home, TODAY).await;
    app.click("nav-collections").await;
    app.click("run-preview").await;
    app.wait_texts("run-action", "the run preview", |t| {
        t.len() == 1 && t[0].contains("Acme GmbH") && t[0].contains("1234.50")
    })
    .await;
    app.screenshot("dunning-preview.png").await;
    app.click("run-send").await;
    app.wait_texts("result-status", "the send result", |t| t == ["sent"])
        .await;
    app.screenshot("dunning-sent.png").await;
    app.quit_without_page_errors().await;

    let mail = sink.delivered();
    assert_eq!(mail.len(), 1, "one email reached the SMTP server");
    assert_eq!(mail[0].to, vec!["ap@acme.test".to_string()]);
    assert!(mail[0].body().contains("E2E-1"), "{}", mail[0].body());
    let log = ok(&home, &["dunning", "log", "D1"]);
    assert!(
        log.lines().any(|l| l.contains("email")
            && l.contains("emailed to ap@acme.test")
            && l.contains("sha256")),
        "the email is on the debtor's contact log: {log}"
    );
}

/// The collection policy is edited in Settings: the final demand becomes a printed letter
/// with a later trigger, the CLI reads the change back from the same file, and a level
/// without a name is refused next to its field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_is_edited_in_settings() {
    let home = Home::new();
    ok(
        &home,
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "D1"],
    );
    let app = App::launch(&home, TODAY).await;
    app.click("nav-settings").await;
    app.wait_testid("policy-editor").await;
    app.click("policy-edit").await;
    app.wait_testid("policy-form").await;

    // A level without a name is refused where it is.
    // (Keystrokes, not WebDriver's clear, so the page sees each edit.)
    app.wait_testid("level-3-name")
        .await
        .send_keys(&format!("\u{E010}{}", "\u{E003}".repeat(40)))
        .await
        .expect("backspaces");
    app.click("policy-save").await;
    app.wait_texts("error-levels[3].name", "the level's name error", |t| {
        t.len() == 1 && !t[0].is_empty()
    })
    .await;

    app.type_into("level-3-name", "Final demand by post").await;
    app.type_into("level-3-trigger", "40").await;
    app.wait_testid("level-3-channel")
        .await
        .select_by_value("letter")
        .await
        .expect("the action list has a letter");
    app.screenshot("policy-editor.png").await;
    app.click("policy-save").await;
    app.wait_texts("policy-message", "the saved message", |t| {
        t.len() == 1 && !t[0].is_empty()
    })
    .await;

    let shown: serde_json::Value = serde_json::from_str(&ok(
        &home,
        &["dunning", "policy", "show", "Standard", "--json"],
    ))
    .unwrap();
    let level = &shown["levels"][3];
    assert_eq!(level["name"], "Final demand by post", "{shown}");
    assert_eq!(level["channel"], "letter", "{shown}");
    assert_eq!(level["trigger_days"], 40, "{shown}");
    assert_eq!(shown["levels"].as_array().unwrap().len(), 6, "{shown}");
    app.quit_without_page_errors().await;
}
