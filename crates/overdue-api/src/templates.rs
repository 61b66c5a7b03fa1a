//! Reminder and letter templates (minijinja) with merge fields.
//!
//! Shipped texts exist for every email level of the default policy in English and
//! German; a user-edited template (stored per key and language) replaces the shipped one.
//! Rendering is strict: a template that names a field the context does not have fails —
//! and [`validate`] renders every template against a sample context when it is saved, so
//! the failure shows in the editor, never at send time.
//!
//! Merge fields (see [`MessageContext`]): `debtor.*`, `contact.*`, `invoices` (a list of
//! `number`, `issue_date`, `due_date`, `days_overdue`, `open`, `interest`, `compensation`),
//! `total`, `currency`, `interest.*` (`amount`, `compensation`, `basis`, `claimed`),
//! `grand_total`, `payment.*` (`account_holder`, `bank_name`, `iban`, `bic`,
//! `reference`), `deadline`, `sender.*`, `level.*`, `as_of`.

// serde's derives expand to code naming f64 in generic content handling; no field here is
// a float.
#![allow(clippy::disallowed_types)]

use crate::template_env::environment;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, ErrorCode, FieldErrorDto};

/// The debtor as templates see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeDebtor {
    /// Name.
    pub name: String,
    /// Customer number.
    pub reference: String,
    /// Address lines, postal code and city, country, one per line.
    pub address: String,
    /// True for a private person.
    pub consumer: bool,
}

/// The contact person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeContact {
    /// Name ("" when none: templates greet generically).
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// One invoice line of the table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeInvoiceLine {
    /// Number.
    pub number: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Days past due (negative before due).
    #[ts(type = "number")]
    pub days_overdue: i64,
    /// Open balance (decimal string).
    pub open: String,
    /// Interest claimed on it ("0.00" when none).
    pub interest: String,
    /// Fixed compensation claimed on it ("0.00" when none).
    pub compensation: String,
}

/// Interest and fees claimed, with their basis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeInterest {
    /// True when interest or compensation is claimed in this message.
    pub claimed: bool,
    /// Interest total.
    pub amount: String,
    /// Fixed compensation / fees total.
    pub compensation: String,
    /// The legal basis in words.
    pub basis: String,
    /// True when a fixed compensation or fee is claimed (its line is printed).
    pub compensation_claimed: bool,
    /// The day interest is worked out to when the reference rate after it is not yet
    /// published ("" when interest runs to the message's date).
    pub to: String,
}

/// How to pay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergePayment {
    /// Account holder.
    pub account_holder: String,
    /// Bank.
    pub bank_name: String,
    /// IBAN ("" when the account has none).
    pub iban: String,
    /// BIC / SWIFT.
    pub bic: String,
    /// A domestic account where there is no IBAN: "Sort code 12-34-56, account 12345678"
    /// or "Routing 021000021, account 12345678" ("" when none).
    #[serde(default)]
    pub account: String,
    /// Reference the debtor should quote.
    pub reference: String,
}

/// Who sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeSender {
    /// Company name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Postal address.
    pub address: String,
}

/// The dunning level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeLevel {
    /// Level number.
    #[ts(type = "number")]
    pub number: u32,
    /// Level name.
    pub name: String,
}

/// The reminders already on record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeHistory {
    /// True when a reminder or demand was sent or printed before this message.
    pub reminded: bool,
    /// Their dates in the debtor's conventions ("3 November 2026 and 17 November 2026").
    pub dates: String,
}

/// Everything a template may use. Amounts and dates are written in the debtor's
/// conventions ("3.915,90" and "16.12.2026" in German).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageContext {
    /// The debtor.
    pub debtor: MergeDebtor,
    /// The contact.
    pub contact: MergeContact,
    /// The invoices named, oldest due first.
    pub invoices: Vec<MergeInvoiceLine>,
    /// Open total of the invoices.
    pub total: String,
    /// Currency code.
    pub currency: String,
    /// Interest and fees.
    pub interest: MergeInterest,
    /// Total + interest + compensation.
    pub grand_total: String,
    /// Payment instructions.
    pub payment: MergePayment,
    /// Pay-by date ("" when the level sets none).
    pub deadline: String,
    /// Sender.
    pub sender: MergeSender,
    /// Level.
    pub level: MergeLevel,
    /// Run date.
    pub as_of: String,
    /// Reminders already sent or printed: the wording follows them.
    pub history: MergeHistory,
}

impl MessageContext {
    /// A context with every field filled, for validating a template when it is saved.
    pub fn sample() -> MessageContext {
        MessageContext {
            debtor: MergeDebtor {
                name: "Sample Trading Ltd".into(),
                reference: "C-1001".into(),
                address: "1 High Street\nAB1 2CD London\nGB".into(),
                consumer: false,
            },
            contact: MergeContact {
                name: "Alex Sample".into(),
                email: "alex@example.com".into(),
                phone: "+44 20 0000 0000".into(),
            },
            invoices: vec![MergeInvoiceLine {
                number: "INV-1".into(),
                issue_date: "2026-01-01".into(),
                due_date: "2026-01-31".into(),
                days_overdue: 14,
                open: "100.00".into(),
                interest: "0.35".into(),
                compensation: "40.00".into(),
            }],
            total: "100.00".into(),
            currency: "EUR".into(),
            interest: MergeInterest {
                claimed: true,
                amount: "0.35".into(),
                compensation: "40.00".into(),
                basis: "Sample basis".into(),
                compensation_claimed: true,
                to: String::new(),
            },
            grand_total: "140.35".into(),
            payment: MergePayment {
                account_holder: "Your Company".into(),
                bank_name: "Bank".into(),
                iban: "DE00 0000 0000 0000 0000 00".into(),
                bic: "BANKDEFFXXX".into(),
                account: String::new(),
                reference: "C-1001".into(),
            },
            deadline: "2026-02-24".into(),
            sender: MergeSender {
                name: "Your Company".into(),
                email: "billing@example.com".into(),
                phone: "+49 30 000000".into(),
                address: "Street 1\n10115 Berlin".into(),
            },
            level: MergeLevel {
                number: 2,
                name: "Reminder".into(),
            },
            as_of: "2026-02-14".into(),
            history: MergeHistory {
                reminded: true,
                dates: "31 January 2026".into(),
            },
        }
    }
}

/// A template's two parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningTemplateDto {
    /// Template key (`reminder`, ...).
    pub key: String,
    /// Language code (`en`, `de`).
    pub language: String,
    /// Subject line template.
    pub subject: String,
    /// Body template (plain text).
    pub body: String,
    /// True when this is the shipped text (no edited version is saved).
    pub shipped: bool,
    /// The version read (0: the shipped text; one more with every save): saving with it
    /// is refused (`stale`, naming who saved in between) when someone saved the template
    /// since. `null` saves over whatever it is now.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub version: Option<i64>,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DunningMessage {
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
}

/// The email levels shipped in every catalog (`email_<key>_subject` / `_body`).
const SHIPPED_KEYS: &[&str] = &[
    "friendly_reminder",
    "reminder",
    "second_reminder",
    "final_demand",
];

/// The shipped template for a key in a language, from that language's catalog
/// (`crates/overdue-docs/i18n/<language>.toml`); a language without a catalog gets
/// English.
pub fn shipped(key: &str, language: &str) -> Option<DunningTemplateDto> {
    if !SHIPPED_KEYS.contains(&key) {
        return None;
    }
    let code = overdue_docs::i18n::resolve(language);
    let text = |part: &str| overdue_docs::i18n::text(code, &format!("email_{key}_{part}"));
    Some(DunningTemplateDto {
        key: key.to_string(),
        language: code.to_string(),
        subject: text("subject").to_string(),
        body: text("body").to_string(),
        version: Some(0),
        shipped: true,
    })
}

/// Every (key, language) shipped.
pub fn shipped_keys() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in SHIPPED_KEYS {
        for language in overdue_docs::i18n::languages() {
            out.push(((*key).to_string(), language.to_string()));
        }
    }
    out
}

/// Renders a template against a context.
pub fn render(subject: &str, body: &str, ctx: &MessageContext) -> Result<DunningMessage, ApiError> {
    let env = environment();
    let one = |field: &str, source: &str| {
        env.render_str(source, ctx)
            .map_err(|e| template_error(field, &e))
    };
    let subject = one("subject", subject)?;
    let body = one("body", body)?;
    Ok(DunningMessage {
        // A subject is one line, whatever the template did.
        subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
        body,
    })
}

fn template_error(field: &str, e: &minijinja::Error) -> ApiError {
    let mut detail = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.to_string());
    if e.kind() == minijinja::ErrorKind::UndefinedError {
        detail = format!("it uses a field that does not exist ({detail})");
    }
    let line = e
        .line()
        .map(|l| format!(" on line {l}"))
        .unwrap_or_default();
    let message = format!("The {field} template cannot be used{line}: {detail}.");
    ApiError {
        code: ErrorCode::Validation,
        message: message.clone(),
        fields: vec![FieldErrorDto {
            field: field.to_string(),
            message,
        }],
    }
}

/// A field a template may use, for the editor's list: what to insert and an example
/// value from the sample context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeFieldDto {
    /// The group it belongs to (`debtor`, `invoices`, `payment` ...; `""` for top level).
    pub group: String,
    /// The name inside the template (`debtor.name`; `invoice.number` for a list item).
    pub name: String,
    /// The text to insert (`{{ debtor.name }}`, or the loop for a list).
    pub insert: String,
    /// An example value (from the sample data).
    pub example: String,
    /// The list whose loop it must stand in (`invoices` for `invoice.number`), or `""`.
    pub inside: String,
}

/// Every field of [`MessageContext`], read from the sample context itself (so the list can
/// never differ from what templates get): lists (the invoices) as a loop plus the fields
/// of one item, used inside it.
pub fn merge_fields() -> Vec<MergeFieldDto> {
    fn scalar(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    fn walk(
        group: &str,
        path: &str,
        inside: &str,
        v: &serde_json::Value,
        out: &mut Vec<MergeFieldDto>,
    ) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    let name = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    let nested = child.is_object() || child.is_array();
                    let group = if group.is_empty() && nested {
                        k.as_str()
                    } else {
                        group
                    };
                    walk(group, &name, inside, child, out);
                }
            }
            serde_json::Value::Array(items) => {
                // `invoices` -> one `invoice` at a time.
                let item = path.strip_suffix('s').unwrap_or("item");
                out.push(MergeFieldDto {
                    group: group.to_string(),
                    name: path.to_string(),
                    insert: format!(
                        "{{% for {item} in {path} %}}\n{{{{ {item}.number }}}}\n{{% endfor %}}"
                    ),
                    example: format!("one line per {item}"),
                    inside: inside.to_string(),
                });
                if let Some(first) = items.first() {
                    walk(group, item, path, first, out);
                }
            }
            serde_json::Value::Bool(_) => out.push(MergeFieldDto {
                group: group.to_string(),
                name: path.to_string(),
                insert: format!("{{% if {path} %}}\n\n{{% endif %}}"),
                example: "yes or no".into(),
                inside: inside.to_string(),
            }),
            leaf => out.push(MergeFieldDto {
                group: group.to_string(),
                name: path.to_string(),
                insert: format!("{{{{ {path} }}}}"),
                example: scalar(leaf),
                inside: inside.to_string(),
            }),
        }
    }
    let sample = serde_json::to_value(MessageContext::sample()).unwrap_or_default();
    let mut out = Vec::new();
    walk("", "", "", &sample, &mut out);
    out
}

/// Checks a template before it is saved: it must parse and render against the sample
/// context, so an unknown field or a syntax error is reported now.
pub fn validate(subject: &str, body: &str) -> Result<(), ApiError> {
    if subject.trim().is_empty() {
        return Err(ApiError::validation(vec![overdue_domain::FieldError::new(
            "subject",
            "Enter a subject.",
        )]));
    }
    render(subject, body, &MessageContext::sample()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `template` fuzz target renders against the sample context as JSON: the file
    /// follows the context's shape (rewritten here when it changed; commit it).
    #[test]
    fn the_fuzz_targets_sample_context_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/template_sample.json");
        let now = serde_json::to_string_pretty(&MessageContext::sample()).unwrap() + "\n";
        if std::fs::read_to_string(&path).ok().as_deref() != Some(now.as_str()) {
            std::fs::write(&path, &now).unwrap();
            panic!("{} was stale and is rewritten: commit it", path.display());
        }
    }

    /// Each field the editor offers renders against the sample as its example says (a list
    /// as its loop), so inserting one can never make a template that fails to save.
    #[test]
    fn every_merge_field_offered_renders() {
        let fields = merge_fields();
        for f in &fields {
            let body = match f.inside.as_str() {
                "" => f.insert.clone(),
                list => format!(
                    "{{% for x in {list} %}}{{% set {} = x %}}{}{{% endfor %}}",
                    f.name.split('.').next().unwrap(),
                    f.insert
                ),
            };
            let r = render("s", &body, &MessageContext::sample())
                .unwrap_or_else(|e| panic!("{}: {}", f.name, e.message));
            if f.insert.starts_with("{{") {
                assert_eq!(r.body.trim(), f.example.trim(), "{}", f.name);
            }
        }
        for must in [
            "debtor.name",
            "invoices",
            "invoice.number",
            "payment.iban",
            "grand_total",
            "level.number",
        ] {
            assert!(fields.iter().any(|f| f.name == must), "{must} is offered");
        }
    }

    #[test]
    fn every_shipped_template_renders_against_the_sample() {
        for (key, lang) in shipped_keys() {
            let t = shipped(&key, &lang).unwrap();
            let r = render(&t.subject, &t.body, &MessageContext::sample())
                .unwrap_or_else(|e| panic!("{key}.{lang}: {}", e.message));
            assert!(r.body.contains("INV-1"), "{key}.{lang} lists the invoices");
            assert!(r.body.contains("DE00 0000"), "{key}.{lang} says how to pay");
        }
    }

    #[test]
    fn an_unknown_field_fails_at_save_time_naming_the_part() {
        let e = validate("Hello {{ debtor.nmae }}", "body").unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(e.fields[0].field, "subject");
        assert!(e.message.contains("does not exist"), "{}", e.message);
        let e = validate("ok", "Dear {{ contact.name }},\n{{ totl }}").unwrap_err();
        assert_eq!(e.fields[0].field, "body");
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(validate("ok", "{% for i in invoices %}{{ i.number }}{% endfor %").is_err());
    }

    #[test]
    fn text_is_not_html_escaped() {
        let mut ctx = MessageContext::sample();
        ctx.debtor.name = "Smith & Sons <Ltd>".into();
        let r = render("{{ debtor.name }}", "{{ debtor.name }}", &ctx).unwrap();
        assert_eq!(r.body, "Smith & Sons <Ltd>");
    }

    #[test]
    fn a_language_without_a_catalog_falls_back_to_english() {
        assert_eq!(shipped("reminder", "fr").unwrap().language, "fr");
        assert_eq!(shipped("reminder", "pl").unwrap().language, "en");
        assert_eq!(shipped("reminder", "de").unwrap().language, "de");
        assert!(shipped("nope", "en").is_none());
    }
}
