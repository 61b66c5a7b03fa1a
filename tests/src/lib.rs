//! # overdue-e2e
//!
//! Drives the real Overdue window through WebDriver (`tauri-driver`, which starts Debian's
//! `WebKitWebDriver`, which starts the app) and the real `overdue` binary, as a user would.
//!
//! Needs a display (`xvfb-run` in `.ci/run`), `tauri-driver` on PATH, and the binaries
//! built: `target/debug/overdue-app` (with the `custom-protocol` feature, so it serves the
//! built UI) and `target/debug/overdue`. `OVERDUE_APP_BIN` / `OVERDUE_CLI_BIN` override.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// The workspace's target directory.
fn target_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.parent().expect("workspace root").join("target"))
}

/// The desktop app binary under test.
pub fn app_binary() -> PathBuf {
    std::env::var_os("OVERDUE_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/overdue-app"))
}

/// The CLI binary under test.
pub fn cli_binary() -> PathBuf {
    std::env::var_os("OVERDUE_CLI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/overdue"))
}

/// Where screenshots go (kept by CI as artifacts).
pub fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts");
    dir
}

/// A user's home for one test: XDG data and config folders, so the app's database and
/// settings land in a temporary place, exactly where they would on a real machine.
#[derive(Debug)]
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// A fresh, empty home.
    pub fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("temp home"),
        }
    }
    /// Writes a file the test hands to the app or the CLI (a CSV, a letterhead) beside the
    /// home's folders; returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }
    /// Imports CSV texts `(kind, text)` into the home's database through the CLI, as a
    /// user would, in order; each must succeed.
    pub fn import(&self, files: &[(&str, &str)]) {
        std::fs::create_dir_all(self.database().parent().unwrap()).unwrap();
        for (kind, text) in files {
            let file = self.file(&format!("{kind}.csv"), text);
            let (code, _, err) = cli(
                None,
                &["--db", s(&self.database()), "import", kind, s(&file)],
            );
            assert_eq!(code, 0, "import {kind}: {err}");
        }
    }
    /// `$XDG_DATA_HOME`.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    /// `$XDG_CONFIG_HOME`.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    /// Where the app writes letters instead of asking with a native Save As dialog
    /// (`OVERDUE_E2E_SAVE_DIR`: WebDriver cannot drive native dialogs).
    pub fn saved(&self) -> PathBuf {
        let dir = self.dir.path().join("saved");
        std::fs::create_dir_all(&dir).expect("create the saved-files folder");
        dir
    }
    /// The app's default database file in this home.
    pub fn database(&self) -> PathBuf {
        self.data().join("overdue").join("overdue.db")
    }
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok()
}

/// One app window at a time: the tests share a display and tauri-driver's ports.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running `tauri-driver` and a WebDriver session on the app window.
pub struct App {
    driver: DriverProcess,
    /// The WebDriver client.
    pub client: Client,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("driver", &self.driver.child.as_ref().map(Child::id))
            .finish()
    }
}

/// Ports for tauri-driver and its native driver; distinct per test binary run so a
/// lingering process from an earlier run cannot answer for this one.
fn ports() -> (u16, u16) {
    let base = 20000 + (std::process::id() % 2000) as u16 * 2;
    (base, base + 1)
}

impl App {
    /// Starts the app for `home` (today pinned to `today`) and opens a WebDriver session.
    pub async fn launch(home: &Home, today: &str) -> App {
        Self::launch_env(home, today, &[]).await
    }

    /// [`App::launch`] with more environment for the app (e.g. a D-Bus session address).
    pub async fn launch_env(home: &Home, today: &str, env: &[(&str, &str)]) -> App {
        let turn = ONE_WINDOW.lock().await;
        let binary = app_binary();
        assert!(
            binary.exists(),
            "{} is missing: build it with `cargo build -p overdue-app --features custom-protocol`",
            binary.display()
        );
        let (port, native_port) = ports();
        // The previous test's drivers may still be exiting: give them a moment to let go.
        let free_by = Instant::now() + Duration::from_secs(10);
        while (port_open(port) || port_open(native_port)) && Instant::now() < free_by {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            !port_open(port) && !port_open(native_port),
            "ports {port}/{native_port} are taken"
        );
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_DATA_HOME", home.data())
            .env("XDG_CONFIG_HOME", home.config())
            .env("OVERDUE_TODAY", today)
            .env("OVERDUE_E2E_SAVE_DIR", home.saved())
            // A scheduled job is written as files only: never into the user's own
            // systemd session.
            .env("OVERDUE_NO_SYSTEMCTL", "1")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            // To a file, not the test's pipes: a stray WebKit process must not hold them open.
            .stderr(
                std::fs::File::create(artifacts_dir().join("tauri-driver.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            )
            .spawn()
            .expect("tauri-driver must be on PATH (cargo install tauri-driver --locked)");
        let app = DriverProcess {
            child: Some(driver),
        };
        // Both the proxy and WebKitWebDriver must answer before a session can be made.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !(port_open(port) && port_open(native_port)) {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start on ports {port}/{native_port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary.display().to_string() }),
        );
        caps.insert("browserName".into(), serde_json::json!("wry"));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session on the Overdue window");
        App {
            driver: app,
            client,
            _turn: turn,
        }
    }

    /// Waits for an element by `data-testid`.
    pub async fn wait_testid(&self, id: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&format!("[data-testid=\"{id}\"]")))
            .await
        {
            Ok(el) => {
                // WebKitWebDriver does not scroll nested scroll containers (the debtor
                // panel, a dialog) to reach an element: bring it into view first.
                let _ = self
                    .client
                    .execute(
                        "arguments[0].scrollIntoView({block: 'center'})",
                        vec![serde_json::to_value(&el).unwrap_or_default()],
                    )
                    .await;
                el
            }
            Err(e) => {
                let shot = self.failure_evidence(id).await;
                panic!(
                    "element [data-testid={id}] did not appear: {e}; see {}",
                    shot.display()
                )
            }
        }
    }

    /// Saves a screenshot, the page source and the page's errors for a failed step.
    pub async fn failure_evidence(&self, step: &str) -> PathBuf {
        let name = format!(
            "failure-{}",
            step.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        if let Ok(src) = self.client.source().await {
            let _ = std::fs::write(artifacts_dir().join(format!("{name}.html")), src);
        }
        let errors = self.page_errors().await;
        let _ = std::fs::write(
            artifacts_dir().join(format!("{name}.errors.txt")),
            errors.join("\n"),
        );
        self.screenshot(&format!("{name}.png")).await
    }

    /// Clicks an element by `data-testid`. A click that lands on something else (an
    /// overlay still closing) is tried again for a few seconds, as a user would.
    pub async fn click(&self, id: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.wait_testid(id).await.click().await {
                Ok(()) => return,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    let shot = self.failure_evidence(id).await;
                    panic!("click {id}: {e}; see {}", shot.display())
                }
            }
        }
    }

    /// Clicks the first element with this `data-testid` whose text contains `text` (a row
    /// of a list): read by `textContent`, clicked through WebDriver, tried again for a few
    /// seconds while the list renders.
    pub async fn click_text(&self, id: &str, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let index = self.texts(id).await.iter().position(|t| t.contains(text));
            if let Some(i) = index {
                let found = self
                    .client
                    .find_all(Locator::Css(&format!("[data-testid=\"{id}\"]")))
                    .await
                    .unwrap_or_default();
                if let Some(el) = found.get(i) {
                    if el.click().await.is_ok() {
                        return;
                    }
                }
            }
            if Instant::now() >= deadline {
                let shot = self.failure_evidence(id).await;
                panic!(
                    "no [data-testid={id}] showing {text:?} to click; see {}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until no element with this `data-testid` is left (a dialog has closed).
    pub async fn wait_gone(&self, id: &str) {
        self.wait_texts(id, &format!("[data-testid={id}] to go away"), |t| {
            t.is_empty()
        })
        .await;
    }

    /// Types into an input by `data-testid` (replacing its content).
    pub async fn type_into(&self, id: &str, text: &str) {
        let el = self.wait_testid(id).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {id}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {id}: {e}"));
    }

    /// Chooses a file in an `<input type="file">` by `data-testid` (WebDriver's file upload).
    pub async fn choose_file(&self, id: &str, path: &Path) {
        let el = self.wait_testid(id).await;
        el.send_keys(&path.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("choose {} in {id}: {e}", path.display()));
    }

    /// The value a script in the window returns (a layout measurement, say).
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script in the window: {e}\n{script}"))
    }

    /// Presses keys on the keyboard wherever the focus is, as a person does: each of
    /// `keys` goes down in order and comes up in reverse, so `&[CONTROL, 'k']` is Ctrl+K
    /// (WebDriver's key actions; `CONTROL`, `ESCAPE`, `ENTER`, `ARROW_DOWN` below).
    pub async fn press(&self, keys: &[char]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".into());
        for &k in keys {
            seq = seq.then(KeyAction::Down { value: k });
        }
        for &k in keys.iter().rev() {
            seq = seq.then(KeyAction::Up { value: k });
        }
        self.client
            .perform_actions(seq)
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// Texts (`textContent`, trimmed) of all elements with a `data-testid`, in page order.
    /// (WebKitWebDriver's "element text" is empty for text inside clipped cells.)
    pub async fn texts(&self, id: &str) -> Vec<String> {
        let script = "return Array.from(document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)).map(e => e.textContent.trim())";
        match self
            .client
            .execute(script, vec![serde_json::json!(id)])
            .await
        {
            Ok(v) => serde_json::from_value(v).unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    /// Polls until `f` holds for the texts of `id`, or fails with what was seen.
    pub async fn wait_texts(
        &self,
        id: &str,
        what: &str,
        f: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.texts(id).await;
            if f(&t) {
                return t;
            }
            if Instant::now() >= deadline {
                let shot = self.failure_evidence(id).await;
                panic!(
                    "timed out waiting for {what}; [data-testid={id}] shows {t:?}; see {}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Starts the app on a fresh home, accepts the demo data on the welcome dialog and
    /// waits for its 250 debtors.
    pub async fn launch_with_demo(home: &Home, today: &str) -> App {
        let app = App::launch(home, today).await;
        app.click("welcome-demo").await;
        app.wait_gone("welcome").await;
        app.wait_texts("debtor-count", "250 demo debtors", |t| t == ["250 debtors"])
            .await;
        app
    }

    /// The window's size now, to give back with [`App::resize`] after looking at others.
    pub async fn window_size(&self) -> (u32, u32) {
        let (w, h) = self.client.get_window_size().await.unwrap_or((1280, 800));
        (
            u32::try_from(w).unwrap_or(1280),
            u32::try_from(h).unwrap_or(800),
        )
    }

    /// Sizes the window and lets the layout settle; false when the window manager
    /// refused the size.
    pub async fn resize(&self, (w, h): (u32, u32)) -> bool {
        let ok = self.client.set_window_size(w, h).await.is_ok();
        if ok {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        ok
    }

    /// Screenshots `{stem}-{w}x{h}.png` of the window at each size, with `testid` brought
    /// into view (as [`App::wait_testid`] does), then gives the window its size back. A
    /// size the window manager refuses is skipped.
    pub async fn screenshots_at(&self, sizes: &[(u32, u32)], testid: &str, stem: &str) {
        let before = self.window_size().await;
        for &(w, h) in sizes {
            if self.resize((w, h)).await {
                self.wait_testid(testid).await;
                self.screenshot(&format!("{stem}-{w}x{h}.png")).await;
            }
        }
        self.resize(before).await;
    }

    /// Saves a PNG screenshot of the window under `tests/artifacts/`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // WebKitGTK under Xvfb can hand out the last painted frame: let two frames render
        // first so the picture shows what the assertions just saw.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Errors the page reported (uncaught errors, rejections, console.error).
    pub async fn page_errors(&self) -> Vec<String> {
        match self
            .client
            .execute("return window.__overdueErrors || []", vec![])
            .await
        {
            Ok(v) => serde_json::from_value(v).unwrap_or_default(),
            Err(e) => vec![format!("could not read the page's errors: {e}")],
        }
    }

    /// Asserts the page reported no errors, then quits.
    pub async fn quit_without_page_errors(self) {
        let errors = self.page_errors().await;
        if !errors.is_empty() {
            self.quit().await;
            panic!("the page logged errors: {errors:?}");
        }
        self.quit().await;
    }

    /// Ends the session (closing the app) and stops tauri-driver.
    pub async fn quit(self) {
        let App {
            driver,
            client,
            _turn,
        } = self;
        let _ = client.close().await;
        drop(driver);
    }
}

/// Owns tauri-driver; stops it with SIGTERM on drop, also when a test panics (SIGKILL
/// would orphan WebKitWebDriver, which keeps pipes open and hangs the test run).
struct DriverProcess {
    child: Option<Child>,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// WebDriver's code for the Control key, for [`App::press`].
pub const CONTROL: char = '\u{e009}';
/// WebDriver's code for the Escape key.
pub const ESCAPE: char = '\u{e00c}';
/// WebDriver's code for the Enter key.
pub const ENTER: char = '\u{e007}';
/// WebDriver's code for the down arrow.
pub const ARROW_DOWN: char = '\u{e015}';

/// Runs the CLI on a home's database with `--json`, asserts it succeeded and parses the
/// answer.
pub fn cli_json(home: &Home, args: &[&str]) -> serde_json::Value {
    let db = home.database();
    let mut all = vec!["--db", s(&db)];
    all.extend_from_slice(args);
    all.push("--json");
    let (code, out, err) = cli(None, &all);
    assert_eq!(code, 0, "overdue {}: {err}", args.join(" "));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("overdue {}: {e}: {out}", args.join(" ")))
}

/// Runs the CLI with arguments (on a home's database when given); returns (exit code,
/// stdout, stderr).
pub fn cli(home: Option<&Home>, args: &[&str]) -> (i32, String, String) {
    cli_in(home, "2026-11-22", args)
}

/// The CLI with today pinned to `today` (YYYY-MM-DD).
pub fn cli_at(today: &str, args: &[&str]) -> (i32, String, String) {
    cli_in(None, today, args)
}

/// The CLI on the book at `db` with today pinned to `today`.
pub fn cli_on(db: &Path, today: &str, args: &[&str]) -> (i32, String, String) {
    cli_db(s(db), today, args)
}

/// The CLI on the book `db` names (a file or a `postgres://` URL), today pinned to `today`.
pub fn cli_db(db: &str, today: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    cli_at(today, &all)
}

/// [`cli_db`], which must succeed; its standard output.
pub fn cli_ok(db: &str, today: &str, args: &[&str]) -> String {
    let (code, out, err) = cli_db(db, today, args);
    assert_eq!(code, 0, "overdue {}: {err}", args.join(" "));
    out
}

/// The test server's administrator URL (`OVERDUE_TEST_PG_URL`), or `None` when there is
/// none and the test is skipped; CI sets `OVERDUE_REQUIRE_PG`, which makes a missing
/// server a failure instead.
pub fn pg_admin() -> Option<String> {
    let Ok(admin) = std::env::var("OVERDUE_TEST_PG_URL") else {
        assert!(
            std::env::var("OVERDUE_REQUIRE_PG").is_err(),
            "CI must provide PostgreSQL"
        );
        eprintln!("skipping: OVERDUE_TEST_PG_URL not set");
        return None;
    };
    Some(admin)
}

/// A shared book on the test server, set up as a small office's administrator would: an
/// ordinary login with CREATEROLE (no superuser) owns a new database.
#[derive(Debug)]
pub struct SharedBook {
    /// The owner's login.
    pub owner: String,
    /// The database's name.
    pub db: String,
    server: String,
}

impl SharedBook {
    /// `owner` and `db` get the process id appended (tests of several runs can share a
    /// server); an earlier run's leftovers are dropped first.
    pub fn create(admin: &str, owner: &str, db: &str) -> SharedBook {
        let pid = std::process::id();
        let book = SharedBook {
            owner: format!("{owner}{pid}"),
            db: format!("{db}{pid}"),
            server: admin[..admin.rfind('/').expect("a database in the URL")].to_string(),
        };
        for sql in [
            format!("DROP DATABASE IF EXISTS {}", book.db),
            format!("DROP ROLE IF EXISTS {}", book.owner),
            format!("CREATE ROLE {} LOGIN CREATEROLE", book.owner),
            format!("CREATE DATABASE {} OWNER {}", book.db, book.owner),
        ] {
            psql(admin, &sql);
        }
        book
    }

    /// The book's URL for `login`.
    pub fn url_of(&self, login: &str) -> String {
        let at = self.server.find('@').expect("a user in the URL");
        format!("postgres://{login}{}/{}", &self.server[at..], self.db)
    }

    /// The owner's URL.
    pub fn owner_url(&self) -> String {
        self.url_of(&self.owner)
    }

    /// The book's URL as the server's administrator.
    pub fn admin_url(&self) -> String {
        format!("{}/{}", self.server, self.db)
    }

    /// Drops the database (its sessions ended), its staff logins and its roles.
    pub fn drop(self, admin: &str, staff: &[&str]) {
        psql(admin, &format!("DROP DATABASE {} WITH (FORCE)", self.db));
        let groups = ["accountant", "collector", "viewer"].map(|r| format!("{}_{r}", self.db));
        for role in staff
            .iter()
            .copied()
            .chain([self.owner.as_str()])
            .chain(groups.iter().map(String::as_str))
        {
            psql(admin, &format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}

/// Runs SQL on the test server as its superuser (`psql`, as an administrator would).
pub fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cli_in(home: Option<&Home>, today: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(cli_binary());
    cmd.args(args)
        .env("OVERDUE_TODAY", today)
        .env_remove("OVERDUE_DB");
    if let Some(h) = home {
        cmd.env("XDG_DATA_HOME", h.data())
            .env("XDG_CONFIG_HOME", h.config());
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", cli_binary().display()));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The path as a `&str` (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
