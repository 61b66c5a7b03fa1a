//! The Letters screen's backend on a real SQLite file: Save As writes exactly the bytes it
//! keeps, the run's letters are one PDF (and nothing is kept or written when cancelled),
//! case files land in a folder, kept documents come back byte for byte, attachments are
//! read from a path with their SHA-256, and the letterhead's sample is drawn unsaved.

use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use overdue_api::clock::FixedClock;
use overdue_api::documents::{LetterRequest, LetterheadDto};
use overdue_api::dto::{DebtorListQuery, DebtorSortDto, DemoRequest, SortDirectionDto};
use overdue_api::letters_ui::{job_cancel, JobProgress};
use overdue_api::{Api, ErrorCode};

async fn api(dir: &tempfile::TempDir) -> Api {
    let clock = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
    ));
    let api = Api::open(dir.path().join("l.db").to_str().unwrap(), clock)
        .await
        .unwrap();
    api.demo_load(DemoRequest {
        debtors: 30,
        invoices: 300,
        seed: 5,
        as_used: false,
    })
    .await
    .unwrap();
    api
}

fn letterhead() -> LetterheadDto {
    LetterheadDto {
        name: "Nordlys AS".into(),
        address_lines: "Strandgata 5".into(),
        postal_code: "5013".into(),
        city: "Bergen".into(),
        country: "NO".into(),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        ..LetterheadDto::default()
    }
}

/// The most overdue debtor.
async fn overdue_debtor(api: &Api) -> i64 {
    let page = api
        .debtors_list(DebtorListQuery {
            sort: DebtorSortDto::OverdueBalance,
            direction: SortDirectionDto::Desc,
            limit: 1,
            ..DebtorListQuery::default()
        })
        .await
        .unwrap();
    page.rows[0].id
}

fn sha(bytes: &[u8]) -> String {
    overdue_store::sha256_hex(bytes)
}

#[tokio::test]
async fn save_as_keeps_exactly_the_bytes_written_and_they_come_back_identical() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    let debtor = overdue_debtor(&api).await;
    let request = LetterRequest {
        debtor_id: debtor,
        kind: "final-demand".into(),
        as_of: "2026-11-22".into(),
        ..LetterRequest::default()
    };

    // No letterhead yet: refused, naming what is missing; nothing written or kept.
    let out = dir.path().join("letter.pdf");
    let e = api.letter_save_to(&request, &out).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert!(e.message.contains("company name"), "{}", e.message);
    assert!(!out.exists());
    assert!(api.stored_documents(debtor).await.unwrap().is_empty());

    api.letterhead_set(letterhead()).await.unwrap();
    let saved = api.letter_save_to(&request, &out).await.unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(saved.sha256, sha(&bytes));
    let kept = api.stored_documents(debtor).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].kind.as_str(), kept[0].sha256.as_str()),
        ("final-demand", saved.sha256.as_str())
    );
    assert_eq!(saved.document_ids, vec![kept[0].id]);

    let copy = dir.path().join("copy.pdf");
    let again = api.stored_document_to(kept[0].id, &copy).await.unwrap();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        bytes,
        "the same bytes come back"
    );
    assert_eq!(again.sha256, saved.sha256);
    assert_eq!(
        api.stored_document_name(kept[0].id).await.unwrap(),
        kept[0].file_name
    );

    // Print writes into the given folder (tests do not open a viewer) and keeps it too.
    let printed = api
        .letter_print(&request, Some(dir.path().join("print")), false)
        .await
        .unwrap();
    assert!(std::path::Path::new(&printed.path).exists());
    assert_eq!(api.stored_documents(debtor).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_run_is_one_pdf_with_progress_and_a_cancel_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    api.letterhead_set(letterhead()).await.unwrap();
    // The run prints the levels whose channel is a letter: make the default ladder letters.
    let mut policy = api
        .dunning_policies()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.is_default)
        .expect("a default policy");
    for level in policy.levels.iter_mut().filter(|l| l.channel == "email") {
        level.channel = "letter".into();
    }
    api.dunning_policy_save(policy).await.unwrap();
    let out = dir.path().join("run.pdf");
    let seen: Mutex<Vec<JobProgress>> = Mutex::new(Vec::new());
    let record = |p: JobProgress| seen.lock().unwrap().push(p);

    job_cancel("job-a");
    let done = api
        .letters_batch_to("2026-11-22", &out, "job-a", &record)
        .await
        .unwrap();
    assert!(done.cancelled && done.saved.is_none());
    assert!(!out.exists(), "a cancelled run writes nothing");
    let kept_after_cancel = count_documents(&api).await;
    assert_eq!(kept_after_cancel, 0, "and keeps nothing");

    // The same job id can run again once its cancel was consumed.
    seen.lock().unwrap().clear();
    let done = api
        .letters_batch_to("2026-11-22", &out, "job-a", &record)
        .await
        .unwrap();
    let saved = done.saved.expect("the run's file");
    assert!(!done.cancelled);
    assert!(saved.letters >= 1, "{saved:?}");
    assert_eq!(saved.document_ids.len() as u64, saved.letters);
    assert_eq!(count_documents(&api).await, saved.letters as usize);
    assert_eq!(saved.sha256, sha(&std::fs::read(&out).unwrap()));
    let seen = seen.lock().unwrap();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.phase.as_str(), last.done, last.total),
        ("done", saved.letters, saved.letters)
    );
    assert!(seen
        .iter()
        .any(|p| p.phase == "rendering" && p.total == saved.letters));
}

async fn count_documents(api: &Api) -> usize {
    let page = api
        .debtors_list(DebtorListQuery {
            limit: 100,
            ..DebtorListQuery::default()
        })
        .await
        .unwrap();
    let mut n = 0;
    for r in page.rows {
        n += api.stored_documents(r.id).await.unwrap().len();
    }
    n
}

#[tokio::test]
async fn case_files_land_in_the_folder_and_attachments_are_read_from_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    api.letterhead_set(letterhead()).await.unwrap();
    let debtor = overdue_debtor(&api).await;

    let contract = dir.path().join("signed contract.txt");
    std::fs::write(&contract, "Signed on 2025-01-15.").unwrap();
    let a = api.attach_path(debtor, &contract).await.unwrap();
    assert_eq!(a.file_name, "signed contract.txt");
    assert_eq!(a.sha256, sha(b"Signed on 2025-01-15."));
    assert_eq!(api.attachments_list(debtor).await.unwrap(), vec![a]);
    let missing = api
        .attach_path(debtor, &dir.path().join("nope.pdf"))
        .await
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::Io);
    assert!(missing.message.contains("nope.pdf"), "{}", missing.message);

    let folder = dir.path().join("lawyer");
    std::fs::create_dir(&folder).unwrap();
    let done = api
        .case_files_to(&[debtor], &folder, "job-b", &|_| {})
        .await
        .unwrap();
    assert_eq!(
        (done.exported, done.requested, done.cancelled),
        (1, 1, false)
    );
    assert_eq!(done.files.len(), 2, "{:?}", done.files);
    for f in &done.files {
        assert!(folder.join(f).exists(), "{f}");
    }
    assert!(done.files[1].ends_with(".zip"));

    job_cancel("job-c");
    let stopped = api
        .case_files_to(&[debtor], &folder, "job-c", &|_| {})
        .await
        .unwrap();
    assert_eq!((stopped.exported, stopped.cancelled), (0, true));
    let none = api
        .case_files_to(&[], &folder, "job-d", &|_| {})
        .await
        .unwrap_err();
    assert_eq!(none.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn the_letterhead_sample_is_drawn_from_unsaved_values() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir).await;
    let sample = api.letterhead_sample(letterhead()).await.unwrap();
    assert!(sample.document_id.is_none());
    assert!(sample.size_bytes > 1000);
    assert!(sample.pdf_base64.starts_with("JVBERi0"), "base64 of %PDF-");
    assert_eq!(
        api.letterhead_get().await.unwrap(),
        LetterheadDto::default()
    );
    // The kinds the screen offers are the CLI's letters.
    let kinds: Vec<String> = api.letter_kinds().into_iter().map(|k| k.kind).collect();
    assert_eq!(
        kinds,
        [
            "reminder",
            "second-reminder",
            "final-demand",
            "letter-of-claim",
            "letter-before-claim",
            "mahnung",
            "us-demand",
            "validation-notice"
        ]
    );
}
