//! ISO 11649 RF creditor references: `"RF"`, two check digits, and a body of 1 to 21
//! letters and digits, e.g. `RF18539007547034` (printed `RF18 5390 0754 7034`).
//!
//! The check digits are ISO 7064 MOD 97-10 exactly as ISO 11649 computes them: append
//! `"RF00"` to the body, turn every letter into two digits (A = 10 .. Z = 35), and take
//! `98 - (that number mod 97)`, written with two digits. A reference is valid when its
//! check digits are exactly the ones [`from_body`] computes (so the alternative spellings
//! `00`, `01` and `99`, which pass the bare "mod 97 = 1" test, are refused).
//!
//! What the check catches: every change of one digit into another digit and of one letter
//! into another letter, and every change of the check digits or of `"RF"`. Because a
//! letter stands for two digits and a digit for one, swapping a letter for a digit (or the
//! reverse) changes the number's length and slips through about once in 300 tries
//! (`RF55KAH03CYZV7W3HGKT6EV` with the `Z` read as a `6` still passes). That is the
//! standard's limit, not this code's.
//!
//! Overdue gives every invoice and every debtor a reference:
//! - an invoice's body is its number reduced to letters and digits ([`invoice_body`]),
//!   falling back to `"I"` + the invoice's database id when that does not fit;
//! - a debtor's body is `"K"` + the debtor's database id ([`debtor_body`]), for one payment
//!   that covers several invoices (a statement, a payment plan). `K` for *Kunde*/customer;
//!   a letter keeps the debtor references apart from all-digit invoice numbers.

use crate::text::fold_for_search;

/// Longest body ISO 11649 allows.
pub const MAX_BODY_LEN: usize = 21;

/// Longest reference: `"RF"` + 2 check digits + 21 characters.
pub const MAX_LEN: usize = 4 + MAX_BODY_LEN;

/// `n mod 97` of the digit string the characters stand for (A = 10 .. Z = 35), folded in
/// one character at a time so no big integer is needed.
fn mod97(chars: impl Iterator<Item = u8>, start: u32) -> u32 {
    chars.fold(start, |acc, c| match c {
        b'0'..=b'9' => (acc * 10 + u32::from(c - b'0')) % 97,
        b'A'..=b'Z' => (acc * 100 + u32::from(c - b'A') + 10) % 97,
        // Callers pass checked [A-Z0-9] only.
        _ => acc,
    })
}

/// The two check digits of a body that is already uppercase `[A-Z0-9]`.
fn check_digits(body: &str) -> u32 {
    let n = mod97(body.bytes().chain(*b"RF00"), 0);
    98 - n
}

fn is_body(body: &str) -> bool {
    (1..=MAX_BODY_LEN).contains(&body.len())
        && body
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `"RF"` + 2 check digits + `body` (1 to 21 letters and digits, uppercased first).
///
/// `None` when the body is empty, longer than 21 characters, or holds anything but ASCII
/// letters and digits after uppercasing (spaces included: pass the body, not a printed
/// reference).
pub fn from_body(body: &str) -> Option<String> {
    let upper = body.to_ascii_uppercase();
    if !is_body(&upper) {
        return None;
    }
    Some(format!("RF{:02}{upper}", check_digits(&upper)))
}

/// Letters and digits of `text`, uppercased, with accented Latin letters transliterated
/// (`"Ä"` -> `"A"`, `"ß"` -> `"SS"`, `"Ł"` -> `"L"`); everything else dropped.
pub(crate) fn compress(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    compress_into(text, &mut out);
    out
}

/// [`compress`], appended to `out` (the match book keeps every number in one string).
pub(crate) fn compress_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        // Nothing to transliterate (most invoice numbers): one pass, no allocation.
        out.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_uppercase())),
        );
        return;
    }
    out.extend(
        fold_for_search(text)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase()),
    );
}

/// The body an invoice number maps to: the number uppercased with only ASCII letters and
/// digits kept (accented letters transliterated: `"Ä"` -> `"A"`, `"ß"` -> `"SS"`,
/// `"Ł"` -> `"L"`). When that is empty or longer than 21 characters, `"I"` + the invoice's
/// database id (`"IM"` + the id without its sign for a negative id, which a database
/// never hands out, so that the result is always a valid body).
pub fn invoice_body(number: &str, invoice_id: i64) -> String {
    let body = compress(number);
    if is_body(&body) {
        body
    } else {
        id_body('I', invoice_id)
    }
}

/// A debtor's body: `"K"` + the debtor's database id in decimal, e.g. `"K42"` (`"KM"` +
/// the id without its sign for a negative id).
///
/// Used for one payment that covers several invoices of the debtor. An invoice whose own
/// number reduces to the same text (an invoice numbered `"K-42"`) wins when a payment is
/// matched: the invoice is the more specific reading.
pub fn debtor_body(debtor_id: i64) -> String {
    id_body('K', debtor_id)
}

fn id_body(letter: char, id: i64) -> String {
    // i64::MIN has 19 digits: "IM" + 19 = 21 characters, still a valid body.
    if id < 0 {
        format!("{letter}M{}", id.unsigned_abs())
    } else {
        format!("{letter}{id}")
    }
}

/// The debtor id a body names when it is a [`debtor_body`].
pub(crate) fn debtor_id_of_body(body: &str) -> Option<i64> {
    id_of_body('K', body)
}

/// The id in a body `letter` + id, written exactly as [`invoice_body`]'s fallback and
/// [`debtor_body`] write it (`"K042"` is not debtor 42's body).
pub(crate) fn id_of_body(letter: char, body: &str) -> Option<i64> {
    let rest = body.strip_prefix(letter)?;
    let (negative, digits) = match rest.strip_prefix('M') {
        Some(d) => (true, d),
        None => (false, rest),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id = if negative {
        0i64.checked_sub_unsigned(digits.parse::<u64>().ok()?)?
    } else {
        digits.parse().ok()?
    };
    (id_body(letter, id) == body).then_some(id)
}

/// The reference of an invoice: [`from_body`] of [`invoice_body`].
pub fn for_invoice(number: &str, invoice_id: i64) -> String {
    from_body(&invoice_body(number, invoice_id))
        .expect("invoice_body always returns 1 to 21 uppercase letters and digits")
}

/// The reference of a debtor: [`from_body`] of [`debtor_body`], e.g. `RF..K42`.
pub fn for_debtor(debtor_id: i64) -> String {
    from_body(&debtor_body(debtor_id))
        .expect("debtor_body always returns 1 to 21 uppercase letters and digits")
}

/// The reference a demand for `invoices` (number, id) quotes: the invoice's own when it
/// names one invoice, the debtor's when it names several (the matcher then reads it as
/// "these open invoices of this debtor").
pub fn for_demand(invoices: &[(&str, i64)], debtor_id: i64) -> String {
    match invoices {
        [(number, id)] => for_invoice(number, *id),
        _ => for_debtor(debtor_id),
    }
}

/// Grouped in fours for print: `"RF18 5390 0754 7034"`. Spaces already in `rf` are
/// dropped first and letters uppercased, so a reference can be regrouped.
pub fn grouped(rf: &str) -> String {
    group_in_fours(rf)
}

/// Any identifier (reference, IBAN) without its whitespace, uppercased, in groups of four.
pub(crate) fn group_in_fours(text: &str) -> String {
    let compact: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.iter().enumerate() {
        if i > 0 && i.is_multiple_of(4) {
            out.push(' ');
        }
        out.push(*c);
    }
    out
}

/// Reads a reference as a bank may deliver it (`"RF18 5390 0754 7034"`,
/// `"rf18539007547034"`, with any whitespace): `Some((normalised, body))`, e.g.
/// `("RF18539007547034", "539007547034")`, when it is a syntactically valid RF reference
/// with CORRECT check digits; `None` otherwise.
pub fn parse_valid(text: &str) -> Option<(String, String)> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() < 5 || compact.len() > MAX_LEN || !compact.is_ascii() {
        return None;
    }
    let body = compact.get(4..)?;
    let expected = from_body(body)?;
    (expected == compact).then(|| (compact.clone(), body.to_string()))
}

/// Finds RF references inside free text (a remittance line): every `"RF"` + 2 digits +
/// a run of letters and digits, written solid (`RF18539007547034`) or grouped in fours as
/// printed, with single spaces between the groups (`RF18 5390 0754 7034`), in any case.
/// Returns the ones whose check digits are valid, normalised (`"RF18539007547034"`), in
/// the order they appear, each once.
///
/// Where a printed reference runs straight into the next word (`RF18 5390 0754 7034 INV`)
/// the longest reading that ends at a word boundary and passes the check wins.
pub fn find_in_text(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (rf, _) in find_spans(text) {
        if !found.contains(&rf) {
            found.push(rf);
        }
    }
    found
}

/// Every valid reference in `text` with the byte range it was written in.
pub(crate) fn find_spans(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let starts_rf = bytes[i].eq_ignore_ascii_case(&b'R')
            && bytes[i + 1].eq_ignore_ascii_case(&b'F')
            && bytes[i + 2].is_ascii_digit()
            && bytes[i + 3].is_ascii_digit();
        if !starts_rf {
            i += 1;
            continue;
        }
        match longest_valid_at(bytes, i) {
            Some((rf, end)) => {
                found.push((rf, i..end));
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

/// Letters and digits in a row from `from`.
fn word_len(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()
}

/// From `start` (which holds `RF` + 2 digits), the longest valid reference that ends at a
/// word boundary, with the byte index after it.
fn longest_valid_at(bytes: &[u8], start: usize) -> Option<(String, usize)> {
    let mut compact = String::with_capacity(MAX_LEN);
    // (length of `compact`, byte index after it) at every word boundary reached.
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut j = start;
    while j < bytes.len() && compact.len() <= MAX_LEN {
        let b = bytes[j];
        if b.is_ascii_alphanumeric() {
            compact.push(char::from(b.to_ascii_uppercase()));
            j += 1;
            let boundary = j == bytes.len() || !bytes[j].is_ascii_alphanumeric();
            if boundary && compact.len() >= 5 {
                ends.push((compact.len(), j));
            }
        } else if b == b' '
            && compact.len().is_multiple_of(4)
            && (1..=4).contains(&word_len(bytes, j + 1))
        {
            // A space between print groups: the next group has four characters at most
            // (a longer word after a reference is not part of it).
            j += 1;
        } else {
            break;
        }
    }
    ends.iter()
        .rev()
        .filter(|(len, _)| *len <= MAX_LEN)
        .find_map(|(len, end)| {
            let candidate = &compact[..*len];
            parse_valid(candidate).map(|(rf, _)| (rf, *end))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example() {
        assert_eq!(
            from_body("539007547034").as_deref(),
            Some("RF18539007547034")
        );
    }

    #[test]
    fn debtor_ids_read_back_only_in_canonical_form() {
        assert_eq!(debtor_id_of_body("K42"), Some(42));
        assert_eq!(debtor_id_of_body(&debtor_body(-7)), Some(-7));
        assert_eq!(debtor_id_of_body(&debtor_body(i64::MIN)), Some(i64::MIN));
        assert_eq!(debtor_id_of_body("K042"), None);
        assert_eq!(debtor_id_of_body("KM0"), None);
        assert_eq!(debtor_id_of_body("K"), None);
        assert_eq!(debtor_id_of_body("KA1"), None);
    }
}
