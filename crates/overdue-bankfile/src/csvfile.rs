//! Bank CSV exports, read through a [`CsvMapping`]; plus the import wizard's helpers.
//!
//! The `csv` crate does the RFC 4180 reading. Before it runs, one pass checks the quotes:
//! `csv` would read an unterminated quote to the end of the file as one field and silently
//! swallow every row after it, so that is an error naming the line where the quote opened.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::decode::decode;
use crate::model::{CsvMapping, CsvPreview, Entry, Format, ParseError, Parsed, Statement};
use crate::text;

const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];
const AUTO_DATE_FORMATS: [&str; 6] = [
    "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%d-%m-%Y", "%Y%m%d",
];

/// The text after the first `n` physical lines, and how many lines were skipped.
fn skip_lines(text: &str, n: usize) -> &str {
    let mut rest = text;
    for _ in 0..n {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let step = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + step..];
            }
            None => return "",
        }
    }
    rest
}

/// Counts delimiters outside quotes per record, for the first `max` non-empty records.
fn field_counts(text: &str, delimiter: u8, max: usize) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut count = 0;
    let mut in_quotes = false;
    let mut has_content = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if counts.len() >= max {
            break;
        }
        if in_quotes {
            if b == b'"' {
                in_quotes = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_quotes = true;
                has_content = true;
            }
            b'\n' | b'\r' => {
                if has_content {
                    counts.push(count);
                }
                count = 0;
                has_content = false;
                if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    continue;
                }
            }
            b if b == delimiter => {
                count += 1;
                has_content = true;
            }
            b' ' => {}
            _ => has_content = true,
        }
    }
    if has_content && counts.len() < max {
        counts.push(count);
    }
    counts
}

/// The delimiter whose count is the same on the header and the most following rows.
pub(crate) fn sniff_delimiter(text: &str) -> Option<u8> {
    let mut best: Option<(usize, usize, u8)> = None;
    for d in DELIMITERS {
        let counts = field_counts(text, d, 12);
        let Some(&header) = counts.first() else {
            continue;
        };
        if header == 0 {
            continue;
        }
        let consistent = counts[1..].iter().filter(|&&c| c == header).count();
        let score = (consistent, header, d);
        if best.is_none_or(|b| (score.0, score.1) > (b.0, b.1)) {
            best = Some(score);
        }
    }
    best.map(|b| b.2)
}

/// The 1-based line (within `text`) where an unterminated quote opened.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut at_field_start = true;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let newline = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && at_field_start {
            in_quotes = true;
            quote_line = line;
        }
        if !in_quotes || b != b'"' {
            at_field_start = !in_quotes && (b == delimiter || b == b'\n' || b == b'\r');
        }
        if newline {
            line += 1;
        }
        i += 1;
    }
    in_quotes.then_some(quote_line)
}

/// 1-based line numbers of byte offsets, asked in increasing order (linear overall).
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `offset` that is not a line break
    /// (a record's reported start may sit on the previous line's terminator).
    fn line_at(&mut self, offset: usize) -> usize {
        let mut start = offset.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.offset {
            *self = LineCounter {
                text: self.text,
                offset: 0,
                line: 1,
            };
        }
        for i in self.offset..start {
            let b = self.text[i];
            if b == b'\n' || (b == b'\r' && self.text.get(i + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.offset = start;
        self.line
    }
}

struct Table {
    encoding: String,
    delimiter: u8,
    /// (1-based line in the original file, fields).
    records: Vec<(usize, Vec<String>)>,
}

/// Decodes, skips the preamble, sniffs the delimiter, checks quotes and reads up to `limit`
/// non-blank records (header included).
fn read_table(
    bytes: &[u8],
    file: &str,
    skip_rows: usize,
    delimiter: Option<u8>,
    limit: usize,
) -> Result<Table, ParseError> {
    let decoded = decode(bytes);
    let body = skip_lines(&decoded.text, skip_rows);
    let delimiter = match delimiter.or_else(|| sniff_delimiter(body)) {
        Some(d) => d,
        None if body.trim().is_empty() => {
            return Err(ParseError::new(
                file,
                format!("line {}", skip_rows + 1),
                if skip_rows > 0 {
                    format!("the file has no header row after the {skip_rows} skipped lines")
                } else {
                    "the file is empty".to_string()
                },
            ))
        }
        None => b',',
    };
    if let Some(line) = unterminated_quote(body, delimiter) {
        return Err(ParseError::new(
            file,
            format!("line {}", line + skip_rows),
            "a quote (\") opened on this line is never closed, so the rest of the file \
             would be read as one field",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut records = Vec::new();
    // csv's own line numbers drift on CRLF files, so lines are counted from byte offsets.
    let mut lines = LineCounter::new(body);
    for record in reader.records() {
        if records.len() >= limit {
            break;
        }
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map_or(1, |p| LineCounter::new(body).line_at(p.byte() as usize));
            ParseError::new(
                file,
                format!("line {}", line + skip_rows),
                format!("the CSV is malformed: {e}"),
            )
        })?;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize)) + skip_rows;
        let fields: Vec<String> = record
            .iter()
            .map(|f| {
                f.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_string()
            })
            .collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        records.push((line, fields));
    }
    Ok(Table {
        encoding: decoded.encoding_name(),
        delimiter,
        records,
    })
}

/// CSV helper for an import wizard: the delimiter sniffed, the header row (after
/// `skip_rows`) and up to 5 sample rows, decoded.
pub fn csv_preview(
    bytes: &[u8],
    skip_rows: usize,
    delimiter: Option<u8>,
) -> Result<CsvPreview, ParseError> {
    let mut table = read_table(bytes, "CSV file", skip_rows, delimiter, 6)?;
    if table.records.is_empty() {
        return Err(ParseError::new(
            "CSV file",
            format!("line {}", skip_rows + 1),
            "the file has no header row",
        ));
    }
    let headers = table.records.remove(0).1;
    Ok(CsvPreview {
        delimiter: table.delimiter,
        headers,
        rows: table.records.into_iter().map(|(_, r)| r).collect(),
        encoding: table.encoding,
    })
}

/// Addition for the wizard: how many preamble lines come before the header row, found as
/// the first of the first 30 lines whose cells name a date and an amount column (0 when
/// none does).
pub fn csv_guess_skip_rows(bytes: &[u8]) -> usize {
    let decoded = decode(bytes);
    for n in 0..30 {
        let rest = skip_lines(&decoded.text, n);
        if rest.is_empty() {
            break;
        }
        let line = rest.lines().next().unwrap_or("");
        for d in DELIMITERS {
            let cells: Vec<String> = line
                .split(d as char)
                .map(|c| c.trim().trim_matches('"').to_string())
                .collect();
            if cells.len() < 2 {
                continue;
            }
            let kinds: Vec<Option<Column>> = cells.iter().map(|c| classify(c)).collect();
            let has = |k: Column| kinds.contains(&Some(k));
            if (has(Column::Date) || has(Column::DateGeneric))
                && (has(Column::Amount) || has(Column::Debit) || has(Column::Credit))
            {
                return n;
            }
        }
    }
    0
}

/// Which mapping field a header names, before priorities are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Date,
    DateGeneric,
    ValueDate,
    Amount,
    Debit,
    Credit,
    Direction,
    Currency,
    Counterparty,
    CounterpartyIban,
    CounterpartyBic,
    Remittance,
    RemittanceGeneric,
    Reference,
    EndToEnd,
    AccountIban,
}

/// Lowercase, German umlauts and French accents spelled out, one space between words.
fn normalise_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h
        .trim()
        .trim_end_matches(':')
        .chars()
        .flat_map(char::to_lowercase)
    {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' => out.push('e'),
            'à' | 'â' => out.push('a'),
            'ç' => out.push('c'),
            '"' | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    text::collapse_spaces(&out)
}

fn classify(header: &str) -> Option<Column> {
    let h = normalise_header(header);
    let h = h.as_str();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| h.starts_with(p));
    let column = match h {
        "buchungstag"
        | "buchungsdatum"
        | "buchung"
        | "booking date"
        | "transaction date"
        | "posting date"
        | "posted date"
        | "date operation"
        | "date de l'operation"
        | "date comptable"
        | "date de comptabilisation"
        | "boekdatum"
        | "transactiedatum"
        | "fecha"
        | "completed date" => Column::Date,
        "datum" | "date" | "data" => Column::DateGeneric,
        "valuta" | "valutadatum" | "wertstellung" | "wertstellungsdatum" | "value date"
        | "valeur" | "date de valeur" | "date valeur" | "rentedatum" | "wert" => Column::ValueDate,
        "soll/haben" | "s/h" | "af bij" | "af/bij" | "debit/credit" | "d/c" | "cr/dr" | "dr/cr"
        | "credit/debit" | "sh" | "kennung" => Column::Direction,
        "soll" | "debit" | "debet" | "debit amount" | "paid out" | "money out" | "withdrawal"
        | "withdrawals" | "ausgang" | "ausgaben" | "montant debit" => Column::Debit,
        "haben" | "credit" | "credit amount" | "paid in" | "money in" | "deposit" | "deposits"
        | "eingang" | "einnahmen" | "montant credit" => Column::Credit,
        "waehrung" | "wahrung" | "currency" | "devise" | "munt" | "ccy" | "cur" => Column::Currency,
        "auftraggeber/empfaenger"
        | "auftraggeber / empfaenger"
        | "empfaenger/auftraggeber"
        | "beguenstigter/zahlungspflichtiger"
        | "zahlungspflichtiger/beguenstigter"
        | "name zahlungsbeteiligter"
        | "zahlungsempfaenger"
        | "empfaenger"
        | "auftraggeber"
        | "auftraggeber / beguenstigter"
        | "auftraggeber/beguenstigter"
        | "payee"
        | "payer"
        | "payee/payer"
        | "payer/payee"
        | "counterparty"
        | "counterparty name"
        | "name"
        | "beneficiary"
        | "naam / omschrijving"
        | "naam/omschrijving"
        | "naam"
        | "naam tegenpartij"
        | "tegenpartij"
        | "tiers"
        | "beneficiaire"
        | "nom"
        | "merchant"
        | "partner name"
        | "partnername" => Column::Counterparty,
        "iban"
        | "iban zahlungsbeteiligter"
        | "kontonummer/iban"
        | "kontonummer / iban"
        | "iban auftraggeber"
        | "iban empfaenger"
        | "gegenkonto"
        | "tegenrekening"
        | "tegenrekening iban/bban"
        | "counterparty iban"
        | "counter account"
        | "counterparty account"
        | "partner iban"
        | "iban du tiers" => Column::CounterpartyIban,
        "bic"
        | "bic (swift-code)"
        | "bic zahlungsbeteiligter"
        | "swift"
        | "swift code"
        | "bic/swift"
        | "bic tegenpartij"
        | "bic code tegenpartij" => Column::CounterpartyBic,
        "description"
        | "details"
        | "transaction details"
        | "payment details"
        | "memo"
        | "narrative"
        | "libelle"
        | "libelle operation"
        | "detail"
        | "mededelingen"
        | "omschrijving"
        | "communication" => Column::Remittance,
        "reference" | "referenz" => Column::RemittanceGeneric,
        "creditor reference" | "structured reference" | "rf reference" | "betalingskenmerk" => {
            Column::Reference
        }
        "kundenreferenz (end-to-end)"
        | "kundenreferenz"
        | "end-to-end-referenz"
        | "end-to-end reference"
        | "end to end id"
        | "end-to-end-id"
        | "endtoendid"
        | "eref"
        | "end-to-end" => Column::EndToEnd,
        "auftragskonto" | "iban auftragskonto" | "eigene iban" | "own account" | "account iban"
        | "rekening" | "rekeningnummer" | "mijn rekening" | "konto" | "account" => {
            Column::AccountIban
        }
        _ if starts(&["verwendungszweck", "omschrijving-", "omschrijving "]) => Column::Remittance,
        _ if starts(&["betrag", "amount", "montant", "bedrag", "umsatz", "importe"]) => {
            Column::Amount
        }
        _ if starts(&["soll ", "debit ", "debit("]) => Column::Debit,
        _ if starts(&["haben ", "credit ", "credit("]) => Column::Credit,
        _ => return None,
    };
    Some(column)
}

/// Suggests a mapping from header names (German, English, French, Dutch bank exports) and
/// the sample rows (date format, decimal comma).
pub fn suggest_csv_mapping(preview: &CsvPreview) -> CsvMapping {
    let mut by_kind: HashMap<Column, Vec<&str>> = HashMap::new();
    for header in &preview.headers {
        if let Some(kind) = classify(header) {
            by_kind.entry(kind).or_default().push(header);
        }
    }
    let first = |kind: Column| {
        by_kind
            .get(&kind)
            .and_then(|v| v.first())
            .map(|s| s.to_string())
    };
    let date = first(Column::Date)
        .or_else(|| first(Column::DateGeneric))
        .unwrap_or_default();
    let remittance = by_kind
        .get(&Column::Remittance)
        .or_else(|| by_kind.get(&Column::RemittanceGeneric))
        .map(|v| v.join("+"));
    let amount = first(Column::Amount);
    let (debit, credit) = if amount.is_none() {
        (first(Column::Debit), first(Column::Credit))
    } else {
        (None, None)
    };
    let column_values = |name: &Option<String>| -> Vec<&str> {
        let Some(name) = name else { return Vec::new() };
        let Some(i) = preview.headers.iter().position(|h| h == name) else {
            return Vec::new();
        };
        preview
            .rows
            .iter()
            .filter_map(|r| r.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let date_format = guess_date_format(&column_values(&Some(date.clone())));
    let mut amounts = column_values(&amount);
    amounts.extend(column_values(&debit));
    amounts.extend(column_values(&credit));
    let comma = amounts
        .iter()
        .filter(|v| ends_with_decimals(v, ','))
        .count();
    let dot = amounts
        .iter()
        .filter(|v| ends_with_decimals(v, '.'))
        .count();
    let decimal_comma = comma > dot || (comma == dot && date_format.contains("%d.%m"));
    let currency = first(Column::Currency);
    let default_currency = if currency.is_none() {
        [&amount, &debit, &credit]
            .into_iter()
            .flatten()
            .find_map(|h| {
                let upper = h.to_uppercase();
                ["EUR", "USD", "GBP", "CHF"]
                    .into_iter()
                    .find(|c| upper.contains(c))
                    .or_else(|| upper.contains('€').then_some("EUR"))
            })
            .map(str::to_string)
    } else {
        None
    };
    CsvMapping {
        date,
        value_date: first(Column::ValueDate),
        amount,
        debit,
        credit,
        currency,
        default_currency,
        counterparty: first(Column::Counterparty),
        counterparty_iban: first(Column::CounterpartyIban),
        counterparty_bic: first(Column::CounterpartyBic),
        remittance,
        reference: first(Column::Reference),
        end_to_end_id: first(Column::EndToEnd),
        account_iban: first(Column::AccountIban),
        date_format,
        decimal_comma,
        delimiter: Some(preview.delimiter),
        invert_sign: false,
        skip_rows: 0,
        direction: first(Column::Direction),
    }
}

/// "12,50" / "-1.234,5" end with a decimal comma; "12.50" with a decimal point.
fn ends_with_decimals(v: &str, sep: char) -> bool {
    let v = v.trim_end_matches(|c: char| !c.is_ascii_digit());
    match v.rfind(sep) {
        Some(i) => {
            let tail = &v[i + 1..];
            (1..=2).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

fn guess_date_format(values: &[&str]) -> String {
    let shape = |v: &str| -> String {
        v.split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect()
    };
    let Some(first) = values.first() else {
        return String::new();
    };
    let format = match shape(first).as_str() {
        "99.99.9999" | "9.9.9999" | "99.9.9999" | "9.99.9999" => "%d.%m.%Y",
        "99.99.99" => "%d.%m.%y",
        "9999-99-99" => "%Y-%m-%d",
        "99-99-9999" => "%d-%m-%Y",
        "99999999" => "%Y%m%d",
        "99/99/9999" | "9/9/9999" | "99/9/9999" | "9/99/9999" => {
            let parts = |v: &str, k: usize| -> u32 {
                v.split('/')
                    .nth(k)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0)
            };
            if values.iter().any(|v| parts(v, 1) > 12) {
                "%m/%d/%Y"
            } else {
                "%d/%m/%Y"
            }
        }
        _ => "",
    };
    format.to_string()
}

/// Reads a CSV export with a mapping.
pub(crate) fn parse(bytes: &[u8], file: &str, mapping: &CsvMapping) -> Result<Parsed, ParseError> {
    let table = read_table(
        bytes,
        file,
        mapping.skip_rows,
        mapping.delimiter,
        usize::MAX,
    )?;
    let mut records = table.records.into_iter();
    let Some((header_line, headers)) = records.next() else {
        return Err(ParseError::new(
            file,
            format!("line {}", mapping.skip_rows + 1),
            "the file has no header row",
        ));
    };
    let names: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    let at_header = |message: String| ParseError::new(file, format!("line {header_line}"), message);
    let find = |name: &str| -> Result<usize, ParseError> {
        let wanted = name.trim().to_lowercase();
        names.iter().position(|h| *h == wanted).ok_or_else(|| {
            at_header(format!(
                "the column \"{}\" is not in the header row (it has: {})",
                name.trim(),
                headers.join(", ")
            ))
        })
    };
    let find_opt = |name: &Option<String>| -> Result<Option<usize>, ParseError> {
        match name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => find(n).map(Some),
            _ => Ok(None),
        }
    };
    if mapping.date.trim().is_empty() {
        return Err(at_header(
            "the column mapping names no date column".to_string(),
        ));
    }
    let date_col = find(&mapping.date)?;
    let value_col = find_opt(&mapping.value_date)?;
    let amount_col = find_opt(&mapping.amount)?;
    let debit_col = find_opt(&mapping.debit)?;
    let credit_col = find_opt(&mapping.credit)?;
    if amount_col.is_none() && debit_col.is_none() && credit_col.is_none() {
        return Err(at_header(
            "the column mapping names no amount column (one signed amount, or debit and credit)"
                .to_string(),
        ));
    }
    let direction_col = find_opt(&mapping.direction)?;
    let currency_col = find_opt(&mapping.currency)?;
    let default_currency = match mapping.default_currency.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => Some(currency_cell(c).ok_or_else(|| {
            at_header(format!(
                "the default currency \"{}\" is not a 3-letter code",
                text::shown(c)
            ))
        })?),
        _ => None,
    };
    if currency_col.is_none() && default_currency.is_none() {
        return Err(at_header(
            "no currency: map a currency column or set a default currency".to_string(),
        ));
    }
    let name_col = find_opt(&mapping.counterparty)?;
    let iban_col = find_opt(&mapping.counterparty_iban)?;
    let bic_col = find_opt(&mapping.counterparty_bic)?;
    let reference_col = find_opt(&mapping.reference)?;
    let e2e_col = find_opt(&mapping.end_to_end_id)?;
    let account_col = find_opt(&mapping.account_iban)?;
    let remittance_cols: Vec<usize> = match mapping.remittance.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => match find(r) {
            Ok(i) => vec![i],
            Err(e) => {
                let parts: Vec<&str> = r.split('+').filter(|p| !p.trim().is_empty()).collect();
                if parts.len() < 2 {
                    return Err(e);
                }
                parts.into_iter().map(find).collect::<Result<_, _>>()?
            }
        },
        _ => Vec::new(),
    };

    let mut groups: Vec<(String, Vec<Entry>)> = Vec::new();
    for (line, row) in records {
        let at = |message: String| ParseError::new(file, format!("line {line}"), message);
        let cell = |i: usize| row.get(i).map(String::as_str).unwrap_or("");
        let amount_of = |i: usize| -> Result<Option<Decimal>, ParseError> {
            csv_amount(cell(i), mapping.decimal_comma).map_err(|()| {
                at(format!(
                    "the amount \"{}\" in column \"{}\" is not a number{}",
                    text::shown(cell(i)),
                    headers[i],
                    if mapping.decimal_comma {
                        " (expected e.g. -1.234,56)"
                    } else {
                        " (expected e.g. -1234.56)"
                    }
                ))
            })
        };
        let signed = if let Some(i) = amount_col {
            let Some(mut amount) = amount_of(i)? else {
                continue;
            };
            if let Some(d) = direction_col {
                let credit = direction(cell(d)).ok_or_else(|| {
                    at(format!(
                        "the direction \"{}\" is neither debit nor credit (S/H, D/C, Af/Bij, -/+)",
                        text::shown(cell(d))
                    ))
                })?;
                amount = if credit { amount.abs() } else { -amount.abs() };
            } else if mapping.invert_sign {
                amount = -amount;
            }
            amount
        } else {
            let out = debit_col
                .map(amount_of)
                .transpose()?
                .flatten()
                .unwrap_or(Decimal::ZERO);
            let into = credit_col
                .map(amount_of)
                .transpose()?
                .flatten()
                .unwrap_or(Decimal::ZERO);
            if !out.is_zero() && !into.is_zero() {
                return Err(at(
                    "both the debit and the credit column hold an amount; only one may".to_string(),
                ));
            }
            if out.is_zero() {
                into.abs()
            } else {
                -out.abs()
            }
        };
        if signed.is_zero() {
            continue;
        }
        let booking_date = parse_date(cell(date_col), &mapping.date_format).ok_or_else(|| {
            if cell(date_col).is_empty() {
                at("missing booking date".to_string())
            } else {
                at(format!(
                    "the date \"{}\" is not a date{}",
                    text::shown(cell(date_col)),
                    if mapping.date_format.is_empty() {
                        String::new()
                    } else {
                        format!(" in the format {}", mapping.date_format)
                    }
                ))
            }
        })?;
        let value_date = value_col.and_then(|i| parse_date(cell(i), &mapping.date_format));
        let currency = match currency_col.map(cell).filter(|c| !c.is_empty()) {
            Some(c) => currency_cell(c).ok_or_else(|| {
                at(format!(
                    "the currency \"{}\" is not a 3-letter code",
                    text::shown(c)
                ))
            })?,
            None => default_currency.clone().ok_or_else(|| {
                at("the currency cell is empty and no default currency is set".to_string())
            })?,
        };
        let mut remittance = String::new();
        for &i in &remittance_cols {
            text::push_spaced(&mut remittance, cell(i));
        }
        let entry = Entry {
            booking_date,
            value_date,
            amount: signed.abs(),
            currency,
            credit: signed > Decimal::ZERO,
            reversal: false,
            is_return: false,
            return_reason: None,
            counterparty_name: name_col
                .map(|i| text::collapse_spaces(cell(i)))
                .unwrap_or_default(),
            counterparty_iban: iban_col.and_then(|i| text::iban(cell(i))),
            counterparty_bic: bic_col.and_then(|i| text::bic(cell(i))),
            remittance: text::collapse_spaces(&remittance),
            creditor_reference: reference_col
                .map(|i| text::compact_upper(cell(i)))
                .filter(|r| !r.is_empty()),
            end_to_end_id: e2e_col.and_then(|i| text::end_to_end(cell(i))),
            bank_reference: None,
            bank_code: None,
            location: format!("line {line}"),
        };
        let account = account_col
            .map(|i| text::compact_upper(cell(i)))
            .unwrap_or_default();
        match groups.iter_mut().find(|(a, _)| *a == account) {
            Some((_, entries)) => entries.push(entry),
            None => groups.push((account, vec![entry])),
        }
    }
    if groups.is_empty() {
        groups.push((String::new(), Vec::new()));
    }
    let statements = groups
        .into_iter()
        .map(|(account, entries)| {
            let iban = text::is_iban_shaped(&account).then(|| account.clone());
            let mut currencies = entries.iter().map(|e| e.currency.as_str());
            let first = currencies.next();
            let currency = match first {
                Some(c) if currencies.all(|x| x == c) => Some(c.to_string()),
                None => default_currency.clone(),
                _ => None,
            };
            Statement {
                account_other: (iban.is_none() && !account.is_empty()).then_some(account),
                account_iban: iban,
                currency,
                statement_id: String::new(),
                sequence: None,
                from: entries.iter().map(|e| e.booking_date).min(),
                to: entries.iter().map(|e| e.booking_date).max(),
                opening: None,
                closing: None,
                entries,
            }
        })
        .collect();
    Ok(Parsed {
        format: Format::Csv,
        encoding: table.encoding,
        statements,
    })
}

/// "S"/"H", "D"/"C", "Af"/"Bij", "Soll"/"Haben", "Debit"/"Credit", "-"/"+": true = credit.
fn direction(v: &str) -> Option<bool> {
    match normalise_header(v).as_str() {
        "h" | "c" | "cr" | "crdt" | "credit" | "haben" | "bij" | "+" | "in" | "gutschrift" => {
            Some(true)
        }
        "s" | "d" | "dr" | "dbit" | "debit" | "soll" | "af" | "-" | "out" | "lastschrift"
        | "belastung" => Some(false),
        _ => None,
    }
}

fn currency_cell(c: &str) -> Option<String> {
    match c.trim() {
        "€" => Some("EUR".to_string()),
        "$" => Some("USD".to_string()),
        "£" => Some("GBP".to_string()),
        c => text::currency(c),
    }
}

/// A CSV amount: "1.234,56" with `decimal_comma`, "1,234.56" without; signs "-12",
/// "12-", "(12)", "−12"; currency codes or symbols around it are dropped. Empty is `None`.
fn csv_amount(cell: &str, decimal_comma: bool) -> Result<Option<Decimal>, ()> {
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let core = trimmed.trim_matches(|c: char| {
        c.is_alphabetic() || c.is_whitespace() || matches!(c, '€' | '$' | '£')
    });
    if core.is_empty() {
        return Err(());
    }
    let mut negative = false;
    let mut s: String = core
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = s[1..s.len() - 1].to_string();
    }
    if let Some(rest) = s.strip_suffix('-') {
        negative = !negative;
        s = rest.to_string();
    } else if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.to_string();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.to_string();
    }
    let s = if decimal_comma {
        s.replace('.', "").replace(',', ".")
    } else {
        s.replace(',', "")
    };
    let value = text::decimal_dot(&s).ok_or(())?;
    if s.starts_with(['-', '+']) {
        return Err(()); // a second sign
    }
    Ok(Some(if negative { -value } else { value }))
}

fn parse_date(cell: &str, format: &str) -> Option<NaiveDate> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    let first_word = cell.split_whitespace().next().unwrap_or(cell);
    let plausible = |d: NaiveDate| (1970..=2100).contains(&d.year());
    let try_format = |f: &str| {
        NaiveDate::parse_from_str(cell, f)
            .ok()
            .or_else(|| NaiveDate::parse_from_str(first_word, f).ok())
            .filter(|d| plausible(*d))
    };
    if !format.trim().is_empty() {
        return try_format(format.trim());
    }
    AUTO_DATE_FORMATS.iter().find_map(|f| try_format(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts() {
        assert_eq!(csv_amount("1.234,56", true), Ok(Some(dec!(1234.56))));
        assert_eq!(csv_amount("-1.234,56 €", true), Ok(Some(dec!(-1234.56))));
        assert_eq!(csv_amount("12,50-", true), Ok(Some(dec!(-12.50))));
        assert_eq!(csv_amount("(1,234.50)", false), Ok(Some(dec!(-1234.50))));
        assert_eq!(csv_amount("", true), Ok(None));
        assert_eq!(csv_amount("12x,5", true), Err(()));
        assert_eq!(csv_amount("--5", true), Err(()));
    }

    #[test]
    fn quotes() {
        assert_eq!(unterminated_quote("a;b\n\"x;y\n1;2\n", b';'), Some(2));
        assert_eq!(
            unterminated_quote("a;\"b\"\"c\"\n\"multi\nline\";2\n", b';'),
            None
        );
        assert_eq!(unterminated_quote("a;b\"c\n", b';'), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff_delimiter("Datum;Betrag;Text\n01.03.2024;\"1,50\";x\n"),
            Some(b';')
        );
        assert_eq!(
            sniff_delimiter("Date,Amount\n2024-03-01,1.50\n"),
            Some(b',')
        );
        assert_eq!(
            sniff_delimiter("Date\tAmount\n2024-03-01\t1.50\n"),
            Some(b'\t')
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("01.03.24", ""),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(
            parse_date("01.03.2024 10:15", ""),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(parse_date("2024-03-01", "%d.%m.%Y"), None);
    }
}
