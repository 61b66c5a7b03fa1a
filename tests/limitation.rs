//! Limitation periods (issue 20) as an office meets them: a book imported through the CLI
//! with a German invoice from 2023 (time-barred after 31 December 2026), an English one
//! already time-barred and one restarted by a part payment; the dashboard lists the claims
//! becoming time-barred within 90 days, the debtor's page and the invoice show the last
//! day to claim with the rule, at 1024x700 and at full HD; the CLI gives the same dates,
//! refuses bad input and the dunning run warns.

use overdue_e2e::{cli_at, s, App, Home};

const TODAY: &str = "2026-12-06";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_becoming_time_barred_are_on_the_dashboard_the_debtor_and_the_invoice() {
    let home = Home::new();
    home.import(&[
        (
            "debtors",
            "external_id,name,currency,payment_terms_days,address,postal_code,city,country\n\
         LB1,Bäckerei Lindner GmbH,EUR,30,Hauptstraße 1,10115,Berlin,DE\n\
         LB2,Harper & Sons Ltd,GBP,30,1 High Street,M1 1AA,Manchester,GB\n\
         LB3,Rossi Trasporti S.r.l.,EUR,30,Via Roma 1,00100,Roma,IT\n",
        ),
        (
            "invoices",
            "number,debtor_external_id,issue_date,due_date,amount\n\
         DE-2023-117,LB1,2023-04-01,2023-05-01,1840.50\n\
         DE-2023-120,LB1,2023-01-02,2023-02-01,500.00\n\
         DE-2026-001,LB1,2026-10-01,2026-10-31,90.00\n\
         UK-2020-014,LB2,2020-01-01,2020-01-31,250.00\n\
         IT-2021-001,LB3,2021-01-01,2021-01-31,99.00\n",
        ),
        (
            "payments",
            "debtor_external_id,date,amount,invoice_number\nLB1,2025-03-14,100.00,DE-2023-120\n",
        ),
    ]);
    let db = home.database();

    // The CLI: every open invoice with a known law, soonest first; the Italian one is
    // named as not checked.
    let run = |args: &[&str]| cli_at(TODAY, args);
    let (code, out, err) = run(&[
        "--db",
        s(&db),
        "limitation",
        "--as-of",
        TODAY,
        "--within",
        "90",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<(String, String, i64, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["invoice"].as_str().unwrap().to_string(),
                i["expires_on"].as_str().unwrap().to_string(),
                i["days_left"].as_i64().unwrap(),
                i["jurisdiction"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "UK-2020-014".into(),
                "2026-02-02".into(),
                -307,
                "england-wales".into()
            ),
            ("DE-2023-117".into(), "2026-12-31".into(), 25, "de".into()),
        ]
    );
    assert!(items[1]["rule"].as_str().unwrap().contains("BGB 195"));
    assert_eq!(items[1]["debtor"], "Bäckerei Lindner GmbH");
    assert!(
        err.contains("not listed: 1 open invoice of 1 debtor in IT"),
        "the Italian invoice is named as not checked: {err}"
    );
    let (code, out, _) = run(&["--db", s(&db), "limitation", "--debtor", "LB1", "--json"]);
    assert_eq!(code, 0);
    let all: serde_json::Value = serde_json::from_str(&out).unwrap();
    let restarted = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["invoice"] == "DE-2023-120")
        .unwrap();
    assert_eq!(restarted["expires_on"], "2028-03-14");
    assert!(restarted["rule"].as_str().unwrap().contains("BGB 212"));
    for (bad, says) in [
        (vec!["limitation", "--as-of", "2026-02-30"], "As of:"),
        (vec!["limitation", "--within", "100000"], "Within:"),
        (vec!["limitation", "--debtor", "NOPE"], "NOPE"),
    ] {
        let mut args = vec!["--db", s(&db)];
        args.extend(bad.iter().copied());
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(err.contains(says), "{bad:?}: {err}");
    }
    // The dunning run warns.
    let (code, out, err) = run(&["--db", s(&db), "dunning", "run", "--dry-run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let preview: serde_json::Value = serde_json::from_str(&out).unwrap();
    let warnings: Vec<&str> = preview["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("DE-2023-117 (Bäckerei Lindner GmbH, 1840.50 EUR open) becomes time-barred after 31 December 2026, in 25 days")),
        "{warnings:?}"
    );

    // The window.
    let app = App::launch(&home, TODAY).await;
    for (w, h, name) in [(1024, 700, "1024x700"), (1920, 1080, "1920x1080")] {
        if app.client.set_window_size(w, h).await.is_err() {
            continue;
        }
        app.click("nav-dashboard").await;
        let rows = app
            .wait_texts("limitation-row", "the dashboard's limitation list", |t| {
                t.len() == 2
            })
            .await;
        assert!(
            rows[0].contains("UK-2020-014") && rows[0].contains("time-barred for 307 days"),
            "{rows:?}"
        );
        assert!(
            rows[1].contains("DE-2023-117")
                && rows[1].contains("25 days left")
                && rows[1].contains("Bäckerei Lindner GmbH")
                && rows[1].contains("Germany"),
            "{rows:?}"
        );
        app.screenshot(&format!("limitation-dashboard-{name}.png"))
            .await;
    }
    app.click("nav-debtors").await;
    app.wait_texts("debtor-row", "the imported debtors", |t| t.len() == 3)
        .await;
    app.click_text("debtor-row", "Lindner").await;
    let rows = app
        .wait_texts("limitation-row", "the debtor's limitation section", |t| {
            t.len() == 3
        })
        .await;
    assert!(rows[0].contains("DE-2023-117"), "{rows:?}");
    assert!(
        rows[1].contains("DE-2023-120") && rows[1].contains("BGB 212"),
        "the part payment's restart is named: {rows:?}"
    );
    app.screenshot("limitation-debtor-1920x1080.png").await;
    if app.client.set_window_size(1024, 700).await.is_ok() {
        app.screenshot("limitation-debtor-1024x700.png").await;
        let _ = app.client.set_window_size(1920, 1080).await;
    }
    // The invoice itself.
    app.click("nav-invoices").await;
    app.wait_texts("invoice-open", "the invoice list", |t| t.len() == 5)
        .await;
    app.click_text("invoice-open", "DE-2023-117").await;
    let said = app
        .wait_texts(
            "invoice-limitation",
            "the invoice's last day to claim",
            |t| t.len() == 1,
        )
        .await;
    assert!(
        said[0].contains("25 days left") && said[0].contains("BGB 195, 199(1)"),
        "{said:?}"
    );
    app.screenshot("limitation-invoice-1920x1080.png").await;
    app.quit_without_page_errors().await;
}
