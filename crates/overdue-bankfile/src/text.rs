//! Small shared readers: amounts, dates, IBANs, references, return reasons.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Parses "1234.56", "-12", "+0.5", ".5": digits with at most one '.' and an optional sign.
/// Anything else (exponents, underscores, letters, thousands separators) is `None`.
pub(crate) fn decimal_dot(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut digits = 0;
    let mut dots = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if digits == 0 || dots > 1 || digits > 28 {
        return None;
    }
    if body.starts_with('.') {
        let mut padded = String::with_capacity(s.len() + 1);
        if s.starts_with('-') {
            padded.push('-');
        }
        padded.push('0');
        padded.push_str(body);
        return Decimal::from_str(&padded).ok();
    }
    Decimal::from_str(s.strip_prefix('+').unwrap_or(s)).ok()
}

/// Parses a SWIFT amount: digits with a decimal comma ("1234,56", ",5", "12,"); a lone
/// decimal point is tolerated ("1234.56"), both together are not.
pub(crate) fn decimal_swift(s: &str) -> Option<Decimal> {
    if s.contains(',') && s.contains('.') {
        return None;
    }
    if s.bytes().filter(|b| *b == b',').count() > 1 {
        return None;
    }
    let s = s.replace(',', ".");
    let s = s.strip_suffix('.').unwrap_or(&s);
    decimal_dot(s)
}

/// "2024-03-01" or "2024-03-01T10:00:00+01:00" (the date part).
pub(crate) fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if b.len() > 10 && !matches!(b[10], b'T' | b' ' | b'+' | b'-' | b'Z') {
        return None;
    }
    let y = digits(&b[0..4])?;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// "YYYYMMDD..." (OFX) → the date of the first eight digits.
pub(crate) fn yyyymmdd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 8 {
        return None;
    }
    let y = digits(&b[0..4])?;
    let m = digits(&b[4..6])?;
    let d = digits(&b[6..8])?;
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// "YYMMDD" (SWIFT) → a date in 2000-2069 or 1970-1999.
pub(crate) fn yymmdd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 6 {
        return None;
    }
    let yy = digits(&b[0..2])?;
    let m = digits(&b[2..4])?;
    let d = digits(&b[4..6])?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year as i32, m, d)
}

pub(crate) fn digits(b: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// An ISO 4217 code: three ASCII letters, returned uppercase.
pub(crate) fn currency(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Some(s.to_ascii_uppercase())
    } else {
        None
    }
}

/// Uppercase, all whitespace removed.
pub(crate) fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Has the shape of an IBAN (country letters, check digits, 11 to 30 more alphanumerics);
/// `s` must already be compact and uppercase. Check digits are not verified.
pub(crate) fn is_iban_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    (15..=34).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The normalised IBAN when `s` looks like one.
pub(crate) fn iban(s: &str) -> Option<String> {
    let c = compact_upper(s);
    is_iban_shaped(&c).then_some(c)
}

/// ISO 13616 mod-97 check; `s` compact and uppercase.
pub(crate) fn iban_checksum_ok(s: &str) -> bool {
    if !is_iban_shaped(s) {
        return false;
    }
    let rearranged = s[4..].bytes().chain(s[..4].bytes());
    let mut rem: u32 = 0;
    for b in rearranged {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A BIC (8 or 11 characters: bank, country letters, location, optional branch).
pub(crate) fn bic(s: &str) -> Option<String> {
    let c = compact_upper(s);
    let b = c.as_bytes();
    let ok = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(|c| c.is_ascii_uppercase())
        && b[6..].iter().all(|c| c.is_ascii_alphanumeric());
    ok.then_some(c)
}

/// Text that is exactly an ISO 11649 creditor reference ("RF18 5390 0754 7034"),
/// normalised; check digits are not verified.
pub(crate) fn rf_reference(s: &str) -> Option<String> {
    let c = compact_upper(s);
    let b = c.as_bytes();
    let ok = (5..=25).contains(&b.len())
        && b.starts_with(b"RF")
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
        && b[4..].iter().all(|c| c.is_ascii_alphanumeric());
    ok.then_some(c)
}

/// Trims and collapses every run of whitespace into one space.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Appends `part` to `text` with a single space, skipping empty parts.
pub(crate) fn push_spaced(text: &mut String, part: &str) {
    let part = part.trim();
    if part.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(part);
}

/// An end-to-end id worth keeping (SEPA writes "NOTPROVIDED" when the payer gave none).
pub(crate) fn end_to_end(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("NOTPROVIDED") || s.eq_ignore_ascii_case("NONREF") {
        None
    } else {
        Some(s.to_string())
    }
}

/// A SEPA return reason code ("AC04", "MD06", "MS03") following a keyword such as "RTRN",
/// "Rueckgabegrund" or "reason" in free text.
pub(crate) fn return_reason(text: &str) -> Option<String> {
    const KEYWORDS: [&str; 6] = [
        "RTRN",
        "RUECKGABEGRUND",
        "RÜCKGABEGRUND",
        "RUCKGABEGRUND",
        "REASON",
        "GRUND",
    ];
    let upper = text.to_uppercase();
    for keyword in KEYWORDS {
        let mut from = 0;
        while let Some(pos) = upper[from..].find(keyword) {
            let after = &upper[from + pos + keyword.len()..];
            from += pos + keyword.len();
            if after.starts_with(|c: char| c.is_alphanumeric()) {
                continue; // "GRUNDSTUECK", "REASONABLE": not the keyword
            }
            let token: String = after
                .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if is_reason_code(&token) {
                return Some(token);
            }
        }
    }
    None
}

/// ISO 20022 external return reason codes: two letters and two digits (AC04, MD06) or one
/// of the four-letter ones (FOCR, CUST, DUPL, ...).
pub(crate) fn is_reason_code(s: &str) -> bool {
    const WORDS: [&str; 11] = [
        "AGNT", "CURR", "CUST", "DUPL", "FOCR", "FRAD", "NARR", "NOAS", "NOOR", "TECH", "UPAY",
    ];
    let b = s.as_bytes();
    (b.len() == 4
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit())
        || WORDS.contains(&s)
}

/// Makes a value safe to quote in a message: at most 40 characters, no control characters.
pub(crate) fn shown(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() > 40 {
        let cut: String = clean.chars().take(40).collect();
        format!("{cut}...")
    } else {
        clean.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimal_dot_is_strict() {
        assert_eq!(decimal_dot("-12.50"), Some(dec!(-12.50)));
        assert_eq!(decimal_dot(".5"), Some(dec!(0.5)));
        assert_eq!(decimal_dot("-.5"), Some(dec!(-0.5)));
        assert_eq!(decimal_dot("1_000"), None);
        assert_eq!(decimal_dot("1e5"), None);
        assert_eq!(decimal_dot("1.2.3"), None);
        assert_eq!(decimal_dot(""), None);
        assert_eq!(decimal_dot("-"), None);
    }

    #[test]
    fn swift_amounts() {
        assert_eq!(decimal_swift("1234,56"), Some(dec!(1234.56)));
        assert_eq!(decimal_swift(",5"), Some(dec!(0.5)));
        assert_eq!(decimal_swift("12,"), Some(dec!(12)));
        assert_eq!(decimal_swift("12x,5"), None);
        assert_eq!(decimal_swift("1.234,5"), None);
    }

    #[test]
    fn iban_checks() {
        assert!(iban_checksum_ok("DE89370400440532013000"));
        assert!(iban_checksum_ok("NL91ABNA0417164300"));
        assert!(!iban_checksum_ok("NL91ABNA0417164300EUR"));
        assert_eq!(
            iban("de89 3704 0044 0532 0130 00").as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(iban("10020030/1234567"), None);
    }

    #[test]
    fn reasons() {
        assert_eq!(return_reason("/RTRN/MS03/").as_deref(), Some("MS03"));
        assert_eq!(
            return_reason("Rueckgabegrund: AC04 Konto erloschen").as_deref(),
            Some("AC04")
        );
        assert_eq!(return_reason("Grundstueck Miete"), None);
        assert_eq!(return_reason("a reasonable ABLE"), None);
        assert_eq!(return_reason("Reason: FOCR").as_deref(), Some("FOCR"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            iso_date("2024-03-01T10:00:00+01:00"),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(iso_date("2024-13-01"), None);
        assert_eq!(
            yyyymmdd("20240301120000.000[-5:EST]"),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(yymmdd("991231"), NaiveDate::from_ymd_opt(1999, 12, 31));
    }
}
