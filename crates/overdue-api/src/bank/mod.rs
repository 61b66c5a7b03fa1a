//! Bank statements in, payments matched (issue 13).
//!
//! A file is read by `overdue-bankfile` (camt.053/054, MT940/942, OFX, CSV through a
//! mapping), its entries are matched against the open items by the pure engine
//! `overdue_domain::bank`, and everything the file changes is written by one store
//! transaction: entries, the payments of automatic matches with their allocations, the
//! reversals of returned payments, learned IBANs and the timeline events. A dry run does
//! all of it but the write.
//!
//! ## Entry identity
//! An entry already stored for the same account is skipped and counted as a duplicate.
//! Its identity is the bank's own reference for the transaction when the file has one
//! (camt `AcctSvcrRef`, MT940 bank reference, OFX `FITID`) together with date, side and
//! amount, else a digest of booking date, side, amount, currency, counterparty IBAN,
//! end-to-end id and remittance text. The n-th identical transaction of one file gets
//! `#n`, so two real identical payments on one day stay two, and a second import of the
//! same file (or an overlapping one) finds each again.

pub mod dto;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use overdue_bankfile::{CsvMapping, Format, Parsed};
use overdue_domain::bank::{self as matcher, Credit, DebtorProfile, MatchBook, MatchConfig};
use overdue_domain::money::decimal_string;
use overdue_domain::text::fold_for_search;
use overdue_domain::{Currency, Money};
use overdue_store::{
    BankEntryQuery, BankEntryRecord, BankImport, EntryAction, EntrySide, EntryStatus,
    IgnoreRuleRecord, NewBankAccount, NewBankEntry, NewBankPayment, NewBankStatement,
};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::{Api, ApiError, ErrorCode};
pub use dto::*;

/// Setting key of [`BankSettingsDto`].
const SETTINGS_KEY: &str = "bank";

impl Default for BankSettingsDto {
    fn default() -> Self {
        BankSettingsDto {
            tolerance_abs: "0.00".into(),
            tolerance_pct: "0".into(),
            auto_threshold: 100,
            stale_days: 7,
            short_payment: ShortPaymentDto::LeaveOpen,
        }
    }
}

/// The largest file read (a 100,000-entry camt.053 is about 60 MB).
const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid(message)
}

fn money_text(amount: Decimal, currency: &str) -> String {
    let places = Currency::from_code(currency)
        .map(|c| c.minor_units())
        .unwrap_or(2);
    decimal_string(amount, places)
}

fn minor_text(minor: i64, currency: &str) -> String {
    match Currency::from_code(currency) {
        Ok(c) => decimal_string(Money::from_minor_units(minor, c).amount(), c.minor_units()),
        Err(_) => minor.to_string(),
    }
}

fn to_minor(amount: Decimal, currency: &str, location: &str) -> Result<i64, ApiError> {
    let c = Currency::from_code(currency).map_err(|_| {
        invalid(format!(
            "{location}: \"{currency}\" is not a currency code Overdue knows"
        ))
    })?;
    Money::new(amount, c)
        .to_minor_units()
        .map_err(|_| invalid(format!("{location}: the amount {amount} is too large")))
}

/// An IBAN as stored: uppercase without spaces, checked with `iban_validate`
/// (country format and check digits). `None` when it is not a valid IBAN.
pub fn normalize_iban(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    compact
        .parse::<iban::Iban>()
        .ok()
        .map(|i| iban::IbanLike::electronic_str(&i).to_string())
}

/// The IBAN of a German account written the MT940 way, `BLZ/account` (`10020030/1234567`):
/// DE, check digits, the 8-digit bank code and the account number padded to 10 digits
/// (the standard rule; the few banks with special IBAN rules name the IBAN themselves).
fn german_iban(account: &str) -> Option<String> {
    let (blz, konto) = account.trim().split_once('/')?;
    let konto = konto
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if blz.len() != 8 || !blz.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if konto.is_empty() || konto.len() > 10 || !konto.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bban = format!("{blz}{konto:0>10}");
    // ISO 7064 mod 97-10 over BBAN + "DE00" with D=13, E=14.
    let rem = format!("{bban}131400")
        .bytes()
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    normalize_iban(&format!("DE{:02}{bban}", 98 - rem))
}

fn format_of(f: BankFormatDto) -> Option<Format> {
    match f {
        BankFormatDto::Auto => None,
        BankFormatDto::Camt053 => Some(Format::Camt053),
        BankFormatDto::Camt054 => Some(Format::Camt054),
        BankFormatDto::Mt940 => Some(Format::Mt940),
        BankFormatDto::Mt942 => Some(Format::Mt942),
        BankFormatDto::Ofx => Some(Format::Ofx),
        BankFormatDto::Csv => Some(Format::Csv),
    }
}

fn csv_mapping(m: &BankCsvMappingDto) -> Result<CsvMapping, ApiError> {
    let delimiter = match m.delimiter.as_str() {
        "" => None,
        "\\t" | "tab" => Some(b'\t'),
        d if d.len() == 1 => Some(d.as_bytes()[0]),
        d => {
            return Err(invalid(format!(
                "The CSV delimiter must be one character, not \"{d}\"."
            )))
        }
    };
    let opt = |s: &Option<String>| {
        s.as_ref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if m.date.trim().is_empty() {
        return Err(invalid("The CSV mapping needs the booking date column."));
    }
    if opt(&m.amount).is_none() && opt(&m.debit).is_none() && opt(&m.credit).is_none() {
        return Err(invalid(
            "The CSV mapping needs an amount column, or debit and credit columns.",
        ));
    }
    Ok(CsvMapping {
        date: m.date.trim().to_string(),
        amount: opt(&m.amount),
        debit: opt(&m.debit),
        credit: opt(&m.credit),
        currency: opt(&m.currency),
        default_currency: opt(&m.default_currency).map(|c| c.to_uppercase()),
        counterparty: opt(&m.counterparty),
        counterparty_iban: opt(&m.counterparty_iban),
        remittance: opt(&m.remittance),
        reference: opt(&m.reference),
        value_date: opt(&m.value_date),
        counterparty_bic: opt(&m.counterparty_bic),
        end_to_end_id: opt(&m.end_to_end_id),
        direction: opt(&m.direction),
        date_format: m.date_format.trim().to_string(),
        decimal_comma: m.decimal_comma,
        delimiter,
        invert_sign: m.invert_sign,
        skip_rows: m.skip_rows as usize,
        ..Default::default()
    })
}

fn mapping_dto(m: &CsvMapping) -> BankCsvMappingDto {
    BankCsvMappingDto {
        date: m.date.clone(),
        amount: m.amount.clone(),
        debit: m.debit.clone(),
        credit: m.credit.clone(),
        currency: m.currency.clone(),
        default_currency: m.default_currency.clone(),
        counterparty: m.counterparty.clone(),
        counterparty_iban: m.counterparty_iban.clone(),
        remittance: m.remittance.clone(),
        reference: m.reference.clone(),
        value_date: m.value_date.clone(),
        counterparty_bic: m.counterparty_bic.clone(),
        end_to_end_id: m.end_to_end_id.clone(),
        direction: m.direction.clone(),
        date_format: m.date_format.clone(),
        decimal_comma: m.decimal_comma,
        delimiter: m
            .delimiter
            .map(|d| {
                if d == b'\t' {
                    "\\t".into()
                } else {
                    (d as char).to_string()
                }
            })
            .unwrap_or_default(),
        invert_sign: m.invert_sign,
        skip_rows: m.skip_rows as u32,
    }
}

/// Does an ignore rule cover this entry?
fn rule_covers(rule: &IgnoreRuleRecord, counterparty: &str, iban: &str, remittance: &str) -> bool {
    let who = rule.counterparty.is_empty()
        || rule.counterparty == fold_for_search(counterparty)
        || (!iban.is_empty() && rule.counterparty == iban);
    let what = rule.text.is_empty() || fold_for_search(remittance).contains(&rule.text);
    who && what
}

fn identity_base(e: &overdue_bankfile::Entry) -> String {
    let side = if e.credit { "C" } else { "D" };
    match e.bank_reference.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() && !r.eq_ignore_ascii_case("NONREF") => {
            format!("ref:{r}:{}:{side}:{}", e.booking_date, e.amount.normalize())
        }
        _ => {
            let mut h = Sha256::new();
            for part in [
                e.booking_date.to_string(),
                side.to_string(),
                e.amount.normalize().to_string(),
                e.currency.clone(),
                e.counterparty_iban.clone().unwrap_or_default(),
                e.end_to_end_id.clone().unwrap_or_default(),
                fold_for_search(&e.remittance),
            ] {
                h.update(part.as_bytes());
                h.update([0u8]);
            }
            let digest: String = h.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("h:{digest}")
        }
    }
}

struct Counts {
    matched: u32,
    suggested: u32,
    unmatched: u32,
    ignored: u32,
}

impl Counts {
    fn add(&mut self, s: EntryStatus) {
        match s {
            EntryStatus::Matched => self.matched += 1,
            EntryStatus::Suggested => self.suggested += 1,
            EntryStatus::Unmatched => self.unmatched += 1,
            EntryStatus::Ignored => self.ignored += 1,
        }
    }
}

fn proposal_json(allocs: &[(i64, String, String)], unapplied: &str) -> String {
    serde_json::json!({
        "invoices": allocs.iter().map(|(id, n, a)| serde_json::json!({"invoice_id": id, "number": n, "amount": a})).collect::<Vec<_>>(),
        "unapplied": unapplied,
    })
    .to_string()
}

impl Api {
    /// Matching and reconciliation settings.
    pub async fn bank_settings(&self) -> Result<BankSettingsDto, ApiError> {
        let stored = self.store().await.setting(SETTINGS_KEY).await?;
        Ok(stored
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    /// Saves the matching settings (checked).
    pub async fn bank_settings_set(&self, s: BankSettingsDto) -> Result<BankSettingsDto, ApiError> {
        let mut fields: Vec<overdue_domain::FieldError> = Vec::new();
        let abs = s.tolerance_abs.trim().parse::<Decimal>();
        if !matches!(abs, Ok(v) if v >= Decimal::ZERO) {
            fields.push(overdue_domain::FieldError {
                field: "tolerance_abs".into(),
                message: "Enter an amount of 0 or more, e.g. 2.50.".into(),
            });
        }
        let pct = s.tolerance_pct.trim().parse::<Decimal>();
        if !matches!(pct, Ok(v) if v >= Decimal::ZERO && v <= Decimal::from(100)) {
            fields.push(overdue_domain::FieldError {
                field: "tolerance_pct".into(),
                message: "Enter a percentage between 0 and 100, e.g. 0.5.".into(),
            });
        }
        if s.auto_threshold > 100 || s.auto_threshold < 50 {
            fields.push(overdue_domain::FieldError {
                field: "auto_threshold".into(),
                message:
                    "Enter a confidence between 50 and 100 (100 = only unambiguous exact matches)."
                        .into(),
            });
        }
        if s.stale_days == 0 || s.stale_days > 365 {
            fields.push(overdue_domain::FieldError {
                field: "stale_days".into(),
                message: "Enter a number of days between 1 and 365.".into(),
            });
        }
        if !fields.is_empty() {
            return Err(ApiError::validation(fields));
        }
        let json = serde_json::to_string(&s)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        self.store().await.set_setting(SETTINGS_KEY, &json).await?;
        Ok(s)
    }

    fn match_config(s: &BankSettingsDto) -> MatchConfig {
        MatchConfig {
            tolerance_abs: s.tolerance_abs.trim().parse().unwrap_or(Decimal::ZERO),
            tolerance_pct: s.tolerance_pct.trim().parse().unwrap_or(Decimal::ZERO),
            auto_threshold: s.auto_threshold,
            ..MatchConfig::default()
        }
    }

    async fn match_book(&self) -> Result<MatchBook, ApiError> {
        let inputs = self.store().await.bank_match_inputs().await?;
        let mut ibans: HashMap<i64, Vec<String>> = HashMap::new();
        for (d, i) in inputs.ibans {
            ibans.entry(d).or_default().push(i);
        }
        let mut invoices = Vec::with_capacity(inputs.invoices.len());
        for r in inputs.invoices {
            let c = Currency::from_code(&r.currency)?;
            invoices.push(matcher::OpenInvoice {
                id: r.id,
                debtor_id: r.debtor_id,
                number: r.number,
                currency: c,
                open: Money::from_minor_units(r.open_minor, c).amount(),
                due_date: r.due_date,
                paused: r.disputed,
            });
        }
        // Installments of agreed plans falling due around today: a payment of exactly one
        // of them is evidence for its debtor.
        let today = self.clock().today();
        let mut installments: HashMap<i64, Vec<Money>> = HashMap::new();
        for plan in self.store().await.plans_of(None).await? {
            if matches!(
                plan.recorded_status.as_str(),
                "completed" | "defaulted" | "cancelled"
            ) {
                continue;
            }
            for i in &plan.installments {
                if (i.due_on - today).num_days().abs() <= 45 {
                    installments
                        .entry(plan.debtor_id)
                        .or_default()
                        .push(Money::from_minor_units(i.amount_minor, plan.currency));
                }
            }
        }
        let debtors = inputs
            .debtors
            .into_iter()
            .map(|(id, name)| DebtorProfile {
                id,
                name,
                ibans: ibans.remove(&id).unwrap_or_default(),
                installments_due: installments.remove(&id).unwrap_or_default(),
            })
            .collect();
        Ok(MatchBook::new(invoices, debtors))
    }

    /// Imports a bank file: reads it, skips what is stored, matches the credits, applies the
    /// unambiguous matches as payments, reverses returned payments; all in one transaction
    /// (or nothing with `dry_run`). `progress` hears (phase, done, total); `cancelled` returning true
    /// stops it before anything is written.
    pub async fn bank_import(
        &self,
        bytes: &[u8],
        file_name: &str,
        options: &BankImportOptions,
        progress: &(dyn Fn(BankImportProgress) + Send + Sync),
        cancelled: &(dyn Fn() -> bool + Send + Sync),
    ) -> Result<BankImportSummary, ApiError> {
        use tracing::Instrument;
        let span = tracing::info_span!("bank_import", file = file_name, dry_run = options.dry_run);
        self.bank_import_in_span(bytes, file_name, options, progress, cancelled)
            .instrument(span)
            .await
    }

    async fn bank_import_in_span(
        &self,
        bytes: &[u8],
        file_name: &str,
        options: &BankImportOptions,
        progress: &(dyn Fn(BankImportProgress) + Send + Sync),
        cancelled: &(dyn Fn() -> bool + Send + Sync),
    ) -> Result<BankImportSummary, ApiError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(invalid(format!(
                "{file_name}: the file is larger than {} MB; split it by period.",
                MAX_FILE_BYTES / 1024 / 1024
            )));
        }
        let store = self.store().await;
        let accounts = store.bank_accounts().await?;
        let account_opt = match options.account.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(normalize_iban(a).ok_or_else(|| {
                ApiError::field(
                    "account",
                    format!("\"{a}\" is not a valid IBAN (country, length and check digits are checked)."),
                )
            })?),
        };
        let format = format_of(options.format)
            .or_else(|| overdue_bankfile::detect(bytes))
            .ok_or_else(|| {
                invalid(format!(
                    "{file_name}: not a bank statement format Overdue reads (camt.053, camt.054, MT940, MT942, OFX, CSV)"
                ))
            })?;
        // CSV: the mapping given, else the one saved for the account.
        let mut mapping_to_save = None;
        let mapping = if format == Format::Csv {
            match &options.csv {
                Some(m) => {
                    let m = csv_mapping(m)?;
                    if let Some(acc) = &account_opt {
                        mapping_to_save = Some((
                            acc.clone(),
                            serde_json::to_string(&mapping_dto(&m)).unwrap_or_default(),
                        ));
                    }
                    Some(m)
                }
                None => {
                    let saved = account_opt.as_ref().and_then(|acc| {
                        accounts
                            .iter()
                            .find(|a| &a.account_key == acc)
                            .and_then(|a| {
                                serde_json::from_str::<BankCsvMappingDto>(&a.csv_mapping).ok()
                            })
                    });
                    match saved {
                        Some(m) => Some(csv_mapping(&m)?),
                        None => {
                            return Err(ApiError::field("csv", format!(
                                "{file_name}: a bank's CSV export needs a column mapping the first time (which columns \
                                 hold the date, the amount or debit and credit, the payer, the text); with the account \
                                 named, the mapping is saved and the next file of that account needs none."
                            )))
                        }
                    }
                }
            }
        } else {
            None
        };
        progress(BankImportProgress {
            phase: "reading".into(),
            done: 0,
            total: 0,
        });
        let parsed: Parsed =
            overdue_bankfile::parse(bytes, file_name, Some(format), mapping.as_ref())
                .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
        let file_sha = overdue_store::sha256_hex(bytes);
        let total: u64 = parsed
            .statements
            .iter()
            .map(|s| s.entries.len() as u64)
            .sum();

        let mut summary = BankImportSummary {
            format: parsed.format.as_str().to_string(),
            encoding: parsed.encoding.clone(),
            statements: parsed.statements.len() as u32,
            dry_run: options.dry_run,
            ..Default::default()
        };
        let mut credits: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut debits: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut counts = Counts {
            matched: 0,
            suggested: 0,
            unmatched: 0,
            ignored: 0,
        };
        let mut import = BankImport {
            csv_mapping: mapping_to_save.clone(),
            ..Default::default()
        };
        let known_keys: HashSet<&str> = accounts.iter().map(|a| a.account_key.as_str()).collect();
        let mut new_keys: HashSet<String> = HashSet::new();
        let settings = self.bank_settings().await?;
        let config = Self::match_config(&settings);
        let rules = store.bank_ignore_rules().await?;
        let mut book: Option<MatchBook> = None;
        let mut occurrences: HashMap<(String, String), u32> = HashMap::new();
        let mut done = 0u64;
        let mut claimed_returns: HashSet<i64> = HashSet::new();

        for (si, st) in parsed.statements.iter().enumerate() {
            let where_ = format!("{file_name}: statement {}", si + 1);
            let file_key = st
                .account_iban
                .clone()
                .or_else(|| st.account_other.as_deref().and_then(german_iban))
                .or_else(|| st.account_other.clone())
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty());
            let key = match (&file_key, &account_opt) {
                (Some(f), Some(given)) if f != given => {
                    return Err(invalid(format!(
                        "{where_}: the file is for account {f}, not {given} as given"
                    )))
                }
                (Some(f), _) => f.clone(),
                (None, Some(given)) => given.clone(),
                (None, None) => {
                    return Err(invalid(format!(
                    "{where_}: the file does not name the bank account: give your account's IBAN"
                )))
                }
            };
            let currency = st
                .currency
                .clone()
                .or_else(|| st.entries.first().map(|e| e.currency.clone()))
                .or_else(|| {
                    accounts
                        .iter()
                        .find(|a| a.account_key == key)
                        .map(|a| a.currency.clone())
                })
                .unwrap_or_else(|| "EUR".to_string())
                .to_uppercase();
            if !known_keys.contains(key.as_str()) && new_keys.insert(key.clone()) {
                summary.new_accounts.push(key.clone());
                import.accounts.push(NewBankAccount {
                    account_key: key.clone(),
                    iban: normalize_iban(&key),
                    name: String::new(),
                    currency: currency.clone(),
                });
            }
            // Identities, then what is stored already.
            let identities: Vec<String> = st
                .entries
                .iter()
                .map(|e| {
                    let base = identity_base(e);
                    let n = occurrences.entry((key.clone(), base.clone())).or_insert(0);
                    *n += 1;
                    if *n == 1 {
                        base
                    } else {
                        format!("{base}#{n}")
                    }
                })
                .collect();
            let known = store.bank_known_identities(&key, &identities).await?;
            // Balance check: opening + entries = closing.
            let mut net = Decimal::ZERO;
            for e in &st.entries {
                let sums = if e.credit { &mut credits } else { &mut debits };
                *sums.entry(e.currency.clone()).or_default() += e.amount;
                net += if e.credit { e.amount } else { -e.amount };
            }
            let mut balance_problem = String::new();
            if let (Some(o), Some(c)) = (&st.opening, &st.closing) {
                if o.amount + net != c.amount {
                    balance_problem = format!(
                        "opening balance {} plus the entries ({}) is {}, but the closing balance is {}",
                        money_text(o.amount, &o.currency),
                        money_text(net, &currency),
                        money_text(o.amount + net, &o.currency),
                        money_text(c.amount, &c.currency)
                    );
                    summary.balance_problems.push(format!(
                        "{where_} ({key}{}): {balance_problem}",
                        if st.statement_id.is_empty() {
                            String::new()
                        } else {
                            format!(", {}", st.statement_id)
                        }
                    ));
                }
            }
            let mut entries = Vec::new();
            let mut duplicates = 0i64;
            for (e, identity) in st.entries.iter().zip(identities) {
                done += 1;
                if done.is_multiple_of(1000) {
                    if cancelled() {
                        return Err(ApiError::new(
                            ErrorCode::InvalidInput,
                            "The import was cancelled; nothing was written.",
                        ));
                    }
                    progress(BankImportProgress {
                        phase: "matching".into(),
                        done,
                        total,
                    });
                }
                if let Some(status) = known.get(&identity) {
                    duplicates += 1;
                    summary.duplicates += 1;
                    counts.add(*status);
                    continue;
                }
                let amount_minor = to_minor(
                    e.amount,
                    &e.currency,
                    &format!("{file_name}: {}", e.location),
                )?;
                if amount_minor <= 0 {
                    counts.add(EntryStatus::Ignored);
                    continue;
                }
                let iban = e
                    .counterparty_iban
                    .as_deref()
                    .and_then(normalize_iban)
                    .or_else(|| e.counterparty_iban.clone())
                    .unwrap_or_default();
                let mut entry = NewBankEntry {
                    identity,
                    booking_date: e.booking_date,
                    value_date: e.value_date,
                    currency: e.currency.to_uppercase(),
                    amount_minor,
                    side: if e.credit {
                        EntrySide::Credit
                    } else {
                        EntrySide::Debit
                    },
                    reversal: e.reversal,
                    is_return: e.is_return || (e.reversal && !e.credit),
                    return_reason: e.return_reason.clone().unwrap_or_default(),
                    counterparty: e.counterparty_name.clone(),
                    counterparty_iban: iban.clone(),
                    counterparty_bic: e.counterparty_bic.clone().unwrap_or_default(),
                    remittance: e.remittance.clone(),
                    creditor_reference: e.creditor_reference.clone().unwrap_or_default(),
                    end_to_end_id: e.end_to_end_id.clone().unwrap_or_default(),
                    bank_reference: e.bank_reference.clone().unwrap_or_default(),
                    bank_code: e.bank_code.clone().unwrap_or_default(),
                    location: e.location.clone(),
                    status: EntryStatus::Unmatched,
                    debtor_id: None,
                    proposal: String::new(),
                    confidence: 0,
                    reasons: String::new(),
                    ignore_rule_id: None,
                    action: EntryAction::None,
                };
                if options.no_match {
                    // The benchmark's baseline: stored, not matched.
                } else if let Some(rule) = rules.iter().find(|r| {
                    rule_covers(
                        r,
                        &entry.counterparty,
                        &entry.counterparty_iban,
                        &entry.remittance,
                    )
                }) {
                    entry.status = EntryStatus::Ignored;
                    entry.ignore_rule_id = Some(rule.id);
                    entry.reasons =
                        serde_json::json!([format!("ignored by the rule \"{}\"", rule.label)])
                            .to_string();
                } else if !e.credit {
                    if entry.is_return {
                        if let Some((pid, did)) = store
                            .bank_returned_payment(
                                &entry.end_to_end_id,
                                &entry.counterparty_iban,
                                amount_minor,
                                &entry.currency,
                            )
                            .await?
                            .filter(|(pid, _)| claimed_returns.insert(*pid))
                        {
                            entry.status = EntryStatus::Matched;
                            entry.debtor_id = Some(did);
                            entry.confidence = 100;
                            entry.reasons = serde_json::json!([format!(
                                "returned payment: it takes back payment #{pid} ({})",
                                if entry.return_reason.is_empty() {
                                    "no reason given".to_string()
                                } else {
                                    entry.return_reason.clone()
                                }
                            )])
                            .to_string();
                            entry.action = EntryAction::Reverse {
                                payment_id: pid,
                                debtor_id: did,
                                reason: format!(
                                    "returned by the bank{}",
                                    if entry.return_reason.is_empty() {
                                        String::new()
                                    } else {
                                        format!(": {}", entry.return_reason)
                                    }
                                ),
                            };
                        } else {
                            entry.reasons = serde_json::json!([
                                "a returned payment, but no matched payment it returns was found"
                            ])
                            .to_string();
                        }
                    }
                } else {
                    if book.is_none() {
                        book = Some(self.match_book().await?);
                    }
                    let Some(book) = book.as_mut() else { continue };
                    self.decide_credit(&mut entry, book, &config, &settings)?;
                }
                counts.add(entry.status);
                entries.push(entry);
            }
            import.statements.push(NewBankStatement {
                account_key: key,
                format: parsed.format.as_str().to_string(),
                file_name: file_name.to_string(),
                file_sha256: file_sha.clone(),
                statement_ref: st.statement_id.clone(),
                sequence: st.sequence.clone().unwrap_or_default(),
                period_from: st
                    .from
                    .or_else(|| st.entries.iter().map(|e| e.booking_date).min()),
                period_to: st
                    .to
                    .or_else(|| st.entries.iter().map(|e| e.booking_date).max()),
                opening_minor: st
                    .opening
                    .as_ref()
                    .map(|b| to_minor(b.amount, &b.currency, &where_))
                    .transpose()?,
                closing_minor: st
                    .closing
                    .as_ref()
                    .map(|b| to_minor(b.amount, &b.currency, &where_))
                    .transpose()?,
                currency,
                balance_problem,
                entries_in_file: st.entries.len() as i64,
                duplicates,
                entries,
            });
        }
        summary.entries = total as u32;
        summary.matched = counts.matched;
        summary.suggested = counts.suggested;
        summary.unmatched = counts.unmatched;
        summary.ignored = counts.ignored;
        summary.credits = credits
            .into_iter()
            .map(|(c, a)| {
                let t = money_text(a, &c);
                (c, t)
            })
            .collect();
        summary.debits = debits
            .into_iter()
            .map(|(c, a)| {
                let t = money_text(a, &c);
                (c, t)
            })
            .collect();
        if cancelled() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "The import was cancelled; nothing was written.",
            ));
        }
        if options.dry_run {
            progress(BankImportProgress {
                phase: "done".into(),
                done: total,
                total,
            });
            return Ok(summary);
        }
        progress(BankImportProgress {
            phase: "saving".into(),
            done: total,
            total,
        });
        // One entry in the audit trail for the file and what its matches recorded.
        import.audit = Some(overdue_store::ImportRecord {
            kind: "bank statement".into(),
            file: file_name.to_string(),
            rows: i64::try_from(total).unwrap_or(i64::MAX),
            sha256: file_sha.clone(),
        });
        let outcome = match store.bank_import(&import, self.clock().now()).await {
            // A concurrent import stored some of these entries meanwhile: nothing was kept;
            // read the book again, so those entries count as duplicates this time.
            Err(overdue_store::StoreError::Conflict(_)) if !options.retried => {
                let again = BankImportOptions {
                    retried: true,
                    ..options.clone()
                };
                return Box::pin(
                    self.bank_import_in_span(bytes, file_name, &again, progress, cancelled),
                )
                .await;
            }
            other => other?,
        };
        if outcome.raced > 0 {
            tracing::info!(
                raced = outcome.raced,
                "entries stored by a concurrent import were skipped"
            );
        }
        let touched: HashSet<i64> = outcome
            .payments
            .iter()
            .chain(&outcome.reversed)
            .map(|(_, d)| *d)
            .collect();
        self.after_bank_payments(&touched).await?;
        progress(BankImportProgress {
            phase: "done".into(),
            done: total,
            total,
        });
        tracing::info!(
            entries = summary.entries,
            matched = summary.matched,
            "bank file imported"
        );
        Ok(summary)
    }

    /// Promises kept, plans completed, scores: what follows any recorded payment.
    async fn after_bank_payments(&self, debtors: &HashSet<i64>) -> Result<(), ApiError> {
        if debtors.is_empty() {
            return Ok(());
        }
        // Only debtors with a plan, promise or settlement can have an outcome to record.
        let arranged = self.store().await.debtors_with_arrangements().await?;
        for &d in debtors.intersection(&arranged) {
            self.collections_sweep(d).await?;
        }
        if debtors.len() > 200 {
            self.mark_scores_stale().await?;
        } else {
            for &d in debtors {
                self.credit_refresh(Some(d)).await?;
            }
        }
        Ok(())
    }

    /// Matches one credit and sets the entry's status, proposal and action.
    fn decide_credit(
        &self,
        entry: &mut NewBankEntry,
        book: &mut MatchBook,
        config: &MatchConfig,
        settings: &BankSettingsDto,
    ) -> Result<(), ApiError> {
        let currency = Currency::from_code(&entry.currency)?;
        let credit = Credit {
            amount: Money::from_minor_units(entry.amount_minor, currency),
            counterparty_name: entry.counterparty.clone(),
            counterparty_iban: (!entry.counterparty_iban.is_empty())
                .then(|| entry.counterparty_iban.clone()),
            remittance: entry.remittance.clone(),
            creditor_reference: (!entry.creditor_reference.is_empty())
                .then(|| entry.creditor_reference.clone()),
        };
        let proposals = matcher::propose(&credit, book, config);
        let Some(best) = proposals.into_iter().next() else {
            entry.reasons =
                serde_json::json!(["no invoice, reference, IBAN or name points to a debtor"])
                    .to_string();
            return Ok(());
        };
        let allocs: Vec<(i64, String, String)> = best
            .allocations
            .iter()
            .map(|a| {
                (
                    a.invoice_id,
                    a.number.clone(),
                    money_text(a.amount, &entry.currency),
                )
            })
            .collect();
        entry.debtor_id = Some(best.debtor_id);
        entry.confidence = i64::from(best.confidence);
        entry.proposal = proposal_json(&allocs, &money_text(best.unapplied, &entry.currency));
        entry.reasons = serde_json::to_string(&best.reasons).unwrap_or_default();
        if best.auto {
            let mut minor_allocs = Vec::new();
            for a in &best.allocations {
                minor_allocs.push((
                    a.invoice_id,
                    to_minor(a.amount, &entry.currency, &entry.location)?,
                ));
                book.take(a.invoice_id, a.amount);
            }
            let mut write_offs = Vec::new();
            if best.short_by > Decimal::ZERO && settings.short_payment == ShortPaymentDto::WriteOff
            {
                if let Some(last) = best.allocations.last() {
                    write_offs.push((
                        last.invoice_id,
                        to_minor(best.short_by, &entry.currency, &entry.location)?,
                    ));
                    book.take(last.invoice_id, best.short_by);
                }
            }
            let numbers: Vec<&str> = best.allocations.iter().map(|a| a.number.as_str()).collect();
            entry.status = EntryStatus::Matched;
            entry.action = EntryAction::Pay(NewBankPayment {
                debtor_id: best.debtor_id,
                allocations: minor_allocs,
                write_offs,
                learn_iban: entry.counterparty_iban.clone(),
                proposal: entry.proposal.clone(),
                confidence: entry.confidence,
                reasons: entry.reasons.clone(),
                summary: format!(
                    "Payment of {} {} from the bank statement of {}, matched to {}",
                    minor_text(entry.amount_minor, &entry.currency),
                    entry.currency,
                    entry.booking_date,
                    if numbers.is_empty() {
                        "no invoice (a credit on the account)".to_string()
                    } else {
                        numbers.join(", ")
                    }
                ),
                author: "overdue".into(),
            });
        } else {
            entry.status = EntryStatus::Suggested;
        }
        Ok(())
    }

    /// Entries, newest first (`limit` 0 = all).
    pub async fn bank_entries(
        &self,
        status: Option<BankEntryStatusDto>,
        statement_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<BankEntryDto>, ApiError> {
        let rows = self
            .store()
            .await
            .bank_entries(&BankEntryQuery {
                status: status.map(status_of),
                statement_id,
                account_id: None,
                limit,
            })
            .await?;
        Ok(rows.into_iter().map(entry_dto).collect())
    }

    /// One entry.
    pub async fn bank_entry(&self, id: i64) -> Result<BankEntryDto, ApiError> {
        Ok(entry_dto(self.store().await.bank_entry(id).await?))
    }

    /// Accepts an entry's proposal as it stands (one click in the window).
    pub async fn bank_accept(&self, entry_id: i64, author: &str) -> Result<BankEntryDto, ApiError> {
        let e = self.bank_entry(entry_id).await?;
        if e.status != BankEntryStatusDto::Suggested {
            return Err(invalid(format!(
                "Bank entry {entry_id} has no proposal to accept (it is {}).",
                status_word(e.status)
            )));
        }
        let input = BankMatchInput {
            invoices: e
                .invoices
                .iter()
                .map(|i| BankMatchLine {
                    number: i.number.clone(),
                    amount: Some(i.amount.clone()),
                })
                .collect(),
            debtor_id: e.debtor_id,
        };
        self.bank_match(entry_id, &input, author).await
    }

    /// Matches an entry by hand: pays the invoices named (split across several, each up to
    /// the amount given or what is open), or assigns it to a debtor as unapplied credit.
    pub async fn bank_match(
        &self,
        entry_id: i64,
        input: &BankMatchInput,
        author: &str,
    ) -> Result<BankEntryDto, ApiError> {
        let store = self.store().await;
        let e = store.bank_entry(entry_id).await?;
        if e.side != EntrySide::Credit {
            return Err(invalid(format!(
                "Bank entry {entry_id} is money out ({} {}): only money in pays invoices.",
                minor_text(e.amount_minor, &e.currency),
                e.currency
            )));
        }
        if e.status == EntryStatus::Matched {
            return Err(invalid(format!(
                "Bank entry {entry_id} is already matched (payment #{}); undo that match first.",
                e.payment_id.unwrap_or_default()
            )));
        }
        let currency = Currency::from_code(&e.currency)?;
        let mut left = e.amount_minor;
        let mut debtor_id = input.debtor_id;
        let mut allocations = Vec::new();
        let mut lines = Vec::new();
        for (k, line) in input.invoices.iter().enumerate() {
            let field = format!("invoices[{k}]");
            let number = line.number.trim();
            let invoice_id = store.invoice_id_by_number(number).await.map_err(|_| {
                ApiError::field(&field, format!("There is no invoice \"{number}\"."))
            })?;
            let inv = store.invoice(invoice_id).await?;
            if inv.invoice.amount.currency() != currency {
                return Err(ApiError::field(
                    &field,
                    format!(
                        "Invoice {number} is in {}, the bank entry in {}: a payment never pays across currencies.",
                        inv.invoice.amount.currency(), e.currency
                    ),
                ));
            }
            match debtor_id {
                Some(d) if d != inv.invoice.debtor_id => {
                    return Err(ApiError::field(
                        &field,
                        format!(
                        "Invoice {number} belongs to another debtor than the rest of this match."
                    ),
                    ))
                }
                _ => debtor_id = Some(inv.invoice.debtor_id),
            }
            let open = inv.invoice.open.to_minor_units()?;
            let want = match line
                .amount
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                Some(a) => Money::parse(a, currency)
                    .map_err(|err| ApiError::field(&field, format!("The amount \"{a}\": {err}.")))?
                    .to_minor_units()?,
                None => open.min(left),
            };
            if want <= 0 {
                return Err(ApiError::field(
                    &field,
                    format!("Invoice {number}: enter an amount above zero."),
                ));
            }
            if want > open {
                return Err(ApiError::field(
                    &field,
                    format!(
                        "Invoice {number} has {} {} open; {} {} would pay more than is owed.",
                        minor_text(open, &e.currency),
                        e.currency,
                        minor_text(want, &e.currency),
                        e.currency
                    ),
                ));
            }
            if want > left {
                return Err(ApiError::field(
                    &field,
                    format!(
                        "Only {} {} of the bank entry is left for invoice {number}.",
                        minor_text(left, &e.currency),
                        e.currency
                    ),
                ));
            }
            left -= want;
            allocations.push((invoice_id, want));
            lines.push((
                invoice_id,
                number.to_string(),
                minor_text(want, &e.currency),
            ));
        }
        let Some(debtor_id) = debtor_id else {
            return Err(invalid(
                "Name an invoice to pay, or a debtor to credit the amount to.",
            ));
        };
        let debtor = store.debtor(debtor_id).await?;
        let numbers: Vec<&str> = lines.iter().map(|l| l.1.as_str()).collect();
        let payment = NewBankPayment {
            debtor_id,
            allocations,
            write_offs: Vec::new(),
            learn_iban: e.counterparty_iban.clone(),
            proposal: proposal_json(&lines, &minor_text(left, &e.currency)),
            confidence: 100,
            reasons: serde_json::json!([format!("matched by hand by {author}")]).to_string(),
            summary: format!(
                "Payment of {} {} from the bank statement of {}, matched by hand to {}",
                minor_text(e.amount_minor, &e.currency),
                e.currency,
                e.booking_date,
                if numbers.is_empty() {
                    format!("{} as a credit on the account", debtor.draft.name)
                } else {
                    numbers.join(", ")
                }
            ),
            author: author.to_string(),
        };
        store
            .bank_apply_match(entry_id, &payment, self.clock().now())
            .await?;
        self.after_bank_payments(&HashSet::from([debtor_id]))
            .await?;
        self.bank_entry(entry_id).await
    }

    /// Undoes a match: the payment is reversed (kept on record) and the entry is reviewed
    /// again.
    pub async fn bank_unmatch(
        &self,
        entry_id: i64,
        author: &str,
    ) -> Result<BankEntryDto, ApiError> {
        let store = self.store().await;
        let today = self.clock().today();
        store
            .bank_unmatch(
                entry_id,
                today,
                "bank match undone",
                author,
                self.clock().now(),
            )
            .await?;
        let e = store.bank_entry(entry_id).await?;
        if let Some(d) = e.debtor_id {
            self.after_bank_payments(&HashSet::from([d])).await?;
        }
        // Propose again against today's book, so the entry shows what it would match now.
        self.rematch(entry_id).await?;
        self.bank_entry(entry_id).await
    }

    async fn rematch(&self, entry_id: i64) -> Result<(), ApiError> {
        let store = self.store().await;
        let e = store.bank_entry(entry_id).await?;
        if e.side != EntrySide::Credit {
            return Ok(());
        }
        let mut book = self.match_book().await?;
        let mut entry = NewBankEntry::from_stored(&e);
        let settings = self.bank_settings().await?;
        // A proposal only: never applied automatically after an undo.
        let config = MatchConfig {
            auto_threshold: 101,
            ..Self::match_config(&settings)
        };
        self.decide_credit(&mut entry, &mut book, &config, &settings)?;
        let status = if entry.debtor_id.is_some() {
            EntryStatus::Suggested
        } else {
            EntryStatus::Unmatched
        };
        store
            .bank_set_proposal(
                entry_id,
                status,
                entry.debtor_id,
                &entry.proposal,
                entry.confidence,
                &entry.reasons,
            )
            .await?;
        Ok(())
    }

    /// Ignores an entry; with `rule`, also every entry like it (same counterparty, or the
    /// same text when there is no counterparty) now and in later imports. Returns the
    /// entries ignored.
    pub async fn bank_ignore(
        &self,
        entry_id: i64,
        rule: bool,
    ) -> Result<Vec<BankEntryDto>, ApiError> {
        let store = self.store().await;
        let e = store.bank_entry(entry_id).await?;
        if e.status == EntryStatus::Matched {
            return Err(invalid(format!(
                "Bank entry {entry_id} is matched to payment #{}: undo the match before ignoring it.",
                e.payment_id.unwrap_or_default()
            )));
        }
        let mut ids = vec![entry_id];
        let rule_spec = if rule {
            let (who, text) = if !e.counterparty_iban.is_empty() {
                (e.counterparty_iban.clone(), String::new())
            } else if !e.counterparty.trim().is_empty() {
                (fold_for_search(&e.counterparty), String::new())
            } else {
                (String::new(), fold_for_search(&e.remittance))
            };
            if who.is_empty() && text.trim().is_empty() {
                return Err(invalid(format!(
                    "Bank entry {entry_id} has no counterparty and no text a rule could recognise; ignore it on its own."
                )));
            }
            let label = if e.counterparty.trim().is_empty() {
                text.clone()
            } else {
                e.counterparty.trim().to_string()
            };
            let probe = IgnoreRuleRecord {
                id: 0,
                counterparty: who.clone(),
                text: text.clone(),
                label: label.clone(),
            };
            // Only entries still under review can be ignored: read those, not the whole
            // history of matched and ignored ones.
            let mut open = Vec::new();
            for status in [EntryStatus::Unmatched, EntryStatus::Suggested] {
                let q = BankEntryQuery {
                    status: Some(status),
                    ..Default::default()
                };
                open.extend(store.bank_entries(&q).await?);
            }
            for other in open {
                if other.id != entry_id
                    && rule_covers(
                        &probe,
                        &other.counterparty,
                        &other.counterparty_iban,
                        &other.remittance,
                    )
                {
                    ids.push(other.id);
                }
            }
            Some((who, text, label))
        } else {
            None
        };
        store
            .bank_ignore(
                &ids,
                rule_spec
                    .as_ref()
                    .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())),
                self.clock().now(),
            )
            .await?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.bank_entry(id).await?);
        }
        Ok(out)
    }

    /// Puts an ignored entry back to review.
    pub async fn bank_unignore(&self, entry_id: i64) -> Result<BankEntryDto, ApiError> {
        self.store().await.bank_unignore(entry_id).await?;
        self.rematch(entry_id).await?;
        self.bank_entry(entry_id).await
    }

    /// Own accounts with the last day their statements cover.
    pub async fn bank_accounts(&self) -> Result<Vec<BankAccountDto>, ApiError> {
        let store = self.store().await;
        let fresh: HashMap<String, Option<NaiveDate>> = store
            .bank_freshness()
            .await?
            .into_iter()
            .map(|f| (f.account_key, f.latest))
            .collect();
        Ok(store
            .bank_accounts()
            .await?
            .into_iter()
            .map(|a| BankAccountDto {
                id: a.id,
                latest: fresh
                    .get(&a.account_key)
                    .copied()
                    .flatten()
                    .map(|d| d.to_string()),
                account: a.account_key,
                name: a.name,
                currency: a.currency,
                has_csv_mapping: !a.csv_mapping.is_empty(),
            })
            .collect())
    }

    /// Names an account.
    pub async fn bank_account_rename(&self, id: i64, name: &str) -> Result<(), ApiError> {
        Ok(self.store().await.bank_account_rename(id, name).await?)
    }

    /// Imported statements, newest first.
    pub async fn bank_statements(&self) -> Result<Vec<BankStatementDto>, ApiError> {
        Ok(self
            .store()
            .await
            .bank_statements()
            .await?
            .into_iter()
            .map(|s| BankStatementDto {
                id: s.id,
                account: s.account_key,
                format: s.format,
                file_name: s.file_name,
                statement_ref: s.statement_ref,
                period_from: s.period_from.map(|d| d.to_string()),
                period_to: s.period_to.map(|d| d.to_string()),
                opening: s.opening_minor.map(|m| minor_text(m, &s.currency)),
                closing: s.closing_minor.map(|m| minor_text(m, &s.currency)),
                credits: minor_text(s.credits_minor, &s.currency),
                debits: minor_text(s.debits_minor, &s.currency),
                currency: s.currency,
                balance_problem: s.balance_problem,
                entries: u32::try_from(s.entries).unwrap_or(0),
                duplicates: u32::try_from(s.duplicates).unwrap_or(0),
                matched_percent: if s.stored > 0 {
                    u32::try_from(s.matched * 100 / s.stored).unwrap_or(0)
                } else {
                    0
                },
                imported_at: s.imported_at.to_rfc3339(),
            })
            .collect())
    }

    /// Ignore rules.
    pub async fn bank_ignore_rules(&self) -> Result<Vec<BankIgnoreRuleDto>, ApiError> {
        Ok(self
            .store()
            .await
            .bank_ignore_rules()
            .await?
            .into_iter()
            .map(|r| BankIgnoreRuleDto {
                id: r.id,
                counterparty: r.counterparty,
                text: r.text,
                label: r.label,
            })
            .collect())
    }

    /// Deletes an ignore rule.
    pub async fn bank_ignore_rule_delete(&self, id: i64) -> Result<(), ApiError> {
        Ok(self.store().await.bank_ignore_rule_delete(id).await?)
    }

    /// The first rows of a CSV file with the mapping to start from: the one saved for
    /// `account`, else one suggested from the headers.
    pub async fn bank_csv_preview(
        &self,
        bytes: &[u8],
        file_name: &str,
        account: Option<&str>,
        skip_rows: u32,
    ) -> Result<BankCsvPreviewDto, ApiError> {
        // Many banks put a preamble (account, period) above the header: find it when the
        // user has not said.
        let skip = if skip_rows == 0 {
            overdue_bankfile::csv_guess_skip_rows(bytes)
        } else {
            skip_rows as usize
        };
        let p = overdue_bankfile::csv_preview(bytes, skip, None)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, format!("{file_name}: {e}")))?;
        let saved = match account.and_then(normalize_iban) {
            Some(acc) => self
                .store()
                .await
                .bank_accounts()
                .await?
                .into_iter()
                .find(|a| a.account_key == acc)
                .and_then(|a| serde_json::from_str::<BankCsvMappingDto>(&a.csv_mapping).ok()),
            None => None,
        };
        let (mapping, saved) = match saved {
            Some(m) => (m, true),
            None => {
                let mut m = mapping_dto(&overdue_bankfile::suggest_csv_mapping(&p));
                m.skip_rows = skip as u32;
                (m, false)
            }
        };
        Ok(BankCsvPreviewDto {
            headers: p.headers,
            rows: p.rows,
            encoding: p.encoding,
            mapping,
            saved,
        })
    }

    /// The IBANs a debtor pays from (entered or learned from matched payments).
    pub async fn debtor_ibans(&self, debtor_id: i64) -> Result<Vec<String>, ApiError> {
        Ok(self
            .store()
            .await
            .debtor_ibans(debtor_id)
            .await?
            .into_iter()
            .map(|(i, _)| i)
            .collect())
    }

    /// Adds an IBAN a debtor pays from (checked).
    pub async fn debtor_iban_add(
        &self,
        debtor_id: i64,
        iban: &str,
    ) -> Result<Vec<String>, ApiError> {
        let norm = normalize_iban(iban).ok_or_else(|| {
            ApiError::field("iban", format!("\"{}\" is not a valid IBAN.", iban.trim()))
        })?;
        let store = self.store().await;
        store.debtor(debtor_id).await?;
        store
            .debtor_iban_add(debtor_id, &norm, self.clock().now())
            .await?;
        Ok(store
            .debtor_ibans(debtor_id)
            .await?
            .into_iter()
            .map(|(i, _)| i)
            .collect())
    }

    /// Debtors whose reminders wait for a bank credit from their IBAN to be reviewed:
    /// debtor id -> the reason in words.
    pub async fn bank_holds(&self) -> Result<HashMap<i64, String>, ApiError> {
        let mut out = HashMap::new();
        for h in self.store().await.bank_holds().await? {
            out.entry(h.debtor_id).or_insert_with(|| {
                format!(
                    "a bank credit of {} {} on {} from the debtor's account awaits review (Bank, entry {})",
                    minor_text(h.amount_minor, &h.currency),
                    h.currency,
                    h.booking_date,
                    h.entry_id
                )
            });
        }
        Ok(out)
    }

    /// "Reconcile before you remind": one warning per account whose latest statement is
    /// older than the setting (none when no account is set up).
    pub async fn bank_staleness(&self, as_of: NaiveDate) -> Result<Vec<String>, ApiError> {
        let settings = self.bank_settings().await?;
        let mut out = Vec::new();
        for f in self.store().await.bank_freshness().await? {
            let label = if f.name.is_empty() {
                f.account_key.clone()
            } else {
                format!("{} ({})", f.name, f.account_key)
            };
            match f.latest {
                Some(d) if (as_of - d).num_days() > i64::from(settings.stale_days) => out.push(format!(
                    "The latest bank statement of {label} ends on {d}, {} days ago: import the newer statements and review \
                     the payments before you remind anyone.",
                    (as_of - d).num_days()
                )),
                None => out.push(format!("No bank statement of {label} has been imported yet.")),
                _ => {}
            }
        }
        Ok(out)
    }
}

fn status_of(s: BankEntryStatusDto) -> EntryStatus {
    match s {
        BankEntryStatusDto::Matched => EntryStatus::Matched,
        BankEntryStatusDto::Suggested => EntryStatus::Suggested,
        BankEntryStatusDto::Unmatched => EntryStatus::Unmatched,
        BankEntryStatusDto::Ignored => EntryStatus::Ignored,
    }
}

fn status_word(s: BankEntryStatusDto) -> &'static str {
    match s {
        BankEntryStatusDto::Matched => "matched",
        BankEntryStatusDto::Suggested => "suggested",
        BankEntryStatusDto::Unmatched => "unmatched",
        BankEntryStatusDto::Ignored => "ignored",
    }
}

fn entry_dto(e: BankEntryRecord) -> BankEntryDto {
    #[derive(serde::Deserialize)]
    struct Stored {
        invoices: Vec<BankEntryInvoiceDto>,
        #[serde(default)]
        unapplied: String,
    }
    let proposal: Option<Stored> = serde_json::from_str(&e.proposal).ok();
    let show = matches!(e.status, EntryStatus::Matched | EntryStatus::Suggested);
    let (invoices, unapplied) = match (proposal, show) {
        (Some(p), true) => (p.invoices, p.unapplied),
        _ => (Vec::new(), String::new()),
    };
    let reference =
        overdue_store::entry_reference(&e.creditor_reference, &e.end_to_end_id, &e.bank_reference);
    BankEntryDto {
        id: e.id,
        account: e.account_key,
        statement_id: e.statement_id,
        booking_date: e.booking_date.to_string(),
        value_date: e.value_date.map(|d| d.to_string()),
        amount: minor_text(e.amount_minor, &e.currency),
        side: match e.side {
            EntrySide::Credit => BankSideDto::Credit,
            EntrySide::Debit => BankSideDto::Debit,
        },
        is_return: e.is_return,
        counterparty: e.counterparty,
        counterparty_iban: e.counterparty_iban,
        remittance: e.remittance,
        reference,
        end_to_end_id: e.end_to_end_id,
        bank_reference: e.bank_reference,
        status: match e.status {
            EntryStatus::Matched => BankEntryStatusDto::Matched,
            EntryStatus::Suggested => BankEntryStatusDto::Suggested,
            EntryStatus::Unmatched => BankEntryStatusDto::Unmatched,
            EntryStatus::Ignored => BankEntryStatusDto::Ignored,
        },
        debtor_id: e.debtor_id,
        debtor_name: e.debtor_name,
        payment_id: e.payment_id,
        invoices,
        unapplied: if unapplied.is_empty() {
            minor_text(0, &e.currency)
        } else {
            unapplied
        },
        confidence: u8::try_from(e.confidence.clamp(0, 100)).unwrap_or(0),
        reasons: serde_json::from_str(&e.reasons).unwrap_or_default(),
        location: e.location,
        currency: e.currency,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_blz_and_account_become_the_iban() {
        // The Bundesbank's own example: BLZ 37040044, account 0532013000.
        assert_eq!(
            german_iban("37040044/532013000").as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(
            german_iban("37040044/0532013000EUR").as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(german_iban("NL91ABNA0417164300"), None);
        assert_eq!(german_iban("1234/5"), None);
    }
}
