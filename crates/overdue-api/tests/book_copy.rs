//! From one machine to the office, and back (issue 18): a whole book copied from a SQLite
//! file to a new PostgreSQL database and back to a new file is the same book, table by
//! table and row by row; the copy on the server works as a book (its debtors, balances and
//! search, new records with new ids, the triggers back in force); the copy itself wrote no
//! audit entry or event; a target that already holds a book is refused and left as it was.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::{DebtorKindDto, DebtorListQuery, DebtorPage, DemoRequest};
use overdue_api::ledger::{AdjustmentInput, AdjustmentKindDto};
use overdue_api::reports::{AgingQuery, AgingReportDto};
use overdue_api::{Api, ErrorCode};
use overdue_store::Store;

const DAY: (i32, u32, u32) = (2026, 11, 22);

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(DAY.0, DAY.1, DAY.2, 9, 0, 0).unwrap())
}

/// The demo book as it is used, plus what the demo leaves out: a credit note and a
/// write-off, a dispute, a reversed payment, an attached file with every byte value, a
/// printed letter kept as a document, a hold, and names that need folding for search.
async fn realistic_book(path: &str) {
    let api = book::open(path, DAY).await;
    api.demo_load(DemoRequest {
        debtors: 40,
        invoices: 300,
        seed: 7,
        as_used: true,
    })
    .await
    .unwrap();
    let d = book::debtor(
        &api,
        DebtorKindDto::Company,
        "LUK-1",
        "Łukasiewicz Sp. z o.o.",
        "pl",
        "PL",
        "EUR",
    )
    .await;
    let i1 = book::invoice(&api, d, "C-1", "2026-01-05", "2026-02-04", "1000.00").await;
    let i2 = book::invoice(&api, d, "C-2", "2026-03-01", "2026-03-31", "500.00").await;
    let i3 = book::invoice(&api, d, "C-3", "2026-06-01", "2026-07-01", "300.00").await;
    book::pay(&api, d, i1, "2026-03-10", "200.00").await;
    let bounced = book::pay(&api, d, i2, "2026-04-10", "150.00").await;
    api.payment_reverse(bounced, "2026-04-20", "bounced")
        .await
        .unwrap();
    for (invoice_id, kind, amount) in [
        (i2, AdjustmentKindDto::CreditNote, "100.00"),
        (i3, AdjustmentKindDto::WriteOff, "50.00"),
    ] {
        api.adjustment_add(AdjustmentInput {
            invoice_id,
            kind,
            reference: "CN-1".into(),
            date: "2026-07-02".into(),
            amount: amount.into(),
            reason: "goodwill".into(),
            seen_open: None,
        })
        .await
        .unwrap();
    }
    api.invoice_dispute(i3, "2026-07-15", "Goods arrived damaged")
        .await
        .unwrap();
    api.attach(d, Some("C-1"), "contract.bin", (0..=255u8).collect())
        .await
        .unwrap();
    book::print_letter(&api, d, "reminder").await;
    api.hold_add(overdue_api::collections::HoldInput {
        debtor_id: d,
        reason: "Talking to their lawyer".into(),
        from: String::new(),
        until: "2026-12-31".into(),
        author: String::new(),
    })
    .await
    .unwrap();
    api.close().await;
}

/// Every table of `store` in canonical form, typed as `typed_like` (the PostgreSQL copy).
async fn tables(store: &Store, typed_like: &Store) -> BTreeMap<String, Vec<String>> {
    store
        .canonical_rows(typed_like)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// The same tables with the same rows, naming the first table that differs.
fn assert_same_book(
    a: &BTreeMap<String, Vec<String>>,
    b: &BTreeMap<String, Vec<String>>,
    why: &str,
) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{why}: the same tables"
    );
    for (table, rows) in a {
        let other = &b[table];
        assert_eq!(rows.len(), other.len(), "{why}: rows of {table}");
        for (x, y) in rows.iter().zip(other) {
            assert_eq!(x, y, "{why}: a row of {table}");
        }
    }
}

async fn open_store(target: &str) -> Store {
    Store::open(target, clock().0).await.unwrap().0
}

/// What a person sees of the book: every debtor with its open and overdue balance, and
/// the aging report.
async fn as_seen(api: &Api) -> (DebtorPage, AgingReportDto) {
    let debtors = api
        .debtors_list(DebtorListQuery {
            limit: 1000,
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let aging = api
        .report_aging(AgingQuery {
            as_of: "2026-11-22".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    (debtors, aging)
}

async fn search(api: &Api, text: &str) -> Vec<i64> {
    api.debtors_list(DebtorListQuery {
        search: text.into(),
        limit: 100,
        ..Default::default()
    })
    .await
    .unwrap()
    .rows
    .iter()
    .map(|r| r.id)
    .collect()
}

#[tokio::test]
async fn a_book_goes_to_postgresql_and_back_unchanged() {
    let Some(db) = pg::TestDb::create("overdue_book_copy").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("laptop.db").display().to_string();
    let back = dir.path().join("back.db").display().to_string();
    realistic_book(&original).await;
    let seen = {
        let api = book::open(&original, DAY).await;
        let seen = as_seen(&api).await;
        let found = search(&api, "lukasiewicz").await;
        api.close().await;
        (seen, found)
    };

    // To the office.
    let copy = overdue_api::book::copy(&original, &db.url, &clock())
        .await
        .unwrap();
    assert!(copy.tables.len() > 40, "every table: {:?}", copy.tables);
    for t in [
        "debtors",
        "invoices",
        "payments",
        "allocations",
        "events",
        "documents",
        "attachments",
        "settings",
        "dunning_levels",
    ] {
        assert!(
            copy.tables.iter().any(|c| c.table == t && c.rows > 0),
            "{t} is copied with its rows: {:?}",
            copy.tables
        );
    }
    let (laptop, server) = (open_store(&original).await, open_store(&db.url).await);
    let before = tables(&laptop, &server).await;
    let on_server = tables(&server, &server).await;
    assert_same_book(
        &before,
        &on_server,
        "the server's copy is the laptop's book",
    );
    for log in ["events", "audit_log"] {
        assert!(
            before.get(log).is_some_and(|r| !r.is_empty()),
            "the book has a {log} to keep"
        );
    }
    let chain = server.verify_event_chain().await.unwrap();
    assert!(
        chain.broken.is_none(),
        "the contact log's hash chain still fits on the server: {chain:?}"
    );
    laptop.close().await;

    // The server's copy is a book like the laptop's.
    let api = book::open(&db.url, DAY).await;
    assert_eq!(
        as_seen(&api).await,
        seen.0,
        "the same debtors, balances and aging on the server"
    );
    assert_eq!(
        search(&api, "lukasiewicz").await,
        seen.1,
        "search finds the same debtors (the index is rebuilt, not copied)"
    );
    assert!(!seen.1.is_empty());

    // A second copy into the same database is refused, and writes nothing.
    let again = overdue_api::book::copy(&original, &db.url, &clock())
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::InvalidInput, "{again:?}");
    assert!(
        again
            .message
            .starts_with("The target book is not empty: table ")
            && again.message.contains("copy into a new, empty database"),
        "{}",
        again.message
    );
    assert_same_book(
        &on_server,
        &tables(&server, &server).await,
        "a refused copy leaves the target as it was",
    );

    // And back to a laptop.
    let returned = overdue_api::book::copy(&db.url, &back, &clock())
        .await
        .unwrap();
    assert_eq!(
        returned
            .tables
            .iter()
            .map(|t| (&t.table, t.rows, &t.checksum))
            .collect::<Vec<_>>(),
        copy.tables
            .iter()
            .map(|t| (&t.table, t.rows, &t.checksum))
            .collect::<Vec<_>>(),
        "the same rows and checksums both ways"
    );
    let home = open_store(&back).await;
    assert_same_book(
        &before,
        &tables(&home, &server).await,
        "SQLite -> PostgreSQL -> SQLite is the same book",
    );
    home.close().await;
    let api_home = book::open(&back, DAY).await;
    assert_eq!(as_seen(&api_home).await, seen.0, "the same book at home");
    assert_eq!(search(&api_home, "lukasiewicz").await, seen.1);
    api_home.close().await;

    // Work goes on at the office: new records get new ids (the sequences moved past the
    // copied ids), and the triggers are back: the balance follows the payment, and the
    // audit trail records the new debtor.
    let audit_before = before["audit_log"].len();
    let events_before = before["events"].len();
    let max_id = |t: &str| {
        before[t]
            .iter()
            .filter_map(|r| {
                let row: Vec<Option<String>> = serde_json::from_str(r).unwrap();
                row[0].as_deref()?.strip_prefix("i:")?.parse::<i64>().ok()
            })
            .max()
            .unwrap()
    };
    let d = book::debtor(
        &api,
        DebtorKindDto::Company,
        "NEW-1",
        "Office Newcomer Ltd",
        "en",
        "GB",
        "GBP",
    )
    .await;
    assert_eq!(d, max_id("debtors") + 1, "the next debtor id");
    let inv = book::invoice(&api, d, "NEW-INV-1", "2026-11-01", "2026-12-01", "80.00").await;
    assert_eq!(inv, max_id("invoices") + 1, "the next invoice id");
    book::pay(&api, d, inv, "2026-11-20", "30.00").await;
    let detail = api.invoice_get(inv).await.unwrap();
    assert_eq!(
        detail.invoice.open, "50.00",
        "the balance triggers are back"
    );
    let after = tables(&server, &server).await;
    assert!(
        after["audit_log"].len() > audit_before,
        "the audit triggers are back: the new debtor is in the trail"
    );
    assert_eq!(
        on_server["audit_log"].len(),
        audit_before,
        "the copy itself wrote no audit entry"
    );
    assert_eq!(on_server["events"].len(), events_before, "nor an event");
    api.close().await;
    server.close().await;
    db.drop().await;
}

#[tokio::test]
async fn a_book_copies_to_a_new_file_and_never_over_another_book() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("a.db").display().to_string();
    let copy_path = dir.path().join("copies").join("b.db").display().to_string();
    realistic_book(&original).await;

    let copy = overdue_api::book::copy(&original, &copy_path, &clock())
        .await
        .unwrap();
    assert!(copy.search_entries > 40, "{copy:?}");
    let (a, b) = (open_store(&original).await, open_store(&copy_path).await);
    assert_same_book(
        &tables(&a, &a).await,
        &tables(&b, &b).await,
        "a file copied to a file keeps every value as stored",
    );
    let chain = b.verify_event_chain().await.unwrap();
    assert!(chain.broken.is_none(), "{chain:?}");
    let held = tables(&b, &b).await;
    b.close().await;

    // The copy is a book: a new debtor goes on, and the trail records it.
    let api = book::open(&copy_path, DAY).await;
    let d = book::debtor(
        &api,
        DebtorKindDto::Company,
        "X-1",
        "Late Arrival",
        "en",
        "GB",
        "GBP",
    )
    .await;
    assert!(d > 40);
    api.close().await;

    // Copying over a book is refused and changes nothing.
    let refused = overdue_api::book::copy(&original, &copy_path, &clock())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(
        refused
            .message
            .contains("not empty: table debtors holds 42 rows (and "),
        "{}",
        refused.message
    );
    let b = open_store(&copy_path).await;
    let now_held = tables(&b, &b).await;
    assert_eq!(now_held["debtors"].len(), held["debtors"].len() + 1);
    assert_eq!(
        now_held["invoices"], held["invoices"],
        "nothing was written"
    );
    b.close().await;

    // A book is not copied onto itself, and a missing source creates nothing.
    let itself = overdue_api::book::copy(&original, &original, &clock())
        .await
        .unwrap_err();
    assert_eq!(itself.code, ErrorCode::InvalidInput);
    let missing = dir.path().join("nowhere.db").display().to_string();
    let e = overdue_api::book::copy(
        &missing,
        &dir.path().join("c.db").display().to_string(),
        &clock(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(!std::path::Path::new(&missing).exists());
    a.close().await;
}

/// Settings > Database "Move this book to a server": a server database holding a book is
/// refused naming its table and the window stays on its file; an empty one gets the whole
/// book, after which the app works on the server and remembers it without the password.
#[tokio::test]
async fn the_open_file_moves_to_a_server_and_the_app_works_there() {
    let Some(taken) = pg::TestDb::create("overdue_api_move_taken").await else {
        return;
    };
    let empty = pg::TestDb::create("overdue_api_move_empty").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("laptop.db").display().to_string();
    let config_file = dir.path().join("config.json");
    let api = book::open(&file, DAY).await;
    api.demo_load(DemoRequest {
        debtors: 12,
        invoices: 60,
        seed: 3,
        as_used: true,
    })
    .await
    .unwrap();
    let before = api.info().await.unwrap();
    let other = book::open(&taken.url, DAY).await;
    book::debtor(
        &other,
        DebtorKindDto::Company,
        "T-1",
        "Someone Else Ltd",
        "en",
        "GB",
        "GBP",
    )
    .await;
    other.close().await;

    let refused = api
        .move_book_to_server(&taken.url, "", &config_file)
        .await
        .unwrap_err();
    assert!(
        refused.message.contains("table debtors holds 1 row"),
        "the refusal names the table that holds data: {}",
        refused.message
    );
    assert_eq!(
        api.info().await.unwrap(),
        before,
        "a refused move leaves the window on its file"
    );
    assert!(!config_file.exists(), "a refused move remembers no server");

    let moved = api
        .move_book_to_server(&empty.url, "s3cret", &config_file)
        .await
        .unwrap();
    assert_eq!(moved.info.backend, "postgres");
    assert_eq!(
        (moved.info.debtors, moved.info.invoices, moved.info.payments),
        (before.debtors, before.invoices, before.payments),
        "the server holds the same book"
    );
    assert_eq!(
        moved.info,
        api.info().await.unwrap(),
        "the app works there now"
    );
    assert!(moved
        .verified
        .starts_with("Verified: counts and checksums match in "));
    assert_eq!(moved.copy.from, file);
    assert!(moved.warning.is_none(), "{:?}", moved.warning);
    let remembered = std::fs::read_to_string(&config_file).unwrap();
    assert!(
        remembered.contains(&empty.url) && !remembered.contains("s3cret"),
        "the server is remembered for the next start, its password only in the keyring: {remembered}"
    );
    assert!(
        std::path::Path::new(&file).exists(),
        "the file stays on this computer"
    );

    let again = api
        .move_book_to_server(&empty.url, "", &config_file)
        .await
        .unwrap_err();
    assert!(
        again.message.contains("on a server already"),
        "{}",
        again.message
    );
    api.close().await;
    taken.drop().await;
    empty.drop().await;
}
