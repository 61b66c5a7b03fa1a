//! The `overdue` binary as a script or a user runs it: exit codes, messages on stderr,
//! JSON on stdout, the database created on first use.

use overdue_e2e::{cli, s, Home};

#[test]
fn debtors_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new").join("book.db");
    let db = s(&db);
    let (code, out, err) = cli(
        None,
        &[
            "--db",
            db,
            "debtors",
            "add",
            "--name",
            "Şahin Oto A.Ş.",
            "--ref",
            "TR-1",
            "--email",
            "muhasebe@sahin.com.tr",
            "--city",
            "İstanbul",
            "--country",
            "TR",
            "--currency",
            "TRY",
            "--terms",
            "45",
            "--credit-limit",
            "250000.00",
        ],
    );
    assert_eq!(code, 0, "add failed: {err}");
    assert!(out.contains("Added debtor #1 Şahin Oto A.Ş."), "{out}");
    assert!(
        std::path::Path::new(db).exists(),
        "--db creates the file and its folder"
    );

    let (code, out, _) = cli(None, &["--db", db, "debtors", "search", "sahin", "--json"]);
    assert_eq!(code, 0);
    let page: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["name"], "Şahin Oto A.Ş.");
    assert_eq!(
        page["rows"][0]["open_balance"], "0.00",
        "amounts are decimal strings"
    );

    let (code, out, _) = cli(None, &["--db", db, "debtors", "show", "TR-1", "--json"]);
    assert_eq!(code, 0);
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (d["payment_terms_days"].as_u64(), d["credit_limit"].as_str()),
        (Some(45), Some("250000.00"))
    );

    let (code, _, _) = cli(None, &["--db", db, "debtors", "archive", "TR-1"]);
    assert_eq!(code, 0);
    let (_, out, _) = cli(None, &["--db", db, "debtors", "list", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"],
        0,
        "archived debtors leave the list"
    );
    let (_, out, _) = cli(
        None,
        &["--db", db, "debtors", "list", "--archived", "--json"],
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"],
        1
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let db = s(&db);
    let (code, _, err) = cli(
        None,
        &[
            "--db",
            db,
            "debtors",
            "add",
            "--name",
            "X",
            "--email",
            "not-an-email",
            "--currency",
            "XYZ",
            "--credit-limit=-5",
        ],
    );
    assert_eq!(code, 2, "bad input exits 2");
    assert!(
        err.contains("contacts[0].email: \"not-an-email\" is not an email address."),
        "{err}"
    );
    assert!(err.contains("currency: Unknown currency \"XYZ\""), "{err}");
    assert!(
        err.contains("credit_limit: The credit limit cannot be negative."),
        "{err}"
    );

    let (code, _, err) = cli(None, &["--db", db, "debtors", "add", "--name", "   "]);
    assert_eq!((code, err.trim()), (2, "error: Enter the debtor's name."));

    let (code, _, err) = cli(None, &["--db", db, "debtors", "show", "NOPE", "--json"]);
    assert_eq!(code, 2);
    let e: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(e["code"], "not_found", "errors cross as {{code, message}}");

    let (_, out, _) = cli(None, &["--db", db, "info", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["debtors"],
        0,
        "nothing half-written"
    );
}

#[test]
fn demo_data_is_deterministic_and_realistic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        let (code, out, err) = cli(
            None,
            &[
                "--db",
                s(db),
                "demo",
                "--debtors",
                "300",
                "--invoices",
                "4000",
                "--seed",
                "42",
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("Loaded 300 debtors, 4000 invoices, "),
            "{out}"
        );
    }
    let list = |db: &std::path::Path| {
        cli(
            None,
            &["--db", s(db), "debtors", "list", "--limit", "50", "--json"],
        )
        .1
    };
    assert_eq!(list(&a), list(&b), "the same seed gives the same book");
    let page: serde_json::Value = serde_json::from_str(&list(&a)).unwrap();
    let currencies: std::collections::BTreeSet<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["currency"].as_str().unwrap())
        .collect();
    assert!(currencies.len() >= 3, "several currencies: {currencies:?}");
    assert!(
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["name"].as_str().unwrap().is_ascii()),
        "non-ASCII names"
    );
    let (code, _, err) = cli(
        None,
        &[
            "--db",
            s(&a),
            "demo",
            "--debtors",
            "300",
            "--invoices",
            "4000",
            "--seed",
            "42",
        ],
    );
    assert_eq!(code, 2, "loading the same seed twice is refused whole");
    assert!(err.contains("already"), "{err}");
}

#[test]
fn without_db_the_cli_uses_the_apps_default_database() {
    let home = Home::new();
    let (code, _, err) = cli(
        Some(&home),
        &["debtors", "add", "--name", "Müller GmbH", "--country", "DE"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        home.database().exists(),
        "default database at $XDG_DATA_HOME/overdue/overdue.db"
    );
}
