//! Reading an import file's rows: the CSV split into header-mapped rows with their line
//! numbers, and a file in another shape (another delimiter, other header names, decimal
//! commas) rewritten into the canonical one. Pure functions of the bytes: nothing here
//! touches the book, and the file needs only the `csv` crate, so the fuzz target
//! `fuzz/fuzz_targets/import_rows.rs` compiles it in by path and runs it on any bytes.

use std::collections::HashSet;

/// What a file of one kind holds: its canonical header, the columns it needs, and what
/// its rows are called in messages ("invoices").
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The canonical header row.
    pub header: &'static [&'static str],
    /// The columns a file must have.
    pub required: &'static [&'static str],
    /// What the rows are, in messages.
    pub noun: &'static str,
}

/// A debtors file.
pub const DEBTORS: Shape = Shape {
    header: &[
        "external_id",
        "name",
        "kind",
        "email",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
        "currency",
        "payment_terms_days",
        "credit_limit",
        "language",
    ],
    required: &["external_id", "name", "currency"],
    noun: "debtors",
};

/// An invoices file.
pub const INVOICES: Shape = Shape {
    header: &[
        "number",
        "debtor_external_id",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "description",
    ],
    required: &["number", "debtor_external_id", "issue_date", "amount"],
    noun: "invoices",
};

/// A payments file.
pub const PAYMENTS: Shape = Shape {
    header: &[
        "debtor_external_id",
        "date",
        "amount",
        "currency",
        "reference",
        "invoice_number",
    ],
    required: &["debtor_external_id", "date", "amount"],
    noun: "payments",
};

impl Shape {
    /// "a debtors", "an invoices": the noun with its article, before "file".
    fn a_file(&self) -> String {
        let article = if self.noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {}", self.noun)
    }
}

/// A line longer than this is refused (nothing in these files comes near it; a longer one
/// is a wrong file or an attack on memory).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// A field longer than this is refused.
pub const MAX_FIELD_BYTES: usize = 2000;
/// At most this many problems are listed; the message says how many there were in all.
pub const MAX_ERRORS: usize = 200;

/// Collects `file:line: column: what is wrong` entries.
#[derive(Debug)]
pub struct Problems {
    /// The file's name, as the user knows it.
    pub file: String,
    /// The first [`MAX_ERRORS`] problems: line, `file:line: column`, what is wrong.
    pub list: Vec<(u64, String, String)>,
    /// How many problems there were in all.
    pub count: usize,
}

impl Problems {
    /// No problems yet in `file`.
    pub fn new(file: &str) -> Self {
        Problems {
            file: file.to_string(),
            list: Vec::new(),
            count: 0,
        }
    }

    /// Adds one problem.
    pub fn add(&mut self, line: u64, column: &str, what: impl Into<String>) {
        self.count += 1;
        if self.list.len() < MAX_ERRORS {
            self.list
                .push((line, format!("{}:{line}: {column}", self.file), what.into()));
        }
    }
}

/// A header as compared: letters and digits only, lower case.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A row as read: its line, each field (`None` when unreadable) and the column names.
pub type RawRow = (u64, Vec<Option<String>>, Vec<&'static str>);

/// Splits the file into header-mapped rows, reporting encoding, size and shape problems.
pub fn read_rows(kind: &Shape, bytes: &[u8], problems: &mut Problems) -> Vec<RawRow> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        problems.add(
            1,
            "header",
            format!(
                "the file is empty: the first line must be the header {}",
                kind.header.join(",")
            ),
        );
        return Vec::new();
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header: Option<Vec<&'static str>> = None;
    let mut lines = LineCounter::new(bytes);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.add(line, "line", format!("cannot be read as CSV: {e}"));
                break;
            }
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        // From the byte offset: the csv reader's own line count skips blank lines.
        let line = lines.at(start).max(line);
        let end = reader.position().byte() as usize;
        if end.saturating_sub(start) > MAX_LINE_BYTES || record.as_slice().len() > MAX_LINE_BYTES {
            problems.add(
                line,
                "line",
                format!(
                    "is longer than {MAX_LINE_BYTES} bytes: this does not look like a {} file",
                    kind.noun
                ),
            );
            continue;
        }
        let Some(columns) = &header else {
            header = Some(map_header(kind, &record, line, problems));
            if problems.count > 0 {
                return Vec::new();
            }
            continue;
        };
        // A blank line (one empty field) is not a row.
        if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if record.len() != columns.len() {
            // A value that runs over line ends is a quote opened and never closed: the
            // reader took the following lines into it.
            let runaway = record.iter().position(|f| f.contains(&b'\n')).map(|i| {
                columns
                    .get(i)
                    .map_or_else(|| "a value".to_string(), |c| c.to_string())
            });
            let message = match runaway {
                Some(column) => format!(
                    "a quote (\") opens the value of {column} and is never closed, so the lines after it were read as part of that value: close the quote or remove it"
                ),
                None => format!(
                    "has {} fields but the header has {} (a comma inside a value needs quotes)",
                    record.len(),
                    columns.len()
                ),
            };
            problems.add(line, "line", message);
            continue;
        }
        let mut fields = Vec::with_capacity(record.len());
        for (raw, column) in record.iter().zip(columns) {
            if raw.len() > MAX_FIELD_BYTES {
                problems.add(
                    line,
                    column,
                    format!("is longer than {MAX_FIELD_BYTES} bytes"),
                );
                fields.push(None);
                continue;
            }
            match std::str::from_utf8(raw) {
                Ok(s)
                    if s.chars()
                        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
                {
                    problems.add(line, column, "contains control characters");
                    fields.push(None);
                }
                Ok(s) => fields.push(Some(s.to_string())),
                Err(_) => {
                    problems.add(
                        line,
                        column,
                        "is not valid UTF-8 text (save the file as CSV UTF-8)",
                    );
                    fields.push(None);
                }
            }
        }
        out.push((line, fields, columns.clone()));
    }
    if header.is_none() && problems.count == 0 {
        problems.add(1, "header", "the header row is missing");
    }
    out
}

fn map_header(
    kind: &Shape,
    record: &csv::ByteRecord,
    line: u64,
    problems: &mut Problems,
) -> Vec<&'static str> {
    let canonical = kind.header;
    let mut columns = Vec::with_capacity(record.len());
    let mut seen = HashSet::new();
    for raw in record.iter() {
        let Ok(text) = std::str::from_utf8(raw) else {
            problems.add(line, "header", "is not valid UTF-8 text");
            continue;
        };
        let key = normalise(text);
        match canonical.iter().find(|c| normalise(c) == key) {
            Some(c) if !seen.insert(*c) => {
                problems.add(line, c, "appears twice in the header");
            }
            Some(c) => columns.push(*c),
            None => problems.add(
                line,
                &format!("\"{}\"", text.trim()),
                format!(
                    "is not a column of {} file; expected {}",
                    kind.a_file(),
                    canonical.join(",")
                ),
            ),
        }
    }
    for required in kind.required {
        if !columns.contains(required) {
            problems.add(line, required, "column is missing from the header");
        }
    }
    columns
}

/// The delimiter: the one given, or the most frequent of `,` `;` tab on the first line.
pub fn delimiter_of(bytes: &[u8], given: &str) -> Result<u8, String> {
    match given {
        "," => return Ok(b','),
        ";" => return Ok(b';'),
        "\t" | "tab" => return Ok(b'\t'),
        "" => {}
        other => {
            return Err(format!(
                "\"{other}\" is not a delimiter: use a comma, a semicolon or tab"
            ))
        }
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    Ok([b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (count(*d), *d == b','))
        .unwrap_or(b','))
}

/// The header line's fields, as text.
pub fn header_of(bytes: &[u8], delimiter: u8) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Other spellings of the canonical headers seen in exports of accounting software.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "external_id",
        &[
            "id",
            "customerid",
            "customer",
            "customerno",
            "customernumber",
            "account",
            "accountno",
            "kundennummer",
            "debtorid",
            "reference",
            "ref",
        ],
    ),
    (
        "name",
        &[
            "company",
            "companyname",
            "customername",
            "debtor",
            "debtorname",
            "firma",
        ],
    ),
    (
        "debtor_external_id",
        &[
            "customer",
            "customerid",
            "customerno",
            "account",
            "accountno",
            "debtor",
            "debtorid",
            "kundennummer",
            "externalid",
        ],
    ),
    (
        "number",
        &[
            "invoice",
            "invoiceno",
            "invoicenumber",
            "invoicenr",
            "documentno",
            "rechnungsnummer",
            "no",
        ],
    ),
    (
        "issue_date",
        &[
            "date",
            "invoicedate",
            "issued",
            "documentdate",
            "rechnungsdatum",
        ],
    ),
    (
        "due_date",
        &["due", "duedate", "payableby", "faelligkeit", "fälligkeit"],
    ),
    (
        "amount",
        &[
            "total",
            "gross",
            "amountgross",
            "totalamount",
            "sum",
            "betrag",
            "value",
        ],
    ),
    (
        "currency",
        &["cur", "ccy", "currencycode", "waehrung", "währung"],
    ),
    (
        "date",
        &["paymentdate", "paidon", "valuedate", "bookingdate", "datum"],
    ),
    (
        "reference",
        &[
            "paymentreference",
            "remittance",
            "memo",
            "verwendungszweck",
            "ref",
        ],
    ),
    (
        "invoice_number",
        &["invoice", "invoiceno", "invoicenumber", "rechnungsnummer"],
    ),
    ("postal_code", &["zip", "zipcode", "postcode", "plz"]),
    (
        "payment_terms_days",
        &["terms", "paymentterms", "termsdays", "zahlungsziel"],
    ),
    ("credit_limit", &["limit", "creditline", "kreditlimit"]),
    ("language", &["lang", "letterlanguage", "sprache", "langue"]),
    ("email", &["mail", "emailaddress"]),
    ("phone", &["telephone", "tel", "phonenumber", "telefon"]),
    (
        "address",
        &["street", "address1", "addressline", "strasse", "straße"],
    ),
];

/// The file's header that most likely fills `column` ("" when none does).
pub fn suggest(column: &str, headers: &[String]) -> String {
    let key = normalise(column);
    if let Some(h) = headers.iter().find(|h| normalise(h) == key) {
        return h.clone();
    }
    let synonyms = SYNONYMS
        .iter()
        .find(|(c, _)| *c == column)
        .map_or(&[][..], |(_, s)| *s);
    headers
        .iter()
        .find(|h| synonyms.contains(&normalise(h).as_str()))
        .cloned()
        .unwrap_or_default()
}

/// Rewrites a file into the canonical shape (comma-separated, canonical headers, dot
/// decimals), keeping every data row on its original line number so errors still point
/// into the user's file. A canonical file is returned as it is. `mapping` pairs a
/// canonical column with the file's header that fills it ("" = not in the file); an
/// error says what is wrong with the mapping, in words for the user.
pub fn reshape<'a>(
    kind: &Shape,
    bytes: &'a [u8],
    mapping: &[(&str, &str)],
    delimiter: u8,
    decimal_comma: bool,
) -> Result<std::borrow::Cow<'a, [u8]>, String> {
    let mapped: Vec<(&str, &str)> = mapping
        .iter()
        .map(|(column, source)| (*column, source.trim()))
        .filter(|(_, source)| !source.is_empty())
        .collect();
    if mapped.is_empty() && delimiter == b',' && !decimal_comma {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    for (column, _) in &mapped {
        if !kind.header.contains(column) {
            return Err(format!(
                "\"{column}\" is not a column of {} file; expected {}",
                kind.a_file(),
                kind.header.join(",")
            ));
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body);
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::with_capacity(body.len() + 64));
    let mut record = csv::ByteRecord::new();
    // Which source field fills each output column (None: keep the file's own columns).
    let mut picks: Option<Vec<usize>> = None;
    let mut amount_columns: Vec<usize> = Vec::new();
    let mut line_out: u64 = 1;
    let mut lines = LineCounter::new(body);
    // Writing into memory cannot fail for want of space; the message is for completeness.
    let write_err = |e: csv::Error| format!("the rewritten file could not be made: {e}");
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            // Left for the importer to report with its line.
            Err(_) => break,
        }
        let line = lines.at(record.position().map_or(0, |p| p.byte() as usize));
        while line_out < line {
            // A blank line (one empty field), which the importer skips.
            writer.write_record([b"" as &[u8]]).map_err(write_err)?;
            line_out += 1;
        }
        let Some(cols) = &picks else {
            let header: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect();
            let (names, cols): (Vec<String>, Vec<usize>) = if mapped.is_empty() {
                (header.clone(), (0..header.len()).collect())
            } else {
                let mut names = Vec::new();
                let mut cols = Vec::new();
                for (column, source) in &mapped {
                    let Some(i) = header.iter().position(|h| h == source) else {
                        return Err(format!(
                            "The file has no column \"{source}\" (mapped to {column}); its columns are {}",
                            header.join(", ")
                        ));
                    };
                    names.push((*column).to_string());
                    cols.push(i);
                }
                (names, cols)
            };
            amount_columns = names
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(normalise(n).as_str(), "amount" | "creditlimit"))
                .map(|(i, _)| i)
                .collect();
            writer.write_record(&names).map_err(write_err)?;
            line_out += newlines(&names);
            picks = Some(cols);
            continue;
        };
        let fields: Vec<Vec<u8>> = if record.len() == 1 && record[0].is_empty() {
            vec![Vec::new()]
        } else if cols.iter().all(|i| *i < record.len())
            && (mapped.is_empty() || record.len() >= cols.len())
        {
            cols.iter()
                .enumerate()
                .map(|(k, i)| {
                    let f = &record[*i];
                    if decimal_comma && amount_columns.contains(&k) {
                        comma_to_dot(f)
                    } else {
                        f.to_vec()
                    }
                })
                .collect()
        } else {
            // A short row stays short, so the importer reports its field count.
            record.iter().map(<[u8]>::to_vec).collect()
        };
        writer.write_record(&fields).map_err(write_err)?;
        line_out += 1 + fields
            .iter()
            .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
            .sum::<u64>();
    }
    writer
        .into_inner()
        .map(std::borrow::Cow::Owned)
        .map_err(|e| format!("the rewritten file could not be made: {e}"))
}

/// Line numbers of byte offsets, counted forward (offsets must not decrease).
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    /// The 1-based line a record starting at `offset` is on. The csv reader's record
    /// position includes blank lines skipped before the record, so those are passed over.
    fn at(&mut self, offset: usize) -> u64 {
        let mut end = offset.min(self.bytes.len());
        while end < self.bytes.len() && matches!(self.bytes[end], b'\n' | b'\r') {
            end += 1;
        }
        if end > self.pos {
            self.line += self.bytes[self.pos..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.pos = end;
        }
        self.line
    }
}

fn newlines(fields: &[String]) -> u64 {
    1 + fields
        .iter()
        .map(|f| f.matches('\n').count() as u64)
        .sum::<u64>()
}

/// `1.234,56` -> `1234.56`; `-12,5` -> `-12.5`. Anything else is left for the amount check.
fn comma_to_dot(field: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(field);
    let t = text.trim();
    if t.contains(',') {
        t.replace(['.', ' ', '\u{a0}'], "")
            .replace(',', ".")
            .into_bytes()
    } else if t.matches('.').count() >= 1 && t.rsplit('.').next().is_some_and(|d| d.len() == 3) {
        // `1.234` with a decimal comma is one thousand two hundred and thirty-four.
        t.replace('.', "").into_bytes()
    } else {
        field.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_line_numbers() {
        let bad = "Nr;Kunde;Datum;Betrag;Text\nA-1;K-1;2026-03-01;10,00;\"eins\nzwei\"\nA-1b;K-1;2026-03-01;5,00;\n\nA-2;K-9;2026-03-02;zehn;\n";
        let mapping = [("number", "Nr"), ("amount", "Betrag")];
        let out = reshape(&INVOICES, bad.as_bytes(), &mapping, b';', true).unwrap();
        let text = String::from_utf8(out.into_owned()).unwrap();
        assert_eq!(
            text, "number,amount\nA-1,10.00\n\"\"\nA-1b,5.00\n\"\"\nA-2,zehn\n",
            "A-1b stays on line 4 and A-2 on line 6"
        );
    }

    #[test]
    fn a_mapping_to_a_column_the_file_lacks_names_the_files_columns() {
        let err = reshape(
            &INVOICES,
            b"Nr;Betrag\n1;2\n",
            &[("number", "No")],
            b';',
            false,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "The file has no column \"No\" (mapped to number); its columns are Nr, Betrag"
        );
        let err = reshape(&INVOICES, b"Nr\n", &[("colour", "Nr")], b',', false).unwrap_err();
        assert!(
            err.starts_with("\"colour\" is not a column of an invoices file"),
            "{err}"
        );
    }

    #[test]
    fn rows_are_read_with_their_lines_and_problems_name_file_line_and_column() {
        let file = "number,debtor_external_id,issue_date,amount\r\n\r\nA-1,K-1,2026-03-01,10.00\nA-2,K-1\n";
        let mut problems = Problems::new("inv.csv");
        let rows = read_rows(&INVOICES, file.as_bytes(), &mut problems);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 3, "the blank line is counted");
        assert_eq!(problems.count, 1);
        assert_eq!(problems.list[0].0, 4);
        assert_eq!(problems.list[0].1, "inv.csv:4: line");
        assert!(problems.list[0]
            .2
            .starts_with("has 2 fields but the header has 4"));
    }
}
