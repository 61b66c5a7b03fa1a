//! A shared office (issue 18): staff with their own logins and roles enforced by the
//! database (through the `overdue` binary and through raw SQL with each login), the audit
//! trail of who changed what, and `audit verify` naming an event forged by the superuser.
//! The same audit trail and chain on a SQLite book.

#[path = "support/on_book.rs"]
mod on_book;
#[path = "../../overdue-api/tests/support/pg.rs"]
mod pg;

use on_book::{json, ok, overdue};

use sqlx::postgres::PgPoolOptions;
use sqlx::AssertSqlSafe;

/// A small book: a debtor with overdue invoices (INV-D0..D3 for each role to dispute).
fn book(db: &str) {
    ok(
        db,
        &[
            "debtors",
            "add",
            "--name",
            "Acme GmbH",
            "--ref",
            "A1",
            "--country",
            "DE",
            "--email",
            "ap@acme.example",
        ],
    );
    for n in ["INV-1", "INV-2", "INV-D0", "INV-D1", "INV-D2", "INV-D3"] {
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
                "2026-09-01",
                "--amount",
                "1000.00",
            ],
        );
    }
}

/// `overdue audit verify` fails naming `event` (exit 2).
fn verify_names(db: &str, event: i64) {
    let out = overdue(db, &["audit", "verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("event {event} ")), "{err}");
}

#[test]
fn staff_roles_are_enforced_by_the_database_and_every_change_is_on_record() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(server) = rt.block_on(pg::TestDb::create("overdue_staff")) else {
        return;
    };
    // The book's owner: an ordinary login with CREATEROLE that owns the database (no
    // superuser), as a small office's administrator would set it up.
    let pid = std::process::id();
    let owner = format!("boss{pid}");
    let dbname = format!("office{pid}");
    let base = &server.url[..server.url.rfind('/').unwrap()];
    let admin_url = server.url.clone();
    rt.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .unwrap();
        for sql in [
            format!("DROP DATABASE IF EXISTS {dbname}"),
            format!("DROP ROLE IF EXISTS {owner}"),
            format!("CREATE ROLE {owner} LOGIN CREATEROLE"),
            format!("CREATE DATABASE {dbname} OWNER {owner}"),
        ] {
            sqlx::query(AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        admin.close().await;
    });
    let url_of = |login: &str| {
        let at = base.find('@').unwrap();
        let scheme = &base[..base.find("://").unwrap() + 3];
        format!("{scheme}{login}{}/{dbname}", &base[at..])
    };
    let boss = url_of(&owner);
    book(&boss);
    let who = |login: &str| format!("{login}{pid}");
    let (acct, coll, view) = (who("tom"), who("maria"), who("vera"));
    for (login, name, role) in [
        (&acct, "Tom Berger", "accountant"),
        (&coll, "Maria Rossi", "collector"),
        (&view, "Vera Lind", "viewer"),
    ] {
        let added = json(
            &boss,
            &[
                "staff", "add", "--login", login, "--name", name, "--role", role,
            ],
        );
        assert!(added["password"].as_str().unwrap().len() >= 20, "{added}");
    }
    // A second add of the same login, a bad login and a bad role are refused in words.
    let again = overdue(
        &boss,
        &[
            "staff", "add", "--login", &acct, "--name", "x", "--role", "viewer",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    let bad = overdue(
        &boss,
        &[
            "staff", "add", "--login", "Tom B", "--name", "x", "--role", "viewer",
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot be a login"));
    let list = json(&boss, &["staff", "list"]);
    let roles: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["login"].as_str().unwrap().to_string(),
                s["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            (owner.clone(), "owner".to_string()),
            (acct.clone(), "accountant".to_string()),
            (coll.clone(), "collector".to_string()),
            (view.clone(), "viewer".to_string()),
        ]
    );

    // Every role x every command: allowed, or refused with exit 2 naming the role.
    let letterhead = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        letterhead.path(),
        r#"{"name": "Seller AG", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}"#,
    )
    .unwrap();
    let lh = letterhead.path().to_str().unwrap().to_string();
    let logins = [
        (&owner, "owner"),
        (&acct, "accountant"),
        (&coll, "collector"),
        (&view, "viewer"),
    ];
    for (i, (login, role)) in logins.iter().enumerate() {
        let db = url_of(login);
        let reference = format!("N{i}");
        let number = format!("INV-X{i}");
        let date = format!("2026-12-1{i}");
        let disputed = format!("INV-D{i}");
        let matrix: Vec<(Vec<&str>, &[&str])> = vec![
            (
                vec!["debtors", "add", "--name", "New Co", "--ref", &reference],
                &["owner", "accountant"],
            ),
            (
                vec![
                    "invoices",
                    "add",
                    "--debtor",
                    "A1",
                    "--number",
                    &number,
                    "--issue-date",
                    "2026-10-01",
                    "--amount",
                    "50.00",
                ],
                &["owner", "accountant"],
            ),
            (
                vec!["payments", "add", "--debtor", "A1", "--amount", "10.00"],
                &["owner", "accountant"],
            ),
            (
                vec![
                    "promise", "add", "--debtor", "A1", "--amount", "5.00", "--date", &date,
                ],
                &["owner", "collector"],
            ),
            (
                vec![
                    "invoices",
                    "dispute",
                    &disputed,
                    "--reason",
                    "Goods damaged",
                ],
                &["owner", "accountant", "collector"],
            ),
            (vec!["pdf", "letterhead", "--set", &lh], &["owner"]),
            (
                vec![
                    "staff", "add", "--login", "zz", "--name", "Z", "--role", "viewer",
                ],
                &["owner"],
            ),
            (
                vec!["debtors", "list"],
                &["owner", "accountant", "collector", "viewer"],
            ),
            (
                vec!["audit", "log", "--limit", "3"],
                &["owner", "accountant", "collector", "viewer"],
            ),
            (
                vec!["staff", "whoami"],
                &["owner", "accountant", "collector", "viewer"],
            ),
        ];
        for (args, allowed) in matrix {
            if args[0] == "staff" && args[1] == "add" && *role == "owner" {
                continue; // the owner's adding is tried above
            }
            let out = overdue(&db, &args);
            let err = String::from_utf8_lossy(&out.stderr);
            if allowed.contains(role) {
                assert!(out.status.success(), "{role} {args:?}: {err}");
            } else {
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{role} {args:?} should be refused: {err}"
                );
                assert!(
                    err.contains(&format!("({role})")) && err.contains("may"),
                    "{role} {args:?}: {err}"
                );
                assert!(!err.contains("permission denied"), "{err}");
            }
        }
    }
    let me = json(&url_of(&coll), &["staff", "whoami"]);
    assert_eq!(me["role"], "collector");

    // The same through raw SQL with each login: no role can do more than the app lets it.
    rt.block_on(async {
        for (login, role) in logins {
            let pool = PgPoolOptions::new().max_connections(1).connect(&url_of(login)).await.unwrap();
            let tries = [
                ("UPDATE invoices SET amount_minor = 1 WHERE number = 'INV-1'", &[][..]),
                ("UPDATE invoices SET open_minor = 0 WHERE number = 'INV-1'", &[][..]),
                ("UPDATE invoices SET description = 'x' WHERE number = 'INV-1'", &["owner", "accountant"][..]),
                ("DELETE FROM events", &[][..]),
                ("UPDATE events SET summary = 'x'", &[][..]),
                ("DELETE FROM audit_log", &[][..]),
                ("INSERT INTO audit_log (at, login, tbl, action, row_key) VALUES (now(), 'x', 'x', 'insert', '1')", &[][..]),
                ("UPDATE settings SET value = value", &["owner"][..]),
                ("DELETE FROM staff", &["owner"][..]),
                ("ALTER TABLE events DISABLE TRIGGER USER", &["owner"][..]),
                ("SELECT count(*) FROM invoices", &["owner", "accountant", "collector", "viewer"][..]),
            ];
            for (sql, allowed) in tries {
                let mut tx = pool.begin().await.unwrap();
                let r = sqlx::query(AssertSqlSafe(sql)).execute(&mut *tx).await;
                tx.rollback().await.unwrap();
                assert_eq!(r.is_ok(), allowed.contains(&role), "{role}: {sql}: {r:?}");
            }
            pool.close().await;
        }
    });

    // Who did what: the accountant's payment and the owner's letterhead, by login.
    let log = json(&boss, &["audit", "log", "--debtor", "A1"]);
    let entries = log.as_array().unwrap();
    let by = |login: &str, table: &str, action: &str| {
        entries.iter().any(|e| {
            e["login"] == login
                && e["table"] == table
                && e["action"] == action
                && e["debtor"] == "A1"
        })
    };
    assert!(by(&acct, "payments", "insert"), "{log}");
    assert!(by(&acct, "allocations", "insert"), "{log}");
    assert!(
        by(&coll, "invoices", "update"),
        "the collector's dispute: {log}"
    );
    let payment = entries
        .iter()
        .find(|e| e["login"] == acct.as_str() && e["table"] == "payments")
        .unwrap();
    assert_eq!(payment["new"]["amount_minor"], 1000);
    assert!(payment["at"].as_str().unwrap().starts_with("20"));
    let all = json(&boss, &["audit", "log", "--since", "2000-01-01"]);
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["login"] == owner.as_str() && e["table"] == "settings"));
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["login"] == owner.as_str() && e["table"] == "staff"));

    // A collector settles within the owner's limit (10 % until set): 5 % off is agreed,
    // 40 % off is refused by the database naming the limit; the owner raises it to 50.
    let collector = url_of(&coll);
    let settle = |db: &str, percent: &str| {
        overdue(
            db,
            &[
                "settlement",
                "offer",
                "--debtor",
                "A1",
                "--invoices",
                "INV-1",
                "--percent",
                percent,
                "--deadline",
                "2026-12-31",
            ],
        )
    };
    let within = settle(&collector, "95");
    assert!(
        within.status.success(),
        "{}",
        String::from_utf8_lossy(&within.stderr)
    );
    let over = settle(&collector, "60");
    let err = String::from_utf8_lossy(&over.stderr);
    assert_eq!(over.status.code(), Some(2), "{err}");
    assert!(
        err.contains("(collector)") && err.contains("up to 10 % off"),
        "{err}"
    );
    let refused = overdue(&collector, &["staff", "settlement-limit", "50"]);
    assert_eq!(refused.status.code(), Some(2));
    let bad = overdue(&boss, &["staff", "settlement-limit", "150"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(ok(&boss, &["staff", "settlement-limit", "50"]).contains("up to 50 %"));
    let now_within = settle(&collector, "60");
    assert!(
        now_within.status.success(),
        "{}",
        String::from_utf8_lossy(&now_within.stderr)
    );

    // The role changes and the staff member leaves; their history stays.
    ok(&boss, &["staff", "role", &view, "collector"]);
    ok(
        &url_of(&view),
        &[
            "promise",
            "add",
            "--debtor",
            "A1",
            "--amount",
            "1.00",
            "--date",
            "2026-12-24",
        ],
    );
    ok(&boss, &["staff", "remove", &view]);
    let gone = overdue(&url_of(&view), &["debtors", "list"]);
    assert_ne!(gone.status.code(), Some(0));
    let self_remove = overdue(&boss, &["staff", "remove", &owner]);
    assert_eq!(self_remove.status.code(), Some(2));

    // The contact log is intact; a change by the superuser is named.
    let intact = json(&boss, &["audit", "verify"]);
    assert_eq!(intact["intact"], true, "{intact}");
    assert!(intact["events"].as_u64().unwrap() >= 4, "{intact}");
    let forged: i64 = rt.block_on(async {
        let admin_db = format!("{}/{dbname}", &admin_url[..admin_url.rfind('/').unwrap()]);
        let su = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_db)
            .await
            .unwrap();
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM events")
            .fetch_one(&su)
            .await
            .unwrap();
        for sql in [
            "ALTER TABLE events DISABLE TRIGGER USER".to_string(),
            format!("UPDATE events SET summary = summary || ' (edited)' WHERE id = {id}"),
            "ALTER TABLE events ENABLE TRIGGER USER".to_string(),
        ] {
            sqlx::query(AssertSqlSafe(sql)).execute(&su).await.unwrap();
        }
        su.close().await;
        id
    });
    verify_names(&boss, forged);

    rt.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .unwrap();
        for sql in [format!("DROP DATABASE {dbname}")]
            .into_iter()
            .chain(
                [&acct, &coll, &view, &owner]
                    .iter()
                    .map(|l| format!("DROP ROLE IF EXISTS {l}")),
            )
            .chain(
                ["accountant", "collector", "viewer"]
                    .iter()
                    .map(|r| format!("DROP ROLE IF EXISTS {dbname}_{r}")),
            )
        {
            sqlx::query(AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        admin.close().await;
    });
    rt.block_on(server.drop());
}

#[test]
fn a_sqlite_book_keeps_the_same_audit_trail_and_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db").to_str().unwrap().to_string();
    book(&db);
    ok(
        &db,
        &[
            "payments",
            "add",
            "--debtor",
            "A1",
            "--amount",
            "250.00",
            "--invoice",
            "INV-1",
        ],
    );
    ok(
        &db,
        &["invoices", "dispute", "INV-2", "--reason", "Goods damaged"],
    );
    for date in ["2026-12-20", "2026-12-27"] {
        ok(
            &db,
            &[
                "promise", "add", "--debtor", "A1", "--amount", "100.00", "--date", date,
            ],
        );
    }
    let me = json(&db, &["staff", "whoami"]);
    assert_eq!(me["role"], "owner");
    assert_eq!(me["shared"], false);
    let login = me["login"].as_str().unwrap().to_string();
    let log = json(&db, &["audit", "log", "--debtor", "A1"]);
    let entries = log.as_array().unwrap();
    // The payment and its allocation are on record; the balances they move are not
    // entries of their own.
    let allocation = entries
        .iter()
        .find(|e| e["table"] == "allocations" && e["action"] == "insert")
        .unwrap_or_else(|| panic!("the payment's allocation: {log}"));
    assert_eq!(allocation["new"]["amount_minor"], 25000);
    assert_eq!(allocation["login"], login.as_str());
    assert!(
        !entries.iter().any(|e| e["table"] == "invoices"
            && e["action"] == "update"
            && e["new"]["disputed_at"].is_null()),
        "a balance-only update recorded: {log}"
    );
    // The dispute is a change of the invoice, with what changed.
    let text = ok(&db, &["audit", "log", "--debtor", "A1"]);
    assert!(
        text.contains("changed invoices")
            && text.contains("dispute_reason: \"\" -> \"Goods damaged\""),
        "{text}"
    );
    assert!(text.contains("added allocations"), "{text}");
    // Staff need a server.
    let out = overdue(
        &db,
        &[
            "staff", "add", "--login", "maria", "--name", "M", "--role", "viewer",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL"));
    // Bad input.
    let out = overdue(&db, &["audit", "log", "--since", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2));

    assert_eq!(json(&db, &["audit", "verify"])["intact"], true);
    // Change an event behind the app's back (the append-only trigger dropped first).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let second: i64 = rt.block_on(async {
        use sqlx::sqlite::SqlitePoolOptions;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&format!("sqlite://{db}"))
            .await
            .unwrap();
        let c: (i64, i64, String) = sqlx::query_as("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM debtors), (SELECT file FROM pragma_database_list WHERE name = 'main')").fetch_one(&pool).await.unwrap();
        eprintln!("COUNTS {c:?} {db}");
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM events")
            .fetch_one(&pool)
            .await
            .unwrap();
        for sql in [
            "DROP TRIGGER events_never_updated".to_string(),
            format!("UPDATE events SET summary = 'nothing happened' WHERE id = {id}"),
        ] {
            sqlx::query(AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
        id
    });
    verify_names(&db, second);
}
