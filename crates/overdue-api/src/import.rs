//! CSV import of debtors, invoices and payments: all or nothing.
//!
//! Canonical headers (columns may come in any order; header names are matched ignoring
//! case, spaces, `_` and `-`; a UTF-8 BOM and CRLF line ends are fine):
//! - debtors: `external_id,name,kind,email,phone,address,postal_code,city,country,currency,payment_terms_days,credit_limit,language`
//!   (`language` blank or absent: the country's, see [`overdue_domain::language_for_country`])
//! - invoices: `number,debtor_external_id,issue_date,due_date,amount,currency,description`
//! - payments: `debtor_external_id,date,amount,currency,reference,invoice_number`
//!
//! Files in UTF-8 (with or without a BOM), UTF-16 and Windows-1252 (what Excel and most
//! accounting programs on Windows save as CSV) are read; the summary says which it was.
//!
//! Dates are ISO (`2026-03-31`), amounts use a dot for decimals and no thousands
//! separators. Every row is checked before anything is written; any problem refuses the
//! whole file with one `file:line: column: what is wrong` entry per problem (in
//! [`ApiError::fields`]), and the database is left as it was. A file that passes is
//! written in one transaction with multi-row inserts.
//!
//! ## Re-importing the same file
//! Idempotent: a row identical to what is already stored is skipped and counted as
//! skipped, so importing a file twice changes nothing the second time. A debtor whose
//! `external_id` exists, or an invoice whose number exists, with DIFFERENT details is an
//! error (never a silent update). Payments have no natural key: a payment row is identical
//! to a stored, not reversed payment with the same debtor, date, amount, currency,
//! reference and invoice; each stored payment matches at most one row. Two identical
//! rows in one file (two payments of the same amount on the same day, or one payment
//! exported twice) are refused, naming both lines, until the user chooses
//! ([`ImportOptions::duplicates`]): once, or each time; a file imported before is
//! recognised row by row without asking.

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use std::collections::{HashMap, HashSet};

use overdue_domain::{letter_language, Address, Contact, Currency, DebtorDraft, DebtorKind, Money};
use overdue_store::{DemoDebtor, NewInvoice, NewPayment};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csv_rows::{self, delimiter_of, header_of, read_rows, suggest, Problems, Shape};
use crate::error::FieldErrorDto;
use crate::ledger::{parse_date, parse_positive_exact};
use crate::{Api, ApiError, ErrorCode};

pub use crate::csv_rows::{MAX_FIELD_BYTES, MAX_LINE_BYTES};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportKind {
    /// Debtors.
    Debtors,
    /// Invoices.
    Invoices,
    /// Payments.
    Payments,
}

impl ImportKind {
    /// Its name, as the CLI and the audit trail write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Debtors => "debtors",
            ImportKind::Invoices => "invoices",
            ImportKind::Payments => "payments",
        }
    }

    /// The canonical header row.
    pub fn header(self) -> &'static [&'static str] {
        self.shape().header
    }

    fn required(self) -> &'static [&'static str] {
        self.shape().required
    }

    fn noun(self) -> &'static str {
        self.shape().noun
    }

    fn shape(self) -> Shape {
        match self {
            ImportKind::Debtors => csv_rows::DEBTORS,
            ImportKind::Invoices => csv_rows::INVOICES,
            ImportKind::Payments => csv_rows::PAYMENTS,
        }
    }
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportSummary {
    /// What the file held.
    pub kind: ImportKind,
    /// Data rows in the file.
    pub rows: u32,
    /// Rows written.
    pub imported: u32,
    /// Rows identical to what was already stored, left alone.
    pub skipped: u32,
    /// Payment rows that repeated an earlier row of the file and were left out, as the
    /// user chose.
    pub repeated: u32,
    /// The encoding the file was read in ("UTF-8", "windows-1252", "UTF-16LE"): files
    /// exported on Windows are read as they were written, not refused.
    pub encoding: String,
}

/// One data row: its line and its fields by canonical column.
/// (A file has at most a dozen columns: a small vector searched in order costs less than a
/// hash map per row on a million rows.)
struct Row<'a> {
    line: u64,
    fields: Vec<(&'static str, &'a str)>,
    /// Columns already reported as unreadable (not UTF-8, too long): not "missing" too.
    unreadable: Vec<&'static str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.trim())
    }
}

impl Problems {
    fn into_error(mut self, kind: ImportKind) -> ApiError {
        // Checks run column by column and then across rows: list the problems in file order.
        self.list.sort_by_key(|(line, _, _)| *line);
        let more = if self.count > self.list.len() {
            format!(" (the first {} are listed)", self.list.len())
        } else {
            String::new()
        };
        ApiError {
            code: ErrorCode::Validation,
            message: format!(
                "{} problem{} in {}{more}: no {} were imported.",
                self.count,
                if self.count == 1 { "" } else { "s" },
                self.file,
                kind.noun()
            ),
            fields: self
                .list
                .into_iter()
                .map(|(_, field, message)| FieldErrorDto { field, message })
                .collect(),
        }
    }
}

/// The debtors an invoice or payment file refers to (by `debtor_external_id`).
struct FileDebtors {
    refs: HashMap<String, i64>,
    labels: HashMap<i64, overdue_store::DebtorLabel>,
}

impl FileDebtors {
    async fn load(store: &overdue_store::Store, rows: &[Row<'_>]) -> Result<Self, ApiError> {
        let refs = store.debtor_refs().await?;
        let ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| refs.get(r.get("debtor_external_id")).copied())
            .collect();
        let labels = store.debtor_labels(&ids).await?;
        Ok(FileDebtors { refs, labels })
    }

    /// The row's debtor and the currency its amounts are in (the debtor's; a `currency`
    /// column must agree with it). Unknown debtors and mismatches are reported.
    fn resolve(
        &self,
        row: &Row,
        problems: &mut Problems,
    ) -> (Option<(i64, &overdue_store::DebtorLabel)>, Option<Currency>) {
        let reference = row.get("debtor_external_id");
        let debtor = self
            .refs
            .get(reference)
            .and_then(|id| self.labels.get(id).map(|l| (*id, l)));
        if debtor.is_none() && !reference.is_empty() {
            problems.add(
                row.line,
                "debtor_external_id",
                format!("no debtor has the external_id \"{reference}\" (import the debtors first)"),
            );
        }
        let given = currency_of(row, problems);
        if let (Some(c), Some((_, d))) = (given, debtor) {
            if c != d.currency {
                problems.add(
                    row.line,
                    "currency",
                    format!("{c} does not match the debtor's currency {}", d.currency),
                );
            }
        }
        (debtor, debtor.map(|d| d.1.currency).or(given))
    }
}

fn currency_of(row: &Row, problems: &mut Problems) -> Option<Currency> {
    let code = row.get("currency");
    if code.is_empty() {
        return None;
    }
    match Currency::from_code(code) {
        Ok(c) => Some(c),
        Err(_) => {
            problems.add(
                row.line,
                "currency",
                format!("\"{code}\" is not a currency code (use ISO 4217, e.g. EUR, GBP, USD)"),
            );
            None
        }
    }
}

fn required(row: &Row, column: &str, problems: &mut Problems) -> bool {
    if row.unreadable.contains(&column) {
        false
    } else if row.get(column).is_empty() {
        problems.add(row.line, column, "is missing");
        false
    } else {
        true
    }
}

fn date(row: &Row, column: &str, problems: &mut Problems) -> Option<chrono::NaiveDate> {
    let text = row.get(column);
    if text.is_empty() {
        return None;
    }
    match parse_date(column, text) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.add(row.line, column, e);
            None
        }
    }
}

fn amount(row: &Row, column: &str, currency: Currency, problems: &mut Problems) -> Option<Money> {
    let text = row.get(column);
    if text.is_empty() {
        return None;
    }
    match parse_positive_exact(text, currency) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.add(row.line, column, e);
            None
        }
    }
}

fn fallback_currency() -> Currency {
    Currency::from_code("EUR").expect("EUR is a known currency")
}

fn too_long(row: &Row, column: &str, max: usize, problems: &mut Problems) {
    if row.get(column).chars().count() > max {
        problems.add(row.line, column, format!("is longer than {max} characters"));
    }
}

/// The file the import wizard holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StagedFile {
    /// Its name.
    pub file_name: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Largest file the wizard takes (a million invoices is about 100 MB).
const MAX_STAGED_BYTES: usize = 512 * 1024 * 1024;

/// A file the window read itself and sent as base64 text (no path crosses IPC), checked
/// for size and decoded.
pub fn decode_upload(file_name: &str, content_base64: &str) -> Result<Vec<u8>, ApiError> {
    use base64::Engine;
    if content_base64.len() / 4 * 3 > MAX_STAGED_BYTES {
        return Err(ApiError::invalid(format!(
            "{file_name} is larger than {} MB: import it with the command line instead.",
            MAX_STAGED_BYTES / 1024 / 1024
        )));
    }
    base64::engine::general_purpose::STANDARD
        .decode(content_base64)
        .map_err(|e| ApiError::invalid(format!("{file_name} could not be received: {e}")))
}

impl Api {
    /// Holds a file for the import wizard (sent by the window as base64 text), replacing
    /// any file held before.
    pub fn import_stage(
        &self,
        file_name: &str,
        content_base64: &str,
    ) -> Result<StagedFile, ApiError> {
        let bytes = decode_upload(file_name, content_base64)?;
        let staged = StagedFile {
            file_name: file_name.to_string(),
            bytes: bytes.len() as u64,
        };
        *self.staged_file() = Some((file_name.to_string(), bytes));
        Ok(staged)
    }

    fn staged_file(&self) -> std::sync::MutexGuard<'_, Option<(String, Vec<u8>)>> {
        self.staged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn staged_copy(&self) -> Result<(String, Vec<u8>), ApiError> {
        self.staged_file()
            .clone()
            .ok_or_else(|| ApiError::invalid("Choose a file to import first."))
    }

    /// [`Api::import_preview`] of the file the wizard holds.
    pub async fn import_staged_preview(
        &self,
        kind: ImportKind,
        options: ImportOptions,
    ) -> Result<ImportPreview, ApiError> {
        let (name, bytes) = self.staged_copy()?;
        self.import_preview(kind, &name, &bytes, &options).await
    }

    /// Imports the file the wizard holds, reporting progress; the file is let go after a
    /// successful import.
    pub async fn import_staged_run(
        &self,
        kind: ImportKind,
        options: ImportOptions,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<ImportSummary, ApiError> {
        let (name, bytes) = self.staged_copy()?;
        let summary = self
            .import_csv_with(kind, &name, &bytes, &options, progress)
            .await?;
        *self.staged_file() = None;
        Ok(summary)
    }

    /// Imports a CSV file of debtors, invoices or payments, all or nothing. `file_name`
    /// names the file in error messages.
    pub async fn import_csv(
        &self,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ImportSummary, ApiError> {
        let run = Run::new(false, &|_| {}, None).of_file(bytes);
        let (text, encoding) = overdue_bankfile::decode_text(bytes);
        self.import_bytes(kind, file_name, text.as_bytes(), encoding, &run)
            .await
    }

    /// [`Api::import_csv`] of a file in another shape: columns renamed by `options.mapping`,
    /// another delimiter, decimal commas. Line numbers in errors are the file's own.
    pub async fn import_csv_with(
        &self,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
        options: &ImportOptions,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<ImportSummary, ApiError> {
        let run = Run::new(false, progress, options.duplicates).of_file(bytes);
        let (text, encoding) = overdue_bankfile::decode_text(bytes);
        let reshaped = reshape(kind, text.as_bytes(), options)?;
        let summary = self
            .import_bytes(kind, file_name, &reshaped, encoding, &run)
            .await?;
        progress(ImportProgress::phase(
            "done",
            u64::from(summary.imported),
            u64::from(summary.imported),
        ));
        Ok(summary)
    }

    /// Everything the import wizard shows before importing: the file's columns, the mapping
    /// (suggested from the header names unless given), the first rows as they would be read,
    /// and the outcome of checking every row, without writing anything.
    pub async fn import_preview(
        &self,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportPreview, ApiError> {
        let (text, encoding) = overdue_bankfile::decode_text(bytes);
        let bytes = text.as_bytes();
        let delimiter = delimiter_of(bytes, &options.delimiter).map_err(ApiError::invalid)?;
        let source_headers = header_of(bytes, delimiter);
        let mapping: Vec<ColumnMapping> = kind
            .header()
            .iter()
            .map(|column| {
                let given = options.mapping.iter().find(|m| m.column == *column);
                let source = match given {
                    Some(m) => m.source.clone(),
                    None if options.mapping.is_empty() => suggest(column, &source_headers),
                    None => String::new(),
                };
                ColumnMapping {
                    column: (*column).to_string(),
                    source,
                }
            })
            .collect();
        let options = ImportOptions {
            mapping: mapping.clone(),
            delimiter: (delimiter as char).to_string(),
            decimal_comma: options.decimal_comma,
            duplicates: options.duplicates,
        };
        let bytes = reshape(kind, bytes, &options)?;
        let mut sample = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
        let columns: Vec<String> = reader
            .byte_headers()
            .map(|h| {
                h.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for record in reader
            .byte_records()
            .filter(|r| !matches!(r, Ok(r) if r.len() == 1 && r[0].is_empty()))
            .take(PREVIEW_ROWS)
        {
            let Ok(record) = record else { break };
            sample.push(
                record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            );
        }
        let run = Run::new(true, &|_| {}, options.duplicates);
        let checked = self
            .import_bytes(kind, file_name, &bytes, encoding, &run)
            .await;
        let (summary, problems) = match checked {
            Ok(s) => (Some(s), None),
            Err(e) if e.code == ErrorCode::Validation => (None, Some(e)),
            Err(e) => return Err(e),
        };
        Ok(ImportPreview {
            kind,
            file_name: file_name.to_string(),
            source_headers,
            mapping: mapping
                .into_iter()
                .map(|m| ColumnMappingDto {
                    required: kind.required().contains(&m.column.as_str()),
                    column: m.column,
                    source: m.source,
                })
                .collect(),
            delimiter: (delimiter as char).to_string(),
            encoding: encoding.to_string(),
            repeated_rows: run.repeated.lock().map(|r| r.clone()).unwrap_or_default(),
            columns,
            sample,
            rows: summary.as_ref().map_or(0, |s| s.rows),
            would_import: summary.as_ref().map_or(0, |s| s.imported),
            would_skip: summary.as_ref().map_or(0, |s| s.skipped),
            problems,
        })
    }

    async fn import_bytes(
        &self,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
        encoding: &str,
        run: &Run<'_>,
    ) -> Result<ImportSummary, ApiError> {
        (run.progress)(ImportProgress::phase("checking", 0, 0));
        let mut problems = Problems::new(file_name);
        let raw = read_rows(&kind.shape(), bytes, &mut problems);
        let rows: Vec<Row> = raw
            .iter()
            .map(|(line, fields, columns)| Row {
                line: *line,
                fields: columns
                    .iter()
                    .zip(fields)
                    .filter_map(|(c, f)| f.as_deref().map(|f| (*c, f)))
                    .collect(),
                unreadable: columns
                    .iter()
                    .zip(fields)
                    .filter(|(_, f)| f.is_none())
                    .map(|(c, _)| *c)
                    .collect(),
            })
            .collect();
        if problems.count > 0 && rows.is_empty() {
            return Err(problems.into_error(kind));
        }
        let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        // The audit trail records the file once (its name, rows and SHA-256), not each row.
        let audit = overdue_store::ImportRecord {
            kind: kind.as_str().to_string(),
            file: file_name.to_string(),
            rows: i64::from(total),
            sha256: run.file_sha256.clone(),
        };
        let (imported, skipped) = match kind {
            ImportKind::Debtors => {
                self.import_debtors(&rows, problems, kind, run, &audit)
                    .await?
            }
            ImportKind::Invoices => {
                self.import_invoices(&rows, problems, kind, run, &audit)
                    .await?
            }
            ImportKind::Payments => {
                self.import_payments(&rows, problems, kind, run, &audit)
                    .await?
            }
        };
        if run.dry_run {
            return Ok(ImportSummary {
                kind,
                rows: total,
                imported,
                skipped,
                repeated: run.repeated_left_out(),
                encoding: encoding.to_string(),
            });
        }
        if imported > 1000 {
            self.store().await.refresh_statistics().await?;
        }
        if kind != ImportKind::Debtors && imported > 0 {
            (run.progress)(ImportProgress::phase("scoring", 0, 0));
            self.rescore_after_import(&rows).await?;
        }
        Ok(ImportSummary {
            kind,
            rows: total,
            imported,
            skipped,
            repeated: run.repeated_left_out(),
            encoding: encoding.to_string(),
        })
    }

    /// Re-scores the debtors a file of invoices or payments touched. When it touched many,
    /// the book is marked for re-scoring instead, which the app does in the background
    /// (and `overdue credit refresh` on demand): a large import does not wait for it.
    async fn rescore_after_import(&self, rows: &[Row<'_>]) -> Result<(), ApiError> {
        let refs = self.store().await.debtor_refs().await?;
        let ids: HashSet<i64> = rows
            .iter()
            .filter_map(|r| refs.get(r.get("debtor_external_id")).copied())
            .collect();
        if ids.len() > 200 {
            self.mark_scores_stale().await?;
        } else {
            for id in ids {
                self.credit_refresh(Some(id)).await?;
            }
        }
        Ok(())
    }

    async fn import_debtors(
        &self,
        rows: &[Row<'_>],
        mut problems: Problems,
        kind: ImportKind,
        run: &Run<'_>,
        audit: &overdue_store::ImportRecord,
    ) -> Result<(u32, u32), ApiError> {
        let store = self.store().await;
        let existing = store.debtor_refs().await?;
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut new = Vec::new();
        let mut skipped = 0u32;
        for row in rows {
            let ok = required(row, "external_id", &mut problems)
                & required(row, "name", &mut problems)
                & required(row, "currency", &mut problems);
            let currency = currency_of(row, &mut problems);
            let kind_text = row.get("kind");
            let debtor_kind = if kind_text.is_empty() {
                Some(DebtorKind::Company)
            } else {
                let k = DebtorKind::parse(&kind_text.to_lowercase().replace([' ', '-'], "_"));
                if k.is_none() {
                    problems.add(
                        row.line,
                        "kind",
                        format!(
                            "\"{kind_text}\" is not a kind: use company, individual or sole_trader"
                        ),
                    );
                }
                k
            };
            let terms_text = row.get("payment_terms_days");
            let terms = if terms_text.is_empty() {
                Some(30)
            } else {
                match terms_text.parse::<u32>() {
                    Ok(t) => Some(t),
                    Err(_) => {
                        problems.add(
                            row.line,
                            "payment_terms_days",
                            format!("\"{terms_text}\" is not a whole number of days"),
                        );
                        None
                    }
                }
            };
            let limit_text = row.get("credit_limit");
            let limit = match (limit_text.is_empty(), currency) {
                (true, _) | (false, None) => None,
                (false, Some(c)) => match Money::parse(limit_text, c) {
                    Ok(m) if m.is_negative() => {
                        problems.add(
                            row.line,
                            "credit_limit",
                            format!("{limit_text} is negative"),
                        );
                        None
                    }
                    Ok(m) => Some(m.amount()),
                    Err(e) => {
                        problems.add(row.line, "credit_limit", e.to_string());
                        None
                    }
                },
            };
            let reference = row.get("external_id").to_string();
            if !reference.is_empty() {
                if let Some(first) = seen.insert(reference.clone(), row.line) {
                    problems.add(
                        row.line,
                        "external_id",
                        format!("\"{reference}\" is also on line {first} of this file"),
                    );
                }
            }
            let (Some(currency), Some(debtor_kind), Some(terms), true) =
                (currency, debtor_kind, terms, ok)
            else {
                continue;
            };
            let (email, phone) = (row.get("email"), row.get("phone"));
            let draft = DebtorDraft {
                kind: debtor_kind,
                name: row.get("name").to_string(),
                external_ref: reference.clone(),
                contacts: if email.is_empty() && phone.is_empty() {
                    Vec::new()
                } else {
                    vec![Contact {
                        name: String::new(),
                        role: String::new(),
                        email: email.to_string(),
                        phone: phone.to_string(),
                    }]
                },
                address: Address {
                    lines: row.get("address").to_string(),
                    postal_code: row.get("postal_code").to_string(),
                    city: row.get("city").to_string(),
                    country: row.get("country").to_ascii_uppercase(),
                },
                language: letter_language(row.get("language"), row.get("country")),
                currency,
                payment_terms_days: terms,
                credit_limit: limit,
                tags: Vec::new(),
                notes: String::new(),
            };
            for e in draft.validate() {
                let column = match e.field.as_str() {
                    "external_ref" => "external_id",
                    "address.country" => "country",
                    f if f.ends_with(".email") => "email",
                    f if f.ends_with(".phone") => "phone",
                    f => f,
                }
                .to_string();
                problems.add(row.line, &column, e.message);
            }
            too_long(row, "address", 500, &mut problems);
            too_long(row, "city", 100, &mut problems);
            too_long(row, "postal_code", 20, &mut problems);
            if let Some(id) = existing.get(&reference) {
                let stored = store.debtor(*id).await?.draft;
                let differs = differences(&stored, &draft);
                if differs.is_empty() {
                    skipped += 1;
                } else {
                    problems.add(
                        row.line,
                        "external_id",
                        format!(
                            "debtor \"{reference}\" is already stored with a different {}: change the external_id or edit the debtor in the app",
                            differs.join(", ")
                        ),
                    );
                }
                continue;
            }
            new.push(DemoDebtor {
                draft,
                account_manager: String::new(),
            });
        }
        if problems.count > 0 {
            return Err(problems.into_error(kind));
        }
        if run.dry_run {
            return Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped));
        }
        if !new.is_empty() {
            let total = new.len() as u64;
            (run.progress)(ImportProgress::phase("writing", 0, total));
            store
                .insert_dataset_imported(&new, &[], &[], self.clock().now(), Some(audit))
                .await?;
            (run.progress)(ImportProgress::phase("writing", total, total));
        }
        Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped))
    }

    async fn import_invoices(
        &self,
        rows: &[Row<'_>],
        mut problems: Problems,
        kind: ImportKind,
        run: &Run<'_>,
        audit: &overdue_store::ImportRecord,
    ) -> Result<(u32, u32), ApiError> {
        let store = self.store().await;
        let debtors = FileDebtors::load(&store, rows).await?;
        let numbers: Vec<String> = rows.iter().map(|r| r.get("number").to_string()).collect();
        let stored = store.invoices_by_numbers(&numbers).await?;
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut new = Vec::new();
        let mut skipped = 0u32;
        for row in rows {
            let ok = required(row, "number", &mut problems)
                & required(row, "debtor_external_id", &mut problems)
                & required(row, "issue_date", &mut problems)
                & required(row, "amount", &mut problems);
            let number = row.get("number").to_string();
            too_long(row, "number", 64, &mut problems);
            if let Some(p) = overdue_domain::text::identifier_problem(&number) {
                problems.add(row.line, "number", p);
            }
            too_long(row, "description", 1000, &mut problems);
            if !number.is_empty() {
                if let Some(first) = seen.insert(number.clone(), row.line) {
                    problems.add(
                        row.line,
                        "number",
                        format!("invoice number \"{number}\" is also on line {first} of this file"),
                    );
                }
            }
            let (debtor, currency) = debtors.resolve(row, &mut problems);
            let issue = date(row, "issue_date", &mut problems);
            let due = date(row, "due_date", &mut problems);
            if let (Some(i), Some(d)) = (issue, due) {
                if d < i {
                    problems.add(
                        row.line,
                        "due_date",
                        format!("{d} is before the issue date {i}"),
                    );
                }
            }
            // Without a known currency the amount is still checked (as if in EUR: two
            // decimals), so that one run lists every problem of the row.
            let money = amount(
                row,
                "amount",
                currency.unwrap_or(fallback_currency()),
                &mut problems,
            )
            .filter(|_| currency.is_some());
            let (Some((debtor_id, label)), Some(issue), Some(money), true) =
                (debtor, issue, money, ok)
            else {
                continue;
            };
            let due = due.or_else(|| {
                issue.checked_add_days(chrono::Days::new(u64::from(label.payment_terms_days)))
            });
            let description = row.get("description").to_string();
            if let Some(s) = stored.get(&number) {
                let same = s.debtor_id == debtor_id
                    && s.issue_date == issue
                    && Some(s.due_date) == due
                    && s.amount == money.rounded()
                    && s.description == description;
                if same {
                    skipped += 1;
                } else {
                    problems.add(
                        row.line,
                        "number",
                        format!(
                            "invoice number \"{number}\" is already stored with different details"
                        ),
                    );
                }
                continue;
            }
            new.push(NewInvoice {
                debtor_id,
                number,
                issue_date: issue,
                due_date: due,
                amount: money,
                tax: Money::zero(money.currency()),
                description,
            });
        }
        if problems.count > 0 {
            return Err(problems.into_error(kind));
        }
        if run.dry_run {
            return Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped));
        }
        let total = new.len() as u64;
        (run.progress)(ImportProgress::phase("writing", 0, total));
        store
            .insert_invoices_reporting(
                &new,
                self.clock().now(),
                &|n| (run.progress)(ImportProgress::phase("writing", n, total)),
                Some(audit),
            )
            .await?;
        Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped))
    }

    async fn import_payments(
        &self,
        rows: &[Row<'_>],
        mut problems: Problems,
        kind: ImportKind,
        run: &Run<'_>,
        audit: &overdue_store::ImportRecord,
    ) -> Result<(u32, u32), ApiError> {
        let store = self.store().await;
        let debtors = FileDebtors::load(&store, rows).await?;
        let numbers: Vec<String> = rows
            .iter()
            .map(|r| r.get("invoice_number").to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let invoices = store.invoices_by_numbers(&numbers).await?;
        // Stored payments by identity, for the idempotent re-import.
        type Key = (i64, chrono::NaiveDate, i64, Currency, String, Option<i64>);
        let mut stored: HashMap<Key, u32> = HashMap::new();
        let mut debtor_ids: Vec<i64> = debtors.labels.keys().copied().collect();
        debtor_ids.sort_unstable();
        for p in store.active_payments_of(&debtor_ids).await? {
            let minor = p.amount.to_minor_units().unwrap_or(i64::MIN);
            *stored
                .entry((
                    p.debtor_id,
                    p.paid_on,
                    minor,
                    p.amount.currency(),
                    p.reference,
                    p.invoice_id,
                ))
                .or_default() += 1;
        }
        let mut new = Vec::new();
        let mut skipped = 0u32;
        // The first line of each payment in the file, to find rows that repeat it.
        let mut first_line: HashMap<Key, u64> = HashMap::new();
        let mut repeated = Vec::new();
        for row in rows {
            let ok = required(row, "debtor_external_id", &mut problems)
                & required(row, "date", &mut problems)
                & required(row, "amount", &mut problems);
            too_long(row, "reference", 200, &mut problems);
            let (debtor, currency) = debtors.resolve(row, &mut problems);
            let paid_on = date(row, "date", &mut problems);
            let money = amount(
                row,
                "amount",
                currency.unwrap_or(fallback_currency()),
                &mut problems,
            )
            .filter(|_| currency.is_some());
            let number = row.get("invoice_number");
            let invoice_id = if number.is_empty() {
                None
            } else {
                match (invoices.get(number), debtor) {
                    (None, _) => {
                        problems.add(
                            row.line,
                            "invoice_number",
                            format!("no invoice has the number \"{number}\""),
                        );
                        None
                    }
                    (Some(inv), Some((id, _))) if inv.debtor_id != id => {
                        problems.add(
                            row.line,
                            "invoice_number",
                            format!(
                                "invoice \"{number}\" belongs to another debtor ({})",
                                inv.debtor_name
                            ),
                        );
                        None
                    }
                    (Some(inv), _) => Some(inv.id),
                }
            };
            let (Some((debtor_id, _)), Some(paid_on), Some(money), true) =
                (debtor, paid_on, money, ok)
            else {
                continue;
            };
            let text = row.get("reference").to_string();
            let minor = money.to_minor_units().unwrap_or(i64::MIN);
            let key = (
                debtor_id,
                paid_on,
                minor,
                money.currency(),
                text.clone(),
                invoice_id,
            );
            let first = *first_line.entry(key.clone()).or_insert(row.line);
            // Stored already (a file imported before): left alone without asking.
            if let Some(n) = stored.get_mut(&key).filter(|n| **n > 0) {
                *n -= 1;
                skipped += 1;
                continue;
            }
            if first != row.line {
                repeated.push(RepeatedRow {
                    line: u32::try_from(row.line).unwrap_or(u32::MAX),
                    same_as: u32::try_from(first).unwrap_or(u32::MAX),
                });
                match run.duplicates {
                    None => {
                        problems.add(
                            row.line,
                            "row",
                            format!(
                                "duplicate row: the same payment as line {first} (debtor, date, \
                                 amount, currency, reference and invoice); choose whether to \
                                 import it once or each time it appears"
                            ),
                        );
                        continue;
                    }
                    Some(DuplicateRows::Once) => continue,
                    Some(DuplicateRows::Each) => {}
                }
            }
            new.push(NewPayment {
                debtor_id,
                paid_on,
                amount: money,
                method: String::new(),
                reference: text,
                invoice_id,
                seen_open: None,
            });
        }
        if let Ok(mut r) = run.repeated.lock() {
            *r = repeated;
        }
        if problems.count > 0 {
            return Err(problems.into_error(kind));
        }
        if run.dry_run {
            return Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped));
        }
        let total = new.len() as u64;
        (run.progress)(ImportProgress::phase("writing", 0, total));
        store
            .record_payments_reporting(
                &new,
                self.clock().now(),
                &|n| (run.progress)(ImportProgress::phase("writing", n, total)),
                Some(audit),
            )
            .await?;
        Ok((u32::try_from(new.len()).unwrap_or(u32::MAX), skipped))
    }
}

/// The fields an import row sets that differ from the stored debtor.
fn differences(stored: &DebtorDraft, row: &DebtorDraft) -> Vec<&'static str> {
    let first = |d: &DebtorDraft| {
        d.contacts
            .first()
            .map(|c| (c.email.clone(), c.phone.clone()))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let checks: [(&'static str, bool); 10] = [
        ("name", stored.name.trim() == row.name.trim()),
        ("kind", stored.kind == row.kind),
        ("currency", stored.currency == row.currency),
        (
            "payment_terms_days",
            stored.payment_terms_days == row.payment_terms_days,
        ),
        ("credit_limit", stored.credit_limit == row.credit_limit),
        ("address", stored.address.lines == row.address.lines),
        (
            "postal_code",
            stored.address.postal_code == row.address.postal_code,
        ),
        ("city", stored.address.city == row.address.city),
        ("country", stored.address.country == row.address.country),
        ("email or phone", first(stored) == first(row)),
    ];
    for (name, same) in checks {
        if !same {
            out.push(name);
        }
    }
    out
}

/// Rows the wizard shows as a sample.
const PREVIEW_ROWS: usize = 20;

/// How an import runs: for real or only checked, and who hears of its progress.
struct Run<'a> {
    dry_run: bool,
    progress: &'a (dyn Fn(ImportProgress) + Send + Sync),
    /// What to do with a payment row that repeats an earlier row of the file.
    duplicates: Option<DuplicateRows>,
    /// The repeated rows found (line, the earlier line it repeats), for the wizard.
    repeated: std::sync::Mutex<Vec<RepeatedRow>>,
    /// The SHA-256 of the file's bytes as the user chose it (before decoding), for the
    /// audit trail's one entry of the import.
    file_sha256: String,
}

impl<'a> Run<'a> {
    fn new(
        dry_run: bool,
        progress: &'a (dyn Fn(ImportProgress) + Send + Sync),
        duplicates: Option<DuplicateRows>,
    ) -> Self {
        Run {
            dry_run,
            progress,
            duplicates,
            repeated: std::sync::Mutex::new(Vec::new()),
            file_sha256: String::new(),
        }
    }

    /// The run of a file with these bytes (as read, before decoding).
    fn of_file(self, bytes: &[u8]) -> Self {
        Run {
            file_sha256: overdue_store::sha256_hex(bytes),
            ..self
        }
    }

    /// How many repeated rows were left out (the user chose to import them once).
    fn repeated_left_out(&self) -> u32 {
        match self.duplicates {
            Some(DuplicateRows::Once) => self
                .repeated
                .lock()
                .map_or(0, |r| u32::try_from(r.len()).unwrap_or(u32::MAX)),
            _ => 0,
        }
    }
}

/// What to do with a payment row identical to an earlier row of the same file (debtor,
/// date, amount, currency, reference and invoice): two real payments of the same amount
/// on the same day, or the same payment exported twice. Only the user knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DuplicateRows {
    /// The same payment listed twice: import it once.
    Once,
    /// Separate payments: import each row.
    Each,
}

/// A payment row that repeats an earlier row of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RepeatedRow {
    /// The row's line.
    pub line: u32,
    /// The earlier line it repeats.
    pub same_as: u32,
}

/// Which column of the file fills a canonical column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnMapping {
    /// The canonical column (`amount`).
    pub column: String,
    /// The file's header that fills it ("" = not in the file).
    pub source: String,
}

/// A file's shape when it is not the canonical CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOptions {
    /// Column mapping; empty = match headers by name (the canonical behaviour).
    pub mapping: Vec<ColumnMapping>,
    /// Field delimiter: `,`, `;` or a tab; "" = detect from the header line.
    pub delimiter: String,
    /// Amounts are written with a decimal comma (`1.234,56`).
    pub decimal_comma: bool,
    /// What to do with payment rows that repeat an earlier row of the file; `None` while
    /// the user has not chosen (a file with such rows is then refused, naming them).
    #[serde(default)]
    pub duplicates: Option<DuplicateRows>,
}

/// A canonical column in the wizard's mapping table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnMappingDto {
    /// The canonical column.
    pub column: String,
    /// The file's header mapped to it ("" = none).
    pub source: String,
    /// The import needs this column.
    pub required: bool,
}

/// What the wizard shows before the import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportPreview {
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name.
    pub file_name: String,
    /// The file's header, as written.
    pub source_headers: Vec<String>,
    /// The mapping in use (suggested when none was given).
    pub mapping: Vec<ColumnMappingDto>,
    /// The delimiter in use.
    pub delimiter: String,
    /// The encoding the file is read in ("UTF-8", "windows-1252").
    pub encoding: String,
    /// Payment rows that repeat an earlier row of the file: the wizard asks whether to
    /// import them once or each time.
    pub repeated_rows: Vec<RepeatedRow>,
    /// The canonical columns read from the file, in the order of `sample`'s fields.
    pub columns: Vec<String>,
    /// The first rows as they will be read.
    pub sample: Vec<Vec<String>>,
    /// Data rows (0 when the file has problems).
    pub rows: u32,
    /// Rows that would be written.
    pub would_import: u32,
    /// Rows already stored identically (left alone).
    pub would_skip: u32,
    /// Every problem found (`fields` lists `file:line: column`); `null` when the file is fine.
    pub problems: Option<ApiError>,
}

/// How far an import is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    /// `checking`, `writing`, `scoring` or `done`.
    pub phase: String,
    /// Records done in this phase.
    #[ts(type = "number")]
    pub done: u64,
    /// Records in this phase (0 = unknown).
    #[ts(type = "number")]
    pub total: u64,
}

impl ImportProgress {
    fn phase(phase: &str, done: u64, total: u64) -> Self {
        ImportProgress {
            phase: phase.to_string(),
            done,
            total,
        }
    }
}

/// The file rewritten into the canonical shape by `options` (see [`csv_rows::reshape`]).
fn reshape<'a>(
    kind: ImportKind,
    bytes: &'a [u8],
    options: &ImportOptions,
) -> Result<std::borrow::Cow<'a, [u8]>, ApiError> {
    let delimiter = delimiter_of(bytes, &options.delimiter).map_err(ApiError::invalid)?;
    let mapping: Vec<(&str, &str)> = options
        .mapping
        .iter()
        .map(|m| (m.column.as_str(), m.source.as_str()))
        .collect();
    csv_rows::reshape(
        &kind.shape(),
        bytes,
        &mapping,
        delimiter,
        options.decimal_comma,
    )
    .map_err(ApiError::invalid)
}
