//! # overdue-bankfile
//!
//! Reads the statement files a business downloads from its bank (camt.053, camt.054,
//! MT940, MT942, OFX and CSV exports) into plain Rust values ([`Parsed`], [`Statement`],
//! [`Entry`]), so that the matching engine can pair incoming money with open invoices.
//!
//! ```
//! let file = b":20:STARTUMSE\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n\
//! :60F:C240301EUR100,00\r\n:61:2403010301C12,50NTRFNONREF//B1\r\n\
//! :86:166?00SEPA-GUTSCHRIFT?20SVWZ+Rechnung 4711?32Anna Muller\r\n\
//! :62F:C240301EUR112,50\r\n-";
//! let parsed = overdue_bankfile::parse(file, "konto.sta", None, None).unwrap();
//! let entry = &parsed.statements[0].entries[0];
//! assert!(entry.credit);
//! assert_eq!(entry.remittance, "Rechnung 4711");
//! assert_eq!(entry.counterparty_name, "Anna Muller");
//! ```
//!
//! ## House rules
//! - Pure parsing: bytes in, values out. No files, no network, no database, no clock, no
//!   async. The caller reads the file and passes its bytes and its name (the name is only
//!   used in error messages; the format is detected from the content, never the name).
//! - Money is [`rust_decimal::Decimal`], exact, never `f32`/`f64`. [`Entry::amount`] is
//!   always positive; the direction is [`Entry::credit`] (money in on *our* account).
//! - A file reads completely or not at all: a malformed or truncated file is a
//!   [`ParseError`] naming the file and *where* ("line 12" for text formats, the XML
//!   element path such as `/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt` for XML), with a
//!   message a small-business owner understands. Never a silent partial result.
//! - Unknown elements, tags and columns are ignored; missing required ones are errors.
//! - Text is decoded before parsing: a byte-order mark wins, then valid UTF-8, then a
//!   declared charset (XML `encoding=`, OFX `CHARSET:`/`ENCODING:`), else Windows-1252.
//!   ISO-8859-1 is read as Windows-1252 (the WHATWG rule: a superset for every printable
//!   character), so [`Parsed::encoding`] then says `windows-1252`.
//! - XML is read with `quick-xml`'s streaming reader, one pass, elements matched by local
//!   name so every camt version (and any namespace prefix) reads.
//! - MT940/MT942 are read by a hand-written, tolerant tag-level reader: the crates.io
//!   `mt940` crate's strict grammar rejects the German `?20`..`?63` and Dutch `/TRTP/`
//!   `:86:` structures and stray bytes that real bank files contain.
//! - OFX has no well-kept Rust crate, so a small hand-written tag reader handles both OFX
//!   1.x SGML (leaf tags without closing tags) and OFX 2.x XML.
//!
//! ## Reading rules worth knowing
//! - camt: one [`Entry`] per `TxDtls`; an `Ntry` without `TxDtls` (even a batch that only
//!   gives `Btch/NbOfTxs`) is one entry. Entries with status `PDNG`, `INFO` or `FUTR` are
//!   skipped: they have not moved money.
//! - Reversals: camt `CdtDbtInd` plus `RvslInd=true` is read as the German banks (DK) write
//!   it, like MT940 `RC`/`RD`: CRDT + reversal is money *out*. (The ISO usage note reads
//!   the indicator the other way; a bank following it would show as a balance mismatch.)
//! - The counterparty of a return or reversal is the party of the original payment that
//!   is not us (a returned collection names the customer, not our own company); a party
//!   whose IBAN is our account's is never taken.
//! - MT940 booking dates (`MMDD`) take the year that puts them nearest the value date, so
//!   a booking on 29 December valued on 2 January lands in the old year.
//! - OFX amounts with a single decimal comma ("-12,50") are accepted, as the OFX spec
//!   allows; amounts with thousands separators ("1.234,56") are refused.
//!
//! ## Glossary
//! - **Statement**: one account's bookings over a period, with opening and closing
//!   balances (camt `Stmt`, one MT940 message, one OFX `STMTRS`).
//! - **Entry**: one booking on the account, one line on the paper statement. Here also one
//!   transaction out of a batch (see *batch*), because that is what pays an invoice.
//! - **Batch**: a single booking that sums several payments (a collective direct debit,
//!   a bulk transfer); camt lists the parts as `TxDtls` under one `Ntry`.
//! - **camt.053 / camt.054**: ISO 20022 XML bank-to-customer statement and debit/credit
//!   notification. `Ntry` is an entry, `TxDtls` a transaction inside it, `RmtInf` the
//!   remittance information, `BkTxCd` the bank transaction code (domain/family/sub-family).
//! - **MT940 / MT942**: SWIFT text statement and interim report. Tags such as `:20:`
//!   (reference), `:25:` (account), `:28C:` (statement number), `:60F:`/`:62F:` (opening
//!   and closing balances), `:61:` (an entry) and `:86:` (the entry's details).
//! - **GVC**: German *Geschäftsvorfallcode*, the three digits opening a structured `:86:`
//!   (166 = SEPA credit transfer received, 109 = returned direct debit, ...).
//! - **OFX**: Open Financial Exchange, the format of Quicken/Money downloads; `STMTTRN` is
//!   an entry, `FITID` its bank id, `LEDGERBAL` the closing balance.
//! - **Remittance information**: the free text the payer typed ("Invoice 2024-117").
//! - **Creditor reference**: the structured ISO 11649 reference (`RF18 5390 0754 7034`).
//! - **End-to-end id**: the payer's own reference that travels unchanged with a SEPA
//!   payment (`EREF+` in German MT940).
//! - **Reversal**: the bank cancelling an earlier booking (camt `RvslInd`, MT940 `RC`/`RD`).
//! - **Return**: a payment sent back by the other bank: a returned direct debit
//!   (*Rücklastschrift*, chargeback) or a returned transfer; [`Entry::is_return`].
//! - **Value date**: the date from which the money counts for interest, as opposed to the
//!   booking date.

#![deny(missing_docs)]

mod camt;
mod csvfile;
mod decode;
mod detect;
mod model;
mod mt940;
mod ofx;
mod text;

pub use csvfile::{csv_guess_skip_rows, csv_preview, suggest_csv_mapping};
pub use detect::detect;
pub use model::{Balance, CsvMapping, CsvPreview, Entry, Format, ParseError, Parsed, Statement};

/// A text file's bytes as UTF-8, whatever they were written in: a BOM (UTF-8, UTF-16)
/// decides, then valid UTF-8 stays as it is, then UTF-16 without a BOM, else a declared
/// charset or Windows-1252 (what Excel and most accounting programs write as "CSV" on
/// Windows). Returns the text and the encoding's name ("UTF-8", "windows-1252"). Line
/// ends are kept, so line numbers in the text are the file's own.
pub fn decode_text(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, &'static str) {
    let decoded = decode::decode(bytes);
    (decoded.text, decoded.encoding.name())
}

/// The message for bytes that are none of the formats this crate reads.
pub(crate) const NOT_A_STATEMENT: &str =
    "not a bank statement format Overdue reads (camt.053, camt.054, MT940, MT942, OFX, CSV)";

/// Reads `bytes` as `format` (or as the detected one when `format` is `None`).
///
/// `file` is only used in error messages. CSV needs `csv`, the column mapping; without it
/// a CSV file fails with a message saying a column mapping is needed.
pub fn parse(
    bytes: &[u8],
    file: &str,
    format: Option<Format>,
    csv: Option<&CsvMapping>,
) -> Result<Parsed, ParseError> {
    let format = match format.or_else(|| detect(bytes)) {
        Some(format) => format,
        None => return Err(ParseError::new(file, "line 1", NOT_A_STATEMENT)),
    };
    match format {
        Format::Camt053 | Format::Camt054 => camt::parse(bytes, file, format),
        Format::Mt940 | Format::Mt942 => mt940::parse(bytes, file, format),
        Format::Ofx => ofx::parse(bytes, file),
        Format::Csv => match csv {
            Some(mapping) => csvfile::parse(bytes, file, mapping),
            None => Err(ParseError::new(
                file,
                "line 1",
                "this is a CSV export: a column mapping is needed (which column holds the \
                 date, the amount, the name, ...) before it can be read",
            )),
        },
    }
}
