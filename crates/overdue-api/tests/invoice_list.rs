//! The Invoices screen's list through the API, on a real SQLite file and a real PostgreSQL
//! server: search by number, debtor name (accents and case ignored) or reference, with
//! `%` and `_` taken literally; every sort column in both directions, amounts within
//! their currency; pages that never overlap; and the New invoice form's errors, each on
//! its field.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;

use overdue_api::dto::{DebtorKindDto, SortDirectionDto};
use overdue_api::ledger::{InvoiceInput, InvoiceListQuery, InvoiceSortDto, InvoiceStatusDto};
use overdue_api::{Api, ErrorCode};

async fn open(target: &str) -> Api {
    book::open(target, (2026, 6, 1)).await
}

async fn debtor(api: &Api, r: &str, name: &str, currency: &str) -> i64 {
    book::debtor(api, DebtorKindDto::Company, r, name, "en", "PL", currency).await
}

fn input(debtor_id: i64, number: &str, issued: &str, amount: &str) -> InvoiceInput {
    InvoiceInput {
        debtor_id,
        number: number.into(),
        issue_date: issued.into(),
        due_date: String::new(),
        amount: amount.into(),
        tax: String::new(),
        currency: String::new(),
        description: String::new(),
        override_reason: String::new(),
    }
}

async fn numbers(api: &Api, search: &str, sort: InvoiceSortDto, desc: bool) -> Vec<String> {
    let page = api
        .invoices_list(InvoiceListQuery {
            search: search.into(),
            sort,
            direction: if desc {
                SortDirectionDto::Desc
            } else {
                SortDirectionDto::Asc
            },
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.rows.len(), "{search:?}: one page");
    page.rows.into_iter().map(|r| r.number).collect()
}

async fn story(api: &Api) {
    let lodz = debtor(api, "PL-LDZ", "Łódź Trading Sp. z o.o.", "PLN").await;
    let mueller = debtor(api, "DE-MUE", "Müller GmbH", "EUR").await;
    let istanbul = debtor(api, "TR-IST", "Şahin Tekstil A.Ş.", "TRY").await;
    for (d, number, issued, amount) in [
        (lodz, "FV/2026/001", "2026-01-10", "5000.00"),
        (lodz, "FV/2026/002", "2026-05-20", "120.50"),
        (mueller, "INV-100", "2026-02-01", "45775.00"),
        (mueller, "INV-101", "2026-03-01", "45374.00"),
        (mueller, "inv_7%", "2026-04-01", "10.00"),
        (istanbul, "TR-9", "2026-03-15", "45485.00"),
    ] {
        api.invoice_create(input(d, number, issued, amount))
            .await
            .unwrap();
    }
    let id = api
        .invoice_by_number("FV/2026/001")
        .await
        .unwrap()
        .invoice
        .id;
    api.invoice_dispute(id, "2026-04-01", "goods damaged")
        .await
        .unwrap();
    let paid = api.invoice_by_number("INV-101").await.unwrap().invoice.id;
    api.adjustment_add(overdue_api::ledger::AdjustmentInput {
        invoice_id: paid,
        kind: overdue_api::ledger::AdjustmentKindDto::CreditNote,
        amount: "45374.00".into(),
        date: "2026-03-05".into(),
        reference: "CN-1".into(),
        reason: "returned".into(),
        seen_open: None,
    })
    .await
    .unwrap();

    // Search: folded names, references, numbers; wildcards are plain characters.
    let due = InvoiceSortDto::Due;
    assert_eq!(
        numbers(api, "lodz", due, false).await,
        ["FV/2026/001", "FV/2026/002"]
    );
    assert_eq!(
        numbers(api, "MULLER", InvoiceSortDto::Number, false).await,
        ["INV-100", "INV-101", "inv_7%"]
    );
    assert_eq!(numbers(api, "sahin", due, false).await, ["TR-9"]);
    assert_eq!(numbers(api, "tr-ist", due, false).await, ["TR-9"]);
    assert_eq!(
        numbers(api, "inv-1", InvoiceSortDto::Number, false).await,
        ["INV-100", "INV-101"]
    );
    assert_eq!(numbers(api, "_7%", due, false).await, ["inv_7%"]);
    assert_eq!(numbers(api, "v_", due, false).await, ["inv_7%"]);
    assert!(numbers(api, "%", due, false).await.len() == 1);
    assert!(numbers(api, "nobody", due, false).await.is_empty());
    assert_eq!(numbers(api, "  ", due, false).await.len(), 6, "blank: all");

    // Sort: each column, both directions; amounts never compared across currencies.
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Number, true).await,
        [
            "inv_7%",
            "TR-9",
            "INV-101",
            "INV-100",
            "FV/2026/002",
            "FV/2026/001"
        ]
    );
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Amount, true).await,
        [
            "TR-9",
            "FV/2026/001",
            "FV/2026/002",
            "INV-100",
            "INV-101",
            "inv_7%"
        ],
        "by currency (TRY, PLN, EUR), then amount: TRY 45,485 is not between EUR 45,775 and 45,374"
    );
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Debtor, false).await,
        [
            "FV/2026/001",
            "FV/2026/002",
            "INV-100",
            "INV-101",
            "inv_7%",
            "TR-9"
        ],
        "lodz, muller, sahin (folded names)"
    );
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Issued, true).await,
        [
            "FV/2026/002",
            "inv_7%",
            "TR-9",
            "INV-101",
            "INV-100",
            "FV/2026/001"
        ]
    );
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Open, false).await,
        [
            "INV-101",
            "inv_7%",
            "INV-100",
            "FV/2026/002",
            "FV/2026/001",
            "TR-9"
        ]
    );
    assert_eq!(
        numbers(api, "", InvoiceSortDto::Status, false).await,
        [
            "INV-100",
            "TR-9",
            "inv_7%",
            "FV/2026/001",
            "FV/2026/002",
            "INV-101"
        ],
        "overdue (by due date), disputed, open, settled"
    );

    // Pages of 4 then 2 by amount: every invoice once.
    let mut seen = Vec::new();
    for offset in [0, 4] {
        let page = api
            .invoices_list(InvoiceListQuery {
                sort: InvoiceSortDto::Amount,
                offset,
                limit: 4,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 6);
        seen.extend(page.rows.into_iter().map(|r| r.number));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "pages overlap: {seen:?}");

    // Search and filters together.
    let page = api
        .invoices_list(InvoiceListQuery {
            search: "müller".into(),
            status: Some(InvoiceStatusDto::Settled),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].number, "INV-101");

    // The New invoice form: each problem is named on its field, nothing is written.
    for (bad, field) in [
        (input(lodz, "", "2026-05-01", "10.00"), "number"),
        (input(lodz, "FV/9", "2026-02-31", "10.00"), "issue_date"),
        (input(lodz, "FV/9", "1.5.2026", "10.00"), "issue_date"),
        (input(lodz, "FV/9", "2026-05-01", "ten"), "amount"),
        (input(lodz, "FV/9", "2026-05-01", "-5"), "amount"),
        (
            InvoiceInput {
                due_date: "2026-04-01".into(),
                ..input(lodz, "FV/9", "2026-05-01", "10.00")
            },
            "due_date",
        ),
        (
            InvoiceInput {
                currency: "EUR".into(),
                ..input(lodz, "FV/9", "2026-05-01", "10.00")
            },
            "currency",
        ),
    ] {
        let err = api.invoice_create(bad).await.unwrap_err();
        assert!(
            matches!(err.code, ErrorCode::Validation | ErrorCode::InvalidInput),
            "{err:?}"
        );
        assert_eq!(
            err.fields
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>(),
            [field],
            "{err:?}"
        );
    }
    assert_eq!(numbers(api, "FV/9", due, false).await.len(), 0);

    // Amounts typed as the window shows them, in any locale: one reading, or refused.
    for (typed, stored) in [
        ("5,000.00", "5000.00"),
        ("5.000,50", "5000.50"),
        ("5 000,25", "5000.25"),
    ] {
        let number = format!("TYPED-{stored}");
        let inv = api
            .invoice_create(input(lodz, &number, "2026-05-01", typed))
            .await
            .unwrap_or_else(|e| panic!("{typed}: {}", e.message));
        assert_eq!(inv.amount, stored, "{typed}");
    }
    let ambiguous = api
        .invoice_create(input(lodz, "TYPED-X", "2026-05-01", "1,234"))
        .await
        .unwrap_err();
    assert!(
        ambiguous.message.contains("1234 or 1.234"),
        "{}",
        ambiguous.message
    );
    assert_eq!(ambiguous.fields[0].field, "amount");

    // Print: several invoices in one PDF, refused while there is no account to pay into.
    let ids: Vec<i64> = {
        let mut v = Vec::new();
        for n in ["INV-100", "FV/2026/002"] {
            v.push(api.invoice_by_number(n).await.unwrap().invoice.id);
        }
        v
    };
    let refused = api.invoices_pdf(&ids, true).await.unwrap_err();
    assert!(
        refused.message.contains("INV-100") && refused.message.contains("Settings > Letterhead"),
        "{}",
        refused.message
    );
    assert!(
        api.stored_documents(mueller).await.unwrap().is_empty(),
        "nothing kept"
    );
    api.letterhead_set(overdue_api::documents::LetterheadDto {
        name: "Seller AG".into(),
        address_lines: "Hauptstr. 1".into(),
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        email: "billing@seller.test".into(),
        iban: "DE02 1203 0000 0000 2020 51".into(),
        bic: "BYLADEM1001".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let pdf = api.invoices_pdf(&ids, true).await.unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF"));
    assert_eq!(pdf.letters, 2);
    assert_eq!(pdf.title, "2 invoices");
    assert_eq!(pdf.file_name, "invoices-2026-06-01.pdf");
    for (debtor, number) in [(mueller, "INV-100"), (lodz, "FV/2026/002")] {
        let kept = api.stored_documents(debtor).await.unwrap();
        assert!(
            kept.iter().any(|d| d.title == format!("Invoice {number}")),
            "{number} is kept on its debtor's account: {kept:?}"
        );
    }
    assert!(api.invoices_pdf(&[], false).await.is_err());

    // Write-off: what is open; a settled invoice is refused in words.
    let open = api.invoice_by_number("inv_7%").await.unwrap().invoice;
    let after = api
        .adjustment_add(overdue_api::ledger::AdjustmentInput {
            invoice_id: open.id,
            kind: overdue_api::ledger::AdjustmentKindDto::WriteOff,
            amount: open.open.clone(),
            date: String::new(),
            reference: String::new(),
            reason: "Company dissolved".into(),
            seen_open: None,
        })
        .await
        .unwrap();
    assert_eq!(after.invoice.open, "0.00");
    let settled = api
        .adjustment_add(overdue_api::ledger::AdjustmentInput {
            invoice_id: open.id,
            kind: overdue_api::ledger::AdjustmentKindDto::WriteOff,
            amount: "0.00".into(),
            date: String::new(),
            reference: String::new(),
            reason: String::new(),
            seen_open: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        settled.message,
        "Invoice inv_7% is settled: nothing is open to write off."
    );
}

#[tokio::test]
async fn invoice_list_search_and_sort_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path().join("list.db").to_str().unwrap()).await;
    story(&api).await;
}

#[tokio::test]
async fn invoice_list_search_and_sort_postgres() {
    let Some(db) = pg::TestDb::create("invoice_list").await else {
        return;
    };
    let api = open(&db.url).await;
    story(&api).await;
    api.close().await;
    db.drop().await;
}
