//! `overdue pdf invoice (one or several)|letter|statement|case-file|batch|plan-agreement|settlement-agreement|letterhead`, `overdue attach` and
//! `overdue bench letters`: documents as PDF files. Every document written to a file is
//! also kept in the database with its SHA-256 and logged on the debtor's contact log.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use overdue_api::documents::{LetterRequest, LetterheadDto, PdfFile};
use overdue_api::{Api, ApiError, ErrorCode};

use crate::{find, print_json};

/// `overdue pdf ...`
#[derive(Subcommand)]
pub enum PdfCommand {
    /// An invoice, or several in one PDF.
    Invoice {
        /// Invoice number; repeat it for several invoices in one PDF, in that order.
        #[arg(long, required = true)]
        number: Vec<String>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// A letter to one debtor.
    Letter(LetterArgs),
    /// A statement of account over a period.
    Statement {
        /// Debtor: id (42 or #42) or external reference.
        #[arg(long)]
        debtor: String,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The case file for a lawyer or agency: one PDF with bookmarks, optionally a ZIP.
    CaseFile {
        /// Debtor: id (42 or #42) or external reference.
        #[arg(long)]
        debtor: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
        /// Also write a ZIP with separate PDFs, the letters as sent, attachments and the
        /// claim as JSON and CSV.
        #[arg(long)]
        zip: Option<PathBuf>,
    },
    /// The letters a dunning run would print on a date, in one PDF.
    Batch {
        /// The run's date (YYYY-MM-DD).
        #[arg(long)]
        as_of: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// A payment plan agreement from a stored payment plan (the debtor's latest by default).
    PlanAgreement {
        /// Debtor: id (42 or #42) or external reference.
        #[arg(long)]
        debtor: String,
        /// Plan id (default: the debtor's most recent plan).
        #[arg(long)]
        plan: Option<i64>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// A settlement agreement from a stored settlement offer (the debtor's latest by default).
    SettlementAgreement {
        /// Debtor: id (42 or #42) or external reference.
        #[arg(long)]
        debtor: String,
        /// Settlement offer id (default: the debtor's most recent offer).
        #[arg(long)]
        settlement: Option<i64>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// Show the letterhead, or set it from a JSON file (the Settings > Letterhead fields).
    Letterhead {
        /// JSON file with the letterhead fields.
        #[arg(long)]
        set: Option<PathBuf>,
    },
}

/// Letter kinds on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum LetterKind {
    Reminder,
    SecondReminder,
    FinalDemand,
    LetterOfClaim,
    LetterBeforeClaim,
    Mahnung,
    UsDemand,
    ValidationNotice,
}

/// `overdue pdf letter`
#[derive(Args)]
pub struct LetterArgs {
    /// Debtor: id (42 or #42) or external reference.
    #[arg(long)]
    debtor: String,
    /// Which letter.
    #[arg(long, value_enum)]
    kind: LetterKind,
    /// Date of the letter (YYYY-MM-DD; default today).
    #[arg(long, default_value = "")]
    as_of: String,
    /// Pay or reply by (default: the letter's usual period).
    #[arg(long, default_value = "")]
    deadline: String,
    /// Date of the agreement the debt arises from (required for a letter of claim).
    #[arg(long, default_value = "")]
    agreement_date: String,
    /// Paper size: a4 or letter (default: the letterhead's).
    #[arg(long, default_value = "")]
    page_size: String,
    /// Why the letter goes out although the debtor is paused (payment plan, promise,
    /// hold); logged on the contact log. Without it a paused debtor's letter is refused.
    #[arg(long, default_value = "")]
    override_reason: String,
    /// Where to write the PDF.
    #[arg(long)]
    out: PathBuf,
}

/// `overdue attach`
#[derive(Args)]
pub struct AttachArgs {
    /// Debtor: id (42 or #42) or external reference.
    #[arg(long)]
    debtor: String,
    /// Attach to this invoice of the debtor's.
    #[arg(long)]
    invoice: Option<String>,
    /// The file.
    file: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    std::fs::write(path, bytes)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))
}

fn done(file: &PdfFile, out: &Path, json: bool) -> Result<(), ApiError> {
    write(out, &file.bytes)?;
    if json {
        return print_json(&serde_json::json!({
            "file": out.display().to_string(),
            "title": file.title,
            "sha256": file.sha256,
            "bytes": file.bytes.len(),
            "letters": file.letters,
            "document_ids": file.document_ids,
            "notes": file.notes,
        }));
    }
    for note in &file.notes {
        println!("note: {note}");
    }
    println!(
        "Wrote {} ({}, {} bytes, SHA-256 {})",
        out.display(),
        file.title,
        file.bytes.len(),
        file.sha256
    );
    Ok(())
}

fn debtor_key(key: &str) -> String {
    // A bare number is an id here (`--debtor ID`); `#42` and references also work.
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) {
        format!("#{key}")
    } else {
        key.to_string()
    }
}

/// Runs `overdue pdf ...`.
pub async fn run(api: &Api, c: PdfCommand, json: bool) -> Result<(), ApiError> {
    match c {
        PdfCommand::Invoice { number, out } => {
            let mut ids = Vec::with_capacity(number.len());
            for n in &number {
                ids.push(api.invoice_by_number(n).await?.invoice.id);
            }
            done(&api.invoices_pdf(&ids, true).await?, &out, json)
        }
        PdfCommand::Letter(a) => {
            let d = find(api, &debtor_key(&a.debtor)).await?;
            let kind = match a.kind {
                LetterKind::Reminder => "reminder",
                LetterKind::SecondReminder => "second-reminder",
                LetterKind::FinalDemand => "final-demand",
                LetterKind::LetterOfClaim => "letter-of-claim",
                LetterKind::LetterBeforeClaim => "letter-before-claim",
                LetterKind::Mahnung => "mahnung",
                LetterKind::UsDemand => "us-demand",
                LetterKind::ValidationNotice => "validation-notice",
            };
            let req = LetterRequest {
                debtor_id: d.id,
                kind: kind.into(),
                as_of: a.as_of,
                deadline: a.deadline,
                agreement_date: a.agreement_date,
                page_size: a.page_size,
                override_reason: a.override_reason,
            };
            done(&api.letter_pdf(&req, true).await?, &a.out, json)
        }
        PdfCommand::Statement {
            debtor,
            from,
            to,
            out,
        } => {
            let d = find(api, &debtor_key(&debtor)).await?;
            done(
                &api.statement_pdf(d.id, &from, &to, true).await?,
                &out,
                json,
            )
        }
        PdfCommand::CaseFile { debtor, out, zip } => {
            let d = find(api, &debtor_key(&debtor)).await?;
            let (file, archive) = api.case_file(d.id, zip.is_some()).await?;
            if let (Some(path), Some(bytes)) = (&zip, &archive) {
                write(path, bytes)?;
                if !json {
                    println!("Wrote {} ({} bytes)", path.display(), bytes.len());
                }
            }
            done(&file, &out, json)
        }
        PdfCommand::Batch { as_of, out } => {
            let file = api.batch_pdf(&as_of, true, &mut |_, _| true).await?;
            done(&file, &out, json)
        }
        PdfCommand::PlanAgreement { debtor, plan, out } => {
            let d = find(api, &debtor_key(&debtor)).await?;
            done(&api.plan_agreement_pdf(d.id, plan, true).await?, &out, json)
        }
        PdfCommand::SettlementAgreement {
            debtor,
            settlement,
            out,
        } => {
            let d = find(api, &debtor_key(&debtor)).await?;
            done(
                &api.settlement_agreement_pdf(d.id, settlement, true).await?,
                &out,
                json,
            )
        }
        PdfCommand::Letterhead { set } => {
            let head = match set {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))
                    })?;
                    let input: LetterheadDto = serde_json::from_str(&text).map_err(|e| {
                        ApiError::invalid(format!("{}: not a letterhead: {e}", path.display()))
                    })?;
                    api.letterhead_set(input).await?
                }
                None => api.letterhead_get().await?,
            };
            print_json(&head)
        }
    }
}

/// Runs `overdue attach`.
pub async fn attach(api: &Api, a: AttachArgs, json: bool) -> Result<(), ApiError> {
    let d = find(api, &debtor_key(&a.debtor)).await?;
    let (name, content) = api.read_attachment(&a.file).await?;
    let rec = api
        .attach(d.id, a.invoice.as_deref(), &name, content)
        .await?;
    if json {
        return print_json(&serde_json::json!({
            "id": rec.id, "debtor_id": rec.debtor_id, "invoice_id": rec.invoice_id,
            "file_name": rec.file_name, "content_type": rec.content_type,
            "sha256": rec.sha256, "bytes": rec.size_bytes,
        }));
    }
    println!(
        "Attached {} ({} bytes, SHA-256 {}) to debtor #{}",
        rec.file_name, rec.size_bytes, rec.sha256, rec.debtor_id
    );
    Ok(())
}

/// Runs `overdue bench ...` (no database).
pub fn bench(count: usize, out_dir: &Path, json: bool) -> Result<(), ApiError> {
    if count == 0 {
        return Err(ApiError::invalid("--count: at least one letter"));
    }
    std::fs::create_dir_all(out_dir)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", out_dir.display())))?;
    let docs = overdue_docs::bench::demand_letters(count);
    let cpu0 = cpu_seconds();
    let meta = overdue_docs::metadata_for(&docs[0], 1_795_000_000);
    let combined = overdue_docs::render_batch(&docs, &meta, &mut |_, _| true)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let cpu1 = cpu_seconds();
    write(&out_dir.join("letters.pdf"), &combined)?;
    let mut separate_bytes = 0usize;
    let cpu2 = cpu_seconds();
    for (i, d) in docs.iter().enumerate() {
        let bytes = overdue_docs::render(d, &overdue_docs::metadata_for(d, 1_795_000_000))
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        separate_bytes += bytes.len();
        write(&out_dir.join(format!("letter-{:05}.pdf", i + 1)), &bytes)?;
    }
    let cpu3 = cpu_seconds();
    // The previous (printpdf) writer on the same letters, measured in the same run.
    let baseline = overdue_docs::bench::render_batch_baseline(&docs, &meta)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let cpu4 = cpu_seconds();
    let baseline_us = cpu4.saturating_sub(cpu3);
    let per_sec = |n: usize, s: u64| (n as u64 * 1_000_000).checked_div(s).unwrap_or(0);
    let combined_us = cpu1.saturating_sub(cpu0);
    let separate_us = cpu3.saturating_sub(cpu2);
    let result = serde_json::json!({
        "letters": count,
        "combined_cpu_ms": combined_us / 1000,
        "combined_letters_per_cpu_second": per_sec(count, combined_us),
        "combined_bytes": combined.len(),
        "combined_bytes_per_letter": combined.len() / count.max(1),
        "separate_cpu_ms": separate_us / 1000,
        "separate_letters_per_cpu_second": per_sec(count, separate_us),
        "separate_bytes_per_letter": separate_bytes / count.max(1),
        "baseline_cpu_ms": baseline_us / 1000,
        "baseline_letters_per_cpu_second": per_sec(count, baseline_us),
        "baseline_bytes_per_letter": baseline.len() / count.max(1),
        "combined_speedup_vs_baseline_percent": (baseline_us * 100).checked_div(combined_us).unwrap_or(0),
        "peak_rss_kib": peak_rss_kib(),
    });
    if json {
        return print_json(&result);
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&result).unwrap_or_default()
    );
    Ok(())
}

/// User + system CPU time of this process in microseconds (getrusage).
#[cfg(unix)]
fn cpu_seconds() -> u64 {
    use nix::sys::resource::{getrusage, UsageWho};
    getrusage(UsageWho::RUSAGE_SELF)
        .map(|u| {
            let us = |t: nix::sys::time::TimeVal| {
                u64::try_from(t.tv_sec()).unwrap_or(0) * 1_000_000
                    + u64::try_from(t.tv_usec()).unwrap_or(0)
            };
            us(u.user_time()) + us(u.system_time())
        })
        .unwrap_or(0)
}

#[cfg(not(unix))]
fn cpu_seconds() -> u64 {
    0
}

/// Peak resident memory in KiB (getrusage's ru_maxrss, KiB on Linux).
#[cfg(unix)]
fn peak_rss_kib() -> i64 {
    use nix::sys::resource::{getrusage, UsageWho};
    getrusage(UsageWho::RUSAGE_SELF)
        .map(|u| u.max_rss())
        .unwrap_or(0)
}

#[cfg(not(unix))]
fn peak_rss_kib() -> i64 {
    0
}
