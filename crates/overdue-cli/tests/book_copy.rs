//! `overdue book copy` (issue 18): the demo book from a SQLite file to a new PostgreSQL
//! database and back to a new file through the real binary, the same rows and checksums
//! both ways, the same debtors and balances in all three; a copy into a book that holds
//! data is refused with exit code 2 and changes nothing.

#[path = "../../overdue-api/tests/support/pg.rs"]
mod pg;

use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "2026-12-06";

fn overdue(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_overdue"))
        .args(args)
        .env("OVERDUE_TODAY", TODAY)
        .output()
        .expect("the overdue binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = overdue(args);
    assert!(
        out.status.success(),
        "overdue {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut with = args.to_vec();
    with.push("--json");
    serde_json::from_str(&ok(&with)).expect("JSON out")
}

/// A book's debtors with their balances, as `debtors list` shows them.
fn debtors(db: &str) -> serde_json::Value {
    json(&["--db", db, "debtors", "list", "--limit", "1000"])
}

fn demo_book(dir: &Path) -> String {
    let db = dir.join("laptop.db").display().to_string();
    ok(&["--db", &db, "demo", "--debtors", "30", "--invoices", "200"]);
    let contract = dir.join("contract.bin");
    std::fs::write(&contract, (0..=255u8).collect::<Vec<_>>()).unwrap();
    let first = debtors(&db)["rows"][0]["external_ref"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&[
        "--db",
        &db,
        "attach",
        "--debtor",
        &first,
        contract.to_str().unwrap(),
    ]);
    db
}

#[test]
fn the_demo_book_goes_to_postgresql_and_back_through_the_cli() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(server) = runtime.block_on(pg::TestDb::create("overdue_cli_book_copy")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let laptop = demo_book(dir.path());
    let back = dir.path().join("back.db").display().to_string();

    let there = json(&["book", "copy", "--from", &laptop, "--to", &server.url]);
    let home = json(&["book", "copy", "--from", &server.url, "--to", &back]);
    let tables = there["tables"].as_array().unwrap();
    assert!(tables.len() > 40, "every table: {there}");
    assert_eq!(
        there["tables"], home["tables"],
        "the same rows and checksums there and back: SQLite -> PostgreSQL -> SQLite is identical"
    );
    for t in ["debtors", "invoices", "events", "attachments", "audit_log"] {
        assert!(
            tables
                .iter()
                .any(|x| x["table"] == t && x["rows"].as_u64() > Some(0)),
            "{t} copied with its rows"
        );
    }
    assert_eq!(
        debtors(&server.url),
        debtors(&laptop),
        "the office sees the same book"
    );
    assert_eq!(
        debtors(&back),
        debtors(&laptop),
        "and so does the laptop again"
    );

    // Into a book that holds data: refused with exit code 2, nothing written.
    for target in [&server.url, &back] {
        let out = overdue(&["book", "copy", "--from", &laptop, "--to", target]);
        assert_eq!(out.status.code(), Some(2), "a refusal is bad input");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("The target book is not empty: table debtors holds 30 rows"),
            "{err}"
        );
    }
    assert_eq!(
        json(&[
            "book",
            "copy",
            "--from",
            &server.url,
            "--to",
            &dir.path().join("again.db").display().to_string()
        ])["tables"],
        there["tables"],
        "the server's book is as it was after the refusal"
    );

    // A file to a file, as the summary reads.
    let text = ok(&[
        "book",
        "copy",
        "--from",
        &laptop,
        "--to",
        &dir.path().join("copy.db").display().to_string(),
    ]);
    // A file to a file copies SQLite's own audit_actor too: one table more.
    let listed = text.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(listed, tables.len() + 1, "a line per table: {text}");
    assert!(
        text.contains(&format!(
            "Verified: counts and checksums match in {listed} tables."
        )),
        "{text}"
    );
    assert!(text.contains("  debtors "), "a line per table: {text}");
    runtime.block_on(server.drop());
}
