//! The real app window: first start, creating a debtor through the form, search, and
//! persistence across a restart; demo data on first start, with a screenshot.
//!
//! Sessions run one after another (one display, one tauri-driver at a time).

use overdue_e2e::{cli, s, App, Home};

const TODAY: &str = "2026-11-22";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debtor_created_in_the_window_is_found_by_search_and_survives_a_restart() {
    let home = Home::new();
    let app = App::launch(&home, TODAY).await;

    // First start: a fresh database, and the offer of demo data.
    app.wait_testid("welcome").await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    app.wait_texts("debtor-list-empty", "the empty list message", |t| {
        !t.is_empty()
    })
    .await;
    assert!(
        home.database().exists(),
        "the database is created in the OS data directory on first start"
    );

    // An invalid form is refused next to the field, and nothing is stored.
    app.click("debtor-new").await;
    app.click("debtor-save").await;
    let errors = app
        .wait_texts("error-name", "the name error", |t| !t.is_empty())
        .await;
    assert_eq!(errors, vec!["Enter the debtor's name."]);

    app.type_into("field-name", "Łukasiewicz Sp. z o.o.").await;
    app.type_into("field-external_ref", "PL-7").await;
    app.type_into("field-contact-0-name", "Anna Wiśniewska")
        .await;
    app.type_into("field-contact-0-email", "anna@lukasiewicz.pl")
        .await;
    app.type_into("field-city", "Łódź").await;
    app.type_into("field-country", "PL").await;
    app.type_into("field-credit_limit", "5000.00").await;
    app.click("debtor-save").await;
    app.wait_texts("detail-name", "the saved debtor", |t| {
        t == ["Łukasiewicz Sp. z o.o."]
    })
    .await;

    // Search as you type, without accents.
    app.type_into("debtor-search", "lodz").await;
    app.wait_texts("debtor-row", "the search result", |t| {
        t == ["Łukasiewicz Sp. z o.o."]
    })
    .await;
    app.screenshot("debtor-created.png").await;

    // Edit: the form opens filled with the debtor's values; the change shows in the
    // detail and the list, and the CLI reads it below.
    app.click("debtor-row").await;
    app.click("debtor-edit").await;
    let filled = app
        .wait_texts("debtor-form", "the edit form", |t| t.len() == 1)
        .await;
    assert!(!filled.is_empty());
    let name: serde_json::Value = app
        .client
        .execute(
            "return document.querySelector('[data-testid=field-name]').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        name, "Łukasiewicz Sp. z o.o.",
        "the form holds the current name"
    );
    app.type_into("field-city", "Kraków").await;
    app.type_into("field-name", "Łukasiewicz Handel Sp. z o.o.")
        .await;
    app.click("debtor-save").await;
    app.wait_texts("detail-name", "the edited debtor", |t| {
        t == ["Łukasiewicz Handel Sp. z o.o."]
    })
    .await;
    app.type_into("debtor-search", "krakow").await;
    app.wait_texts("debtor-row", "the edited row", |t| {
        t == ["Łukasiewicz Handel Sp. z o.o."]
    })
    .await;
    app.screenshot("debtor-edited.png").await;
    app.quit_without_page_errors().await;

    // The CLI reads the same file the window wrote.
    let (code, out, err) = cli(
        None,
        &[
            "--db",
            s(&home.database()),
            "debtors",
            "show",
            "PL-7",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["name"], "Łukasiewicz Handel Sp. z o.o.");
    assert_eq!(shown["city"], "Kraków");
    assert_eq!(shown["credit_limit"], "5000.00");
    assert_eq!(shown["contacts"][0]["email"], "anna@lukasiewicz.pl");
    // The letter language was left at "From the country": the debtor's language is its
    // country's (Polish), not English; messages fall back to English with a note until a
    // Polish catalog exists.
    assert_eq!(shown["language"], "pl");

    // Restart: no welcome offer again, and the debtor is still there.
    let app = App::launch(&home, TODAY).await;
    app.wait_texts("debtor-count", "the debtor count", |t| t == ["1 debtor"])
        .await;
    app.type_into("debtor-search", "luka").await;
    app.wait_texts("debtor-row", "the debtor after restart", |t| {
        t == ["Łukasiewicz Handel Sp. z o.o."]
    })
    .await;
    assert!(
        app.texts("welcome").await.is_empty(),
        "demo data is offered once, not at every start"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_with_demo_data_shows_a_full_debtor_list() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;
    let rows = app
        .wait_texts("debtor-row", "rows in view", |t| t.len() >= 10)
        .await;
    assert!(
        rows.len() < 100,
        "the list is virtualised: only rows in view are rendered, got {}",
        rows.len()
    );

    // Sorting by overdue balance puts the largest first, within the book's main currency
    // (euro in the demo book): amounts in other currencies are not ranked among them.
    app.click("sort-overdue_balance").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.wait_texts("debtor-overdue", "the euro debtors first", |t| {
        t.len() >= 10 && t.iter().take(10).all(|r| r.starts_with('€'))
    })
    .await;
    app.screenshot("debtor-list-demo.png").await;
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "debtor-list",
        "debtor-list-overdue",
    )
    .await;

    // With a debtor's detail open at 1024x700 the list is narrow: no column header is cut
    // ("Countr" was), each fits its column.
    app.click("debtor-row").await;
    app.wait_testid("detail-name").await;
    let before = app.window_size().await;
    if app.resize((1024, 700)).await {
        let cut = app
            .eval(
                "return [...document.querySelectorAll('[role=columnheader] .sort')]\
                   .filter((b) => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)\
                   .map((b) => b.textContent.trim());",
            )
            .await;
        assert_eq!(cut, serde_json::json!([]), "headers cut at 1024x700");
        app.screenshot("debtor-detail-1024x700.png").await;
        // And no row runs past the list's right edge (the Overdue and Risk columns were
        // pushed out of sight).
        let wide = app
            .eval(
                "const l = document.querySelector('[data-testid=debtor-list]');\
                 const right = l.getBoundingClientRect().right;\
                 return [...l.querySelectorAll('[role=columnheader]')]\
                   .filter((h) => h.offsetParent !== null && h.getBoundingClientRect().right > right + 1)\
                   .map((h) => h.textContent.trim());",
            )
            .await;
        assert_eq!(
            wide,
            serde_json::json!([]),
            "columns past the list's edge at 1024x700"
        );
        // The detail's tabs fit too: none is broken over two lines or cut at the edge.
        let tabs = app
            .eval(
                "const a = document.querySelector('[data-testid=debtor-account]');\
                 const right = a.getBoundingClientRect().right;\
                 return [...a.querySelectorAll('[role=tab]')]\
                   .filter((t) => t.getBoundingClientRect().right > right + 1\
                     || t.getBoundingClientRect().height > 40 || t.scrollWidth > t.clientWidth + 1)\
                   .map((t) => t.textContent.trim())\
                   .concat(a.querySelector('[data-testid=open-items]').getBoundingClientRect().right > right + 1\
                     ? ['the open items table'] : []);",
            )
            .await;
        assert_eq!(
            tabs,
            serde_json::json!([]),
            "detail tabs or open items cut at 1024x700"
        );
        app.wait_testid("debtor-account").await;
        app.screenshot("debtor-tabs-1024x700.png").await;
        app.resize(before).await;
    }

    app.click("nav-dashboard").await;
    app.wait_testid("dashboard").await;
    // Money, not counts: what is owed and overdue per currency, as the CLI's aging report
    // says; the day's work leads to the screen where it is done.
    let aging = overdue_e2e::cli_json(&home, &["report", "aging", "--as-of", TODAY]);
    let currencies = aging["currencies"].as_object().unwrap().len();
    app.wait_texts("dashboard-currency", "a card per currency", |t| {
        t.len() == currencies
    })
    .await;
    let months = app.texts("dashboard-months").await;
    assert!(
        months
            .iter()
            .all(|m| m.contains("Invoiced") && m.contains("CEI")),
        "{months:?}"
    );
    // The months as a chart too: six columns a currency, each naming its figures on hover
    // and leading to the reports.
    let columns = app.texts("dashboard-month").await;
    assert_eq!(columns.len(), 6 * currencies, "{columns:?}");
    let hover = app
        .eval(
            "return document.querySelector('[data-testid=dashboard-month]').getAttribute('title');",
        )
        .await;
    assert!(
        hover
            .as_str()
            .is_some_and(|t| t.contains("invoiced") && t.contains("collected")),
        "{hover}"
    );
    app.screenshots_at(&[(1024, 700), (1920, 1080)], "dashboard-work", "dashboard")
        .await;
    app.click("work-steps").await;
    app.wait_testid("collections").await;
    app.click("nav-dashboard").await;
    // A row of "Largest overdue balances" opens that debtor's page.
    let first = app
        .wait_texts("dashboard-debtor", "the largest overdue balances", |t| {
            !t.is_empty()
        })
        .await
        .remove(0);
    app.click("dashboard-debtor").await;
    app.wait_texts("detail-name", "the debtor clicked on the dashboard", |t| {
        t.first().is_some_and(|n| *n == first)
    })
    .await;
    app.click("nav-letters").await;
    app.wait_testid("letters-screen").await;
    app.quit_without_page_errors().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interest_calculator_shows_the_uk_claim_with_its_working() {
    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    app.click("nav-calculators").await;
    // The form opens on the UK example (INT-UK2): 2,400.00 GBP due 31 Mar 2026, to 15 Jun 2026.
    app.click("interest-calculate").await;
    app.wait_texts("interest-total", "the interest total", |t| t == ["£58.72"])
        .await;
    assert_eq!(app.texts("interest-compensation").await, vec!["£70.00"]);
    assert_eq!(app.texts("interest-balance").await, vec!["£2,528.72"]);
    let segments = app.texts("interest-segment").await;
    assert_eq!(segments.len(), 1, "one fixed-rate segment: {segments:?}");
    assert!(
        segments[0].contains("76") && segments[0].contains("11.75%"),
        "{segments:?}"
    );
    app.screenshot("interest-calculator.png").await;

    // Bad input is named, not guessed.
    app.type_into("interest-principal", "12,50").await;
    app.click("interest-calculate").await;
    let err = app
        .wait_texts("interest-error", "the error", |t| !t.is_empty())
        .await;
    assert!(
        err[0].contains("12,50"),
        "the message names the bad amount: {err:?}"
    );
    assert!(
        err[0].contains("Amount owed") && !err[0].contains("--"),
        "the window names its own field, not a command-line flag: {err:?}"
    );

    app.click("calc-tab-plan").await;
    app.click("plan-preview").await;
    let rows = app
        .wait_texts("plan-row", "three installments", |t| t.len() == 3)
        .await;
    assert!(
        rows[1].contains("28 Feb 2026") && rows[2].contains("31 Mar 2026"),
        "month-end clamping from the original date: {rows:?}"
    );
    assert_eq!(app.texts("plan-total-paid").await, vec!["€1,000.00"]);
    app.quit_without_page_errors().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_invoices_read_the_demo_ledger() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;

    app.click("nav-reports").await;
    let total = app
        .wait_texts("aging-total-EUR", "the EUR aging total", |t| {
            t.len() == 1 && t[0].contains('€')
        })
        .await;
    // The same number from the CLI, on the same file: the window shows the ledger's figure.
    let (code, out, err) = cli(
        None,
        &[
            "--db",
            s(&home.database()),
            "report",
            "aging",
            "--as-of",
            TODAY,
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cli_total = report["currencies"]["EUR"]["total"]
        .as_str()
        .unwrap()
        .to_string();
    let (whole, cents) = cli_total.split_once('.').unwrap();
    let digits: String = total[0].chars().filter(|c| c.is_ascii_digit()).collect();
    assert_eq!(
        digits,
        format!("{whole}{cents}"),
        "window {total:?} vs CLI {cli_total}"
    );
    app.screenshot("reports-aging.png").await;
    // Each receivables figure says what it means under it (a bare "CEI -8.77 %" did not).
    let hints = app
        .wait_texts("kpi-hint", "the metrics explained", |t| t.len() >= 7)
        .await;
    assert!(
        hints.iter().any(|h| h.contains("100 % is perfect")),
        "{hints:?}"
    );
    app.screenshots_at(&[(1024, 700)], "metrics-report", "reports-metrics")
        .await;

    app.click("nav-invoices").await;
    app.wait_texts("invoice-open", "invoice rows", |t| !t.is_empty())
        .await;
    app.screenshot("invoices.png").await;
    app.quit_without_page_errors().await;
}

/// Twenty script-injection payloads, each setting `window.__xss` if it ever ran.
const PAYLOADS: [&str; 20] = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "<svg onload=window.__xss=3>",
    "\"><script>window.__xss=4</script>",
    "'><img src=x onerror=window.__xss=5>",
    "javascript:window.__xss=6",
    "<iframe src=\"javascript:window.parent.__xss=7\"></iframe>",
    "{{constructor.constructor('window.__xss=8')()}}",
    "${window.__xss=9}",
    "<a href=\"javascript:window.__xss=10\">pay here</a>",
    "<body onload=window.__xss=11>",
    "<details open ontoggle=window.__xss=12>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=13>",
    "</textarea><script>window.__xss=14</script>",
    "<input autofocus onfocus=window.__xss=15>",
    "<object data=\"javascript:window.__xss=16\"></object>",
    "<style>@import 'javascript:window.__xss=17'</style>",
    "\" onmouseover=\"window.__xss=18",
    "<scr<script>ipt>window.__xss=19</scr</script>ipt>",
    "=cmd|' /C calc'!A0<img src=x onerror=window.__xss=20>",
];

/// No payload ran, and the page holds no element a payload could have made.
async fn nothing_ran(app: &App, after: &str) {
    let v = app
        .client
        .execute(
            "return [window.__xss === undefined ? null : String(window.__xss), \
             document.querySelectorAll('img[src=x], svg[onload], iframe, object, details[ontoggle], \
             input[onfocus], a[href^=javascript], body[onload], math').length]",
            vec![],
        )
        .await
        .expect("read the page");
    assert_eq!(
        v,
        serde_json::json!([null, 0]),
        "after {after}: a payload ran or made an element"
    );
}

/// Types a payload (in turn) into every visible free-text field on the page; returns how
/// many, and checks that none ran.
async fn sweep(app: &App, screen: &str, k: &mut usize) -> usize {
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let fields = app
        .client
        .find_all(fantoccini::Locator::Css(
            "input:not([type]), input[type=text], input[type=search], input[type=email], \
             input[type=url], input[type=tel], textarea",
        ))
        .await
        .expect("find the fields");
    let mut n = 0;
    for f in fields {
        if !f.is_displayed().await.unwrap_or(false) || !f.is_enabled().await.unwrap_or(false) {
            continue;
        }
        let payload = PAYLOADS[*k % PAYLOADS.len()];
        if f.send_keys(payload).await.is_err() {
            continue;
        }
        *k += 1;
        n += 1;
        let value = f.prop("value").await.ok().flatten().unwrap_or_default();
        // A field with a length limit (a currency code) keeps what fits.
        let limited = f.attr("maxlength").await.ok().flatten().is_some();
        assert!(
            limited || value.contains(payload),
            "on {screen}, the field holds what was typed: {value:?}"
        );
    }
    nothing_ran(app, &format!("typing into {screen}")).await;
    n
}

/// Issue 17: twenty script-injection payloads typed into the window never run and show as
/// the text that was typed. Five debtors are created in the form with payloads as name,
/// contact, address and city (all twenty), found in the list and on their page as text;
/// then every free-text field of every screen gets a payload typed into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_payloads_typed_into_the_window_never_run_and_show_as_text() {
    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;

    for chunk in PAYLOADS.chunks(4) {
        let [name, contact, address, city] = chunk else {
            unreachable!()
        };
        app.click("debtor-new").await;
        app.type_into("field-name", name).await;
        app.type_into("field-contact-0-name", contact).await;
        app.type_into("field-address", address).await;
        app.type_into("field-city", city).await;
        app.click("debtor-save").await;
        app.wait_texts("detail-name", "the saved debtor", |t| t == [*name])
            .await;
        let page = app
            .client
            .execute("return document.body.textContent", vec![])
            .await
            .expect("page text");
        let page = page.as_str().unwrap_or_default();
        for p in [name, contact, city] {
            assert!(
                page.contains(*p),
                "{p:?} shows as text on the debtor's page"
            );
        }
        nothing_ran(&app, &format!("saving the debtor {name:?}")).await;
    }
    app.click("nav-debtors").await;
    let rows = app
        .wait_texts("debtor-row", "the five debtors", |t| t.len() == 5)
        .await;
    for chunk in PAYLOADS.chunks(4) {
        assert!(rows.contains(&chunk[0].to_string()), "{rows:?}");
    }
    app.screenshot("script-payloads-debtors.png").await;

    // Every free-text field of every screen, and of a debtor's page with each tab.
    let mut k = 0;
    let mut typed = Vec::new();
    for screen in [
        "dashboard",
        "debtors",
        "invoices",
        "collections",
        "bank",
        "letters",
        "reports",
        "calculators",
        "settings",
    ] {
        app.click(&format!("nav-{screen}")).await;
        typed.push((screen.to_string(), sweep(&app, screen, &mut k).await));
    }
    app.click("nav-debtors").await;
    app.click("debtor-row").await;
    for tab in [
        "account",
        "interest",
        "timeline",
        "statement",
        "credit",
        "documents",
    ] {
        app.click(&format!("tab-{tab}")).await;
        typed.push((format!("debtor {tab}"), sweep(&app, tab, &mut k).await));
    }
    eprintln!("payloads typed, by screen: {typed:?}");
    assert!(
        k >= 50,
        "payloads typed into {k} fields: the screens' forms were not found"
    );
    app.quit_without_page_errors().await;
}

/// A private D-Bus session for one test (the single-instance lock lives on the session
/// bus); stopped when dropped.
struct SessionBus {
    child: std::process::Child,
    address: String,
}

impl SessionBus {
    fn start() -> SessionBus {
        use std::io::BufRead;
        let mut child = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) must be installed");
        let mut address = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        SessionBus {
            child,
            address: address.trim().to_string(),
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The window opens where and as large as it was left, also after the app was killed
/// (it is written half a second after the last move or resize); a second launch of the app
/// while it runs hands over to the open window and ends, and the book is opened once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_keeps_its_size_and_a_second_launch_focuses_the_first() {
    let home = Home::new();
    let bus = SessionBus::start();
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
    let app = App::launch_env(&home, TODAY, &env).await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    assert_eq!(
        app.window_size().await,
        (1280, 800),
        "the first start's size"
    );
    assert!(app.resize((1100, 740)).await, "the window takes a new size");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let state = home.config().join("app.overdue.desktop/.window-state.json");
    let saved =
        std::fs::read_to_string(&state).unwrap_or_else(|e| panic!("{}: {e}", state.display()));
    assert!(saved.contains("1100"), "{saved}");

    // A second launch, as a double-click on the icon would: it ends at once, successfully,
    // and the first window is still there and answers.
    let second = std::process::Command::new(overdue_e2e::app_binary())
        .env("XDG_DATA_HOME", home.data())
        .env("XDG_CONFIG_HOME", home.config())
        .env("OVERDUE_TODAY", TODAY)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the app binary");
    let ended = wait_exit(second, std::time::Duration::from_secs(20));
    assert_eq!(ended, Some(0), "the second launch ends and hands over");
    app.click("nav-invoices").await;
    app.wait_texts("invoice-count", "the first window still works", |t| {
        t == ["0 invoices"]
    })
    .await;
    app.quit().await;

    // Killed, not closed: the size is remembered all the same.
    let app = App::launch_env(&home, TODAY, &env).await;
    app.wait_testid("nav-debtors").await;
    assert_eq!(
        app.window_size().await,
        (1100, 740),
        "the size it was left at"
    );
    app.quit_without_page_errors().await;
}

/// Waits for a child process to end; its exit code, or None (and it is killed) after
/// `limit`.
fn wait_exit(mut child: std::process::Child, limit: std::time::Duration) -> Option<i32> {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Getting started (issue 16): a new book's dashboard lists what it still needs, each step
/// leading to where it is done; a step is done however the book got it (here the
/// letterhead from the command line); demo data is one click away; the list can be hidden
/// and shown again from Settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn getting_started_follows_the_book_and_demo_data_is_one_click_away() {
    let home = Home::new();
    let app = App::launch(&home, TODAY).await;
    app.wait_testid("welcome").await;
    app.click("welcome-empty").await;
    app.wait_gone("welcome").await;
    app.click("nav-dashboard").await;
    app.wait_texts("setup-progress", "nothing done yet", |t| {
        t == ["0 of 5 done"]
    })
    .await;
    let lh = home.file(
        "letterhead.json",
        r#"{"name": "Rhein Handel GmbH", "address_lines": "Hafenstr. 1", "postal_code": "50667",
            "city": "Köln", "country": "DE", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}"#,
    );
    let (code, _, err) = cli(Some(&home), &["pdf", "letterhead", "--set", s(&lh)]);
    assert_eq!(code, 0, "{err}");
    app.click("nav-debtors").await;
    app.click("nav-dashboard").await;
    app.wait_texts("setup-progress", "the company and its account", |t| {
        t == ["2 of 5 done"]
    })
    .await;
    let steps = app.texts("setup-step").await;
    assert!(
        steps.iter().any(|s| s.contains("Rhein Handel GmbH, Köln")),
        "{steps:?}"
    );
    app.screenshots_at(
        &[(1024, 700), (1920, 1080)],
        "setup-checklist",
        "setup-checklist",
    )
    .await;
    // A step leads to where it is done.
    app.click("setup-go-email").await;
    app.wait_testid("lh-save").await;
    app.click("nav-dashboard").await;
    // Demo data, one click away.
    app.click("setup-demo").await;
    app.wait_texts("setup-step", "the demo's debtors and invoices", |t| {
        t.iter().any(|s| s.contains("250 debtors"))
    })
    .await;
    app.click("setup-hide").await;
    app.wait_gone("setup-checklist").await;
    app.click("nav-settings").await;
    app.click("setup-show").await;
    app.wait_testid("setup-shown").await;
    app.click("nav-dashboard").await;
    app.wait_testid("setup-checklist").await;
    app.quit_without_page_errors().await;
}

/// Accessibility in the real window (issue 16): axe-core (the test's copy, from the UI's
/// dev dependencies) run on every screen of the demo book finds no WCAG 2.1 A/AA problem,
/// contrast included, which only a real layout can check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_meets_wcag_aa_contrast_and_names() {
    let home = Home::new();
    let app = App::launch_with_demo(&home, TODAY).await;
    let axe = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core is one of the UI's dev dependencies (npm ci in ui/)");
    app.eval(&format!("{axe}\nreturn 1;")).await;
    const RUN: &str = "return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
         .then(r => r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))));";
    let mut found = Vec::new();
    let mut audit = async |place: &str| {
        let v = app.eval(RUN).await;
        for item in v.as_array().cloned().unwrap_or_default() {
            found.push(format!("{place}: {}", item.as_str().unwrap_or_default()));
        }
    };
    for (nav, ready) in [
        ("nav-dashboard", "dashboard-work"),
        ("nav-debtors", "debtor-row"),
        ("nav-invoices", "invoice-open"),
        ("nav-collections", "run-preview"),
        ("nav-bank", "bank"),
        ("nav-letters", "letters-screen"),
        ("nav-reports", "aging-report"),
        ("nav-calculators", "calc-tab-interest"),
        ("nav-settings", "lh-save"),
    ] {
        app.click(nav).await;
        app.wait_testid(ready).await;
        audit(nav).await;
    }
    // A debtor's page, the new debtor form, an invoice's panel.
    app.click("nav-debtors").await;
    app.click("debtor-row").await;
    app.wait_testid("detail-name").await;
    audit("debtor page").await;
    app.click("nav-debtors").await;
    app.click("debtor-new").await;
    app.wait_testid("debtor-save").await;
    audit("new debtor form").await;
    app.click("nav-invoices").await;
    app.click("invoice-open").await;
    app.wait_testid("invoice-detail").await;
    audit("invoice panel").await;
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
    app.quit_without_page_errors().await;
}
