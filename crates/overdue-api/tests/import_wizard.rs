//! The import wizard's backend: a file in another shape (own headers, semicolons, decimal
//! commas) is previewed with a suggested mapping and a full check that writes nothing,
//! then imported; errors still name the user's own line numbers.

use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::import::{
    ColumnMapping, DuplicateRows, ImportKind, ImportOptions, ImportProgress, RepeatedRow,
};
use overdue_api::Api;

async fn api(dir: &tempfile::TempDir) -> Api {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap(),
    ));
    Api::open(dir.path().join("w.db").to_str().unwrap(), clock)
        .await
        .unwrap()
}

const DEBTORS: &str = "external_id,name,currency\nK-1,Müller GmbH,EUR\nK-2,Dvořák s.r.o.,EUR\n";

/// A German accounting export: semicolons, decimal commas, its own header names, an extra
/// column, and a multi-line quoted description.
const EXPORT: &str = "Rechnungsnummer;Kundennummer;Rechnungsdatum;Fälligkeit;Betrag;Währung;Bemerkung;Kostenstelle\n\
R-1;K-1;2026-03-01;2026-03-31;1.234,56;EUR;\"zwei\nZeilen\";100\n\
\n\
R-2;K-2;2026-03-05;;99,90;EUR;;200\n";

#[tokio::test]
async fn a_foreign_export_is_mapped_previewed_and_imported() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();

    // The preview suggests the mapping from the header names and checks every row.
    let options = ImportOptions {
        decimal_comma: true,
        ..ImportOptions::default()
    };
    let p = api
        .import_preview(
            ImportKind::Invoices,
            "export.csv",
            EXPORT.as_bytes(),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(p.delimiter, ";");
    let mapped: Vec<(&str, &str)> = p
        .mapping
        .iter()
        .map(|m| (m.column.as_str(), m.source.as_str()))
        .collect();
    assert_eq!(
        mapped,
        vec![
            ("number", "Rechnungsnummer"),
            ("debtor_external_id", "Kundennummer"),
            ("issue_date", "Rechnungsdatum"),
            ("due_date", "Fälligkeit"),
            ("amount", "Betrag"),
            ("currency", "Währung"),
            ("description", ""),
        ]
    );
    assert!(p.problems.is_none(), "{:?}", p.problems);
    assert_eq!((p.rows, p.would_import, p.would_skip), (2, 2, 0));
    assert_eq!(p.sample[0][4], "1234.56");
    assert_eq!(p.sample[1][4], "99.90");
    assert!(
        api.invoice_by_number("R-1").await.is_err(),
        "a preview writes nothing"
    );

    // The user maps the remark column too, then imports with progress.
    let mut mapping: Vec<ColumnMapping> = p
        .mapping
        .iter()
        .map(|m| ColumnMapping {
            column: m.column.clone(),
            source: m.source.clone(),
        })
        .collect();
    mapping[6].source = "Bemerkung".into();
    let options = ImportOptions {
        mapping,
        delimiter: ";".into(),
        decimal_comma: true,
        duplicates: None,
    };
    let seen = Mutex::new(Vec::<ImportProgress>::new());
    let summary = api
        .import_csv_with(
            ImportKind::Invoices,
            "export.csv",
            EXPORT.as_bytes(),
            &options,
            &|p| seen.lock().unwrap().push(p),
        )
        .await
        .unwrap();
    assert_eq!((summary.rows, summary.imported), (2, 2));
    let r1 = api.invoice_by_number("R-1").await.unwrap().invoice;
    assert_eq!(r1.amount, "1234.56");
    assert_eq!(r1.description, "zwei\nZeilen");
    let phases: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.phase.clone())
        .collect();
    assert_eq!(phases.first().map(String::as_str), Some("checking"));
    assert!(phases.contains(&"writing".to_string()));
    assert_eq!(phases.last().map(String::as_str), Some("done"));

    // Importing it again changes nothing.
    let again = api
        .import_csv_with(
            ImportKind::Invoices,
            "export.csv",
            EXPORT.as_bytes(),
            &options,
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((again.imported, again.skipped), (0, 2));
}

#[tokio::test]
async fn errors_name_the_users_own_lines_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    // Line 2's text spans two lines; line 6 (after a blank line) has a bad amount and an
    // unknown debtor.
    let bad = "Nr;Kunde;Datum;Betrag;Text\nA-1;K-1;2026-03-01;10,00;\"eins\nzwei\"\nA-1b;K-1;2026-03-01;5,00;\n\nA-2;K-9;2026-03-02;zehn;\n";
    let options = ImportOptions {
        mapping: vec![
            ColumnMapping {
                column: "number".into(),
                source: "Nr".into(),
            },
            ColumnMapping {
                column: "debtor_external_id".into(),
                source: "Kunde".into(),
            },
            ColumnMapping {
                column: "issue_date".into(),
                source: "Datum".into(),
            },
            ColumnMapping {
                column: "amount".into(),
                source: "Betrag".into(),
            },
            ColumnMapping {
                column: "description".into(),
                source: "Text".into(),
            },
        ],
        delimiter: String::new(),
        decimal_comma: true,
        duplicates: None,
    };
    let p = api
        .import_preview(ImportKind::Invoices, "bad.csv", bad.as_bytes(), &options)
        .await
        .unwrap();
    let problems = p.problems.expect("problems found");
    let fields: Vec<&str> = problems.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(
        fields.contains(&"bad.csv:6: debtor_external_id"),
        "{fields:?}"
    );
    assert!(fields.contains(&"bad.csv:6: amount"), "{fields:?}");
    let err = api
        .import_csv_with(
            ImportKind::Invoices,
            "bad.csv",
            bad.as_bytes(),
            &options,
            &|_| {},
        )
        .await
        .unwrap_err();
    assert_eq!(err.fields, problems.fields);
    assert!(
        api.invoice_by_number("A-1b").await.is_err(),
        "all or nothing"
    );

    // A mapping naming a column the file lacks is refused with the file's real columns.
    let wrong = ImportOptions {
        mapping: vec![ColumnMapping {
            column: "number".into(),
            source: "Invoice".into(),
        }],
        ..options
    };
    let e = api
        .import_preview(ImportKind::Invoices, "bad.csv", bad.as_bytes(), &wrong)
        .await
        .unwrap_err();
    assert!(e.message.contains("no column \"Invoice\""), "{}", e.message);
    assert!(
        e.message.contains("Nr, Kunde, Datum, Betrag, Text"),
        "{}",
        e.message
    );
}

/// The payments file `file` imported as "pay.csv" with `options`.
async fn import_pay(
    api: &Api,
    file: &str,
    options: &ImportOptions,
) -> Result<overdue_api::import::ImportSummary, overdue_api::ApiError> {
    api.import_csv_with(
        ImportKind::Payments,
        "pay.csv",
        file.as_bytes(),
        options,
        &|_| {},
    )
    .await
}

/// Two identical payment rows in one file: the same payment exported twice, or two
/// payments of the same amount on the same day. Only the user knows: the file is refused
/// naming both lines until they choose, and the choice is kept on a second import.
#[tokio::test]
async fn repeated_payment_rows_are_named_and_imported_as_the_user_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    let file = "debtor_external_id,date,amount,currency,reference\n\
                K-1,2026-04-01,100.00,EUR,Abschlag\n\
                K-2,2026-04-01,100.00,EUR,Abschlag\n\
                K-1,2026-04-01,100.00,EUR,Abschlag\n\
                K-1,2026-04-02,100.00,EUR,Abschlag\n";
    let ask = ImportOptions::default();
    let p = api
        .import_preview(ImportKind::Payments, "pay.csv", file.as_bytes(), &ask)
        .await
        .unwrap();
    assert_eq!(
        p.repeated_rows,
        vec![RepeatedRow {
            line: 4,
            same_as: 2
        }]
    );
    let problems = p.problems.expect("refused until the user chooses");
    assert_eq!(problems.fields.len(), 1);
    assert_eq!(problems.fields[0].field, "pay.csv:4: row");
    assert!(
        problems.fields[0]
            .message
            .starts_with("duplicate row: the same payment as line 2"),
        "{:?}",
        problems.fields[0]
    );
    let err = import_pay(&api, file, &ask).await.unwrap_err();
    assert_eq!(
        err.fields, problems.fields,
        "the import refuses what the preview showed"
    );

    let once = ImportOptions {
        duplicates: Some(DuplicateRows::Once),
        ..ImportOptions::default()
    };
    let p = api
        .import_preview(ImportKind::Payments, "pay.csv", file.as_bytes(), &once)
        .await
        .unwrap();
    assert!(p.problems.is_none());
    assert_eq!((p.would_import, p.repeated_rows.len()), (3, 1));
    let s = import_pay(&api, file, &once).await.unwrap();
    assert_eq!(
        (s.imported, s.skipped, s.repeated),
        (3, 0, 1),
        "nothing was written by the refused import"
    );

    // The same file again, now as separate payments: only the repeated row is new.
    let each = ImportOptions {
        duplicates: Some(DuplicateRows::Each),
        ..ImportOptions::default()
    };
    let s = import_pay(&api, file, &each).await.unwrap();
    assert_eq!((s.imported, s.skipped, s.repeated), (1, 3, 0));
    // And once more without a choice: every row is stored, nothing is asked.
    let s = import_pay(&api, file, &ask).await.unwrap();
    assert_eq!((s.imported, s.skipped), (0, 4));
}
