//! A payment plan made through the wizard in the real window: two open invoices chosen,
//! the live schedule previewed with its total, the plan agreed, its installments shown
//! with their status and the debtor paused; the CLI reads the same plan from the file.

use overdue_e2e::{cli, s, App, Home};

const TODAY: &str = "2026-11-22";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_wizard_previews_and_agrees_a_schedule() {
    let home = Home::new();
    std::fs::create_dir_all(home.database().parent().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let debtors = write(
        "d.csv",
        "external_id,name,currency,payment_terms_days\nPT1,Plan Test GmbH,EUR,30\n",
    );
    let invoices = write(
        "i.csv",
        "number,debtor_external_id,issue_date,due_date,amount\n\
         PT-1,PT1,2026-08-01,2026-08-31,600.00\nPT-2,PT1,2026-09-01,2026-09-30,400.00\n",
    );
    for (kind, file) in [("debtors", &debtors), ("invoices", &invoices)] {
        let (code, _, err) = cli(
            None,
            &["--db", s(&home.database()), "import", kind, s(file)],
        );
        assert_eq!(code, 0, "{err}");
    }

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
        |t| t.len() == 1 && t[0].starts_with("Paused until"),
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
    app.quit_without_page_errors().await;
}
