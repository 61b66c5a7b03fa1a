//! The Letters screen in the real window, as a user meets it: a reminder for an overdue
//! demo debtor is refused while there is no letterhead (the screen lists what is missing);
//! Settings > Letterhead draws a live sample from the unsaved values and saves; then the
//! reminder is previewed inside the app (the real PDF drawn on a canvas that is not
//! blank), saved (the file written is byte for byte the document kept, checked in the
//! database file, with its contact-log event), and the dunning run's letters are printed
//! into one PDF, each kept on its debtor's record.
//!
//! Native dialogs cannot be driven by WebDriver: the harness sets `OVERDUE_E2E_SAVE_DIR`,
//! which the shell's letters commands use instead of asking.

use std::path::Path;
use std::process::Command;

use overdue_e2e::{cli_json, App, Home};

const TODAY: &str = "2026-11-22";

/// Rows of a query on the app's SQLite file, through Python's sqlite3 module (python3 is
/// installed by `scripts/install-deps.sh --test`), tab-separated.
/// The demo book comes with a demo letterhead; these tests start from a company that has
/// not entered its own yet.
fn forget_letterhead(db: &Path) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             con = sqlite3.connect(sys.argv[1])\n\
             con.execute(\"DELETE FROM settings WHERE key = 'letterhead'\")\n\
             con.commit()\n",
        )
        .arg(db)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sql(db: &Path, query: &str, args: &[&str]) -> Vec<Vec<String>> {
    let script = "import sqlite3, sys\n\
        con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n\
        for row in con.execute(sys.argv[2], sys.argv[3:]):\n    print('\\t'.join(str(c) for c in row))\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(db)
        .arg(query)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

fn sha256_of(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Pixels of the first preview page that are not white, in basis points of all its
/// pixels (0 when blank, -1 when there is no page).
async fn ink_on_first_page(app: &App, within: &str) -> i64 {
    let v = app
        .client
        .execute(
            "const c = document.querySelector(`[data-testid=\"${arguments[0]}\"] [data-testid=\"pdf-page\"]`);\
             if (!c) return -1;\
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;\
             let ink = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i+1] < 200 || d[i+2] < 200) ink++; }\
             return Math.round(ink * 10000 / (d.length / 4));",
            vec![serde_json::json!(within)],
        )
        .await
        .expect("read the canvas");
    v.as_i64().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letterhead_then_a_reminder_previewed_saved_and_kept_then_the_run_in_one_pdf() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;
    forget_letterhead(&home.database());

    // The most overdue debtor with a postal address, found through the CLI.
    let list = cli_json(
        &home,
        &[
            "debtors",
            "list",
            "--limit",
            "250",
            "--sort",
            "overdue-balance",
            "--desc",
        ],
    );
    let row = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["overdue_balance"] != "0.00" && r["city"] != "")
        .expect("an overdue debtor with an address");
    let name = row["name"].as_str().unwrap();
    let id = row["id"].as_i64().unwrap().to_string();

    // Without a letterhead the letter is refused, naming what is missing.
    app.click("nav-letters").await;
    app.wait_testid("letters-screen").await;
    app.type_into("letter-debtor-search", name).await;
    app.wait_texts("letter-debtor-option", "the debtor in the search", |t| {
        t.first().is_some_and(|o| o.contains(name))
    })
    .await;
    app.click("letter-debtor-option").await;
    app.wait_texts("letter-debtor", "the chosen debtor", |t| {
        t.len() == 1 && t[0].contains(name)
    })
    .await;
    app.click("letter-preview").await;
    let missing = app
        .wait_texts("letter-missing", "what the letter needs", |t| !t.is_empty())
        .await;
    assert!(
        missing.iter().any(|m| m.contains("company name"))
            && missing.iter().any(|m| m.contains("payment instructions")),
        "{missing:?}"
    );
    app.screenshot("letters-refused.png").await;
    // "Print all letters" is refused too, before it asks where to save (no letterhead,
    // and the default policy has no letter step yet): nothing is written.
    app.click("batch-run").await;
    let refused = app
        .wait_texts("batch-notice", "the run's letters refused", |t| {
            t.len() == 1
        })
        .await;
    assert!(
        refused[0].contains("No debtor is due a letter") || refused[0].contains("company name"),
        "{refused:?}"
    );
    assert!(
        !home
            .saved()
            .join(format!("dunning-run-{TODAY}.pdf"))
            .exists(),
        "nothing is written when the run's letters are refused"
    );

    // Settings > Letterhead: a live sample follows the unsaved values; then saved.
    app.click("nav-settings").await;
    app.wait_testid("letterhead-settings").await;
    app.type_into("lh-name", "Nordlys Łukasiewicz AS").await;
    app.type_into("lh-address", "Strandgata 5").await;
    app.type_into("lh-city", "Bergen").await;
    app.type_into("lh-country", "NO").await;
    app.type_into("lh-iban", "DE89 3704 0044 0532 0130 00")
        .await;
    app.wait_testid("pdf-page").await;
    let _ = app
        .client
        .execute(
            "document.querySelector('[data-testid=\"letterhead-settings\"]').scrollIntoView();",
            vec![],
        )
        .await;
    let ink = ink_on_first_page(&app, "letterhead-settings").await;
    assert!(ink > 50, "the live sample is drawn ({ink})");
    app.screenshot("letterhead-sample.png").await;
    app.click("lh-save").await;
    app.wait_texts("lh-message", "the letterhead saved", |t| {
        t.len() == 1 && t[0].contains("saved")
    })
    .await;
    let shown = cli_json(&home, &["pdf", "letterhead"]);
    assert_eq!(shown["name"], "Nordlys Łukasiewicz AS");

    // Now the reminder is previewed inside the app: the real PDF on a canvas.
    app.click("nav-letters").await;
    app.wait_testid("letters-screen").await;
    app.type_into("letter-debtor-search", name).await;
    app.wait_texts("letter-debtor-option", "the debtor in the search", |t| {
        t.first().is_some_and(|o| o.contains(name))
    })
    .await;
    app.click("letter-debtor-option").await;
    app.wait_texts("letter-debtor", "the chosen debtor", |t| {
        t.len() == 1 && t[0].contains(name)
    })
    .await;
    app.click("letter-preview").await;
    app.wait_testid("pdf-page").await;
    app.wait_texts("pdf-page-count", "the preview's pages", |t| t.len() == 1)
        .await;
    let ink = ink_on_first_page(&app, "pdf-preview").await;
    assert!(
        ink > 50,
        "the preview canvas shows the letter, not a blank page ({ink})"
    );
    app.screenshot("letters-preview.png").await;

    // A preview keeps nothing; Save As keeps exactly the bytes written.
    let db = home.database();
    let count = |kind: &str| {
        sql(
            &db,
            "SELECT count(*) FROM documents WHERE debtor_id = ? AND kind = ?",
            &[&id, kind],
        )[0][0]
            .parse::<i64>()
            .unwrap()
    };
    assert_eq!(count("reminder"), 0, "a preview is not kept");
    app.click("letter-save").await;
    let notice = app
        .wait_texts("letter-notice", "the saved letter", |t| {
            t.len() == 1 && t[0].contains("Kept on the debtor's record")
        })
        .await;
    assert_eq!(count("reminder"), 1);
    let saved: Vec<_> = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let sha = sha256_of(&saved[0]);
    assert!(
        notice[0].contains(&sha[..12]),
        "{notice:?} names the hash {sha}"
    );
    let kept = sql(
        &db,
        "SELECT sha256 FROM documents WHERE debtor_id = ? AND kind = 'reminder'",
        &[&id],
    );
    assert_eq!(kept[0][0], sha, "the kept document is the file written");
    let logged = sql(
        &db,
        "SELECT count(*) FROM events WHERE debtor_id = ? AND kind = 'letter'",
        &[&id],
    );
    assert_eq!(logged[0][0], "1", "the letter is on the contact log");
    app.wait_texts("document-row", "the kept letter in the list", |t| {
        t.len() == 1 && t[0].contains(&sha[..12])
    })
    .await;
    app.screenshot("letters-saved.png").await;

    // The dunning run's letters in one PDF, with progress; each kept on its record. The
    // run prints the levels whose channel is a letter: the demo's emails become letters.
    let policies = cli_json(&home, &["dunning", "policy", "show"]);
    let mut policy = policies
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["is_default"] == true)
        .expect("a default policy")
        .clone();
    for level in policy["levels"].as_array_mut().unwrap() {
        if level["channel"] == "email" {
            level["channel"] = serde_json::json!("letter");
        }
    }
    let file = home.saved().join("policy.json");
    std::fs::write(&file, policy.to_string()).unwrap();
    let (code, _, err) = overdue_e2e::cli(
        Some(&home),
        &["dunning", "policy", "set", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&file).unwrap();
    let before: i64 = sql(&db, "SELECT count(*) FROM documents", &[])[0][0]
        .parse()
        .unwrap();
    app.click("batch-run").await;
    let done = app
        .wait_texts("batch-notice", "the run's letters", |t| {
            t.len() == 1 && t[0].contains("dunning-run-2026-11-22.pdf")
        })
        .await;
    let letters: i64 = done[0].split_whitespace().next().unwrap().parse().unwrap();
    assert!(letters >= 1, "{done:?}");
    let after: i64 = sql(&db, "SELECT count(*) FROM documents", &[])[0][0]
        .parse()
        .unwrap();
    assert_eq!(after - before, letters, "each letter of the run is kept");
    let run = home.saved().join(format!("dunning-run-{TODAY}.pdf"));
    let bytes = std::fs::read(&run).expect("the run's PDF is written");
    assert!(bytes.starts_with(b"%PDF-"));
    app.screenshot("letters-batch.png").await;

    app.quit_without_page_errors().await;
}

/// The statement of account a debtor receives, saved from the debtor's Statement tab: it
/// is refused before any file dialog while the letterhead has no account to pay into;
/// once there is one, the PDF (in the debtor's language) asks only for the overdue
/// invoices, with the reference of what it asks for, and is kept in Documents.
#[tokio::test]
async fn a_statement_pdf_saved_from_the_window_asks_only_for_what_is_due() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;
    forget_letterhead(&home.database());
    let list = cli_json(&home, &["debtors", "list", "--limit", "250"]);
    let de = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["country"] == "DE" && r["currency"] == "EUR" && r["overdue_balance"] != "0.00")
        .expect("a German debtor with overdue invoices");
    let name = de["name"].as_str().unwrap().to_string();
    let reference = de["external_ref"].as_str().unwrap();

    app.click("nav-debtors").await;
    app.type_into("debtor-search", reference).await;
    app.wait_texts("debtor-row", "the debtor found", |t| t.len() == 1)
        .await;
    app.click("debtor-row").await;
    app.wait_texts("detail-name", "the debtor's page", |t| t == [name.as_str()])
        .await;
    app.click("tab-statement").await;
    app.type_into("statement-from", "2026-06-01").await;
    app.click("statement-show").await;
    app.wait_testid("statement").await;
    app.click("statement-pdf").await;
    app.wait_texts("account-error", "the refusal", |t| {
        t.len() == 1 && t[0].contains("no bank account") && t[0].contains("Settings > Letterhead")
    })
    .await;
    assert_eq!(
        std::fs::read_dir(home.saved()).unwrap().count(),
        0,
        "refused before any file is written"
    );

    let head = home.data().join("letterhead.json");
    std::fs::write(
        &head,
        r#"{"name":"Nordlicht Handel GmbH","address_lines":"Hafenstraße 12","postal_code":"20457",
            "city":"Hamburg","country":"DE","email":"buchhaltung@nordlicht.example",
            "iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX","bank_name":"Commerzbank",
            "signatory":"Jana Petersen"}"#,
    )
    .unwrap();
    cli_json(
        &home,
        &["pdf", "letterhead", "--set", head.to_str().unwrap()],
    );
    app.click("statement-pdf").await;
    app.wait_texts("statement-saved", "the saved statement", |t| {
        t.len() == 1 && t[0].contains("kept in Documents")
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "statement-saved",
        "statement-saved",
    )
    .await;
    let saved: Vec<_> = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let out = Command::new("pdftotext")
        .args(["-raw", saved[0].to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    assert!(text.contains("Kontoauszug"), "in German: {text}");
    assert!(text.contains("Fällig und jetzt zu zahlen"), "{text}");
    assert!(text.contains("DE89 3704 0044 0532 0130 00"), "{text}");
    let overdue = de["overdue_balance"].as_str().unwrap();
    let german = {
        let (units, cents) = overdue.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{grouped},{cents} €")
    };
    assert!(
        text.contains(&format!("Fällig und jetzt zu zahlen: {german}")),
        "asks for the overdue balance {german}, not the whole balance: {text}"
    );
    app.quit_without_page_errors().await;
}
