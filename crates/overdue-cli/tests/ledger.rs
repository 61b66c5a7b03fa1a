//! The ledger's stable command-line contract: `import`, `report aging|statement|metrics
//! --json` and `export`, as scripts and acceptance checks call them.

use std::path::Path;
use std::process::Command;

fn overdue(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("OVERDUE_TODAY", "2026-04-30")
        .output()
        .expect("the overdue binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_report_and_export_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let debtors = write(
        "debtors.csv",
        "external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit\n\
         D1,Acme GmbH,company,ap@acme.de,,Hauptstr. 1,10115,Berlin,DE,EUR,30,\n",
    );
    let invoices = write(
        "invoices.csv",
        "number,debtor_external_id,issue_date,due_date,amount,currency,description\n\
         M-0,D1,2025-12-01,,100000.00,EUR,\nM-1,D1,2026-01-10,,60000.00,EUR,\n\
         M-2,D1,2026-02-10,,50000.00,EUR,\nM-3A,D1,2026-03-15,,65000.00,EUR,\n\
         M-3B,D1,2026-03-01,2026-03-10,5000.00,EUR,\n",
    );
    let first = write(
        "p1.csv",
        "debtor_external_id,date,amount,currency,reference,invoice_number\nD1,2026-01-15,98000.00,EUR,P1,\n",
    );
    let payments = write(
        "payments.csv",
        "debtor_external_id,date,amount,currency,reference,invoice_number\n\
         D1,2026-02-20,60000.00,EUR,P2,\nD1,2026-03-20,10000.00,EUR,P3,M-2\n",
    );
    let (code, out, _) = overdue(&db, &["import", "debtors", &debtors]);
    assert_eq!(
        (code, out.trim()),
        (0, "Imported 1 debtor (1 rows; 0 already stored, skipped).")
    );
    assert_eq!(overdue(&db, &["import", "invoices", &invoices]).0, 0);
    assert_eq!(overdue(&db, &["import", "payments", &first]).0, 0);
    // The rest of M-0 is written off before the next payments are allocated.
    let (code, _, err) = overdue(
        &db,
        &["invoices", "write-off", "M-0", "--date", "2026-02-01"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(overdue(&db, &["import", "payments", &payments]).0, 0);

    let (code, out, _) = overdue(
        &db,
        &[
            "report",
            "metrics",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let eur = &v["currencies"]["EUR"];
    for (k, want) in [
        ("dso", "55.00"),
        ("dso_countback", "53.40"),
        ("best_possible_dso", "32.50"),
        ("add", "22.50"),
        ("cei", "52.63"),
        ("collection_rate", "60.00"),
        ("bad_debt_ratio", "1.11"),
    ] {
        assert_eq!(eur[k], want, "the issue's metrics example: {k}");
    }

    let (code, out, _) = overdue(&db, &["report", "aging", "--as-of", "2026-03-31", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["as_of"], "2026-03-31");
    assert_eq!(v["by"], "due");
    assert_eq!(v["currencies"]["EUR"]["total"], "110000.00");
    assert_eq!(v["currencies"]["EUR"]["buckets"]["current"], "65000.00");
    assert_eq!(v["debtors"][0]["external_id"], "D1");
    let keys_in_order = out.find("\"current\"").unwrap() < out.find("\"1-30\"").unwrap()
        && out.find("\"61-90\"").unwrap() < out.find("\"90+\"").unwrap();
    assert!(keys_in_order, "bucket keys keep their order");

    let (code, out, _) = overdue(
        &db,
        &[
            "report",
            "statement",
            "--debtor",
            "D1",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["opening_balance"].as_str(), v["closing_balance"].as_str()),
        (Some("100000.00"), Some("110000.00"))
    );

    for format in ["csv", "xlsx"] {
        let path = dir.path().join(format!("aging.{format}"));
        let (code, _, err) = overdue(
            &db,
            &[
                "export",
                "aging",
                "--as-of",
                "2026-03-31",
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::metadata(&path).unwrap().len() > 0);
    }
    let csv = std::fs::read_to_string(dir.path().join("aging.csv")).unwrap();
    assert!(
        csv.starts_with("external_id,name,currency,current,1-30,31-60,61-90,90+,total\n"),
        "{csv}"
    );

    // A bad file: exit 2, `file:line: column: what` on stderr, nothing written.
    let before = overdue(&db, &["report", "aging", "--as-of", "2026-12-31", "--json"]).1;
    let bad = write("bad.csv", "number,debtor_external_id,issue_date,amount\nX-1,D1,2026-02-30,10.00\nX-2,NOPE,2026-03-01,-1\n");
    let (code, _, err) = overdue(&db, &["import", "invoices", &bad]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.csv:2: issue_date: 2026-02-30 is not a day in the calendar: February 2026 has 28 days"),
        "{err}"
    );
    assert!(err.contains("bad.csv:3: debtor_external_id:"), "{err}");
    assert!(err.contains("bad.csv:3: amount:"), "{err}");
    assert_eq!(
        overdue(&db, &["report", "aging", "--as-of", "2026-12-31", "--json"]).1,
        before,
        "the database is unchanged"
    );
}

/// A payments export from a Windows accounting program: Windows-1252, semicolons, and one
/// payment listed twice. The file is refused naming both lines and how to choose; with
/// `--duplicates once` the repeat is left out and the summary says so.
#[test]
fn a_windows_export_with_a_repeated_row_is_read_and_the_user_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let debtors = dir.path().join("kunden.csv");
    std::fs::write(
        &debtors,
        b"external_id;name;currency\r\nK-1;M\xfcller & S\xf6hne GmbH;EUR\r\n",
    )
    .unwrap();
    let (code, out, err) = overdue(&db, &["import", "debtors", debtors.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        "Imported 1 debtor (1 rows; 0 already stored, skipped). The file was read as windows-1252."
    );
    let (_, list, _) = overdue(&db, &["debtors", "list"]);
    assert!(list.contains("Müller & Söhne GmbH"), "{list}");

    let payments = dir.path().join("zahlungen.csv");
    std::fs::write(
        &payments,
        "debtor_external_id;date;amount;currency;reference\r\n\
         K-1;2026-04-01;250.00;EUR;Abschlag M\u{e4}rz\r\n\
         K-1;2026-04-01;250.00;EUR;Abschlag M\u{e4}rz\r\n"
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let path = payments.to_str().unwrap();
    let (code, out, err) = overdue(&db, &["import", "payments", path]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains("zahlungen.csv:3: row: duplicate row: the same payment as line 2"),
        "{err}"
    );
    assert!(err.contains("--duplicates once"), "{err}");
    assert!(err.contains("no payments were imported"), "{err}");
    let (code, out, err) = overdue(&db, &["import", "payments", path, "--duplicates", "once"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "Imported 1 payment (2 rows; 0 already stored, skipped). The file was read as \
             windows-1252.\n\
             1 row repeating an earlier row left out, as chosen (--duplicates once).\n"
        ),
        "{out}"
    );
}
