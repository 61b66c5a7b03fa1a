//! `overdue dunning run --json`: the stable contract cron jobs and acceptance checks read,
//! and a crash injected between sending and recording that must never send twice.

#[path = "../../overdue-api/tests/support/smtp_sink.rs"]
mod smtp_sink;

use std::path::Path;
use std::process::Command;

use smtp_sink::SmtpSink;

fn overdue_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_overdue"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", "2026-04-30");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the overdue binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn overdue(db: &Path, args: &[&str]) -> (i32, String, String) {
    overdue_env(db, args, &[])
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = overdue(db, args);
    assert_eq!(code, 0, "overdue {args:?} failed: {err}");
    out
}

fn book(db: &Path, sink: &SmtpSink) {
    ok(
        db,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "D1",
            "--email",
            "ap@acme.test",
        ],
    );
    ok(
        db,
        &[
            "debtors",
            "add",
            "--name",
            "Beta Ltd",
            "--ref",
            "D2",
            "--email",
            "ap@beta.test",
        ],
    );
    for (debtor, number, due, amount) in [
        ("D1", "INV-1", "2026-03-01", "14000.00"),
        ("D1", "INV-2", "2026-03-05", "200.00"),
        ("D2", "INV-3", "2026-03-01", "50.00"),
    ] {
        ok(
            db,
            &[
                "invoices",
                "add",
                "--debtor",
                debtor,
                "--number",
                number,
                "--issue-date",
                "2026-02-01",
                "--due-date",
                due,
                "--amount",
                amount,
            ],
        );
    }
    ok(
        db,
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
    ok(
        db,
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

#[test]
fn run_json_is_the_stable_contract() {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    book(&db, &sink);
    // The creditor's details live once, in the letterhead: the settings written through
    // `dunning settings` read back from there, as every message uses them.
    let settings: serde_json::Value =
        serde_json::from_str(&ok(&db, &["--json", "dunning", "settings"])).unwrap();
    assert_eq!(settings["sender"]["name"], "Seller AG", "{settings}");
    assert!(
        settings["payment"]["iban"]
            .as_str()
            .is_some_and(|i| i.replace(' ', "") == "DE02120300000000202051"),
        "{settings}"
    );
    let letterhead = ok(&db, &["pdf", "letterhead"]);
    assert!(letterhead.contains("Seller AG"), "{letterhead}");
    ok(
        &db,
        &[
            "invoices",
            "dispute",
            "INV-3",
            "--reason",
            "never delivered",
            "--date",
            "2026-03-02",
        ],
    );
    let out = ok(
        &db,
        &[
            "--json",
            "dunning",
            "run",
            "--as-of",
            "2026-03-12",
            "--dry-run",
        ],
    );
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Each email action carries the message as it would be sent (issue 14).
    let message = v["actions"][0]
        .as_object_mut()
        .unwrap()
        .remove("message")
        .expect("an email action carries its message");
    assert!(
        message["subject"].as_str().unwrap().contains("14,200.00"),
        "{message}"
    );
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains("DE02 1203 0000 0000 2020 51"),
        "{message}"
    );
    assert_eq!(
        v,
        serde_json::json!({
            "as_of": "2026-03-12",
            "warnings": [],
            "actions": [{"debtor": "D1", "level": 2, "level_name": "Reminder", "channel": "email",
                         "invoices": ["INV-1", "INV-2"], "amount": "14200.00", "currency": "EUR",
                         "status": "planned"}],
            "skipped": [{"debtor": "D2", "reason": "every open invoice is paused (disputed: never delivered)"}]
        }),
        "scripts read exactly these fields"
    );
    assert!(sink.delivered().is_empty(), "a dry run sends nothing");
    let out = ok(
        &db,
        &[
            "--json",
            "dunning",
            "run",
            "--as-of",
            "2026-03-12",
            "--send",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["actions"][0]["status"], "sent");
    assert_eq!(sink.delivered().len(), 1);
    let (code, _, err) = overdue(&db, &["dunning", "run", "--as-of", "12.03.2026"]);
    assert_eq!(code, 2, "a bad date is bad input");
    assert!(err.contains("as_of") || err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn a_crash_between_send_and_record_never_sends_twice() {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    book(&db, &sink);
    // The process dies right after the first email left, before it is recorded as sent.
    let (code, _, _) = overdue_env(
        &db,
        &[
            "--json",
            "dunning",
            "run",
            "--as-of",
            "2026-03-12",
            "--send",
        ],
        &[("OVERDUE_FAULT", "crash-after-send")],
    );
    assert_ne!(code, 0, "the injected crash aborts the run");
    assert_eq!(sink.delivered().len(), 1, "one email left before the crash");
    let first_to = sink.delivered()[0].to.clone();
    // The next runs (same day, and the day after) reconcile it and send the other debtor's.
    let out = ok(
        &db,
        &[
            "--json",
            "dunning",
            "run",
            "--as-of",
            "2026-03-12",
            "--send",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["actions"].as_array().unwrap().len(), 1, "{out}");
    ok(
        &db,
        &[
            "--json",
            "dunning",
            "run",
            "--as-of",
            "2026-03-13",
            "--send",
        ],
    );
    let mail = sink.delivered();
    assert_eq!(mail.len(), 2, "each debtor got its reminder exactly once");
    assert_ne!(mail[1].to, first_to);
    let actions: serde_json::Value =
        serde_json::from_str(&ok(&db, &["--json", "dunning", "actions"])).unwrap();
    let reconciled: Vec<&serde_json::Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["note"].as_str().unwrap_or("").contains("treated as sent"))
        .collect();
    assert_eq!(reconciled.len(), 1, "{actions:#}");
    assert_eq!(reconciled[0]["status"], "sent");
    let debtor = if first_to[0].contains("acme") {
        "D1"
    } else {
        "D2"
    };
    let log = ok(&db, &["dunning", "log", debtor]);
    assert!(log.contains("delivery not confirmed"), "{log}");
}

#[test]
fn a_bounce_file_marks_the_sent_reminder_bounced() {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    book(&db, &sink);
    ok(
        &db,
        &[
            "dunning",
            "run",
            "--as-of",
            "2026-03-12",
            "--send",
            "--debtor",
            "D1",
        ],
    );
    let sent = sink.delivered();
    assert_eq!(sent.len(), 1);
    let message_id = sent[0].header("Message-ID").unwrap();
    // The receiving server's notice comes back through the real SMTP server.
    sink.deliver_raw(
        "billing@seller.test",
        &smtp_sink::dsn(&message_id, "ap@acme.test", "failed", "5.1.1"),
    );
    let notice = sink.delivered().pop().unwrap();
    let eml = dir.path().join("bounce.eml");
    std::fs::write(&eml, &notice.raw).unwrap();

    let out = ok(&db, &["--json", "dunning", "bounce", eml.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["recorded"], true);
    assert_eq!(v["action"]["debtor"], "D1");
    assert_eq!(v["action"]["status"], "sent");
    assert!(
        v["action"]["bounce"]
            .as_str()
            .unwrap()
            .starts_with("5.1.1 · ap@acme.test"),
        "{v}"
    );
    let out = ok(&db, &["dunning", "bounce", "--message-id", &message_id]);
    assert!(out.starts_with("Already recorded:"), "{out}");
    let log = ok(&db, &["dunning", "log", "D1"]);
    assert!(log.contains("bounced: 5.1.1"), "{log}");

    // A Maildir of mixed mail: the bounce (already recorded), a delay notice and an
    // ordinary message are read, reported and left alone.
    let maildir = dir.path().join("Maildir");
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::create_dir_all(maildir.join("cur")).unwrap();
    std::fs::write(maildir.join("new/1.eml"), &notice.raw).unwrap();
    std::fs::write(
        maildir.join("new/2.eml"),
        smtp_sink::dsn(&message_id, "ap@acme.test", "delayed", "4.4.1"),
    )
    .unwrap();
    std::fs::write(
        maildir.join("cur/3.eml"),
        "From: a@b.test\r\nSubject: hello\r\n\r\nJust saying hi.\r\n",
    )
    .unwrap();
    let out = ok(
        &db,
        &[
            "--json",
            "dunning",
            "bounce",
            "--maildir",
            maildir.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let outcome = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(name))
            .map(|e| e["outcome"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{name} not read: {v}"))
    };
    assert_eq!(v.as_array().unwrap().len(), 3, "{v}");
    assert_eq!(outcome("new/1.eml"), "already recorded", "{v}");
    let delay = outcome("new/2.eml");
    assert!(
        delay.starts_with("left alone") && delay.contains("delayed"),
        "{v}"
    );
    assert!(outcome("cur/3.eml").starts_with("left alone"), "{v}");

    // Nothing to match, or no bounce given: bad input, exit 2.
    let other = dir.path().join("other.eml");
    std::fs::write(
        &other,
        smtp_sink::dsn("<x@elsewhere.test>", "x@y.test", "failed", "5.1.1"),
    )
    .unwrap();
    let (code, _, err) = overdue(&db, &["dunning", "bounce", other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("x@elsewhere.test"), "{err}");
    let (code, _, _) = overdue(&db, &["dunning", "bounce"]);
    assert_eq!(code, 2);
}

/// `--log` writes what happened to the log file a user can find; never a password, a
/// token or a message body (issue 17).
#[test]
fn the_log_says_what_ran_and_never_a_password_or_a_message() {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let logs = dir.path().join("logs");
    book(&db, &sink);
    let env = [("OVERDUE_LOG_DIR", logs.to_str().unwrap())];
    // A password through stdin (the keyring may refuse it where there is none: the log
    // must not hold it either way).
    let mut child = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(&db)
        .args([
            "--log",
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
            "--username",
            "billing",
            "--password-stdin",
        ])
        .env("OVERDUE_LOG_DIR", &logs)
        .env("OVERDUE_TODAY", "2026-04-30")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"s3cr3t-PASSWORD\n").unwrap();
    drop(child.stdin.take());
    let _ = child.wait().unwrap();
    // Without the password again, and a run that sends.
    ok(
        &db,
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
    let (code, _, err) = overdue_env(
        &db,
        &["--log", "dunning", "run", "--as-of", "2026-03-12", "--send"],
        &env,
    );
    assert_eq!(code, 0, "{err}");
    assert!(!sink.delivered().is_empty());
    let body = sink.delivered()[0].body();
    let mut text = String::new();
    for entry in std::fs::read_dir(&logs).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        text.contains("command=dunning") && text.contains("done"),
        "{text}"
    );
    assert!(
        !text.contains("s3cr3t-PASSWORD"),
        "a password in the log: {text}"
    );
    let line = body
        .lines()
        .find(|l| l.contains("Please transfer") || l.contains("according to our records"))
        .unwrap_or("Please transfer");
    assert!(
        !text.contains(line.trim()),
        "a message body in the log: {text}"
    );
}
