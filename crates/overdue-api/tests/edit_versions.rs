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

/// A race on an invoice's balance is answered in words (issue 18): two people have
/// INV-R1 open (100.00 open); one records the payment, the other records it too a moment
/// later, and is told who paid it and what is open now, and nothing of theirs is written.
/// A write-off over a part payment made meanwhile is refused the same way; with the
/// balance as it is now, both go through.
async fn two_people_pay_the_same_invoice(first: &Api, second: &Api) {
    use overdue_api::ledger::{AdjustmentInput, AdjustmentKindDto, PaymentInput};
    let debtor = book::debtor(
        first,
        DebtorKindDto::Company,
        "R1",
        "Rhein GmbH",
        "de",
        "DE",
        "EUR",
    )
    .await;
    let inv = book::invoice(
        first,
        debtor,
        "INV-R1",
        "2026-10-01",
        "2026-11-01",
        "100.00",
    )
    .await;
    let seen = second.invoice_get(inv).await.unwrap().invoice.open;
    assert_eq!(seen, "100.00");
    let payment = |amount: &str, seen: &str| PaymentInput {
        debtor_id: debtor,
        date: "2026-12-05".into(),
        amount: amount.into(),
        currency: String::new(),
        method: "bank transfer".into(),
        reference: "from the statement".into(),
        invoice_id: Some(inv),
        seen_open: Some(seen.into()),
    };
    first
        .payment_record(payment("100.00", "100.00"))
        .await
        .unwrap();
    let err = second
        .payment_record(payment("100.00", &seen))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Stale, "{err:?}");
    let login = second.signed_in().await.unwrap().login;
    let said = &err.message;
    assert!(
        said.starts_with(&format!("INV-R1 was just paid in full by {login} at ")),
        "{said}"
    );
    assert!(
        said.contains("its open balance is 0.00 EUR, not the 100.00 you saw"),
        "{said}"
    );
    assert!(said.contains("Nothing of yours was written"), "{said}");
    let payments = second
        .audit_log(&overdue_api::staff::AuditLogQuery {
            debtor: Some("R1".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.table == "payments")
        .count();
    assert_eq!(payments, 1, "the second payment was not recorded");

    // A part payment, then a write-off of what the other person saw open.
    let inv2 = book::invoice(
        first,
        debtor,
        "INV-R2",
        "2026-10-01",
        "2026-11-01",
        "250.00",
    )
    .await;
    let mut part = payment("40.00", "250.00");
    part.invoice_id = Some(inv2);
    first.payment_record(part).await.unwrap();
    let write_off = |seen: &str| AdjustmentInput {
        invoice_id: inv2,
        kind: AdjustmentKindDto::WriteOff,
        reference: String::new(),
        date: "2026-12-06".into(),
        amount: seen.into(),
        reason: "not worth chasing".into(),
        seen_open: Some(seen.into()),
    };
    let err = second
        .adjustment_add(write_off("250.00"))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Stale, "{err:?}");
    assert!(
        err.message.starts_with("INV-R2 was just paid in part by "),
        "{}",
        err.message
    );
    assert!(
        err.message
            .contains("its open balance is 210.00 EUR, not the 250.00 you saw"),
        "{}",
        err.message
    );
    assert_eq!(
        second.invoice_get(inv2).await.unwrap().invoice.open,
        "210.00"
    );
    // Looked at again, the write-off of what is open now goes through.
    let done = second.adjustment_add(write_off("210.00")).await.unwrap();
    assert_eq!(done.invoice.open, "0.00");
}

#[tokio::test]
async fn a_payment_on_an_invoice_paid_meanwhile_is_refused_in_words_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let first = book::open(path.to_str().unwrap(), (2026, 12, 6)).await;
    let second = book::open(path.to_str().unwrap(), (2026, 12, 6)).await;
    two_people_pay_the_same_invoice(&first, &second).await;
}

#[tokio::test]
async fn a_payment_on_an_invoice_paid_meanwhile_is_refused_in_words_postgres() {
    let Some(db) = pg::TestDb::create("overdue_pay_race").await else {
        return;
    };
    let first = book::open(&db.url, (2026, 12, 6)).await;
    let second = book::open(&db.url, (2026, 12, 6)).await;
    two_people_pay_the_same_invoice(&first, &second).await;
    first.close().await;
    second.close().await;
    db.drop().await;
}

/// Templates carry a version too (issue 18): two people open the shipped reminder; the
/// first saves it; the second's save is refused naming who saved it, nothing of it is
/// written; reloaded, the second saves on top.
async fn two_template_editors(first: &Api, second: &Api) {
    let a = first.dunning_template("reminder", "en").await.unwrap();
    let b = second.dunning_template("reminder", "en").await.unwrap();
    assert_eq!((a.shipped, a.version), (true, Some(0)));
    let mut mine = a.clone();
    mine.subject = "Reminder from Rhein: {{ debtor.name }}".into();
    let saved = first.dunning_template_save(mine).await.unwrap();
    assert_eq!((saved.shipped, saved.version), (false, Some(1)));
    let mut theirs = b.clone();
    theirs.body = format!("{}\n\nP.S. We moved offices.", b.body);
    let err = second
        .dunning_template_save(theirs.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Stale, "{err:?}");
    let login = second.signed_in().await.unwrap().login;
    assert!(
        err.message
            .starts_with(&format!("{login} saved this template at ")),
        "{}",
        err.message
    );
    let now = second.dunning_template("reminder", "en").await.unwrap();
    assert_eq!(now, saved, "nothing of the refused save was written");
    let mut again = now.clone();
    again.body = theirs.body.clone();
    let done = second.dunning_template_save(again).await.unwrap();
    assert_eq!(done.version, Some(2));
    assert_eq!(done.subject, "Reminder from Rhein: {{ debtor.name }}");
    assert!(done.body.ends_with("We moved offices."));
    // The same save from the version read first is refused again.
    assert_eq!(
        first.dunning_template_save(saved).await.unwrap_err().code,
        ErrorCode::Stale
    );
}

#[tokio::test]
async fn a_template_saved_over_someone_elses_is_refused_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let first = book::open(path.to_str().unwrap(), (2026, 12, 6)).await;
    let second = book::open(path.to_str().unwrap(), (2026, 12, 6)).await;
    two_template_editors(&first, &second).await;
}

#[tokio::test]
async fn a_template_saved_over_someone_elses_is_refused_postgres() {
    let Some(db) = pg::TestDb::create("overdue_template_versions").await else {
        return;
    };
    let first = book::open(&db.url, (2026, 12, 6)).await;
    let second = book::open(&db.url, (2026, 12, 6)).await;
    two_template_editors(&first, &second).await;
    first.close().await;
    second.close().await;
    db.drop().await;
}
