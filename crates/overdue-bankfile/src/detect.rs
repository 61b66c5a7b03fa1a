//! Which format a file is, from its content alone.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::decode::decode_prefix;
use crate::model::Format;

/// How much of the file detection looks at.
const PREFIX: usize = 256 * 1024;

/// Detects the format from the content (never from a file name; files often have none or a
/// wrong extension).
///
/// XML by root element and namespace (`camt.053` → [`Format::Camt053`], `camt.054` →
/// [`Format::Camt054`], `<OFX>` → [`Format::Ofx`]); `OFXHEADER:` or `<OFX>` SGML → OFX;
/// `:20:` + `:25:` + `:61:`/`:28C:` tags → MT940 (MT942 when `:13D:`/`:34F:` are present
/// and no `:62F:`); otherwise text with a delimiter-separated header → CSV. `None` when
/// nothing fits (binary garbage, empty).
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let text = decode_prefix(bytes, PREFIX);
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\0');
    if text.is_empty() || looks_binary(text) {
        return None;
    }
    if text.starts_with("OFXHEADER") {
        return Some(Format::Ofx);
    }
    if text.starts_with('<') {
        return xml_root(text);
    }
    if let Some(format) = swift(text, bytes) {
        return Some(format);
    }
    if contains_ignore_case(
        text.as_bytes().get(..4096).unwrap_or(text.as_bytes()),
        b"<OFX>",
    ) {
        return Some(Format::Ofx);
    }
    if looks_like_csv(text) {
        return Some(Format::Csv);
    }
    None
}

/// More than 2% control characters other than line breaks, tabs, form feeds, NUL padding
/// and ^Z: not text.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(8192) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c' | '\0' | '\x1a') {
            control += 1;
        }
        if c == '\u{fffd}' {
            control += 1;
        }
    }
    control * 50 > total
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn xml_root(text: &str) -> Option<Format> {
    let mut reader = Reader::from_str(text);
    let mut seen_document = false;
    let mut namespace = String::new();
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let local = e.local_name().into_inner().to_string();
                for attr in e.attributes().flatten() {
                    if attr.key.into_inner().starts_with("xmlns") {
                        namespace.push_str(&attr.value);
                        namespace.push(' ');
                    }
                }
                match local.as_str() {
                    "OFX" => return Some(Format::Ofx),
                    "BkToCstmrStmt" => return Some(Format::Camt053),
                    "BkToCstmrDbtCdtNtfctn" => return Some(Format::Camt054),
                    "Document" if !seen_document => {
                        seen_document = true;
                        if namespace.contains("camt.053") {
                            return Some(Format::Camt053);
                        }
                        if namespace.contains("camt.054") {
                            return Some(Format::Camt054);
                        }
                    }
                    _ => return None,
                }
            }
            Ok(Event::PI(pi)) if pi.target().eq_ignore_ascii_case("OFX") => {
                return Some(Format::Ofx)
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// A SWIFT tag at the start of a line (or right after a `{4:` block opener).
fn has_tag(text: &str, tag: &str) -> bool {
    text.match_indices(tag).any(|(i, _)| {
        i == 0 || {
            let before = &text[..i];
            before.ends_with('\n') || before.ends_with('\r') || before.ends_with("{4:")
        }
    })
}

fn swift(text: &str, bytes: &[u8]) -> Option<Format> {
    if !(has_tag(text, ":20:") && has_tag(text, ":25:")) {
        return None;
    }
    if !(has_tag(text, ":61:") || has_tag(text, ":28C:") || has_tag(text, ":28:")) {
        return None;
    }
    let interim = has_tag(text, ":13D:") || has_tag(text, ":34F:");
    // ":62F:" closes every MT940 statement, possibly past the prefix: search all bytes.
    let closing = bytes.windows(5).any(|w| w == b":62F:");
    Some(if interim && !closing {
        Format::Mt942
    } else {
        Format::Mt940
    })
}

/// A line with a delimiter, and the following lines (if any) with the same count of it.
fn looks_like_csv(text: &str) -> bool {
    crate::csvfile::sniff_delimiter(text).is_some() || {
        // A preamble (account number, period) before the header: look further down.
        text.lines().take(30).enumerate().skip(1).any(|(i, _)| {
            let rest: usize = text.lines().take(i).map(|l| l.len() + 1).sum();
            text.get(rest..)
                .and_then(crate::csvfile::sniff_delimiter)
                .is_some()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_garbage_are_nothing() {
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"   \n"), None);
        let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(detect(&garbage), None);
    }

    #[test]
    fn camt_by_namespace_any_version() {
        let xml = br#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.13"><BkToCstmrStmt/></Document>"#;
        assert_eq!(detect(xml), Some(Format::Camt053));
        let xml =
            br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><X/></Document>"#;
        assert_eq!(detect(xml), Some(Format::Camt054));
        let xml = br#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt/></Document>"#;
        assert_eq!(detect(xml), None);
    }
}
