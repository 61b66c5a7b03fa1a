//! Reference-rate files as users download them from the publishers, turned into the rows of
//! Overdue's [`RateTable`].
//!
//! [`parse_rate_file`] looks at the content (never at the file name, which is only used in
//! messages) and reads:
//!
//! | Publisher | File | Series |
//! | --- | --- | --- |
//! | [`Publisher::Overdue`] | the app's own table (`series,valid_from,valid_to,rate,source`) | all, via [`RateTable::parse`] |
//! | [`Publisher::Ecb`] | ECB Data Portal CSV (`"DATE","TIME PERIOD","... (FM.B.U2.EUR.4F.KR.MRR_FR.LEV)"`) or SDMX-CSV from its API (`KEY,FREQ,...,TIME_PERIOD,OBS_VALUE`) | main refinancing operations, fixed rate: `MRR_FR`, dates of change (`FM.B`) or daily (`FM.D`) |
//! | [`Publisher::Bundesbank`] | time-series database CSV (`"";BBK01.SU0115;BBK01.SU0115_FLAGS`, German `;`/`1,27` or English `,`/`1.27` layout) | Basiszinssatz, section 247 BGB (`SU0115`), any frequency |
//! | [`Publisher::BankOfEngland`] | Interactive Database CSV (`DATE,IUDBEDR` / `02 Jan 2025,4.75`) or the Bank Rate history table (`Date Changed,Rate` / `18 Dec 25,3.75`) | Bank Rate |
//! | [`Publisher::BanqueDeFrance`] | Webstat export (`Titre :;...` / `Code série :;...` above the data, or the `series_key;title_fr;time_period;obs_value` observations export) | taux de l'intérêt légal, both categories |
//!
//! ## What the rows look like
//! The rows have the shape of the shipped `data/rates.csv`, so that an imported file and the
//! shipped table never disagree about how a rate is stored:
//! - **ECB and Bank of England: one row per change**, from the day the rate took effect to
//!   the day before the next change. The rate that applies to a half-year (ECB: in force on
//!   1 January / 1 July; UK: in force on 31 December / 30 June) is then looked up by
//!   [`RateTable::half_year_rate`] / [`RateTable::rate_on`] as for the shipped rows.
//! - **Basiszinssatz: one row per half-year** (1 January to 30 June, 1 July to 31 December),
//!   because section 247 BGB changes it only on those days. Monthly values ("Stand am
//!   Monatsende") and daily values are reduced to the half-year they fall in; two different
//!   values within one half-year are refused.
//! - **Taux de l'intérêt légal**: there is no [`RateSeries`] for it (adding one would change
//!   the shipped table and every test that walks [`RateSeries::ALL`]), so it is returned
//!   separately as [`FrLegalRate`] values, one per half-year and category.
//!
//! ## How far a file vouches for a rate (never guessed)
//! - A **daily** series (ECB `FM.D`, BoE `IUDBEDR`) vouches for every day up to its last
//!   value: the newest row ends there.
//! - A **list of changes** (ECB `FM.B` "date of changes", BoE "Date Changed") cannot say how
//!   long its newest rate stayed in force. [`parse_rate_file`] makes no row for it and says so
//!   in [`PublisherFile::skipped`]; [`parse_rate_file_checked_to`] takes the day the user
//!   downloaded the file (every change announced by then is in it) and ends the newest row
//!   there.
//! - A **half-year** series (Basiszinssatz, intérêt légal) gives a row for each half-year the
//!   file has a value in; a half-year without a value is reported in `skipped`.
//!
//! ## Text
//! UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and Windows-1252 /
//! ISO-8859-1 (what Excel and the German and French publishers write) are read without loss:
//! a file that is not valid UTF-8 is decoded as Windows-1252 (with `encoding_rs`). CRLF or LF line ends, `;`, `,` or tab
//! separators (guessed from the first lines), double-quoted fields, a decimal comma, a
//! trailing `%`, blank lines and the metadata lines publishers put above and below the data
//! are accepted. A field cannot span lines. Dates are read as `2025-06-11`, `11 Jun 2025`,
//! `11 Jun 25` (two-digit years 70-99 are 19xx, 00-69 are 20xx), `11/06/2025` or `11.06.2025`
//! (day first, as the European publishers write them), months as `2025-06` and half-years as
//! `2025-S1`, `2025S1`, `2025-H1` or `S1 2025`. Empty cells and `.`, `..`, `-`, `NaN`, `n/a`
//! are "no value" and are left out (counted in `skipped`).
//!
//! Errors name the file, the 1-based line and the field: `ecb.csv: line 7: the rate "2,1x"
//! is not a number`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rates::{HalfYear, RateRow, RateSeries, RateTable, RateTableError};

/// The formats [`parse_rate_file`] reads, for the message about a file it does not know.
pub const KNOWN_FORMATS: &str = "Overdue's rate table (series,valid_from,valid_to,rate,source); \
     the ECB Data Portal CSV or SDMX-CSV of the main refinancing rate \
     (FM.B.U2.EUR.4F.KR.MRR_FR.LEV or FM.D.U2.EUR.4F.KR.MRR_FR.LEV); the Bundesbank \
     time-series CSV of the Basiszinssatz (BBK01.SU0115); the Bank of England's Bank Rate as \
     an Interactive Database CSV (IUDBEDR) or as the \"Date Changed, Rate\" table; and the \
     Banque de France Webstat CSV of the taux de l'intérêt légal";

/// Rates outside this band are almost certainly typos (350 for 3.50), not policy; the same
/// bound as the rate table's.
const PLAUSIBLE_RATE: i64 = 100;

/// How many lines from the top are searched for a header.
const HEADER_SEARCH_LINES: usize = 40;

/// Who published the file that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publisher {
    /// Overdue's own rate table (`series,valid_from,valid_to,rate,source`), e.g. one written
    /// by [`RateTable::to_csv`]; read by [`RateTable::parse`].
    Overdue,
    /// European Central Bank: the main refinancing operations rate from the ECB Data Portal.
    Ecb,
    /// Deutsche Bundesbank: the Basiszinssatz (section 247 BGB) from its time-series database.
    Bundesbank,
    /// Bank of England: Bank Rate.
    BankOfEngland,
    /// Banque de France: the taux de l'intérêt légal from Webstat.
    BanqueDeFrance,
}

impl Publisher {
    /// Every publisher, in the order of the table in the module documentation.
    pub const ALL: [Publisher; 5] = [
        Publisher::Overdue,
        Publisher::Ecb,
        Publisher::Bundesbank,
        Publisher::BankOfEngland,
        Publisher::BanqueDeFrance,
    ];

    /// The publisher's name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Publisher::Overdue => "Overdue rate table",
            Publisher::Ecb => "European Central Bank",
            Publisher::Bundesbank => "Deutsche Bundesbank",
            Publisher::BankOfEngland => "Bank of England",
            Publisher::BanqueDeFrance => "Banque de France",
        }
    }
}

impl fmt::Display for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The two French legal interest rates (article L. 313-2 of the Code monétaire et
/// financier), fixed per half-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrLegalCategory {
    /// Claims of private persons not acting for professional needs ("créances des personnes
    /// physiques n'agissant pas pour des besoins professionnels").
    PrivateCreditor,
    /// All other cases ("tous les autres cas"), e.g. a business's claims.
    OtherCases,
}

impl FrLegalCategory {
    /// The category in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            FrLegalCategory::PrivateCreditor => {
                "taux de l'intérêt légal for private persons not acting for professional needs"
            }
            FrLegalCategory::OtherCases => "taux de l'intérêt légal for all other cases",
        }
    }
}

/// One half-year's French legal interest rate for one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrLegalRate {
    /// Which of the two rates.
    pub category: FrLegalCategory,
    /// The half-year the rate is fixed for.
    pub half: HalfYear,
    /// The rate in percent a year.
    pub rate: Decimal,
    /// Where the figure comes from (publisher, series and file).
    pub source: String,
}

impl FrLegalRate {
    /// First day the rate applies (1 January or 1 July).
    pub fn valid_from(&self) -> NaiveDate {
        self.half.first_day()
    }

    /// Last day the rate applies (30 June or 31 December).
    pub fn valid_to(&self) -> NaiveDate {
        self.half.last_day()
    }
}

/// What was read from one publisher's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublisherFile {
    /// Whose file it is.
    pub publisher: Publisher,
    /// The format and series in words, e.g. `ECB Data Portal CSV, FM.B.U2.EUR.4F.KR.MRR_FR.LEV`.
    pub format: String,
    /// Rows for the rate table, sorted by series and start date, in the shape of the shipped
    /// table (see the module documentation). Empty for the Banque de France.
    pub rows: Vec<RateRow>,
    /// The French legal interest rates (Banque de France files only), by category and
    /// half-year.
    pub fr_legal_rates: Vec<FrLegalRate>,
    /// What in the file did not become a row, and why, in words: the newest change of a list
    /// of changes without a checked date, half-years without a value, lines without a value,
    /// other series in the same file.
    pub skipped: Vec<String>,
}

impl PublisherFile {
    /// The rows as a [`RateTable`], each row checked as [`RateTable::with_row`] checks it
    /// (plausible rate, Basiszinssatz on half-year boundaries, no overlaps).
    pub fn to_table(&self) -> Result<RateTable, RateTableError> {
        let mut table = RateTable::parse("series,valid_from,valid_to,rate,source\n")?;
        for row in &self.rows {
            table = table.with_row(row.clone())?;
        }
        Ok(table)
    }
}

/// Why a publisher's file was refused. Every message starts with the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublisherError {
    /// One line of the file cannot be read.
    #[error("{file}: line {line}: {problem}")]
    BadLine {
        /// The file's name (without its folder).
        file: String,
        /// 1-based line number, as an editor shows it.
        line: usize,
        /// The field that is wrong: `date`, `rate` or `line` (the line as a whole).
        field: String,
        /// What is wrong, in words, quoting the field's text.
        problem: String,
    },
    /// The content is not one of the formats Overdue reads ([`KNOWN_FORMATS`]).
    #[error(
        "{file}: Overdue cannot read this file: {found}. It reads {}",
        KNOWN_FORMATS
    )]
    UnknownFormat {
        /// The file's name (without its folder).
        file: String,
        /// What the file looks like instead, in words.
        found: String,
    },
    /// The format is known but the file does not hold a usable series or any value of it.
    #[error("{file}: {problem}")]
    Unusable {
        /// The file's name (without its folder).
        file: String,
        /// What is missing or wrong, in words, and what to download instead.
        problem: String,
    },
    /// An Overdue rate table that [`RateTable::parse`] refused.
    #[error("{file}: {source}")]
    Table {
        /// The file's name (without its folder).
        file: String,
        /// The rate table's own error (it names the line).
        source: RateTableError,
    },
}

/// Reads a reference-rate file as downloaded from its publisher (see the module
/// documentation for the formats). `file_name` is only used in messages and sources.
///
/// A list of changes (ECB dates of change, the Bank of England's "Date Changed" table) gives
/// no row for its newest rate, because the file does not say until when it was checked: use
/// [`parse_rate_file_checked_to`] with the day the file was downloaded.
pub fn parse_rate_file(file_name: &str, bytes: &[u8]) -> Result<PublisherFile, PublisherError> {
    read_file(file_name, bytes, None)
}

/// As [`parse_rate_file`], for a file known to hold every change announced up to and
/// including `checked_to` (normally the day it was downloaded): the newest rate of the file
/// gets a row up to that day. A daily series whose last value is later keeps its last day.
pub fn parse_rate_file_checked_to(
    file_name: &str,
    bytes: &[u8],
    checked_to: NaiveDate,
) -> Result<PublisherFile, PublisherError> {
    read_file(file_name, bytes, Some(checked_to))
}

// ---------------------------------------------------------------------------------------
// Reading the text
// ---------------------------------------------------------------------------------------

/// The state of one read: the file's name for messages, the checked date and the notes.
struct Reader {
    file: String,
    checked_to: Option<NaiveDate>,
    skipped: Vec<String>,
}

impl Reader {
    fn bad(&self, line: usize, field: &str, problem: String) -> PublisherError {
        PublisherError::BadLine {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            problem,
        }
    }

    fn unusable(&self, problem: String) -> PublisherError {
        PublisherError::Unusable {
            file: self.file.clone(),
            problem,
        }
    }

    fn unknown(&self, found: String) -> PublisherError {
        PublisherError::UnknownFormat {
            file: self.file.clone(),
            found,
        }
    }

    /// The source text of a row: publisher and series, then the file it came from.
    fn source(&self, what: &str) -> String {
        single_line(&format!("{what} (file {})", self.file))
    }
}

/// One non-blank line of the file, split into trimmed fields.
#[derive(Debug)]
struct Line {
    number: usize,
    fields: Vec<String>,
}

impl Line {
    fn get(&self, index: usize) -> &str {
        self.fields.get(index).map(String::as_str).unwrap_or("")
    }

    fn first(&self) -> &str {
        self.get(0)
    }
}

fn read_file(
    file_name: &str,
    bytes: &[u8],
    checked_to: Option<NaiveDate>,
) -> Result<PublisherFile, PublisherError> {
    let mut reader = Reader {
        file: display_name(file_name),
        checked_to,
        skipped: Vec::new(),
    };
    if let Some(kind) = binary_kind(bytes) {
        return Err(reader.unknown(format!(
            "it is {kind}, not a CSV text file: download or save the data as CSV"
        )));
    }
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(reader.unknown("the file is empty".to_string()));
    }
    if is_overdue_table(&text) {
        let table = RateTable::parse(&text).map_err(|source| PublisherError::Table {
            file: reader.file.clone(),
            source,
        })?;
        return Ok(PublisherFile {
            publisher: Publisher::Overdue,
            format: "Overdue rate table".to_string(),
            rows: table.rows().to_vec(),
            fr_legal_rates: Vec::new(),
            skipped: Vec::new(),
        });
    }
    let separator = detect_separator(&text);
    let lines = split_lines(&reader, &text, separator)?;
    let Some(format) = detect_format(&lines) else {
        let first = lines
            .first()
            .map(|l| l.fields.join(" | "))
            .unwrap_or_default();
        return Err(reader.unknown(format!("its first line reads \"{}\"", shorten(&first, 80))));
    };
    match format {
        Format::EcbPortal(header) => read_ecb_portal(&mut reader, &lines, header),
        Format::EcbSdmx(header) => read_ecb_sdmx(&mut reader, &lines, header),
        Format::Bundesbank => read_bundesbank(&mut reader, &lines),
        Format::BoeIadb(header) => read_boe_iadb(&mut reader, &lines, header),
        Format::BoeChanges(header) => read_boe_changes(&mut reader, &lines, header),
        Format::WebstatWide => read_webstat_wide(&mut reader, &lines),
        Format::WebstatLong(header) => read_webstat_long(&mut reader, &lines, header),
    }
}

/// The name without its folder, for messages: `C:\Users\a\ecb.csv` becomes `ecb.csv`.
fn display_name(file_name: &str) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    if base.is_empty() {
        "the rate file".to_string()
    } else {
        single_line(base)
    }
}

/// Replaces line breaks and other control characters (a row's source must be one line).
fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max_chars).collect();
        format!("{cut}...")
    }
}

/// Files that are not text at all, named so the user knows what to do.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("an Excel workbook (.xlsx) or another ZIP archive")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an old Excel workbook (.xls)")
    } else if bytes.starts_with(b"%PDF") {
        Some("a PDF document")
    } else {
        let start = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        let first = start.iter().find(|b| !b.is_ascii_whitespace());
        (first == Some(&b'<')).then_some("an XML or HTML document (e.g. the SDMX-ML download)")
    }
}

/// Decodes the bytes without losing any (with `encoding_rs`, as the bank-file reader
/// does): a byte-order mark decides (UTF-8, UTF-16LE/BE); UTF-16 without one is recognised
/// by the zero bytes of ASCII text; otherwise UTF-8 when valid, else Windows-1252 (what
/// Excel and the German and French publishers write; a superset of the printable
/// ISO-8859-1).
fn decode(bytes: &[u8]) -> String {
    use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_with_bom_removal(bytes).0.into_owned();
    }
    let zeros = |at: usize| bytes.len() >= 4 && bytes[at] == 0 && bytes[at + 2] == 0;
    if zeros(1) && bytes[0] != 0 {
        return UTF_16LE.decode_without_bom_handling(bytes).0.into_owned();
    }
    if zeros(0) && bytes[1] != 0 {
        return UTF_16BE.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The app's own table: its header (after `#` comments) names `series` and `valid_from`.
fn is_overdue_table(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|header| {
            let h = header.to_ascii_lowercase();
            let cells: Vec<&str> = h.split(',').map(|c| c.trim().trim_matches('"')).collect();
            cells.contains(&"series") && cells.contains(&"valid_from")
        })
        .unwrap_or(false)
}

/// `;` when any of the first lines has one outside quotes (Bundesbank, Webstat, Excel in
/// continental locales), else a tab when there is one, else `,`.
fn detect_separator(text: &str) -> char {
    let mut semicolons = false;
    let mut tabs = false;
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(HEADER_SEARCH_LINES)
    {
        let mut in_quotes = false;
        for c in line.chars() {
            match c {
                '"' => in_quotes = !in_quotes,
                ';' if !in_quotes => semicolons = true,
                '\t' if !in_quotes => tabs = true,
                _ => {}
            }
        }
    }
    if semicolons {
        ';'
    } else if tabs {
        '\t'
    } else {
        ','
    }
}

fn split_lines(reader: &Reader, text: &str, separator: char) -> Result<Vec<Line>, PublisherError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Classic Mac line ends: a lone CR.
    let normalised;
    let text = if text.contains('\r') && !text.contains('\n') {
        normalised = text.replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let fields = split_fields(raw, separator).map_err(|p| reader.bad(number, "line", p))?;
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        lines.push(Line { number, fields });
    }
    Ok(lines)
}

/// Splits one line; fields may be double-quoted (`"a, b"`, `""` for a quote). Fields are
/// trimmed (and so is a non-breaking space).
fn split_fields(line: &str, separator: char) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
        } else if c == '"' && field.trim().is_empty() {
            field.clear();
            in_quotes = true;
        } else if c == separator {
            fields.push(trim_field(&field));
            field.clear();
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        return Err("a quoted field is not closed: add the missing \"".to_string());
    }
    fields.push(trim_field(&field));
    Ok(fields)
}

fn trim_field(field: &str) -> String {
    field.trim_matches(|c: char| c.is_whitespace()).to_string()
}

/// Lower case without accents and with a plain apostrophe, to compare titles and labels.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ß' => 's',
            '\u{2018}' | '\u{2019}' | '`' | '\u{b4}' => '\'',
            '\u{a0}' => ' ',
            other => other,
        })
        .collect()
}

/// A metadata label without its colon: `Code série :` becomes `code serie`.
fn label(text: &str) -> String {
    fold(text).trim_end_matches([':', ' ']).trim().to_string()
}

// ---------------------------------------------------------------------------------------
// Recognising the format
// ---------------------------------------------------------------------------------------

/// A recognised layout; the number is the index of the header line in the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    EcbPortal(usize),
    EcbSdmx(usize),
    Bundesbank,
    BoeIadb(usize),
    BoeChanges(usize),
    WebstatWide,
    WebstatLong(usize),
}

fn detect_format(lines: &[Line]) -> Option<Format> {
    for (index, line) in lines.iter().enumerate().take(HEADER_SEARCH_LINES) {
        let fields = &line.fields;
        let lower: Vec<String> = fields.iter().map(|f| label(f)).collect();
        let has = |name: &str| lower.iter().any(|f| f == name);
        if index == 0
            && fields.len() >= 2
            && fields[0].is_empty()
            && fields
                .iter()
                .any(|f| f.to_ascii_uppercase().ends_with("_FLAGS") || is_bundesbank_key(f))
        {
            return Some(Format::Bundesbank);
        }
        if lower[0] == "date" && fields.len() >= 2 {
            if fields[1..].iter().any(|f| key_in_parens(f).is_some()) {
                return Some(Format::EcbPortal(index));
            }
            if fields[1..].iter().all(|f| is_boe_code(f)) {
                return Some(Format::BoeIadb(index));
            }
        }
        if has("date changed") {
            return Some(Format::BoeChanges(index));
        }
        if (has("time_period") || has("time_period_start")) && has("obs_value") {
            if has("series_key") || lower.iter().any(|f| f.starts_with("title_")) {
                return Some(Format::WebstatLong(index));
            }
            return Some(Format::EcbSdmx(index));
        }
        if matches!(
            lower[0].as_str(),
            "code serie" | "code de la serie" | "series code" | "series key"
        ) {
            return Some(Format::WebstatWide);
        }
    }
    None
}

/// `BBK01.SU0115`, `BBIN1.M.DE.BBK...`: the Bundesbank's series keys.
fn is_bundesbank_key(field: &str) -> bool {
    let f = field.trim().to_ascii_uppercase();
    f.starts_with("BB") && f.contains('.') && !f.contains(' ')
}

/// A Bank of England Interactive Database series code such as `IUDBEDR`.
fn is_boe_code(field: &str) -> bool {
    field.len() >= 5
        && field
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The series key at the end of an ECB Data Portal column title: `... - Level
/// (FM.B.U2.EUR.4F.KR.MRR_FR.LEV)` gives `FM.B.U2.EUR.4F.KR.MRR_FR.LEV`.
fn key_in_parens(title: &str) -> Option<String> {
    let t = title.trim().strip_suffix(')')?;
    let open = t.rfind('(')?;
    let key = t[open + 1..].trim();
    (key.matches('.').count() >= 2 && !key.contains(char::is_whitespace))
        .then(|| key.to_ascii_uppercase())
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/// A period a value is given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Day(NaiveDate),
    /// The first day of the month.
    Month(NaiveDate),
    Half(HalfYear),
}

impl Period {
    fn half(self) -> HalfYear {
        match self {
            Period::Day(d) | Period::Month(d) => HalfYear::of(d),
            Period::Half(h) => h,
        }
    }
}

/// One value of the series, with the line it is on.
#[derive(Debug, Clone, Copy)]
struct Obs {
    line: usize,
    period: Period,
    rate: Decimal,
}

enum Cell {
    Missing,
    Rate(Decimal),
}

fn parse_period(text: &str) -> Option<Period> {
    let t = text.trim();
    // ISO date, possibly with a time (`2025-06-11T00:00:00`).
    let iso = match t.char_indices().nth(10) {
        Some((i, 'T' | ' ')) => &t[..i],
        _ => t,
    };
    let dash: Vec<&str> = iso.split('-').collect();
    if dash.len() == 3 && dash[0].len() == 4 {
        return ymd(dash[0], dash[1], dash[2]).map(Period::Day);
    }
    if dash.len() == 2 && dash[0].len() == 4 && all_digits(dash[1]) && dash[1].len() <= 2 {
        return ymd(dash[0], dash[1], "1").map(Period::Month);
    }
    for sep in ['/', '.'] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() == 3 && parts[2].len() == 4 {
            return ymd(parts[2], parts[1], parts[0]).map(Period::Day);
        }
    }
    let words: Vec<&str> = t.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    if words.len() == 3 {
        if let Some(month) = month_number(words[1]) {
            let year = match words[2].len() {
                4 => words[2].parse::<i32>().ok()?,
                2 => {
                    let yy = words[2].parse::<i32>().ok()?;
                    if yy >= 70 {
                        1900 + yy
                    } else {
                        2000 + yy
                    }
                }
                _ => return None,
            };
            let day = words[0].parse::<u32>().ok()?;
            return NaiveDate::from_ymd_opt(year, month, day).map(Period::Day);
        }
    }
    parse_half(t).map(Period::Half)
}

/// `2025-S1`, `2025S1`, `2025-H2`, `S1 2025`, `H2-2025`.
fn parse_half(text: &str) -> Option<HalfYear> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    // Byte positions below: a label with other characters is no half-year (found by the
    // rate_file fuzz target: "UNI\u{FFFD}" sliced inside a character panicked).
    if !compact.is_ascii() {
        return None;
    }
    let (year, half) = if compact.len() == 6 && compact.starts_with(['S', 'H']) {
        (&compact[2..], &compact[1..2])
    } else if compact.len() == 6 && compact[4..].starts_with(['S', 'H']) {
        (&compact[..4], &compact[5..])
    } else {
        return None;
    };
    let year: i32 = year.parse().ok()?;
    let month = match half {
        "1" => 1,
        "2" => 7,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, 1).map(HalfYear::of)
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    if !all_digits(year) || !all_digits(month) || !all_digits(day) || month.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = word.to_ascii_lowercase();
    if w.len() < 3 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A date cell that is meant to be a date but is not one: it starts with a digit.
fn looks_like_date(text: &str) -> bool {
    text.trim().starts_with(|c: char| c.is_ascii_digit())
}

/// A rate cell: percent a year, decimal point or comma, optional sign and `%`.
fn parse_cell(text: &str) -> Result<Cell, String> {
    let t = text.trim();
    let missing = [
        "", ".", "..", "-", "\u{2013}", "nan", "n/a", "na", "nd", "#n/a",
    ];
    if missing.contains(&t.to_ascii_lowercase().as_str()) {
        return Ok(Cell::Missing);
    }
    let bad = || format!("the rate \"{t}\" is not a number");
    let body = t.strip_suffix('%').unwrap_or(t).trim_end();
    let (negative, digits) = match body.chars().next() {
        Some('-' | '\u{2212}') => (true, &body[body.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &body[1..]),
        _ => (false, body),
    };
    let separators = digits.chars().filter(|c| matches!(c, '.' | ',')).count();
    let plain = !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        && separators <= 1
        && !digits.starts_with(['.', ','])
        && !digits.ends_with(['.', ',']);
    if !plain {
        return Err(bad());
    }
    let value = Decimal::from_str(&digits.replace(',', ".")).map_err(|_| bad())?;
    let value = if negative { -value } else { value };
    if value.abs() > Decimal::from(PLAUSIBLE_RATE) {
        return Err(format!(
            "the rate \"{t}\" is not a plausible percentage: the file should give 3.50 for 3.5%"
        ));
    }
    Ok(Cell::Rate(value))
}

/// Reads the values of one column: `date_col` holds the period, `value_col` the rate. Lines
/// whose date cell does not start with a digit are metadata or footnotes and are passed over;
/// a date cell that starts with one but is not a date is an error. `missing` counts cells
/// without a value.
fn read_column(
    reader: &Reader,
    lines: &[&Line],
    date_col: usize,
    value_col: usize,
    missing: &mut usize,
) -> Result<Vec<Obs>, PublisherError> {
    let mut obs = Vec::new();
    for line in lines {
        let date_text = line.get(date_col);
        let Some(period) = parse_period(date_text) else {
            if looks_like_date(date_text) {
                return Err(reader.bad(
                    line.number,
                    "date",
                    format!(
                        "the date \"{date_text}\" is not a date Overdue can read (write it as \
                         2025-06-11, 11 Jun 2025, 11/06/2025, 2025-06 or 2025-S1)"
                    ),
                ));
            }
            continue;
        };
        match parse_cell(line.get(value_col)).map_err(|p| reader.bad(line.number, "rate", p))? {
            Cell::Missing => *missing += 1,
            Cell::Rate(rate) => obs.push(Obs {
                line: line.number,
                period,
                rate,
            }),
        }
    }
    Ok(obs)
}

/// `1 line`, `3 lines`.
fn count_lines(n: usize) -> String {
    if n == 1 {
        "1 line".to_string()
    } else {
        format!("{n} lines")
    }
}

fn note_missing(reader: &mut Reader, missing: usize, what: &str) {
    if missing > 0 {
        reader.skipped.push(format!(
            "{} of the {what} had no value (an empty cell, \".\" or \"-\") and {} left out",
            count_lines(missing),
            if missing == 1 { "was" } else { "were" }
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Turning values into rows
// ---------------------------------------------------------------------------------------

/// How far a series of dated values vouches for its newest rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    /// A value for every (business) day: the newest row runs to the last value.
    Daily,
    /// Only the days the rate changed: the newest rate needs a checked date.
    Changes,
    /// Not known from the file's metadata: daily when a value repeats the one before it.
    FromData,
}

/// Rows from change to change (ECB, Bank of England), in the shape of the shipped table.
fn change_rows(
    reader: &mut Reader,
    series: RateSeries,
    source: &str,
    mut obs: Vec<Obs>,
    coverage: Coverage,
) -> Result<Vec<RateRow>, PublisherError> {
    let mut days: Vec<(NaiveDate, Decimal, usize)> = Vec::with_capacity(obs.len());
    obs.sort_by_key(|o| (period_start(o.period), o.line));
    for o in &obs {
        let Period::Day(day) = o.period else {
            return Err(reader.bad(
                o.line,
                "date",
                format!(
                    "the {} needs the day each rate took effect, but this line gives a {}: \
                     download the daily values or the dates of change",
                    series.label(),
                    match o.period {
                        Period::Month(_) => "month",
                        _ => "half-year",
                    }
                ),
            ));
        };
        if let Some(&(previous_day, previous_rate, previous_line)) = days.last() {
            if previous_day == day {
                if previous_rate != o.rate {
                    return Err(reader.bad(
                        o.line.max(previous_line),
                        "rate",
                        format!(
                            "the rate on {day} is {} on line {} and {} on line {}: a day can \
                             have only one rate",
                            previous_rate, previous_line, o.rate, o.line
                        ),
                    ));
                }
                continue;
            }
        }
        days.push((day, o.rate, o.line));
    }
    let Some(&(last_day, _, _)) = days.last() else {
        return Err(reader.unusable(format!("the file has no values of the {}", series.label())));
    };
    let daily = match coverage {
        Coverage::Daily => true,
        Coverage::Changes => false,
        Coverage::FromData => days.windows(2).any(|w| w[0].1 == w[1].1),
    };
    // The days each rate took effect.
    let mut changes: Vec<(NaiveDate, Decimal)> = Vec::new();
    for &(day, rate, _) in &days {
        if changes.last().map(|&(_, r)| r) != Some(rate) {
            changes.push((day, rate));
        }
    }
    let newest_end = if daily {
        Some(reader.checked_to.map_or(last_day, |c| c.max(last_day)))
    } else {
        match (reader.checked_to, changes.last()) {
            (Some(checked), Some(&(start, _))) if checked >= start => Some(checked),
            (Some(checked), Some(&(start, rate))) => {
                reader.skipped.push(format!(
                    "the change of the {} to {rate}% on {start} is after {checked}, the day \
                     the file was checked, so no row was made for it",
                    series.label()
                ));
                None
            }
            (None, Some(&(start, rate))) => {
                reader.skipped.push(format!(
                    "the file lists only the days the {} changed, so it does not show until \
                     when the {rate}% from {start} was in force: no row was made for it; \
                     import the file again with the day you downloaded it to add it",
                    series.label()
                ));
                None
            }
            (_, None) => None,
        }
    };
    let mut rows = Vec::with_capacity(changes.len());
    for (i, &(start, rate)) in changes.iter().enumerate() {
        let (valid_to, source) = match changes.get(i + 1) {
            Some(&(next, _)) => (day_before(reader, next)?, source.to_string()),
            None => match newest_end {
                Some(end) => (
                    end,
                    match reader.checked_to {
                        Some(checked) if end == checked => {
                            format!("{source}, checked to {checked}")
                        }
                        _ => source.to_string(),
                    },
                ),
                None => break,
            },
        };
        rows.push(RateRow {
            series,
            valid_from: start,
            valid_to,
            rate,
            source,
        });
    }
    Ok(rows)
}

fn period_start(period: Period) -> NaiveDate {
    match period {
        Period::Day(d) | Period::Month(d) => d,
        Period::Half(h) => h.first_day(),
    }
}

fn day_before(reader: &Reader, day: NaiveDate) -> Result<NaiveDate, PublisherError> {
    day.pred_opt()
        .ok_or_else(|| reader.unusable(format!("the date {day} is out of range")))
}

/// One value per half-year (Basiszinssatz, intérêt légal): values of any frequency within a
/// half-year must agree. Half-years without a value between the first and the last are noted.
fn half_year_values(
    reader: &mut Reader,
    obs: &[Obs],
    what: &str,
) -> Result<Vec<(HalfYear, Decimal)>, PublisherError> {
    let mut halves: BTreeMap<HalfYear, (Decimal, usize)> = BTreeMap::new();
    let mut sorted = obs.to_vec();
    sorted.sort_by_key(|o| (period_start(o.period), o.line));
    for o in &sorted {
        let half = o.period.half();
        match halves.get(&half) {
            Some(&(rate, line)) if rate != o.rate => {
                return Err(reader.bad(
                    o.line,
                    "rate",
                    format!(
                        "the {what} for {half} is {} here but {rate} on line {line}: it is \
                         fixed for the whole half-year, so the file contradicts itself",
                        o.rate
                    ),
                ));
            }
            Some(_) => {}
            None => {
                halves.insert(half, (o.rate, o.line));
            }
        }
    }
    if let (Some(first), Some(last)) = (halves.keys().next(), halves.keys().next_back()) {
        let (mut half, last) = (*first, *last);
        while half < last {
            if !halves.contains_key(&half) {
                reader.skipped.push(format!(
                    "the file has no value of the {what} for {half}, so no row was made for it"
                ));
            }
            match half.last_day().succ_opt() {
                Some(next) => half = HalfYear::of(next),
                None => break,
            }
        }
    }
    Ok(halves
        .into_iter()
        .map(|(half, (rate, _))| (half, rate))
        .collect())
}

fn half_year_rows(
    series: RateSeries,
    source: &str,
    values: &[(HalfYear, Decimal)],
) -> Vec<RateRow> {
    values
        .iter()
        .map(|&(half, rate)| RateRow {
            series,
            valid_from: half.first_day(),
            valid_to: half.last_day(),
            rate,
            source: source.to_string(),
        })
        .collect()
}

fn rates_file(
    reader: &mut Reader,
    publisher: Publisher,
    format: String,
    rows: Vec<RateRow>,
) -> PublisherFile {
    PublisherFile {
        publisher,
        format,
        rows,
        fr_legal_rates: Vec::new(),
        skipped: std::mem::take(&mut reader.skipped),
    }
}

// ---------------------------------------------------------------------------------------
// ECB
// ---------------------------------------------------------------------------------------

const ECB_MRO_KEYS: &str = "FM.B.U2.EUR.4F.KR.MRR_FR.LEV (dates of change) or \
                            FM.D.U2.EUR.4F.KR.MRR_FR.LEV (daily)";

/// The main refinancing operations fixed rate, as a level (not the change, `.CHG`).
fn is_mro_key(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    k.split('.').any(|part| part == "MRR_FR") && k.ends_with(".LEV")
}

/// How far an ECB series vouches for its newest value, from its frequency code.
fn ecb_coverage(reader: &Reader, key: &str, frequency: &str) -> Result<Coverage, PublisherError> {
    match frequency.trim().to_ascii_uppercase().as_str() {
        "D" => Ok(Coverage::Daily),
        "B" | "" => Ok(Coverage::FromData),
        other => Err(reader.unusable(format!(
            "the file holds {} values of the main refinancing rate ({key}): they cannot show \
             the day the rate changed; download {ECB_MRO_KEYS} from the ECB Data Portal",
            match other {
                "M" => "monthly",
                "Q" => "quarterly",
                "A" => "annual",
                "H" | "S" => "half-yearly",
                _ => "periodic",
            }
        ))),
    }
}

fn no_ecb_mro(reader: &Reader, found: &[String]) -> PublisherError {
    reader.unusable(format!(
        "the file holds the ECB series {} but not the main refinancing rate: download \
         {ECB_MRO_KEYS} from the ECB Data Portal",
        if found.is_empty() {
            "(none named)".to_string()
        } else {
            found.join(", ")
        }
    ))
}

/// The Data Portal's download: `"DATE","TIME PERIOD","<title> (<key>)"`, one column per series.
fn read_ecb_portal(
    reader: &mut Reader,
    lines: &[Line],
    header: usize,
) -> Result<PublisherFile, PublisherError> {
    let head = &lines[header];
    let keys: Vec<(usize, String)> = head
        .fields
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, f)| key_in_parens(f).map(|k| (i, k)))
        .collect();
    let mut mro = keys.iter().filter(|(_, k)| is_mro_key(k));
    let Some((column, key)) = mro.next() else {
        let found: Vec<String> = keys.iter().map(|(_, k)| k.clone()).collect();
        return Err(no_ecb_mro(reader, &found));
    };
    let others: Vec<String> = keys
        .iter()
        .filter(|(_, k)| k != key)
        .map(|(_, k)| k.clone())
        .collect();
    if !others.is_empty() {
        reader.skipped.push(format!(
            "the columns of the other series ({}) were left out",
            others.join(", ")
        ));
    }
    let coverage = ecb_coverage(reader, key, key.split('.').nth(1).unwrap_or(""))?;
    let data: Vec<&Line> = lines[header + 1..].iter().collect();
    let mut missing = 0;
    let obs = read_column(reader, &data, 0, *column, &mut missing)?;
    note_missing(reader, missing, "main refinancing rate");
    let source = reader.source(&format!("ECB Data Portal {key}"));
    let rows = change_rows(reader, RateSeries::EcbMro, &source, obs, coverage)?;
    let format = format!("ECB Data Portal CSV, {key}");
    Ok(rates_file(reader, Publisher::Ecb, format, rows))
}

/// The Data Portal API's SDMX-CSV (`format=csvdata`): one observation per line, several
/// series possible (`KEY,FREQ,...,TIME_PERIOD,OBS_VALUE,...`).
fn read_ecb_sdmx(
    reader: &mut Reader,
    lines: &[Line],
    header: usize,
) -> Result<PublisherFile, PublisherError> {
    let head: Vec<String> = lines[header].fields.iter().map(|f| label(f)).collect();
    let col = |name: &str| head.iter().position(|f| f == name);
    let period_col = col("time_period")
        .or_else(|| col("time_period_start"))
        .unwrap_or(0);
    let value_col = col("obs_value").unwrap_or(0);
    let key_col = col("key");
    let freq_col = col("freq");
    let dims: Vec<Option<usize>> = [
        "ref_area",
        "currency",
        "provider_fm",
        "instrument_fm",
        "provider_fm_id",
        "data_type_fm",
    ]
    .iter()
    .map(|name| col(name))
    .collect();
    let key_of = |line: &Line| -> String {
        match key_col {
            Some(k) if !line.get(k).is_empty() => line.get(k).to_ascii_uppercase(),
            _ => {
                let mut parts = vec![
                    "FM".to_string(),
                    freq_col.map_or("", |c| line.get(c)).to_string(),
                ];
                parts.extend(
                    dims.iter()
                        .map(|d| d.map_or("", |c| line.get(c)).to_string()),
                );
                parts.join(".").to_ascii_uppercase()
            }
        }
    };
    let mut chosen: Option<(String, String)> = None;
    let mut other_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut data: Vec<&Line> = Vec::new();
    for line in &lines[header + 1..] {
        let key = key_of(line);
        if !is_mro_key(&key) {
            *other_counts.entry(key).or_default() += 1;
            continue;
        }
        match &chosen {
            None => {
                let freq = freq_col
                    .map(|c| line.get(c).to_string())
                    .unwrap_or_else(|| key.split('.').nth(1).unwrap_or("").to_string());
                chosen = Some((key, freq));
                data.push(line);
            }
            Some((k, _)) if *k == key => data.push(line),
            Some(_) => *other_counts.entry(key).or_default() += 1,
        }
    }
    let Some((key, freq)) = chosen else {
        let found: Vec<String> = other_counts.into_keys().collect();
        return Err(no_ecb_mro(reader, &found));
    };
    if !other_counts.is_empty() {
        let total: usize = other_counts.values().sum();
        let names: Vec<String> = other_counts.into_keys().collect();
        reader.skipped.push(format!(
            "{} of other series ({}) left out",
            count_lines(total),
            names.join(", ")
        ));
    }
    let coverage = ecb_coverage(reader, &key, &freq)?;
    let mut missing = 0;
    let obs = read_column(reader, &data, period_col, value_col, &mut missing)?;
    note_missing(reader, missing, "main refinancing rate");
    let source = reader.source(&format!("ECB Data Portal API {key}"));
    let rows = change_rows(reader, RateSeries::EcbMro, &source, obs, coverage)?;
    let format = format!("ECB SDMX-CSV, {key}");
    Ok(rates_file(reader, Publisher::Ecb, format, rows))
}

// ---------------------------------------------------------------------------------------
// Bundesbank
// ---------------------------------------------------------------------------------------

/// The time-series database CSV: `"";KEY;KEY_FLAGS`, then `"";<title>;`, metadata lines
/// (`Einheit;% p.a.;`, `Stand vom;...`), then `2025-07;1,27;` (`.` for no value).
fn read_bundesbank(reader: &mut Reader, lines: &[Line]) -> Result<PublisherFile, PublisherError> {
    let head = &lines[0];
    let columns: Vec<usize> = head
        .fields
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, f)| !f.is_empty() && !f.to_ascii_uppercase().ends_with("_FLAGS"))
        .map(|(i, _)| i)
        .collect();
    // Title lines: below the keys, with an empty first cell, before the data.
    let titles: Vec<&Line> = lines[1..]
        .iter()
        .take_while(|l| parse_period(l.first()).is_none())
        .filter(|l| l.first().is_empty())
        .collect();
    let title_of = |col: usize| -> String {
        titles
            .iter()
            .map(|l| l.get(col))
            .find(|t| !t.is_empty())
            .unwrap_or("")
            .to_string()
    };
    let is_247 = |key: &str, title: &str| {
        let t = fold(title);
        key.to_ascii_uppercase().contains("SU0115")
            || t.contains("su0115")
            || (t.contains("247") && (t.contains("bgb") || t.contains("civil code")))
    };
    let is_dug = |key: &str, title: &str| {
        let t = fold(title);
        key.to_ascii_uppercase().contains("SU0114")
            || t.contains("su0114")
            || t.contains("dug")
            || t.contains("diskontsatz-uberleitung")
            || t.contains("discount rate transition")
    };
    let Some(&column) = columns.iter().find(|&&c| is_247(head.get(c), &title_of(c))) else {
        if columns.iter().any(|&c| is_dug(head.get(c), &title_of(c))) {
            return Err(reader.unusable(
                "the file holds the base rate under the Discount Rate Transition Act (DÜG, \
                 SU0114), not the Basiszinssatz of section 247 BGB: download the series \
                 BBK01.SU0115 from the Bundesbank's time-series database"
                    .to_string(),
            ));
        }
        let found: Vec<String> = columns
            .iter()
            .map(|&c| {
                let title = title_of(c);
                if title.is_empty() {
                    head.get(c).to_string()
                } else {
                    format!("{} ({})", head.get(c), title)
                }
            })
            .collect();
        return Err(reader.unusable(format!(
            "the file holds the Bundesbank series {} but not the Basiszinssatz of section 247 \
             BGB: download the series BBK01.SU0115 from the Bundesbank's time-series database",
            found.join(", ")
        )));
    };
    let key = head.get(column).to_string();
    if columns.len() > 1 {
        reader
            .skipped
            .push("the columns of the other series in the file were left out".to_string());
    }
    let data: Vec<&Line> = lines[1..].iter().collect();
    let mut missing = 0;
    let obs = read_column(reader, &data, 0, column, &mut missing)?;
    note_missing(reader, missing, "Basiszinssatz");
    if obs.is_empty() {
        return Err(reader.unusable(format!("the file has no values of the series {key}")));
    }
    let values = half_year_values(reader, &obs, "Basiszinssatz")?;
    let source = reader.source(&format!("Deutsche Bundesbank {key} (section 247 BGB)"));
    let rows = half_year_rows(RateSeries::DeBasiszins, &source, &values);
    let format = format!("Bundesbank time-series CSV, {key}");
    Ok(rates_file(reader, Publisher::Bundesbank, format, rows))
}

// ---------------------------------------------------------------------------------------
// Bank of England
// ---------------------------------------------------------------------------------------

/// The Interactive Database CSV: `DATE,IUDBEDR` then `02 Jan 2025,4.75` for each business day.
fn read_boe_iadb(
    reader: &mut Reader,
    lines: &[Line],
    header: usize,
) -> Result<PublisherFile, PublisherError> {
    let head = &lines[header];
    let Some(column) = head
        .fields
        .iter()
        .position(|f| f.eq_ignore_ascii_case("IUDBEDR"))
    else {
        return Err(reader.unusable(format!(
            "the file holds the Bank of England series {} but not Bank Rate as a daily series \
             (IUDBEDR): download IUDBEDR from the Bank of England's Interactive Database, or \
             the Bank Rate history table",
            head.fields[1..].join(", ")
        )));
    };
    if head.fields.len() > 2 {
        reader.skipped.push(format!(
            "the columns of the other series ({}) were left out",
            head.fields[1..]
                .iter()
                .filter(|f| !f.eq_ignore_ascii_case("IUDBEDR"))
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let data: Vec<&Line> = lines[header + 1..].iter().collect();
    let mut missing = 0;
    let obs = read_column(reader, &data, 0, column, &mut missing)?;
    note_missing(reader, missing, "Bank Rate");
    let source = reader.source("Bank of England Interactive Database IUDBEDR");
    let rows = change_rows(reader, RateSeries::BoeBase, &source, obs, Coverage::Daily)?;
    Ok(rates_file(
        reader,
        Publisher::BankOfEngland,
        "Bank of England Interactive Database CSV, IUDBEDR (daily)".to_string(),
        rows,
    ))
}

/// The Bank Rate history table: `Date Changed,Rate` then `18 Dec 25,3.75`, newest first.
fn read_boe_changes(
    reader: &mut Reader,
    lines: &[Line],
    header: usize,
) -> Result<PublisherFile, PublisherError> {
    let head: Vec<String> = lines[header].fields.iter().map(|f| label(f)).collect();
    let date_col = head.iter().position(|f| f == "date changed").unwrap_or(0);
    let Some(rate_col) = head
        .iter()
        .position(|f| f == "rate" || f == "bank rate" || f.starts_with("rate "))
    else {
        return Err(reader.bad(
            lines[header].number,
            "line",
            "the table has a \"Date Changed\" column but no \"Rate\" column".to_string(),
        ));
    };
    let data: Vec<&Line> = lines[header + 1..].iter().collect();
    let mut missing = 0;
    let obs = read_column(reader, &data, date_col, rate_col, &mut missing)?;
    note_missing(reader, missing, "Bank Rate");
    let source = reader.source("Bank of England Bank Rate history");
    let rows = change_rows(reader, RateSeries::BoeBase, &source, obs, Coverage::Changes)?;
    Ok(rates_file(
        reader,
        Publisher::BankOfEngland,
        "Bank of England Bank Rate history (dates of change)".to_string(),
        rows,
    ))
}

// ---------------------------------------------------------------------------------------
// Banque de France
// ---------------------------------------------------------------------------------------

/// Which legal rate a Webstat title names; `None` when it is not the legal interest rate.
fn legal_category(title: &str) -> Option<Option<FrLegalCategory>> {
    let t = fold(title);
    if !(t.contains("interet legal") || t.contains("legal interest")) {
        return None;
    }
    let private = [
        "personnes physiques",
        "particulier",
        "natural person",
        "private person",
    ]
    .iter()
    .any(|w| t.contains(w))
        || t.contains("n'agissant pas")
        || t.contains("not acting for professional");
    if private {
        return Some(Some(FrLegalCategory::PrivateCreditor));
    }
    let other = ["autres cas", "other cases", "professionnel", "professional"]
        .iter()
        .any(|w| t.contains(w));
    Some(other.then_some(FrLegalCategory::OtherCases))
}

/// Sorts the values of the legal-rate columns into the two categories.
fn legal_rates(
    reader: &mut Reader,
    series: Vec<(FrLegalCategory, String, Vec<Obs>)>,
) -> Result<PublisherFile, PublisherError> {
    let mut out: Vec<FrLegalRate> = Vec::new();
    let mut seen: Vec<FrLegalCategory> = Vec::new();
    for (category, name, obs) in series {
        if seen.contains(&category) {
            return Err(reader.unusable(format!(
                "the file holds the {} twice: keep one column",
                category.label()
            )));
        }
        seen.push(category);
        if obs.is_empty() {
            reader.skipped.push(format!(
                "the file has no values of the {}",
                category.label()
            ));
            continue;
        }
        let values = half_year_values(reader, &obs, category.label())?;
        let source = reader.source(&format!("Banque de France Webstat {name}"));
        out.extend(values.into_iter().map(|(half, rate)| FrLegalRate {
            category,
            half,
            rate,
            source: source.clone(),
        }));
    }
    if out.is_empty() {
        return Err(
            reader.unusable("the file has no values of the taux de l'intérêt légal".to_string())
        );
    }
    out.sort_by_key(|r| (r.category, r.half));
    Ok(PublisherFile {
        publisher: Publisher::BanqueDeFrance,
        format: "Banque de France Webstat CSV, taux de l'intérêt légal".to_string(),
        rows: Vec::new(),
        fr_legal_rates: out,
        skipped: std::mem::take(&mut reader.skipped),
    })
}

fn no_legal_rate(reader: &Reader, titles: &[String]) -> PublisherError {
    reader.unusable(format!(
        "the file holds the Webstat series {} but not the taux de l'intérêt légal: export the \
         two series of the legal interest rate from Webstat",
        if titles.is_empty() {
            "(none named)".to_string()
        } else {
            titles.join(", ")
        }
    ))
}

fn unclear_category(reader: &Reader, title: &str) -> PublisherError {
    reader.unusable(format!(
        "the series \"{title}\" is a legal interest rate but its title does not say whether it \
         is the rate for private persons not acting for professional needs or for all other \
         cases"
    ))
}

/// The Webstat export: `Titre :;<title>;...`, `Code série :;<key>;...`, more metadata, then
/// one line per period (`31/12/2025;6,65;2,76`).
fn read_webstat_wide(reader: &mut Reader, lines: &[Line]) -> Result<PublisherFile, PublisherError> {
    let find = |names: &[&str]| {
        lines
            .iter()
            .take(HEADER_SEARCH_LINES)
            .find(|l| names.contains(&label(l.first()).as_str()))
    };
    let titles = find(&["titre", "title", "libelle"]);
    let keys = find(&[
        "code serie",
        "code de la serie",
        "series code",
        "series key",
    ]);
    let width = lines.iter().map(|l| l.fields.len()).max().unwrap_or(0);
    let mut series = Vec::new();
    let mut others = Vec::new();
    for col in 1..width {
        let title = titles.map_or("", |l| l.get(col)).to_string();
        let key = keys.map_or("", |l| l.get(col)).to_string();
        if title.is_empty() && key.is_empty() {
            continue;
        }
        match legal_category(&title) {
            None => others.push(if title.is_empty() { key } else { title }),
            Some(None) => return Err(unclear_category(reader, &title)),
            Some(Some(category)) => {
                let data: Vec<&Line> = lines.iter().collect();
                let mut missing = 0;
                let obs = read_column(reader, &data, 0, col, &mut missing)?;
                note_missing(reader, missing, category.label());
                let name = if key.is_empty() { title } else { key };
                series.push((category, name, obs));
            }
        }
    }
    if series.is_empty() {
        return Err(no_legal_rate(reader, &others));
    }
    if !others.is_empty() {
        reader.skipped.push(format!(
            "the columns of the other series ({}) were left out",
            others.join(", ")
        ));
    }
    legal_rates(reader, series)
}

/// Webstat's observations export: `series_key;title_fr;time_period;...;obs_value`, one
/// observation per line.
fn read_webstat_long(
    reader: &mut Reader,
    lines: &[Line],
    header: usize,
) -> Result<PublisherFile, PublisherError> {
    let head: Vec<String> = lines[header].fields.iter().map(|f| label(f)).collect();
    let col = |names: &[&str]| names.iter().find_map(|n| head.iter().position(|f| f == n));
    let key_col = col(&["series_key"]);
    let Some(title_col) = col(&["title_fr", "title_en", "title"]) else {
        return Err(reader.bad(
            lines[header].number,
            "line",
            "the export has no title_fr column: Overdue tells the two legal interest rates \
             apart by their titles, so export the observations with their titles"
                .to_string(),
        ));
    };
    let period_col = col(&["time_period_start", "time_period"]).unwrap_or(0);
    let value_col = col(&["obs_value"]).unwrap_or(0);
    let mut by_category: BTreeMap<FrLegalCategory, (String, Vec<&Line>)> = BTreeMap::new();
    let mut others: BTreeMap<String, usize> = BTreeMap::new();
    for line in &lines[header + 1..] {
        let title = line.get(title_col);
        match legal_category(title) {
            None => *others.entry(title.to_string()).or_default() += 1,
            Some(None) => return Err(unclear_category(reader, title)),
            Some(Some(category)) => {
                let name = key_col
                    .map(|c| line.get(c))
                    .filter(|k| !k.is_empty())
                    .unwrap_or(title)
                    .to_string();
                by_category
                    .entry(category)
                    .or_insert_with(|| (name, Vec::new()))
                    .1
                    .push(line);
            }
        }
    }
    if by_category.is_empty() {
        let titles: Vec<String> = others.into_keys().collect();
        return Err(no_legal_rate(reader, &titles));
    }
    if !others.is_empty() {
        let total: usize = others.values().sum();
        reader.skipped.push(format!(
            "{} of other series ({}) left out",
            count_lines(total),
            others.into_keys().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut series = Vec::new();
    for (category, (name, data)) in by_category {
        let mut missing = 0;
        let obs = read_column(reader, &data, period_col, value_col, &mut missing)?;
        note_missing(reader, missing, category.label());
        series.push((category, name, obs));
    }
    legal_rates(reader, series)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixture files, written for these tests in the publishers' formats (see the README next
    /// to them).
    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/rates/", $name)).as_slice()
        };
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn half(text: &str) -> HalfYear {
        HalfYear::of(d(text))
    }

    /// (series, from, to, rate): a row without its source text, which names the file.
    type Key = (RateSeries, NaiveDate, NaiveDate, Decimal);

    fn keys<'a>(rows: impl IntoIterator<Item = &'a RateRow>) -> Vec<Key> {
        rows.into_iter()
            .map(|r| (r.series, r.valid_from, r.valid_to, r.rate))
            .collect()
    }

    fn builtin(series: RateSeries) -> Vec<Key> {
        keys(RateTable::builtin().series_rows(series))
    }

    /// The shipped rows of `series` that lie wholly within `from..=to`.
    fn builtin_within(series: RateSeries, from: NaiveDate, to: NaiveDate) -> Vec<Key> {
        builtin(series)
            .into_iter()
            .filter(|&(_, f, t, _)| from <= f && t <= to)
            .collect()
    }

    /// Every parsed row agrees with the shipped table: rows strictly inside the file's span
    /// are identical, the first and the last lie within a shipped row of the same rate.
    fn assert_agrees_with_builtin(rows: &[RateRow]) {
        let shipped = builtin(rows[0].series);
        for (i, row) in rows.iter().enumerate() {
            let key = (row.series, row.valid_from, row.valid_to, row.rate);
            if i == 0 || i == rows.len() - 1 {
                assert!(
                    shipped.iter().any(|&(_, f, t, r)| r == row.rate
                        && f <= row.valid_from
                        && row.valid_to <= t),
                    "{key:?} is not within a shipped row of the same rate"
                );
            } else {
                assert!(shipped.contains(&key), "{key:?} is not a shipped row");
            }
        }
    }

    fn table(file: &PublisherFile) -> RateTable {
        file.to_table().expect("the rows form a valid table")
    }

    // --- ECB ---------------------------------------------------------------------------

    #[test]
    fn ecb_data_portal_change_list_gives_exactly_the_shipped_rows_when_checked() {
        let file = parse_rate_file_checked_to(
            "ecb_mro_data_portal.csv",
            fixture!("ecb_mro_data_portal.csv"),
            d("2026-01-31"),
        )
        .unwrap();
        assert_eq!(file.publisher, Publisher::Ecb);
        assert_eq!(
            file.format,
            "ECB Data Portal CSV, FM.B.U2.EUR.4F.KR.MRR_FR.LEV"
        );
        assert_eq!(keys(&file.rows), builtin(RateSeries::EcbMro));
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        let newest = file.rows.last().unwrap();
        assert_eq!(
            newest.source,
            "ECB Data Portal FM.B.U2.EUR.4F.KR.MRR_FR.LEV (file ecb_mro_data_portal.csv), \
             checked to 2026-01-31"
        );
    }

    #[test]
    fn ecb_half_year_rates_match_the_domain_vectors() {
        let file = parse_rate_file_checked_to(
            "ecb.csv",
            fixture!("ecb_mro_data_portal.csv"),
            d("2026-01-31"),
        )
        .unwrap();
        let t = table(&file);
        for (first, rate) in [
            ("2023-01-01", "2.50"),
            ("2023-07-01", "4.00"),
            ("2024-01-01", "4.50"),
            ("2024-07-01", "4.25"),
            ("2025-01-01", "3.15"),
            ("2025-07-01", "2.15"),
            ("2026-01-01", "2.15"),
        ] {
            let h = half(first);
            assert_eq!(
                t.half_year_rate(RateSeries::EcbMro, h).unwrap().rate,
                dec(rate),
                "ECB MRO {h}"
            );
        }
        assert!(
            t.half_year_rate(RateSeries::EcbMro, half("2026-07-01"))
                .is_err(),
            "2026-H2 is not in the file and must not be guessed"
        );
    }

    #[test]
    fn ecb_change_list_without_a_checked_date_leaves_the_newest_rate_out_and_says_why() {
        let file = parse_rate_file("ecb.csv", fixture!("ecb_mro_data_portal.csv")).unwrap();
        let mut expected = builtin(RateSeries::EcbMro);
        expected.pop();
        assert_eq!(
            keys(&file.rows),
            expected,
            "every change closed by the next one"
        );
        assert_eq!(file.rows.last().unwrap().valid_to, d("2025-06-10"));
        assert_eq!(file.skipped.len(), 1, "{:?}", file.skipped);
        assert!(
            file.skipped[0].contains("2.15% from 2025-06-11")
                && file.skipped[0].contains("the day you downloaded it"),
            "{}",
            file.skipped[0]
        );
    }

    #[test]
    fn ecb_change_list_checked_before_its_newest_change_keeps_that_change_out() {
        let file = parse_rate_file_checked_to(
            "ecb.csv",
            fixture!("ecb_mro_data_portal.csv"),
            d("2025-06-01"),
        )
        .unwrap();
        assert_eq!(file.rows.last().unwrap().valid_to, d("2025-06-10"));
        assert!(
            file.skipped[0].contains("after 2025-06-01"),
            "{:?}",
            file.skipped
        );
    }

    #[test]
    fn ecb_sdmx_csv_keeps_only_the_main_refinancing_rate() {
        let file = parse_rate_file_checked_to(
            "data.csv",
            fixture!("ecb_mro_sdmx_csvdata.csv"),
            d("2026-01-31"),
        )
        .unwrap();
        assert_eq!(file.publisher, Publisher::Ecb);
        assert_eq!(
            keys(&file.rows),
            builtin_within(RateSeries::EcbMro, d("2022-07-27"), d("2026-01-31"))
        );
        assert_eq!(file.skipped.len(), 1, "{:?}", file.skipped);
        assert!(
            file.skipped[0].starts_with("25 lines of other series (FM.B.U2.EUR.4F.KR.DFR.LEV")
                && file.skipped[0].ends_with("MLFR.LEV) left out"),
            "{}",
            file.skipped[0]
        );
    }

    #[test]
    fn ecb_daily_series_vouches_for_every_day_to_its_last_value() {
        let mut csv = String::from(
            "\"DATE\",\"TIME PERIOD\",\"Main refinancing operations - fixed rate tenders \
             (fixed rate) (date of changes) - Level (FM.D.U2.EUR.4F.KR.MRR_FR.LEV)\"\r\n",
        );
        let mut day = d("2025-06-01");
        while day <= d("2025-07-03") {
            let rate = if day < d("2025-06-11") {
                "2.40"
            } else {
                "2.15"
            };
            csv.push_str(&format!(
                "\"{day}\",\"{}\",\"{rate}\"\r\n",
                day.format("%d %b %Y")
            ));
            day = day.succ_opt().unwrap();
        }
        let file = parse_rate_file("daily.csv", csv.as_bytes()).unwrap();
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        let e = RateSeries::EcbMro;
        assert_eq!(
            keys(&file.rows),
            vec![
                (e, d("2025-06-01"), d("2025-06-10"), dec("2.40")),
                (e, d("2025-06-11"), d("2025-07-03"), dec("2.15")),
            ]
        );
        assert_agrees_with_builtin(&file.rows);
        assert_eq!(
            table(&file)
                .half_year_rate(e, half("2025-07-01"))
                .unwrap()
                .rate,
            dec("2.15"),
            "the change of 11 June gives 2025-H2 the rate in force on 1 July"
        );
    }

    #[test]
    fn ecb_file_with_a_later_half_year_yields_the_extra_row() {
        // HYPOTHETICAL fixture: 1.11 from 2026-06-10 is made up, not an ECB decision.
        let file = parse_rate_file_checked_to(
            "ecb_mro_data_portal_hypothetical_2026h2.csv",
            fixture!("ecb_mro_data_portal_hypothetical_2026h2.csv"),
            d("2026-07-02"),
        )
        .unwrap();
        let e = RateSeries::EcbMro;
        let rows = keys(&file.rows);
        assert_eq!(
            rows[rows.len() - 2..],
            [
                (e, d("2025-06-11"), d("2026-06-09"), dec("2.15")),
                (e, d("2026-06-10"), d("2026-07-02"), dec("1.11")),
            ]
        );
        assert_eq!(
            table(&file)
                .half_year_rate(e, half("2026-07-01"))
                .unwrap()
                .rate,
            dec("1.11")
        );
        assert!(RateTable::builtin()
            .half_year_rate(e, half("2026-07-01"))
            .is_err());
    }

    #[test]
    fn ecb_monthly_or_other_series_are_refused_with_what_to_download() {
        let monthly = "\"DATE\",\"TIME PERIOD\",\"Main refinancing operations - Level \
                       (FM.M.U2.EUR.4F.KR.MRR_FR.LEV)\"\n\"2025-06\",\"Jun 2025\",\"2.15\"\n";
        let err = parse_rate_file("m.csv", monthly.as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("m.csv: the file holds monthly values"),
            "{err}"
        );
        let deposit = "KEY,FREQ,TIME_PERIOD,OBS_VALUE\n\
                       FM.B.U2.EUR.4F.KR.DFR.LEV,B,2025-06-11,2\n";
        let err = parse_rate_file("dfr.csv", deposit.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dfr.csv: the file holds the ECB series FM.B.U2.EUR.4F.KR.DFR.LEV but not the main \
             refinancing rate: download FM.B.U2.EUR.4F.KR.MRR_FR.LEV (dates of change) or \
             FM.D.U2.EUR.4F.KR.MRR_FR.LEV (daily) from the ECB Data Portal"
        );
    }

    // --- Bundesbank --------------------------------------------------------------------

    #[test]
    fn bundesbank_monthly_windows_1252_file_gives_exactly_the_shipped_half_years() {
        let file = parse_rate_file(
            "BBK01.SU0115.csv",
            fixture!("bundesbank_su0115_de_cp1252.csv"),
        )
        .unwrap();
        assert_eq!(file.publisher, Publisher::Bundesbank);
        assert_eq!(file.format, "Bundesbank time-series CSV, BBK01.SU0115");
        assert_eq!(
            keys(&file.rows),
            builtin_within(RateSeries::DeBasiszins, d("2022-07-01"), d("2026-06-30"))
        );
        assert_eq!(file.rows.len(), 8, "2022-H2 to 2026-H1");
        assert_eq!(
            file.skipped,
            vec![
                "1 line of the Basiszinssatz had no value (an empty cell, \".\" or \"-\") and \
                 was left out"
                    .to_string()
            ]
        );
        let t = table(&file);
        for (first, rate) in [
            ("2023-01-01", "1.62"),
            ("2023-07-01", "3.12"),
            ("2024-01-01", "3.62"),
            ("2024-07-01", "3.37"),
            ("2025-01-01", "2.27"),
            ("2025-07-01", "1.27"),
            ("2026-01-01", "1.27"),
        ] {
            assert_eq!(
                t.half_year_rate(RateSeries::DeBasiszins, half(first))
                    .unwrap()
                    .rate,
                dec(rate),
                "Basiszinssatz {first}"
            );
        }
    }

    #[test]
    fn bundesbank_file_with_a_later_half_year_yields_the_extra_row() {
        // HYPOTHETICAL fixture: 9.99 for 2026-H2 is made up.
        let file = parse_rate_file(
            "su0115_en.csv",
            fixture!("bundesbank_su0115_en_hypothetical_2026h2.csv"),
        )
        .unwrap();
        let b = RateSeries::DeBasiszins;
        let rows = keys(&file.rows);
        assert_eq!(
            rows[..rows.len() - 1],
            builtin_within(b, d("2025-01-01"), d("2026-06-30"))[..]
        );
        assert_eq!(
            rows.last(),
            Some(&(b, d("2026-07-01"), d("2026-12-31"), dec("9.99")))
        );
    }

    #[test]
    fn bundesbank_months_that_disagree_within_a_half_year_are_refused() {
        let csv = "\"\";BBK01.SU0115;BBK01.SU0115_FLAGS\n\
                   \"\";Basiszinssatz gemäß § 247 BGB / Stand am Monatsende;\n\
                   2025-07;1,27;\n2025-08;1,27;\n2025-09;1,30;\n";
        let err = parse_rate_file("bbk.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bbk.csv: line 5: the Basiszinssatz for 2025-H2 is 1.30 here but 1.27 on line 3: it \
             is fixed for the whole half-year, so the file contradicts itself"
        );
    }

    #[test]
    fn bundesbank_gap_is_noted_and_the_dug_base_rate_is_refused() {
        let gap = "\"\";BBK01.SU0115;BBK01.SU0115_FLAGS\n2024-01;3,62;\n2025-01;2,27;\n";
        let file = parse_rate_file("gap.csv", gap.as_bytes()).unwrap();
        assert_eq!(file.rows.len(), 2);
        assert_eq!(
            file.skipped,
            vec![
                "the file has no value of the Basiszinssatz for 2024-H2, so no row was made for \
                 it"
                .to_string()
            ]
        );
        let dug = "\"\";BBK01.SU0114;BBK01.SU0114_FLAGS\n\
                   \"\";Basiszinssatz gemäß Diskontsatz-Überleitungs-Gesetz (DÜG);\n\
                   2001-12;3,62;\n";
        let err = parse_rate_file("dug.csv", dug.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("(DÜG, SU0114)"), "{err}");
    }

    // --- Bank of England ---------------------------------------------------------------

    const BOE_REFERENCE_DATES: [(&str, &str); 7] = [
        ("2022-12-31", "3.50"),
        ("2023-06-30", "5.00"),
        ("2023-12-31", "5.25"),
        ("2024-06-30", "5.25"),
        ("2024-12-31", "4.75"),
        ("2025-06-30", "4.25"),
        ("2025-12-31", "3.75"),
    ];

    #[test]
    fn boe_daily_database_file_agrees_with_the_shipped_rows() {
        let file = parse_rate_file("Bank Rate.csv", fixture!("boe_iadb_iudbedr.csv")).unwrap();
        assert_eq!(file.publisher, Publisher::BankOfEngland);
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        assert_agrees_with_builtin(&file.rows);
        let b = RateSeries::BoeBase;
        assert_eq!(
            keys(&file.rows[1..file.rows.len() - 1]),
            builtin_within(b, d("2025-01-02"), d("2026-01-30")),
            "every change inside the file is a shipped row"
        );
        assert_eq!(
            file.rows[0].valid_from,
            d("2025-01-02"),
            "the file's first day"
        );
        assert_eq!(
            file.rows.last().unwrap().valid_to,
            d("2026-01-30"),
            "the last business day in the file"
        );
        let t = table(&file);
        for (day, rate) in &BOE_REFERENCE_DATES[5..] {
            assert_eq!(
                t.rate_on(b, d(day)).unwrap().rate,
                dec(rate),
                "BoE on {day}"
            );
        }
        // Checked to the last day of the shipped table, the rows are the shipped ones.
        let checked = parse_rate_file_checked_to(
            "Bank Rate.csv",
            fixture!("boe_iadb_iudbedr.csv"),
            d("2026-01-31"),
        )
        .unwrap();
        assert_eq!(
            keys(&checked.rows[1..]),
            builtin_within(b, d("2025-01-02"), d("2026-01-31"))
        );
    }

    #[test]
    fn boe_date_changed_table_gives_exactly_the_shipped_rows_when_checked() {
        let file = parse_rate_file_checked_to(
            "bank-rate.csv",
            fixture!("boe_bank_rate_date_changed.csv"),
            d("2026-01-31"),
        )
        .unwrap();
        assert_eq!(keys(&file.rows), builtin(RateSeries::BoeBase));
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        let t = table(&file);
        for (day, rate) in BOE_REFERENCE_DATES {
            assert_eq!(
                t.rate_on(RateSeries::BoeBase, d(day)).unwrap().rate,
                dec(rate),
                "BoE on {day}"
            );
        }
        let unchecked =
            parse_rate_file("bank-rate.csv", fixture!("boe_bank_rate_date_changed.csv")).unwrap();
        assert_eq!(unchecked.rows.last().unwrap().valid_to, d("2025-12-17"));
        assert!(unchecked.skipped[0].contains("3.75% from 2025-12-18"));
    }

    // --- Banque de France --------------------------------------------------------------

    const FR_LEGAL: [(&str, &str, &str); 7] = [
        ("2023-01-01", "4.47", "2.06"),
        ("2023-07-01", "6.82", "4.22"),
        ("2024-01-01", "8.01", "5.07"),
        ("2024-07-01", "8.16", "4.92"),
        ("2025-01-01", "7.21", "3.71"),
        ("2025-07-01", "6.65", "2.76"),
        ("2026-01-01", "6.67", "2.62"),
    ];

    fn expected_fr_legal() -> Vec<(FrLegalCategory, HalfYear, Decimal)> {
        let mut out = Vec::new();
        for (first, private, other) in FR_LEGAL {
            out.push((FrLegalCategory::PrivateCreditor, half(first), dec(private)));
            out.push((FrLegalCategory::OtherCases, half(first), dec(other)));
        }
        out.sort();
        out
    }

    fn fr_keys(file: &PublisherFile) -> Vec<(FrLegalCategory, HalfYear, Decimal)> {
        file.fr_legal_rates
            .iter()
            .map(|r| (r.category, r.half, r.rate))
            .collect()
    }

    #[test]
    fn banque_de_france_webstat_file_gives_both_legal_rates_per_half_year() {
        let file = parse_rate_file(
            "Webstat_Export.csv",
            fixture!("bdf_webstat_taux_interet_legal.csv"),
        )
        .unwrap();
        assert_eq!(file.publisher, Publisher::BanqueDeFrance);
        assert!(file.rows.is_empty());
        assert!(file.skipped.is_empty(), "{:?}", file.skipped);
        assert_eq!(fr_keys(&file), expected_fr_legal());
        let first = &file.fr_legal_rates[0];
        assert_eq!(
            (first.valid_from(), first.valid_to()),
            (d("2023-01-01"), d("2023-06-30"))
        );
        assert_eq!(
            first.source,
            "Banque de France Webstat ILLUSTRATIVE.TIL.PARTICULIERS (file Webstat_Export.csv)"
        );
    }

    #[test]
    fn banque_de_france_observations_export_is_read_too() {
        let mut csv = String::from(
            "series_key;title_fr;time_period;time_period_start;time_period_end;obs_value\n",
        );
        for (first, private, other) in FR_LEGAL {
            let h = half(first);
            let period = format!("{}-S{}", h.year(), h.half());
            csv.push_str(&format!(
                "KEY.P;Taux de l’intérêt légal - créances des personnes physiques n’agissant pas \
                 pour des besoins professionnels;{period};{};{};{private}\n",
                h.first_day(),
                h.last_day()
            ));
            csv.push_str(&format!(
                "KEY.O;Taux de l’intérêt légal - tous les autres cas;{period};{};{};{other}\n",
                h.first_day(),
                h.last_day()
            ));
        }
        csv.push_str("KEY.X;Taux du livret A;2025-S1;2025-01-01;2025-06-30;2.4\n");
        let file = parse_rate_file("observations.csv", csv.as_bytes()).unwrap();
        assert_eq!(fr_keys(&file), expected_fr_legal());
        assert_eq!(
            file.skipped,
            vec!["1 line of other series (Taux du livret A) left out".to_string()]
        );
    }

    // --- Overdue's own table -----------------------------------------------------------

    #[test]
    fn overdue_table_is_read_by_the_rate_table() {
        let shipped = RateTable::builtin();
        let file = parse_rate_file("rates.csv", BUILTIN_CSV_BYTES).unwrap();
        assert_eq!(file.publisher, Publisher::Overdue);
        assert_eq!(file.rows, shipped.rows(), "sources included");
        let exported = parse_rate_file("export.csv", shipped.to_csv().as_bytes()).unwrap();
        assert_eq!(exported.rows, shipped.rows());
        let err = parse_rate_file(
            "mine.csv",
            b"series,valid_from,valid_to,rate\necb_mro,2026-07-01,2026-12-31,abc\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "mine.csv: rate table line 2: rate \"abc\" is not a number: write a percentage like \
             3.50"
        );
    }

    const BUILTIN_CSV_BYTES: &[u8] = super::super::BUILTIN_RATES_CSV.as_bytes();

    // --- Errors and text ---------------------------------------------------------------

    #[test]
    fn a_broken_rate_names_the_file_the_line_and_the_field() {
        let text = String::from_utf8(fixture!("ecb_mro_data_portal.csv").to_vec()).unwrap();
        let broken = text.replacen("\"2.50\"", "\"2,1x\"", 1);
        let line = broken.lines().position(|l| l.contains("2,1x")).unwrap() + 1;
        assert_eq!(line, 6);
        let err = parse_rate_file("ecb.csv", broken.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ecb.csv: line 6: the rate \"2,1x\" is not a number"
        );
        assert!(matches!(
            err,
            PublisherError::BadLine { line: 6, ref field, .. } if field == "rate"
        ));
        let path = "C:\\Users\\me\\Downloads\\ecb.csv";
        let err = parse_rate_file(path, broken.as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("ecb.csv: line 6:"), "{err}");
    }

    #[test]
    fn a_broken_date_or_quote_names_the_line() {
        let csv = "DATE,IUDBEDR\r\n02 Jan 2025,4.75\r\n2025-13-01,4.75\r\n";
        let err = parse_rate_file("boe.csv", csv.as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("boe.csv: line 3: the date \"2025-13-01\" is not a date"),
            "{err}"
        );
        assert!(matches!(err, PublisherError::BadLine { ref field, .. } if field == "date"));
        let csv = "\"Date Changed\",\"Rate\"\n\"18 Dec 25\",\"3.75\n";
        let err = parse_rate_file("boe.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "boe.csv: line 2: a quoted field is not closed: add the missing \""
        );
        let csv = "\"Date Changed\",\"Rate\"\n\"18 Dec 25\",\"375\"\n";
        let err = parse_rate_file("boe.csv", csv.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("not a plausible percentage"),
            "{err}"
        );
    }

    #[test]
    fn two_rates_on_one_day_are_refused() {
        let csv = "DATE,IUDBEDR\n02 Jan 2025,4.75\n02 Jan 2025,4.50\n";
        let err = parse_rate_file("boe.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "boe.csv: line 3: the rate on 2025-01-02 is 4.75 on line 2 and 4.50 on line 3: a \
             day can have only one rate"
        );
    }

    #[test]
    fn unknown_content_is_refused_with_the_formats_read() {
        let err =
            parse_rate_file("invoices.csv", b"number,customer,amount\n1,ACME,10.00\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "invoices.csv: Overdue cannot read this file: its first line reads \"number | \
                 customer | amount\". It reads Overdue's rate table"
            ),
            "{text}"
        );
        for named in [
            "MRR_FR",
            "BBK01.SU0115",
            "IUDBEDR",
            "Date Changed",
            "intérêt légal",
        ] {
            assert!(text.contains(named), "the message names {named}: {text}");
        }
        assert!(matches!(err, PublisherError::UnknownFormat { .. }));
        let err = parse_rate_file("empty.csv", b"\xEF\xBB\xBF\r\n\r\n").unwrap_err();
        assert!(err.to_string().contains("the file is empty"), "{err}");
        let err = parse_rate_file("rates.xlsx", b"PK\x03\x04rest").unwrap_err();
        assert!(
            err.to_string().contains("an Excel workbook (.xlsx)"),
            "{err}"
        );
    }

    #[test]
    fn text_is_decoded_without_loss() {
        assert_eq!(decode(b"Zinss\xe4tze \x80 \x96"), "Zinssätze € –");
        assert_eq!(decode("Zinssätze".as_bytes()), "Zinssätze");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("DATE,ä".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16), "DATE,ä");
    }

    #[test]
    fn utf16_semicolons_and_decimal_commas_are_tolerated() {
        let text = "\u{feff}Date Changed;Rate\r\n18 Dec 2025;3,75 %\r\n07 Aug 2025;4,00\r\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let file = parse_rate_file_checked_to("boe.csv", &bytes, d("2026-01-31")).unwrap();
        let b = RateSeries::BoeBase;
        assert_eq!(
            keys(&file.rows),
            vec![
                (b, d("2025-08-07"), d("2025-12-17"), dec("4.00")),
                (b, d("2025-12-18"), d("2026-01-31"), dec("3.75")),
            ]
        );
    }

    #[test]
    fn periods_and_values_are_read_in_the_publishers_notations() {
        for (text, expected) in [
            ("2025-06-11", Period::Day(d("2025-06-11"))),
            ("2025-06-11T00:00:00", Period::Day(d("2025-06-11"))),
            ("11 Jun 2025", Period::Day(d("2025-06-11"))),
            ("11 Jun 25", Period::Day(d("2025-06-11"))),
            ("05 Mar 09", Period::Day(d("2009-03-05"))),
            ("04 Jan 75", Period::Day(d("1975-01-04"))),
            ("11/06/2025", Period::Day(d("2025-06-11"))),
            ("11.06.2025", Period::Day(d("2025-06-11"))),
            ("2025-06", Period::Month(d("2025-06-01"))),
            ("2025-S2", Period::Half(half("2025-07-01"))),
            ("S1 2025", Period::Half(half("2025-01-01"))),
            ("2025H2", Period::Half(half("2025-07-01"))),
        ] {
            assert_eq!(parse_period(text), Some(expected), "{text}");
        }
        for text in ["2025-13-01", "31/02/2025", "Stand vom", "", "2025-S3"] {
            assert_eq!(parse_period(text), None, "{text}");
        }
        // Found by the rate_file fuzz target: six bytes that are not six characters.
        for text in ["UNI\u{FFFD}", "Uni\u{8c};", "S\u{e9}2025", "2025\u{e9}"] {
            assert_eq!(parse_period(text), None, "{text:?}");
        }
        for (text, rate) in [
            ("2,15", "2.15"),
            ("-0,88", "-0.88"),
            ("3.75 %", "3.75"),
            ("+1", "1"),
        ] {
            assert!(
                matches!(parse_cell(text), Ok(Cell::Rate(r)) if r == dec(rate)),
                "{text}"
            );
        }
        for text in ["", ".", "-", "NaN", "n/a"] {
            assert!(matches!(parse_cell(text), Ok(Cell::Missing)), "{text}");
        }
        for text in ["2,1x", "1.2.3", "1_000", "2,", ",5", "1,5,0"] {
            assert!(parse_cell(text).is_err(), "{text}");
        }
    }

    #[test]
    fn every_fixture_forms_a_valid_table() {
        for (name, bytes) in [
            ("ecb", fixture!("ecb_mro_data_portal.csv")),
            ("sdmx", fixture!("ecb_mro_sdmx_csvdata.csv")),
            ("bbk", fixture!("bundesbank_su0115_de_cp1252.csv")),
            (
                "bbk_en",
                fixture!("bundesbank_su0115_en_hypothetical_2026h2.csv"),
            ),
            ("iadb", fixture!("boe_iadb_iudbedr.csv")),
            ("changes", fixture!("boe_bank_rate_date_changed.csv")),
        ] {
            let file = parse_rate_file_checked_to(name, bytes, d("2026-07-31")).unwrap();
            assert!(!file.rows.is_empty(), "{name}");
            assert!(file.to_table().is_ok(), "{name}");
            assert!(
                file.rows.iter().all(|r| !r.source.contains(['\n', '\r'])),
                "{name}"
            );
        }
        assert_eq!(Publisher::ALL.len(), 5);
    }
}
