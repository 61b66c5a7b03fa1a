//! The daily run when the window is closed (issue 17): `dunning schedule` writes the
//! systemd user units, the command they hold runs and records its outcome, a run that
//! cannot reach its book records why, and `--off` removes the job. The home, config and
//! data folders are a temporary folder, so nothing of the user's is touched; CI has no
//! systemd user session, so the units are checked as files and their command is run here.

use std::path::Path;
use std::process::{Command, Output};

/// `program` in the test's home: its config, data and state folders, and a fixed today.
fn in_home(home: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OVERDUE_TODAY", "2026-12-06");
    c
}

/// A job's command (`words[0]` the program) run as its scheduler would.
fn run_job(home: &Path, words: &[String]) -> Output {
    in_home(home, &words[0])
        .args(&words[1..])
        .output()
        .expect("the job's program runs")
}

/// `overdue ARGS`, never reaching the user's own systemd session.
fn overdue(home: &Path, args: &[&str]) -> Output {
    in_home(home, env!("CARGO_BIN_EXE_overdue"))
        .args(args)
        .env("OVERDUE_NO_SYSTEMCTL", "1")
        .output()
        .expect("the overdue binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `ExecStart=` split as systemd splits it.
fn exec_start(service: &str) -> Vec<String> {
    overdue_api::schedule::exec_start(service).expect("an ExecStart line")
}

/// The launchd agent's `ProgramArguments`, XML entities decoded.
fn plist_arguments(printed: &str) -> Vec<String> {
    let from = printed
        .find("<key>ProgramArguments</key>")
        .expect("an agent");
    let array = &printed[from..printed[from..].find("</array>").unwrap() + from];
    array
        .split("<string>")
        .skip(1)
        .map(|s| {
            s[..s.find("</string>").unwrap()]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The Windows task's `Command` and `Arguments`, the arguments split as
/// `CommandLineToArgvW` splits them (2n backslashes and a quote: n backslashes and a
/// quote that opens or closes; 2n+1: n backslashes and a literal quote).
fn windows_command(printed: &str) -> Vec<String> {
    let unxml = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let from = printed.find(&open).expect("a task") + open.len();
        unxml(&printed[from..from + printed[from..].find('<').unwrap()])
    };
    let mut words = vec![tag("Command")];
    let line: Vec<char> = tag("Arguments").chars().collect();
    let (mut cur, mut quoted, mut any, mut i) = (String::new(), false, false, 0);
    while i < line.len() {
        match line[i] {
            '\\' => {
                let n = line[i..].iter().take_while(|c| **c == '\\').count();
                i += n;
                if line.get(i) == Some(&'"') {
                    cur.push_str(&"\\".repeat(n / 2));
                    if n % 2 == 1 {
                        cur.push('"');
                        i += 1;
                    }
                } else {
                    cur.push_str(&"\\".repeat(n));
                }
                continue;
            }
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' | '\t' if !quoted => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
        i += 1;
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn last_run(home: &Path) -> serde_json::Value {
    let file = home.join("data/overdue/daily-run.json");
    serde_json::from_str(&std::fs::read_to_string(&file).expect("the run was recorded")).unwrap()
}

#[test]
fn the_daily_job_is_written_runs_and_records_what_it_did() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let db = home.join("Bücher mit Leerzeichen 100%.db");
    let db_s = db.display().to_string();
    let o = overdue(
        home,
        &[
            "--db",
            &db_s,
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "A1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    for (n, due) in [("INV-1", "2026-09-01"), ("INV-2", "2026-10-01")] {
        let o = overdue(
            home,
            &[
                "--db",
                &db_s,
                "invoices",
                "add",
                "--debtor",
                "A1",
                "--number",
                n,
                "--issue-date",
                due,
                "--amount",
                "500.00",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
    }

    // The files for every platform, without installing anything.
    let o = overdue(
        home,
        &[
            "--db", &db_s, "dunning", "schedule", "--print", "--at", "07:30",
        ],
    );
    let printed = text(&o);
    assert!(o.status.success(), "{printed}");
    assert!(printed.contains("OnCalendar=*-*-* 07:30:00"), "{printed}");
    assert!(
        printed.contains("<key>Hour</key>\n    <integer>7</integer>"),
        "{printed}"
    );
    assert!(
        printed.contains("<StartBoundary>2026-01-01T07:30:00</StartBoundary>"),
        "{printed}"
    );
    assert!(
        !home.join("config/systemd").exists(),
        "--print installs nothing"
    );

    // The launchd agent's and the Windows task's commands, read back as launchd and
    // CommandLineToArgvW read them, are the same command, and it runs here.
    let agent = plist_arguments(&printed);
    let task = windows_command(&printed);
    assert_eq!(agent, task, "the agent and the task run the same command");
    assert_eq!(agent[0], env!("CARGO_BIN_EXE_overdue"));
    assert_eq!(&agent[1..3], ["--db", db_s.as_str()]);
    let o = run_job(home, &agent);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(last_run(home)["ok"], true);

    // A bad time is refused, naming the field.
    let o = overdue(
        home,
        &["--db", &db_s, "dunning", "schedule", "--at", "7.30h"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a time of day"), "{}", text(&o));

    // Installed: the units and the link that enables the timer.
    let o = overdue(
        home,
        &["--db", &db_s, "dunning", "schedule", "--at", "07:30"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("The daily run is scheduled"),
        "{}",
        text(&o)
    );
    let units = home.join("config/systemd/user");
    let service = std::fs::read_to_string(units.join("overdue-daily-run.service")).unwrap();
    let timer = std::fs::read_to_string(units.join("overdue-daily-run.timer")).unwrap();
    assert!(timer.contains("OnCalendar=*-*-* 07:30:00") && timer.contains("Persistent=true"));
    assert!(
        std::fs::symlink_metadata(units.join("timers.target.wants/overdue-daily-run.timer"))
            .is_ok()
    );

    // The command the service holds, run as systemd would run it.
    let words = exec_start(&service);
    assert_eq!(words[0], env!("CARGO_BIN_EXE_overdue"));
    assert_eq!(&words[1..3], ["--db", db_s.as_str()]);
    assert_eq!(words.last().unwrap(), "--scheduled");
    let o = run_job(home, &words);
    assert!(o.status.success(), "{}", text(&o));
    let run = last_run(home);
    assert_eq!(run["ok"], true, "{run}");
    assert_eq!(run["db"], db_s.as_str());
    assert!(
        run["summary"]
            .as_str()
            .unwrap()
            .contains("planned for approval"),
        "{run}"
    );
    let planned = overdue(home, &["--db", &db_s, "--json", "dunning", "actions"]);
    assert!(String::from_utf8_lossy(&planned.stdout).contains("A1"));

    // `dunning schedule` without changes says when it last ran.
    let o = overdue(
        home,
        &["--db", &db_s, "dunning", "schedule", "--at", "07:30"],
    );
    assert!(text(&o).contains("Last run: "), "{}", text(&o));

    // A run that cannot reach its book records why.
    let o = overdue(
        home,
        &[
            "--db",
            "postgres://nobody@127.0.0.1:1/book",
            "dunning",
            "run",
            "--scheduled",
        ],
    );
    assert!(!o.status.success());
    let run = last_run(home);
    assert_eq!(run["ok"], false, "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("no PostgreSQL server answers"),
        "{run}"
    );

    // Off: the units and the link are gone.
    let o = overdue(home, &["--db", &db_s, "dunning", "schedule", "--off"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("no longer scheduled"), "{}", text(&o));
    assert!(!units.join("overdue-daily-run.timer").exists());
    assert!(!units.join("overdue-daily-run.service").exists());
    assert!(
        std::fs::symlink_metadata(units.join("timers.target.wants/overdue-daily-run.timer"))
            .is_err()
    );
}

/// After a scheduled run the desktop is told what was done and what needs a person: a
/// freedesktop `Notify` call on the session bus, read by `dbus-monitor` as a notification
/// service would receive it. The test script runs the Rust tests inside a D-Bus session
/// (`dbus-run-session`, for the keyring) and says so with OVERDUE_TEST_KEYRING; elsewhere,
/// without a session bus, there is no desktop to tell and the test says it was not run.
#[test]
fn a_scheduled_run_notifies_the_desktop_with_what_needs_a_person() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(
            std::env::var_os("OVERDUE_TEST_KEYRING").is_none(),
            "the test script promised a D-Bus session"
        );
        eprintln!("no D-Bus session bus: the desktop notification is not tried");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let db = home.join("book.db");
    let db_s = db.display().to_string();
    for args in [
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "A1"][..],
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
            "500.00",
        ][..],
    ] {
        let mut all = vec!["--db", db_s.as_str()];
        all.extend_from_slice(args);
        let o = overdue(home, &all);
        assert!(o.status.success(), "{}", text(&o));
    }
    let mut monitor = Command::new("dbus-monitor")
        .args([
            "--session",
            "type=method_call,interface=org.freedesktop.Notifications,member=Notify",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("dbus-monitor runs (package dbus-bin)");
    let mut stdout = monitor.stdout.take().unwrap();
    // The monitor is listening once the bus has told it its name.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0
                || tx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    let mut seen = String::new();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains("NameAcquired") && std::time::Instant::now() < until {
        if let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            seen.push_str(&chunk);
        }
    }
    let o = overdue(home, &["--db", &db_s, "dunning", "run", "--scheduled"]);
    assert!(o.status.success(), "{}", text(&o));
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // The whole call has been printed once its body (the last string) is there.
    while !seen.contains("Needs a person") {
        if std::time::Instant::now() > until {
            break;
        }
        if let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            seen.push_str(&chunk);
        }
    }
    let _ = monitor.kill();
    let _ = monitor.wait();
    let notify = seen
        .split("method call")
        .find(|m| m.contains("member=Notify"))
        .unwrap_or_else(|| panic!("no Notify call on the session bus: {seen}"));
    assert!(notify.contains("string \"Overdue\""), "{notify}");
    assert!(
        notify.contains("string \"Overdue: reminders are ready for approval\""),
        "{notify}"
    );
    assert!(
        notify.contains("string \"1 planned for approval")
            && notify.contains("Needs a person: 1 email to approve."),
        "{notify}"
    );
}
