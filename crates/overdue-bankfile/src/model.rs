//! The values a bank file reads into, and the error when it does not.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A bank file format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// ISO 20022 camt.053 bank-to-customer statement (XML), any version.
    Camt053,
    /// ISO 20022 camt.054 debit/credit notification (XML), any version.
    Camt054,
    /// SWIFT MT940 customer statement (text), including German and Dutch bank variants.
    Mt940,
    /// SWIFT MT942 interim transaction report (text).
    Mt942,
    /// Open Financial Exchange, 1.x SGML or 2.x XML (bank and credit card statements).
    Ofx,
    /// A bank's CSV export, read through a [`CsvMapping`].
    Csv,
}

impl Format {
    /// Every format, in the order the docs list them.
    pub const ALL: [Format; 6] = [
        Format::Camt053,
        Format::Camt054,
        Format::Mt940,
        Format::Mt942,
        Format::Ofx,
        Format::Csv,
    ];

    /// The format's short name: "camt053", "camt054", "mt940", "mt942", "ofx", "csv".
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Camt053 => "camt053",
            Format::Camt054 => "camt054",
            Format::Mt940 => "mt940",
            Format::Mt942 => "mt942",
            Format::Ofx => "ofx",
            Format::Csv => "csv",
        }
    }

    /// Reads a short name (case-insensitive); also accepts "camt.053" and "camt.054".
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.replace("camt.", "camt");
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a bank's CSV export maps onto entries.
///
/// Column names are header texts, matched after trimming, case-insensitively. Build one
/// with `..Default::default()`: fields are added over time (e.g. [`CsvMapping::direction`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CsvMapping {
    /// Booking date column (required).
    pub date: String,
    /// Value date column.
    pub value_date: Option<String>,
    /// One signed amount column (or use `debit`/`credit`).
    pub amount: Option<String>,
    /// Separate debit column: money out, whether written positive or negative.
    pub debit: Option<String>,
    /// Separate credit column: money in.
    pub credit: Option<String>,
    /// Currency column; when `None` (or a cell is empty) `default_currency` applies.
    pub currency: Option<String>,
    /// Currency of every row when the export has no currency column.
    pub default_currency: Option<String>,
    /// Name of the other party.
    pub counterparty: Option<String>,
    /// IBAN of the other party.
    pub counterparty_iban: Option<String>,
    /// BIC of the other party's bank.
    pub counterparty_bic: Option<String>,
    /// Remittance text; several columns may be joined with '+'
    /// ("Verwendungszweck 1+Verwendungszweck 2"), their cells joined with a space.
    pub remittance: Option<String>,
    /// Structured creditor reference / bank reference column.
    pub reference: Option<String>,
    /// End-to-end id column.
    pub end_to_end_id: Option<String>,
    /// Column holding OUR account's IBAN, if the export has one. Rows of different
    /// accounts become different statements.
    pub account_iban: Option<String>,
    /// chrono format such as "%d.%m.%Y"; empty = try %Y-%m-%d, %d.%m.%Y, %d/%m/%Y, %d.%m.%y.
    pub date_format: String,
    /// Amounts are written "1.234,56".
    pub decimal_comma: bool,
    /// Field delimiter; `None` = sniff among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
    /// The bank exports money out as positive numbers (single amount column only).
    pub invert_sign: bool,
    /// Preamble lines before the header row (many German banks write some).
    pub skip_rows: usize,
    /// Addition: a column saying the direction ("S"/"H", "Soll"/"Haben", "Af"/"Bij",
    /// "D"/"C", "Debit"/"Credit", "-"/"+"), as German cooperative banks and ING NL
    /// export. With it, the amount column's sign is ignored.
    pub direction: Option<String>,
}

/// What [`crate::parse`] read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    /// The format the file was read as.
    pub format: Format,
    /// The text encoding the file was decoded from: "UTF-8", "windows-1252", "UTF-16LE", ...
    pub encoding: String,
    /// The statements in the file, in file order (several accounts or days per file happen).
    pub statements: Vec<Statement>,
}

/// One account's statement (or notification, or CSV export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Our account's IBAN, normalised: uppercase, no spaces.
    pub account_iban: Option<String>,
    /// The account id as written when it is not an IBAN (MT940 ":25:10020030/1234567").
    pub account_other: Option<String>,
    /// The account's currency (camt `Acct/Ccy`, MT940 balances or a trailing currency in
    /// `:25:`, OFX `CURDEF`).
    pub currency: Option<String>,
    /// camt `Stmt/Id` or `Ntfctn/Id`; MT940 `:20:` and `:28C:` joined with '/' ("STARTUMSE/5/1");
    /// OFX `ofx-<ACCTID>-<DTSTART>-<DTEND>` (dates as YYYYMMDD); CSV "".
    pub statement_id: String,
    /// camt `ElctrncSeqNb` (else `LglSeqNb`); MT940 `:28C:`.
    pub sequence: Option<String>,
    /// First day covered (camt `FrToDt`, MT940 opening balance date, OFX `DTSTART`, CSV
    /// earliest booking date).
    pub from: Option<NaiveDate>,
    /// Last day covered (camt `FrToDt`, MT940 closing balance date or MT942 `:13D:`, OFX
    /// `DTEND`, CSV latest booking date).
    pub to: Option<NaiveDate>,
    /// camt `Bal` OPBD (else PRCD); MT940 `:60F:`/`:60M:`.
    pub opening: Option<Balance>,
    /// camt `Bal` CLBD; MT940 `:62F:`/`:62M:`; OFX `LEDGERBAL`.
    pub closing: Option<Balance>,
    /// The bookings, in file order; a camt batch contributes one entry per transaction.
    pub entries: Vec<Entry>,
}

/// An account balance on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Signed: a debit (overdrawn) balance is negative.
    pub amount: Decimal,
    /// ISO 4217 code, uppercase.
    pub currency: String,
    /// The balance's date.
    pub date: NaiveDate,
}

/// One booking (or one transaction of a batch booking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The day the bank booked it.
    pub booking_date: NaiveDate,
    /// The value date, when the file gives one.
    pub value_date: Option<NaiveDate>,
    /// Always positive (absolute); see `credit` for the direction.
    pub amount: Decimal,
    /// ISO 4217 code, uppercase.
    pub currency: String,
    /// The effect on OUR balance: true = money in. A reversal of a debit (MT940 "RD", camt
    /// DBIT with `RvslInd`) is a credit; a reversal of a credit is a debit.
    pub credit: bool,
    /// The bank reversed an earlier booking (MT940 RC/RD, camt `RvslInd`).
    pub reversal: bool,
    /// A returned direct debit, chargeback or returned transfer.
    pub is_return: bool,
    /// The return reason code ("AC04", "MD06", ...) when the file gives one.
    pub return_reason: Option<String>,
    /// The other party ("" when absent): the payer of money in, the payee of money out.
    /// For returns and reversals, the party of the original payment that is not us.
    pub counterparty_name: String,
    /// The other party's IBAN, normalised: uppercase, no spaces.
    pub counterparty_iban: Option<String>,
    /// The other party's bank's BIC.
    pub counterparty_bic: Option<String>,
    /// Unstructured remittance text, lines joined with single spaces.
    pub remittance: String,
    /// Structured creditor reference (ISO 11649 "RF.." or Dutch payment reference),
    /// uppercase, spaces removed. Unchecked: the matcher verifies check digits.
    pub creditor_reference: Option<String>,
    /// The payer's end-to-end id (never "NOTPROVIDED").
    pub end_to_end_id: Option<String>,
    /// The bank's own reference (camt `AcctSvcrRef`, MT940 after "//", OFX `FITID`).
    pub bank_reference: Option<String>,
    /// The bank's transaction code: camt "PMNT/RCDT/ESCT" or proprietary code, MT940 GVC
    /// ("166") or `:61:` type ("NTRF"), OFX `TRNTYPE`.
    pub bank_code: Option<String>,
    /// Where in the file: "line 42" for text formats, an element path for XML.
    pub location: String,
}

/// A file that could not be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct ParseError {
    /// The file name as the caller passed it.
    pub file: String,
    /// "line N" (1-based, of the original file) or an XML element path.
    pub location: String,
    /// What is wrong, in words a small-business owner understands.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(file: &str, location: impl Into<String>, message: impl Into<String>) -> Self {
        ParseError {
            file: file.to_string(),
            location: location.into(),
            message: message.into(),
        }
    }
}

/// A first look at a CSV export, for an import wizard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvPreview {
    /// The delimiter given or sniffed.
    pub delimiter: u8,
    /// The header row (after `skip_rows`), trimmed.
    pub headers: Vec<String>,
    /// Up to 5 data rows.
    pub rows: Vec<Vec<String>>,
    /// The text encoding the file was decoded from.
    pub encoding: String,
}
