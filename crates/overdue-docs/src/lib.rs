//! # overdue-docs
//!
//! The documents Overdue produces (invoices, reminders, demand letters, UK letters of claim,
//! German Mahnungen, US demand letters and validation notices, statements of account,
//! payment plan and settlement agreements, a lawyer's case file) laid out as PDF.
//!
//! ## House rules
//! - Pure: a [`Document`] (what the letter says, gathered by the API from the ledger) goes
//!   in, PDF bytes come out. No IO, no clock: the creation time is passed in [`Metadata`].
//! - Each kind declares what it must contain ([`Document::missing`]); a document missing
//!   one of them is refused with [`DocError::Missing`] naming what is missing, never
//!   produced silently.
//! - Pages are written operator by operator (text at absolute positions, one text object
//!   per page) from a small flow layout, not through HTML: a run of a thousand letters
//!   takes about a second.
//! - One shipped font (DejaVu Sans, `fonts/`, with its licence), subset per file and
//!   embedded, covering Latin Extended (Łukasiewicz, Øster, Şahin, Dvořák); text stays
//!   extractable through a ToUnicode map.
//! - Money arrives as [`overdue_domain::Money`] and leaves as text
//!   ([`format::Lang::money`]). Floats appear only as page geometry (millimetres and
//!   points handed to printpdf), which is why this crate allows `f32`.
//!
//! ## Glossary
//! - **Letterhead**: the creditor's name, address, registration, tax and bank details.
//! - **Window envelope**: the address block sits where the envelope's window shows it
//!   (DIN 5008 form B on A4, a US #10 envelope on Letter); fold marks show where to fold.
//! - **Reference block**: date, our reference, customer number, deadline.
//! - **Charge line**: interest, a fee or fixed compensation, printed with its basis.
//! - **GiroCode**: the EPC QR code a European banking app scans to fill in a transfer.
//! - **Letter of claim**: the UK Pre-Action Protocol letter to an individual or sole
//!   trader (30 days to reply, with the statement, Information Sheet, Reply Form and
//!   Financial Statement); a **letter before claim** is its counterpart to a company
//!   (14 days).
//! - **Validation notice**: the US Regulation F notice a third-party collector of consumer
//!   debts must send (model form B-1).

#![deny(missing_docs)]
// Page geometry is millimetres and points in f32, the unit printpdf takes; no amount of
// money is ever a float here (amounts are Money, formatted to text before layout).
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

pub mod appendix;
pub mod bench;
mod font;
pub mod format;
pub mod i18n;
mod layout;
mod letters;
pub mod model;
mod pdf;
mod pdf_printpdf;
pub mod qr;
mod report;

pub use appendix::{Appended, Appendix};
pub use format::Lang;
pub use model::{
    BankDetails, ChargeLine, Document, DocumentKind, Instalment, ItemLine, Letterhead, PageSize,
    Recipient, Statement, StatementPayable, StatementRow,
};
pub use pdf::{Bookmark, Metadata};
pub use report::{Block, Report};

/// Why a document was not produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// Required elements are missing.
    #[error("{kind} for {debtor} cannot be produced: it needs {}", .missing.join(", "))]
    Missing {
        /// Which document.
        kind: &'static str,
        /// Whom it is for.
        debtor: String,
        /// What is missing, in words.
        missing: Vec<&'static str>,
    },
    /// The batch was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// The PDF writer failed.
    #[error("PDF: {0}")]
    Pdf(String),
}

/// The language a document is written in (the debtor's, where the catalogs have its
/// texts), for text the caller adds to it (such as its notes).
pub fn language_of(doc: &Document) -> Lang {
    letters::lang_of(doc)
}

/// Checks a document's required elements.
pub fn check(doc: &Document) -> Result<(), DocError> {
    let missing = doc.missing();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DocError::Missing {
            kind: doc.kind.title(),
            debtor: doc.recipient.name.clone(),
            missing,
        })
    }
}

/// The metadata a document gets by default: its subject line as title, the company as
/// author, the debtor and reference as subject.
pub fn metadata_for(doc: &Document, created_unix: i64) -> Metadata {
    Metadata {
        title: letters::subject(doc),
        author: doc.letterhead.name.clone(),
        subject: format!(
            "{} – {} – {}",
            doc.kind.title(),
            doc.recipient.name,
            doc.reference
        ),
        keywords: vec![doc.kind.as_str().to_string(), doc.reference.clone()],
        created_unix,
    }
}

/// True when `bytes` are a PNG or JPEG this crate can place on a page (a logo, an
/// attached image).
pub fn is_image(bytes: &[u8]) -> bool {
    matches!(appendix::image(bytes), Ok(Some(_)))
}

/// One document as a PDF.
pub fn render(doc: &Document, meta: &Metadata) -> Result<Vec<u8>, DocError> {
    check(doc)?;
    let flow = letters::lay_out(doc);
    pdf::write(&flow.sheets, meta, &[])
}

/// Several documents in one PDF (each starts on a new page and gets a bookmark), e.g. the
/// letters of a dunning run. All are checked before any is laid out: one missing element
/// refuses the batch. `progress(done, total)` is called after each document; returning
/// `false` cancels.
pub fn render_batch(
    docs: &[Document],
    meta: &Metadata,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<u8>, DocError> {
    let (sheets, bookmarks) = batch_sheets(docs, progress)?;
    pdf::write(&sheets, meta, &bookmarks)
}

/// The sheets and bookmarks of a batch (see [`render_batch`]).
fn batch_sheets(
    docs: &[Document],
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<(Vec<layout::Sheet>, Vec<Bookmark>), DocError> {
    for d in docs {
        check(d)?;
    }
    let mut sheets = Vec::new();
    let mut bookmarks = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        bookmarks.push(Bookmark {
            title: format!(
                "{} – {} ({})",
                d.recipient.name,
                d.kind.title(),
                d.reference
            ),
            page: sheets.len() + 1,
        });
        sheets.extend(letters::lay_out(d).sheets);
        if !progress(i + 1, docs.len()) {
            return Err(DocError::Cancelled);
        }
    }
    Ok((sheets, bookmarks))
}

/// A report (the case file's cover, contact log, payment history) followed by documents,
/// in one PDF with a bookmark per report section and per document.
pub fn render_report(
    report: &Report,
    docs: &[Document],
    meta: &Metadata,
) -> Result<Vec<u8>, DocError> {
    for d in docs {
        check(d)?;
    }
    let (mut sheets, mut bookmarks) = report::lay_out(report);
    for d in docs {
        bookmarks.push(Bookmark {
            title: format!("{} {}", d.kind.title(), d.reference),
            page: sheets.len() + 1,
        });
        sheets.extend(letters::lay_out(d).sheets);
    }
    pdf::write(&sheets, meta, &bookmarks)
}

/// The case file: [`render_report`] followed by the attached files in their original form.
/// Images (PNG, JPEG) come first, each on a page with its name; then the pages of each
/// attached PDF, merged in as they are. Each gets a bookmark "Attachment: name". Files
/// [`appendix::classify`] does not accept are skipped (the caller lists them).
pub fn render_case_file(
    report: &Report,
    docs: &[Document],
    appendices: &[Appendix],
    meta: &Metadata,
) -> Result<Vec<u8>, DocError> {
    for d in docs {
        check(d)?;
    }
    let (mut sheets, mut bookmarks) = report::lay_out(report);
    for d in docs {
        bookmarks.push(Bookmark {
            title: format!("{} {}", d.kind.title(), d.reference),
            page: sheets.len() + 1,
        });
        sheets.extend(letters::lay_out(d).sheets);
    }
    let mut pdfs = Vec::new();
    for a in appendices {
        match appendix::classify(&a.bytes) {
            Appended::Image => {
                if let Ok(Some(image)) = appendix::image(&a.bytes) {
                    bookmarks.push(appendix::bookmark(&a.title, sheets.len() + 1));
                    sheets.push(appendix::image_sheet(report.page_size, &a.title, image));
                }
            }
            Appended::Pages(_) => pdfs.push((a.title.as_str(), a.bytes.as_slice())),
            Appended::No(_) => {}
        }
    }
    let bytes = pdf::write(&sheets, meta, &bookmarks)?;
    if pdfs.is_empty() {
        return Ok(bytes);
    }
    let titles: Vec<String> = pdfs
        .iter()
        .map(|(t, _)| appendix::bookmark(t, 0).title)
        .collect();
    let with_titles: Vec<(&str, &[u8])> = titles
        .iter()
        .zip(&pdfs)
        .map(|(t, (_, b))| (t.as_str(), *b))
        .collect();
    appendix::merge(&bytes, &with_titles)
}
