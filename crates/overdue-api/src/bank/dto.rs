//! What crosses the boundary for bank statements (exported to TypeScript).

// serde's derives expand to code naming f64 in generic content handling; no DTO here has
// a float field.
#![allow(clippy::disallowed_types)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A bank file format, or `auto` to detect it from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BankFormatDto {
    /// Detect from the content (files often have no or a wrong extension).
    #[default]
    Auto,
    /// ISO 20022 camt.053 account statement.
    Camt053,
    /// ISO 20022 camt.054 debit/credit notification.
    Camt054,
    /// SWIFT MT940 statement.
    Mt940,
    /// SWIFT MT942 interim report.
    Mt942,
    /// OFX / QFX 1.x or 2.x.
    Ofx,
    /// A bank's CSV export, read through a column mapping.
    Csv,
}

/// Where a bank entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BankEntryStatusDto {
    /// Applied as a payment (a return: the payment it returned is reversed).
    Matched,
    /// A proposal waits for review.
    Suggested,
    /// Nothing found, or money out that is not a returned payment.
    Unmatched,
    /// Not about receivables.
    Ignored,
}

/// Money in or out of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BankSideDto {
    /// Money in.
    Credit,
    /// Money out.
    Debit,
}

/// How a bank's CSV export maps onto entries: column header texts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankCsvMappingDto {
    /// Booking date column.
    pub date: String,
    /// One signed amount column.
    #[serde(default)]
    pub amount: Option<String>,
    /// Money-out column.
    #[serde(default)]
    pub debit: Option<String>,
    /// Money-in column.
    #[serde(default)]
    pub credit: Option<String>,
    /// Currency column.
    #[serde(default)]
    pub currency: Option<String>,
    /// Currency when there is no column.
    #[serde(default)]
    pub default_currency: Option<String>,
    /// Counterparty name column.
    #[serde(default)]
    pub counterparty: Option<String>,
    /// Counterparty IBAN column.
    #[serde(default)]
    pub counterparty_iban: Option<String>,
    /// Remittance text column(s), several joined with `+`.
    #[serde(default)]
    pub remittance: Option<String>,
    /// Reference column.
    #[serde(default)]
    pub reference: Option<String>,
    /// Value date column.
    #[serde(default)]
    pub value_date: Option<String>,
    /// Counterparty BIC column.
    #[serde(default)]
    pub counterparty_bic: Option<String>,
    /// End-to-end id column.
    #[serde(default)]
    pub end_to_end_id: Option<String>,
    /// A column naming the direction ("S"/"H", "Soll"/"Haben", "Af"/"Bij", "D"/"C") when
    /// the amount column has no sign.
    #[serde(default)]
    pub direction: Option<String>,
    /// Date format (chrono, e.g. `%d.%m.%Y`; empty = try the usual ones).
    #[serde(default)]
    pub date_format: String,
    /// Amounts written `1.234,56`.
    #[serde(default)]
    pub decimal_comma: bool,
    /// Delimiter (one character; empty = detect).
    #[serde(default)]
    pub delimiter: String,
    /// The bank writes money out as positive.
    #[serde(default)]
    pub invert_sign: bool,
    /// Lines before the header.
    #[serde(default)]
    #[ts(type = "number")]
    pub skip_rows: u32,
}

/// How to import a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankImportOptions {
    /// The format, or auto.
    #[serde(default)]
    pub format: BankFormatDto,
    /// The own account (IBAN) when the file does not name it.
    #[serde(default)]
    pub account: Option<String>,
    /// The CSV mapping (CSV only; none = the account's saved mapping).
    #[serde(default)]
    pub csv: Option<BankCsvMappingDto>,
    /// Read and match against the book, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Store every entry unmatched without looking at the book (the benchmark's
    /// baseline: parsing and inserting alone).
    #[serde(default)]
    pub no_match: bool,
    /// Set by the import itself when it runs again after a concurrent import (not for
    /// callers; ignored from the window).
    #[serde(default, skip)]
    #[ts(skip)]
    pub retried: bool,
}

/// What an import read and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankImportSummary {
    /// Format read (`camt053`, `mt940`, ...).
    pub format: String,
    /// Text encoding the file was read in.
    pub encoding: String,
    /// Statements in the file.
    #[ts(type = "number")]
    pub statements: u32,
    /// Transactions read (a batch entry counts each of its transactions).
    #[ts(type = "number")]
    pub entries: u32,
    /// Of those, already stored by an earlier import (skipped).
    #[ts(type = "number")]
    pub duplicates: u32,
    /// Money in per currency (decimal strings).
    pub credits: BTreeMap<String, String>,
    /// Money out per currency.
    pub debits: BTreeMap<String, String>,
    /// Entries matched (new ones as decided now, duplicates as stored).
    #[ts(type = "number")]
    pub matched: u32,
    /// Entries with a proposal to review.
    #[ts(type = "number")]
    pub suggested: u32,
    /// Entries with nothing found.
    #[ts(type = "number")]
    pub unmatched: u32,
    /// Entries ignored by a rule.
    #[ts(type = "number")]
    pub ignored: u32,
    /// Accounts seen for the first time (created unless a dry run).
    pub new_accounts: Vec<String>,
    /// Statements whose balances do not add up, in words.
    pub balance_problems: Vec<String>,
    /// Nothing was written.
    pub dry_run: bool,
}

/// An invoice (part) an entry pays or would pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankEntryInvoiceDto {
    /// Invoice id.
    #[ts(type = "number")]
    pub invoice_id: i64,
    /// Invoice number.
    pub number: String,
    /// Amount (decimal string).
    pub amount: String,
}

/// One bank transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankEntryDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The own account (IBAN or the file's account id).
    pub account: String,
    /// Statement id.
    #[ts(type = "number")]
    pub statement_id: i64,
    /// Booking date.
    pub booking_date: String,
    /// Value date.
    pub value_date: Option<String>,
    /// Amount, always positive (decimal string).
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Money in or out.
    pub side: BankSideDto,
    /// A returned payment (direct debit return, chargeback, reversal of a credit).
    pub is_return: bool,
    /// Counterparty name.
    pub counterparty: String,
    /// Counterparty IBAN.
    pub counterparty_iban: String,
    /// Remittance text.
    pub remittance: String,
    /// Structured creditor reference, else end-to-end id, else the bank's reference.
    pub reference: String,
    /// End-to-end id.
    pub end_to_end_id: String,
    /// The bank's reference.
    pub bank_reference: String,
    /// Status.
    pub status: BankEntryStatusDto,
    /// The debtor of the match or the proposal.
    #[ts(type = "number | null")]
    pub debtor_id: Option<i64>,
    /// That debtor's name.
    pub debtor_name: Option<String>,
    /// The payment made (or, for a return, reversed).
    #[ts(type = "number | null")]
    pub payment_id: Option<i64>,
    /// Invoices paid (matched) or proposed (suggested).
    pub invoices: Vec<BankEntryInvoiceDto>,
    /// What stays a credit on the debtor (decimal string; "0.00" when none).
    pub unapplied: String,
    /// Confidence of the proposal, 0-100.
    #[ts(type = "number")]
    pub confidence: u8,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// Where in the file it was read.
    pub location: String,
}

/// One part of a match made by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankMatchLine {
    /// Invoice number.
    pub number: String,
    /// Amount for it (decimal string; none = as much as is open, up to what is left).
    #[serde(default)]
    pub amount: Option<String>,
}

/// A match made or confirmed by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankMatchInput {
    /// Invoices to pay, in order (split an entry across several).
    #[serde(default)]
    pub invoices: Vec<BankMatchLine>,
    /// Assign to this debtor (id) as unapplied credit when no invoice is named.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub debtor_id: Option<i64>,
}

/// An own bank account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankAccountDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// IBAN or the file's account id.
    pub account: String,
    /// Name.
    pub name: String,
    /// Currency.
    pub currency: String,
    /// The last day its statements cover.
    pub latest: Option<String>,
    /// A CSV mapping is saved for it.
    pub has_csv_mapping: bool,
}

/// An imported statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankStatementDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// The account.
    pub account: String,
    /// Format.
    pub format: String,
    /// File name.
    pub file_name: String,
    /// The bank's statement id.
    pub statement_ref: String,
    /// First day.
    pub period_from: Option<String>,
    /// Last day.
    pub period_to: Option<String>,
    /// Currency.
    pub currency: String,
    /// Opening balance.
    pub opening: Option<String>,
    /// Closing balance.
    pub closing: Option<String>,
    /// What did not add up ("" when fine).
    pub balance_problem: String,
    /// Entries in the file.
    #[ts(type = "number")]
    pub entries: u32,
    /// Already stored before.
    #[ts(type = "number")]
    pub duplicates: u32,
    /// Money in stored with it.
    pub credits: String,
    /// Money out.
    pub debits: String,
    /// Share of its entries matched, percent.
    #[ts(type = "number")]
    pub matched_percent: u32,
    /// When imported.
    pub imported_at: String,
}

/// Matching and reconciliation settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankSettingsDto {
    /// Short or over payment accepted as a match, absolute (decimal string).
    pub tolerance_abs: String,
    /// The same as a percentage of the amount (decimal string).
    pub tolerance_pct: String,
    /// Proposals at or above this confidence are applied at import (100 = only
    /// unambiguous exact matches).
    #[ts(type = "number")]
    pub auto_threshold: u8,
    /// Warn before reminding when an account's latest statement is older than this.
    #[ts(type = "number")]
    pub stale_days: u32,
    /// What a short payment within tolerance does to the difference: left open, or
    /// written off.
    pub short_payment: ShortPaymentDto,
}

/// What happens to the difference of a short payment accepted within tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ShortPaymentDto {
    /// The difference stays open on the invoice.
    LeaveOpen,
    /// The difference is written off (bank charges).
    WriteOff,
}

/// An ignore rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankIgnoreRuleDto {
    /// Id.
    #[ts(type = "number")]
    pub id: i64,
    /// Counterparty (name or IBAN) it matches ("" = any).
    pub counterparty: String,
    /// Text the remittance must contain ("" = any).
    pub text: String,
    /// Label.
    pub label: String,
}

/// A CSV file's first rows and the mapping suggested (or saved for the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankCsvPreviewDto {
    /// Column headers.
    pub headers: Vec<String>,
    /// Up to five rows.
    pub rows: Vec<Vec<String>>,
    /// The encoding read.
    pub encoding: String,
    /// The mapping to start from.
    pub mapping: BankCsvMappingDto,
    /// True when `mapping` is the one saved for the account.
    pub saved: bool,
}

/// Progress of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BankImportProgress {
    /// `reading`, `matching`, `saving`, `done`.
    pub phase: String,
    /// Entries done.
    #[ts(type = "number")]
    pub done: u64,
    /// Entries in all.
    #[ts(type = "number")]
    pub total: u64,
}
