//! The Letters screen's use cases on top of [`crate::documents`]: the letter kinds with
//! what each requires, Save As / Print of a letter (the bytes written by Rust to a path
//! the shell's native dialog chose, and kept on the debtor's record), the dunning run's
//! letters and case files as jobs with progress and cancel, the documents kept and the
//! attachments of a debtor, and the letterhead's live sample.
//!
//! Paths never come from the webview: the shell asks the user with a native dialog and
//! hands the chosen path to these methods.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;
use overdue_docs::{ChargeLine, Document, DocumentKind, ItemLine, Recipient};
use overdue_domain::{Currency, Money};
use overdue_store::NewDocument;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::documents::{
    docs_error, file_stem, produced, LetterRequest, LetterheadDto, PdfFile, ProducedDocument,
};
use crate::{Api, ApiError, ErrorCode};

/// The largest attachment when Settings say nothing else: 25 MB.
const DEFAULT_ATTACHMENT_MB: u64 = 25;
/// The setting that changes it (whole megabytes).
const ATTACHMENT_LIMIT: &str = "attachments.max_mb";

/// A letter the Letters screen offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterKindDto {
    /// The API / CLI spelling (`reminder`, `final-demand`, ...).
    pub kind: String,
    /// Its name in words.
    pub title: String,
    /// When to use it and what it needs, in words.
    pub note: String,
}

/// A document written to a file the user chose (or for the system viewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedDocument {
    /// Where it was written.
    pub path: String,
    /// File name.
    pub file_name: String,
    /// Title.
    pub title: String,
    /// Hex SHA-256 of the bytes written.
    pub sha256: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// Letters in it (a batch has many).
    #[ts(type = "number")]
    pub letters: u64,
    /// The documents kept on the debtors' records.
    #[ts(type = "number[]")]
    pub document_ids: Vec<i64>,
}

/// How far a batch or an export is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JobProgress {
    /// `rendering`, `saving`, `exporting` or `done`.
    pub phase: String,
    /// Items done.
    #[ts(type = "number")]
    pub done: u64,
    /// Items in all (0 = not known yet).
    #[ts(type = "number")]
    pub total: u64,
}

/// The dunning run's letters in one PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BatchDone {
    /// The user cancelled: nothing was written or kept.
    pub cancelled: bool,
    /// The file (when not cancelled).
    pub saved: Option<SavedDocument>,
    /// Steps of the run not printed, and why (a friendly reminder before the due date).
    pub notes: Vec<String>,
}

/// Case files exported into a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseFilesDone {
    /// The folder.
    pub folder: String,
    /// Files written (PDF and ZIP per debtor), in order.
    pub files: Vec<String>,
    /// Debtors exported.
    #[ts(type = "number")]
    pub exported: u64,
    /// Debtors asked for.
    #[ts(type = "number")]
    pub requested: u64,
    /// The user cancelled after `exported` debtors (those stay exported and recorded).
    pub cancelled: bool,
}

/// A document kept on a debtor's record (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoredDocumentDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// Kind (`reminder`, `invoice`, `case-file`, ...).
    pub kind: String,
    /// Title.
    pub title: String,
    /// File name.
    pub file_name: String,
    /// Hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// When it was produced (RFC 3339, UTC).
    pub created_at: String,
}

/// A file attached to a debtor or one of its invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttachmentDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The invoice it is about, if one.
    #[ts(type = "number | null")]
    pub invoice_id: Option<i64>,
    /// Original file name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// When it was attached (RFC 3339, UTC).
    pub created_at: String,
}

/// The letters, in the order the screen lists them.
pub fn letter_kinds() -> Vec<LetterKindDto> {
    let k = |kind: DocumentKind, note: &str| LetterKindDto {
        kind: kind.as_str().to_string(),
        title: kind.title().to_string(),
        note: note.to_string(),
    };
    vec![
        k(DocumentKind::Reminder, "Friendly first reminder; no interest claimed."),
        k(DocumentKind::SecondReminder, "Second reminder; no interest claimed."),
        k(
            DocumentKind::FinalDemand,
            "Final demand with a deadline, interest and compensation.",
        ),
        k(
            DocumentKind::LetterOfClaim,
            "UK Pre-Action Protocol letter to an individual or sole trader; needs the agreement date.",
        ),
        k(
            DocumentKind::LetterBeforeClaim,
            "UK letter before claim to a company.",
        ),
        k(DocumentKind::Mahnung, "German Mahnung (with the fee from Settings)."),
        k(DocumentKind::UsDemand, "US first-party demand letter."),
        k(
            DocumentKind::ValidationNotice,
            "US Regulation F validation notice; only for third-party collectors.",
        ),
    ]
}

fn cancelled_jobs() -> &'static Mutex<HashSet<String>> {
    static JOBS: std::sync::LazyLock<Mutex<HashSet<String>>> =
        std::sync::LazyLock::new(|| Mutex::new(HashSet::new()));
    &JOBS
}

/// Asks a running batch or export (by the id its caller gave) to stop.
pub fn job_cancel(job: &str) {
    if let Ok(mut set) = cancelled_jobs().lock() {
        set.insert(job.to_string());
    }
}

/// Whether the job `job` was asked to stop (by [`job_cancel`]).
pub fn job_cancelled(job: &str) -> bool {
    cancelled_jobs()
        .lock()
        .map(|set| set.contains(job))
        .unwrap_or(false)
}

/// Forgets a job's cancel request when it ends (so an id may be used again).
pub fn job_end(job: &str) {
    if let Ok(mut set) = cancelled_jobs().lock() {
        set.remove(job);
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Io,
        format!("{}: cannot be written: {e}", path.display()),
    )
}

/// Writes a whole file or nothing: a temporary file next to it, then a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "document".into());
    let temp = path.with_file_name(format!(".{name}.part"));
    std::fs::write(&temp, bytes).map_err(|e| io_error(path, &e))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io_error(path, &e)
    })
}

fn saved(f: &PdfFile, path: &Path, document_ids: Vec<i64>) -> SavedDocument {
    SavedDocument {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| f.file_name.clone()),
        title: f.title.clone(),
        sha256: f.sha256.clone(),
        size_bytes: f.bytes.len() as u64,
        letters: f.letters as u64,
        document_ids,
    }
}

/// Opens a file with the system's PDF viewer (which offers printing).
pub(crate) fn open_in_viewer(path: &Path) -> Result<(), ApiError> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(path).spawn().map(drop).map_err(|e| {
        ApiError::new(
            ErrorCode::Io,
            format!(
                "The PDF was saved to {} but no viewer could be opened: {e}",
                path.display()
            ),
        )
    })
}

/// The sample debtor and invoices the letterhead's live sample is drawn with.
fn sample_document(head: &LetterheadDto, today: NaiveDate) -> Result<Document, ApiError> {
    let code = match head.country.trim().to_ascii_uppercase().as_str() {
        "GB" | "UK" => "GBP",
        "US" => "USD",
        "CH" => "CHF",
        _ => "EUR",
    };
    let currency = Currency::from_code(code).map_err(|e| ApiError::invalid(e.to_string()))?;
    let day = |d: u64| today - chrono::Days::new(d);
    let item = |number: &str, issued: u64, amount: i64, open: i64| ItemLine {
        number: number.into(),
        issue_date: day(issued),
        due_date: day(issued - 30),
        amount: Money::from_minor_units(amount, currency),
        open: Money::from_minor_units(open, currency),
        description: "Consulting services".into(),
    };
    Ok(Document {
        kind: DocumentKind::FinalDemand,
        page_size: head.page_size(),
        letterhead: head.to_model(),
        recipient: Recipient {
            name: "Sample Customer Ltd".into(),
            attention: "Accounts Payable".into(),
            address: vec!["12 Example Street".into(), "Sampletown 12345".into()],
            consumer: false,
            sole_trader: false,
            customer_ref: "C-1001".into(),
            language: "en".into(),
        },
        reference: "SAMPLE-1".into(),
        payment_reference: overdue_domain::bank::rf::for_invoice("SAMPLE-1", 1),
        date: today,
        currency,
        items: vec![
            item("INV-1001", 95, 125_000, 125_000),
            item("INV-1017", 70, 48_050, 23_050),
        ],
        charges: vec![ChargeLine {
            label: "Interest on INV-1001".into(),
            basis: "Statutory rate, sample figures".into(),
            amount: Money::from_minor_units(1_875, currency),
        }],
        deadline: Some(today + chrono::Days::new(7)),
        agreement_date: None,
        interest_continues: String::new(),
        statement: None,
        instalments: Vec::new(),
        settlement_amount: None,
        itemization_date: None,
        credits_since_itemization: None,
        tax_included: None,
        notes: String::new(),
        reminded_on: Vec::new(),
        interest_daily: None,
        interest_to: None,
        grace_days: None,
    })
}

impl Api {
    /// The letter kinds the Letters screen offers.
    pub fn letter_kinds(&self) -> Vec<LetterKindDto> {
        letter_kinds()
    }

    /// Writes a letter rendered with [`Api::letter_pdf`] (not kept) to `path`, then keeps
    /// exactly those bytes on the debtor's record and logs it. The file is written first,
    /// so a failed write records nothing.
    pub async fn letter_keep(
        &self,
        request: &LetterRequest,
        file: PdfFile,
        path: &Path,
    ) -> Result<SavedDocument, ApiError> {
        write_atomically(path, &file.bytes)?;
        self.log_override(&self.store().await, request.debtor_id, &file)
            .await?;
        let kind = DocumentKind::parse(&request.kind)
            .map(|k| k.as_str().to_string())
            .unwrap_or_else(|| request.kind.clone());
        let ids = self
            .store()
            .await
            .store_documents(
                &[NewDocument {
                    debtor_id: request.debtor_id,
                    invoice_id: None,
                    kind,
                    title: file.title.clone(),
                    file_name: file.file_name.clone(),
                    content_type: "application/pdf".into(),
                    content: file.bytes.clone(),
                    author: "overdue".into(),
                    event_kind: "letter".into(),
                }],
                self.clock().now(),
            )
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        Ok(saved(&file, path, ids))
    }

    /// Save As of a letter: renders, writes to `path` and keeps it.
    pub async fn letter_save_to(
        &self,
        request: &LetterRequest,
        path: &Path,
    ) -> Result<SavedDocument, ApiError> {
        let file = self.letter_pdf(request, false).await?;
        self.letter_keep(request, file, path).await
    }

    /// Print: keeps the letter, writes it into `folder` (the system's temporary folder
    /// when `None`) and opens it in the system's PDF viewer when `open` is set.
    pub async fn letter_print(
        &self,
        request: &LetterRequest,
        folder: Option<PathBuf>,
        open: bool,
    ) -> Result<SavedDocument, ApiError> {
        let file = self.letter_pdf(request, false).await?;
        let folder = folder.unwrap_or_else(|| std::env::temp_dir().join("overdue-print"));
        std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, &e))?;
        let path = folder.join(&file.file_name);
        let done = self.letter_keep(request, file, &path).await?;
        if open {
            open_in_viewer(&path)?;
        }
        Ok(done)
    }

    /// "Print all letters of this dunning run": the letters of `as_of` in one PDF written
    /// to `path`, each kept on its debtor's record. `progress` hears how far rendering
    /// is; [`job_cancel`] with the same `job` stops it, and then nothing is kept or written.
    pub async fn letters_batch_to(
        &self,
        as_of: &str,
        path: &Path,
        job: &str,
        progress: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> Result<BatchDone, ApiError> {
        let mut report = |done: usize, total: usize| {
            progress(JobProgress {
                phase: "rendering".into(),
                done: done as u64,
                total: total as u64,
            });
            !job_cancelled(job)
        };
        // Rendered, then each letter kept on its debtor's record in one transaction; a
        // cancel stops the rendering, before anything is kept.
        let outcome = self.batch_pdf(as_of, true, &mut report).await;
        let was_cancelled = job_cancelled(job);
        job_end(job);
        let file = match outcome {
            Ok(f) => f,
            Err(_) if was_cancelled => {
                return Ok(BatchDone {
                    cancelled: true,
                    saved: None,
                    notes: Vec::new(),
                })
            }
            Err(e) => return Err(e),
        };
        progress(JobProgress {
            phase: "saving".into(),
            done: file.letters as u64,
            total: file.letters as u64,
        });
        write_atomically(path, &file.bytes)?;
        progress(JobProgress {
            phase: "done".into(),
            done: file.letters as u64,
            total: file.letters as u64,
        });
        let ids = file.document_ids.clone();
        Ok(BatchDone {
            cancelled: false,
            saved: Some(saved(&file, path, ids)),
            notes: file.notes.clone(),
        })
    }

    /// Exports the case file (PDF and ZIP) of each debtor into `folder`; each export is
    /// recorded on the debtor's timeline. [`job_cancel`] stops before the next debtor.
    pub async fn case_files_to(
        &self,
        debtor_ids: &[i64],
        folder: &Path,
        job: &str,
        progress: &(dyn Fn(JobProgress) + Send + Sync),
    ) -> Result<CaseFilesDone, ApiError> {
        if debtor_ids.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "debtor_ids: choose at least one debtor.",
            ));
        }
        let total = debtor_ids.len() as u64;
        let mut done = CaseFilesDone {
            folder: folder.display().to_string(),
            files: Vec::new(),
            exported: 0,
            requested: total,
            cancelled: false,
        };
        for (i, id) in debtor_ids.iter().enumerate() {
            if job_cancelled(job) {
                done.cancelled = true;
                break;
            }
            progress(JobProgress {
                phase: "exporting".into(),
                done: i as u64,
                total,
            });
            let result = self.case_file(*id, true).await;
            let (pdf, zip) = match result {
                Ok(v) => v,
                Err(e) => {
                    job_end(job);
                    return Err(e);
                }
            };
            let stem = pdf.file_name.trim_end_matches(".pdf").to_string();
            let pdf_path = folder.join(&pdf.file_name);
            write_atomically(&pdf_path, &pdf.bytes)?;
            done.files.push(pdf.file_name.clone());
            if let Some(zip) = zip {
                let name = format!("{stem}.zip");
                write_atomically(&folder.join(&name), &zip)?;
                done.files.push(name);
            }
            done.exported += 1;
        }
        job_end(job);
        progress(JobProgress {
            phase: "done".into(),
            done: done.exported,
            total,
        });
        Ok(done)
    }

    /// The documents kept on a debtor's record, newest first.
    pub async fn stored_documents(
        &self,
        debtor_id: i64,
    ) -> Result<Vec<StoredDocumentDto>, ApiError> {
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        let mut docs: Vec<StoredDocumentDto> = store
            .documents_of(debtor_id)
            .await?
            .into_iter()
            .map(|d| StoredDocumentDto {
                id: d.id,
                kind: d.kind,
                title: d.title,
                file_name: d.file_name,
                sha256: d.sha256,
                size_bytes: d.size_bytes,
                created_at: d.created_at.to_rfc3339(),
            })
            .collect();
        docs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(docs)
    }

    /// A kept document's file name (the Save As dialog's suggestion).
    pub async fn stored_document_name(&self, id: i64) -> Result<String, ApiError> {
        Ok(self.store().await.document(id).await?.0.file_name)
    }

    /// Writes a kept document to `path`, byte for byte as produced (its SHA-256 is checked
    /// before writing).
    pub async fn stored_document_to(
        &self,
        id: i64,
        path: &Path,
    ) -> Result<SavedDocument, ApiError> {
        let (record, bytes) = self.store().await.document(id).await?;
        let sha = overdue_store::sha256_hex(&bytes);
        if sha != record.sha256 {
            return Err(ApiError::new(
                ErrorCode::Internal,
                format!(
                    "Document {id} does not match its SHA-256 ({} kept, {sha} now).",
                    record.sha256
                ),
            ));
        }
        write_atomically(path, &bytes)?;
        Ok(SavedDocument {
            path: path.display().to_string(),
            file_name: record.file_name,
            title: record.title,
            sha256: sha,
            size_bytes: bytes.len() as u64,
            letters: 1,
            document_ids: vec![id],
        })
    }

    /// A debtor's attachments, oldest first.
    pub async fn attachments_list(&self, debtor_id: i64) -> Result<Vec<AttachmentDto>, ApiError> {
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        Ok(store
            .attachments_of(debtor_id)
            .await?
            .into_iter()
            .map(|a| AttachmentDto {
                id: a.id,
                invoice_id: a.invoice_id,
                file_name: a.file_name,
                content_type: a.content_type,
                sha256: a.sha256,
                size_bytes: a.size_bytes,
                created_at: a.created_at.to_rfc3339(),
            })
            .collect())
    }

    /// Attaches the file at `path` (chosen in a native dialog) to a debtor: read here, in
    /// Rust, and kept with its SHA-256.
    pub async fn attach_path(
        &self,
        debtor_id: i64,
        path: &Path,
    ) -> Result<AttachmentDto, ApiError> {
        let (name, content) = self.read_attachment(path).await?;
        let a = self.attach(debtor_id, None, &name, content).await?;
        Ok(AttachmentDto {
            id: a.id,
            invoice_id: a.invoice_id,
            file_name: a.file_name,
            content_type: a.content_type,
            sha256: a.sha256,
            size_bytes: a.size_bytes,
            created_at: a.created_at.to_rfc3339(),
        })
    }

    /// A sample final demand drawn with a letterhead that is being edited (not saved, not
    /// kept): the Settings page's live sample.
    pub async fn letterhead_sample(
        &self,
        head: LetterheadDto,
    ) -> Result<ProducedDocument, ApiError> {
        let doc = sample_document(&head, self.clock().today())?;
        let meta = overdue_docs::metadata_for(&doc, self.clock().now().timestamp());
        let bytes = overdue_docs::render(&doc, &meta).map_err(docs_error)?;
        Ok(produced(PdfFile {
            document_ids: Vec::new(),
            title: meta.title,
            file_name: format!("sample-{}.pdf", file_stem(&doc.reference)),
            sha256: overdue_store::sha256_hex(&bytes),
            bytes,
            letters: 1,
            notes: Vec::new(),
        }))
    }
}

impl Api {
    /// The largest file that may be attached, in bytes (Settings, default 25 MB).
    pub async fn attachment_limit(&self) -> Result<u64, ApiError> {
        let mb = self
            .store()
            .await
            .setting(ATTACHMENT_LIMIT)
            .await?
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|mb| *mb > 0)
            .unwrap_or(DEFAULT_ATTACHMENT_MB);
        Ok(mb * 1000 * 1000)
    }

    /// Reads a file to attach: its name and bytes, refused at once when it is larger than
    /// the limit. The read itself stops at the limit, so a device or a file that keeps
    /// growing (`/dev/zero`) is refused too instead of filling the memory.
    pub async fn read_attachment(&self, path: &Path) -> Result<(String, Vec<u8>), ApiError> {
        use std::io::Read;
        let limit = self.attachment_limit().await?;
        let unreadable = |e: std::io::Error| {
            ApiError::new(
                ErrorCode::Io,
                format!("{}: cannot be read: {e}", path.display()),
            )
        };
        let too_big = || {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "{}: the file is larger than the {} MB an attachment may be (Settings: \
                     attachments); nothing was attached.",
                    path.display(),
                    limit / 1_000_000
                ),
            )
        };
        if std::fs::metadata(path).map_err(unreadable)?.len() > limit {
            return Err(too_big());
        }
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let mut content = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut content)
            .map_err(unreadable)?;
        if content.len() as u64 > limit {
            return Err(too_big());
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "attachment".into());
        Ok((name, content))
    }
}
