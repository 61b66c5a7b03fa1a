//! Many hands at once (issue 18): separate `overdue` processes writing the same book, on a
//! SQLite file and on a PostgreSQL server, never show a person a raw database error and
//! never over-allocate; two dunning runs at once plan each step once.

#[path = "support/on_book.rs"]
mod on_book;
#[path = "../../overdue-api/tests/support/pg.rs"]
mod pg;

use std::process::Output;

use on_book::{json, ok, overdue, TODAY};
use std::thread;

fn open_of(db: &str, number: &str) -> String {
    json(db, &["invoices", "show", number])["invoice"]["open"]
        .as_str()
        .unwrap()
        .to_string()
}

/// 8 processes record 100 payments of 5.00 each on a debtor owing 2 x 1,000.00, all
/// naming INV-1: 4,000.00 paid against 2,000.00 owed. Every payment is recorded; both
/// invoices end at 0.00 and the 2,000.00 left over is the debtor's credit, not an
/// over-allocation.
fn payments_at_once(db: &str) {
    ok(
        db,
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "A1"],
    );
    for n in ["INV-1", "INV-2"] {
        ok(
            db,
            &[
                "invoices",
                "add",
                "--debtor",
                "A1",
                "--number",
                n,
                "--issue-date",
                "2026-10-01",
                "--amount",
                "1000.00",
            ],
        );
    }
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let db = db.to_string();
            thread::spawn(move || {
                (0..100)
                    .map(|_| {
                        overdue(
                            &db,
                            &[
                                "payments",
                                "add",
                                "--debtor",
                                "A1",
                                "--amount",
                                "5.00",
                                "--invoice",
                                "INV-1",
                            ],
                        )
                    })
                    .collect::<Vec<Output>>()
            })
        })
        .collect();
    let outputs: Vec<Output> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let failed: Vec<String> = outputs
        .iter()
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 800 failed: {failed:?}",
        failed.len()
    );
    assert_eq!(open_of(db, "INV-1"), "0.00");
    assert_eq!(open_of(db, "INV-2"), "0.00");
    // All 800 payments are on the account: 2,000.00 owed less 4,000.00 paid.
    let statement = json(
        db,
        &[
            "report",
            "statement",
            "--debtor",
            "A1",
            "--from",
            "2026-01-01",
            "--to",
            TODAY,
        ],
    );
    assert_eq!(statement["closing_balance"], "-2000.00");
}

/// Two dunning runs started together: each step is planned once. On PostgreSQL the second
/// run is refused in words naming the run in progress (or, when the first already
/// finished, plans nothing new); on SQLite the write lock makes them take turns.
fn dunning_runs_at_once(db: &str) {
    ok(db, &["demo", "--debtors", "30", "--invoices", "300"]);
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let db = db.to_string();
            thread::spawn(move || overdue(&db, &["dunning", "run", "--json"]))
        })
        .collect();
    let outputs: Vec<Output> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let mut ran = 0;
    for o in &outputs {
        let err = String::from_utf8_lossy(&o.stderr);
        if o.status.success() {
            ran += 1;
        } else {
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(
                err.contains("Another dunning run is in progress on this book"),
                "{err}"
            );
            assert!(!err.contains("duplicate key") && !err.contains("database is locked"));
        }
    }
    assert!(ran >= 1);
    // Each (debtor, step) once in the outbox, whoever planned it.
    let actions = json(db, &["dunning", "actions"]);
    let mut keys: Vec<(String, i64)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["debtor"].as_str().unwrap_or_default().to_string(),
                a["level"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    let n = keys.len();
    assert!(n > 0);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "a step planned twice");
}

#[test]
fn sqlite_processes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("payments.db").display().to_string();
    payments_at_once(&a);
    let b = dir.path().join("dunning.db").display().to_string();
    dunning_runs_at_once(&b);
}

#[test]
fn postgres_sessions_at_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(first) = rt.block_on(pg::TestDb::create("overdue_conc_pay")) else {
        return;
    };
    payments_at_once(&first.url);
    rt.block_on(first.drop());
    let second = rt.block_on(pg::TestDb::create("overdue_conc_run")).unwrap();
    dunning_runs_at_once(&second.url);
    rt.block_on(second.drop());
}
