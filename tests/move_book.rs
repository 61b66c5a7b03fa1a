//! Settings > Database "Move this book to a server" in the real window (issue 18): the
//! demo book, a file on this computer, is refused by a server database that already holds
//! a book (the refusal names the table, the window stays on its file), then moves whole
//! into a new, empty database: the window says every table was verified, works on the
//! server from then on, and the server book holds as many debtors and invoices as the
//! file, as the CLI reads them.

use overdue_e2e::{cli_ok, pg_admin, psql, App, Home};

const TODAY: &str = "2026-11-22";

/// `overdue --db DB ARGS... --json`, which must succeed.
fn overdue_json(db: &str, args: &[&str]) -> serde_json::Value {
    let mut with = args.to_vec();
    with.push("--json");
    let out = cli_ok(db, TODAY, &with);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("overdue {args:?}: {e}: {out}"))
}

/// How many debtors and invoices a book holds, as `overdue info` counts them.
fn counts(db: &str) -> (u64, u64) {
    let info = overdue_json(db, &["info"]);
    (
        info["debtors"].as_u64().expect("debtors counted"),
        info["invoices"].as_u64().expect("invoices counted"),
    )
}

/// [`App::launch_with_demo`] with the app's session bus at `bus`.
async fn launch_with_demo(home: &Home, bus: &str) -> App {
    let app = App::launch_env(home, TODAY, &[("DBUS_SESSION_BUS_ADDRESS", bus)]).await;
    app.click("welcome-demo").await;
    app.wait_gone("welcome").await;
    app.wait_texts("debtor-count", "250 demo debtors", |t| t == ["250 debtors"])
        .await;
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_book_moves_to_a_server_from_settings() {
    let Some(admin) = pg_admin() else {
        return;
    };
    let pid = std::process::id();
    let (taken, office) = (format!("move_taken{pid}"), format!("move_office{pid}"));
    for db in [&taken, &office] {
        psql(&admin, &format!("DROP DATABASE IF EXISTS {db}"));
        psql(&admin, &format!("CREATE DATABASE {db}"));
    }
    let server = &admin[..admin.rfind('/').unwrap()];
    let (taken_url, office_url) = (format!("{server}/{taken}"), format!("{server}/{office}"));
    // Someone already keeps a book in the first database.
    overdue_json(
        &taken_url,
        &[
            "debtors",
            "add",
            "--name",
            "Someone Else Ltd",
            "--ref",
            "X1",
            "--country",
            "GB",
        ],
    );

    let home = Home::new();
    // A desktop without a keyring (no session bus to reach one): the password typed cannot
    // be kept, which the move says after the fact instead of failing. (Under Xvfb a real
    // Secret Service would wait for an unlock prompt nobody can see.)
    let no_bus = format!("unix:path={}", home.data().join("no-bus").display());
    let app = launch_with_demo(&home, &no_bus).await;
    let file = home.database().display().to_string();
    app.click("nav-settings").await;
    app.wait_testid("move-book").await;

    // A database that holds a book is refused in words naming its table; nothing moves.
    app.type_into("move-url", &taken_url).await;
    app.type_into("move-password", "kept-in-no-file").await;
    app.click("move-start").await;
    app.wait_texts("move-error", "the refusal naming the table", |t| {
        t.len() == 1
            && t[0].contains("not empty")
            && t[0].contains("table debtors holds 1 row")
            && t[0].contains("Nothing was written")
    })
    .await;
    app.wait_texts("db-indicator", "the window still on its file", |t| {
        t.len() == 1 && t[0].contains("This computer")
    })
    .await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "move-book",
        "move-book-refused",
    )
    .await;

    // An empty database takes the whole book; the window says every table was checked.
    app.type_into("move-url", &office_url).await;
    // The test server lets the superuser in without a password; a typed one is for the
    // keyring only.
    app.type_into("move-password", "kept-in-no-file").await;
    app.click("move-start").await;
    // While the copy runs the window answers and says it is working.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let busy = loop {
        let busy = app.texts("move-busy").await;
        if !busy.is_empty() || !app.texts("move-result").await.is_empty() {
            break busy;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the move neither started nor finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    };
    assert!(
        busy.len() == 1 && busy[0].starts_with("Copying and checking every table"),
        "the window shows the copy is running: {busy:?}"
    );
    app.screenshot("move-book-busy.png").await;
    let result = app
        .wait_texts("move-result", "the verified move", |t| {
            t.len() == 1 && t[0].contains("Verified: counts and checksums match in")
        })
        .await;
    assert!(
        result[0].contains(&format!("/{office}."))
            && result[0].contains(&file)
            && !result[0].contains("kept-in-no-file"),
        "the result names both books, the server without its password: {result:?}"
    );
    let tables = app.texts("move-table").await;
    assert!(
        tables
            .iter()
            .any(|t| t.starts_with("debtors") && t.ends_with("250")),
        "the rows per table include the 250 debtors: {tables:?}"
    );
    app.click("move-tables").await;
    app.wait_texts("db-indicator", "the window on the server", |t| {
        t.len() == 1 && t[0].contains("Shared server") && t[0].contains(&office)
    })
    .await;
    app.wait_texts("settings-location", "Settings naming the server", |t| {
        t.len() == 1 && t[0].ends_with(&format!("/{office}")) && !t[0].contains("kept-in-no-file")
    })
    .await;
    app.screenshots_at(&[(1024, 700), (1920, 1080)], "move-book", "move-book-moved")
        .await;

    app.wait_texts("move-warning", "the keyring named after the move", |t| {
        t.len() == 1 && t[0].contains("keyring") && t[0].contains("enter it again")
    })
    .await;
    // The next start opens the server; the password is in no file.
    let config = std::fs::read_to_string(home.config().join("overdue/config.json"))
        .expect("the config file remembers the book");
    assert!(
        config.contains(&office_url) && !config.contains("kept-in-no-file"),
        "the server remembered without its password: {config}"
    );

    // The server book is the same book as the file, as the CLI reads them both.
    let on_server = counts(&office_url);
    assert_eq!(
        on_server,
        counts(&file),
        "the server holds as many debtors and invoices as the file"
    );
    assert_eq!(on_server.0, 250, "the demo book's debtors");
    // The window works there: the debtor list reads the server.
    app.click("nav-debtors").await;
    app.wait_texts("debtor-count", "the server's debtors", |t| {
        t == ["250 debtors"]
    })
    .await;
    app.quit_without_page_errors().await;

    for db in [&taken, &office] {
        psql(&admin, &format!("DROP DATABASE {db} WITH (FORCE)"));
        for role in ["accountant", "collector", "viewer"] {
            psql(&admin, &format!("DROP ROLE IF EXISTS {db}_{role}"));
        }
    }
}
