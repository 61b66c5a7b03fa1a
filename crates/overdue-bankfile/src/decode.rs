//! Bytes to text: BOM, then valid UTF-8, then a declared charset, else Windows-1252.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// A file's text and the encoding it was decoded from.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
}

impl Decoded<'_> {
    pub fn encoding_name(&self) -> String {
        self.encoding.name().to_string()
    }
}

/// Decodes a whole file.
pub(crate) fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return Decoded {
            text: encoding.decode_without_bom_handling(body).0,
            encoding,
        };
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return Decoded {
            text: encoding.decode_without_bom_handling(bytes).0,
            encoding,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
        };
    }
    // Not UTF-8: a declared UTF-8 is evidently wrong, so it falls back like no declaration.
    let encoding = declared_charset(bytes)
        .filter(|e| *e != UTF_8 && *e != UTF_16LE && *e != UTF_16BE)
        .unwrap_or(WINDOWS_1252);
    Decoded {
        text: encoding.decode_without_bom_handling(bytes).0,
        encoding,
    }
}

/// Decodes at most `max` bytes from the start, for detection: a multi-byte character cut at
/// the end does not make the prefix "not UTF-8".
pub(crate) fn decode_prefix(bytes: &[u8], max: usize) -> Cow<'_, str> {
    let (bom, bytes) = match Encoding::for_bom(bytes) {
        Some((encoding, len)) => (Some(encoding), &bytes[len..]),
        None => (utf16_without_bom(bytes), bytes),
    };
    let prefix = &bytes[..bytes.len().min(max)];
    if let Some(encoding) = bom {
        return Cow::Owned(encoding.decode_without_bom_handling(prefix).0.into_owned());
    }
    match std::str::from_utf8(prefix) {
        Ok(text) => Cow::Borrowed(text),
        Err(e) if e.error_len().is_none() && prefix.len() < bytes.len() => {
            // The cut fell inside a character; the rest is valid.
            Cow::Borrowed(std::str::from_utf8(&prefix[..e.valid_up_to()]).unwrap_or(""))
        }
        Err(_) => WINDOWS_1252.decode_without_bom_handling(prefix).0,
    }
}

/// UTF-16 without a byte-order mark: XML and text start with an ASCII character whose
/// other byte is zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && (*a == b'<' || *a == b':') => Some(UTF_16LE),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && (*a == b'<' || *a == b':') => Some(UTF_16BE),
        _ => None,
    }
}

/// The charset a file declares in its first kilobyte: XML `encoding="..."`, OFX 1.x
/// `CHARSET:1252` or `ENCODING:UTF-8`.
pub(crate) fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head: String = head.iter().map(|&b| b as char).collect();
    if let Some(pos) = head.find("encoding=") {
        let rest = &head[pos + "encoding=".len()..];
        let quote = rest.chars().next()?;
        if quote == '"' || quote == '\'' {
            let value = rest[1..].split(quote).next()?;
            return charset_label(value);
        }
    }
    let mut found = None;
    for line in head.lines() {
        let line = line.trim();
        if let Some(value) = line.strip_prefix("CHARSET:") {
            if let Some(e) = charset_label(value) {
                return Some(e);
            }
        } else if let Some(value) = line.strip_prefix("ENCODING:") {
            found = found.or_else(|| charset_label(value));
        }
        if line.starts_with('<') {
            break;
        }
    }
    found
}

fn charset_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    match label.to_ascii_uppercase().as_str() {
        "1252" | "CP1252" | "8859-1" | "ISO-8859-1" | "LATIN1" => Some(WINDOWS_1252),
        "NONE" | "USASCII" | "US-ASCII" | "ASCII" => None,
        _ => Encoding::for_label(label.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped_and_named() {
        let d = decode(b"\xEF\xBB\xBFabc");
        assert_eq!(d.text, "abc");
        assert_eq!(d.encoding_name(), "UTF-8");
    }

    #[test]
    fn latin1_declared_in_xml_reads_umlauts() {
        let d = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xFCller</a>");
        assert!(d.text.contains("Müller"));
        assert_eq!(d.encoding_name(), "windows-1252");
    }

    #[test]
    fn utf16le_with_bom() {
        let d = decode(b"\xFF\xFE<\0a\0>\0");
        assert_eq!(d.text, "<a>");
        assert_eq!(d.encoding_name(), "UTF-16LE");
    }

    #[test]
    fn prefix_cut_inside_a_character_stays_utf8() {
        let bytes = "aü".as_bytes();
        assert_eq!(decode_prefix(bytes, 2), "a");
    }

    #[test]
    fn ofx_charset_line() {
        assert_eq!(
            declared_charset(b"OFXHEADER:100\nCHARSET:1252\n<OFX>"),
            Some(WINDOWS_1252)
        );
    }
}
