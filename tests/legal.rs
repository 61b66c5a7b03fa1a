//! From final demand to agency and court (issue 20) as an office does it: a book imported
//! through the CLI, a reminder and the final demand printed; in the window the debtor is
//! handed over to an agency added there (the package lands in a folder, our reminders stop
//! for it), the agency's collection is recorded with its commission, and a Money Claim
//! Online claim is prepared and its worksheet saved; at 1024x700 and at full HD. The CLI's
//! report agrees with what the window recorded.

use overdue_e2e::{cli_on, s, App, Home};

const TODAY: &str = "2027-01-10";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_is_handed_over_and_a_court_claim_prepared_in_the_window() {
    let home = Home::new();
    std::fs::create_dir_all(home.database().parent().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let db = home.database();
    let head = write(
        "letterhead.json",
        r#"{"name":"Brightwater Supplies Ltd","address_lines":"12 Mill Lane","postal_code":"LS1 4AP","city":"Leeds","country":"GB","sort_code":"20-00-00","account_number":"55779911","signatory":"Jane Porter"}"#,
    );
    let debtors = write(
        "d.csv",
        "external_id,name,kind,email,address,postal_code,city,country,currency,payment_terms_days\n\
         UK1,Harper & Sons Ltd,company,ap@harper.test,1 High Street,M1 1AA,Manchester,GB,GBP,30\n",
    );
    let invoices = write(
        "i.csv",
        "number,debtor_external_id,issue_date,due_date,amount\n\
         BW-2026-101,UK1,2026-06-01,2026-07-01,1840.00\nBW-2026-118,UK1,2026-07-15,2026-08-14,560.50\n",
    );
    let run = |args: &[&str], today: &str| cli_on(&db, today, args);
    for args in [
        vec!["pdf", "letterhead", "--set", s(&head)],
        vec!["import", "debtors", s(&debtors)],
        vec!["import", "invoices", s(&invoices)],
        vec![
            "late-fee",
            "rates",
            "add",
            "--series",
            "boe_base",
            "--from",
            "2026-05-08",
            "--to",
            "2026-12-31",
            "--rate",
            "4.00",
            "--source",
            "test figure",
        ],
    ] {
        let (code, _, err) = run(&args, "2026-09-15");
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let letters = dir.path().join("letters");
    std::fs::create_dir_all(&letters).unwrap();
    for kind in ["reminder", "final-demand"] {
        let out = letters.join(format!("{kind}.pdf"));
        let (code, _, err) = run(
            &[
                "pdf",
                "letter",
                "--debtor",
                "UK1",
                "--kind",
                kind,
                "--out",
                s(&out),
            ],
            "2026-10-20",
        );
        assert_eq!(code, 0, "{kind}: {err}");
    }
    // The CLI refuses a court claim for a debtor it cannot find, and a form it does not know.
    let (code, _, err) = run(
        &["court", "claim", "--debtor", "NOPE", "--court", "uk-mcol"],
        TODAY,
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &["court", "claim", "--debtor", "UK1", "--court", "uk-small"],
        TODAY,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("uk-mcol, de-mahnverfahren or fr-injonction"),
        "{err}"
    );

    let app = App::launch(&home, TODAY).await;
    app.click("nav-debtors").await;
    app.click_text("debtor-row", "Harper").await;
    app.wait_testid("debtor-legal").await;
    // No agency yet: added in the window.
    app.type_into("agency-new-name", "Inkasso Nord").await;
    app.type_into("agency-new-email", "cases@inkasso-nord.test")
        .await;
    app.type_into("agency-new-commission", "15").await;
    app.type_into("agency-new-minimum", "50.00").await;
    app.type_into("agency-new-contact", "Jana Kühn").await;
    app.type_into("agency-new-countries", "GB, IE").await;
    app.type_into(
        "agency-new-terms",
        "No win, no fee; 15% of what is collected, at least GBP 50 a case",
    )
    .await;
    app.screenshots_at(&[(1024, 700)], "agency-new-terms", "legal-agency-new")
        .await;
    app.click("agency-new-save").await;
    app.wait_testid("agency-select").await;
    let (code, out, err) = run(&["agency", "list", "--json"], TODAY);
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            listed[0]["contact"].as_str(),
            listed[0]["countries"].as_str(),
            listed[0]["min_commission"].as_str()
        ),
        (Some("Jana Kühn"), Some("GB, IE"), Some("50.00")),
        "{listed}"
    );
    // Only the older invoice goes to the agency: the other is unticked.
    app.wait_texts("handover-invoices", "the invoices to choose from", |t| {
        t.len() == 1 && t[0].contains("BW-2026-101") && t[0].contains("BW-2026-118")
    })
    .await;
    app.click("handover-invoice-BW-2026-118").await;
    app.screenshots_at(&[(1024, 700)], "handover-invoices", "legal-handover-choice")
        .await;
    app.click("agency-handover").await;
    let said = app
        .wait_texts("agency-handed", "the handover", |t| t.len() == 1)
        .await;
    assert!(
        said[0].contains("Inkasso Nord") && said[0].contains("1 invoice,"),
        "{said:?}"
    );
    let package = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && p.to_string_lossy().contains("handover-UK1-2027-01-10"))
        .unwrap_or_else(|| panic!("no package folder; the window said {said:?}"));
    let csv = std::fs::read_to_string(package.join("claim.csv")).unwrap();
    assert!(
        csv.contains("BW-2026-101") && csv.contains("TOTAL") && !csv.contains("BW-2026-118"),
        "only the chosen invoice: {csv}"
    );
    assert!(package.join("case-file.pdf").exists());
    app.wait_texts("agency-case", "the open case", |t| {
        t.len() == 1 && t[0].contains("With Inkasso Nord")
    })
    .await;

    // The agency collected GBP 500: 15% commission.
    app.type_into("agency-collected-amount", "500.00").await;
    app.click("agency-collected").await;
    let said = app
        .wait_texts("agency-said", "the collection", |t| t.len() == 1)
        .await;
    assert!(
        said[0].contains("75.00") && said[0].contains("425.00"),
        "{said:?}"
    );
    // What the agency reports goes on the timeline; the case names the contact person.
    app.wait_texts("agency-case", "the contact", |t| {
        t.len() == 1 && t[0].contains("Contact: Jana Kühn.")
    })
    .await;
    app.wait_testid("agency-update-status")
        .await
        .select_by_value("promised")
        .await
        .expect("the reports list a promise");
    app.type_into("agency-update-note", "the rest by the end of February")
        .await;
    app.click("agency-update").await;
    app.wait_texts("agency-said", "the update recorded", |t| {
        t == ["Recorded on the timeline: Inkasso Nord reports: debtor promised to pay (the rest by the end of February)."]
    })
    .await;
    // The debtor's account shows the payment at once.
    app.wait_texts("debtor-account", "the account after the collection", |t| {
        t.len() == 1 && t[0].contains("1,340.00")
    })
    .await;

    // A court claim: the handed-over invoice is the agency's, so only the other is
    // claimed, and the claim says which is out and why.
    app.click("court-prepare").await;
    app.wait_texts("court-warning", "the invoice left out", |t| {
        t.iter()
            .any(|w| w.contains("BW-2026-101") && w.contains("handed over to Inkasso Nord"))
    })
    .await;
    let particulars = app.texts("court-particulars").await;
    assert!(
        particulars[0].contains("BW-2026-118") && !particulars[0].contains("BW-2026-101"),
        "{particulars:?}"
    );
    // Recalled, the claim is prepared and its worksheet saved.
    app.type_into("agency-recall-reason", "Going to court ourselves")
        .await;
    app.click("agency-recall").await;
    app.wait_texts("agency-said", "the recall", |t| {
        t.len() == 1 && t[0].starts_with("Recalled")
    })
    .await;
    app.click("court-prepare").await;
    let total = app
        .wait_texts("court-total", "the claim's total", |t| t.len() == 1)
        .await;
    let particulars = app.texts("court-particulars").await;
    assert!(
        particulars[0].contains("Late Payment of Commercial Debts"),
        "{particulars:?}"
    );
    assert!(!total[0].is_empty());
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "court-claim",
        "legal-court-claim",
    )
    .await;
    app.click("court-save").await;
    app.wait_texts("court-saved", "the saved worksheet", |t| t.len() == 1)
        .await;
    let sheet = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("court-claim-uk-mcol"))
        .expect("the worksheet in the saved folder");
    let text = std::process::Command::new("pdftotext")
        .args([s(&sheet), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Money Claim Online"), "{text}");

    // After filing: the issue recorded on the timeline and the court fee booked as a
    // charge, each said next to its button; a wrong amount is refused, naming the field.
    app.wait_testid("court-step")
        .await
        .select_by_value("issued")
        .await
        .expect("the steps list issued");
    app.type_into(
        "court-step-note",
        "Claim K12AB345, County Court Business Centre",
    )
    .await;
    app.click("court-step-record").await;
    app.wait_texts("court-filed", "the step recorded", |t| {
        t.len() == 1
            && t[0]
                .starts_with("Recorded on the timeline: Claim issued on 2027-01-10: Claim K12AB345")
    })
    .await;
    app.type_into("legal-cost-amount", "thirty-five").await;
    app.click("legal-cost-add").await;
    app.wait_texts("court-filed-error", "the refused amount", |t| {
        t.len() == 1 && t[0].starts_with("Amount:")
    })
    .await;
    app.type_into("legal-cost-amount", "35.00").await;
    app.type_into("legal-cost-note", "MCOL issue fee").await;
    app.click("legal-cost-add").await;
    app.wait_texts("court-filed", "the fee booked", |t| {
        t.len() == 1
            && t[0].starts_with("Legal cost: court fee (MCOL issue fee)")
            && t[0].ends_with("booked as a charge on the account.")
    })
    .await;
    app.wait_testid("court-filed").await;
    app.screenshot("legal-after-filing.png").await;
    app.click("tab-timeline").await;
    app.wait_texts("timeline", "the timeline with the step and the fee", |t| {
        t.len() == 1
            && t[0].contains("Claim issued")
            && t[0].contains("K12AB345")
            && t[0].contains("MCOL issue fee")
    })
    .await;

    // The CLI reads what the window recorded.
    let (code, out, err) = run(&["agency", "report", "--json"], TODAY);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report[0]["recovered"], "500.00");
    assert_eq!(report[0]["commission"], "75.00");
    assert_eq!(report[0]["net"], "425.00");
    assert_eq!(report[0]["case_list"][0]["status"], "recalled");
    // The same report in the window.
    app.click("nav-reports").await;
    let net = app
        .wait_texts("agency-net", "the agency report", |t| t.len() == 1)
        .await;
    assert!(net[0].contains("425.00"), "{net:?}");
    let rows = app.texts("agency-case-row").await;
    assert!(
        rows[0].contains("recalled") && rows[0].contains("Going to court ourselves"),
        "{rows:?}"
    );
    for (w, h, name) in [(1920, 1080, "1920x1080"), (1024, 700, "1024x700")] {
        if app.client.set_window_size(w, h).await.is_ok() {
            let _ = app
                .client
                .execute(
                    "document.querySelectorAll('.screen, .screen > div, main').forEach(e => e.scrollTop = e.scrollHeight); \
                     document.querySelector('[data-testid=agency-report]').scrollIntoView({block: 'start'})",
                    vec![],
                )
                .await;
            app.screenshot(&format!("legal-agency-report-{name}.png"))
                .await;
        }
    }
    app.quit_without_page_errors().await;
}

/// Issue 14's last window jobs at 1024x700: a second bank account for pounds added in
/// Settings > Letterhead is the one a pound debtor's letter names; a debtor paused by a
/// promise gets no letter until a reason is given, and the reason is kept on the contact
/// log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pound_debtors_letter_names_the_pound_account_and_a_pause_needs_a_reason() {
    let home = Home::new();
    std::fs::create_dir_all(home.database().parent().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let db = home.database();
    let head = write(
        "letterhead.json",
        r#"{"name":"Nordlicht Handels GmbH","address_lines":"Hafenstraße 12","postal_code":"20457","city":"Hamburg","country":"DE","iban":"DE89 3704 0044 0532 0130 00","bic":"COBADEFFXXX","signatory":"Anna Schmidt"}"#,
    );
    let debtors = write(
        "d.csv",
        "external_id,name,kind,email,address,postal_code,city,country,currency,payment_terms_days\n\
         GB1,Thames Fittings Ltd,company,ap@thames.test,4 River Road,SE1 9SG,London,GB,GBP,30\n",
    );
    let invoices = write(
        "i.csv",
        "number,debtor_external_id,issue_date,due_date,amount\nTF-101,GB1,2026-09-01,2026-10-01,720.00\n",
    );
    let run = |args: &[&str]| cli_on(&db, "2026-12-06", args);
    for args in [
        vec!["pdf", "letterhead", "--set", s(&head)],
        vec!["import", "debtors", s(&debtors)],
        vec!["import", "invoices", s(&invoices)],
        vec![
            "promise",
            "add",
            "--debtor",
            "GB1",
            "--amount",
            "720.00",
            "--date",
            "2026-12-20",
        ],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }

    let app = App::launch(&home, "2026-12-06").await;
    let _ = app.client.set_window_size(1024, 700).await;
    // Settings > Letterhead: an account for pounds.
    app.click("nav-settings").await;
    app.wait_testid("letterhead-settings").await;
    app.click("lh-account-add").await;
    app.type_into("lh-account-currency", "GBP").await;
    app.type_into("lh-account-iban", "GB33 BUKB 2020 1555 5555 55")
        .await;
    let _ = app
        .client
        .execute(
            "document.querySelector('[data-testid=lh-accounts]').scrollIntoView()",
            vec![],
        )
        .await;
    app.screenshot("letterhead-accounts-1024x700.png").await;
    app.click("lh-save").await;
    app.wait_texts("lh-message", "the saved letterhead", |t| {
        t.len() == 1 && !t[0].is_empty()
    })
    .await;
    let (_, out, _) = run(&["pdf", "letterhead", "--json"]);
    assert!(
        out.contains("GB33BUKB20201555555555") || out.contains("GB33 BUKB 2020 1555 5555 55"),
        "{out}"
    );

    // Letters: the promise pauses the debtor; the letter waits for a reason.
    app.click("nav-letters").await;
    app.wait_testid("letters-screen").await;
    app.type_into("letter-debtor-search", "Thames").await;
    app.click("letter-debtor-option").await;
    app.click("letter-preview").await;
    let notes = app
        .wait_texts("letter-note", "the preview's notes", |t| !t.is_empty())
        .await;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("Blocked") && n.contains("promised")),
        "{notes:?}"
    );
    // The reason field appears with the notes and moves the buttons down: click once it
    // is there (a click aimed before the layout settled landed in the field).
    app.wait_testid("letter-override-reason").await;
    app.click("letter-save").await;
    app.wait_texts("letter-refusal", "the refusal", |t| {
        t.len() == 1 && t[0].contains("paused")
    })
    .await;
    app.type_into(
        "letter-override-reason",
        "Customer asked for the letter in writing",
    )
    .await;
    app.screenshot("letters-override-1024x700.png").await;
    app.click("letter-save").await;
    app.wait_texts("letter-notice", "the saved letter", |t| {
        t.len() == 1 && !t[0].contains("paused")
    })
    .await;
    let letter = std::fs::read_dir(home.saved())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("the saved letter");
    let text = std::process::Command::new("pdftotext")
        .args(["-raw", s(&letter), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    assert!(
        text.contains("GB33BUKB20201555555555"),
        "the pound account: {text}"
    );
    assert!(
        !text.contains("DE89370400440532013000"),
        "not the euro account: {text}"
    );
    // The reason is on the contact log.
    let (code, log, err) = run(&["dunning", "log", "GB1", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        log.contains("Customer asked for the letter in writing"),
        "{log}"
    );
    app.quit_without_page_errors().await;
}
