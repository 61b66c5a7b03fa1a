//! SWIFT MT940 statements and MT942 interim reports, as real banks write them.
//!
//! A tolerant tag-level reader: the file is cut into `:NN:` fields (continuation lines
//! belong to the field above), each `:20:` starts a statement, and `:61:`/`:86:` pairs
//! become entries. SWIFT block headers, `-` trailers, preamble lines and stray control
//! bytes are skipped. `:86:` is read in the German structured form (`166?00...?20...`),
//! the Dutch tag form (`/TRTP/.../REMI/...`) or as free text.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

use crate::decode::decode;
use crate::model::{Balance, Entry, Format, ParseError, Parsed, Statement};
use crate::text;

/// German GVCs of returns: returned direct debits (108, 109) and returned transfers (159).
pub(crate) fn is_return_gvc(gvc: &str) -> bool {
    matches!(gvc, "108" | "109" | "159")
}

/// A `:NN:` field and its continuation lines.
#[derive(Debug)]
struct Field {
    tag: String,
    line: usize,
    lines: Vec<String>,
}

/// One cleaned physical line of the file with its 1-based number.
fn lines(text: &str) -> impl Iterator<Item = (usize, Cow<'_, str>)> {
    let mut rest = text;
    let mut no = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        no += 1;
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let mut next = end;
        if rest[end..].starts_with("\r\n") {
            next += 2;
        } else if end < rest.len() {
            next += 1;
        }
        rest = &rest[next..];
        // Stray bytes: NUL padding, ^Z end-of-file marks, form feeds, a BOM in the middle.
        let clean = if line.chars().any(|c| c.is_control() || c == '\u{feff}') {
            Cow::Owned(
                line.chars()
                    .filter_map(|c| match c {
                        '\t' => Some(' '),
                        c if c.is_control() || c == '\u{feff}' => None,
                        c => Some(c),
                    })
                    .collect(),
            )
        } else {
            Cow::Borrowed(line)
        };
        Some((no, clean))
    })
}

/// `:20:`, `:28C:`, `:60F:` at the start of a line: (tag, rest of the line).
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 4 || b[0] != b':' || !b[1].is_ascii_digit() || !b[2].is_ascii_digit() {
        return None;
    }
    if b[3] == b':' {
        return Some((&line[1..3], &line[4..]));
    }
    if b.len() >= 5 && b[3].is_ascii_uppercase() && b[4] == b':' {
        return Some((&line[1..4], &line[5..]));
    }
    None
}

/// Cuts the text into statements, each a list of fields starting with `:20:`.
fn statements(text: &str) -> Vec<Vec<Field>> {
    let mut groups: Vec<Vec<Field>> = Vec::new();
    let mut open = false;
    for (no, line) in lines(text) {
        let mut line: &str = &line;
        if let Some(pos) = line.find("{4:") {
            line = &line[pos + 3..];
        } else if line.starts_with('{') {
            continue;
        }
        let trimmed = line.trim();
        if trimmed == "-" || trimmed.starts_with("-}") {
            open = false;
            continue;
        }
        if let Some((tag, rest)) = split_tag(line) {
            if tag == "20" {
                groups.push(Vec::new());
                open = true;
            }
            if open {
                if let Some(group) = groups.last_mut() {
                    group.push(Field {
                        tag: tag.to_string(),
                        line: no,
                        lines: vec![rest.to_string()],
                    });
                }
            }
        } else if open && !trimmed.is_empty() {
            if let Some(field) = groups.last_mut().and_then(|g| g.last_mut()) {
                field.lines.push(line.to_string());
            }
        }
    }
    groups
}

pub(crate) fn parse(bytes: &[u8], file: &str, format: Format) -> Result<Parsed, ParseError> {
    let decoded = decode(bytes);
    let groups = statements(&decoded.text);
    if groups.is_empty() {
        return Err(ParseError::new(
            file,
            "line 1",
            "not a bank statement: no :20: tag (an MT940/MT942 statement starts with one)",
        ));
    }
    let statements = groups
        .iter()
        .map(|fields| statement(fields, file))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Parsed {
        format,
        encoding: decoded.encoding_name(),
        statements,
    })
}

fn at(line: usize) -> String {
    format!("line {line}")
}

fn statement(fields: &[Field], file: &str) -> Result<Statement, ParseError> {
    let err = |line: usize, message: String| ParseError::new(file, at(line), message);
    let first_line = fields.first().map_or(1, |f| f.line);
    let mut reference = String::new();
    let mut sequence = None;
    let mut account: Option<(Option<String>, Option<String>, Option<String>)> = None;
    let mut opening: Option<Balance> = None;
    let mut closing: Option<Balance> = None;
    let mut other_currency: Option<String> = None;
    let mut interim_date: Option<NaiveDate> = None;
    let mut entries: Vec<Entry> = Vec::new();
    // The last field was a :61: whose :86: may follow.
    let mut awaiting_details = false;

    for field in fields {
        let value = field.lines[0].trim();
        let mut details_next = false;
        match field.tag.as_str() {
            "20" => reference = value.to_string(),
            "25" => account = Some(read_account(&field.lines.concat())),
            "28C" | "28" => sequence = Some(value.to_string()).filter(|s| !s.is_empty()),
            "60F" | "60M" => {
                let b = balance(value).map_err(|m| err(field.line, m))?;
                opening.get_or_insert(b);
            }
            "62F" | "62M" => closing = Some(balance(value).map_err(|m| err(field.line, m))?),
            "64" | "65" => {
                other_currency =
                    other_currency.or_else(|| value.get(7..10).and_then(text::currency));
            }
            "90D" | "90C" => {
                let currency = value.trim_start_matches(|c: char| c.is_ascii_digit());
                other_currency =
                    other_currency.or_else(|| currency.get(..3).and_then(text::currency));
            }
            "34F" => {
                other_currency = other_currency.or_else(|| value.get(..3).and_then(text::currency));
            }
            "13D" | "13" => interim_date = value.get(..6).and_then(text::yymmdd),
            "61" => {
                entries.push(entry_61(field).map_err(|m| err(field.line, m))?);
                details_next = true;
            }
            "86" if awaiting_details => {
                if let Some(entry) = entries.last_mut() {
                    apply_86(entry, &field.lines);
                }
            }
            _ => {}
        }
        awaiting_details = details_next;
    }

    let Some((iban, other, account_currency)) = account else {
        return Err(err(
            first_line,
            "the statement has no account (:25: tag)".to_string(),
        ));
    };
    let currency = opening
        .as_ref()
        .map(|b| b.currency.clone())
        .or_else(|| closing.as_ref().map(|b| b.currency.clone()))
        .or(account_currency)
        .or(other_currency);
    if !entries.is_empty() {
        let Some(currency) = currency.as_ref() else {
            return Err(err(
                first_line,
                "cannot tell the currency of this statement: it has no :60F: balance".to_string(),
            ));
        };
        for entry in &mut entries {
            entry.currency.clone_from(currency);
        }
    }
    Ok(Statement {
        account_iban: iban,
        account_other: other,
        currency,
        statement_id: match &sequence {
            Some(seq) => format!("{reference}/{seq}"),
            None => reference,
        },
        sequence,
        from: opening.as_ref().map(|b| b.date),
        to: closing.as_ref().map(|b| b.date).or(interim_date),
        opening,
        closing,
        entries,
    })
}

/// `:25:` as an IBAN, "BLZ/account", or either with a trailing currency
/// ("NL91ABNA0417164300EUR"). Returns (iban, other, currency).
fn read_account(value: &str) -> (Option<String>, Option<String>, Option<String>) {
    let compact = text::compact_upper(value);
    let mut body = compact.as_str();
    let mut currency = None;
    let b = body.as_bytes();
    if b.len() > 3
        && b[b.len() - 3..].iter().all(u8::is_ascii_uppercase)
        && b[b.len() - 4].is_ascii_digit()
        && !text::iban_checksum_ok(body)
    {
        currency = Some(body[body.len() - 3..].to_string());
        body = &body[..body.len() - 3];
    }
    if text::is_iban_shaped(body) {
        (Some(body.to_string()), None, currency)
    } else {
        let as_written = value.trim();
        let as_written = match &currency {
            Some(c) => as_written
                .strip_suffix(c.as_str())
                .unwrap_or(as_written)
                .trim(),
            None => as_written,
        };
        (None, Some(as_written.to_string()), currency)
    }
}

/// `:60F:C240301EUR1234,56`: mark, date, currency, amount.
fn balance(value: &str) -> Result<Balance, String> {
    let bad = || {
        format!(
            "the balance \"{}\" is not readable (expected e.g. C240301EUR1234,56)",
            text::shown(value)
        )
    };
    let debit = match value.as_bytes().first() {
        Some(b'C') => false,
        Some(b'D') => true,
        _ => return Err(bad()),
    };
    let date = value.get(1..7).and_then(text::yymmdd).ok_or_else(bad)?;
    let currency = value.get(7..10).and_then(text::currency).ok_or_else(bad)?;
    let amount_text = value.get(10..).unwrap_or("").trim();
    let amount = text::decimal_swift(amount_text).ok_or_else(|| {
        format!(
            "the amount \"{}\" is not a number",
            text::shown(amount_text)
        )
    })?;
    Ok(Balance {
        amount: if debit { -amount } else { amount },
        currency,
        date,
    })
}

/// The day and month of a booking date take the year that puts them nearest the value date.
fn near_year(value: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    [value.year(), value.year() - 1, value.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - value).num_days().abs())
}

/// `:61:` value date, [entry date], mark, [funds code], amount, type, reference[//bank ref],
/// then the supplementary line.
fn entry_61(field: &Field) -> Result<Entry, String> {
    let s = field.lines[0].trim();
    let value_text = s.get(..6).unwrap_or(s);
    let value_date = text::yymmdd(value_text).ok_or_else(|| {
        format!(
            "the value date \"{}\" in :61: is not a date (expected YYMMDD)",
            text::shown(value_text)
        )
    })?;
    let mut rest = &s[6..];
    let mut booking_date = value_date;
    if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        let (month, day) = (
            text::digits(&rest.as_bytes()[..2]).unwrap_or(0),
            text::digits(&rest.as_bytes()[2..4]).unwrap_or(0),
        );
        booking_date = near_year(value_date, month, day).ok_or_else(|| {
            format!(
                "the booking date \"{}\" in :61: is not a date (expected MMDD)",
                &rest[..4]
            )
        })?;
        rest = &rest[4..];
    }
    let (credit, reversal, mark_len) = if rest.starts_with("RC") {
        (false, true, 2)
    } else if rest.starts_with("RD") {
        (true, true, 2)
    } else if rest.starts_with("EC") {
        (true, false, 2)
    } else if rest.starts_with("ED") {
        (false, false, 2)
    } else if rest.starts_with('C') {
        (true, false, 1)
    } else if rest.starts_with('D') {
        (false, false, 1)
    } else {
        return Err(format!(
            "the entry \"{}\" has no C or D (credit or debit) mark after its date",
            text::shown(s)
        ));
    };
    rest = &rest[mark_len..];
    // Funds code: the third letter of the currency code, before the amount.
    if let [letter, next, ..] = rest.as_bytes() {
        if letter.is_ascii_uppercase() && (next.is_ascii_digit() || *next == b',') {
            rest = &rest[1..];
        }
    }
    let amount_end = rest.find(['N', 'F', 'S']).unwrap_or(rest.len());
    let amount_text = &rest[..amount_end];
    let amount = text::decimal_swift(amount_text.trim()).ok_or_else(|| {
        format!(
            "the amount \"{}\" is not a number",
            text::shown(amount_text)
        )
    })?;
    rest = &rest[amount_end..];
    let mut bank_code = None;
    if rest.len() >= 4 && rest.is_char_boundary(4) {
        bank_code = Some(rest[..4].to_string());
        rest = &rest[4..];
    }
    let bank_reference = rest
        .find("//")
        .map(|i| rest[i + 2..].trim().to_string())
        .filter(|r| !r.is_empty());
    let supplementary = field.lines.get(1).map(|l| l.trim()).unwrap_or("");
    Ok(Entry {
        booking_date,
        value_date: Some(value_date),
        amount: amount.abs(),
        currency: String::new(),
        credit,
        reversal,
        is_return: false,
        return_reason: None,
        counterparty_name: String::new(),
        // Rabobank writes the other party's account on the supplementary line.
        counterparty_iban: text::iban(supplementary),
        counterparty_bic: None,
        remittance: String::new(),
        creditor_reference: None,
        end_to_end_id: None,
        bank_reference,
        bank_code,
        location: at(field.line),
    })
}

/// Fills an entry from its `:86:` lines.
fn apply_86(entry: &mut Entry, lines: &[String]) {
    let first = lines[0].as_str();
    // Some banks break the line right after the GVC ("166" / "?00..."): look at the
    // joined text.
    let joined = lines.concat();
    let b = joined.as_bytes();
    let german = b.len() >= 6
        && b[..3].iter().all(u8::is_ascii_digit)
        && !b[3].is_ascii_alphanumeric()
        && b[3] != b' '
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit();
    if german {
        // Subfields run across physical lines: continuation lines join without the break.
        german_86(entry, &joined);
    } else if first.starts_with('/') && dutch_tags(&joined).next().is_some() {
        dutch_86(entry, &joined);
    } else {
        let joined = text::collapse_spaces(&lines.join(" "));
        if has_return_word(&joined, true) {
            entry.is_return = true;
        }
        if entry.is_return {
            entry.return_reason = text::return_reason(&joined);
        }
        if let Some(rf) = text::rf_reference(&joined) {
            entry.creditor_reference = Some(rf);
        }
        entry.remittance = joined;
    }
}

/// Words that name a return in booking texts; "Retoure" only where the bank wrote it
/// (the booking text), never in the payer's own remittance text.
fn has_return_word(text: &str, include_retoure: bool) -> bool {
    let upper = text.to_uppercase();
    [
        "RÜCKLASTSCHRIFT",
        "RUECKLASTSCHRIFT",
        "RUCKLASTSCHRIFT",
        "RÜCKÜBERWEISUNG",
        "RUECKUEBERWEISUNG",
        "RÜCKBELASTUNG",
        "RUECKBELASTUNG",
    ]
    .iter()
    .any(|w| upper.contains(w))
        || (include_retoure && upper.contains("RETOURE"))
        || upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "RTRN")
}

const SEPA_KEYS: [&str; 12] = [
    "EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC",
];

/// `166?00SEPA-GUTSCHRIFT?109310?20EREF+...?21...?30BIC?31IBAN?32Name?60...`.
fn german_86(entry: &mut Entry, text: &str) {
    let gvc = &text[..3];
    let sep = text[3..].chars().next().unwrap_or('?');
    let mut subfields: Vec<(u32, &str)> = Vec::new();
    let body = &text[3..];
    let mut starts: Vec<usize> = body
        .match_indices(sep)
        .map(|(i, _)| i)
        .filter(|&i| {
            let d = body.as_bytes();
            d.len() > i + 2 && d[i + 1].is_ascii_digit() && d[i + 2].is_ascii_digit()
        })
        .collect();
    starts.push(body.len());
    for w in starts.windows(2) {
        let (start, end) = (w[0], w[1]);
        let code = text::digits(&body.as_bytes()[start + 1..start + 3]).unwrap_or(99);
        subfields.push((code, &body[start + 3..end]));
    }
    let get = |code: u32| {
        subfields
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let booking_text = get(0).unwrap_or("");

    // Remittance subfields, ?20-?29 then ?60-?63, each up to 27 characters: a full one was
    // cut mid-text by the bank, a shorter one ended a line.
    let mut chunks: Vec<&(u32, &str)> = subfields
        .iter()
        .filter(|(c, _)| (20..=29).contains(c) || (60..=63).contains(c))
        .collect();
    chunks.sort_by_key(|(c, _)| *c);
    let mut joined = String::new();
    let mut chunk_starts = Vec::new();
    let mut previous_full = false;
    for (_, value) in chunks {
        if !joined.is_empty() && !previous_full {
            joined.push(' ');
        }
        chunk_starts.push(joined.len());
        joined.push_str(value);
        previous_full = value.chars().count() >= 27;
    }
    let segments = sepa_segments(&joined, &chunk_starts);
    let mut remittance = String::new();
    let mut svwz: Option<String> = None;
    for (key, value) in &segments {
        match *key {
            None => text::push_spaced(&mut remittance, value),
            Some("SVWZ") => {
                text::push_spaced(&mut remittance, value);
                text::push_spaced(svwz.get_or_insert_with(String::new), value);
            }
            Some("EREF") => entry.end_to_end_id = text::end_to_end(value),
            Some("IBAN") => {
                entry.counterparty_iban = entry.counterparty_iban.take().or(text::iban(value))
            }
            Some("BIC") => entry.counterparty_bic = text::bic(value),
            _ => {}
        }
    }
    let remittance = text::collapse_spaces(&remittance);
    let whole = svwz.as_deref().unwrap_or(&remittance);
    entry.creditor_reference = text::rf_reference(whole);

    if let Some(name) = get(32) {
        let mut name = name.to_string();
        if let Some(more) = get(33) {
            if name.chars().count() < 27 {
                name.push(' ');
            }
            name.push_str(more);
        }
        entry.counterparty_name = text::collapse_spaces(&name);
    }
    if let Some(account) = get(31).or(get(38)) {
        if let Some(iban) = text::iban(account) {
            entry.counterparty_iban = Some(iban);
        }
    }
    if let Some(bank) = get(30) {
        if let Some(bic) = text::bic(bank) {
            entry.counterparty_bic = Some(bic);
        }
    }
    entry.is_return = is_return_gvc(gvc)
        || has_return_word(booking_text, true)
        || has_return_word(&remittance, false);
    if entry.is_return {
        entry.return_reason = text::return_reason(&joined);
    }
    entry.bank_code = Some(gvc.to_string());
    entry.remittance = remittance;
}

/// Splits SEPA remittance text at its identifiers ("EREF+", "SVWZ+", ...), which start a
/// subfield or follow a space.
fn sepa_segments<'t>(
    joined: &'t str,
    chunk_starts: &[usize],
) -> Vec<(Option<&'static str>, &'t str)> {
    let mut marks: Vec<(usize, &'static str)> = Vec::new();
    for key in SEPA_KEYS {
        for (i, _) in joined.match_indices(key) {
            let plus = joined.as_bytes().get(i + key.len()) == Some(&b'+');
            let boundary = i == 0 || chunk_starts.contains(&i) || joined.as_bytes()[i - 1] == b' ';
            if plus && boundary {
                marks.push((i, key));
            }
        }
    }
    marks.sort_unstable();
    let mut out = Vec::new();
    let first = marks.first().map_or(joined.len(), |m| m.0);
    if first > 0 {
        out.push((None, joined[..first].trim()));
    }
    for (k, (start, key)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(joined.len(), |m| m.0);
        let from = (start + key.len() + 1).min(end);
        out.push((Some(*key), joined[from..end].trim()));
    }
    out
}

const DUTCH_TAGS: [&str; 28] = [
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "MARF", "CSID", "CNTP", "ORDP", "BENM", "ULTC",
    "ULTD", "ULTB", "RTRN", "PURP", "ISDT", "CREF", "SVCL", "ADDR", "ID", "FX", "INFO", "PREF",
    "NRTX", "BUSP", "IREF", "CHGS",
];

/// The known `/TAG/` marks of a Dutch `:86:`, as (position, tag).
fn dutch_tags(text: &str) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    text.match_indices('/').filter_map(move |(i, _)| {
        let after = &text[i + 1..];
        DUTCH_TAGS
            .iter()
            .find(|t| after.starts_with(**t) && after[t.len()..].starts_with('/'))
            .map(|t| (i, *t))
    })
}

/// `/TRTP/SEPA OVERBOEKING/IBAN/NL91.../BIC/ABNANL2A/NAME/J JANSEN/REMI/.../EREF/...`.
fn dutch_86(entry: &mut Entry, text: &str) {
    let marks: Vec<(usize, &str)> = dutch_tags(text).collect();
    let mut kind = String::new();
    for (k, (start, tag)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(text.len(), |m| m.0);
        let value_start = (start + tag.len() + 2).min(end);
        let value = text[value_start..end].trim();
        let value = value.strip_suffix('/').unwrap_or(value).trim();
        match *tag {
            "TRTP" => kind = value.to_uppercase(),
            "NAME" if entry.counterparty_name.is_empty() => {
                entry.counterparty_name = text::collapse_spaces(value)
            }
            "IBAN" => {
                entry.counterparty_iban = text::iban(value).or(entry.counterparty_iban.take())
            }
            "BIC" => entry.counterparty_bic = text::bic(value),
            "CNTP" => {
                let mut parts = value.split('/');
                if let Some(iban) = parts.next().and_then(text::iban) {
                    entry.counterparty_iban = Some(iban);
                }
                if let Some(bic) = parts.next().and_then(text::bic) {
                    entry.counterparty_bic = Some(bic);
                }
                if let Some(name) = parts.next().filter(|n| !n.trim().is_empty()) {
                    entry.counterparty_name = text::collapse_spaces(name);
                }
            }
            "EREF" => entry.end_to_end_id = text::end_to_end(value),
            "REMI" => {
                let remittance = if let Some(free) = value.strip_prefix("USTD//") {
                    free
                } else if let Some(structured) = value.strip_prefix("STRD/") {
                    // STRD/<issuer>/<reference>, issuer "CUR" (Currence) or "ISO".
                    let reference = structured.split_once('/').map_or(structured, |(_, r)| r);
                    entry.creditor_reference = Some(text::compact_upper(reference));
                    reference
                } else {
                    value
                };
                entry.remittance = text::collapse_spaces(remittance);
            }
            "RTRN" => {
                entry.is_return = true;
                let code = value.split('/').next().unwrap_or("").trim();
                if !code.is_empty() {
                    entry.return_reason = Some(code.to_string());
                }
            }
            _ => {}
        }
    }
    if ["RETOUR", "TERUGBOEKING", "STORNO"]
        .iter()
        .any(|w| kind.contains(w))
    {
        entry.is_return = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_forms() {
        assert_eq!(
            read_account("NL91ABNA0417164300EUR"),
            (Some("NL91ABNA0417164300".into()), None, Some("EUR".into()))
        );
        assert_eq!(
            read_account("10020030/1234567"),
            (None, Some("10020030/1234567".into()), None)
        );
        assert_eq!(
            read_account("DE89370400440532013000"),
            (Some("DE89370400440532013000".into()), None, None)
        );
    }

    #[test]
    fn booking_date_crosses_the_year_end() {
        let value = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        assert_eq!(
            near_year(value, 12, 31),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
        let value = NaiveDate::from_ymd_opt(2023, 12, 29).unwrap();
        assert_eq!(near_year(value, 1, 2), NaiveDate::from_ymd_opt(2024, 1, 2));
    }

    #[test]
    fn tags() {
        assert_eq!(split_tag(":28C:00001/001"), Some(("28C", "00001/001")));
        assert_eq!(split_tag(":940:"), None);
        assert_eq!(split_tag("?20EREF+"), None);
    }
}
