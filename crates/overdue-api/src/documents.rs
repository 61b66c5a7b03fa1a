//! Documents: gathers the ledger (open invoices, account entries, payments, the contact
//! log) into `overdue_docs` models, renders them, and keeps every produced document with
//! its SHA-256 on the debtor's record (the contact log says when and what).
//!
//! The letterhead (company, address, registration and tax numbers, bank details, the
//! Mahnung fee, whether the user collects for others) is a JSON setting (`letterhead`).
//! Interest and compensation on letters follow each debtor's late-fee policy, through the
//! same calculation as the debtor's Interest tab (`Api::debtor_interest`).

use std::collections::HashMap;
use std::io::Write;

use chrono::{Datelike, Days, NaiveDate};
use overdue_docs::{
    BankDetails, Block, ChargeLine, Document, DocumentKind, ItemLine, Letterhead, Metadata,
    PageSize, Recipient, Report, Statement, StatementRow,
};
use overdue_domain::interest::Jurisdiction;
use overdue_domain::{Currency, DebtorKind, Money};
use overdue_store::{DebtorRecord, EntryKind, InvoiceQuery, NewAttachment, NewDocument, Store};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::claim::{Claim, ClaimScope};
use crate::ledger::{money_string, parse_date};
use crate::{Api, ApiError, ErrorCode};

/// Settings key of the letterhead.
const LETTERHEAD: &str = "letterhead";

/// The letterhead and letter settings (Settings > Letterhead).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LetterheadDto {
    /// Company name.
    pub name: String,
    /// Street lines, one per line.
    pub address_lines: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO country code (sets paper size and letter conventions).
    pub country: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: String,
    /// Web site.
    pub website: String,
    /// Company registration.
    pub registration: String,
    /// VAT / tax number.
    pub tax_id: String,
    /// Account holder (empty: the company name).
    pub account_holder: String,
    /// Bank name.
    pub bank_name: String,
    /// IBAN.
    pub iban: String,
    /// BIC.
    pub bic: String,
    /// Domestic account number.
    pub account_number: String,
    /// UK sort code.
    pub sort_code: String,
    /// US routing number.
    pub routing_number: String,
    /// Who signs letters.
    pub signatory: String,
    /// `a4`, `letter`, or empty for the country's default.
    pub page_size: String,
    /// Obsolete and ignored: letters claim interest under each debtor's late-fee policy
    /// (Settings > Late fees sets the default). Kept so stored letterheads still load.
    #[serde(default)]
    pub jurisdiction: String,
    /// German Mahnung fee (decimal string, e.g. "5.00"; empty for none).
    pub dunning_fee: String,
    /// The user collects consumer debts for others (US Regulation F).
    pub third_party_collector: bool,
    /// Logo printed at the top right of letters: a PNG or JPEG as base64 (standard
    /// alphabet), empty for none; at most 512 KiB.
    pub logo_base64: String,
    /// Bank accounts for particular currencies: a message about a debt in one of them
    /// names that account; every other currency is paid into the account above.
    pub accounts: Vec<CurrencyAccountDto>,
}

/// A bank account the creditor uses for one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CurrencyAccountDto {
    /// ISO 4217 code of the currency it takes.
    pub currency: String,
    /// Account holder ("" = the company name).
    pub account_holder: String,
    /// Bank name.
    pub bank_name: String,
    /// IBAN.
    pub iban: String,
    /// BIC / SWIFT.
    pub bic: String,
    /// Domestic account number (where there is no IBAN).
    pub account_number: String,
    /// UK sort code.
    pub sort_code: String,
    /// US routing number.
    pub routing_number: String,
}

/// What to produce for a letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LetterRequest {
    /// The debtor.
    #[ts(type = "number")]
    pub debtor_id: i64,
    /// `reminder`, `second-reminder`, `final-demand`, `letter-of-claim`,
    /// `letter-before-claim`, `mahnung`, `us-demand`, `validation-notice`.
    pub kind: String,
    /// Date of the letter (YYYY-MM-DD; empty: today).
    pub as_of: String,
    /// Pay or reply by (empty: the kind's usual period).
    pub deadline: String,
    /// Date of the agreement the debt arises from (letter of claim).
    pub agreement_date: String,
    /// `a4` / `letter` (empty: the letterhead's).
    pub page_size: String,
    /// Why the letter goes out although the debtor is paused (plan, promise, hold); it is
    /// logged with the letter. Empty: a paused debtor's letter is refused.
    #[serde(default)]
    pub override_reason: String,
}

/// A produced document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProducedDocument {
    /// Stored document id (`None` for a preview).
    #[ts(type = "number | null")]
    pub document_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Suggested file name.
    pub file_name: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Page count is not known here; size in bytes.
    pub size_bytes: u32,
    /// The PDF, base64 (for the preview).
    pub pdf_base64: String,
    /// What the user should know about the claim behind it: the rules it breaks (saving
    /// and printing are refused until fixed), what was left out and why, the language.
    pub notes: Vec<String>,
}

/// A document with its bytes (CLI, Save As).
#[derive(Debug, Clone)]
pub struct PdfFile {
    /// Stored document ids.
    pub document_ids: Vec<i64>,
    /// Title.
    pub title: String,
    /// Suggested file name.
    pub file_name: String,
    /// Hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub bytes: Vec<u8>,
    /// Letters in it (batch).
    pub letters: usize,
    /// What the user should know about the claim behind a letter: the rules it breaks
    /// (then it is not kept), what was left out and why, the language it is written in.
    pub notes: Vec<String>,
}

fn invalid(field: &str, message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, format!("{field}: {message}"))
}

fn date_arg(field: &str, text: &str) -> Result<Option<NaiveDate>, ApiError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, text)
            .map(Some)
            .map_err(|m| invalid(field, m))
    }
}

fn country_name(code: &str) -> String {
    match code.trim().to_ascii_uppercase().as_str() {
        "GB" | "UK" => "United Kingdom",
        "DE" => "Germany",
        "AT" => "Austria",
        "CH" => "Switzerland",
        "FR" => "France",
        "IE" => "Ireland",
        "NL" => "Netherlands",
        "BE" => "Belgium",
        "PL" => "Poland",
        "CZ" => "Czech Republic",
        "DK" => "Denmark",
        "NO" => "Norway",
        "SE" => "Sweden",
        "TR" => "Türkiye",
        "ES" => "Spain",
        "IT" => "Italy",
        "US" => "USA",
        other => return other.to_string(),
    }
    .to_string()
}

impl LetterheadDto {
    /// The letterhead with the bank account that takes `currency`: the account the user
    /// added for it, else the main one.
    pub fn for_currency(&self, currency: &str) -> LetterheadDto {
        let mut out = self.clone();
        if let Some(a) = self
            .accounts
            .iter()
            .find(|a| a.currency.trim().eq_ignore_ascii_case(currency.trim()))
        {
            out.account_holder = a.account_holder.clone();
            out.bank_name = a.bank_name.clone();
            out.iban = a.iban.clone();
            out.bic = a.bic.clone();
            out.account_number = a.account_number.clone();
            out.sort_code = a.sort_code.clone();
            out.routing_number = a.routing_number.clone();
        }
        out
    }

    pub(crate) fn to_model(&self) -> Letterhead {
        let mut address: Vec<String> = self
            .address_lines
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let city = format!("{} {}", self.postal_code.trim(), self.city.trim());
        if !city.trim().is_empty() {
            address.push(city.trim().to_string());
        }
        if !self.country.trim().is_empty() {
            address.push(country_name(&self.country));
        }
        Letterhead {
            name: self.name.trim().to_string(),
            address,
            country: self.country.trim().to_ascii_uppercase(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            registration: self.registration.clone(),
            tax_id: self.tax_id.clone(),
            bank: BankDetails {
                account_holder: self.account_holder.clone(),
                bank_name: self.bank_name.clone(),
                iban: self.iban.clone(),
                bic: self.bic.clone(),
                account_number: self.account_number.clone(),
                sort_code: self.sort_code.clone(),
                routing_number: self.routing_number.clone(),
            },
            signatory: self.signatory.clone(),
            third_party_collector: self.third_party_collector,
            logo: logo_bytes(&self.logo_base64).unwrap_or_default(),
        }
    }

    pub(crate) fn page_size(&self) -> PageSize {
        PageSize::parse(&self.page_size).unwrap_or_else(|| PageSize::for_country(&self.country))
    }
}

/// The logo's bytes, checked: a readable PNG or JPEG of at most 512 KiB.
fn logo_bytes(base64_text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let text: String = base64_text.chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| format!("The logo is not valid base64 ({e})."))?;
    if bytes.len() > 512 * 1024 {
        return Err(format!(
            "The logo is {} KiB; use an image of at most 512 KiB.",
            bytes.len() / 1024
        ));
    }
    if !overdue_docs::is_image(&bytes) {
        return Err("The logo must be a PNG or JPEG image.".into());
    }
    Ok(bytes)
}

/// What a statement asks for, from the claim on its closing date: the overdue invoices
/// the claim demands (none while the whole debtor is paused by a plan, a promise or a
/// hold), what is open but not yet due, and what is overdue but paused.
async fn statement_payable(
    store: &Store,
    claim: &crate::claim::Claim,
    currency: Currency,
) -> Result<overdue_docs::StatementPayable, ApiError> {
    use crate::claim::sum;
    let open = store
        .open_balances(claim.as_of, Some(claim.debtor_id))
        .await?;
    let mine = || open.iter().filter(|o| o.open.currency() == currency);
    let not_yet_due = sum(
        currency,
        mine().filter(|o| o.due_date >= claim.as_of).map(|o| o.open),
    );
    let excluded = sum(
        currency,
        mine()
            .filter(|o| claim.excluded.iter().any(|e| e.invoice_id == o.invoice_id))
            .map(|o| o.open),
    );
    Ok(if claim.paused.is_empty() {
        overdue_docs::StatementPayable {
            due_now: claim.principal(),
            invoices: claim.lines.iter().map(|l| l.number.clone()).collect(),
            not_yet_due,
            paused: excluded,
        }
    } else {
        overdue_docs::StatementPayable {
            due_now: Money::zero(currency),
            invoices: Vec::new(),
            not_yet_due,
            paused: sum(currency, [excluded, claim.principal()]),
        }
    })
}

/// Whether an IBAN is valid: the country's length and format as well as the check digits
/// (the same rule as the bank statements' reader, `iban_validate`).
fn iban_ok(iban: &str) -> bool {
    crate::bank::normalize_iban(iban).is_some()
}

/// The kind's usual period to pay or reply, in days.
fn default_days(kind: DocumentKind) -> u64 {
    match kind {
        DocumentKind::LetterOfClaim | DocumentKind::ValidationNotice => 30,
        DocumentKind::LetterBeforeClaim => 14,
        DocumentKind::Reminder | DocumentKind::Mahnung | DocumentKind::UsDemand => 10,
        _ => 7,
    }
}

/// The letter a dunning level prints, from its template's key (`reminder`,
/// `second_reminder`, `final_demand`, `friendly_reminder`, or any letter kind such as
/// `letter_before_claim` or `mahnung`); a custom template is matched by its words and,
/// failing that, by the level's name; a reminder otherwise.
pub fn letter_kind_for_template(template: &str, level_name: &str) -> DocumentKind {
    let letter = |k: &DocumentKind| {
        !matches!(
            k,
            DocumentKind::Invoice
                | DocumentKind::Statement
                | DocumentKind::PaymentPlanAgreement
                | DocumentKind::SettlementAgreement
        )
    };
    let key = template
        .trim()
        .to_ascii_lowercase()
        .replace(['_', ' '], "-");
    if let Some(k) = DocumentKind::parse(&key).filter(letter) {
        return k;
    }
    for text in [key, level_name.trim().to_ascii_lowercase()] {
        if text.contains("final") || text.contains("demand") {
            return DocumentKind::FinalDemand;
        }
        if text.contains("second") {
            return DocumentKind::SecondReminder;
        }
        if text.contains("mahnung") {
            return DocumentKind::Mahnung;
        }
        if text.contains("claim") {
            return DocumentKind::LetterBeforeClaim;
        }
    }
    DocumentKind::Reminder
}

pub(crate) fn recipient(d: &DebtorRecord, company_country: &str) -> Recipient {
    let draft = &d.draft;
    let mut address: Vec<String> = draft
        .address
        .lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let city = format!(
        "{} {}",
        draft.address.postal_code.trim(),
        draft.address.city.trim()
    );
    if !city.trim().is_empty() {
        address.push(city.trim().to_string());
    }
    let country = draft.address.country.trim();
    // A country alone is no postal address: leave it empty so the letter is refused.
    if !address.is_empty() && !country.is_empty() && !country.eq_ignore_ascii_case(company_country)
    {
        address.push(country_name(country));
    }
    let attention = if draft.kind == DebtorKind::Company {
        draft
            .contacts
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    Recipient {
        name: draft.name.clone(),
        attention,
        address,
        consumer: draft.kind == DebtorKind::Individual,
        sole_trader: draft.kind == DebtorKind::SoleTrader,
        customer_ref: draft.external_ref.clone(),
        language: draft.language.clone(),
    }
}

/// A name as a file name's stem: letters and digits joined by dashes. Letters with
/// accents and other Latin letters are spelled in ASCII as the search folds them (the case
/// file of "Szymański" is "Szymanski", not "Szyma-ski"); anything else separates words.
pub(crate) fn file_stem(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                return c.to_string();
            }
            let folded = overdue_domain::text::fold_for_search(&c.to_string());
            if !folded.is_empty() && folded.chars().all(|f| f.is_ascii_alphanumeric()) {
                if c.is_uppercase() {
                    let mut up = folded.chars();
                    up.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + up.as_str())
                        .unwrap_or_default()
                } else {
                    folded
                }
            } else {
                "-".to_string()
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

pub(crate) fn docs_error(e: overdue_docs::DocError) -> ApiError {
    match e {
        overdue_docs::DocError::Missing { .. } => {
            ApiError::new(ErrorCode::Validation, format!("{e}."))
        }
        overdue_docs::DocError::Cancelled => ApiError::invalid("Cancelled."),
        overdue_docs::DocError::Pdf(m) => ApiError::new(ErrorCode::Internal, format!("PDF: {m}")),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    overdue_store::sha256_hex(bytes)
}

/// Base64 (standard alphabet, padded) for the preview.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Api {
    /// The letterhead (empty fields when never set).
    pub async fn letterhead_get(&self) -> Result<LetterheadDto, ApiError> {
        let store = self.store().await;
        match store.setting(LETTERHEAD).await? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("stored letterhead unreadable: {e}"),
                )
            }),
            None => Ok(LetterheadDto::default()),
        }
    }

    /// Saves the letterhead after checking it.
    pub async fn letterhead_set(&self, input: LetterheadDto) -> Result<LetterheadDto, ApiError> {
        self.letterhead_save(input, true).await
    }

    /// [`Api::letterhead_set`]; `require_name` is false when older scripts fill in only
    /// some of the creditor's details (the dunning settings' sender and bank): the rest is
    /// checked all the same, and a letter still needs the name before it is produced.
    pub(crate) async fn letterhead_save(
        &self,
        input: LetterheadDto,
        require_name: bool,
    ) -> Result<LetterheadDto, ApiError> {
        let mut fields = Vec::new();
        if require_name && input.name.trim().is_empty() {
            fields.push(overdue_domain::FieldError::new(
                "name",
                "The company name is required.",
            ));
        }
        if !input.iban.trim().is_empty() && !iban_ok(&input.iban) {
            fields.push(overdue_domain::FieldError::new(
                "iban",
                "This IBAN's check digits are wrong.",
            ));
        }
        let mut seen = Vec::new();
        for (i, a) in input.accounts.iter().enumerate() {
            let field = format!("accounts[{i}]");
            let code = a.currency.trim().to_ascii_uppercase();
            if Currency::from_code(&code).is_err() {
                fields.push(overdue_domain::FieldError::new(
                    format!("{field}.currency"),
                    format!(
                        "\"{}\" is not an ISO 4217 currency code such as GBP.",
                        a.currency
                    ),
                ));
            } else if seen.contains(&code) {
                fields.push(overdue_domain::FieldError::new(
                    format!("{field}.currency"),
                    format!("There is already an account for {code}."),
                ));
            }
            seen.push(code);
            if !a.iban.trim().is_empty() && !iban_ok(&a.iban) {
                fields.push(overdue_domain::FieldError::new(
                    format!("{field}.iban"),
                    "This IBAN's check digits are wrong.",
                ));
            }
            if a.iban.trim().is_empty() && a.account_number.trim().is_empty() {
                fields.push(overdue_domain::FieldError::new(
                    format!("{field}.iban"),
                    "Enter the IBAN (or the account number) of this account.",
                ));
            }
        }
        if let Err(m) = logo_bytes(&input.logo_base64) {
            fields.push(overdue_domain::FieldError::new("logo", m));
        }
        if !input.page_size.trim().is_empty() && PageSize::parse(&input.page_size).is_none() {
            fields.push(overdue_domain::FieldError::new(
                "page_size",
                "Paper size is a4 or letter.",
            ));
        }
        if !input.jurisdiction.trim().is_empty()
            && Jurisdiction::parse(&input.jurisdiction).is_err()
        {
            fields.push(overdue_domain::FieldError::new(
                "jurisdiction",
                "Interest law is one of uk, eu, ie, de, fr, us-ca, us-ny.",
            ));
        }
        if !input.dunning_fee.trim().is_empty()
            && input.dunning_fee.trim().parse::<Decimal>().is_err()
        {
            fields.push(overdue_domain::FieldError::new(
                "dunning_fee",
                "The fee is an amount such as 5.00.",
            ));
        }
        if !fields.is_empty() {
            return Err(ApiError::validation(fields));
        }
        let json = serde_json::to_string(&input)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.store().await.set_setting(LETTERHEAD, &json).await?;
        Ok(input)
    }

    /// The letter a debtor would get, as a model (not rendered), with the claim it is
    /// built from (the caller decides whether its problems block); `verbose` spells out
    /// the interest method (case file) instead of the law and periods (letters).
    #[allow(clippy::too_many_arguments)]
    async fn letter_model(
        &self,
        store: &Store,
        head: &LetterheadDto,
        debtor_id: i64,
        kind: DocumentKind,
        as_of: NaiveDate,
        deadline: Option<NaiveDate>,
        agreement_date: Option<NaiveDate>,
        page_size: Option<PageSize>,
        verbose: bool,
        only: Option<&[String]>,
        override_reason: Option<&str>,
    ) -> Result<(Document, Claim), ApiError> {
        let debtor = store.debtor(debtor_id).await?;
        let claim = self
            .claim(store, debtor_id, as_of, letter_scope(kind, override_reason))
            .await?;
        self.letter_from(
            store,
            head,
            &debtor,
            claim,
            kind,
            as_of,
            deadline,
            agreement_date,
            page_size,
            verbose,
            only,
        )
        .await
    }

    /// A letter of `kind` to `debtor` from its claim (see [`Api::letter_model`]).
    #[allow(clippy::too_many_arguments)]
    async fn letter_from(
        &self,
        store: &Store,
        head: &LetterheadDto,
        debtor: &overdue_store::DebtorRecord,
        mut claim: Claim,
        kind: DocumentKind,
        as_of: NaiveDate,
        deadline: Option<NaiveDate>,
        agreement_date: Option<NaiveDate>,
        page_size: Option<PageSize>,
        verbose: bool,
        only: Option<&[String]>,
    ) -> Result<(Document, Claim), ApiError> {
        let debtor_id = debtor.id;
        let currency = debtor.draft.currency;
        if let Some(only) = only {
            // Only the invoices the dunning action names.
            claim.lines.retain(|l| only.contains(&l.number));
        }
        let lang = claim.lang;
        let claim_consumer = debtor.draft.kind == DebtorKind::Individual;
        let mut items = Vec::new();
        let mut charges = Vec::new();
        for l in &claim.lines {
            items.push(ItemLine {
                number: l.number.clone(),
                issue_date: l.issue_date,
                due_date: l.due_date,
                amount: l.amount,
                open: l.open,
                description: l.description.clone(),
            });
            let Some(r) = &l.calculation else {
                continue;
            };
            // Interest that runs is claimed, in words at least, also while the rate for its
            // days is missing from the table (the amount to the last covered day, maybe
            // 0.00, and the law it runs under).
            if !l.interest.is_zero() || r.rate_gap.is_some() {
                let seg = crate::claim::segment_words(lang, r);
                let words = crate::claim::interest_words(lang, r, claim_consumer);
                charges.push(ChargeLine {
                    label: lang.t("interest_on", &[("invoice", &l.number)]),
                    // Letters carry the law in words and the periods in the debtor's
                    // language; the case file (English, for the user) the full method.
                    basis: match (verbose, seg.is_empty()) {
                        (true, false) => format!("{} On {}: {seg}.", r.basis, lang.money(&l.open)),
                        (true, true) => r.basis.clone(),
                        (false, false) => format!("{words}, {}: {seg}", lang.money(&l.open)),
                        (false, true) => format!("{words}, {}", lang.money(&l.open)),
                    },
                    amount: l.interest,
                });
            }
            if !l.compensation.is_zero() {
                charges.push(ChargeLine {
                    label: lang.t("compensation_on", &[("invoice", &l.number)]),
                    basis: if verbose {
                        r.compensation_basis.clone()
                    } else {
                        crate::claim::compensation_words(lang, r, &l.compensation)
                    },
                    amount: l.compensation,
                });
            }
        }
        let daily = claim.daily_interest;
        if kind == DocumentKind::Mahnung {
            if let Ok(fee) = head.dunning_fee.trim().parse::<Decimal>() {
                if fee > Decimal::ZERO {
                    charges.push(ChargeLine {
                        label: lang.t("dunning_fee", &[]),
                        basis: lang.t("dunning_fee_basis", &[]),
                        amount: Money::new(fee, currency),
                    });
                }
            }
        }
        let interest_continues = if daily.is_zero() {
            String::new()
        } else if kind == DocumentKind::UsDemand || kind == DocumentKind::ValidationNotice {
            format!(
                "Interest continues to accrue at {} per day until paid.",
                overdue_docs::Lang::Us.money(&daily)
            )
        } else {
            format!(
                "Interest continues to accrue at {} a day until payment.",
                overdue_docs::Lang::En.money(&daily)
            )
        };
        let statement = if matches!(kind, DocumentKind::LetterOfClaim) {
            let from = items.first().map(|i| i.issue_date).unwrap_or(as_of);
            Some(
                self.statement_model(store, debtor_id, currency, from, as_of)
                    .await?,
            )
        } else {
            None
        };
        let reference = items
            .first()
            .map(|i| {
                if items.len() == 1 {
                    i.number.clone()
                } else {
                    format!(
                        "{}/{}",
                        debtor.draft.external_ref.trim().trim_start_matches('#'),
                        as_of.format("%Y%m%d")
                    )
                }
            })
            .unwrap_or_default();
        let reference = if reference.starts_with('/') {
            format!("D{debtor_id}{reference}")
        } else {
            reference
        };
        let named: Vec<(&str, i64)> = claim
            .lines
            .iter()
            .map(|l| (l.number.as_str(), l.invoice_id))
            .collect();
        let payment_reference = overdue_domain::bank::rf::for_demand(&named, debtor_id);
        let itemization_date = items.first().map(|i| i.due_date);
        let doc = Document {
            kind,
            page_size: page_size.unwrap_or_else(|| head.page_size()),
            letterhead: head.for_currency(currency.code()).to_model(),
            recipient: recipient(debtor, &head.country),
            reference,
            payment_reference,
            date: as_of,
            currency,
            items,
            charges,
            deadline: Some(deadline.unwrap_or(as_of + Days::new(default_days(kind)))),
            agreement_date,
            interest_continues,
            statement,
            instalments: Vec::new(),
            settlement_amount: None,
            itemization_date,
            credits_since_itemization: None,
            tax_included: None,
            notes: String::new(),
            reminded_on: claim.reminded_on.clone(),
            interest_daily: (!daily.is_zero()).then_some(daily),
            interest_to: claim.interest_to,
            grace_days: None,
        };
        Ok((doc, claim))
    }

    async fn statement_model(
        &self,
        store: &Store,
        debtor_id: i64,
        currency: Currency,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Statement, ApiError> {
        let entries = store.account_entries(debtor_id, to).await?;
        let mut balance = Money::zero(currency);
        let mut opening = None;
        let mut rows = Vec::new();
        for e in entries.iter().filter(|e| e.amount.currency() == currency) {
            if e.date >= from && opening.is_none() {
                opening = Some(balance);
            }
            balance = balance.checked_add(&e.amount)?;
            if e.date >= from {
                let neg = e.amount.is_negative();
                let abs = Money::new(e.amount.amount().abs(), currency);
                rows.push(StatementRow {
                    date: e.date,
                    kind: match e.kind {
                        EntryKind::Invoice => "Invoice",
                        EntryKind::Payment => "Payment",
                        EntryKind::PaymentReversal => "Payment reversed",
                        EntryKind::CreditNote => "Credit note",
                        EntryKind::WriteOff => "Write-off",
                        EntryKind::Charge => "Interest / fee charged",
                        EntryKind::ChargeReversal => "Charge reversed",
                    }
                    .to_string(),
                    reference: e.reference.clone(),
                    debit: (!neg).then_some(abs),
                    credit: neg.then_some(abs),
                    balance,
                });
            }
        }
        Ok(Statement {
            from,
            to,
            opening: opening.unwrap_or(balance),
            rows,
            closing: balance,
            payable: None,
        })
    }

    pub(crate) fn metadata(&self, doc: &Document) -> Metadata {
        overdue_docs::metadata_for(doc, self.clock().now().timestamp())
    }

    pub(crate) fn author(&self) -> String {
        "overdue".to_string()
    }

    /// Renders a letter without keeping it, with the rules its claim breaks (empty when it
    /// may be printed, saved or sent) in front of its notes.
    async fn letter_render(&self, req: &LetterRequest) -> Result<(PdfFile, usize), ApiError> {
        let kind = DocumentKind::parse(&req.kind)
            .filter(|k| {
                !matches!(
                    k,
                    DocumentKind::Invoice
                        | DocumentKind::Statement
                        | DocumentKind::PaymentPlanAgreement
                        | DocumentKind::SettlementAgreement
                )
            })
            .ok_or_else(|| {
                invalid(
                    "kind",
                    format!(
                        "\"{}\" is not a letter: use reminder, second-reminder, final-demand, \
                         letter-of-claim, letter-before-claim, mahnung, us-demand or validation-notice",
                        req.kind
                    ),
                )
            })?;
        let as_of = date_arg("as_of", &req.as_of)?.unwrap_or_else(|| self.clock().today());
        let deadline = date_arg("deadline", &req.deadline)?;
        let agreement = date_arg("agreement_date", &req.agreement_date)?;
        let page = if req.page_size.trim().is_empty() {
            None
        } else {
            Some(
                PageSize::parse(&req.page_size)
                    .ok_or_else(|| invalid("page_size", "use a4 or letter".into()))?,
            )
        };
        let store = self.store().await;
        let head = self.letterhead_get().await?;
        let reason = req.override_reason.trim();
        let (doc, claim) = self
            .letter_model(
                &store,
                &head,
                req.debtor_id,
                kind,
                as_of,
                deadline,
                agreement,
                page,
                false,
                None,
                (!reason.is_empty()).then_some(reason),
            )
            .await?;
        let problems: Vec<String> = claim.problems().into_iter().map(|p| p.message).collect();
        let blocking = problems.len();
        let mut notes = problems;
        notes.extend(claim.notes());
        let bytes = overdue_docs::render(&doc, &self.metadata(&doc)).map_err(docs_error)?;
        let title = overdue_docs::metadata_for(&doc, 0).title;
        let file_name = format!("{}-{}.pdf", kind.as_str(), file_stem(&doc.reference));
        Ok((
            PdfFile {
                document_ids: Vec::new(),
                title,
                file_name,
                sha256: sha256_hex(&bytes),
                bytes,
                letters: 1,
                notes,
            },
            blocking,
        ))
    }

    /// Renders a letter for printing, saving or sending: refused, naming the rule and how
    /// to fix it, when its claim breaks one (a preview shows it anyway); `record` keeps it
    /// and logs it on the contact log, with any override of a pause.
    pub async fn letter_pdf(&self, req: &LetterRequest, record: bool) -> Result<PdfFile, ApiError> {
        let (file, blocking) = self.letter_render(req).await?;
        if blocking > 0 {
            return Err(ApiError::new(
                ErrorCode::Validation,
                file.notes[..blocking].join(" "),
            ));
        }
        if !record {
            return Ok(file);
        }
        let kind = DocumentKind::parse(&req.kind)
            .map(|k| k.as_str().to_string())
            .unwrap_or_else(|| req.kind.clone());
        let store = self.store().await;
        self.log_override(&store, req.debtor_id, &file).await?;
        let notes = file.notes.clone();
        let mut kept = self
            .finish(
                &store,
                req.debtor_id,
                None,
                &kind,
                file.title,
                file.file_name,
                file.bytes,
                true,
                "letter",
            )
            .await?;
        kept.notes = notes;
        Ok(kept)
    }

    /// Puts the reason a paused debtor's letter went out on the contact log, next to the
    /// letter it let through.
    pub(crate) async fn log_override(
        &self,
        store: &Store,
        debtor_id: i64,
        file: &PdfFile,
    ) -> Result<(), ApiError> {
        for note in file
            .notes
            .iter()
            .filter(|n| n.starts_with(crate::claim::OVERRIDE_NOTE))
        {
            store
                .append_event(
                    &overdue_store::NewEvent {
                        debtor_id,
                        occurred_at: self.clock().now(),
                        kind: "note".into(),
                        author: self.author(),
                        summary: format!("{}: {note}", file.title),
                        ..Default::default()
                    },
                    self.clock().now(),
                )
                .await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn finish(
        &self,
        store: &Store,
        debtor_id: i64,
        invoice_id: Option<i64>,
        kind: &str,
        title: String,
        file_name: String,
        bytes: Vec<u8>,
        record: bool,
        event_kind: &str,
    ) -> Result<PdfFile, ApiError> {
        let sha256 = sha256_hex(&bytes);
        let mut ids = Vec::new();
        if record {
            let stored = store
                .store_documents(
                    &[NewDocument {
                        debtor_id,
                        invoice_id,
                        kind: kind.to_string(),
                        title: title.clone(),
                        file_name: file_name.clone(),
                        content_type: "application/pdf".into(),
                        content: bytes.clone(),
                        author: self.author(),
                        event_kind: event_kind.into(),
                    }],
                    self.clock().now(),
                )
                .await?;
            ids = stored.into_iter().map(|(id, _)| id).collect();
        }
        Ok(PdfFile {
            document_ids: ids,
            title,
            file_name,
            sha256,
            bytes,
            letters: 1,
            notes: Vec::new(),
        })
    }

    /// A letter for the window's preview (not kept).
    pub async fn letter_preview(&self, req: LetterRequest) -> Result<ProducedDocument, ApiError> {
        // Shown whatever rule it breaks: the notes say which, and saving is refused.
        let (f, _) = self.letter_render(&req).await?;
        Ok(produced(f))
    }

    /// Invoices in one PDF (the Invoices screen's Print, `pdf invoice`), in the order
    /// given; with `record`, each invoice is kept and logged on its debtor's account.
    /// Refused, naming the invoice, when one cannot say where to pay.
    pub async fn invoices_pdf(&self, ids: &[i64], record: bool) -> Result<PdfFile, ApiError> {
        if ids.is_empty() {
            return Err(ApiError::invalid("Choose the invoices to print."));
        }
        let store = self.store().await;
        let head = self.letterhead_get().await?;
        let mut docs = Vec::with_capacity(ids.len());
        for &id in ids {
            docs.push(self.invoice_document(&store, &head, id).await?);
        }
        let render_one =
            |d: &Document| overdue_docs::render(d, &self.metadata(d)).map_err(docs_error);
        let (title, file_name, bytes) = match docs.as_slice() {
            [(one, d)] => (
                format!("Invoice {}", one.number),
                format!("invoice-{}.pdf", file_stem(&one.number)),
                render_one(d)?,
            ),
            many => {
                let models: Vec<Document> = many.iter().map(|(_, d)| d.clone()).collect();
                let mut meta = self.metadata(&models[0]);
                meta.title = format!("{} invoices", many.len());
                meta.subject = many
                    .iter()
                    .map(|(i, _)| i.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let bytes = overdue_docs::render_batch(&models, &meta, &mut |_, _| true)
                    .map_err(docs_error)?;
                (
                    meta.title,
                    format!("invoices-{}.pdf", self.clock().today()),
                    bytes,
                )
            }
        };
        let mut document_ids = Vec::new();
        if record {
            let mut news = Vec::with_capacity(docs.len());
            for (inv, d) in &docs {
                news.push(NewDocument {
                    debtor_id: inv.debtor_id,
                    invoice_id: Some(inv.id),
                    kind: "invoice".into(),
                    title: format!("Invoice {}", inv.number),
                    file_name: format!("invoice-{}.pdf", file_stem(&inv.number)),
                    content_type: "application/pdf".into(),
                    // One invoice is kept as the very file written; several each as its own.
                    content: if docs.len() == 1 {
                        bytes.clone()
                    } else {
                        render_one(d)?
                    },
                    author: self.author(),
                    event_kind: "document".into(),
                });
            }
            document_ids = store
                .store_documents(&news, self.clock().now())
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        }
        Ok(PdfFile {
            document_ids,
            title,
            file_name,
            sha256: sha256_hex(&bytes),
            bytes,
            letters: docs.len(),
            notes: Vec::new(),
        })
    }

    /// [`Api::invoices_pdf`] kept and written to `path` (the window's Print, after a run
    /// without keeping checked it before the file dialog opened).
    pub async fn invoices_pdf_save_to(
        &self,
        ids: &[i64],
        path: &std::path::Path,
    ) -> Result<crate::interest_pdf::SavedPdf, ApiError> {
        let pdf = self.invoices_pdf(ids, true).await?;
        crate::letters_ui::write_atomically(path, &pdf.bytes)?;
        Ok(crate::interest_pdf::SavedPdf {
            path: path.display().to_string(),
            sha256: pdf.sha256,
        })
    }

    /// The document model of one invoice; refused, naming it, when the letterhead has no
    /// account in the invoice's currency (an invoice says where to pay; the document's own
    /// check refuses it too, without the number).
    async fn invoice_document(
        &self,
        store: &Store,
        head: &LetterheadDto,
        id: i64,
    ) -> Result<(overdue_store::InvoiceRecord, Document), ApiError> {
        let detail = store.invoice(id).await?;
        let inv = detail.invoice;
        let debtor = store.debtor(inv.debtor_id).await?;
        let letterhead = head.for_currency(inv.amount.currency().code()).to_model();
        if !letterhead.bank.is_usable() {
            return Err(ApiError::new(
                ErrorCode::Validation,
                format!(
                    "Blocked: invoice {} has no bank account to pay {} into. Enter the IBAN in \
                     Settings > Letterhead; an invoice must say where to pay.",
                    inv.number,
                    inv.amount.currency().code()
                ),
            ));
        }
        let mut doc = Document {
            kind: DocumentKind::Invoice,
            page_size: head.page_size(),
            letterhead,
            recipient: recipient(&debtor, &head.country),
            reference: inv.number.clone(),
            payment_reference: overdue_domain::bank::rf::for_invoice(&inv.number, inv.id),
            date: inv.issue_date,
            currency: inv.amount.currency(),
            items: vec![ItemLine {
                number: inv.number.clone(),
                issue_date: inv.issue_date,
                due_date: inv.due_date,
                amount: inv.amount,
                open: inv.open,
                description: inv.description.clone(),
            }],
            charges: Vec::new(),
            deadline: Some(inv.due_date),
            agreement_date: None,
            interest_continues: String::new(),
            statement: None,
            instalments: Vec::new(),
            settlement_amount: None,
            itemization_date: None,
            credits_since_itemization: None,
            tax_included: Some(inv.tax),
            notes: String::new(),
            reminded_on: Vec::new(),
            interest_daily: None,
            interest_to: None,
            grace_days: None,
        };
        if inv.open != inv.amount {
            let lang = overdue_docs::language_of(&doc);
            let paid = lang.money(&inv.amount.checked_sub(&inv.open)?);
            doc.notes = lang.t("paid_so_far", &[("amount", &paid)]);
        }
        Ok((inv, doc))
    }

    /// A statement of account saved to `path` and kept (the window's Save PDF, after
    /// [`Api::statement_pdf`] without keeping checked it before the file dialog opened).
    pub async fn statement_save_to(
        &self,
        debtor_id: i64,
        from: &str,
        to: &str,
        path: &std::path::Path,
    ) -> Result<crate::interest_pdf::SavedPdf, ApiError> {
        let pdf = self.statement_pdf(debtor_id, from, to, true).await?;
        crate::letters_ui::write_atomically(path, &pdf.bytes)?;
        Ok(crate::interest_pdf::SavedPdf {
            path: path.display().to_string(),
            sha256: pdf.sha256,
        })
    }

    /// A statement of account over a period, kept and logged.
    pub async fn statement_pdf(
        &self,
        debtor_id: i64,
        from: &str,
        to: &str,
        record: bool,
    ) -> Result<PdfFile, ApiError> {
        let from = parse_date("from", from).map_err(|m| invalid("from", m))?;
        let to = parse_date("to", to).map_err(|m| invalid("to", m))?;
        if to < from {
            return Err(invalid("to", "the period ends before it starts".into()));
        }
        let store = self.store().await;
        let debtor = store.debtor(debtor_id).await?;
        let head = self.letterhead_get().await?;
        let mut statement = self
            .statement_model(&store, debtor_id, debtor.draft.currency, from, to)
            .await?;
        // What is asked for comes from the claim on the closing date: overdue invoices
        // that are not paused, never the whole balance.
        let claim = self
            .claim(&store, debtor_id, to, crate::claim::ClaimScope::default())
            .await?;
        let payable = statement_payable(&store, &claim, debtor.draft.currency).await?;
        if !payable.due_now.is_zero() {
            if let Some(p) =
                crate::claim::payment_problem(&claim.payment, "a statement that asks for payment")
            {
                return Err(ApiError::new(ErrorCode::Validation, p.message));
            }
        }
        let payment_reference = if payable.due_now.is_zero() {
            overdue_domain::bank::rf::for_debtor(debtor_id)
        } else {
            let named: Vec<(&str, i64)> = claim
                .lines
                .iter()
                .map(|l| (l.number.as_str(), l.invoice_id))
                .collect();
            overdue_domain::bank::rf::for_demand(&named, debtor_id)
        };
        statement.payable = Some(payable);
        let doc = Document {
            kind: DocumentKind::Statement,
            page_size: head.page_size(),
            letterhead: head.for_currency(debtor.draft.currency.code()).to_model(),
            recipient: recipient(&debtor, &head.country),
            payment_reference,
            reference: if debtor.draft.external_ref.is_empty() {
                format!("D{debtor_id}")
            } else {
                debtor.draft.external_ref.clone()
            },
            date: to,
            currency: debtor.draft.currency,
            items: Vec::new(),
            charges: Vec::new(),
            deadline: None,
            agreement_date: None,
            interest_continues: String::new(),
            statement: Some(statement),
            instalments: Vec::new(),
            settlement_amount: None,
            itemization_date: None,
            credits_since_itemization: None,
            tax_included: None,
            notes: String::new(),
            reminded_on: Vec::new(),
            interest_daily: None,
            interest_to: None,
            grace_days: None,
        };
        let bytes = overdue_docs::render(&doc, &self.metadata(&doc)).map_err(docs_error)?;
        let file_name = format!("statement-{}-{from}-{to}.pdf", file_stem(&doc.reference));
        self.finish(
            &store,
            debtor_id,
            None,
            "statement",
            format!("Statement of account {from} to {to}"),
            file_name,
            bytes,
            record,
            "document",
        )
        .await
    }

    /// The letters a dunning run would print on `as_of`, in one PDF (one bookmark per
    /// letter). Each debtor's letter is kept and logged on its contact log, all in one
    /// transaction. `progress(done, total)` returning false cancels (nothing is kept).
    pub async fn batch_pdf(
        &self,
        as_of: &str,
        record: bool,
        progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
    ) -> Result<PdfFile, ApiError> {
        self.batch_pdf_up_to(as_of, record, None, progress).await
    }

    /// Checks the letters of a dunning run as "Print all letters" would make them, before
    /// the window asks where to save them: an error when no debtor is due a letter or when
    /// the first letter cannot be made (no letterhead, no account to pay into). Only the
    /// first letter is rendered, and nothing is kept.
    pub async fn letters_batch_check(&self, as_of: &str) -> Result<(), ApiError> {
        self.batch_pdf_up_to(as_of, false, Some(1), &mut |_, _| true)
            .await
            .map(|_| ())
    }

    async fn batch_pdf_up_to(
        &self,
        as_of: &str,
        record: bool,
        limit: Option<usize>,
        progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
    ) -> Result<PdfFile, ApiError> {
        let as_of = parse_date("as_of", as_of).map_err(|m| invalid("as-of", m))?;
        let store = self.store().await;
        let head = self.letterhead_get().await?;
        // Exactly the letters the dunning run would print on that date: its preview (which
        // respects disputes, promises, plans and holds) with the channel "letter"; the
        // letter kind from the level's template, the invoices and deadline the action names.
        let run = self
            .dunning_run(crate::dunning::DunningRunRequest {
                as_of: as_of.to_string(),
                mode: crate::dunning::DunningRunMode::Preview,
                ..Default::default()
            })
            .await?;
        let policies = self.dunning_policies().await?;
        let policy_of: HashMap<i64, Option<i64>> = store
            .dunning_debtors("", None)
            .await?
            .into_iter()
            .map(|d| (d.id, d.policy_id))
            .collect();
        let default_policy = policies.iter().find(|p| p.is_default).or(policies.first());
        let letters: Vec<&crate::dunning::DunningActionDto> = run
            .actions
            .iter()
            .filter(|a| a.channel == crate::dunning::ActionChannel::Letter)
            .collect();
        let mut kinds = Vec::with_capacity(letters.len());
        for action in &letters {
            let policy = policy_of
                .get(&action.debtor_id)
                .copied()
                .flatten()
                .and_then(|id| policies.iter().find(|p| p.id == id))
                .or(default_policy);
            let template = policy
                .and_then(|p| p.levels.iter().find(|l| l.number == action.level))
                .map(|l| l.template.as_str())
                .unwrap_or_default();
            kinds.push(letter_kind_for_template(template, &action.level_name));
        }
        // Every letter's debtor and claim read at once (issue 19), then each letter.
        let ids: Vec<i64> = letters.iter().map(|a| a.debtor_id).collect();
        let debtors = store.debtors_among(&ids).await?;
        let asks: Vec<(i64, ClaimScope)> = letters
            .iter()
            .zip(&kinds)
            .map(|(a, k)| (a.debtor_id, letter_scope(*k, None)))
            .collect();
        let claims = self.claims(&store, &asks, as_of, None).await?;
        let mut docs = Vec::new();
        let mut not_printed: Vec<String> = Vec::new();
        for ((action, kind), claim) in letters.iter().zip(kinds).zip(claims) {
            if limit.is_some_and(|n| docs.len() >= n) {
                break;
            }
            let deadline = date_arg("deadline", &action.deadline)?;
            let debtor = debtors.get(&action.debtor_id).ok_or_else(|| {
                ApiError::from(overdue_store::StoreError::NotFound {
                    entity: "debtor",
                    key: action.debtor_id.to_string(),
                })
            })?;
            let (doc, claim) = self
                .letter_from(
                    &store,
                    &head,
                    debtor,
                    claim,
                    kind,
                    as_of,
                    deadline,
                    None,
                    None,
                    false,
                    // Only the invoices the action names: their interest, charges and
                    // the interest that keeps accruing on them.
                    Some(&action.invoices),
                )
                .await?;
            if let Some(p) = claim
                .problems()
                .into_iter()
                .find(|p| p.rule == "payment_details")
            {
                return Err(ApiError::new(ErrorCode::Validation, p.message));
            }
            if doc.items.is_empty() {
                // A step before the due date (a friendly reminder) names invoices not yet
                // overdue: a letter demands overdue invoices only, so none is printed, and
                // the user is told which (it was a silent gap).
                not_printed.push(format!(
                    "{} {}: {} (level {}) not printed: its invoices are not overdue yet",
                    action.debtor, action.debtor_name, action.level_name, action.level
                ));
                continue;
            }
            docs.push((action.debtor_id, doc));
        }
        if docs.is_empty() {
            let message = if not_printed.is_empty() {
                format!(
                    "No debtor is due a letter on {as_of}: the dunning run prints letters only for \
                     levels whose channel is \"letter\" (Settings > Collection policies), and \
                     paused debtors get none."
                )
            } else {
                format!(
                    "No letter to print on {as_of}: the letter steps due name only invoices that \
                     are not overdue yet, and a letter demands overdue invoices only ({}). Send \
                     steps before the due date by email (Settings > Collection policies).",
                    not_printed.join("; ")
                )
            };
            return Err(ApiError::new(ErrorCode::NotFound, message));
        }
        let models: Vec<Document> = docs.iter().map(|(_, d)| d.clone()).collect();
        let mut meta = self.metadata(&models[0]);
        meta.title = format!("Dunning run {as_of}");
        meta.subject = format!("{} letters", models.len());
        let bytes = overdue_docs::render_batch(&models, &meta, progress).map_err(docs_error)?;
        let mut ids = Vec::new();
        if record {
            let mut news = Vec::with_capacity(docs.len());
            for (debtor_id, d) in &docs {
                let one = overdue_docs::render(d, &self.metadata(d)).map_err(docs_error)?;
                news.push(NewDocument {
                    debtor_id: *debtor_id,
                    invoice_id: None,
                    kind: d.kind.as_str().into(),
                    title: overdue_docs::metadata_for(d, 0).title,
                    file_name: format!("{}-{}.pdf", d.kind.as_str(), file_stem(&d.reference)),
                    content_type: "application/pdf".into(),
                    content: one,
                    author: self.author(),
                    event_kind: "letter".into(),
                });
            }
            ids = store
                .store_documents(&news, self.clock().now())
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        }
        Ok(PdfFile {
            document_ids: ids,
            title: meta.title,
            file_name: format!("dunning-run-{as_of}.pdf"),
            sha256: sha256_hex(&bytes),
            bytes,
            letters: docs.len(),
            notes: not_printed,
        })
    }

    /// Attaches a file to a debtor (or one of its invoices, by number).
    pub async fn attach(
        &self,
        debtor_id: i64,
        invoice_number: Option<&str>,
        file_name: &str,
        content: Vec<u8>,
    ) -> Result<overdue_store::AttachmentRecord, ApiError> {
        let store = self.store().await;
        let invoice_id = match invoice_number {
            Some(n) => Some(store.invoice_id_by_number(n.trim()).await?),
            None => None,
        };
        let content_type = content_type_of(file_name, &content);
        Ok(store
            .add_attachment(
                &NewAttachment {
                    debtor_id,
                    invoice_id,
                    file_name: file_name.to_string(),
                    content_type,
                    content,
                    author: self.author(),
                },
                self.clock().now(),
            )
            .await?)
    }

    /// The case file for a lawyer or agency: one PDF with bookmarks (cover summary with
    /// the claim and its interest calculation, statement, each invoice, the letters and
    /// documents kept with their SHA-256, the contact log, payment history, attachments),
    /// and optionally a ZIP with the same as separate files (letters and attachments in
    /// their original bytes) plus the claim as JSON and CSV. Recorded on the timeline.
    pub async fn case_file(
        &self,
        debtor_id: i64,
        with_zip: bool,
    ) -> Result<(PdfFile, Option<Vec<u8>>), ApiError> {
        let store = self.store().await;
        let head = self.letterhead_get().await?;
        let today = self.clock().today();
        let debtor = store.debtor(debtor_id).await?;
        let currency = debtor.draft.currency;
        let lang = overdue_docs::Lang::En;
        let (claim, _) = self
            .letter_model(
                &store,
                &head,
                debtor_id,
                DocumentKind::FinalDemand,
                today,
                None,
                None,
                None,
                true,
                None,
                None,
            )
            .await?;
        let first = store
            .account_entries(debtor_id, today)
            .await?
            .first()
            .map(|e| e.date)
            .unwrap_or(today);
        let statement = self
            .statement_model(&store, debtor_id, currency, first, today)
            .await?;
        let invoices = store
            .list_invoices(&InvoiceQuery::of_debtor(debtor_id, today, 1000))
            .await?
            .1;
        let stored = store.documents_of(debtor_id).await?;
        let events = store.events_of(debtor_id).await?;
        let payments = store.payments_of(debtor_id).await?;
        let attachments = store.attachments_of(debtor_id).await?;
        // Attached files in their original form: PDFs merged in, images placed on pages,
        // other files only listed (and in the ZIP).
        let mut appendices = Vec::with_capacity(attachments.len());
        for a in &attachments {
            appendices.push(overdue_docs::Appendix {
                title: a.file_name.clone(),
                bytes: store.attachment_content(a.id).await?,
            });
        }
        let appended: Vec<overdue_docs::Appended> = appendices
            .iter()
            .map(|a| overdue_docs::appendix::classify(&a.bytes))
            .collect();

        let mut blocks = vec![Block::Section {
            title: "Summary of the claim".into(),
            new_page: false,
        }];
        let r = &claim.recipient;
        blocks.push(Block::Para(format!(
            "Creditor: {}, {}. Debtor: {} ({}), {}. Customer number: {}.",
            head.name,
            claim.letterhead.address.join(", "),
            r.name,
            debtor.draft.kind.as_str().replace('_', " "),
            r.address.join(", "),
            if r.customer_ref.is_empty() {
                "-"
            } else {
                &r.customer_ref
            }
        )));
        let mut rows: Vec<Vec<String>> = claim
            .items
            .iter()
            .map(|i| {
                vec![
                    i.number.clone(),
                    lang.short_date(i.issue_date),
                    lang.short_date(i.due_date),
                    lang.money(&i.amount),
                    lang.money(&i.open),
                ]
            })
            .collect();
        let mut bold = vec![rows.len()];
        rows.push(vec![
            "Principal outstanding".into(),
            String::new(),
            String::new(),
            String::new(),
            lang.money(&claim.principal()),
        ]);
        for c in &claim.charges {
            rows.push(vec![
                c.label.clone(),
                String::new(),
                String::new(),
                String::new(),
                lang.money(&c.amount),
            ]);
        }
        bold.push(rows.len());
        rows.push(vec![
            format!("Claim as of {}", lang.date(today)),
            String::new(),
            String::new(),
            String::new(),
            lang.money(&claim.total()),
        ]);
        blocks.push(Block::Table {
            columns: vec![
                ("Invoice".into(), 28, false),
                ("Date".into(), 16, false),
                ("Due".into(), 16, false),
                ("Amount".into(), 20, true),
                ("Open".into(), 20, true),
            ],
            rows,
            bold_rows: bold,
        });
        for c in &claim.charges {
            blocks.push(Block::Small(format!("{}: {}", c.label, c.basis)));
        }
        if !claim.interest_continues.is_empty() {
            blocks.push(Block::Para(claim.interest_continues.clone()));
        }
        let disputed: Vec<String> = invoices
            .iter()
            .filter(|i| i.disputed_on.is_some())
            .map(|i| {
                format!(
                    "{} disputed since {}: {}",
                    i.number,
                    i.disputed_on.map(|d| d.to_string()).unwrap_or_default(),
                    i.dispute_reason
                )
            })
            .collect();
        blocks.push(Block::Para(if disputed.is_empty() {
            "Disputes: none on record.".into()
        } else {
            format!("Disputes: {}.", disputed.join("; "))
        }));
        let promises: Vec<String> = events
            .iter()
            .filter(|e| e.kind == "promise")
            .map(|e| format!("{}: {}", e.occurred_at.date_naive(), e.summary))
            .collect();
        blocks.push(Block::Para(if promises.is_empty() {
            "Promises to pay: none on record.".into()
        } else {
            format!("Promises to pay: {}.", promises.join("; "))
        }));

        blocks.push(Block::Section {
            title: "Letters and documents as sent".into(),
            new_page: true,
        });
        if stored.is_empty() {
            blocks.push(Block::Para(
                "No letters or documents have been produced for this debtor.".into(),
            ));
        } else {
            blocks.push(Block::Para("Each document is kept byte for byte; the copies in the ZIP hash to the SHA-256 shown.".into()));
            blocks.push(Block::Table {
                columns: vec![
                    ("Produced".into(), 18, false),
                    ("Document".into(), 40, false),
                    ("SHA-256".into(), 42, false),
                ],
                rows: stored
                    .iter()
                    .map(|d| {
                        vec![
                            d.created_at.format("%Y-%m-%d %H:%M").to_string(),
                            d.title.clone(),
                            d.sha256.clone(),
                        ]
                    })
                    .collect(),
                bold_rows: Vec::new(),
            });
        }
        let sent: Vec<Vec<String>> = events
            .iter()
            .filter(|e| e.sha256.is_some())
            .map(|e| {
                vec![
                    e.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                    format!("{}: {}", e.kind, e.summary),
                    e.sha256.clone().unwrap_or_default(),
                ]
            })
            .collect();
        if !sent.is_empty() {
            blocks.push(Block::Para(
                "Emails and other messages kept in the contact log as sent:".into(),
            ));
            blocks.push(Block::Table {
                columns: vec![
                    ("Sent".into(), 18, false),
                    ("Message".into(), 40, false),
                    ("SHA-256".into(), 42, false),
                ],
                rows: sent,
                bold_rows: Vec::new(),
            });
        }

        blocks.push(Block::Section {
            title: "Contact log".into(),
            new_page: true,
        });
        let mut log: Vec<Vec<String>> = events
            .iter()
            .map(|e| {
                vec![
                    e.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                    e.kind.clone(),
                    e.author.clone(),
                    e.summary.clone(),
                ]
            })
            .collect();
        log.reverse();
        if log.is_empty() {
            blocks.push(Block::Para("Nothing recorded.".into()));
        } else {
            blocks.push(Block::Table {
                columns: vec![
                    ("When".into(), 18, false),
                    ("Kind".into(), 12, false),
                    ("Who".into(), 12, false),
                    ("What".into(), 58, false),
                ],
                rows: log,
                bold_rows: Vec::new(),
            });
        }

        blocks.push(Block::Section {
            title: "Payment history".into(),
            new_page: false,
        });
        if payments.is_empty() {
            blocks.push(Block::Para("No payments received.".into()));
        } else {
            blocks.push(Block::Table {
                columns: vec![
                    ("Received".into(), 18, false),
                    ("Reference".into(), 30, false),
                    ("Method".into(), 16, false),
                    ("Reversed".into(), 16, false),
                    ("Amount".into(), 20, true),
                ],
                rows: payments
                    .iter()
                    .map(|p| {
                        vec![
                            lang.short_date(p.paid_on),
                            p.reference.clone(),
                            p.method.clone(),
                            p.reversed_on
                                .map(|d| lang.short_date(d))
                                .unwrap_or_default(),
                            lang.money(&p.amount),
                        ]
                    })
                    .collect(),
                bold_rows: Vec::new(),
            });
        }
        blocks.push(Block::Section {
            title: "Attachments".into(),
            new_page: false,
        });
        if attachments.is_empty() {
            blocks.push(Block::Para(
                "No files attached (contracts, accepted terms, delivery notes).".into(),
            ));
        } else {
            blocks.push(Block::Para(
                "Attached PDFs and images follow at the end of this file in their original \
                 form (see the bookmarks); every file is also in the ZIP, byte for byte:"
                    .into(),
            ));
            blocks.push(Block::Table {
                columns: vec![
                    ("File".into(), 26, false),
                    ("Bytes".into(), 10, true),
                    ("In this PDF".into(), 18, false),
                    ("SHA-256".into(), 46, false),
                ],
                rows: attachments
                    .iter()
                    .zip(&appended)
                    .map(|(a, how)| {
                        vec![
                            a.file_name.clone(),
                            a.size_bytes.to_string(),
                            match how {
                                overdue_docs::Appended::Pages(n) => {
                                    format!("{n} page{}", if *n == 1 { "" } else { "s" })
                                }
                                overdue_docs::Appended::Image => "image page".into(),
                                overdue_docs::Appended::No(why) => format!("ZIP only ({why})"),
                            },
                            a.sha256.clone(),
                        ]
                    })
                    .collect(),
                bold_rows: Vec::new(),
            });
        }

        let report = Report {
            title: format!("Case file: {}", debtor.draft.name),
            subtitle: format!("Prepared {} by {}", lang.date(today), head.name),
            page_size: head.page_size(),
            letterhead: claim.letterhead.clone(),
            blocks,
            lang,
        };
        let mut statement_doc = claim.clone();
        statement_doc.kind = DocumentKind::Statement;
        statement_doc.statement = Some(statement);
        statement_doc.reference = if debtor.draft.external_ref.is_empty() {
            format!("D{debtor_id}")
        } else {
            debtor.draft.external_ref.clone()
        };
        statement_doc.date = today;
        let mut invoice_docs = Vec::new();
        for inv in &invoices {
            let mut d = statement_doc.clone();
            d.kind = DocumentKind::Invoice;
            d.statement = None;
            d.reference = inv.number.clone();
            d.date = inv.issue_date;
            d.items = vec![ItemLine {
                number: inv.number.clone(),
                issue_date: inv.issue_date,
                due_date: inv.due_date,
                amount: inv.amount,
                open: inv.open,
                description: inv.description.clone(),
            }];
            d.charges = Vec::new();
            d.tax_included = Some(inv.tax);
            d.deadline = Some(inv.due_date);
            invoice_docs.push(d);
        }
        let mut all = vec![statement_doc.clone()];
        all.extend(invoice_docs.iter().cloned());
        let mut meta = self.metadata(&claim);
        meta.title = report.title.clone();
        meta.subject = format!(
            "Case file – {} – claim {}",
            debtor.draft.name,
            money_string(&claim.total())
        );
        // The statement and invoices must not be refused for lacking bank details: a case
        // file is for a lawyer, not a payment request.
        let bytes = overdue_docs::render_case_file(&report, &all, &appendices, &meta)
            .map_err(docs_error)?;
        let stem = file_stem(&debtor.draft.name);
        let file_name = format!("case-file-{stem}-{today}.pdf");

        let zip = if with_zip {
            let mut files: Vec<(String, Vec<u8>)> = vec![(file_name.clone(), bytes.clone())];
            files.push((
                "statement.pdf".into(),
                overdue_docs::render(&statement_doc, &self.metadata(&statement_doc))
                    .map_err(docs_error)?,
            ));
            for d in &invoice_docs {
                files.push((
                    format!("invoices/invoice-{}.pdf", file_stem(&d.reference)),
                    overdue_docs::render(d, &self.metadata(d)).map_err(docs_error)?,
                ));
            }
            for d in &stored {
                let (_, content) = store.document(d.id).await?;
                files.push((format!("documents/{:04}-{}", d.id, d.file_name), content));
            }
            for (a, f) in attachments.iter().zip(&appendices) {
                files.push((
                    format!("attachments/{:04}-{}", a.id, a.file_name),
                    f.bytes.clone(),
                ));
            }
            let claim_json = serde_json::json!({
                "creditor": head.name,
                "debtor": { "id": debtor_id, "name": debtor.draft.name, "reference": debtor.draft.external_ref, "kind": debtor.draft.kind.as_str() },
                "currency": currency.code(),
                "as_of": today.to_string(),
                "invoices": claim.items.iter().map(|i| serde_json::json!({
                    "number": i.number, "issue_date": i.issue_date.to_string(), "due_date": i.due_date.to_string(),
                    "amount": money_string(&i.amount), "open": money_string(&i.open)
                })).collect::<Vec<_>>(),
                "charges": claim.charges.iter().map(|c| serde_json::json!({"label": c.label, "basis": c.basis, "amount": money_string(&c.amount)})).collect::<Vec<_>>(),
                "principal": money_string(&claim.principal()),
                "total": money_string(&claim.total()),
                "documents": stored.iter().map(|d| serde_json::json!({"id": d.id, "title": d.title, "file": d.file_name, "sha256": d.sha256, "created_at": d.created_at.to_rfc3339()})).collect::<Vec<_>>(),
                "attachments": attachments.iter().map(|a| serde_json::json!({"id": a.id, "file": a.file_name, "sha256": a.sha256})).collect::<Vec<_>>(),
            });
            files.push((
                "claim.json".into(),
                serde_json::to_vec_pretty(&claim_json)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
            ));
            let mut csv = csv::Writer::from_writer(Vec::new());
            let io = |e: csv::Error| ApiError::new(ErrorCode::Internal, e.to_string());
            csv.write_record([
                "line",
                "reference",
                "issue_date",
                "due_date",
                "amount",
                "open",
                "currency",
                "basis",
            ])
            .map_err(io)?;
            for i in &claim.items {
                csv.write_record([
                    "invoice",
                    &i.number,
                    &i.issue_date.to_string(),
                    &i.due_date.to_string(),
                    &money_string(&i.amount),
                    &money_string(&i.open),
                    currency.code(),
                    "",
                ])
                .map_err(io)?;
            }
            for c in &claim.charges {
                csv.write_record([
                    "charge",
                    &c.label,
                    "",
                    "",
                    &money_string(&c.amount),
                    &money_string(&c.amount),
                    currency.code(),
                    &c.basis,
                ])
                .map_err(io)?;
            }
            csv.write_record([
                "total",
                "",
                "",
                "",
                "",
                &money_string(&claim.total()),
                currency.code(),
                "",
            ])
            .map_err(io)?;
            files.push((
                "claim.csv".into(),
                csv.into_inner()
                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
            ));
            Some(write_zip(&files, today)?)
        } else {
            None
        };
        let title = report.title.clone();
        let file = self
            .finish(
                &store,
                debtor_id,
                None,
                "case-file",
                title,
                file_name,
                bytes,
                true,
                "document",
            )
            .await?;
        Ok((file, zip))
    }
}

pub(crate) fn produced(f: PdfFile) -> ProducedDocument {
    ProducedDocument {
        document_id: f.document_ids.first().copied(),
        title: f.title,
        file_name: f.file_name,
        sha256: f.sha256,
        size_bytes: u32::try_from(f.bytes.len()).unwrap_or(u32::MAX),
        pdf_base64: base64(&f.bytes),
        notes: f.notes,
    }
}

fn content_type_of(name: &str, content: &[u8]) -> String {
    let lower = name.to_ascii_lowercase();
    if content.starts_with(b"%PDF") || lower.ends_with(".pdf") {
        "application/pdf"
    } else if content.starts_with(b"\x89PNG") {
        "image/png"
    } else if content.starts_with(b"\xFF\xD8") {
        "image/jpeg"
    } else if lower.ends_with(".txt") {
        "text/plain"
    } else {
        "application/octet-stream"
    }
    .to_string()
}

/// A ZIP entry's name that unpacks inside the folder the user unpacks it in and nowhere
/// else: the parts of its path (`/` or `\\`) without `.`, `..`, drive letters, leading dots
/// or control characters, joined with `/` (the case file's own folders stay).
fn zip_entry_name(name: &str) -> String {
    let parts: Vec<String> = name
        .split(['/', '\\'])
        .filter(|p| !p.ends_with(':'))
        .map(|p| {
            p.trim_start_matches(['.', ' '])
                .chars()
                .filter(|c| {
                    !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|')
                })
                .collect::<String>()
        })
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.is_empty() {
        "attachment".to_string()
    } else {
        parts.join("/")
    }
}

/// Files as one ZIP (entry names made safe, duplicates numbered), dated `date`.
pub(crate) fn zip_files(files: &[(String, Vec<u8>)], date: NaiveDate) -> Result<Vec<u8>, ApiError> {
    write_zip(files, date)
}

fn write_zip(files: &[(String, Vec<u8>)], date: NaiveDate) -> Result<Vec<u8>, ApiError> {
    let err = |e: zip::result::ZipError| ApiError::new(ErrorCode::Internal, format!("ZIP: {e}"));
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let when = zip::DateTime::from_date_and_time(
        u16::try_from(date.year()).unwrap_or(1980),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(when);
    let mut seen = std::collections::HashSet::new();
    for (name, bytes) in files {
        let name = &zip_entry_name(name);
        let mut n = name.clone();
        let mut k = 1;
        while !seen.insert(n.clone()) {
            k += 1;
            n = format!("{k}-{name}");
        }
        w.start_file(n, opts).map_err(err)?;
        w.write_all(bytes)
            .map_err(|e| ApiError::new(ErrorCode::Io, e.to_string()))?;
    }
    Ok(w.finish().map_err(err)?.into_inner())
}

/// What a letter of `kind` claims: every overdue invoice, with interest and compensation
/// on the demands (not on the gentle first reminders).
fn letter_scope(kind: DocumentKind, override_reason: Option<&str>) -> ClaimScope<'_> {
    ClaimScope {
        only: None,
        interest: crate::claim::claims_interest(kind.as_str())
            && kind != DocumentKind::SecondReminder,
        override_reason,
        pauses: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The case file of "Szymański" was named "Szyma-ski".
    #[test]
    fn file_names_spell_accented_names_in_ascii() {
        assert_eq!(file_stem("Szymański"), "Szymanski");
        assert_eq!(
            file_stem("Łukasiewicz Øster GmbH"),
            "Lukasiewicz-Oster-GmbH"
        );
        assert_eq!(file_stem("Müller & Söhne"), "Muller-Sohne");
        assert_eq!(file_stem("Groß Textil"), "Gross-Textil");
        assert_eq!(file_stem("D01-000042/2026"), "D01-000042-2026");
        assert_eq!(file_stem("../..\\x"), "x");
        assert_eq!(file_stem("株式会社 Tanaka"), "Tanaka");
    }

    #[test]
    fn zip_entries_never_climb_out_of_the_folder() {
        assert_eq!(zip_entry_name("..\\..\\evil.exe"), "evil.exe");
        assert_eq!(zip_entry_name("../../etc/passwd"), "etc/passwd");
        assert_eq!(zip_entry_name(".."), "attachment");
        assert_eq!(zip_entry_name("C:\\x\\terms.pdf"), "x/terms.pdf");
        assert_eq!(
            zip_entry_name("invoices/invoice-A-1.pdf"),
            "invoices/invoice-A-1.pdf"
        );
        assert_eq!(
            zip_entry_name("attachments/../../x.txt"),
            "attachments/x.txt"
        );
        assert_eq!(zip_entry_name("contract 2026.pdf"), "contract 2026.pdf");
    }

    #[test]
    fn iban_check_digits() {
        assert!(iban_ok("DE89 3704 0044 0532 0130 00"));
        assert!(!iban_ok("DE88 3704 0044 0532 0130 00"));
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn a_level_prints_the_letter_its_template_names() {
        for (template, name, kind) in [
            ("reminder", "Reminder", DocumentKind::Reminder),
            ("friendly_reminder", "Friendly", DocumentKind::Reminder),
            (
                "second_reminder",
                "Second reminder",
                DocumentKind::SecondReminder,
            ),
            ("final_demand", "Final demand", DocumentKind::FinalDemand),
            ("mahnung", "Mahnung", DocumentKind::Mahnung),
            ("my_own", "Letzte Mahnung", DocumentKind::Mahnung),
            ("my_own", "Final notice", DocumentKind::FinalDemand),
        ] {
            assert_eq!(
                letter_kind_for_template(template, name),
                kind,
                "{template}/{name}"
            );
        }
    }

    #[test]
    fn a_levels_template_decides_its_letter() {
        use super::letter_kind_for_template as k;
        assert_eq!(k("final_demand", ""), DocumentKind::FinalDemand);
        assert_eq!(k("second_reminder", ""), DocumentKind::SecondReminder);
        assert_eq!(k("reminder", ""), DocumentKind::Reminder);
        assert_eq!(k("friendly_reminder", ""), DocumentKind::Reminder);
        assert_eq!(
            k("letter_before_claim", ""),
            DocumentKind::LetterBeforeClaim
        );
        assert_eq!(k("mahnung", ""), DocumentKind::Mahnung);
        assert_eq!(
            k("my_custom", "Final notice and demand"),
            DocumentKind::FinalDemand
        );
        // Not a letter: an invoice template still prints a reminder, never an invoice.
        assert_eq!(k("invoice", ""), DocumentKind::Reminder);
    }
}
