//! Collection agencies (issue 20) on a real SQLite file and a real PostgreSQL server, with
//! a real SMTP server on 127.0.0.1: a claim handed over as a package (read back: the CSV
//! and the XLSX give the same invoices, interest and total as the late-fee interest), sent
//! to the agency; our reminders stop for it; a collection booked with its commission; a
//! direct payment listed for the agency; the report; a recall; and the refusals.

#[path = "support/book.rs"]
mod book;
#[path = "support/pg.rs"]
mod pg;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use book::{debtor_at, invoice, open, pdf_text, print_letter, uk_creditor};
use overdue_api::agencies::{AgencyInput, CollectedInput, HandoverRequest};
use overdue_api::dto::DebtorKindDto::Company;
use overdue_api::dunning::{DunningRunMode, DunningRunRequest};
use overdue_api::email::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use overdue_api::ledger::PaymentInput;
use overdue_api::Api;
use smtp_sink::SmtpSink;

fn handover(debtor_id: i64, dir: &std::path::Path, reason: &str) -> HandoverRequest {
    HandoverRequest {
        debtor_id,
        agency: "Inkasso Nord".into(),
        invoices: vec![],
        out_dir: dir.display().to_string(),
        zip: true,
        send: true,
        reason: reason.into(),
    }
}

async fn preview(api: &Api) -> overdue_api::dunning::DunningRunResult {
    api.dunning_run(DunningRunRequest {
        as_of: String::new(),
        mode: DunningRunMode::Preview,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn story(target: &str, files: &std::path::Path) {
    let sink = SmtpSink::start();
    let api = open(target, (2026, 9, 15)).await;
    uk_creditor(&api).await;
    api.smtp_configure(SmtpSettingsInput {
        settings: SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            security: SmtpSecurity::Plain,
            username: String::new(),
            from_address: "accounts@brightwater.test".into(),
            from_name: "Brightwater Supplies".into(),
            has_password: false,
        },
        password: String::new(),
    })
    .await
    .unwrap();
    let gb = ("en", "GB", "GBP");
    let harper = debtor_at(
        &api,
        Company,
        "UK1",
        "Harper & Sons Ltd",
        gb,
        ("1 High Street", "M1 1AA", "Manchester"),
    )
    .await;
    let quiet = debtor_at(
        &api,
        Company,
        "UK3",
        "Quiet Traders Ltd",
        gb,
        ("9 King Street", "BS1 4DJ", "Bristol"),
    )
    .await;
    invoice(
        &api,
        harper,
        "BW-2026-101",
        "2026-06-01",
        "2026-07-01",
        "1840.00",
    )
    .await;
    invoice(
        &api,
        harper,
        "BW-2026-118",
        "2026-07-15",
        "2026-08-14",
        "560.50",
    )
    .await;
    invoice(
        &api,
        quiet,
        "BW-2026-130",
        "2026-07-01",
        "2026-07-31",
        "950.00",
    )
    .await;
    print_letter(&api, harper, "reminder").await;
    api.close().await;
    let api = open(target, (2026, 12, 20)).await;
    print_letter(&api, harper, "final-demand").await;
    api.close().await;
    let api = open(target, (2027, 1, 10)).await;

    // The agency.
    let bad = api
        .agency_add(&AgencyInput {
            name: "Inkasso Nord".into(),
            email: "cases@inkasso-nord.test".into(),
            commission: "fifteen".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.fields[0].field, "commission");
    let a = api
        .agency_add(&AgencyInput {
            name: "Inkasso Nord".into(),
            email: "cases@inkasso-nord.test".into(),
            commission: "15.0".into(),
            fee_per_case: "25.00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (a.commission.as_str(), a.fee_per_case.as_str()),
        ("15", "25.00")
    );
    assert!(api
        .agency_add(&AgencyInput {
            name: "Inkasso Nord".into(),
            email: "x@y.test".into(),
            ..Default::default()
        })
        .await
        .is_err());

    // A folder that is not empty: refused, nothing recorded.
    let busy = files.join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let e = api
        .agency_handover(&handover(harper, &busy, ""))
        .await
        .unwrap_err();
    assert!(e.message.contains("not empty"), "{}", e.message);
    assert!(api.agency_report().await.unwrap().is_empty());

    // The handover: the package read back agrees with the late-fee interest.
    let dir = files.join("harper");
    let h = api
        .agency_handover(&handover(harper, &dir, ""))
        .await
        .unwrap();
    assert_eq!(h.total, "2654.71");
    assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    assert_eq!(h.sent_to.as_deref(), Some("cases@inkasso-nord.test"));
    let interest = api.debtor_interest(harper, "").await.unwrap();
    let csv = std::fs::read_to_string(dir.join("claim.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), interest.invoices.len() + 1, "{csv}");
    for inv in &interest.invoices {
        let row = rows
            .iter()
            .find(|r| r[2] == inv.number)
            .unwrap_or_else(|| panic!("{} in {csv}", inv.number));
        assert_eq!(
            (&row[5], &row[6], &row[7]),
            (&inv.open, &inv.interest, &inv.compensation),
            "{csv}"
        );
    }
    let total = rows.last().unwrap();
    assert_eq!(
        (total[2].as_str(), total[6].as_str(), total[7].as_str()),
        (
            "TOTAL",
            interest.interest.as_str(),
            interest.compensation.as_str()
        )
    );
    assert_eq!(total[8], h.total);
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(dir.join("claim.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(cells[1][2], "BW-2026-101");
    // XLSX keeps amounts as numbers: read them as decimals.
    let number = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap().round_dp(2);
    assert_eq!(number(&cells[1][6]), rust_decimal::Decimal::new(11675, 2));
    assert_eq!(number(&cells[3][8]), rust_decimal::Decimal::new(265471, 2));
    for f in ["case-file.pdf", "contact-history.csv"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    // The case file read back names the debtor and both invoices.
    let text = pdf_text(&std::fs::read(dir.join("case-file.pdf")).unwrap());
    for needle in ["Harper & Sons Ltd", "BW-2026-101", "BW-2026-118"] {
        assert!(text.contains(needle), "{needle} in the case file: {text}");
    }
    let history = std::fs::read_to_string(dir.join("contact-history.csv")).unwrap();
    assert!(history.lines().count() > 1, "{history}");
    let zip_path = h.zip.as_ref().unwrap();
    let zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let names: Vec<&str> = zip.file_names().collect();
    for f in [
        "case-file.pdf",
        "claim.csv",
        "claim.xlsx",
        "contact-history.csv",
    ] {
        assert!(names.contains(&f), "{names:?}");
    }
    let mail = sink.delivered();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, ["cases@inkasso-nord.test"]);
    let attached: Vec<String> = mail[0]
        .attachments()
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert!(attached.contains(&"claim.xlsx".to_string()), "{attached:?}");

    let case = api
        .agency_case_of(harper)
        .await
        .unwrap()
        .expect("the open case");
    assert_eq!(
        (case.agency.as_str(), case.handed_over.as_str()),
        ("Inkasso Nord", "2654.71")
    );
    // Our reminders stop for it; a second handover is refused.
    let run = preview(&api).await;
    assert!(
        !run.actions.iter().any(|a| a.debtor == "UK1"),
        "{:?}",
        run.actions
    );
    let e = api
        .agency_handover(&handover(harper, &files.join("again"), ""))
        .await
        .unwrap_err();
    assert!(
        e.message
            .contains("handed over to Inkasso Nord on 2027-01-10"),
        "{}",
        e.message
    );

    // Quiet Traders had no notice: refused without a reason, logged with one.
    let e = api
        .agency_handover(&handover(quiet, &files.join("quiet"), ""))
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].field, "reason");
    let q = api
        .agency_handover(&handover(
            quiet,
            &files.join("quiet2"),
            "Company is winding up",
        ))
        .await
        .unwrap();
    assert!(
        q.warnings.iter().any(|w| w.contains("reason logged")),
        "{:?}",
        q.warnings
    );
    let log = api.debtor_timeline(quiet).await.unwrap();
    assert!(
        log.iter()
            .any(|e| format!("{} {}", e.title, e.detail).contains("reason: Company is winding up")),
        "{log:?}"
    );

    // The agency collects GBP 1,000: 15% + the GBP 25 case fee = GBP 175 commission.
    let c = api
        .agency_collected(&CollectedInput {
            debtor_id: harper,
            amount: "1000.00".into(),
            date: "2027-01-31".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        (c.gross.as_str(), c.commission.as_str(), c.net.as_str()),
        ("1000.00", "175.00", "825.00")
    );
    let detail = api.invoice_by_number("BW-2026-101").await.unwrap();
    assert_eq!(
        detail.invoice.open, "840.00",
        "the payment reduces the debt by what the debtor paid"
    );
    // A second collection: no case fee.
    let c = api
        .agency_collected(&CollectedInput {
            debtor_id: harper,
            amount: "200.00".into(),
            date: "2027-02-10".into(),
        })
        .await
        .unwrap();
    assert_eq!(c.commission, "30.00");
    // The debtor pays us directly: the agency must be told.
    api.payment_record(PaymentInput {
        debtor_id: harper,
        date: "2027-02-12".into(),
        amount: "100.00".into(),
        currency: String::new(),
        method: "bank".into(),
        reference: String::new(),
        invoice_id: None,
        seen_open: None,
    })
    .await
    .unwrap();
    let report = api.agency_report().await.unwrap();
    assert_eq!(report.len(), 1);
    let r = &report[0];
    assert_eq!((r.cases, r.open_cases), (2, 2));
    assert_eq!(
        (r.recovered.as_str(), r.commission.as_str(), r.net.as_str()),
        ("1200.00", "205.00", "995.00")
    );
    let case = r
        .case_list
        .iter()
        .find(|c| c.debtor == "Harper & Sons Ltd")
        .unwrap();
    assert_eq!(case.days_to_recover, Some(31));
    assert_eq!(case.direct_payments.len(), 1, "{:?}", case.direct_payments);
    assert!(case.direct_payments[0].contains("100.00 GBP"));

    // Recall: a reason is needed; then our reminders resume.
    assert!(api.agency_recall(harper, " ").await.is_err());
    api.agency_recall(harper, "Debtor agreed a plan with us")
        .await
        .unwrap();
    assert!(api.agency_case_of(harper).await.unwrap().is_none());
    let run = preview(&api).await;
    assert!(
        !run.skipped
            .iter()
            .any(|s| s.reason.contains("handed over to Inkasso Nord") && s.debtor == "UK1"),
        "{:?}",
        run.skipped
    );
    let report = api.agency_report().await.unwrap();
    let case = report[0]
        .case_list
        .iter()
        .find(|c| c.debtor == "Harper & Sons Ltd")
        .unwrap();
    assert_eq!(
        (case.status, case.recall_reason.as_str()),
        (
            overdue_api::agencies::AgencyCaseStatus::Recalled,
            "Debtor agreed a plan with us"
        )
    );
    api.close().await;
}

#[tokio::test]
async fn a_claim_goes_to_an_agency_and_what_it_collects_comes_back_net_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(dir.path().join("a.db").to_str().unwrap(), dir.path()).await;
}

#[tokio::test]
async fn a_claim_goes_to_an_agency_and_what_it_collects_comes_back_net_postgres() {
    let Some(db) = pg::TestDb::create("agency_story").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    story(&db.url, dir.path()).await;
    db.drop().await;
}

/// An agency's minimum commission and contact person, and what it reports while it has
/// the case: a collection costs at least the minimum a case, topped up once; the agency's
/// updates go on the debtor's timeline; a dated update before the handover, an "other"
/// without words and an update on a recalled case are refused.
async fn minimum_and_updates(target: &str, files: &std::path::Path) {
    let api = open(target, (2027, 1, 10)).await;
    uk_creditor(&api).await;
    let d = debtor_at(
        &api,
        Company,
        "UK9",
        "Tanner Joinery Ltd",
        ("en", "GB", "GBP"),
        ("4 Mill Lane", "LS1 4AP", "Leeds"),
    )
    .await;
    invoice(&api, d, "TJ-1", "2026-08-01", "2026-08-31", "900.00").await;
    let a = api
        .agency_add(&AgencyInput {
            name: "Inkasso Süd".into(),
            email: "faelle@inkasso-sued.test".into(),
            commission: "15".into(),
            contact: "Jana Kühn".into(),
            min_commission: "50.00".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (a.contact.as_str(), a.min_commission.as_str()),
        ("Jana Kühn", "50.00")
    );
    let bad = api
        .agency_add(&AgencyInput {
            name: "Other".into(),
            min_commission: "fifty".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.fields[0].field, "min_commission");
    api.agency_handover(&HandoverRequest {
        debtor_id: d,
        agency: "Inkasso Süd".into(),
        invoices: vec![],
        out_dir: files.join("sued").display().to_string(),
        zip: false,
        send: false,
        reason: "The debtor stopped answering".into(),
    })
    .await
    .unwrap();

    // 15% of 100.00 is 15.00: the case's minimum, 50.00, is charged instead; then 15%.
    let first = api
        .agency_collected(&CollectedInput {
            debtor_id: d,
            amount: "100.00".into(),
            date: "2027-01-20".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        (first.commission.as_str(), first.net.as_str()),
        ("50.00", "50.00")
    );
    let second = api
        .agency_collected(&CollectedInput {
            debtor_id: d,
            amount: "200.00".into(),
            date: "2027-01-25".into(),
        })
        .await
        .unwrap();
    assert_eq!(second.commission, "30.00");

    use overdue_api::agencies::{AgencyStatus, AgencyUpdateInput};
    let said = api
        .agency_update(&AgencyUpdateInput {
            debtor_id: d,
            status: AgencyStatus::Promised,
            date: "2027-01-26".into(),
            note: "the rest by the end of February".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        said,
        "Inkasso Süd reports: debtor promised to pay (the rest by the end of February)"
    );
    let log = api.debtor_timeline(d).await.unwrap();
    assert!(log.iter().any(|e| e.title == said), "{log:?}");
    let early = api
        .agency_update(&AgencyUpdateInput {
            debtor_id: d,
            status: AgencyStatus::Contacted,
            date: "2026-12-01".into(),
            note: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(early.fields[0].field, "date", "{early:?}");
    let wordless = api
        .agency_update(&AgencyUpdateInput {
            debtor_id: d,
            status: AgencyStatus::Other,
            date: String::new(),
            note: " ".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(wordless.fields[0].field, "note", "{wordless:?}");
    api.agency_recall(d, "Settled with us directly")
        .await
        .unwrap();
    assert!(api
        .agency_update(&AgencyUpdateInput {
            debtor_id: d,
            status: AgencyStatus::Contacted,
            date: String::new(),
            note: String::new(),
        })
        .await
        .is_err());
    api.close().await;
}

#[tokio::test]
async fn an_agency_minimum_and_its_updates_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    minimum_and_updates(dir.path().join("m.db").to_str().unwrap(), dir.path()).await;
}

#[tokio::test]
async fn an_agency_minimum_and_its_updates_postgres() {
    let Some(db) = pg::TestDb::create("agency_minimum").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    minimum_and_updates(&db.url, dir.path()).await;
    db.drop().await;
}
