//! Hostile input through the CLI (issue 17): each case was tried and went wrong; each is a
//! regression test here, with the rule it now follows.

use std::path::Path;
use std::process::Command;

fn overdue(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", "2026-04-30")
        .output()
        .expect("the overdue binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(db: &Path, args: &[&str]) -> String {
    let (code, out, err) = overdue(db, args);
    assert_eq!(code, 0, "overdue {args:?} failed: {err}");
    out
}

fn refused(db: &Path, args: &[&str], says: &str) {
    let (code, out, err) = overdue(db, args);
    assert_eq!(code, 2, "overdue {args:?} must be refused: {out}{err}");
    assert!(err.contains(says), "overdue {args:?} says {says:?}: {err}");
}

fn invoice<'a>(number: &'a str, issue: &'a str, amount: &'a str) -> Vec<&'a str> {
    vec![
        "invoices",
        "add",
        "--debtor",
        "H1",
        "--number",
        number,
        "--issue-date",
        issue,
        "--amount",
        amount,
    ]
}

#[test]
fn amounts_dates_and_invoice_numbers_that_break_a_book_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(&db, &["debtors", "add", "--name", "Acme", "--ref", "H1"]);
    // Two amounts of 50,000,000,000,000,000.00 used to make every total overflow.
    refused(
        &db,
        &invoice("BIG-1", "2026-01-01", "50000000000000000.00"),
        "more than the largest amount Overdue keeps (999999999999.99 EUR)",
    );
    ok(&db, &invoice("MAX-1", "2026-01-01", "999999999999.99"));
    ok(&db, &invoice("MAX-2", "2026-01-01", "999999999999.99"));
    let list = ok(&db, &["debtors", "list", "--sort", "overdue-balance"]);
    assert!(list.contains("1999999999999.98"), "{list}");
    ok(
        &db,
        &[
            "report",
            "metrics",
            "--from",
            "2026-01-01",
            "--to",
            "2026-04-30",
        ],
    );
    refused(
        &db,
        &invoice("OLD-1", "0000-01-01", "1.00"),
        "outside the dates Overdue accepts (1900-01-01 to 2199-12-31)",
    );
    refused(
        &db,
        &invoice("FAR-1", "9999-12-31", "1.00"),
        "outside the dates Overdue accepts",
    );
    refused(
        &db,
        &invoice("AB\u{202E}C", "2026-01-01", "1.00"),
        "invisible character U+202E",
    );
    // The same through a CSV import: all rows or none, each problem named by line.
    let csv = dir.path().join("inv.csv");
    std::fs::write(
        &csv,
        "number,debtor_external_id,issue_date,amount\nOK-1,H1,2026-02-01,10.00\nX\u{2067}1,H1,2026-02-01,10.00\nOK-2,H1,1850-02-01,10.00\nOK-3,H1,2026-02-01,50000000000000000.00\n",
    )
    .unwrap();
    let (code, _, err) = overdue(&db, &["import", "invoices", csv.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    for says in [
        "inv.csv:3: number",
        "U+2067",
        "inv.csv:4: issue_date",
        "1900-01-01",
        "inv.csv:5: amount",
        "largest amount",
    ] {
        assert!(err.contains(says), "{says:?} in {err}");
    }
    let shown = ok(&db, &["invoices", "list"]);
    assert!(!shown.contains("OK-1"), "nothing half-written: {shown}");
}

#[test]
fn a_csv_export_never_hands_a_spreadsheet_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    ok(
        &db,
        &[
            "debtors",
            "add",
            "--name",
            "=HYPERLINK(\"http://evil\")",
            "--ref",
            "H1",
        ],
    );
    ok(&db, &invoice("+cmd|' /C calc'!A0", "2026-01-01", "100.00"));
    ok(
        &db,
        &[
            "payments",
            "add",
            "--debtor",
            "H1",
            "--amount",
            "30.00",
            "--date",
            "2026-02-01",
        ],
    );
    let out = dir.path().join("x.csv");
    ok(&db, &["export", "invoices", "--out", out.to_str().unwrap()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("'+cmd|' /C calc'!A0"), "{text}");
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{text}"
    );
    // Amounts stay numbers.
    assert!(text.contains(",100.00,70.00,"), "{text}");
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            let c = cell.trim_start_matches('"');
            assert!(
                !c.starts_with(['=', '+', '@']),
                "a live formula: {cell} in {line}"
            );
        }
    }
}

#[test]
fn a_mistyped_book_is_not_created_by_a_command_that_only_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo").join("bok.db");
    for args in [
        vec!["info"],
        vec!["debtors", "list"],
        vec!["invoices", "list"],
        vec!["report", "aging"],
    ] {
        let (code, _, err) = overdue(&db, &args);
        assert_ne!(code, 0, "{args:?}");
        assert!(
            err.contains("There is no book at") && err.contains("nothing was created"),
            "{err}"
        );
    }
    assert!(
        !dir.path().join("typo").exists(),
        "no folder, no empty book"
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    ok(&db, &["demo", "--debtors", "300", "--invoices", "600"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(&db)
        .args(["debtors", "list", "--limit", "300"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then go away like `| head -1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let _ = std::io::Read::read(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn ibans_and_email_addresses_are_checked_by_their_standards() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    // Check digits right, but no such country (XX) or the wrong length for Germany.
    for iban in ["XX0912345678901234567890", "DE543704004405320130001"] {
        let head = dir.path().join("lh.json");
        std::fs::write(
            &head,
            format!(r#"{{"name":"Seller AG","country":"DE","iban":"{iban}"}}"#),
        )
        .unwrap();
        refused(
            &db,
            &["pdf", "letterhead", "--set", head.to_str().unwrap()],
            "IBAN",
        );
    }
    refused(
        &db,
        &[
            "debtors",
            "add",
            "--name",
            "Acme",
            "--email",
            "ap@acme..test",
        ],
        "email",
    );
    ok(
        &db,
        &[
            "debtors",
            "add",
            "--name",
            "Acme",
            "--email",
            "ap@acme.test",
        ],
    );
}

#[test]
fn an_attachment_larger_than_the_limit_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["debtors", "add", "--name", "Acme", "--ref", "H1"]);
    let big = dir.path().join("big.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(30 * 1000 * 1000).unwrap();
    refused(
        &db,
        &["attach", "--debtor", "H1", big.to_str().unwrap()],
        "larger than the 25 MB an attachment may be",
    );
    // A device that never ends is refused too, without reading it all.
    refused(
        &db,
        &["attach", "--debtor", "H1", "/dev/zero"],
        "larger than the 25 MB",
    );
    let small = dir.path().join("terms.txt");
    std::fs::write(&small, "Payment within 30 days.").unwrap();
    ok(&db, &["attach", "--debtor", "H1", small.to_str().unwrap()]);
}

/// A PostgreSQL address nobody answers at: said at once and plainly, not as the pool's
/// "timed out" after ten seconds of retries.
#[test]
fn a_postgres_server_that_is_not_there_is_named_at_once() {
    // Find a local port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://overdue@127.0.0.1:{port}/books");
    let (code, out, err) = overdue(Path::new(&url), &["info"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains(&format!(
            "no PostgreSQL server answers at 127.0.0.1:{port} (connection refused)"
        )),
        "{err}"
    );
    assert!(!err.contains("pool timed out"), "{err}");
}

/// A quote opened and never closed swallows the rest of the file into one value: the
/// message says that, on the line where it opens, instead of counting fields.
#[test]
fn an_unclosed_quote_is_named_where_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let csv = dir.path().join("debtors.csv");
    std::fs::write(
        &csv,
        "external_id,name,currency\nX0,Fine Ltd,EUR\nX1,\"Broken Name,EUR\nX2,Fine,EUR\n",
    )
    .unwrap();
    refused(
        &db,
        &["import", "debtors", csv.to_str().unwrap()],
        "debtors.csv:3: line: a quote (\") opens the value of name and is never closed",
    );
    let list = ok(&db, &["debtors", "list", "--json"]);
    assert!(!list.contains("Fine Ltd"), "nothing is imported: {list}");
}
