//! The normal forms the matcher compares: invoice-number keys, name tokens, IBANs.

use crate::text::fold_for_search;

/// An IBAN as the matcher stores and compares it: uppercase letters and digits only
/// (`"de89 3704-0044"` -> `"DE8937040044"`).
pub fn normalise_iban(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Strips the leading zeros of every digit run of an uppercase `[A-Z0-9]` string
/// (`"INV0001042"` -> `"INV1042"`; a run of zeros only becomes `"0"`).
pub(crate) fn strip_zeros(compressed: &str) -> String {
    let bytes = compressed.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &compressed[start..i];
            let trimmed = run.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        } else {
            out.push(char::from(bytes[i]));
            i += 1;
        }
    }
    out
}

/// The last digit run of an uppercase `[A-Z0-9]` string with its leading zeros stripped
/// (`"INV0001042B"` -> `"1042"`, `"X000"` -> `"0"`): the `digits` of its
/// [`NumberKey`], without building the key. `None` when it holds no digit.
pub(crate) fn tail_digits(compressed: &str) -> Option<&str> {
    let bytes = compressed.as_bytes();
    let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
    let start = bytes[..end]
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let run = &compressed[start..end];
    let trimmed = run.trim_start_matches('0');
    Some(if trimmed.is_empty() {
        &run[run.len() - 1..]
    } else {
        trimmed
    })
}

/// An invoice number's key split around its last digit run: `"INV-0001042-B"` ->
/// prefix `"INV"`, digits `"1042"`, suffix `"B"` (all uppercase, leading zeros of digit
/// runs stripped). `None` when the number holds no digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberKey {
    /// Everything before the last digit run (ends with a letter, or is empty).
    pub prefix: String,
    /// The last digit run, leading zeros stripped.
    pub digits: String,
    /// The letters after it.
    pub suffix: String,
}

impl NumberKey {
    /// From an already compressed (`[A-Z0-9]`) number.
    pub fn of_compressed(compressed: &str) -> Option<NumberKey> {
        let key = strip_zeros(compressed);
        let bytes = key.as_bytes();
        let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
        let start = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        Some(NumberKey {
            prefix: key[..start].to_string(),
            digits: key[start..end].to_string(),
            suffix: key[end..].to_string(),
        })
    }

    /// Characters in the whole key.
    pub fn len(&self) -> usize {
        self.prefix.len() + self.digits.len() + self.suffix.len()
    }
}

/// What separated two characters of a text that was compressed to letters and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Nothing: the characters were adjacent.
    None,
    /// Characters that join the parts of one number: `.` `/` `-` `_` `:` `'`.
    Joiner,
    /// Anything else (spaces, commas, semicolons, `+`, `&`): the parts are separate words.
    Break,
}

/// A text reduced to uppercase letters and digits (accents transliterated), remembering
/// what separated each character from the one before it.
#[derive(Debug, Clone)]
pub(crate) struct CompressedText {
    /// Uppercase `[A-Z0-9]` bytes.
    pub chars: Vec<u8>,
    /// `gaps[i]`: what stood between `chars[i - 1]` and `chars[i]` (`gaps[0]` is what
    /// stood before the first character).
    pub gaps: Vec<Gap>,
    /// The whole text with the leading zeros of its digit runs stripped, for comparing
    /// the letters and digits before a number with an invoice number's prefix.
    pub normalised: String,
    /// Byte index into `normalised` for every index into `chars` (one more than `chars`).
    pub normalised_at: Vec<usize>,
}

impl CompressedText {
    pub fn new(text: &str) -> CompressedText {
        let mut chars = Vec::with_capacity(text.len());
        let mut gaps = Vec::with_capacity(text.len());
        let mut gap = Gap::None;
        for c in fold_for_search(text).chars() {
            if c.is_ascii_alphanumeric() {
                chars.push(c.to_ascii_uppercase() as u8);
                gaps.push(gap);
                gap = Gap::None;
            } else {
                let this = match c {
                    '.' | '/' | '-' | '_' | ':' | '\'' => Gap::Joiner,
                    _ => Gap::Break,
                };
                // A break anywhere in a run of separators ("1042 - 1043") makes it a break.
                if gap != Gap::Break {
                    gap = this;
                }
            }
        }
        let mut normalised = String::with_capacity(chars.len());
        let mut normalised_at = Vec::with_capacity(chars.len() + 1);
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                // Positions inside a run map to its start; only run edges are compared.
                let at = normalised.len();
                for _ in start..i {
                    normalised_at.push(at);
                }
                let run = std::str::from_utf8(&chars[start..i]).unwrap_or("");
                let trimmed = run.trim_start_matches('0');
                normalised.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            } else {
                normalised_at.push(normalised.len());
                normalised.push(char::from(chars[i]));
                i += 1;
            }
        }
        normalised_at.push(normalised.len());
        CompressedText {
            chars,
            gaps,
            normalised,
            normalised_at,
        }
    }

    /// The compressed text as a string.
    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.chars).unwrap_or("")
    }

    /// The maximal digit runs, as `[start, end)` index pairs.
    pub fn digit_runs(&self) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < self.chars.len() {
            if self.chars[i].is_ascii_digit() {
                let start = i;
                while i < self.chars.len() && self.chars[i].is_ascii_digit() {
                    i += 1;
                }
                runs.push((start, i));
            } else {
                i += 1;
            }
        }
        runs
    }

    /// The normalised text before index `i` (which must be a digit run's start or a
    /// letter's index).
    pub fn normalised_before(&self, i: usize) -> &str {
        &self.normalised[..self.normalised_at[i]]
    }
}

/// Legal forms dropped from names, as single folded tokens (dots already removed, so
/// `"e.K."` is `"ek"` and `"S.A."` is `"sa"`).
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "ohg", "ug", "ltd", "limited", "plc", "llp", "inc", "llc", "corp", "sarl",
    "sas", "sa", "srl", "bv", "nv", "spa", "spzoo", "oy", "ab", "as", "aps", "co", "ek",
];

/// Legal forms written as several tokens.
const LEGAL_FORM_SEQUENCES: &[&[&str]] = &[&["sp", "z", "o", "o"], &["sp", "z", "oo"], &["e", "k"]];

/// A name as a sorted set of tokens: folded (`"Müller"` -> `"muller"`), the German
/// transliterations `ae`/`oe`/`ue` read as `a`/`o`/`u` (so a bank's `"MUELLER"` equals
/// `"Müller"`), dots and apostrophes removed (`"e.K."` -> `"ek"`, `"O'Brien"` ->
/// `"obrien"`), other punctuation splitting words, and legal forms dropped. A name made of
/// legal forms only keeps them.
pub(crate) fn name_tokens(name: &str) -> Vec<String> {
    let folded: String = fold_for_search(name)
        .chars()
        .filter(|c| !matches!(c, '.' | '\'' | '’'))
        .collect();
    let all: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut kept: Vec<&str> = Vec::with_capacity(all.len());
    let mut i = 0;
    'tokens: while i < all.len() {
        for seq in LEGAL_FORM_SEQUENCES {
            if all[i..].starts_with(seq) {
                i += seq.len();
                continue 'tokens;
            }
        }
        if !LEGAL_FORMS.contains(&all[i]) {
            kept.push(all[i]);
        }
        i += 1;
    }
    let chosen = if kept.is_empty() { all } else { kept };
    let mut tokens: Vec<String> = chosen
        .iter()
        .map(|t| t.replace("ae", "a").replace("oe", "o").replace("ue", "u"))
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

#[cfg(test)]
mod tests {
    use super::super::rf::compress;
    use super::*;

    #[test]
    fn number_keys_split_around_the_last_digit_run() {
        let k = NumberKey::of_compressed("INV0001042B").unwrap();
        assert_eq!(
            (k.prefix.as_str(), k.digits.as_str(), k.suffix.as_str()),
            ("INV", "1042", "B")
        );
        let k = NumberKey::of_compressed("20240042").unwrap();
        assert_eq!((k.prefix.as_str(), k.digits.as_str()), ("", "20240042"));
        assert!(NumberKey::of_compressed("ABC").is_none());
        assert_eq!(strip_zeros(&compress("inv 000")), "INV0");
    }

    #[test]
    fn legal_forms_and_transliterations_are_ignored_in_names() {
        assert_eq!(name_tokens("Müller GmbH & Co. KG"), vec!["muller"]);
        assert_eq!(name_tokens("MUELLER GMBH"), vec!["muller"]);
        assert_eq!(name_tokens("Kowalski Sp. z o.o."), vec!["kowalski"]);
        assert_eq!(name_tokens("Meier e. K."), vec!["meier"]);
        assert_eq!(name_tokens("Hans Meier e.K."), vec!["hans", "meier"]);
        assert_eq!(name_tokens("AG"), vec!["ag"]);
    }

    #[test]
    fn compressed_text_remembers_separators() {
        let t = CompressedText::new("INV 1042, 17.03.2025");
        assert_eq!(t.as_str(), "INV104217032025");
        assert_eq!(t.gaps[3], Gap::Break);
        assert_eq!(t.gaps[7], Gap::Break);
        assert_eq!(t.gaps[9], Gap::Joiner);
        assert_eq!(t.digit_runs(), vec![(3, 15)]);
    }
}
