//! A shared office in the real window (issue 18): the owner connects the window to the
//! book on a PostgreSQL server, adds a collector in Settings > Staff (bad login refused,
//! the made-up password shown once), moves her to viewer, reads who did what and checks
//! the contact log, which then names an event the superuser forged. The staff member's
//! own window says who she is and the database refuses what her role may not do.

use overdue_e2e::{cli_json, cli_ok, cli_on, pg_admin, psql, App, Home, SharedBook};

const TODAY: &str = "2026-12-06";

/// `overdue --db DB ARGS...`, which must succeed.
fn overdue(db: &str, args: &[&str]) {
    cli_ok(db, TODAY, args);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_adds_staff_in_settings_and_sees_who_did_what() {
    let Some(admin) = pg_admin() else {
        return;
    };
    let pid = std::process::id();
    let shared = SharedBook::create(&admin, "boss", "office_ui");
    let (owner, maria) = (shared.owner.clone(), format!("maria{pid}"));
    let url_of = |login: &str| shared.url_of(login);
    let admin_db = shared.admin_url();
    // The owner's book: a debtor with an invoice and a promise on its contact log.
    let book = url_of(&owner);
    overdue(
        &book,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "A1",
            "--country",
            "DE",
        ],
    );
    overdue(
        &book,
        &[
            "invoices",
            "add",
            "--debtor",
            "A1",
            "--number",
            "INV-1",
            "--issue-date",
            "2026-09-01",
            "--amount",
            "1200.00",
        ],
    );
    overdue(
        &book,
        &[
            "promise",
            "add",
            "--debtor",
            "A1",
            "--amount",
            "600.00",
            "--date",
            "2026-12-20",
        ],
    );

    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.wait_testid("welcome").await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    app.click("nav-settings").await;
    // A file book has one user.
    app.wait_texts("signed-in", "the file book's user", |t| {
        t.len() == 1 && t[0].contains("(owner)")
    })
    .await;
    app.type_into("pg-url", &book).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in", "the owner signed in", |t| {
        t.len() == 1 && t[0].contains(&format!("{owner} (owner)"))
    })
    .await;

    // A bad login is refused in words; then Maria joins as a collector.
    app.type_into("staff-login", "Maria R").await;
    app.type_into("staff-name", "Maria Rossi").await;
    app.click("staff-add").await;
    app.wait_texts("staff-message", "the bad login refused", |t| {
        t.len() == 1 && t[0].contains("cannot be a login")
    })
    .await;
    app.type_into("staff-login", &maria).await;
    app.wait_testid("staff-role")
        .await
        .select_by_value("collector")
        .await
        .expect("the role list has collector");
    app.click("staff-add").await;
    app.wait_texts("staff-password-made", "the password to hand over", |t| {
        t.len() == 1 && t[0].contains(&maria)
    })
    .await;
    app.wait_texts("staff-row", "Maria in the list", |t| {
        t.iter()
            .any(|r| r.contains(&maria) && r.contains("Maria Rossi"))
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "staff-settings",
        "staff-settings",
    )
    .await;
    app.wait_testid(&format!("staff-role-{maria}"))
        .await
        .select_by_value("viewer")
        .await
        .expect("the role list has viewer");
    app.wait_texts("staff-message", "the role changed", |t| {
        t.len() == 1 && t[0].contains("is now viewer")
    })
    .await;

    // The collectors' settlement limit: a bad one refused in words, then 12,5 % kept.
    app.type_into("staff-limit", "150").await;
    app.click("staff-limit-save").await;
    app.wait_texts("staff-message", "the bad limit refused", |t| {
        t.len() == 1 && t[0].contains("is not a limit")
    })
    .await;
    app.type_into("staff-limit", "12,5").await;
    app.click("staff-limit-save").await;
    app.wait_texts("staff-message", "the limit saved", |t| {
        t.len() == 1 && t[0].contains("Saved the collectors' settlement limit")
    })
    .await;

    // Who did what: the owner's staff change and the book's rows, by login.
    app.click("audit-refresh").await;
    app.wait_texts("audit-row", "the owner's changes", |t| {
        t.iter().any(|r| {
            r.contains(&owner)
                && r.contains("staff")
                && r.contains("role: \"collector\" -> \"viewer\"")
        }) && t
            .iter()
            .any(|r| r.contains(&owner) && r.contains("invoices"))
            && t.iter()
                .any(|r| r.contains("collector_settlement_limit_percent"))
    })
    .await;
    app.click("audit-verify").await;
    app.wait_texts("audit-verify-result", "the log intact", |t| {
        t.len() == 1 && t[0].contains("intact")
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "audit-settings",
        "audit-settings",
    )
    .await;

    // The superuser changes an event behind the app's back: the check names it.
    psql(&admin_db, "ALTER TABLE events DISABLE TRIGGER USER");
    psql(
        &admin_db,
        "UPDATE events SET summary = 'Promised nothing' WHERE id = (SELECT max(id) FROM events)",
    );
    psql(&admin_db, "ALTER TABLE events ENABLE TRIGGER USER");
    app.click("audit-verify").await;
    app.wait_texts("audit-verify-result", "the forged event named", |t| {
        t.len() == 1 && t[0].contains("changed outside Overdue") && t[0].contains("event ")
    })
    .await;
    app.screenshot("audit-forged.png").await;

    // Maria's window: signed in as a viewer, the database refuses a new debtor.
    app.type_into("pg-url", &url_of(&maria)).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in", "Maria signed in", |t| {
        t.len() == 1 && t[0].contains(&format!("{maria} (viewer)"))
    })
    .await;
    app.wait_texts("signed-in-as", "the sidebar naming Maria's role", |t| {
        t.len() == 1 && t[0].contains(&maria) && t[0].contains("viewer")
    })
    .await;
    app.wait_texts("banner-warning", "the viewer's banner", |t| {
        t.iter()
            .any(|b| b.contains("a viewer") && b.contains("refuses changes"))
    })
    .await;
    app.click("nav-debtors").await;
    // What her role cannot do is disabled up front, with the reason on hover (the database
    // refuses it anyway: the CLI and psql tests show that).
    app.wait_testid("debtor-new").await;
    let new_debtor = app
        .eval(
            "const b = document.querySelector('[data-testid=debtor-new]'); \
             return [b.disabled, b.title];",
        )
        .await;
    assert_eq!(new_debtor[0], true, "{new_debtor}");
    let why = new_debtor[1].as_str().unwrap_or_default();
    assert!(
        why.contains(&maria) && why.contains("(viewer)") && why.contains("ledger"),
        "{why}"
    );
    app.screenshot("staff-viewer-refused.png").await;
    // The owner adds a debtor elsewhere (the CLI): Maria's list shows it as it happens,
    // told by the database, without a click.
    overdue(
        &book,
        &[
            "debtors",
            "add",
            "--name",
            "Nordlys AS",
            "--ref",
            "N1",
            "--country",
            "NO",
        ],
    );
    app.wait_texts(
        "debtor-row",
        "the owner's new debtor in Maria's list",
        |t| t.iter().any(|r| r.contains("Nordlys AS")),
    )
    .await;
    app.quit_without_page_errors().await;

    shared.drop(&admin, &[&maria]);
}

/// Edits carry a version: the window's edit form is open while someone else (here the CLI,
/// on the same file) renames the debtor; saving the form is refused naming that change,
/// Reload shows it, and the city changed after reloading is saved beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_over_someone_elses_change_is_refused_and_reloaded() {
    let home = Home::new();
    let db = home.database();
    let (code, _, err) = cli_on(
        &db,
        TODAY,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "A1",
            "--country",
            "DE",
            "--city",
            "Berlin",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let app = App::launch(&home, TODAY).await;
    app.click("nav-debtors").await;
    app.click("debtor-row").await;
    app.click("debtor-edit").await;
    app.type_into("field-city", "Köln").await;
    // Meanwhile, someone else renames it (read at version 0, as the window did).
    let shown = cli_json(&home, &["debtors", "show", "A1"]);
    let version = shown["version"].as_i64().unwrap().to_string();
    let (code, _, err) = cli_on(
        &db,
        TODAY,
        &[
            "debtors",
            "edit",
            "A1",
            "--name",
            "Acme Holding GmbH",
            "--version",
            &version,
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The same stale version again is refused with exit 2, naming the change.
    let (code, _, err) = cli_on(
        &db,
        TODAY,
        &[
            "debtors",
            "edit",
            "A1",
            "--city",
            "Bonn",
            "--version",
            &version,
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("name: \"Acme GmbH\" -> \"Acme Holding GmbH\""),
        "{err}"
    );
    // Saved in the small window: the refusal is scrolled into view above the buttons.
    let size = app.window_size().await;
    app.resize((1024, 700)).await;
    app.click("debtor-save").await;
    app.wait_texts("form-error", "the refusal naming the other change", |t| {
        t.len() == 1
            && t[0].contains("Acme Holding GmbH")
            && t[0].contains("Nothing of yours was saved")
    })
    .await;
    app.screenshot("debtor-stale-1024x700.png").await;
    app.resize(size).await;
    app.screenshot("debtor-stale-1920x1080.png").await;
    app.click("debtor-reload").await;
    app.wait_gone("form-error").await;
    app.type_into("field-city", "Köln").await;
    app.click("debtor-save").await;
    app.wait_gone("debtor-form").await;
    let saved = cli_json(&home, &["debtors", "show", "A1"]);
    assert_eq!(saved["name"], "Acme Holding GmbH");
    assert_eq!(saved["city"], "Köln");
    app.quit_without_page_errors().await;
}

/// Each save of a book setting in Settings, by `data-testid`.
const SETTING_SAVES: &[&str] = &[
    "lh-save",               // the letterhead and company details
    "policy-new",            // a new collection policy
    "policy-save",           // the collection policy opened
    "late-fee-default-save", // the default late fees and interest
    "rate-add",              // a reference rate
    "credit-policy-save",    // the credit policy
    "bank-settings-save",    // bank matching
    "smtp-save",             // the email settings
    "daily-run-save",        // the daily run
    "demo-load",             // demo data (debtors, and the letterhead when empty)
];

/// `[disabled, title]` of each button, `null` for one not on the screen.
async fn buttons(app: &App, ids: &[&str]) -> Vec<serde_json::Value> {
    let list = serde_json::to_string(ids).expect("ids as JSON");
    let found = app
        .eval(&format!(
            "return {list}.map((id) => {{ \
               const b = document.querySelector(`[data-testid=\"${{id}}\"]`); \
               return b ? [b.disabled, b.title] : null; }});"
        ))
        .await;
    found.as_array().cloned().unwrap_or_default()
}

/// Waits until every button in `ids` is on the screen and `ok` holds for its
/// `(disabled, title)`; panics naming the ones that never did.
async fn wait_buttons(app: &App, ids: &[&str], what: &str, ok: impl Fn(bool, &str) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let now = buttons(app, ids).await;
        let wrong: Vec<String> = ids
            .iter()
            .zip(&now)
            .filter(|(_, b)| {
                !b.as_array().is_some_and(|b| {
                    ok(
                        b[0].as_bool().unwrap_or(false),
                        b[1].as_str().unwrap_or_default(),
                    )
                })
            })
            .map(|(id, b)| format!("{id}: {b}"))
            .collect();
        if wrong.is_empty() {
            return;
        }
        if std::time::Instant::now() > deadline {
            let shot = app.failure_evidence(what).await;
            panic!("{what}: {wrong:?}; see {}", shot.display());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// A viewer on the shared book opens Settings: a note says once that this login reads the
/// settings but does not change them, and every save of a book setting (letterhead, a
/// collection policy, a template, late fees and the rest) is disabled up front with the
/// reason on hover, while the policy's ladder and the template can still be read. The
/// owner, in the same window, has every one of them and no note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_reads_the_settings_but_every_save_is_off_with_the_reason() {
    let Some(admin) = pg_admin() else {
        return;
    };
    let pid = std::process::id();
    let shared = SharedBook::create(&admin, "chief", "office_ro");
    let (owner, vera) = (shared.owner.clone(), format!("vera{pid}"));
    let url_of = |login: &str| shared.url_of(login);
    // The owner's book, with a debtor; Vera joins it as a viewer.
    let book = url_of(&owner);
    overdue(
        &book,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "A1",
            "--country",
            "DE",
        ],
    );
    overdue(
        &book,
        &[
            "staff",
            "add",
            "--login",
            &vera,
            "--name",
            "Vera Viewer",
            "--role",
            "viewer",
        ],
    );

    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.wait_testid("welcome").await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    // On a file book the one user owns everything: no note, and the saves are on.
    app.click("nav-settings").await;
    app.wait_testid("lh-save").await;
    assert!(app.texts("settings-readonly").await.is_empty());

    // Vera's window on the shared book.
    app.type_into("pg-url", &url_of(&vera)).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in", "Vera signed in", |t| {
        t.len() == 1 && t[0].contains(&format!("{vera} (viewer)"))
    })
    .await;
    let why = format!("Signed in as {vera} (viewer): this role does not change settings.");
    app.wait_texts("settings-readonly", "the note, once", |t| {
        t.len() == 1 && t[0].contains(&why) && t[0].contains("can read the settings")
    })
    .await;
    let note_role = app
        .eval("return document.querySelector('[data-testid=settings-readonly]').getAttribute('role');")
        .await;
    assert_eq!(note_role, "note");
    // A policy opens for reading (View, not Edit): its ladder is there, its save is off.
    app.wait_texts("policy-edit", "the policies listed for reading", |t| {
        !t.is_empty() && t.iter().all(|b| b == "View")
    })
    .await;
    app.click("policy-edit").await;
    app.wait_texts("level-row", "the policy's ladder shown", |t| !t.is_empty())
        .await;
    wait_buttons(
        &app,
        SETTING_SAVES,
        "every save off for the viewer",
        |disabled, title| disabled && title == why,
    )
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "settings-readonly",
        "settings-readonly",
    )
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "late-fee-default-save",
        "settings-readonly-latefees",
    )
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "policy-save",
        "settings-readonly-policy",
    )
    .await;
    // The templates (Collections): Vera reads one and previews it; saving it is off.
    app.click("nav-collections").await;
    app.click("tab-templates").await;
    app.wait_texts("template-rendered", "the template previewed", |t| {
        t.len() == 1 && !t[0].trim().is_empty()
    })
    .await;
    wait_buttons(
        &app,
        &["template-save"],
        "the template's save off",
        |d, t| d && t == why,
    )
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "template-save",
        "settings-readonly-template",
    )
    .await;

    // The owner in the same window: every save on, no note, no reason on hover.
    app.click("nav-settings").await;
    app.type_into("pg-url", &book).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in", "the owner signed in", |t| {
        t.len() == 1 && t[0].contains(&format!("{owner} (owner)"))
    })
    .await;
    app.wait_gone("settings-readonly").await;
    app.wait_texts("policy-edit", "the policies listed for editing", |t| {
        !t.is_empty() && t.iter().all(|b| b == "Edit")
    })
    .await;
    app.click("policy-edit").await;
    wait_buttons(
        &app,
        SETTING_SAVES,
        "every save on for the owner",
        |disabled, title| !disabled && title.is_empty(),
    )
    .await;
    app.click("nav-collections").await;
    app.click("tab-templates").await;
    wait_buttons(
        &app,
        &["template-save"],
        "the template's save on",
        |d, t| !d && t.is_empty(),
    )
    .await;
    app.quit_without_page_errors().await;

    shared.drop(&admin, &[&vera]);
}

/// A collector limited to her own debtors (row-level security) and a race on an
/// invoice's balance, in the real window. Maria's window shows only the debtor she
/// manages and says why; Tom, an accountant, has an invoice open to record its payment
/// while the owner records the same payment from the CLI: Tom's Record payment is
/// refused, naming who paid it and what is open now, and the panel shows the invoice as
/// it is now; nothing of Tom's is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_sees_her_own_debtors_and_a_payment_made_meanwhile_is_named() {
    let Some(admin) = pg_admin() else {
        return;
    };
    let pid = std::process::id();
    let shared = SharedBook::create(&admin, "head", "office_own");
    let (maria, tom) = (format!("maria{pid}"), format!("tom{pid}"));
    let book = shared.owner_url();
    for (reference, name, manager, number, amount) in [
        ("M1", "Mine GmbH", maria.as_str(), "INV-M1", "500.00"),
        ("O2", "Other AG", "", "INV-O2", "300.00"),
    ] {
        overdue(
            &book,
            &[
                "debtors",
                "add",
                "--name",
                name,
                "--ref",
                reference,
                "--country",
                "DE",
                "--manager",
                manager,
            ],
        );
        overdue(
            &book,
            &[
                "invoices",
                "add",
                "--debtor",
                reference,
                "--number",
                number,
                "--issue-date",
                "2026-10-01",
                "--amount",
                amount,
            ],
        );
    }
    overdue(
        &book,
        &[
            "staff",
            "add",
            "--login",
            &maria,
            "--name",
            "Maria Rossi",
            "--role",
            "collector",
            "--own-debtors",
        ],
    );
    overdue(
        &book,
        &[
            "staff",
            "add",
            "--login",
            &tom,
            "--name",
            "Tom Berger",
            "--role",
            "accountant",
        ],
    );

    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.wait_testid("welcome").await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    app.click("nav-settings").await;
    app.type_into("pg-url", &shared.url_of(&maria)).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in-as", "Maria, limited to her debtors", |t| {
        t.len() == 1 && t[0].contains("collector (own debtors)")
    })
    .await;
    app.wait_texts("banner-success", "the banner saying why", |t| {
        t.iter()
            .any(|b| b.contains("the book shows you only those"))
    })
    .await;
    app.click("nav-debtors").await;
    app.wait_texts("debtor-row", "only her debtor", |t| t == ["Mine GmbH"])
        .await;
    app.screenshots_at(&[(1024, 700), (1920, 1080)], "debtor-row", "own-debtors")
        .await;

    // Tom's window: the invoice open to record its payment.
    app.click("nav-settings").await;
    app.type_into("pg-url", &shared.url_of(&tom)).await;
    app.click("pg-connect").await;
    app.wait_texts("signed-in", "Tom signed in", |t| {
        t.len() == 1 && t[0].contains(&format!("{tom} (accountant)"))
    })
    .await;
    app.click("nav-invoices").await;
    app.wait_texts("invoice-open", "both invoices for the accountant", |t| {
        t.len() == 2
    })
    .await;
    app.click_text("invoice-open", "INV-O2").await;
    app.click("payment-open").await;
    app.type_into("payment-amount", "300.00").await;
    // Meanwhile the owner records the same payment.
    overdue(
        &book,
        &[
            "payments",
            "add",
            "--debtor",
            "O2",
            "--invoice",
            "INV-O2",
            "--amount",
            "300.00",
        ],
    );
    app.resize((1024, 700)).await;
    app.click("payment-save").await;
    let owner = shared.owner.clone();
    app.wait_texts("invoice-error", "the race in words", |t| {
        t.len() == 1
            && t[0].starts_with(&format!("INV-O2 was just paid in full by {owner} at "))
            && t[0].contains("its open balance is 0.00 EUR, not the 300.00 you saw")
            && t[0].contains("Nothing of yours was written")
    })
    .await;
    app.wait_texts("invoice-open-balance", "the invoice as it is now", |t| {
        t.len() == 1 && t[0].contains("0.00")
    })
    .await;
    app.screenshot("payment-race-1024x700.png").await;
    app.resize((1920, 1080)).await;
    app.screenshot("payment-race-1920x1080.png").await;
    // One payment on record, the owner's.
    let payments = cli_ok(&book, TODAY, &["audit", "log", "--debtor", "O2", "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&payments).unwrap();
    let logins: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["table"] == "payments")
        .map(|e| e["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, [owner.as_str()], "Tom's payment was not written");
    app.quit_without_page_errors().await;
    shared.drop(&admin, &[&maria, &tom]);
}

/// Templates carry a version too: the reminder is open in the window's editor while
/// someone else (the CLI, on the same file) saves it; the window's Save is refused naming
/// who saved it, Reload shows their text, and the change made again on top is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_saved_over_someone_elses_is_refused_and_reloaded() {
    let home = Home::new();
    let db = home.database();
    let (code, _, err) = cli_on(
        &db,
        TODAY,
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "A1"],
    );
    assert_eq!(code, 0, "{err}");
    let app = App::launch(&home, TODAY).await;
    app.click("nav-collections").await;
    app.click("tab-templates").await;
    // The list is filled once the templates are read.
    app.wait_testid("template-body").await;
    app.wait_testid("template-pick")
        .await
        .select_by_value("reminder.en")
        .await
        .expect("the English reminder is listed");
    app.type_into(
        "template-subject",
        "Reminder from Seller AG: {{ debtor.name }}",
    )
    .await;
    // Meanwhile someone else saves the same template.
    let body = home.file(
        "body.txt",
        "Dear {{ debtor.name }},\n\nplease pay {{ total }} {{ currency }}.\n",
    );
    // Saved from the command line as read from the shipped text (version 0).
    let save_from_shipped = |subject: &str| {
        cli_on(
            &db,
            TODAY,
            &[
                "dunning",
                "template",
                "set",
                "reminder",
                "--lang",
                "en",
                "--subject",
                subject,
                "--body-file",
                body.to_str().unwrap(),
                "--version",
                "0",
            ],
        )
    };
    let (code, _, err) = save_from_shipped("Overdue: {{ debtor.name }}");
    assert_eq!(code, 0, "{err}");
    // The same save from the shipped text again: refused, exit 2.
    let (code, _, err) = save_from_shipped("Late");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("saved this template at"), "{err}");
    app.resize((1024, 700)).await;
    app.click("template-save").await;
    app.wait_texts("template-error", "the refusal naming who saved", |t| {
        t.len() == 1
            && t[0].contains("saved this template at")
            && t[0].contains("Nothing of yours was saved")
    })
    .await;
    app.screenshot("template-stale-1024x700.png").await;
    app.resize((1920, 1080)).await;
    app.screenshot("template-stale-1920x1080.png").await;
    app.click("template-reload").await;
    app.wait_gone("template-error").await;
    let subject = app
        .eval("return document.querySelector('[data-testid=template-subject]').value;")
        .await;
    assert_eq!(
        subject, "Overdue: {{ debtor.name }}",
        "their text, reloaded"
    );
    app.type_into(
        "template-subject",
        "Reminder from Seller AG: {{ debtor.name }}",
    )
    .await;
    app.click("template-save").await;
    app.wait_texts("collections-notice", "saved on top", |t| {
        t.len() == 1 && t[0].contains("Template reminder (en) saved")
    })
    .await;
    let shown = cli_json(
        &home,
        &["dunning", "template", "show", "reminder", "--lang", "en"],
    );
    assert_eq!(
        shown["subject"],
        "Reminder from Seller AG: {{ debtor.name }}"
    );
    assert!(
        shown["body"].as_str().unwrap().contains("please pay"),
        "{shown}"
    );
    assert_eq!(shown["version"], 2);
    app.quit_without_page_errors().await;
}
