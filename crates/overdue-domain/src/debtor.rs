//! Debtors: who owes the business money, and how to reach them.
//!
//! [`DebtorDraft::validate`] is the single source of the rules a debtor record must
//! follow; the UI mirrors them for instant feedback, the API enforces them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// The legal kind of debtor; it decides which rules apply (consumer protections, B2B
/// compensation, letter-of-claim rules for individuals and sole traders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorKind {
    /// A limited company, partnership or other organisation.
    Company,
    /// A private person (a consumer).
    Individual,
    /// A person trading in their own name.
    SoleTrader,
}

impl DebtorKind {
    /// The storage and CLI spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            DebtorKind::Company => "company",
            DebtorKind::Individual => "individual",
            DebtorKind::SoleTrader => "sole_trader",
        }
    }

    /// Parses the storage/CLI spelling (also accepts `sole-trader`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "company" | "business" => Some(DebtorKind::Company),
            "individual" | "consumer" | "person" => Some(DebtorKind::Individual),
            "sole_trader" => Some(DebtorKind::SoleTrader),
            _ => None,
        }
    }

    /// True when consumer-protection rules apply (no B2B flat compensation, lower DE rate).
    pub fn is_consumer(&self) -> bool {
        matches!(self, DebtorKind::Individual)
    }
}

/// A person at the debtor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Role, e.g. "Accounts payable".
    pub role: String,
    /// Email address (may be empty).
    pub email: String,
    /// Phone number as written (may be empty).
    pub phone: String,
}

/// A postal address as it is printed on a letter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    /// Street lines, one per line, as printed.
    pub lines: String,
    /// Postal code.
    pub postal_code: String,
    /// City or town.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, e.g. "GB", "DE".
    pub country: String,
}

/// A problem with one field of a record, for display next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the form and the API know it (`name`, `contacts[0].email`).
    pub field: String,
    /// What is wrong, in words a user understands.
    pub message: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A debtor as entered, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorDraft {
    /// Company, individual or sole trader.
    pub kind: DebtorKind,
    /// Name as it appears on letters.
    pub name: String,
    /// The business's own reference (customer number), unique when given.
    pub external_ref: String,
    /// People to contact.
    pub contacts: Vec<Contact>,
    /// Postal address.
    pub address: Address,
    /// ISO 639-1 language for letters and emails ("en", "de").
    pub language: String,
    /// Invoicing currency.
    pub currency: Currency,
    /// Days from issue to due date.
    pub payment_terms_days: u32,
    /// Credit limit in the debtor's currency (`None` = no limit set).
    pub credit_limit: Option<Decimal>,
    /// Free tags for filtering.
    pub tags: Vec<String>,
    /// Free notes.
    pub notes: String,
}

/// Languages Overdue ships letters and the UI in.
pub const LANGUAGES: &[&str] = &[
    "en", "de", "fr", "es", "it", "nl", "pl", "cs", "sv", "da", "nb", "tr",
];

/// The letter language a debtor in `country` (ISO 3166-1 alpha-2, any case) is written to
/// when nobody chose one: the country's main official language where Overdue has it
/// (a French company gets French, a Polish one Polish), English otherwise. Countries with
/// several official languages take the one most of their businesses use (Switzerland and
/// Luxembourg German and French: German for CH, French for LU; Belgium Dutch). A language
/// chosen for the debtor always wins over this default.
pub fn language_for_country(country: &str) -> &'static str {
    match country.trim().to_ascii_uppercase().as_str() {
        "DE" | "AT" | "CH" | "LI" => "de",
        "FR" | "MC" | "LU" => "fr",
        "ES" => "es",
        "IT" | "SM" | "VA" => "it",
        "NL" | "BE" | "SR" => "nl",
        "PL" => "pl",
        "CZ" => "cs",
        "SE" => "sv",
        "DK" | "FO" | "GL" => "da",
        "NO" | "SJ" => "nb",
        "TR" => "tr",
        _ => "en",
    }
}

/// A debtor's letter language: the one chosen (any case), or when none was chosen
/// (`""`), its country's ([`language_for_country`]).
pub fn letter_language(chosen: &str, country: &str) -> String {
    match chosen.trim() {
        "" => language_for_country(country).to_string(),
        chosen => chosen.to_ascii_lowercase(),
    }
}

/// Longest name accepted: long enough for any registered company name, short enough
/// for a letter's address window.
pub const MAX_NAME_LEN: usize = 200;
/// Longest payment terms accepted, in days.
pub const MAX_TERMS_DAYS: u32 = 365;

/// An e-mail address a reminder can be sent to: valid by RFC 5322 (the `email_address`
/// crate, which refuses `ap@acme..test`), with a dot in the domain (no intranet names),
/// and one address, not a list.
pub fn plausible_email(s: &str) -> bool {
    let one = !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';');
    one && email_address::EmailAddress::parse_with_options(
        s,
        email_address::Options::default().without_display_text(),
    )
    .is_ok_and(|e| {
        let domain = e.domain();
        domain.contains('.') && !domain.starts_with('[')
    })
}

fn plausible_phone(s: &str) -> bool {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    digits >= 5
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

/// True when `code` looks like an ISO 3166-1 alpha-2 country code.
pub fn plausible_country(code: &str) -> bool {
    code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase())
}

impl DebtorDraft {
    /// Checks every field and returns all problems at once (empty = valid).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errs.push(FieldError::new("name", "Enter the debtor's name."));
        } else if name.chars().count() > MAX_NAME_LEN {
            errs.push(FieldError::new(
                "name",
                format!("The name is too long ({MAX_NAME_LEN} characters at most)."),
            ));
        }
        if self.external_ref.chars().count() > 64 {
            errs.push(FieldError::new(
                "external_ref",
                "The reference is too long (64 at most).",
            ));
        }
        if self.external_ref.chars().any(|c| c.is_control()) {
            errs.push(FieldError::new(
                "external_ref",
                "The reference has control characters.",
            ));
        }
        for (i, c) in self.contacts.iter().enumerate() {
            if c.name.trim().is_empty() && c.email.trim().is_empty() && c.phone.trim().is_empty() {
                errs.push(FieldError::new(
                    format!("contacts[{i}].name"),
                    "Give the contact a name, an email or a phone number, or remove it.",
                ));
            }
            if !c.email.trim().is_empty() && !plausible_email(c.email.trim()) {
                errs.push(FieldError::new(
                    format!("contacts[{i}].email"),
                    format!("\"{}\" is not an email address.", c.email.trim()),
                ));
            }
            if !c.phone.trim().is_empty() && !plausible_phone(c.phone.trim()) {
                errs.push(FieldError::new(
                    format!("contacts[{i}].phone"),
                    format!("\"{}\" is not a phone number.", c.phone.trim()),
                ));
            }
        }
        if !self.address.country.is_empty() && !plausible_country(&self.address.country) {
            errs.push(FieldError::new(
                "address.country",
                "Use the two-letter country code, e.g. GB, DE, FR, US.",
            ));
        }
        if !LANGUAGES.contains(&self.language.as_str()) {
            errs.push(FieldError::new(
                "language",
                format!("Choose one of the languages: {}.", LANGUAGES.join(", ")),
            ));
        }
        if self.payment_terms_days > MAX_TERMS_DAYS {
            errs.push(FieldError::new(
                "payment_terms_days",
                format!("Payment terms must be between 0 and {MAX_TERMS_DAYS} days."),
            ));
        }
        if let Some(limit) = self.credit_limit {
            if limit.is_sign_negative() && !limit.is_zero() {
                errs.push(FieldError::new(
                    "credit_limit",
                    "The credit limit cannot be negative.",
                ));
            } else if limit.scale() > self.currency.minor_units() {
                errs.push(FieldError::new(
                    "credit_limit",
                    format!(
                        "The credit limit has more decimals than {} allows.",
                        self.currency
                    ),
                ));
            }
        }
        for (i, t) in self.tags.iter().enumerate() {
            if t.trim().is_empty() || t.chars().count() > 40 {
                errs.push(FieldError::new(
                    format!("tags[{i}]"),
                    "Tags are 1 to 40 characters.",
                ));
            }
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn draft() -> DebtorDraft {
        DebtorDraft {
            kind: DebtorKind::Company,
            name: "Łukasiewicz Sp. z o.o.".into(),
            external_ref: "C-1".into(),
            contacts: vec![Contact {
                name: "Anna".into(),
                role: "AP".into(),
                email: "anna@example.pl".into(),
                phone: "+48 22 123 45 67".into(),
            }],
            address: Address {
                lines: "ul. Marszałkowska 1".into(),
                postal_code: "00-001".into(),
                city: "Warszawa".into(),
                country: "PL".into(),
            },
            language: "pl".into(),
            currency: Currency::from_code("PLN").unwrap(),
            payment_terms_days: 30,
            credit_limit: Some(dec!(5000.00)),
            tags: vec!["key account".into()],
            notes: String::new(),
        }
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(
            draft().validate(),
            vec![],
            "a realistic non-ASCII debtor must be accepted"
        );
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let mut d = draft();
        d.name = "  ".into();
        d.contacts[0].email = "anna at example".into();
        d.address.country = "Poland".into();
        d.payment_terms_days = 1000;
        d.credit_limit = Some(dec!(-1));
        let fields: Vec<String> = d.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "contacts[0].email",
                "address.country",
                "payment_terms_days",
                "credit_limit"
            ],
            "the form shows each error next to its own field"
        );
    }

    #[test]
    fn kind_parses_cli_spellings() {
        assert_eq!(
            DebtorKind::parse("sole-trader"),
            Some(DebtorKind::SoleTrader)
        );
        assert_eq!(DebtorKind::parse("Company"), Some(DebtorKind::Company));
        assert_eq!(DebtorKind::parse("llc"), None);
    }
}

#[cfg(test)]
mod email_rule {
    use super::plausible_email;

    #[test]
    fn addresses_follow_rfc_5322() {
        for ok in [
            "ap@acme.test",
            "first.last+tag@sub.example.co.uk",
            "o'brien@example.ie",
        ] {
            assert!(plausible_email(ok), "{ok}");
        }
        for bad in [
            "ap@acme..test",
            "ap@.acme.test",
            "ap@acme",
            "a b@acme.test",
            "a@b.test;c@d.test",
            "@acme.test",
            "ap@acme.test.",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod language_default {
    use super::{language_for_country, letter_language, LANGUAGES};

    #[test]
    fn a_chosen_language_wins_over_the_country() {
        assert_eq!(letter_language("EN", "FR"), "en");
        assert_eq!(letter_language(" ", "FR"), "fr");
        assert_eq!(letter_language("", "GB"), "en");
    }

    #[test]
    fn a_debtor_is_written_to_in_its_countrys_language_when_none_was_chosen() {
        for (country, language) in [
            ("FR", "fr"),
            ("fr", "fr"),
            (" DE ", "de"),
            ("AT", "de"),
            ("PL", "pl"),
            ("NL", "nl"),
            ("CZ", "cs"),
            ("NO", "nb"),
            ("GB", "en"),
            ("US", "en"),
            ("JP", "en"),
            ("", "en"),
        ] {
            assert_eq!(language_for_country(country), language, "{country:?}");
        }
    }

    #[test]
    fn every_default_is_a_language_overdue_writes() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let country = String::from_utf8(vec![a, b]).unwrap();
                assert!(
                    LANGUAGES.contains(&language_for_country(&country)),
                    "{country}"
                );
            }
        }
    }
}
