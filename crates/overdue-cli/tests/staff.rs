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

/// A shared book on the test server: its owner is an ordinary login with CREATEROLE that
/// owns the database (no superuser), as a small office's administrator would set it up.
struct Office {
    pid: u32,
    owner: String,
    dbname: String,
    admin_url: String,
    base: String,
}

impl Office {
    fn new(rt: &tokio::runtime::Runtime, server: &pg::TestDb, name: &str) -> Office {
        let pid = std::process::id();
        let office = Office {
            pid,
            owner: format!("boss{pid}{name}"),
            dbname: format!("{name}{pid}"),
            admin_url: server.url.clone(),
            base: server.url[..server.url.rfind('/').unwrap()].to_string(),
        };
        office.admin(
            rt,
            vec![
                format!("DROP DATABASE IF EXISTS {}", office.dbname),
                format!("DROP ROLE IF EXISTS {}", office.owner),
                format!("CREATE ROLE {} LOGIN CREATEROLE", office.owner),
                format!("CREATE DATABASE {} OWNER {}", office.dbname, office.owner),
            ],
        );
        office
    }

    /// The book's URL for `login`.
    fn url_of(&self, login: &str) -> String {
        let at = self.base.find('@').unwrap();
        let scheme = &self.base[..self.base.find("://").unwrap() + 3];
        format!("{scheme}{login}{}/{}", &self.base[at..], self.dbname)
    }

    /// Runs statements as the server's administrator.
    fn admin(&self, rt: &tokio::runtime::Runtime, sql: Vec<String>) {
        rt.block_on(async {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect(&self.admin_url)
                .await
                .unwrap();
            for s in sql {
                sqlx::query(AssertSqlSafe(s)).execute(&admin).await.unwrap();
            }
            admin.close().await;
        });
    }

    /// Drops the book, its staff logins and its roles.
    fn close(self, rt: &tokio::runtime::Runtime, staff: &[&String]) {
        let sql = [format!("DROP DATABASE {}", self.dbname)]
            .into_iter()
            .chain(
                staff
                    .iter()
                    .map(|l| l.as_str())
                    .chain([self.owner.as_str()])
                    .map(|l| format!("DROP ROLE IF EXISTS {l}")),
            )
            .chain(
                ["accountant", "collector", "viewer"]
                    .iter()
                    .map(|r| format!("DROP ROLE IF EXISTS {}_{r}", self.dbname)),
            )
            .collect();
        self.admin(rt, sql);
    }
}

#[test]
fn staff_roles_are_enforced_by_the_database_and_every_change_is_on_record() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(server) = rt.block_on(pg::TestDb::create("overdue_staff")) else {
        return;
    };
    let office = Office::new(&rt, &server, "office");
    let (pid, owner, dbname) = (office.pid, office.owner.clone(), office.dbname.clone());
    let url_of = |login: &str| office.url_of(login);
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
        let admin_db = format!("{}/{dbname}", office.base);
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

    office.close(&rt, &[&acct, &coll, &view]);
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

/// A collector limited to their own debtors (issue 18's "optionally only for the debtors
/// assigned to them, by row-level security"): maria sees and works only the debtors whose
/// account manager is her login, through the app and through raw SQL with her login;
/// another collector sees the whole book; the owner lifts the limit and she sees it all.
#[test]
fn a_collector_limited_to_own_debtors_sees_and_works_only_them() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(server) = rt.block_on(pg::TestDb::create("overdue_own_debtors")) else {
        return;
    };
    let office = Office::new(&rt, &server, "own");
    let boss = office.url_of(&office.owner);
    let pid = office.pid;
    let (maria, carl) = (format!("maria{pid}"), format!("carl{pid}"));
    for (reference, name, manager) in [("M1", "Mine GmbH", maria.as_str()), ("O2", "Other AG", "")]
    {
        ok(
            &boss,
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
        for k in 1..=2 {
            let number = format!("INV-{reference}-{k}");
            ok(
                &boss,
                &[
                    "invoices",
                    "add",
                    "--debtor",
                    reference,
                    "--number",
                    &number,
                    "--issue-date",
                    "2026-09-01",
                    "--amount",
                    "400.00",
                ],
            );
        }
    }
    // Only a collector can be limited; the refusal says so and adds nobody.
    let viewer = overdue(
        &boss,
        &[
            "staff",
            "add",
            "--login",
            &carl,
            "--name",
            "Carl",
            "--role",
            "viewer",
            "--own-debtors",
        ],
    );
    assert_eq!(viewer.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&viewer.stderr)
            .contains("Only a collector can be limited to their own debtors"),
        "{}",
        String::from_utf8_lossy(&viewer.stderr)
    );
    ok(
        &boss,
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
    ok(
        &boss,
        &[
            "staff",
            "add",
            "--login",
            &carl,
            "--name",
            "Carl Berg",
            "--role",
            "collector",
        ],
    );
    let list = json(&boss, &["staff", "list"]);
    let own: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["login"].as_str().unwrap().to_string(),
                s["own_debtors_only"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        own.contains(&(maria.clone(), true)) && own.contains(&(carl.clone(), false)),
        "{own:?}"
    );
    assert!(ok(&boss, &["staff", "list"]).contains("(own debtors only)"));

    let (as_maria, as_carl) = (office.url_of(&maria), office.url_of(&carl));
    let refs = |db: &str| -> Vec<String> {
        let mut r: Vec<String> = json(db, &["debtors", "list"])["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["external_ref"].as_str().unwrap_or_default().to_string())
            .collect();
        r.sort();
        r
    };
    assert_eq!(refs(&as_maria), ["M1"]);
    assert_eq!(refs(&as_carl), ["M1", "O2"]);
    let whoami = ok(&as_maria, &["staff", "whoami"]);
    assert!(
        whoami.contains("for the debtors whose account manager is"),
        "{whoami}"
    );
    // Her aging is her debtors' (800.00 of the book's 1,600.00).
    let aging = ok(&as_maria, &["report", "aging"]);
    assert!(
        aging.contains("Mine GmbH") && !aging.contains("Other AG"),
        "{aging}"
    );
    // She works her own debtor; the other one does not exist for her.
    ok(
        &as_maria,
        &[
            "promise",
            "add",
            "--debtor",
            "M1",
            "--amount",
            "100.00",
            "--date",
            "2026-12-20",
        ],
    );
    let other = overdue(
        &as_maria,
        &[
            "promise",
            "add",
            "--debtor",
            "O2",
            "--amount",
            "100.00",
            "--date",
            "2026-12-20",
        ],
    );
    assert_eq!(other.status.code(), Some(2));
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(
        said.contains("O2") && said.contains("account manager"),
        "{said}"
    );

    // The same through raw SQL with her login: the database's rows, not the app's.
    let other_id = json(&boss, &["debtors", "list"])["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["external_ref"] == "O2")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (seen, written, hidden_update) = rt.block_on(async {
        let pool = PgPoolOptions::new().max_connections(1).connect(&as_maria).await.unwrap();
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        let seen = (
            count("SELECT count(*) FROM debtors").await,
            count("SELECT count(*) FROM invoices").await,
            count("SELECT count(*) FROM events").await,
            count("SELECT count(*) FROM audit_log WHERE debtor_id IS NOT NULL AND debtor_id NOT IN (SELECT id FROM debtors)").await,
        );
        // A note on every debtor she sees: her own one.
        let written = sqlx::query(
            "INSERT INTO events (debtor_id, occurred_at, kind, author, summary, created_at) \
             SELECT id, now(), 'note', 'maria', 'called', now() FROM debtors",
        )
        .execute(&pool)
        .await
        .map(|r| r.rows_affected());
        // A note on the other debtor, by its id.
        let forced = sqlx::query(
            "INSERT INTO events (debtor_id, occurred_at, kind, author, summary, created_at) \
             VALUES ($1, now(), 'note', 'maria', 'not mine', now())",
        )
        .bind(other_id)
        .execute(&pool)
        .await;
        let hidden_update = sqlx::query("UPDATE invoices SET dispute_reason = 'x' WHERE number LIKE 'INV-O2-%'")
            .execute(&pool)
            .await
            .unwrap()
            .rows_affected();
        pool.close().await;
        (seen, (written, forced.map_err(|e| e.to_string())), hidden_update)
    });
    assert_eq!(seen.0, 1, "debtors she sees");
    assert_eq!(seen.1, 2, "invoices she sees");
    assert_eq!(seen.3, 0, "no audit entry of another debtor");
    assert!(seen.2 >= 1, "her promise's event");
    assert_eq!(written.0.unwrap(), 1, "a note on her own debtor");
    let refused = written.1.unwrap_err();
    assert!(refused.contains("row-level security"), "{refused}");
    assert_eq!(
        hidden_update, 0,
        "another debtor's invoices are not hers to change"
    );

    // The owner lifts the limit: she sees the whole book.
    ok(&boss, &["staff", "debtors", &maria, "all"]);
    assert_eq!(refs(&as_maria), ["M1", "O2"]);
    ok(&boss, &["staff", "debtors", &maria, "own"]);
    assert_eq!(refs(&as_maria), ["M1"]);
    // The owner sees everything always.
    assert_eq!(refs(&boss), ["M1", "O2"]);
    office.close(&rt, &[&maria, &carl]);
    rt.block_on(server.drop());
}

/// `overdue ARGS...` as a staff member at their own desk: their own config folder, no
/// PGPASSWORD unless given, `stdin` on standard input.
fn at_desk(
    desk: &std::path::Path,
    args: &[&str],
    stdin: &str,
    pgpassword: Option<&str>,
) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_overdue"));
    cmd.args(args)
        .env("OVERDUE_TODAY", on_book::TODAY)
        .env("XDG_CONFIG_HOME", desk.join("config"))
        .env("XDG_DATA_HOME", desk.join("data"))
        .env_remove("OVERDUE_DB")
        .env_remove("PGPASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(p) = pgpassword {
        cmd.env("PGPASSWORD", p);
    }
    let mut child = cmd.spawn().expect("the overdue binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each staff member signs in with their own login and password (issue 18), on a server
/// that checks it (the test script makes members of `overdue_password_required` give a
/// scram password): the owner adds Carl with a password; without it, or with a wrong one,
/// the server refuses him in words; with PGPASSWORD he is in; `book connect` puts the
/// password in the system keyring (never in the config file), after which his commands
/// need neither --db nor PGPASSWORD. A wrong password at `book connect` remembers nothing.
#[test]
fn a_staff_login_signs_in_with_its_own_password() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(server) = rt.block_on(pg::TestDb::create("overdue_passwords")) else {
        return;
    };
    let rule: i64 = rt.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&server.url)
            .await
            .unwrap();
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'overdue_password_required'",
        )
        .fetch_one(&admin)
        .await
        .unwrap();
        admin.close().await;
        n
    });
    if rule == 0 {
        assert!(
            std::env::var("OVERDUE_REQUIRE_PG").is_err(),
            "scripts/test-all.sh makes the server check passwords of overdue_password_required"
        );
        eprintln!("skipping: this server does not check passwords (see scripts/test-all.sh)");
        rt.block_on(server.drop());
        return;
    }
    let office = Office::new(&rt, &server, "pw");
    let boss = office.url_of(&office.owner);
    let carl = format!("carl{}", office.pid);
    let secret = "Correct-Horse-Battery-9";
    ok(
        &boss,
        &["debtors", "add", "--name", "Acme GmbH", "--ref", "A1"],
    );
    let desk = tempfile::tempdir().unwrap();
    let (code, out, err) = at_desk(
        desk.path(),
        &[
            "--db",
            &boss,
            "staff",
            "add",
            "--login",
            &carl,
            "--name",
            "Carl Berg",
            "--role",
            "collector",
            "--password-stdin",
        ],
        &format!("{secret}\n"),
        None,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("Added {carl} as collector")), "{out}");
    office.admin(
        &rt,
        vec![format!("GRANT overdue_password_required TO {carl}")],
    );
    let as_carl = office.url_of(&carl);

    // No password, a wrong one: refused in words, naming where the password comes from.
    for wrong in [None, Some("letmein")] {
        let (code, _, err) = at_desk(
            desk.path(),
            &["--db", &as_carl, "staff", "whoami"],
            "",
            wrong,
        );
        assert_ne!(code, Some(0));
        assert!(
            err.contains("password authentication failed")
                && err.contains("PGPASSWORD or the system keyring"),
            "{err}"
        );
    }
    // His password, from PGPASSWORD.
    let (code, out, err) = at_desk(
        desk.path(),
        &["--db", &as_carl, "staff", "whoami"],
        "",
        Some(secret),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&carl) && out.contains("collector"), "{out}");

    if std::env::var("OVERDUE_TEST_KEYRING").is_err() {
        eprintln!("the keyring part runs where the test script provides a Secret Service");
    } else {
        // A wrong password at sign-in: refused, and nothing remembered.
        let (code, _, err) = at_desk(
            desk.path(),
            &["book", "connect", &as_carl, "--password-stdin"],
            "nope\n",
            None,
        );
        assert_ne!(code, Some(0));
        assert!(err.contains("password authentication failed"), "{err}");
        assert!(
            !desk.path().join("config/overdue/config.json").exists()
                || !std::fs::read_to_string(desk.path().join("config/overdue/config.json"))
                    .unwrap()
                    .contains(&carl)
        );
        // The right one: signed in, the password in the keyring only.
        let (code, out, err) = at_desk(
            desk.path(),
            &["book", "connect", &as_carl, "--password-stdin"],
            &format!("{secret}\n"),
            None,
        );
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.contains(&format!("Signed in as {carl} (collector)")) && out.contains("keyring"),
            "{out}"
        );
        let mut files = Vec::new();
        for entry in walk(desk.path()) {
            let text = std::fs::read(&entry).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&text).contains(secret),
                "{} holds the password",
                entry.display()
            );
            files.push(entry);
        }
        assert!(
            files.iter().any(|f| f.ends_with("config.json")),
            "{files:?}"
        );
        // Later: no --db, no PGPASSWORD; and --db with his address finds the keyring's.
        for args in [
            vec!["staff", "whoami"],
            vec!["--db", as_carl.as_str(), "staff", "whoami"],
        ] {
            let (code, out, err) = at_desk(desk.path(), &args, "", None);
            assert_eq!(code, Some(0), "{args:?}: {err}");
            assert!(out.contains(&carl), "{out}");
        }
    }
    office.close(&rt, &[&carl]);
    rt.block_on(server.drop());
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
