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

/// Acme GmbH with one invoice overdue since 1 November, mail through `sink`, and the
/// creditor's name and IBAN: a book with one reminder due.
fn seed_acme(home: &Home, sink: &SmtpSink) {
    ok(
        home,
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
        home,
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
        home,
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
        home,
        &[
            "dunning",
            "settings",
            "--sender-name",
            "Seller AG",
            "--iban",
            "DE02 1203 0000 0000 2020 51",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_and_send_a_run_from_the_collections_screen() {
    let sink = SmtpSink::start();
    let home = Home::new();
    seed_acme(&home, &sink);

    let app = App::launch(&home, TODAY).await;
    app.click("nav-collections").await;
    app.click("run-preview").await;
    app.wait_texts("run-action", "the run preview", |t| {
        t.len() == 1 && t[0].contains("Acme GmbH") && t[0].contains("1,234.50")
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

/// Issue 14 in the real window: the creditor's details typed in Settings > Letterhead are
/// what every previewed email says (IBAN, bank, signatory), each in its debtor's language
/// with its conventions; Settings > Late fees names the half-year the rate table lacks and
/// takes the publisher's file after showing what it changes; the preview needs no email
/// server and shows the notes behind each message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_letterhead_set_in_the_window_is_in_every_previewed_email_in_the_debtors_language() {
    let home = Home::new();
    for (name, r, lang, country, email) in [
        (
            "Müller Maschinenbau GmbH",
            "DE1",
            "de",
            "DE",
            "ap@mueller.test",
        ),
        ("Dupont SARL", "FR1", "fr", "FR", "compta@dupont.test"),
    ] {
        ok(
            &home,
            &[
                "debtors",
                "add",
                "--name",
                name,
                "--ref",
                r,
                "--language",
                lang,
                "--country",
                country,
                "--email",
                email,
                "--address",
                "Street 1",
                "--postal-code",
                "12345",
                "--city",
                "Town",
            ],
        );
    }
    for (r, number, amount) in [
        ("DE1", "R-1", "1200.00"),
        ("DE1", "R-2", "2715.90"),
        ("FR1", "R-3", "800.00"),
    ] {
        ok(
            &home,
            &[
                "invoices",
                "add",
                "--debtor",
                r,
                "--number",
                number,
                "--issue-date",
                "2026-07-01",
                "--due-date",
                "2026-07-31",
                "--amount",
                amount,
            ],
        );
    }

    let app = App::launch(&home, TODAY).await;
    app.click("nav-settings").await;
    app.wait_testid("letterhead-settings").await;
    for (id, text) in [
        ("lh-name", "Seller AG"),
        ("lh-address", "Hauptstr. 1"),
        ("lh-postal", "10115"),
        ("lh-city", "Berlin"),
        ("lh-country", "DE"),
        ("lh-iban", "DE89 3704 0044 0532 0130 00"),
        ("lh-bic", "COBADEFFXXX"),
        ("lh-bank", "Commerzbank"),
        ("lh-signatory", "Anna Schmidt"),
    ] {
        app.type_into(id, text).await;
    }
    app.click("lh-save").await;
    app.wait_texts("lh-message", "the letterhead saved", |t| {
        t.len() == 1 && t[0].contains("saved")
    })
    .await;

    // The rate table lacks 2026-H2: a banner says so; the Bundesbank's file fills it after
    // showing what it changes (a hypothetical figure, clearly labelled in the fixture).
    let gaps = app
        .wait_texts("rate-gap", "the missing half-year named", |t| {
            t.iter()
                .any(|g| g.contains("German base rate") && g.contains("2026-H2"))
        })
        .await;
    assert!(
        gaps.iter().all(|g| !g.contains("--")),
        "no command-line advice: {gaps:?}"
    );
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/overdue-domain/tests/fixtures/rates/bundesbank_su0115_en_hypothetical_2026h2.csv");
    app.choose_file("rate-import-file", &fixture).await;
    app.wait_texts("rate-import-row", "the file's rows compared", |t| {
        t.iter().any(|r| r.contains("new")) && t.iter().any(|r| r.contains("unchanged"))
    })
    .await;
    let _ = app
        .client
        .execute(
            "document.querySelector('[data-testid=\"rate-import-preview\"]').scrollIntoView();",
            vec![],
        )
        .await;
    app.screenshot("rates-import-preview.png").await;
    app.click("rate-import-apply").await;
    app.wait_texts("rate-message", "the rates saved", |t| {
        t.len() == 1 && t[0].contains("Saved 1 rate")
    })
    .await;
    app.wait_texts("rate-gap", "the German gap gone", |t| {
        t.iter().all(|g| !g.contains("German base rate"))
    })
    .await;

    // Collections > Preview: no SMTP server is set up, and none is needed to preview.
    app.click("nav-collections").await;
    app.click("run-preview").await;
    app.wait_texts("run-action", "the run preview", |t| t.len() == 2)
        .await;
    app.click("run-message-toggle-DE1").await;
    let german = app
        .wait_texts("run-message", "the German email", |t| t.len() == 1)
        .await
        .remove(0);
    for must in [
        "Letzte Mahnung",
        "DE89 3704 0044 0532 0130 00",
        "COBADEFFXXX",
        "Commerzbank",
        "Anna Schmidt, Seller AG",
        "3.915,90 EUR",
        "Verzugszinsen",
        "§ 288 Abs. 5 BGB",
    ] {
        assert!(
            german.contains(must),
            "the German email says {must:?}: {german}"
        );
    }
    assert!(
        !german.contains("Trotz unserer Erinnerungen"),
        "none is on record: {german}"
    );
    if app.client.set_window_size(1920, 1080).await.is_ok() {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    app.screenshot("preview-email-de-1920x1080.png").await;
    app.click("run-message-toggle-FR1").await;
    let french = app
        .wait_texts("run-message", "the French email", |t| {
            t.len() == 1 && t[0].contains("Mise en demeure")
        })
        .await
        .remove(0);
    for must in [
        "DE89 3704 0044 0532 0130 00",
        "Anna Schmidt, Seller AG",
        "800,00 EUR",
        "L441-10",
    ] {
        assert!(
            french.contains(must),
            "the French email says {must:?}: {french}"
        );
    }
    // The ECB rate for 2026-H2 is still missing: the note under the French action says so.
    let notes = app.texts("run-note").await;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("ECB") && n.contains("2026-H2")),
        "{notes:?}"
    );
    if app.client.set_window_size(1024, 700).await.is_ok() {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.screenshot("preview-email-fr-1024x700.png").await;
    }

    // Sending without email set up is refused before anything is written, and the reason
    // shows under the button just pressed (it was at the top, out of sight).
    app.click("run-send").await;
    app.wait_texts("run-send-error", "the refusal under the button", |t| {
        t.len() == 1 && t[0].contains("Email is not set up")
    })
    .await;
    let gap = app
        .eval(
            "const b = document.querySelector('[data-testid=run-send]').getBoundingClientRect();\
             const e = document.querySelector('[data-testid=run-send-error]').getBoundingClientRect();\
             return e.top - b.bottom;",
        )
        .await;
    assert!(
        gap.as_f64().is_some_and(|g| (0.0..80.0).contains(&g)),
        "the refusal is right under the button: {gap}"
    );
    app.screenshot("run-send-refused-1024x700.png").await;

    // Escalating by hand skips the notice only with a reason, which is logged.
    app.click("nav-debtors").await;
    app.wait_texts("debtor-row", "the debtors", |t| t.len() == 2)
        .await;
    let rows = app.texts("debtor-row").await;
    let dupont = rows.iter().position(|r| r.contains("Dupont")).unwrap();
    let els = app
        .client
        .find_all(fantoccini::Locator::Css("[data-testid=\"debtor-row\"]"))
        .await
        .unwrap();
    els[dupont].click().await.unwrap();
    app.wait_texts("detail-name", "Dupont's page", |t| {
        t.first().is_some_and(|n| n.contains("Dupont"))
    })
    .await;
    app.click("escalate-new").await;
    app.wait_testid("escalate-form").await;
    app.click("escalate-save").await;
    app.wait_texts("error-escalate-reason", "the reason asked for", |t| {
        t.iter().any(|e| e.contains("Say why"))
    })
    .await;
    app.type_into("escalate-reason", "The debtor announced it is closing down")
        .await;
    app.screenshot("escalate-1024x700.png").await;
    app.click("escalate-save").await;
    app.wait_gone("escalate-form").await;

    // A template previewed on a debtor found by its reference (or name); one that names
    // nobody says so (it used to show sample data). A merge field inserted from the list
    // at the cursor, and the preview follows the text as it is typed.
    app.click("nav-collections").await;
    app.click("tab-templates").await;
    app.type_into("template-debtor-search", "FR404").await;
    app.wait_texts("template-debtor-none", "nobody found", |t| {
        t.len() == 1 && t[0].contains("FR404")
    })
    .await;
    app.type_into("template-debtor-search", "FR1").await;
    app.click("template-debtor-option").await;
    app.wait_texts("template-rendered", "the template on Dupont", |t| {
        t.len() == 1 && t[0].contains("800")
    })
    .await;
    app.eval(
        "const b = document.querySelector('[data-testid=template-body]'); b.focus(); b.setSelectionRange(0, 0); return 0;",
    )
    .await;
    app.click("template-field-debtor.name").await;
    app.wait_texts("template-rendered", "the inserted field filled in", |t| {
        t.len() == 1 && t[0].contains("Dupont")
    })
    .await;
    let body = app
        .eval("return document.querySelector('[data-testid=template-body]').value;")
        .await;
    assert!(
        body.as_str()
            .is_some_and(|b| b.starts_with("{{ debtor.name }}")),
        "{body}"
    );
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "template-fields",
        "template-editor",
    )
    .await;
    app.quit_without_page_errors().await;
    let work = ok(&home, &["dunning", "worklist"]);
    assert!(work.contains("FR1") && work.contains("legal"), "{work}");
    let log = ok(&home, &["dunning", "log", "FR1"]);
    assert!(
        log.contains("Escalated by hand to level 6") && log.contains("closing down"),
        "{log}"
    );
}

/// Settings > Daily run: "send reminders every day at 07:30, also when Overdue is closed"
/// writes the scheduled job; a mistyped time is refused next to its field; the job's own
/// command (read back from its unit file) sends the reminder to the SMTP server on
/// 127.0.0.1 while the window is closed and records what it did; the window, opened
/// again, shows that run in its banner and in Settings; "Turn off" removes the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_run_is_scheduled_in_settings_and_runs_while_the_window_is_closed() {
    let sink = SmtpSink::start();
    let home = Home::new();
    seed_acme(&home, &sink);
    let units = home.config().join("systemd/user");

    let app = App::launch(&home, TODAY).await;
    app.click("nav-settings").await;
    app.wait_testid("daily-run-settings").await;
    app.wait_texts("daily-run-last", "no run yet", |t| {
        t == ["None recorded yet."]
    })
    .await;
    // A time that is not one: refused by the core, said next to the field, nothing written.
    app.type_into("daily-run-at", "7.30h").await;
    app.click("daily-run-save").await;
    app.wait_texts("daily-run-at-error", "the time refused", |t| {
        t.len() == 1 && t[0].contains("not a time of day")
    })
    .await;
    assert!(!units.join("overdue-daily-run.timer").exists());

    app.type_into("daily-run-at", "07:30").await;
    app.wait_testid("daily-run-mode")
        .await
        .select_by_value("send")
        .await
        .expect("choose to send");
    app.click("daily-run-save").await;
    app.wait_texts("daily-run-message", "the job saved", |t| {
        t.len() == 1 && t[0].contains("set for 07:30, also when Overdue is closed")
    })
    .await;
    let status = app.texts("daily-run-status").await.join(" ");
    assert!(status.contains("overdue-daily-run.timer"), "{status}");
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "daily-run-settings",
        "daily-run",
    )
    .await;
    app.quit_without_page_errors().await;

    // The job as systemd would start it at 07:30, the window closed.
    let service = std::fs::read_to_string(units.join("overdue-daily-run.service"))
        .expect("the service unit was written");
    let timer = std::fs::read_to_string(units.join("overdue-daily-run.timer")).unwrap();
    assert!(timer.contains("OnCalendar=*-*-* 07:30:00"), "{timer}");
    let words = overdue_api::schedule::exec_start(&service).expect("an ExecStart line");
    assert!(words[0].ends_with("/overdue"), "{words:?}");
    let db = home.database();
    assert_eq!(&words[1..3], ["--db", s(&db)]);
    assert!(words.contains(&"--send".to_string()), "{words:?}");
    let out = std::process::Command::new(&words[0])
        .args(&words[1..])
        .env("XDG_DATA_HOME", home.data())
        .env("XDG_CONFIG_HOME", home.config())
        .env("OVERDUE_TODAY", TODAY)
        .output()
        .expect("the job's command runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mail = sink.delivered();
    assert_eq!(mail.len(), 1, "the job sent the reminder");
    assert!(mail[0].body().contains("E2E-1"), "{}", mail[0].body());

    // Opened again: the banner and Settings say what the job did.
    let app = App::launch(&home, TODAY).await;
    app.wait_texts("banner-success", "the job's run in the banner", |t| {
        t.iter().any(|b| b.starts_with("Daily run: 1 sent"))
    })
    .await;
    app.screenshot("daily-run-banner.png").await;
    app.click("nav-settings").await;
    app.wait_texts("daily-run-last", "the last run in Settings", |t| {
        t.len() == 1 && t[0].contains("1 sent") && t[0].contains(s(&db))
    })
    .await;
    app.click("daily-run-off").await;
    app.wait_texts("daily-run-message", "the job removed", |t| {
        t == ["The daily run is off."]
    })
    .await;
    app.quit_without_page_errors().await;
    assert!(!units.join("overdue-daily-run.timer").exists());
    assert!(!units.join("overdue-daily-run.service").exists());
}
