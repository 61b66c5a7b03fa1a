//! Edits carry a version (issue 18): two people edit the same debtor; the second save is
//! refused, nothing of it is written, and the refusal says who changed what and when;
//! after reloading, the save goes through. On a real SQLite file and a real PostgreSQL
//! server.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use overdue_api::dto::DebtorKindDto;
use overdue_api::{Api, ErrorCode};

async fn two_editors(api: &Api) {
    let id = book::debtor(
        api,
        DebtorKindDto::Company,
        "A1",
        "Acme GmbH",
        "de",
        "DE",
        "EUR",
    )
    .await;
    // Both open the debtor.
    let first = api.debtor_get(id).await.unwrap();
    let second = api.debtor_get(id).await.unwrap();
    // The first saves a new name.
    let mut renamed = first.input.clone();
    renamed.name = "Acme Holding GmbH".into();
    let saved = api
        .debtor_update(id, renamed, Some(first.version))
        .await
        .unwrap();
    assert_eq!(saved.version, first.version + 1);
    // The second, still on the old version, saves a new city: refused, naming the change.
    let mut moved = second.input.clone();
    moved.city = "Köln".into();
    let err = api
        .debtor_update(id, moved.clone(), Some(second.version))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Stale, "{err:?}");
    let login = api.signed_in().await.unwrap().login;
    assert!(err.message.contains(&login), "{}", err.message);
    assert!(
        err.message
            .contains("name: \"Acme GmbH\" -> \"Acme Holding GmbH\""),
        "{}",
        err.message
    );
    assert!(err.message.contains("reload"), "{}", err.message);
    let now = api.debtor_get(id).await.unwrap();
    assert_eq!(now.input.name, "Acme Holding GmbH");
    assert_eq!(
        now.input.city, "Town",
        "nothing of the refused save was written"
    );
    // Reloaded, the second makes the change again: both changes stand.
    let mut again = now.input.clone();
    again.city = "Köln".into();
    let done = api
        .debtor_update(id, again, Some(now.version))
        .await
        .unwrap();
    assert_eq!(
        (done.input.name.as_str(), done.input.city.as_str()),
        ("Acme Holding GmbH", "Köln")
    );
    // No version saves over whatever is there.
    assert!(api.debtor_update(id, moved, None).await.is_ok());
}

#[tokio::test]
async fn a_save_over_someone_elses_change_is_refused_naming_it_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let api = book::open(dir.path().join("book.db").to_str().unwrap(), (2026, 12, 6)).await;
    two_editors(&api).await;
}

#[tokio::test]
async fn a_save_over_someone_elses_change_is_refused_naming_it_postgres() {
    let Some(db) = pg::TestDb::create("overdue_edit_versions").await else {
        return;
    };
    let api = book::open(&db.url, (2026, 12, 6)).await;
    two_editors(&api).await;
    api.close().await;
    db.drop().await;
}

/// Other staff's windows show a change as it happens: a session watching the shared book
/// is told by the database (LISTEN/NOTIFY) when another session saves a debtor and adds
/// an invoice, and a switch of book lets its connection go (the close does not hang).
/// Waits for the watcher to hear of `want` (the tests bound it only so that a missing
/// notification fails instead of hanging).
async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>, want: &str) {
    while let Some(t) = rx.recv().await {
        if t == want {
            return;
        }
    }
    panic!("the watcher stopped before {want}");
}

#[tokio::test]
async fn another_sessions_change_is_announced_postgres() {
    let Some(db) = pg::TestDb::create("overdue_notify").await else {
        return;
    };
    let watcher = std::sync::Arc::new(book::open(&db.url, (2026, 12, 6)).await);
    let other = book::open(&db.url, (2026, 12, 6)).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let watching = {
        let watcher = watcher.clone();
        tokio::spawn(async move {
            watcher
                .watch_changes(move |table| {
                    let _ = tx.send(table.to_string());
                })
                .await;
        })
    };
    // The watcher may not be listening yet: save until it hears (each save is announced).
    let id = book::debtor(
        &other,
        DebtorKindDto::Company,
        "N1",
        "Nord AS",
        "en",
        "NO",
        "NOK",
    )
    .await;
    loop {
        let d = other.debtor_get(id).await.unwrap();
        let mut input = d.input.clone();
        input.notes = format!("{} .", input.notes);
        other.debtor_update(id, input, None).await.unwrap();
        if tokio::time::timeout(
            std::time::Duration::from_millis(500),
            next(&mut rx, "debtors"),
        )
        .await
        .is_ok()
        {
            break;
        }
    }
    book::invoice(&other, id, "INV-N1", "2026-11-01", "2026-12-01", "100.00").await;
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        next(&mut rx, "invoices"),
    )
    .await
    .expect("the new invoice announced");
    other.close().await;
    watcher.close().await;
    watching.await.unwrap();
    db.drop().await;
}
