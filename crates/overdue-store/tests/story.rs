//! One scripted story (migrate from empty, create, update, search, archive, bulk load)
//! run against an embedded SQLite file and against a real PostgreSQL server.
//!
//! PostgreSQL: set `OVERDUE_TEST_PG_URL=postgres://user@127.0.0.1:port/postgres` (the test
//! creates and drops its own database there). `.ci/run` starts a server and also sets
//! `OVERDUE_REQUIRE_PG=1`, so CI fails rather than skips when the server is missing.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use overdue_domain::{Address, Contact, Currency, DebtorDraft, DebtorKind};
use overdue_store::{
    DebtorQuery, DebtorSort, DemoDebtor, DemoInvoice, DemoPayment, SortDirection, Store, StoreError,
};
use rust_decimal::Decimal;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}

fn draft(name: &str, reference: &str, city: &str, email: &str) -> DebtorDraft {
    DebtorDraft {
        kind: DebtorKind::Company,
        name: name.into(),
        external_ref: reference.into(),
        contacts: vec![Contact {
            name: "AP".into(),
            role: String::new(),
            email: email.into(),
            phone: String::new(),
        }],
        address: Address {
            lines: "1 Main St".into(),
            postal_code: "1000".into(),
            city: city.into(),
            country: "PL".into(),
        },
        language: "pl".into(),
        currency: Currency::from_code("PLN").unwrap(),
        payment_terms_days: 30,
        credit_limit: Some(Decimal::new(500000, 2)),
        tags: vec!["vip".into()],
        notes: "first".into(),
    }
}

fn query(search: &str) -> DebtorQuery {
    DebtorQuery {
        search: search.into(),
        sort: DebtorSort::Name,
        direction: SortDirection::Asc,
        offset: 0,
        limit: 100,
        include_archived: false,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    }
}

async fn names(store: &Store, q: &DebtorQuery) -> Vec<String> {
    store
        .list_debtors(q)
        .await
        .unwrap()
        .1
        .into_iter()
        .map(|r| r.name)
        .collect()
}

async fn story(store: Store) {
    assert_eq!(
        store.pending_migrations().await.unwrap(),
        0,
        "open() leaves no migration pending"
    );
    let a = store
        .create_debtor(
            &draft(
                "Łukasiewicz Sp. z o.o.",
                "PL-1",
                "Łódź",
                "anna@lukasiewicz.pl",
            ),
            "Anna",
            now(),
        )
        .await
        .unwrap();
    let b = store
        .create_debtor(
            &draft("Øster AS", "NO-1", "Oslo", "post@oster.no"),
            "",
            now(),
        )
        .await
        .unwrap();
    store
        .create_debtor(&draft("Şahin A.Ş.", "", "İstanbul", ""), "", now())
        .await
        .unwrap();
    store
        .create_debtor(&draft("Dvořák s.r.o.", "", "Praha", ""), "", now())
        .await
        .unwrap();

    let rec = store.debtor(a).await.unwrap();
    assert_eq!(
        rec.draft,
        draft(
            "Łukasiewicz Sp. z o.o.",
            "PL-1",
            "Łódź",
            "anna@lukasiewicz.pl"
        ),
        "a debtor reads back exactly as written"
    );
    assert_eq!(rec.account_manager, "Anna");

    // Search: accent-free prefixes over name, reference, email and city.
    assert_eq!(
        names(&store, &query("lodz")).await,
        vec!["Łukasiewicz Sp. z o.o."]
    );
    assert_eq!(
        names(&store, &query("luk")).await,
        vec!["Łukasiewicz Sp. z o.o."]
    );
    assert_eq!(names(&store, &query("oster")).await, vec!["Øster AS"]);
    assert_eq!(names(&store, &query("sahin")).await, vec!["Şahin A.Ş."]);
    assert_eq!(
        names(&store, &query("no-1")).await,
        vec!["Øster AS"],
        "reference search"
    );
    assert_eq!(
        names(&store, &query("lukasiewicz.pl")).await,
        vec!["Łukasiewicz Sp. z o.o."],
        "email domain search"
    );
    assert!(
        names(&store, &query("\" OR 1=1 --")).await.is_empty(),
        "search text is data, not query syntax"
    );
    assert_eq!(store.list_debtors(&query("")).await.unwrap().0, 4);

    // Unique references are enforced by the database.
    let dup = store
        .create_debtor(&draft("Other", "PL-1", "X", ""), "", now())
        .await;
    assert!(
        matches!(dup, Err(StoreError::Duplicate { .. })),
        "duplicate reference must be refused: {dup:?}"
    );
    assert_eq!(
        store.list_debtors(&query("")).await.unwrap().0,
        4,
        "a refused insert writes nothing"
    );

    // Update replaces contacts and the search index entry.
    let mut changed = draft("Øster Fisk AS", "NO-1", "Bergen", "faktura@osterfisk.no");
    changed.contacts.push(Contact {
        name: "Bjørn".into(),
        role: "CFO".into(),
        email: String::new(),
        phone: "+47 22 33 44 55".into(),
    });
    store
        .update_debtor(b, &changed, "Tom", now())
        .await
        .unwrap();
    assert_eq!(store.debtor(b).await.unwrap().draft, changed);
    assert_eq!(names(&store, &query("bergen")).await, vec!["Øster Fisk AS"]);
    assert!(
        names(&store, &query("oslo")).await.is_empty(),
        "the old city is no longer indexed"
    );
    assert!(matches!(
        store.update_debtor(9999, &changed, "", now()).await,
        Err(StoreError::NotFound { .. })
    ));

    // Archive hides from the working list, keeps the record.
    store.set_debtor_archived(b, true, now()).await.unwrap();
    assert_eq!(store.list_debtors(&query("")).await.unwrap().0, 3);
    let mut with_archived = query("");
    with_archived.include_archived = true;
    assert_eq!(store.list_debtors(&with_archived).await.unwrap().0, 4);
    assert!(store.debtor(b).await.unwrap().archived_at.is_some());

    // Bulk load with balances; the list shows open and overdue balances from open items.
    let debtors = vec![DemoDebtor {
        draft: draft("Zofia Bulk", "BULK-1", "Kraków", "z@bulk.pl"),
        account_manager: String::new(),
    }];
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let invoices = vec![
        DemoInvoice {
            debtor: 0,
            number: "B-1".into(),
            issue_date: d("2026-09-01"),
            due_date: d("2026-10-01"),
            amount_minor: 100000,
            tax_minor: 0,
            description: String::new(),
        },
        DemoInvoice {
            debtor: 0,
            number: "B-2".into(),
            issue_date: d("2026-11-01"),
            due_date: d("2026-12-01"),
            amount_minor: 50000,
            tax_minor: 0,
            description: String::new(),
        },
    ];
    let payments = vec![DemoPayment {
        debtor: 0,
        paid_on: d("2026-10-15"),
        amount_minor: 40000,
        method: "bank".into(),
        reference: "B-1".into(),
        allocations: vec![(0, 40000)],
    }];
    store
        .insert_dataset(&debtors, &invoices, &payments, now())
        .await
        .unwrap();
    let (_, rows) = store.list_debtors(&query("bulk")).await.unwrap();
    assert_eq!(rows.len(), 1, "bulk-loaded debtors are searchable");
    assert_eq!(
        rows[0].open_balance.to_string(),
        "1100.00 PLN",
        "1000 - 400 paid + 500 not yet due"
    );
    assert_eq!(
        rows[0].overdue_balance.to_string(),
        "600.00 PLN",
        "only B-1 is past due on 2026-11-22"
    );
    let mut by_overdue = query("");
    by_overdue.sort = DebtorSort::OverdueBalance;
    by_overdue.direction = SortDirection::Desc;
    assert_eq!(names(&store, &by_overdue).await[0], "Zofia Bulk");
    // Loading the same numbers again is refused whole.
    assert!(store
        .insert_dataset(&debtors, &invoices, &payments, now())
        .await
        .is_err());
    assert_eq!(
        store.counts().await.unwrap(),
        (5, 2, 1),
        "a refused bulk load leaves nothing behind"
    );
    store.close().await;
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("book.db");
    let (store, report) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    assert!(report.created && report.migrations_applied > 0 && report.backup.is_none());
    story(store).await;
    // Reopening an up-to-date file migrates nothing and backs up nothing.
    let (store, report) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    assert!(!report.created && report.migrations_applied == 0 && report.backup.is_none());
    assert_eq!(store.counts().await.unwrap().0, 5, "data survives a reopen");
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_story").await else {
        return;
    };
    let (store, report) = Store::open(&db.url, now()).await.unwrap();
    assert!(report.migrations_applied > 0);
    story(store).await;
    db.drop().await;
}

/// The money columns sort within each currency, the book's main currency first: a large
/// balance in a minority currency is not ranked above a smaller one in another.
async fn money_sorts_within_each_currency(store: Store) {
    let in_currency = |name: &str, reference: &str, code: &str| {
        let mut d = draft(name, reference, "Town", "ap@example.com");
        d.currency = Currency::from_code(code).unwrap();
        DemoDebtor {
            draft: d,
            account_manager: String::new(),
        }
    };
    let debtors = vec![
        in_currency("Euro Small", "E-1", "EUR"),
        in_currency("Euro Large", "E-2", "EUR"),
        in_currency("Lira Huge", "T-1", "TRY"),
        in_currency("Krone Mid", "K-1", "DKK"),
    ];
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let invoice = |debtor: usize, number: &str, minor: i64| DemoInvoice {
        debtor,
        number: number.into(),
        issue_date: d("2026-09-01"),
        due_date: d("2026-10-01"),
        amount_minor: minor,
        tax_minor: 0,
        description: String::new(),
    };
    let invoices = vec![
        invoice(0, "E-100", 10_000),
        invoice(1, "E-200", 40_000),
        invoice(2, "T-100", 4_500_000),
        invoice(3, "K-100", 300_000),
    ];
    store
        .insert_dataset(&debtors, &invoices, &[], now())
        .await
        .unwrap();
    let mut q = query("");
    for sort in [DebtorSort::OverdueBalance, DebtorSort::OpenBalance] {
        q.sort = sort;
        q.direction = SortDirection::Desc;
        assert_eq!(
            names(&store, &q).await,
            ["Euro Large", "Euro Small", "Krone Mid", "Lira Huge"],
            "{sort:?} descending"
        );
        q.direction = SortDirection::Asc;
        assert_eq!(
            names(&store, &q).await,
            ["Euro Small", "Euro Large", "Krone Mid", "Lira Huge"],
            "{sort:?} ascending"
        );
    }
}

#[tokio::test]
async fn money_sorts_within_each_currency_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("money.db");
    let (store, _) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    money_sorts_within_each_currency(store).await;
}

#[tokio::test]
async fn money_sorts_within_each_currency_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_money_sort").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    money_sorts_within_each_currency(store).await;
    db.drop().await;
}

/// Names sort the same on SQLite and PostgreSQL, whatever the server's collation: Ł
/// among the L's, Ø and Ö among the O's, Ş among the S's, case and leading quotes
/// ignored. An update keeps the key current.
async fn names_sort_by_their_letters(store: Store) {
    let written = [
        "Zeta Sp. z o.o.",
        "Łódź Trading",
        "lambda GmbH",
        "Øster Bygg A/S",
        "Şahin Ltd",
        "Oak & Co",
        "\"Acme\" Ltd",
        "Müller KG",
        "Sørensen ApS",
        "Smith plc",
        "Öztürk AŞ",
    ];
    let mut ids = Vec::new();
    for name in written {
        ids.push(
            store
                .create_debtor(&draft(name, "", "", ""), "", now())
                .await
                .unwrap(),
        );
    }
    let expected = [
        "\"Acme\" Ltd",
        "lambda GmbH",
        "Łódź Trading",
        "Müller KG",
        "Oak & Co",
        "Øster Bygg A/S",
        "Öztürk AŞ",
        "Şahin Ltd",
        "Smith plc",
        "Sørensen ApS",
        "Zeta Sp. z o.o.",
    ];
    assert_eq!(names(&store, &query("")).await, expected);
    let mut q = query("");
    q.direction = SortDirection::Desc;
    let mut reversed = expected.to_vec();
    reversed.reverse();
    assert_eq!(names(&store, &q).await, reversed);
    // Renamed: sorted by its new name.
    store
        .update_debtor(ids[0], &draft("Ałfa Sp. z o.o.", "", "", ""), "", now())
        .await
        .unwrap();
    assert_eq!(names(&store, &query("")).await[1], "Ałfa Sp. z o.o.");
    store.close().await;
}

#[tokio::test]
async fn names_sort_by_their_letters_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sort.db");
    let (store, _) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    names_sort_by_their_letters(store).await;
}

#[tokio::test]
async fn names_sort_by_their_letters_on_postgres() {
    let Some(db) = common::PgTestDb::create("overdue_sort").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    names_sort_by_their_letters(store).await;
    db.drop().await;
}

/// A file made by an older Overdue (only the first migration applied) is copied next to
/// itself before the upgrade runs, and the copy holds the data as it was.
#[tokio::test]
async fn upgrading_an_older_file_backs_it_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let first_only = dir.path().join("v1");
    std::fs::create_dir_all(&first_only).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/sqlite/0001_debtors_ledger.sql"
        ),
        first_only.join("0001_debtors_ledger.sql"),
    )
    .unwrap();
    {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new().connect_with(opts).await.unwrap();
        sqlx::migrate::Migrator::new(first_only.as_path())
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO debtors (kind, name, currency, created_at, updated_at) VALUES ('company', 'Kept GmbH', 'EUR', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let (store, report) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    let backup = report
        .backup
        .expect("an upgrade of an existing file must back it up first");
    assert!(report.migrations_applied >= 1);
    assert_eq!(
        store.counts().await.unwrap().0,
        1,
        "the upgrade keeps the data"
    );
    store.close().await;
    {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path))
            .await
            .unwrap();
        let (key,): (Option<String>,) = sqlx::query_as("SELECT sort_name FROM debtors")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            key.as_deref(),
            Some("kept gmbh"),
            "the upgrade gives existing debtors their sort key"
        );
        pool.close().await;
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&backup)
        .read_only(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .connect_with(opts)
        .await
        .unwrap();
    let (name,): (String,) = sqlx::query_as("SELECT name FROM debtors")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        name, "Kept GmbH",
        "the backup holds the data as it was before the upgrade"
    );
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(versions, vec![1], "the backup is the pre-upgrade file");
}

/// A book upgraded by a newer Overdue is refused in words, and left as it was.
#[tokio::test]
async fn a_book_from_a_newer_app_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let (store, _) = Store::open(path.to_str().unwrap(), now()).await.unwrap();
    store.close().await;
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .connect_with(opts)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101, 'from the future', '2030-01-01', 1, x'00', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let err = Store::open(path.to_str().unwrap(), now())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("this app is older than the book") && text.contains("99990101"),
        "{text}"
    );
    assert!(!text.contains("previously applied"), "{text}");
}

/// On PostgreSQL a staff login opens an up-to-date book without touching its schema, and
/// a book that needs an upgrade is refused in words naming the owner, not "permission
/// denied for schema public" half-way through a migration.
#[tokio::test]
async fn only_the_owner_upgrades_a_shared_book() {
    let Some(db) = common::PgTestDb::create("overdue_owner_upgrade").await else {
        return;
    };
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    let owner: String = match &store {
        Store::Postgres(pool) => sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(pool)
            .await
            .unwrap(),
        Store::Sqlite(_) => unreachable!(),
    };
    let clerk = format!("overdue_clerk_{}", std::process::id());
    if let Store::Postgres(pool) = &store {
        for sql in [
            format!("DROP ROLE IF EXISTS {clerk}"),
            format!("CREATE ROLE {clerk} LOGIN"),
            format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {clerk}"),
            // PostgreSQL 15 and later give no one CREATE on public; older ones give it to
            // every login, which would let the clerk create tables: take it back here.
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC".to_string(),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .unwrap();
        }
    }
    store.close().await;
    let i = db.url.find("://").unwrap() + 3;
    let at = db.url.find('@').unwrap();
    let clerk_url = format!("{}{clerk}{}", &db.url[..i], &db.url[at..]);
    // Up to date: the clerk reads.
    let (staff, report) = Store::open(&clerk_url, now()).await.unwrap();
    assert_eq!(report.migrations_applied, 0);
    assert!(staff.counts().await.is_ok());
    staff.close().await;
    // One change behind: the clerk is told who must upgrade it.
    let (store, _) = Store::open(&db.url, now()).await.unwrap();
    if let Store::Postgres(pool) = &store {
        for sql in [
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
            // Undoes the newest migration (0022_imports_audited_once; its new
            // audit_statement() is replaced again as it is); a new migration makes this
            // test fail until its undo is written here.
            "DROP TABLE imports",
            "DROP FUNCTION imports_stamped()",
            "DROP FUNCTION imports_kept()",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
    store.close().await;
    let text = Store::open(&clerk_url, now())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("the book needs an upgrade by its owner") && text.contains(&owner),
        "{text}"
    );
    assert!(!text.contains("permission denied"), "{text}");
    // The owner upgrades it; then the clerk opens it again.
    let (store, report) = Store::open(&db.url, now()).await.unwrap();
    assert_eq!(report.migrations_applied, 1);
    if let Store::Postgres(pool) = &store {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {clerk}"
        )))
        .execute(pool)
        .await
        .unwrap();
    }
    store.close().await;
    let (staff, _) = Store::open(&clerk_url, now()).await.unwrap();
    staff.close().await;
    if let Store::Postgres(pool) = &Store::open(&db.url, now()).await.unwrap().0 {
        for sql in [
            format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {clerk}"),
            format!("DROP ROLE {clerk}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    db.drop().await;
}
