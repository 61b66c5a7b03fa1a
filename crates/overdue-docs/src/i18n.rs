//! Translation catalogs: one TOML file per language in `crates/overdue-docs/i18n/`, named by
//! its ISO 639-1 code, holding every text a debtor reads (letter phrases with `{name}`
//! placeholders, and the shipped reminder emails as minijinja templates). English is the
//! reference: every catalog has exactly its keys (checked by a test, so CI fails on a
//! missing or extra key), and a language without a catalog falls back to English.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// (code, TOML text) of every catalog, listed by the build script.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

/// The language every other catalog is checked against and falls back to.
pub const REFERENCE: &str = "en";

struct Catalog {
    code: &'static str,
    texts: BTreeMap<String, String>,
}

static CATALOGS: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(code, text)| Catalog {
            code,
            texts: parse(text).unwrap_or_else(|e| panic!("i18n/{code}.toml: {e}")),
        })
        .collect()
});

/// A catalog's texts by key; every value must be a string.
fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => {
                // A multi-line string starts on the line after its quotes.
                Ok((k, s))
            }
            other => Err(format!("{k}: expected a string, got {}", other.type_str())),
        })
        .collect()
}

fn catalog(code: &str) -> Option<&'static Catalog> {
    CATALOGS.iter().find(|c| c.code == code)
}

/// The language codes there is a catalog for, sorted.
pub fn languages() -> Vec<&'static str> {
    CATALOGS.iter().map(|c| c.code).collect()
}

/// The catalog language used for `code` ("de-AT" and "DE" read as "de"): the code itself
/// when there is a catalog, else English.
pub fn resolve(code: &str) -> &'static str {
    let base = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    catalog(&base).map_or(REFERENCE, |c| c.code)
}

/// Whether there is a catalog for `code` (after [`resolve`]'s normalisation).
pub fn has(code: &str) -> bool {
    let base = code.trim().split(['-', '_']).next().unwrap_or("");
    catalog(&base.to_ascii_lowercase()).is_some()
}

/// The text for `key` in `code`'s catalog, else in English, else the key itself (which a
/// test rules out for every key the code uses).
pub fn text(code: &str, key: &str) -> &'static str {
    let lookup = |c: &str| {
        catalog(c)
            .and_then(|c| c.texts.get(key))
            .map(String::as_str)
    };
    lookup(resolve(code))
        .or_else(|| lookup(REFERENCE))
        .unwrap_or("")
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// [`text`] then [`fill`].
pub fn t(code: &str, key: &str, values: &[(&str, &str)]) -> String {
    fill(text(code, key), values)
}

/// The `{placeholders}` a letter text uses (emails use minijinja and are checked by
/// rendering), for the catalog check.
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        if after.starts_with('{') || after.starts_with('%') {
            rest = &after[1..];
            continue;
        }
        match after.find('}') {
            Some(end)
                if after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every problem with the catalogs: keys missing from or extra to a catalog compared with
/// English, and letter texts whose placeholders differ from English's. Empty when sound.
pub fn check() -> Vec<String> {
    let mut problems = Vec::new();
    let Some(reference) = catalog(REFERENCE) else {
        return vec!["there is no English catalog (i18n/en.toml)".to_string()];
    };
    for c in CATALOGS.iter().filter(|c| c.code != REFERENCE) {
        for (key, en) in &reference.texts {
            match c.texts.get(key) {
                None => problems.push(format!("i18n/{}.toml: missing key {key}", c.code)),
                Some(text) if !key.starts_with("email_") => {
                    if placeholders(text) != placeholders(en) {
                        problems.push(format!(
                            "i18n/{}.toml: {key} uses {:?}, English uses {:?}",
                            c.code,
                            placeholders(text),
                            placeholders(en)
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        for key in c.texts.keys() {
            if !reference.texts.contains_key(key) {
                problems.push(format!(
                    "i18n/{}.toml: key {key} is not in i18n/en.toml",
                    c.code
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_has_every_key_with_the_same_placeholders() {
        assert!(languages().contains(&"en"));
        assert!(languages().contains(&"de"));
        assert!(languages().contains(&"fr"));
        assert_eq!(check(), Vec::<String>::new());
    }

    #[test]
    fn unknown_languages_fall_back_to_english_and_regions_to_their_language() {
        assert_eq!(resolve("pl"), "en");
        assert_eq!(resolve("de-AT"), "de");
        assert_eq!(resolve("FR"), "fr");
        assert!(!has("pl"));
        assert_eq!(text("pl", "closing"), "Yours sincerely,");
        assert_eq!(
            t("fr", "page", &[("page", "1"), ("pages", "2")]),
            "Page 1 sur 2"
        );
    }

    #[test]
    fn placeholders_ignore_templates() {
        assert_eq!(placeholders("{a} {{ b }} {% c %} {d_e}"), vec!["a", "d_e"]);
    }
}
