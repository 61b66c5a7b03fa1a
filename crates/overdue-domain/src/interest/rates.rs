//! The reference-rate table: Bank of England base rate, ECB main refinancing rate and the
//! German Basiszinssatz, kept as DATA (a CSV the app ships and the user can extend), never
//! as constants in code, because they change twice a year and a stale constant would
//! silently produce a wrong claim.
//!
//! A lookup for a day the table does not cover is an error naming the missing period: the
//! engine never carries an old rate forward.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The rate table Overdue ships with (`data/rates.csv`), embedded at build time so the
/// domain crate needs no file access.
pub const BUILTIN_RATES_CSV: &str = include_str!("../../data/rates.csv");

/// The header [`RateTable::to_csv`] writes and the columns [`RateTable::parse`] knows.
const COLUMNS: [&str; 5] = ["series", "valid_from", "valid_to", "rate", "source"];

/// Rates outside this band are almost certainly typos (350 for 3.50), not policy.
const PLAUSIBLE_RATE: i64 = 100;

/// A published reference rate that statutory late-payment interest is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateSeries {
    /// Bank of England base rate (Bank Rate), one row per change.
    BoeBase,
    /// European Central Bank main refinancing operations rate, one row per change.
    EcbMro,
    /// German base rate (Basiszinssatz, section 247 BGB), one row per half-year.
    DeBasiszins,
}

impl RateSeries {
    /// Every series, in table order.
    pub const ALL: [RateSeries; 3] = [
        RateSeries::BoeBase,
        RateSeries::EcbMro,
        RateSeries::DeBasiszins,
    ];

    /// The name used in the CSV: `boe_base`, `ecb_mro`, `de_basiszins`.
    pub fn as_str(self) -> &'static str {
        match self {
            RateSeries::BoeBase => "boe_base",
            RateSeries::EcbMro => "ecb_mro",
            RateSeries::DeBasiszins => "de_basiszins",
        }
    }

    /// The name a business owner recognises, for messages and letters.
    pub fn label(self) -> &'static str {
        match self {
            RateSeries::BoeBase => "Bank of England base rate",
            RateSeries::EcbMro => "ECB main refinancing rate",
            RateSeries::DeBasiszins => "German base rate (Basiszinssatz)",
        }
    }

    /// Parses the CSV name (case-insensitive); `None` for an unknown series.
    pub fn parse(text: &str) -> Option<RateSeries> {
        let t = text.trim();
        RateSeries::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(t))
    }
}

impl fmt::Display for RateSeries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar half-year (`2026-H1` = January to June), the period the EU and German
/// reference rates are fixed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HalfYear {
    year: i32,
    second: bool,
}

impl HalfYear {
    /// The half-year a date falls in.
    pub fn of(date: NaiveDate) -> HalfYear {
        HalfYear {
            year: date.year(),
            second: date.month() > 6,
        }
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// 1 for January-June, 2 for July-December.
    pub fn half(&self) -> u8 {
        if self.second {
            2
        } else {
            1
        }
    }

    /// 1 January or 1 July: the day whose rate applies to the whole half-year.
    pub fn first_day(&self) -> NaiveDate {
        let month = if self.second { 7 } else { 1 };
        // The year came from a valid date, and 1 Jan / 1 Jul exist in every such year.
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("1 Jan and 1 Jul exist")
    }

    /// 30 June or 31 December.
    pub fn last_day(&self) -> NaiveDate {
        let (month, day) = if self.second { (12, 31) } else { (6, 30) };
        NaiveDate::from_ymd_opt(self.year, month, day).expect("30 Jun and 31 Dec exist")
    }
}

impl fmt::Display for HalfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-H{}", self.year, self.half())
    }
}

/// One row of the table: a rate in force from `valid_from` to `valid_to`, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    /// Which published rate this is.
    pub series: RateSeries,
    /// First day the rate is in force.
    pub valid_from: NaiveDate,
    /// Last day the rate is known to be in force (inclusive).
    pub valid_to: NaiveDate,
    /// The rate in percent a year (may be negative: the Basiszinssatz was -0.88).
    pub rate: Decimal,
    /// Where the figure comes from, shown in the rate viewer and court files.
    pub source: String,
}

impl RateRow {
    /// True when `date` is within the row's validity.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }

    /// What is wrong with the row on its own, in words; `None` when it is sound.
    fn problem(&self) -> Option<String> {
        if self.valid_to < self.valid_from {
            return Some(format!(
                "valid_to {} is before valid_from {}",
                self.valid_to, self.valid_from
            ));
        }
        if self.rate.abs() > Decimal::from(PLAUSIBLE_RATE) {
            return Some(format!(
                "rate {} is not a plausible percentage: write 3.50 for 3.5%",
                self.rate
            ));
        }
        if self.series == RateSeries::DeBasiszins {
            // The Basiszinssatz only changes on 1 Jan and 1 Jul (section 247 BGB): a row that
            // starts or ends mid-half-year is a typo that would split a half-year's rate.
            let starts_ok = HalfYear::of(self.valid_from).first_day() == self.valid_from;
            let ends_ok = HalfYear::of(self.valid_to).last_day() == self.valid_to;
            if !starts_ok || !ends_ok {
                return Some(format!(
                    "a Basiszinssatz row must run from 1 January or 1 July to 30 June or \
                     31 December (got {} to {})",
                    self.valid_from, self.valid_to
                ));
            }
        }
        if self.source.contains(['\n', '\r']) {
            return Some("the source must be a single line of text".to_string());
        }
        None
    }
}

/// Why a rate table was refused, or why a rate could not be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateTableError {
    /// A line of the CSV could not be read.
    #[error("rate table line {line}: {problem}")]
    BadLine {
        /// 1-based line number in the file, as an editor shows it.
        line: usize,
        /// What is wrong, in words.
        problem: String,
    },
    /// Two rows of the CSV give a rate for the same day.
    #[error(
        "rate table line {line}: the {} from {from} to {to} overlaps line {other_line} \
         ({other_from} to {other_to}); each day can have only one rate",
        series.label()
    )]
    Overlap {
        /// Line of the later row.
        line: usize,
        /// The series both rows belong to.
        series: RateSeries,
        /// First day of the later row.
        from: NaiveDate,
        /// Last day of the later row.
        to: NaiveDate,
        /// Line of the earlier row.
        other_line: usize,
        /// First day of the earlier row.
        other_from: NaiveDate,
        /// Last day of the earlier row.
        other_to: NaiveDate,
    },
    /// A row being added is not sound on its own.
    #[error("the new rate row cannot be added: {problem}")]
    BadRow {
        /// What is wrong, in words.
        problem: String,
    },
    /// A row being added gives a rate for days the table already covers.
    #[error(
        "the new {} from {from} to {to} overlaps the existing row from {other_from} to \
         {other_to}; each day can have only one rate: change the dates or remove the old row",
        series.label()
    )]
    RowOverlaps {
        /// The series of both rows.
        series: RateSeries,
        /// First day of the new row.
        from: NaiveDate,
        /// Last day of the new row.
        to: NaiveDate,
        /// First day of the existing row.
        other_from: NaiveDate,
        /// Last day of the existing row.
        other_to: NaiveDate,
    },
    /// The table has no rate for the period a calculation needs.
    #[error(
        "no {} for {period} in the rate table; add it in Settings > Late fees (Reference \
         rates) or import the publisher's file there",
        series.label()
    )]
    MissingRate {
        /// The series that is missing.
        series: RateSeries,
        /// The period, e.g. `2026-H2` or `2026-06-30 (...)`.
        period: String,
    },
}

/// A validated set of reference rates: no two rows of a series overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// Sorted by series, then `valid_from`.
    rows: Vec<RateRow>,
}

impl RateTable {
    /// The table Overdue ships with ([`BUILTIN_RATES_CSV`]).
    pub fn builtin() -> RateTable {
        // The shipped file is checked by the module's tests, so a failure here is a build
        // defect, not something a user can cause.
        RateTable::parse(BUILTIN_RATES_CSV).expect("the shipped data/rates.csv is valid")
    }

    /// Parses a CSV with the header `series,valid_from,valid_to,rate,source` (any column
    /// order; `source` optional). Blank lines and lines starting with `#` are skipped. Dates
    /// are `YYYY-MM-DD`, rates are percent with a dot (`3.50`). The error names the line.
    pub fn parse(text: &str) -> Result<RateTable, RateTableError> {
        // Spreadsheet exports often start with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut columns: Option<Vec<Column>> = None;
        let mut rows: Vec<(usize, RateRow)> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let bad = |problem: String| RateTableError::BadLine { line, problem };
            let fields = split_csv_line(trimmed).map_err(bad)?;
            match &columns {
                None => columns = Some(parse_header(&fields).map_err(bad)?),
                Some(cols) => {
                    let row = parse_row(cols, &fields).map_err(bad)?;
                    if let Some(problem) = row.problem() {
                        return Err(bad(problem));
                    }
                    rows.push((line, row));
                }
            }
        }
        if columns.is_none() {
            return Err(RateTableError::BadLine {
                line: 1,
                problem: format!(
                    "the table is empty: the first line must be {}",
                    COLUMNS.join(",")
                ),
            });
        }
        rows.sort_by_key(|(_, r)| (r.series, r.valid_from));
        for pair in rows.windows(2) {
            let ((other_line, a), (line, b)) = (&pair[0], &pair[1]);
            if a.series == b.series && b.valid_from <= a.valid_to {
                // Report the row that comes later in the file, where the user will look.
                let ((line, b), (other_line, a)) = if line > other_line {
                    ((line, b), (other_line, a))
                } else {
                    ((other_line, a), (line, b))
                };
                return Err(RateTableError::Overlap {
                    line: *line,
                    series: b.series,
                    from: b.valid_from,
                    to: b.valid_to,
                    other_line: *other_line,
                    other_from: a.valid_from,
                    other_to: a.valid_to,
                });
            }
        }
        Ok(RateTable {
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// Every row, sorted by series then start date (for the rate viewer).
    pub fn rows(&self) -> &[RateRow] {
        &self.rows
    }

    /// The rows of one series, oldest first.
    pub fn series_rows(&self, series: RateSeries) -> impl Iterator<Item = &RateRow> {
        self.rows.iter().filter(move |r| r.series == series)
    }

    /// A new table with `row` added; refused when the row is unsound or overlaps a row of
    /// the same series (a day must have exactly one rate).
    pub fn with_row(&self, row: RateRow) -> Result<RateTable, RateTableError> {
        if let Some(problem) = row.problem() {
            return Err(RateTableError::BadRow { problem });
        }
        if let Some(other) = self
            .series_rows(row.series)
            .find(|o| o.valid_from <= row.valid_to && row.valid_from <= o.valid_to)
        {
            return Err(RateTableError::RowOverlaps {
                series: row.series,
                from: row.valid_from,
                to: row.valid_to,
                other_from: other.valid_from,
                other_to: other.valid_to,
            });
        }
        let mut rows = self.rows.clone();
        rows.push(row);
        rows.sort_by_key(|r| (r.series, r.valid_from));
        Ok(RateTable { rows })
    }

    /// A new table without the row at `index` (as in [`RateTable::rows`]); the same table
    /// when the index is out of range. Used to correct a row: remove it, add the fixed one.
    pub fn without_row(&self, index: usize) -> RateTable {
        let mut rows = self.rows.clone();
        if index < rows.len() {
            rows.remove(index);
        }
        RateTable { rows }
    }

    /// The table as CSV with the standard header, readable by [`RateTable::parse`].
    pub fn to_csv(&self) -> String {
        let mut out = COLUMNS.join(",");
        out.push('\n');
        for r in &self.rows {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                r.series,
                r.valid_from,
                r.valid_to,
                r.rate,
                quote_csv(&r.source)
            ));
        }
        out
    }

    /// The row in force on `date`, if the table covers it.
    pub fn rate_on(&self, series: RateSeries, date: NaiveDate) -> Option<&RateRow> {
        self.series_rows(series).find(|r| r.covers(date))
    }

    /// The rate that applies to a whole half-year: the one in force on its first day
    /// (1 January or 1 July), as Directive 2011/7/EU and section 247 BGB set it.
    pub fn half_year_rate(
        &self,
        series: RateSeries,
        half: HalfYear,
    ) -> Result<&RateRow, RateTableError> {
        self.rate_on(series, half.first_day())
            .ok_or_else(|| RateTableError::MissingRate {
                series,
                period: half.to_string(),
            })
    }

    /// The last day the table has a rate for in `series` (for "rates checked to ...").
    pub fn covered_through(&self, series: RateSeries) -> Option<NaiveDate> {
        self.series_rows(series).map(|r| r.valid_to).max()
    }
}

/// Where each column of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Series,
    ValidFrom,
    ValidTo,
    Rate,
    Source,
}

fn parse_header(fields: &[String]) -> Result<Vec<Column>, String> {
    let mut cols = Vec::with_capacity(fields.len());
    for f in fields {
        let col = match f.trim().to_ascii_lowercase().as_str() {
            "series" => Column::Series,
            "valid_from" => Column::ValidFrom,
            "valid_to" => Column::ValidTo,
            "rate" => Column::Rate,
            "source" => Column::Source,
            other => {
                return Err(format!(
                    "unknown column \"{other}\": the columns are {}",
                    COLUMNS.join(", ")
                ))
            }
        };
        if cols.contains(&col) {
            return Err(format!("the column \"{}\" appears twice", f.trim()));
        }
        cols.push(col);
    }
    for (needed, name) in [
        (Column::Series, "series"),
        (Column::ValidFrom, "valid_from"),
        (Column::ValidTo, "valid_to"),
        (Column::Rate, "rate"),
    ] {
        if !cols.contains(&needed) {
            return Err(format!(
                "the header has no \"{name}\" column: the first line must be {}",
                COLUMNS.join(",")
            ));
        }
    }
    Ok(cols)
}

fn parse_row(cols: &[Column], fields: &[String]) -> Result<RateRow, String> {
    if fields.len() != cols.len() {
        return Err(format!(
            "expected {} fields like the header but found {}",
            cols.len(),
            fields.len()
        ));
    }
    let mut series = None;
    let mut valid_from = None;
    let mut valid_to = None;
    let mut rate = None;
    let mut source = String::new();
    for (col, value) in cols.iter().zip(fields) {
        let value = value.trim();
        match col {
            Column::Series => {
                series = Some(RateSeries::parse(value).ok_or_else(|| {
                    format!("unknown series \"{value}\": use boe_base, ecb_mro or de_basiszins")
                })?)
            }
            Column::ValidFrom => valid_from = Some(parse_date("valid_from", value)?),
            Column::ValidTo => valid_to = Some(parse_date("valid_to", value)?),
            Column::Rate => rate = Some(parse_rate(value)?),
            Column::Source => source = value.to_string(),
        }
    }
    match (series, valid_from, valid_to, rate) {
        (Some(series), Some(valid_from), Some(valid_to), Some(rate)) => Ok(RateRow {
            series,
            valid_from,
            valid_to,
            rate,
            source,
        }),
        // parse_header guarantees every required column exists.
        _ => Err("a required field is missing".to_string()),
    }
}

/// The one ISO date parser (the CLI's, the API's and this file's are the same), naming
/// the column.
fn parse_date(field: &str, value: &str) -> Result<NaiveDate, String> {
    crate::ledger::parse_iso_date(value).map_err(|m| format!("{field}: {m}"))
}

fn parse_rate(value: &str) -> Result<Decimal, String> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    // Decimal::from_str is lenient in places (e.g. "1_000"); a rate typo must not become
    // a different number, so only plain digits with one optional dot are accepted.
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    let bad = || format!("rate \"{value}\" is not a number: write a percentage like 3.50");
    if !plain {
        return Err(bad());
    }
    Decimal::from_str(value).map_err(|_| bad())
}

/// Splits one CSV line; fields may be double-quoted (`"a, b"`, `""` for a quote).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err("a quoted field is not closed: add the missing \"".to_string());
    }
    fields.push(field);
    Ok(fields)
}

fn quote_csv(text: &str) -> String {
    if text.contains([',', '"']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
