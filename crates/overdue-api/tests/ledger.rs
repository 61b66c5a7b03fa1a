//! The receivables ledger through the API: the AGE-* and MET-* vectors of
//! `shared/domain/vectors.txt` built as real ledgers, the CSV import against a hostile
//! corpus (nothing changes after a refused file), and a property test over random ledgers.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::dto::DebtorListQuery;
use overdue_api::import::ImportKind;
use overdue_api::ledger::{
    AdjustmentInput, AdjustmentKindDto, InvoiceInput, InvoiceListQuery, PaymentInput,
};
use overdue_api::reports::{AgingBy, AgingQuery};
use overdue_api::{Api, ErrorCode};
use proptest::prelude::*;

const DEBTORS: &str = "external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit\n\
D1,Acme GmbH,company,ap@acme.de,,Hauptstr. 1,10115,Berlin,DE,EUR,30,\n\
D2,Brit Ltd,company,,,,,London,GB,GBP,14,\n";

async fn api_at(dir: &tempfile::TempDir, today: (i32, u32, u32)) -> Api {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(today.0, today.1, today.2, 9, 0, 0)
            .unwrap(),
    ));
    Api::open(dir.path().join("l.db").to_str().unwrap(), clock)
        .await
        .unwrap()
}

fn aging(as_of: &str, by: AgingBy) -> AgingQuery {
    AgingQuery {
        as_of: as_of.into(),
        by,
        buckets: String::new(),
    }
}

/// AGE-A1..A7: one debtor per vector so that each debtor row shows its bucket; the
/// open amounts are reached through partial payments, and a payment after the as-of date
/// must not count. AGE-TOTAL on both bases.
#[tokio::test]
async fn age_vectors_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 5, 15)).await;
    let vectors = [
        (
            "A1",
            "2026-03-20",
            "2026-04-19",
            "1000.00",
            "current",
            "0-30",
        ),
        ("A2", "2026-02-14", "2026-03-16", "2000.00", "1-30", "31-60"),
        (
            "A3",
            "2026-01-05",
            "2026-02-04",
            "3000.00",
            "31-60",
            "61-90",
        ),
        ("A4", "2025-12-01", "2025-12-31", "4000.00", "61-90", "90+"),
        ("A5", "2025-11-15", "2025-12-15", "5000.00", "90+", "90+"),
        (
            "A6",
            "2026-03-01",
            "2026-03-31",
            "600.00",
            "current",
            "0-30",
        ),
        ("A7", "2025-12-31", "2026-01-30", "700.00", "31-60", "61-90"),
    ];
    let mut debtors = String::from("external_id,name,currency,payment_terms_days\n");
    let mut invoices = String::from("number,debtor_external_id,issue_date,due_date,amount\n");
    let mut payments = String::from("debtor_external_id,date,amount,invoice_number\n");
    for (v, issue, due, open, _, _) in vectors {
        debtors.push_str(&format!("AGE-{v},Vector {v},EUR,30\n"));
        // Invoiced 250.00 more than the vector's open amount, paid before the as-of date.
        let amount: rust_decimal::Decimal =
            open.parse::<rust_decimal::Decimal>().unwrap() + rust_decimal::Decimal::new(25000, 2);
        invoices.push_str(&format!("INV-{v},AGE-{v},{issue},{due},{amount}\n"));
        payments.push_str(&format!("AGE-{v},2026-03-25,250.00,INV-{v}\n"));
        // Paid after the as-of date: must not change the report as of 2026-03-31.
        payments.push_str(&format!("AGE-{v},2026-04-02,100.00,\n"));
    }
    api.import_csv(ImportKind::Debtors, "d.csv", debtors.as_bytes())
        .await
        .unwrap();
    api.import_csv(ImportKind::Invoices, "i.csv", invoices.as_bytes())
        .await
        .unwrap();
    let s = api
        .import_csv(ImportKind::Payments, "p.csv", payments.as_bytes())
        .await
        .unwrap();
    assert_eq!(s.imported, 14);

    let by_due = api
        .report_aging(aging("2026-03-31", AgingBy::Due))
        .await
        .unwrap();
    let by_invoice = api
        .report_aging(aging("2026-03-31", AgingBy::Invoice))
        .await
        .unwrap();
    for (v, _, _, open, due_bucket, invoice_bucket) in vectors {
        let row = |r: &overdue_api::reports::AgingReportDto| {
            r.debtors
                .iter()
                .find(|d| d.external_id == format!("AGE-{v}"))
                .unwrap()
                .clone()
        };
        let d = row(&by_due);
        assert_eq!(d.buckets.get(due_bucket), Some(open), "AGE-{v} by due date");
        assert_eq!(d.total, open, "AGE-{v}: only this invoice is open");
        let i = row(&by_invoice);
        assert_eq!(
            i.buckets.get(invoice_bucket),
            Some(open),
            "AGE-{v} by invoice date"
        );
    }
    let eur = &by_due.currencies["EUR"];
    let expected_due = [
        ("current", "1600.00"),
        ("1-30", "2000.00"),
        ("31-60", "3700.00"),
        ("61-90", "4000.00"),
        ("90+", "5000.00"),
    ];
    let got: Vec<(&str, &str)> = eur
        .buckets
        .0
        .iter()
        .map(|(k, v)| (&**k, v.as_str()))
        .collect();
    assert_eq!(got, expected_due, "AGE-TOTAL by due date, in bucket order");
    assert_eq!(eur.total, "16300.00");
    let eur = &by_invoice.currencies["EUR"];
    let got: Vec<(&str, &str)> = eur
        .buckets
        .0
        .iter()
        .map(|(k, v)| (&**k, v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("0-30", "1600.00"),
            ("31-60", "2000.00"),
            ("61-90", "3700.00"),
            ("90+", "9000.00")
        ],
        "AGE-TOTAL by invoice date"
    );
    assert_eq!(eur.total, "16300.00");

    // The later payments do count from their date on.
    let later = api
        .report_aging(aging("2026-04-02", AgingBy::Due))
        .await
        .unwrap();
    assert_eq!(later.currencies["EUR"].total, "15600.00");
    // JSON keeps the bucket order (a sorted map would put "1-30" before "current").
    let json = serde_json::to_string(&by_due).unwrap();
    let current = json.find("\"current\"").unwrap();
    assert!(current < json.find("\"1-30\"").unwrap() && json.contains("\"as_of\":\"2026-03-31\""));
}

/// MET-DSO, MET-BPDSO, MET-ADD, MET-DSO-CB and the issue's CEI / collection rate /
/// bad-debt example, from a ledger: begin AR 100000 (2025-12-31), sales Jan 60000,
/// Feb 50000, Mar 70000, cash 168000, write-off 2000, end AR 110000 of which 65000 current.
#[tokio::test]
async fn met_vectors_from_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 4, 30)).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    let d1 = api.debtor_by_ref("D1").await.unwrap().id;
    let invoice = |number: &str, issue: &str, due: &str, amount: &str| InvoiceInput {
        debtor_id: d1,
        number: number.into(),
        issue_date: issue.into(),
        due_date: due.into(),
        amount: amount.into(),
        tax: String::new(),
        currency: String::new(),
        description: String::new(),
        override_reason: String::new(),
    };
    let i0 = api
        .invoice_create(invoice("M-0", "2025-12-01", "", "100000.00"))
        .await
        .unwrap();
    api.invoice_create(invoice("M-1", "2026-01-10", "", "60000.00"))
        .await
        .unwrap();
    let i2 = api
        .invoice_create(invoice("M-2", "2026-02-10", "", "50000.00"))
        .await
        .unwrap();
    api.invoice_create(invoice("M-3A", "2026-03-15", "", "65000.00"))
        .await
        .unwrap();
    api.invoice_create(invoice("M-3B", "2026-03-01", "2026-03-10", "5000.00"))
        .await
        .unwrap();
    let pay = |date: &str, amount: &str, invoice_id: Option<i64>| PaymentInput {
        debtor_id: d1,
        date: date.into(),
        amount: amount.into(),
        currency: String::new(),
        method: String::new(),
        reference: String::new(),
        invoice_id,
        seen_open: None,
    };
    api.payment_record(pay("2026-01-15", "98000.00", None))
        .await
        .unwrap();
    api.adjustment_add(AdjustmentInput {
        invoice_id: i0.id,
        kind: AdjustmentKindDto::WriteOff,
        reference: String::new(),
        date: "2026-02-01".into(),
        amount: "2000.00".into(),
        reason: "settled short".into(),
        seen_open: None,
    })
    .await
    .unwrap();
    api.payment_record(pay("2026-02-20", "60000.00", None))
        .await
        .unwrap();
    api.payment_record(pay("2026-03-20", "10000.00", Some(i2.id)))
        .await
        .unwrap();
    // Outside the period: must not count.
    api.payment_record(pay("2026-04-05", "1000.00", None))
        .await
        .unwrap();

    let r = api
        .report_metrics("2026-01-01", "2026-03-31")
        .await
        .unwrap();
    assert_eq!(r.days, 90);
    let m = &r.currencies["EUR"];
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    assert_eq!(s(&m.dso), "55.00", "MET-DSO");
    assert_eq!(s(&m.best_possible_dso), "32.50", "MET-BPDSO");
    assert_eq!(s(&m.add), "22.50", "MET-ADD");
    assert_eq!(s(&m.dso_countback), "53.40", "MET-DSO-CB");
    assert_eq!(s(&m.cei), "52.63", "CEI over three months");
    assert_eq!(s(&m.collection_rate), "60.00");
    assert_eq!(s(&m.bad_debt_ratio), "1.11");
    assert_eq!(m.inputs.begin_ar, "100000.00");
    assert_eq!(m.inputs.end_ar, "110000.00");
    assert_eq!(m.inputs.end_current_ar, "65000.00");

    // March alone from the same ledger: begin AR is what was open at the end of February.
    let march = api
        .report_metrics("2026-03-01", "2026-03-31")
        .await
        .unwrap();
    let m = &march.currencies["EUR"];
    assert_eq!(m.inputs.begin_ar, "50000.00");
    assert_eq!(m.inputs.credit_sales, "70000.00");
    // (50000 + 70000 - 110000) / (50000 + 70000 - 65000) = 18.18 %
    assert_eq!(s(&m.cei), "18.18");

    // The statement of the quarter runs from the opening to the closing balance.
    let st = api
        .report_statement("D1", "2026-01-01", "2026-03-31")
        .await
        .unwrap();
    assert_eq!(st.opening_balance, "100000.00");
    assert_eq!(st.closing_balance, "110000.00");
    assert_eq!(
        st.lines.len(),
        8,
        "4 invoices, 3 payments and 1 write-off in the quarter"
    );
    let last = st.lines.last().unwrap();
    assert_eq!(
        last.balance, st.closing_balance,
        "the running balance ends at the closing balance"
    );
}

/// A content snapshot: every debtor, invoice (with open balance) and the aging totals.
async fn snapshot(api: &Api) -> String {
    let debtors = api
        .debtors_list(DebtorListQuery {
            limit: 1000,
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let invoices = api
        .invoices_list(InvoiceListQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let aging = api
        .report_aging(aging("2026-12-31", AgingBy::Due))
        .await
        .unwrap();
    let info = api.info().await.unwrap();
    serde_json::to_string(&(debtors, invoices, aging, info.payments)).unwrap()
}

#[tokio::test]
async fn a_refused_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 4, 30)).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    let good = "number,debtor_external_id,issue_date,due_date,amount,currency,description\n\
                G-1,D1,2026-03-01,,100.00,EUR,ok\n";
    api.import_csv(ImportKind::Invoices, "g.csv", good.as_bytes())
        .await
        .unwrap();
    let before = snapshot(&api).await;
    let header = "number,debtor_external_id,issue_date,due_date,amount,currency,description\n";
    let long_line = format!(
        "{header}X-1,D1,2026-03-01,,1.00,EUR,{}\n",
        "x".repeat(10 << 20)
    );
    let corpus: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "empty"),
        ("blank", b"\r\n\r\n".to_vec(), "empty"),
        (
            "unknown debtor",
            format!("{header}X-1,NOPE,2026-03-01,,1.00,EUR,\n").into(),
            "no debtor",
        ),
        (
            "duplicate in file",
            format!("{header}X-1,D1,2026-03-01,,1.00,EUR,\nX-1,D1,2026-03-02,,2.00,EUR,\n").into(),
            "also on line 2",
        ),
        (
            "duplicate in db",
            format!("{header}G-1,D1,2026-03-01,,999.00,EUR,\n").into(),
            "already stored",
        ),
        (
            "unparsable amount",
            format!("{header}X-1,D1,2026-03-01,,1.234,50,EUR,\n").into(),
            "fields",
        ),
        (
            "thousands separator",
            format!("{header}X-1,D1,2026-03-01,,\"1,234.50\",EUR,\n").into(),
            "not an amount",
        ),
        (
            "negative amount",
            format!("{header}X-1,D1,2026-03-01,,-5.00,EUR,\n").into(),
            "negative",
        ),
        (
            "huge amount",
            format!("{header}X-1,D1,2026-03-01,,99999999999999999999999.00,EUR,\n").into(),
            "large",
        ),
        (
            "currency mismatch",
            format!("{header}X-1,D1,2026-03-01,,1.00,GBP,\n").into(),
            "does not match",
        ),
        (
            "unknown currency",
            format!("{header}X-1,D1,2026-03-01,,1.00,XYZ,\n").into(),
            "not a currency",
        ),
        (
            "due before issue",
            format!("{header}X-1,D1,2026-03-01,2026-02-01,1.00,EUR,\n").into(),
            "before the issue date",
        ),
        (
            "impossible date",
            format!("{header}X-1,D1,2026-02-30,,1.00,EUR,\n").into(),
            "2026-02-30",
        ),
        (
            "missing field",
            format!("{header}X-1,D1,,,1.00,EUR,\n").into(),
            "missing",
        ),
        (
            "missing column",
            b"number,issue_date,amount\nX-1,2026-03-01,1.00\n".to_vec(),
            "debtor_external_id",
        ),
        (
            "unknown column",
            b"number,debtor,issue_date,amount\nX-1,D1,2026-03-01,1.00\n".to_vec(),
            "not a column",
        ),
        ("10 MB line", long_line.into_bytes(), "longer than"),
        (
            "one bad row among good ones",
            format!("{header}X-1,D1,2026-03-01,,1.00,EUR,\nX-2,D1,2026-03-01,,zero,EUR,\n").into(),
            ":3: amount",
        ),
    ];
    for (name, bytes, expect) in corpus {
        let err = api
            .import_csv(ImportKind::Invoices, "bad.csv", &bytes)
            .await
            .expect_err(name);
        assert_eq!(err.code, ErrorCode::Validation, "{name}");
        let listed = err
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            listed.contains(expect),
            "{name}: expected {expect:?} in the error list:\n{listed}"
        );
        assert!(
            err.fields.iter().all(|f| f.field.starts_with("bad.csv:")),
            "{name}: every entry names file:line: column"
        );
        assert_eq!(
            snapshot(&api).await,
            before,
            "{name}: a refused file must leave the database unchanged"
        );
    }
    let err = api
        .import_csv(
            ImportKind::Invoices,
            "bad.csv",
            b"number,debtor_external_id,issue_date,amount\nX,D1,2026-03-01,1\xff\n",
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.fields[0].field, "bad.csv:2: amount",
        "a file that is not UTF-8 is read as Windows-1252, where 1\\xff is \"1ÿ\": not an amount"
    );
    assert!(err.fields[0].message.contains("1ÿ"), "{:?}", err.fields[0]);
}

#[tokio::test]
async fn files_saved_on_windows_are_read_in_their_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 4, 30)).await;
    // Excel's "CSV" on a German Windows: Windows-1252, where ü is the one byte 0xFC.
    let text = "external_id;name;city;currency\r\nK-1;Müller & Söhne GmbH;Köln;EUR\r\nK-2;Café Ölmühle;Zürich;EUR\r\n";
    let windows_1252: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    assert!(std::str::from_utf8(&windows_1252).is_err());
    let s = api
        .import_csv_with(
            ImportKind::Debtors,
            "kunden.csv",
            &windows_1252,
            &overdue_api::import::ImportOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((s.imported, s.encoding.as_str()), (2, "windows-1252"));
    // UTF-16 with its BOM (Excel's "Unicode text"), tab-separated.
    let utf16 = "external_id\tname\tcurrency\nK-3\tDvořák s.r.o.\tEUR\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16.encode_utf16().flat_map(u16::to_le_bytes));
    let s = api
        .import_csv_with(
            ImportKind::Debtors,
            "unicode.txt",
            &bytes,
            &overdue_api::import::ImportOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((s.imported, s.encoding.as_str()), (1, "UTF-16LE"));
    let names: Vec<String> = api
        .debtors_list(Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect();
    for name in ["Müller & Söhne GmbH", "Café Ölmühle", "Dvořák s.r.o."] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    // The same file imported again is recognised row by row: nothing new.
    let again = api
        .import_csv_with(
            ImportKind::Debtors,
            "kunden.csv",
            &windows_1252,
            &overdue_api::import::ImportOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((again.imported, again.skipped), (0, 2));
}

#[tokio::test]
async fn import_accepts_bom_crlf_any_column_order_and_quoted_text() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 4, 30)).await;
    api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    let header_only =
        "number,debtor_external_id,issue_date,due_date,amount,currency,description\r\n";
    let s = api
        .import_csv(ImportKind::Invoices, "h.csv", header_only.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        (s.rows, s.imported),
        (0, 0),
        "a header alone imports nothing"
    );
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend_from_slice(
        b"Description , AMOUNT,Debtor External ID,Issue Date,number\r\n\
          \"Consulting, March\nsecond line\",1200.50,D1,2026-03-01,Q-1\r\n\
          \"said \"\"hi\"\"\",10,D2,2026-03-02,Q-2\r\n",
    );
    let s = api
        .import_csv(ImportKind::Invoices, "q.csv", &file)
        .await
        .unwrap();
    assert_eq!((s.rows, s.imported, s.skipped), (2, 2, 0));
    let q1 = api.invoice_by_number("Q-1").await.unwrap().invoice;
    assert_eq!(q1.description, "Consulting, March\nsecond line");
    assert_eq!(
        (q1.amount.as_str(), q1.due_date.as_str()),
        ("1200.50", "2026-03-31")
    );
    let q2 = api.invoice_by_number("Q-2").await.unwrap().invoice;
    assert_eq!(
        (q2.currency.as_str(), q2.due_date.as_str()),
        ("GBP", "2026-03-16")
    );
    // Re-importing the same file is idempotent.
    let again = api
        .import_csv(ImportKind::Invoices, "q.csv", &file)
        .await
        .unwrap();
    assert_eq!((again.imported, again.skipped), (0, 2));
    let d = api
        .import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes())
        .await
        .unwrap();
    assert_eq!((d.imported, d.skipped), (0, 2));
    let pays = "debtor_external_id,date,amount,currency,reference,invoice_number\n\
                D1,2026-03-10,200.00,EUR,R1,\nD1,2026-03-10,200.00,EUR,R1,\nD2,2026-03-11,10,GBP,R2,Q-2\n";
    let each = overdue_api::import::ImportOptions {
        duplicates: Some(overdue_api::import::DuplicateRows::Each),
        ..Default::default()
    };
    let p = api
        .import_csv_with(
            ImportKind::Payments,
            "p.csv",
            pays.as_bytes(),
            &each,
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        (p.imported, p.skipped),
        (3, 0),
        "two identical rows are two payments when the user says so"
    );
    let p = api
        .import_csv(ImportKind::Payments, "p.csv", pays.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        (p.imported, p.skipped),
        (0, 3),
        "and the re-import adds none, without asking again"
    );
    assert_eq!(
        api.invoice_by_number("Q-1").await.unwrap().invoice.open,
        "800.50"
    );
    // A debtor with the same external_id but other details is refused, not updated.
    let changed = DEBTORS.replace("Acme GmbH", "Acme AG");
    let err = api
        .import_csv(ImportKind::Debtors, "d.csv", changed.as_bytes())
        .await
        .unwrap_err();
    assert!(err.fields[0].message.contains("name"), "{err:?}");
}

#[derive(Debug, Clone)]
enum Op {
    Invoice {
        day: u32,
        terms: u32,
        cents: i64,
    },
    Pay {
        day: u32,
        cents: i64,
        named: Option<usize>,
    },
    Credit {
        day: u32,
        invoice: usize,
        cents: i64,
        write_off: bool,
    },
    Reverse {
        payment: usize,
        later: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u32..120, 0u32..60, 1i64..100_000).prop_map(|(day, terms, cents)| Op::Invoice { day, terms, cents }),
        3 => (0u32..150, 1i64..150_000, proptest::option::of(0usize..20)).prop_map(|(day, cents, named)| Op::Pay { day, cents, named }),
        1 => (0u32..150, 0usize..20, 1i64..50_000, any::<bool>()).prop_map(|(day, invoice, cents, write_off)| Op::Credit { day, invoice, cents, write_off }),
        1 => (0usize..10, 0u32..30).prop_map(|(payment, later)| Op::Reverse { payment, later }),
    ]
}

fn day(n: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(n)))
        .to_string()
}

fn cents(s: &str) -> i64 {
    let d: rust_decimal::Decimal = s.parse().unwrap();
    i64::try_from(d * rust_decimal::Decimal::from(100)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For random ledgers and random as-of dates: the aging buckets add up to the sum of
    /// the open balances, each balance recomputed from scratch (amount less what was
    /// allocated, credited or written off by that date) matches the store's incremental
    /// one, and no balance is ever below zero or above its invoice.
    #[test]
    fn aging_adds_up_and_allocations_never_exceed_balances(
        ops in proptest::collection::vec(op(), 1..40),
        as_of in 0u32..160,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let api = api_at(&dir, (2026, 12, 31)).await;
            api.import_csv(ImportKind::Debtors, "d.csv", DEBTORS.as_bytes()).await.unwrap();
            let d1 = api.debtor_by_ref("D1").await.unwrap().id;
            let mut invoices: Vec<i64> = Vec::new();
            let mut payments: Vec<i64> = Vec::new();
            for (k, op) in ops.iter().enumerate() {
                match op {
                    Op::Invoice { day: dd, terms, cents } => {
                        let due = day(dd + terms);
                        let inv = api.invoice_create(InvoiceInput {
                            debtor_id: d1, number: format!("P-{k}"), issue_date: day(*dd), due_date: due,
                            amount: format!("{}.{:02}", cents / 100, cents % 100), tax: String::new(),
                            currency: String::new(), description: String::new(), override_reason: String::new(),
                        }).await.unwrap();
                        invoices.push(inv.id);
                    }
                    Op::Pay { day: dd, cents, named } => {
                        let named = named.and_then(|n| invoices.get(n).copied());
                        let r = api.payment_record(PaymentInput {
                            debtor_id: d1, date: day(*dd), amount: format!("{}.{:02}", cents / 100, cents % 100),
                            currency: String::new(), method: String::new(), reference: String::new(), invoice_id: named,
                            seen_open: None,
                        }).await.unwrap();
                        let applied: i64 = r.allocations.iter().map(|l| cents_of(&l.amount)).sum();
                        assert_eq!(applied + cents_of(&r.unapplied), *cents, "a payment is applied or kept, never lost");
                        payments.push(r.id);
                    }
                    Op::Credit { day: dd, invoice, cents, write_off } => {
                        let Some(id) = invoices.get(*invoice) else { continue };
                        let inv = api.invoice_get(*id).await.unwrap().invoice;
                        let date = day(*dd).max(inv.issue_date.clone());
                        let res = api.adjustment_add(AdjustmentInput {
                            invoice_id: *id,
                            kind: if *write_off { AdjustmentKindDto::WriteOff } else { AdjustmentKindDto::CreditNote },
                            reference: String::new(), date,
                            amount: format!("{}.{:02}", cents / 100, cents % 100), reason: String::new(),
                            seen_open: None,
                        }).await;
                        let open = cents_of(&inv.open);
                        // Within the balance it may still be refused when dated before a
                        // reversal on the invoice; above the balance it always is.
                        if *cents > open {
                            assert!(res.is_err(), "a credit above the balance is refused");
                        }
                    }
                    Op::Reverse { payment, later } => {
                        let Some(id) = payments.get(*payment) else { continue };
                        let _ = api.payment_reverse(*id, &day(150 + later), "test").await;
                    }
                }
            }
            let report = api.report_aging(aging(&day(as_of), AgingBy::Due)).await.unwrap();
            let total = report.currencies.get("EUR").map_or(0, |c| cents_of(&c.total));
            let bucket_sum: i64 = report.currencies.get("EUR").map_or(0, |c| c.buckets.0.iter().map(|(_, v)| cents_of(v)).sum());
            assert_eq!(bucket_sum, total, "the buckets add up to the total");
            let as_of_date = day(as_of);
            let mut expected = 0i64;
            for id in &invoices {
                let d = api.invoice_get(*id).await.unwrap();
                let amount = cents_of(&d.invoice.amount);
                let open_now = cents_of(&d.invoice.open);
                assert!((0..=amount).contains(&open_now), "0 <= open <= amount");
                let active: i64 = d.allocations.iter().filter(|a| a.reversed_on.is_empty()).map(|a| cents_of(&a.amount)).sum::<i64>()
                    + d.adjustments.iter().map(|a| cents_of(&a.amount)).sum::<i64>();
                assert_eq!(open_now, amount - active, "the stored balance follows every allocation");
                if d.invoice.issue_date > as_of_date { continue; }
                let taken: i64 = d.allocations.iter()
                    .filter(|a| a.date <= as_of_date && (a.reversed_on.is_empty() || a.reversed_on > as_of_date))
                    .map(|a| cents_of(&a.amount)).sum::<i64>()
                    + d.adjustments.iter().filter(|a| a.date <= as_of_date).map(|a| cents_of(&a.amount)).sum::<i64>();
                let open_then = amount - taken;
                assert!((0..=amount).contains(&open_then), "allocations never exceed a balance, at any date");
                expected += open_then;
            }
            assert_eq!(total, expected, "aging as of a past date equals the balances recomputed from scratch");
            api.close().await;
        });
    }
}

fn cents_of(s: &str) -> i64 {
    cents(s)
}

/// The drill-down behind every bucket adds up to the bucket, on both bases.
#[tokio::test]
async fn aging_drill_down_adds_up_to_every_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let api = api_at(&dir, (2026, 11, 22)).await;
    api.demo_load(overdue_api::dto::DemoRequest {
        debtors: 40,
        invoices: 600,
        seed: 3,
        as_used: false,
    })
    .await
    .unwrap();
    for by in [AgingBy::Due, AgingBy::Invoice] {
        let report = api.report_aging(aging("2026-09-30", by)).await.unwrap();
        for (currency, totals) in &report.currencies {
            for label in &report.labels {
                let drill = api
                    .report_aging_invoices(aging("2026-09-30", by), currency, label, None)
                    .await
                    .unwrap();
                assert_eq!(
                    Some(drill.total.as_str()),
                    totals.buckets.get(label),
                    "{currency} {label} {by:?}"
                );
                assert_eq!(drill.count as usize, drill.invoices.len());
            }
        }
        // One debtor's row drills to that debtor's invoices only.
        let row = &report.debtors[0];
        let label = &report.labels[report.labels.len() - 1];
        let mine = api
            .report_aging_invoices(
                aging("2026-09-30", by),
                &row.currency,
                label,
                Some(row.debtor_id),
            )
            .await
            .unwrap();
        assert!(mine.invoices.iter().all(|i| i.debtor_id == row.debtor_id));
        assert_eq!(Some(mine.total.as_str()), row.buckets.get(label));
    }
    let bad = api
        .report_aging_invoices(aging("2026-09-30", AgingBy::Due), "EUR", "7-8", None)
        .await
        .unwrap_err();
    assert!(bad.message.contains("not a bucket"), "{}", bad.message);
}
