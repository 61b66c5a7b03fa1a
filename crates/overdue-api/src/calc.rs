//! Stateless calculators (interest, score, credit check, payment plan): no database.
//!
//! Each calculator takes a request DTO whose inputs are strings exactly as the user typed
//! them (amounts, dates, rates, counts), parses and validates every one of them here (the
//! UI and the CLI can both be bypassed), runs the pure engine of `overdue-domain` and
//! returns a result DTO with amounts as decimal strings. A bad input is an
//! [`ApiError`] with code `invalid_input` whose message names the input the way the
//! `overdue calc` command line spells it (`--principal: "abc" is not an amount ...`).
//!
//! ## Glossary
//! - **Interest calculator**: late-payment interest and fixed compensation for one invoice
//!   under one jurisdiction ([`interest`]).
//! - **Score**: the PAYDEX-like payment score from payment experiences ([`score`]).
//! - **Credit check**: HOLD or RELEASE for a new order ([`credit`]).
//! - **Payment plan**: installments with or without interest ([`plan`]).
//! - **Rate table**: the reference rates (BoE, ECB, Basiszinssatz) the statutory interest is
//!   built on; the shipped table, optionally overlaid by a CSV file ([`rate_table`]).

use std::str::FromStr;

use chrono::NaiveDate;
use overdue_domain::interest::{
    self, statutory_rate, ContractTerms, InterestError, InterestRequest, InterestResult,
    Jurisdiction, PartPayment, PaymentOrder, RateBasis, RateMode, RateTable,
};
use overdue_domain::money::decimal_string;
use overdue_domain::plan::{self, Frequency, PlanMethod, PlanRequest, Remainder};
use overdue_domain::scoring::{
    self, dbt_index, effective_limit, CreditCheckInput, CreditPolicy, Decision, Experience,
    PaydexStatus,
};
use overdue_domain::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ApiError;

/// Decimals shown for exact (unrounded) interest figures, e.g. `188.347945`.
const EXACT_PLACES: u32 = 6;

/// The highest rate (percent a year) or percentage fee accepted.
const MAX_RATE_PERCENT: i64 = 1000;

/// Whole digits an experience's amount may have (its weight must stay far inside
/// `Decimal`'s range when multiplied and summed).
const MAX_WEIGHT_DIGITS: usize = 17;

/// The jurisdictions in words, for messages.
const JURISDICTIONS: &str = "uk, eu, ie, de, fr, us-ca, us-ny or contract";

fn claim_by_default() -> bool {
    true
}

// ---------------------------------------------------------------------------------------
// Interest: DTOs
// ---------------------------------------------------------------------------------------

/// A part payment received before the calculation date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalcPayment {
    /// Amount received, a decimal string in the debt's currency (`"2000.00"`).
    pub amount: String,
    /// Day it was received (`YYYY-MM-DD`).
    pub date: String,
}

/// What the interest calculator is asked: one late invoice under one law, up to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterestCalcRequest {
    /// `uk`, `eu`, `ie`, `de`, `fr`, `us-ca`, `us-ny` or `contract`.
    pub jurisdiction: String,
    /// The unpaid invoice amount (`"2400.00"`).
    pub principal: String,
    /// ISO 4217 code; `""` = GBP for uk, EUR for eu/ie/de/fr, USD for us-ca/us-ny
    /// (required for contract).
    #[serde(default)]
    pub currency: String,
    /// The due date (`YYYY-MM-DD`); interest runs from the day after.
    pub due: String,
    /// The payment or as-of date (`YYYY-MM-DD`), included in the interest period.
    pub until: String,
    /// `business` (default when `""`) or `consumer`.
    #[serde(default)]
    pub debtor_kind: String,
    /// Part payments, in any order.
    #[serde(default)]
    pub payments: Vec<CalcPayment>,
    /// An agreed rate in percent a year (`"8.5"`); required for `contract`, replaces the
    /// statutory rate elsewhere. `null` or `""` = none.
    #[serde(default)]
    pub rate: Option<String>,
    /// Claim the fixed compensation (or a contract's fees); default true.
    #[serde(default = "claim_by_default")]
    pub claim_compensation: bool,
    /// gov.uk method: round the daily interest to the penny before multiplying by the days.
    #[serde(default)]
    pub govuk_rounding: bool,
    /// A rate-table CSV whose rows take precedence over the shipped table's.
    #[serde(default)]
    pub rates_file: Option<String>,
    /// Contract only: days after the due date before interest and fees apply.
    #[serde(default)]
    pub grace_days: Option<String>,
    /// Contract only: a fixed late fee per invoice (`"25.00"`).
    #[serde(default)]
    pub fee: Option<String>,
    /// Contract only: a late fee in percent of the debt (`"5"`).
    #[serde(default)]
    pub fee_percent: Option<String>,
    /// Contract only: the most interest and fees together may come to (`"500.00"`).
    #[serde(default)]
    pub cap: Option<String>,
}

impl InterestCalcRequest {
    /// A business-to-business request with no payments, compensation claimed, exact
    /// rounding and the shipped rate table.
    pub fn new(
        jurisdiction: impl Into<String>,
        principal: impl Into<String>,
        currency: impl Into<String>,
        due: impl Into<String>,
        until: impl Into<String>,
    ) -> Self {
        InterestCalcRequest {
            jurisdiction: jurisdiction.into(),
            principal: principal.into(),
            currency: currency.into(),
            due: due.into(),
            until: until.into(),
            debtor_kind: String::new(),
            payments: Vec::new(),
            rate: None,
            claim_compensation: true,
            govuk_rounding: false,
            rates_file: None,
            grace_days: None,
            fee: None,
            fee_percent: None,
            cap: None,
        }
    }
}

/// One run of days at one principal and one rate: a line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterestSegmentDto {
    /// First day (inclusive).
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
    /// Number of days.
    #[ts(type = "number")]
    pub days: i64,
    /// The principal interest runs on.
    pub principal: String,
    /// The rate in percent a year (`"11.75"`).
    pub rate: String,
    /// The reference rate it is built on (BoE, ECB, Basiszinssatz), when statutory.
    pub reference_rate: Option<String>,
    /// The day whose reference rate applies, when statutory.
    pub reference_date: Option<String>,
    /// One day's interest, rounded.
    pub daily: String,
    /// This segment's interest, rounded (display only: the total is rounded once).
    pub interest: String,
    /// This segment's interest before rounding, 6 decimals.
    pub interest_exact: String,
}

/// How one part payment was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentAllocationDto {
    /// Day received.
    pub date: String,
    /// Amount received.
    pub amount: String,
    /// Part applied to compensation or fees.
    pub to_costs: String,
    /// Part applied to interest.
    pub to_interest: String,
    /// Part applied to the principal.
    pub to_principal: String,
}

/// The facts behind the method in words ([`InterestCalcResult::basis`]), for writing it in
/// another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterestMethodDto {
    /// True when the rate is an agreed one: a contract's, or one agreed with the debtor
    /// that replaces the statutory rate.
    pub agreed_rate: bool,
    /// The reference rate a statutory rate is built on (`boe_base`, `ecb_mro`,
    /// `de_basiszins`); `null` for an agreed or a flat statutory rate.
    pub reference_series: Option<String>,
    /// Percentage points over the reference rate (`"9"`); `null` without a reference rate.
    pub margin: Option<String>,
    /// True when each half-year's reference rate governs the days in it; false when the
    /// rate is fixed for the whole period.
    pub floating: bool,
    /// True when the debtor is a consumer.
    pub consumer: bool,
    /// How part payments are applied: `costs_interest_principal` (section 367 BGB) or
    /// `principal_first`.
    pub payment_order: String,
    /// gov.uk method: the daily interest rounded before multiplying by the days.
    pub govuk_rounding: bool,
    /// The contract's cap on interest and fees together, when it limited the interest.
    pub interest_cap: Option<String>,
}

/// The interest calculator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterestCalcResult {
    /// The jurisdiction code.
    pub jurisdiction: String,
    /// The law applied, in words.
    pub law: String,
    /// Currency of every amount.
    pub currency: String,
    /// The invoice amount as entered.
    pub principal: String,
    /// The due date.
    pub due: String,
    /// The calculation date.
    pub until: String,
    /// Days late (`until - due`).
    #[ts(type = "number")]
    pub days_late: i64,
    /// First day interest runs.
    pub interest_start: String,
    /// Total interest accrued over the whole period, rounded once.
    pub interest: String,
    /// Total interest before rounding, 6 decimals.
    pub interest_exact: String,
    /// Fixed compensation or contract fees claimed.
    pub compensation: String,
    /// The legal basis of the compensation.
    pub compensation_basis: String,
    /// Principal still unpaid after the part payments.
    pub principal_outstanding: String,
    /// Interest not yet paid.
    pub interest_outstanding: String,
    /// Compensation not yet paid.
    pub compensation_outstanding: String,
    /// What is owed at `until`: principal outstanding + unpaid interest + unpaid
    /// compensation.
    pub balance_due: String,
    /// Interest that keeps accruing each day after `until`.
    pub daily_interest: String,
    /// The interest periods, oldest first.
    pub segments: Vec<InterestSegmentDto>,
    /// How each part payment was applied, in date order.
    pub allocations: Vec<PaymentAllocationDto>,
    /// The legal basis and method of the interest, in words.
    pub basis: String,
    /// The whole calculation as plain text, for a letter or a court file.
    pub breakdown: String,
    /// The last day interest is worked out to: `until`, or earlier when the rate table has
    /// no rate after it.
    pub interest_to: String,
    /// Why interest stops before `until` (the missing rate in words).
    pub rate_gap: Option<String>,
    /// The facts behind `basis`.
    pub method: InterestMethodDto,
}

// ---------------------------------------------------------------------------------------
// Score: DTOs
// ---------------------------------------------------------------------------------------

/// One payment experience.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExperienceInput {
    /// Invoice amount (`"5000.00"`): the weight of the experience.
    pub amount: String,
    /// Days beyond terms: payment (or as-of) date minus due date; negative when early.
    pub dbt: String,
    /// Invoice number or label for the explanation (`""` = none).
    #[serde(default)]
    pub label: String,
}

/// What the score calculator is asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreRequest {
    /// The payment experiences.
    pub experiences: Vec<ExperienceInput>,
}

/// One experience with its index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreLine {
    /// The label given, if any.
    pub label: Option<String>,
    /// The amount.
    pub amount: String,
    /// Days beyond terms.
    #[ts(type = "number")]
    pub dbt: i64,
    /// Its 0-100 index, 4 decimals.
    pub index: String,
    /// False when left out of the score (amount zero).
    pub counted: bool,
}

/// An experience that moved the score a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreEffectDto {
    /// The label given, if any.
    pub label: Option<String>,
    /// The amount.
    pub amount: String,
    /// Days beyond terms.
    #[ts(type = "number")]
    pub dbt: i64,
    /// Its index, 4 decimals.
    pub index: String,
    /// Points it moved the score from 80 (negative: pulled it down).
    pub points: String,
    /// The same in words.
    pub words: String,
}

/// The score calculator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScoreResult {
    /// The score 1-100, or `null` when unscored.
    pub score: Option<u8>,
    /// `"scored"` or `"UN"` (fewer than 3 experiences).
    #[ts(type = "\"scored\" | \"UN\"")]
    pub status: String,
    /// Amount-weighted mean index, 4 decimals (`null` without experiences).
    pub weighted_index: Option<String>,
    /// Amount-weighted mean days beyond terms, 2 decimals (`null` without experiences).
    pub weighted_dbt: Option<String>,
    /// Number of experiences that count.
    pub experiences: u32,
    /// `prompt`, `slow` or `very_slow`; `null` when unscored.
    pub band: Option<String>,
    /// The band's range, e.g. `"50-79"`.
    pub band_range: Option<String>,
    /// What the band means, in words.
    pub band_meaning: Option<String>,
    /// One sentence summing it up.
    pub summary: String,
    /// Counts in words ("3 of 12 invoices over 30 days late").
    pub details: Vec<String>,
    /// The experiences that moved the score most, biggest first.
    pub biggest_effects: Vec<ScoreEffectDto>,
    /// Every experience as given, with its index.
    pub lines: Vec<ScoreLine>,
}

// ---------------------------------------------------------------------------------------
// Credit: DTOs
// ---------------------------------------------------------------------------------------

/// What the credit check is asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditCalcRequest {
    /// The credit limit (`"10000.00"`).
    pub limit: String,
    /// Open receivables (`"6800.00"`; may be negative when the debtor is in credit).
    pub open: String,
    /// The new order (`"3000.00"`).
    pub order: String,
    /// Orders accepted but not yet invoiced (`""` = 0).
    #[serde(default)]
    pub open_orders: String,
    /// Days past due of the oldest open invoice (`""` = nothing overdue).
    #[serde(default)]
    pub oldest_dpd: String,
    /// Days past due tolerated before holding (`""` = 30).
    #[serde(default)]
    pub tolerance: String,
    /// ISO 4217 code (`""` = EUR).
    #[serde(default)]
    pub currency: String,
    /// The debtor's payment score (1-100 or `UN`): the limit then follows the default
    /// policy's score bands (80-100: 100%, 50-79: 50%, below 50: cash in advance).
    /// `""` = the limit as given.
    #[serde(default)]
    pub score: String,
}

/// The credit check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CreditCalcResult {
    /// `HOLD` or `RELEASE`.
    #[ts(type = "\"HOLD\" | \"RELEASE\"")]
    pub decision: String,
    /// Why, in plain words; hold reasons first.
    pub reasons: Vec<String>,
    /// Open receivables + open orders + new order.
    pub exposure: String,
    /// Limit - exposure; negative means over the limit by that much.
    pub headroom: String,
    /// How much over the limit (`null` when within it).
    pub over_by: Option<String>,
    /// The currency.
    pub currency: String,
    /// The limit applied (after the score band, when a score was given).
    pub limit: String,
    /// The limit as entered.
    pub requested_limit: String,
    /// How the score band set the limit (`null` without a score).
    pub limit_reason: Option<String>,
    /// Days past due of the oldest open invoice, when given.
    #[ts(type = "number | null")]
    pub oldest_days_past_due: Option<i64>,
    /// Days past due tolerated.
    #[ts(type = "number")]
    pub tolerance_days: i64,
}

// ---------------------------------------------------------------------------------------
// Plan: DTOs
// ---------------------------------------------------------------------------------------

/// What the payment-plan calculator is asked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanCalcRequest {
    /// The amount owed, including any down payment (`"1000.00"`).
    pub total: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Number of installments after any down payment (`"3"`).
    pub installments: String,
    /// Date of the plan's first payment (`YYYY-MM-DD`); with custom dates `""` = the first
    /// of them.
    pub first_due: String,
    /// `monthly` (default when `""`), `fortnightly` or `weekly`.
    #[serde(default)]
    pub frequency: String,
    /// `interest-free`, `annuity` or `equal-principal`; `""` = annuity when a rate above
    /// zero is given, else interest-free.
    #[serde(default)]
    pub method: String,
    /// Annual rate in percent (`"6"`); `""` = none.
    #[serde(default)]
    pub rate: String,
    /// `last` (default when `""`) or `first`: which installment takes leftover cents.
    #[serde(default)]
    pub remainder: String,
    /// Paid up front on the first due date (`""` = none).
    #[serde(default)]
    pub down_payment: String,
    /// Custom due dates, one per installment (interest-free plans only); empty = regular.
    #[serde(default)]
    pub dates: Vec<String>,
}

/// One payment of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanInstallmentDto {
    /// 0 for the down payment, then 1, 2, ...
    pub n: u32,
    /// Due date.
    pub due: String,
    /// What the debtor pays.
    pub amount: String,
    /// The part that repays the debt.
    pub principal: String,
    /// The part that is interest.
    pub interest: String,
    /// Debt left after this payment.
    pub balance_after: String,
}

/// The payment-plan calculator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanCalcResult {
    /// The currency.
    pub currency: String,
    /// `interest-free`, `annuity` or `equal-principal`.
    pub method: String,
    /// `monthly`, `fortnightly`, `weekly` or `custom`.
    pub frequency: String,
    /// Annual rate in percent (`"6.00"`; `"0.00"` for interest-free).
    pub rate: String,
    /// The amount the installments repay (total minus down payment).
    pub financed: String,
    /// Every payment in date order, the down payment first.
    pub installments: Vec<PlanInstallmentDto>,
    /// Sum of all payments.
    pub total_paid: String,
    /// Sum of the interest parts.
    pub total_interest: String,
    /// The plan in one sentence.
    pub summary: String,
}

// ---------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------

/// The calculators name a bad input by its command-line flag (`--principal: "12,50" is not
/// an amount`), which is what a CLI user typed. The window has no flags: its forms label
/// the same inputs in words. The flags of the four calculators and the payment-plan form,
/// longest first so `--fee-percent` is not read as `--fee`, with the words a form uses.
const FLAG_WORDS: &[(&str, &str, &str)] = &[
    (
        "--jurisdiction contract",
        "jurisdiction",
        "the law \u{201c}Contract\u{201d}",
    ),
    (
        "--open-orders",
        "open_orders",
        "\u{201c}Open orders\u{201d}",
    ),
    (
        "--oldest-dpd",
        "oldest_dpd",
        "\u{201c}Oldest invoice, days overdue\u{201d}",
    ),
    ("--fee-percent", "fee_percent", "\u{201c}Fee %\u{201d}"),
    (
        "--debtor-kind",
        "debtor_kind",
        "\u{201c}The debtor is a consumer\u{201d}",
    ),
    (
        "--down-payment",
        "down_payment",
        "\u{201c}Down payment\u{201d}",
    ),
    (
        "--installments",
        "installments",
        "\u{201c}Installments\u{201d}",
    ),
    ("--jurisdiction", "jurisdiction", "\u{201c}Law\u{201d}"),
    ("--experience", "experience", "the payment experience"),
    ("--grace-days", "grace_days", "\u{201c}Grace days\u{201d}"),
    ("--first-due", "first_due", "\u{201c}First due date\u{201d}"),
    ("--frequency", "frequency", "\u{201c}Frequency\u{201d}"),
    (
        "--remainder",
        "remainder",
        "\u{201c}Leftover cents on\u{201d}",
    ),
    (
        "--tolerance",
        "tolerance",
        "\u{201c}Tolerance (days)\u{201d}",
    ),
    ("--principal", "principal", "\u{201c}Amount owed\u{201d}"),
    ("--currency", "currency", "\u{201c}Currency\u{201d}"),
    ("--payment", "payments", "the part payment"),
    ("--method", "method", "\u{201c}Method\u{201d}"),
    ("--until", "until", "\u{201c}Paid on / calculate to\u{201d}"),
    ("--total", "total", "\u{201c}Amount owed\u{201d}"),
    ("--limit", "limit", "\u{201c}Credit limit\u{201d}"),
    ("--order", "order", "\u{201c}New order\u{201d}"),
    ("--score", "score", "the score"),
    ("--rates", "rates_file", "the rate table"),
    ("--dates", "dates", "the due dates"),
    ("--open", "open", "\u{201c}Open receivables\u{201d}"),
    ("--rate", "rate", "\u{201c}Rate % a year\u{201d}"),
    ("--due", "due", "\u{201c}Due date\u{201d}"),
    ("--cap", "cap", "\u{201c}Cap\u{201d}"),
    ("--fee", "fee", "\u{201c}Fee\u{201d}"),
];

/// A calculator's error as the window shows it: each command-line flag in the message
/// replaced by the words of the form's field, and the first field named in `fields` so the
/// form can mark it. The CLI shows the error as the calculators make it.
pub fn in_words(mut e: ApiError) -> ApiError {
    let mut first: Option<&str> = None;
    let mut out = String::with_capacity(e.message.len());
    let mut rest = e.message.as_str();
    while let Some(at) = rest.find("--") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let hit = FLAG_WORDS.iter().find(|(flag, _, _)| {
            tail.starts_with(flag)
                && !tail[flag.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
        });
        match hit {
            Some((flag, field, words)) => {
                first = first.or(Some(field));
                out.push_str(words);
                rest = &tail[flag.len()..];
            }
            None => {
                out.push_str("--");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    // "“Amount owed”: ..." reads as a label; a sentence that now starts with a lower-case
    // word starts with a capital.
    if let Some(c) = out
        .chars()
        .next()
        .filter(|c| first.is_some() && c.is_ascii_lowercase())
    {
        out.replace_range(..1, &c.to_ascii_uppercase().to_string());
    }
    if let (Some(field), true) = (first, e.fields.is_empty()) {
        e.fields.push(crate::error::FieldErrorDto {
            field: field.to_string(),
            message: out.clone(),
        });
    }
    e.message = out;
    e
}

/// Splits a command-line pair such as `2000.00@2025-05-15` at its `@`; `shape` says what
/// is expected (`AMOUNT@DATE, e.g. 2000.00@2025-05-15`).
fn split_pair(flag: &str, text: &str, shape: &str) -> Result<(String, String), ApiError> {
    match text.trim().split_once('@') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(ApiError::invalid(format!(
            "{flag}: \"{text}\" should be {shape}"
        ))),
    }
}

/// Parses a `--payment AMOUNT@DATE` argument (`2000.00@2025-05-15`).
pub fn payment_arg(text: &str) -> Result<CalcPayment, ApiError> {
    let (amount, date) = split_pair("--payment", text, "AMOUNT@DATE, e.g. 2000.00@2025-05-15")?;
    Ok(CalcPayment { amount, date })
}

/// Parses a `--experience AMOUNT@DBT` argument (`5000.00@15`, `5000@-10`).
pub fn experience_arg(text: &str) -> Result<ExperienceInput, ApiError> {
    let (amount, dbt) = split_pair(
        "--experience",
        text,
        "AMOUNT@DBT (amount @ days beyond terms), e.g. 5000.00@15 or 5000.00@-10",
    )?;
    Ok(ExperienceInput {
        amount,
        dbt,
        label: String::new(),
    })
}

/// The text, trimmed, or an error saying the input is required.
fn required<'a>(flag: &str, text: &'a str, hint: &str) -> Result<&'a str, ApiError> {
    let t = text.trim();
    if t.is_empty() {
        Err(ApiError::invalid(format!("{flag} is required: {hint}")))
    } else {
        Ok(t)
    }
}

/// `Some(trimmed)` for a non-blank optional input.
fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn parse_currency(flag: &str, text: &str) -> Result<Currency, ApiError> {
    Currency::from_code(text).map_err(|e| ApiError::invalid(format!("{flag}: {e}")))
}

fn parse_money(flag: &str, text: &str, currency: Currency) -> Result<Money, ApiError> {
    // Money::parse can overflow (panic) on absurdly long numbers before it reports them;
    // 20 or more whole digits never fit the storage range (minor units in an i64) anyway.
    too_large(flag, text, 19)?;
    Money::parse(text, currency).map_err(|e| ApiError::invalid(format!("{flag}: {e}")))
}

/// Refuses a plain number with more than `max_digits` digits before the decimal point.
fn too_large(flag: &str, text: &str, max_digits: usize) -> Result<(), ApiError> {
    let t = text.trim();
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let whole = unsigned.split('.').next().unwrap_or_default();
    let digits = whole.trim_start_matches('0').len();
    if digits > max_digits && whole.chars().all(|c| c.is_ascii_digit()) {
        Err(ApiError::invalid(format!(
            "{flag}: {t} is too large an amount"
        )))
    } else {
        Ok(())
    }
}

fn parse_date(flag: &str, text: &str) -> Result<NaiveDate, ApiError> {
    overdue_domain::ledger::parse_iso_date(text)
        .map_err(|m| ApiError::invalid(format!("{flag}: {m}")))
}

/// A plain decimal (`8.5`, `-1`, `6%`): digits with one optional dot, no exponent or
/// separators, so that a typo never becomes a different number.
fn parse_decimal(flag: &str, text: &str, what: &str) -> Result<Decimal, ApiError> {
    let t = text.trim();
    let t = t.strip_suffix('%').map(str::trim_end).unwrap_or(t);
    let digits = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('+'))
        .unwrap_or(t);
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    let bad = || ApiError::invalid(format!("{flag}: \"{text}\" is not {what}"));
    if !plain {
        return Err(bad());
    }
    let unsigned = Decimal::from_str(digits).map_err(|_| bad())?;
    Ok(if t.starts_with('-') {
        -unsigned
    } else {
        unsigned
    })
}

/// A rate in percent a year, at most [`MAX_RATE_PERCENT`] (a typo guard: 850 for 8.50).
fn parse_rate(flag: &str, text: &str) -> Result<Decimal, ApiError> {
    let rate = parse_decimal(flag, text, "a rate: write percent a year, e.g. 8.5")?;
    plausible_percent(flag, rate)
}

fn plausible_percent(flag: &str, value: Decimal) -> Result<Decimal, ApiError> {
    if value > Decimal::from(MAX_RATE_PERCENT) {
        return Err(ApiError::invalid(format!(
            "{flag} {}: more than {MAX_RATE_PERCENT}% is not plausible; write the percentage, \
             e.g. 8.5 for 8.5%",
            value.normalize()
        )));
    }
    Ok(value)
}

/// A whole number (`30`, `-10`, `+5`).
fn parse_int<T: FromStr>(flag: &str, text: &str, what: &str) -> Result<T, ApiError> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse::<T>()
        .map_err(|_| ApiError::invalid(format!("{flag}: \"{}\" is not {what}", text.trim())))
}

fn amount(m: &Money) -> String {
    decimal_string(m.amount(), m.currency().minor_units())
}

fn amount_in(value: Decimal, currency: Currency) -> String {
    decimal_string(value, currency.minor_units())
}

/// A rate for reading: at least two decimals (`11.75`, `8.50`), more only when it has them.
fn rate_string(rate: Decimal) -> String {
    if rate.normalize().scale() <= 2 {
        decimal_string(rate, 2)
    } else {
        rate.normalize().to_string()
    }
}

fn exact(value: Decimal) -> String {
    decimal_string(value, EXACT_PLACES)
}

// ---------------------------------------------------------------------------------------
// Interest
// ---------------------------------------------------------------------------------------

/// The rate table: the shipped one, overlaid by the CSV at `file` when given.
///
/// The file's rows take precedence: a shipped row is kept only when no row of the file
/// gives a rate (in the same series) for any of its days. So a file may be a complete
/// updated table or just the new rows. Errors name the file.
pub fn rate_table(file: Option<&str>) -> Result<RateTable, ApiError> {
    let builtin = RateTable::builtin();
    let Some(path) = given(file) else {
        return Ok(builtin);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        ApiError::invalid(format!(
            "--rates: cannot read the rate table \"{path}\": {e}"
        ))
    })?;
    let mut table = RateTable::parse(&text)
        .map_err(|e| ApiError::invalid(format!("--rates \"{path}\": {e}")))?;
    for row in builtin.rows() {
        let covered = table
            .series_rows(row.series)
            .any(|r| r.valid_from <= row.valid_to && row.valid_from <= r.valid_to);
        if !covered {
            table = table
                .with_row(row.clone())
                .map_err(|e| ApiError::invalid(format!("--rates \"{path}\": {e}")))?;
        }
    }
    Ok(table)
}

/// Late-payment interest, fixed compensation and the balance due for one invoice, with
/// the shipped rate table (overlaid by `req.rates_file` when given).
pub fn interest(req: InterestCalcRequest) -> Result<InterestCalcResult, ApiError> {
    let table = rate_table(req.rates_file.as_deref())?;
    interest_with_rates(req, &table)
}

/// [`interest`] with a rate table the caller already has (`req.rates_file` is ignored).
pub fn interest_with_rates(
    req: InterestCalcRequest,
    table: &RateTable,
) -> Result<InterestCalcResult, ApiError> {
    let domain = interest_request(&req)?;
    let result = interest::calculate(&domain, table).map_err(interest_error)?;
    Ok(interest_result(&domain, &result, table))
}

fn interest_request(req: &InterestCalcRequest) -> Result<InterestRequest, ApiError> {
    let code = required(
        "--jurisdiction",
        &req.jurisdiction,
        &format!("use {JURISDICTIONS}"),
    )?;
    let jurisdiction = Jurisdiction::parse(code).map_err(interest_error)?;
    let currency = match (req.currency.trim(), jurisdiction) {
        ("", Jurisdiction::Uk) => parse_currency("--currency", "GBP")?,
        ("", Jurisdiction::Eu | Jurisdiction::Ie | Jurisdiction::De | Jurisdiction::Fr) => {
            parse_currency("--currency", "EUR")?
        }
        ("", Jurisdiction::UsCa | Jurisdiction::UsNy) => parse_currency("--currency", "USD")?,
        ("", Jurisdiction::Contract) => {
            return Err(ApiError::invalid(
                "--currency is required for a contract calculation: the debt's ISO 4217 \
                 code, e.g. EUR",
            ))
        }
        (code, _) => parse_currency("--currency", code)?,
    };
    let principal = parse_money(
        "--principal",
        required(
            "--principal",
            &req.principal,
            "the unpaid invoice amount, e.g. 2400.00",
        )?,
        currency,
    )?;
    if principal.amount() <= Decimal::ZERO {
        return Err(ApiError::invalid(format!(
            "--principal must be more than zero (got {})",
            amount(&principal)
        )));
    }
    let due = parse_date(
        "--due",
        required("--due", &req.due, "the invoice's due date, e.g. 2026-03-31")?,
    )?;
    let until = parse_date(
        "--until",
        required(
            "--until",
            &req.until,
            "the payment or as-of date interest is worked out to, e.g. 2026-06-15",
        )?,
    )?;
    if until < due {
        return Err(ApiError::invalid(format!(
            "--until {until} is before --due {due}: interest can only be worked out to a date \
             on or after the due date"
        )));
    }
    let consumer = match req.debtor_kind.trim().to_ascii_lowercase().as_str() {
        "" | "business" | "b2b" | "company" => false,
        "consumer" | "b2c" | "individual" => true,
        other => {
            return Err(ApiError::invalid(format!(
                "--debtor-kind: \"{other}\" is not a debtor kind: use business or consumer"
            )))
        }
    };
    let rate_override = given(req.rate.as_deref())
        .map(|r| parse_rate("--rate", r))
        .transpose()?;
    if let Some(rate) = rate_override {
        if rate < Decimal::ZERO {
            return Err(ApiError::invalid(format!(
                "--rate {}: the interest rate cannot be negative",
                rate.normalize()
            )));
        }
    }
    if jurisdiction == Jurisdiction::Contract && rate_override.is_none() {
        return Err(ApiError::invalid(
            "--rate is required for a contract calculation: the agreed interest rate in \
             percent a year, e.g. 8.5",
        ));
    }
    let payments = req
        .payments
        .iter()
        .map(|p| {
            let flag = format!("--payment {}@{}", p.amount.trim(), p.date.trim());
            Ok(PartPayment {
                amount: parse_money(&flag, &p.amount, currency)?,
                date: parse_date(&flag, &p.date)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;

    let grace_days = given(req.grace_days.as_deref())
        .map(|g| parse_int::<u32>("--grace-days", g, "a number of days (0 or more)"))
        .transpose()?;
    let fee = given(req.fee.as_deref())
        .map(|f| parse_money("--fee", f, currency))
        .transpose()?;
    let fee_percent = given(req.fee_percent.as_deref())
        .map(|f| {
            let p = parse_decimal("--fee-percent", f, "a percentage, e.g. 5")?;
            plausible_percent("--fee-percent", p)
        })
        .transpose()?;
    let cap = given(req.cap.as_deref())
        .map(|c| parse_money("--cap", c, currency))
        .transpose()?;
    let has_terms = grace_days.is_some() || fee.is_some() || fee_percent.is_some() || cap.is_some();
    if has_terms && jurisdiction != Jurisdiction::Contract {
        return Err(ApiError::invalid(format!(
            "--grace-days, --fee, --fee-percent and --cap are terms of your own contract: use \
             them with --jurisdiction contract, not {jurisdiction}"
        )));
    }
    let contract = has_terms.then(|| ContractTerms {
        fixed_fee: fee,
        percentage_fee: fee_percent,
        grace_days: grace_days.unwrap_or(0),
        cap,
    });

    Ok(InterestRequest {
        jurisdiction,
        principal,
        due,
        until,
        consumer,
        payments,
        rate_override,
        claim_compensation: req.claim_compensation,
        govuk_rounding: req.govuk_rounding,
        contract,
    })
}

fn interest_error(e: InterestError) -> ApiError {
    ApiError::invalid(e.to_string())
}

fn interest_result(
    req: &InterestRequest,
    r: &InterestResult,
    table: &RateTable,
) -> InterestCalcResult {
    let rules = req.jurisdiction.rules(req.consumer);
    let statutory =
        req.rate_override.is_none() && matches!(rules.rate, RateBasis::Reference { .. });
    let reference = match rules.rate {
        RateBasis::Reference { series, margin } if statutory => Some((series, margin)),
        _ => None,
    };
    let reference_date = |from: NaiveDate| -> Option<String> {
        if !statutory {
            return None;
        }
        let day = match rules.mode {
            RateMode::FixedAtStart => r.interest_start,
            RateMode::FloatingByHalfYear => from,
        };
        statutory_rate(req.jurisdiction, req.consumer, day, table)
            .ok()
            .map(|(_, date, _)| date.to_string())
    };
    InterestCalcResult {
        jurisdiction: r.jurisdiction.as_str().to_string(),
        law: r.jurisdiction.law().to_string(),
        currency: r.currency.code().to_string(),
        principal: amount(&req.principal),
        due: r.due.to_string(),
        until: r.until.to_string(),
        days_late: r.days_late,
        interest_start: r.interest_start.to_string(),
        interest: amount(&r.interest),
        interest_exact: exact(r.interest_exact),
        compensation: amount(&r.compensation),
        compensation_basis: r.compensation_basis.clone(),
        principal_outstanding: amount(&r.principal_outstanding),
        interest_outstanding: amount(&r.interest_outstanding),
        compensation_outstanding: amount(&r.compensation_outstanding),
        balance_due: amount(&r.balance_due),
        daily_interest: amount(&r.daily_interest),
        segments: r
            .segments
            .iter()
            .map(|s| InterestSegmentDto {
                from: s.from.to_string(),
                to: s.to.to_string(),
                days: s.days,
                principal: amount(&s.principal),
                rate: rate_string(s.rate),
                reference_rate: s.reference_rate.map(rate_string),
                reference_date: reference_date(s.from),
                daily: amount(&s.daily),
                interest: amount(&s.interest),
                interest_exact: exact(s.interest_exact),
            })
            .collect(),
        allocations: r
            .allocations
            .iter()
            .map(|a| PaymentAllocationDto {
                date: a.date.to_string(),
                amount: amount(&a.amount),
                to_costs: amount(&a.to_costs),
                to_interest: amount(&a.to_interest),
                to_principal: amount(&a.to_principal),
            })
            .collect(),
        basis: r.basis.clone(),
        breakdown: r.breakdown(),
        interest_to: r.interest_to.to_string(),
        rate_gap: r.rate_gap.clone(),
        method: InterestMethodDto {
            agreed_rate: req.rate_override.is_some() || rules.rate == RateBasis::Contract,
            reference_series: reference.map(|(series, _)| series.as_str().to_string()),
            margin: reference.map(|(_, margin)| margin.normalize().to_string()),
            floating: reference.is_some() && rules.mode == RateMode::FloatingByHalfYear,
            consumer: req.consumer,
            payment_order: match rules.payment_order {
                PaymentOrder::CostsInterestPrincipal => "costs_interest_principal",
                PaymentOrder::PrincipalFirst => "principal_first",
            }
            .to_string(),
            govuk_rounding: req.govuk_rounding,
            interest_cap: r.interest_cap.as_ref().map(amount),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Score
// ---------------------------------------------------------------------------------------

/// The PAYDEX-like payment score (1-100, or "UN" below three experiences).
pub fn score(req: ScoreRequest) -> Result<ScoreResult, ApiError> {
    let mut experiences = Vec::with_capacity(req.experiences.len());
    for e in &req.experiences {
        let flag = format!("--experience {}@{}", e.amount.trim(), e.dbt.trim());
        too_large(&flag, &e.amount, MAX_WEIGHT_DIGITS)?;
        let value = parse_decimal(&flag, &e.amount, "an amount: write it like 5000.00")?;
        if value < Decimal::ZERO {
            return Err(ApiError::invalid(format!(
                "{flag}: the invoice amount cannot be negative"
            )));
        }
        let dbt = parse_int::<i64>(
            &flag,
            &e.dbt,
            "a whole number of days beyond terms (e.g. 15, or -10 when paid 10 days early)",
        )?;
        // Far beyond any real invoice; keeps the weighted sums well inside Decimal's range.
        if dbt.abs() > 1_000_000 {
            return Err(ApiError::invalid(format!(
                "{flag}: {dbt} days beyond terms is not a realistic payment delay"
            )));
        }
        let mut experience = Experience::new(value, dbt);
        if !e.label.trim().is_empty() {
            experience = experience.labelled(e.label.trim());
        }
        experiences.push(experience);
    }
    Ok(score_result(&experiences))
}

/// The score DTO of a list of experiences (the calculator's and a debtor's score alike).
pub(crate) fn score_result(experiences: &[Experience]) -> ScoreResult {
    let s = scoring::paydex(experiences);
    let band = s.explanation.band;
    ScoreResult {
        score: s.score,
        status: match s.status {
            PaydexStatus::Scored => "scored",
            PaydexStatus::Unscored => "UN",
        }
        .to_string(),
        weighted_index: s.weighted_index.map(|i| decimal_string(i, 4)),
        weighted_dbt: s.weighted_dbt.map(|d| decimal_string(d, 2)),
        experiences: u32::try_from(s.experiences).unwrap_or(u32::MAX),
        band: band.map(|b| {
            serde_json::to_value(b)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        }),
        band_range: band.map(|b| b.range().to_string()),
        band_meaning: band.map(|b| b.meaning().to_string()),
        summary: s.explanation.summary.clone(),
        details: s.explanation.counts_in_words.clone(),
        biggest_effects: s
            .explanation
            .biggest_effects
            .iter()
            .map(|e| ScoreEffectDto {
                label: e.label.clone(),
                amount: decimal_string(e.amount, 2),
                dbt: e.dbt,
                index: decimal_string(e.index, 4),
                points: decimal_string(e.points, 2),
                words: e.words.clone(),
            })
            .collect(),
        lines: experiences
            .iter()
            .map(|e| ScoreLine {
                label: e.label.clone(),
                amount: decimal_string(e.amount, 2),
                dbt: e.dbt,
                index: decimal_string(dbt_index(e.dbt), 4),
                counted: e.amount > Decimal::ZERO,
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Credit
// ---------------------------------------------------------------------------------------

/// Whether a new order may ship on credit: HOLD or RELEASE, with the reasons.
pub fn credit(req: CreditCalcRequest) -> Result<CreditCalcResult, ApiError> {
    let currency = match req.currency.trim() {
        "" => parse_currency("--currency", "EUR")?,
        code => parse_currency("--currency", code)?,
    };
    let money = |flag: &str, text: &str, hint: &str| -> Result<Money, ApiError> {
        parse_money(flag, required(flag, text, hint)?, currency)
    };
    let requested = money(
        "--limit",
        &req.limit,
        "the debtor's credit limit, e.g. 10000.00",
    )?;
    let open = money(
        "--open",
        &req.open,
        "the debtor's open receivables, e.g. 6800.00 (0 when none)",
    )?;
    let order = money(
        "--order",
        &req.order,
        "the amount of the new order, e.g. 3000.00",
    )?;
    let open_orders = match req.open_orders.trim() {
        "" => Money::zero(currency),
        text => parse_money("--open-orders", text, currency)?,
    };
    for (flag, m) in [
        ("--limit", &requested),
        ("--order", &order),
        ("--open-orders", &open_orders),
    ] {
        if m.is_negative() {
            return Err(ApiError::invalid(format!(
                "{flag} cannot be negative (got {})",
                amount(m)
            )));
        }
    }
    let oldest = match req.oldest_dpd.trim() {
        "" => None,
        text => Some(parse_int::<i64>(
            "--oldest-dpd",
            text,
            "a whole number of days past due, e.g. 45",
        )?),
    };
    let tolerance = match req.tolerance.trim() {
        "" => None,
        text => Some(parse_int::<i64>(
            "--tolerance",
            text,
            "a whole number of days, e.g. 30",
        )?),
    };
    if let Some(t) = tolerance.filter(|t| *t < 0) {
        return Err(ApiError::invalid(format!(
            "--tolerance {t}: the tolerance must be zero or more days"
        )));
    }

    let score = match req.score.trim() {
        "" => None,
        text => Some(if text.eq_ignore_ascii_case("un") {
            None
        } else {
            match parse_int::<u8>("--score", text, "a score: use 1 to 100, or UN") {
                Ok(s @ 1..=100) => Some(s),
                _ => {
                    return Err(ApiError::invalid(format!(
                        "--score: \"{text}\" is not a score: use 1 to 100, or UN"
                    )))
                }
            }
        }),
    };
    credit_result(&CreditQuestion {
        requested,
        score,
        open,
        open_orders,
        order,
        oldest,
        tolerance,
        policy: &CreditPolicy::default(),
    })
}

/// A credit check's facts, parsed: the calculator's and a stored debtor's alike.
pub(crate) struct CreditQuestion<'a> {
    /// The limit the owner set.
    pub requested: Money,
    /// `None`: the limit stands as set; `Some(None)`: unscored; `Some(Some(s))`: score s.
    pub score: Option<Option<u8>>,
    /// Open receivables.
    pub open: Money,
    /// Orders not yet invoiced.
    pub open_orders: Money,
    /// The new order.
    pub order: Money,
    /// Days past due of the oldest overdue invoice.
    pub oldest: Option<i64>,
    /// Tolerance override; `None` = the policy's.
    pub tolerance: Option<i64>,
    /// The credit policy.
    pub policy: &'a CreditPolicy,
}

/// HOLD or RELEASE with every reason, the score band applied to the limit when a score is given.
pub(crate) fn credit_result(q: &CreditQuestion<'_>) -> Result<CreditCalcResult, ApiError> {
    let CreditQuestion {
        requested,
        open,
        open_orders,
        order,
        oldest,
        policy,
        ..
    } = *q;
    let currency = requested.currency();
    let (limit, limit_reason) = match q.score {
        None => (requested, None),
        Some(score) => {
            let e = effective_limit(requested, score, policy).map_err(scoring_error)?;
            (e.limit, Some(format!("Credit limit: {}.", e.reason)))
        }
    };
    let tolerance_days = q.tolerance.unwrap_or(policy.tolerance_days);
    let d = scoring::credit_check(&CreditCheckInput {
        limit,
        open_receivables: open,
        open_orders,
        new_order: order,
        oldest_days_past_due: oldest,
        tolerance_days: Some(tolerance_days),
    })
    .map_err(scoring_error)?;
    let mut reasons = d.reasons;
    if let Some(why) = &limit_reason {
        reasons.push(why.clone());
    }
    Ok(CreditCalcResult {
        decision: match d.decision {
            Decision::Hold => "HOLD",
            Decision::Release => "RELEASE",
        }
        .to_string(),
        reasons,
        exposure: amount(&d.exposure),
        headroom: amount(&d.headroom),
        over_by: d
            .headroom
            .is_negative()
            .then(|| amount_in(-d.headroom.amount(), currency)),
        currency: currency.code().to_string(),
        limit: amount(&limit),
        requested_limit: amount(&requested),
        limit_reason,
        oldest_days_past_due: oldest,
        tolerance_days,
    })
}

fn scoring_error(e: scoring::ScoringError) -> ApiError {
    ApiError::invalid(e.to_string())
}

// ---------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------

/// A payment plan: due dates, installments, interest and balances.
pub fn plan(req: PlanCalcRequest) -> Result<PlanCalcResult, ApiError> {
    let currency = parse_currency(
        "--currency",
        required(
            "--currency",
            &req.currency,
            "the ISO 4217 code of the debt, e.g. EUR",
        )?,
    )?;
    let total = parse_money(
        "--total",
        required("--total", &req.total, "the amount owed, e.g. 1000.00")?,
        currency,
    )?;
    if total.amount() <= Decimal::ZERO {
        return Err(ApiError::invalid(format!(
            "--total must be more than zero (got {})",
            amount(&total)
        )));
    }
    let installments: u32 = parse_int(
        "--installments",
        required(
            "--installments",
            &req.installments,
            "the number of installments, e.g. 3",
        )?,
        "a whole number of installments (1 to 360)",
    )?;
    if installments == 0 || installments > plan::MAX_INSTALLMENTS {
        return Err(ApiError::invalid(format!(
            "--installments {installments}: use 1 to {} installments",
            plan::MAX_INSTALLMENTS
        )));
    }
    let custom = req
        .dates
        .iter()
        .map(|d| parse_date("--date", d))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let first_due = match (req.first_due.trim(), custom.first()) {
        ("", Some(first)) => *first,
        (text, _) => parse_date(
            "--first-due",
            required(
                "--first-due",
                text,
                "the date of the first payment, e.g. 2026-01-31",
            )?,
        )?,
    };
    let frequency = match (
        req.frequency.trim().to_ascii_lowercase().as_str(),
        custom.is_empty(),
    ) {
        ("" | "monthly", true) => Frequency::Monthly,
        ("fortnightly" | "biweekly", true) => Frequency::Fortnightly,
        ("weekly", true) => Frequency::Weekly,
        ("" | "custom", false) => Frequency::Custom(custom),
        (other @ ("monthly" | "fortnightly" | "biweekly" | "weekly"), false) => {
            return Err(ApiError::invalid(format!(
                "--date sets the due dates one by one: leave out --frequency {other}"
            )))
        }
        ("custom", true) => {
            return Err(ApiError::invalid(
                "--frequency custom needs the due dates: give one --date per installment",
            ))
        }
        (other, _) => {
            return Err(ApiError::invalid(format!(
                "--frequency: \"{other}\" is not a frequency: use monthly, fortnightly or weekly"
            )))
        }
    };
    let rate = match req.rate.trim() {
        "" => None,
        text => Some(parse_rate("--rate", text)?),
    };
    if let Some(r) = rate.filter(|r| *r < Decimal::ZERO) {
        return Err(ApiError::invalid(format!(
            "--rate {}: the interest rate cannot be negative",
            r.normalize()
        )));
    }
    let method_name = match req
        .method
        .trim()
        .to_ascii_lowercase()
        .replace('_', "-")
        .as_str()
    {
        "" if rate.is_some_and(|r| !r.is_zero()) => "annuity".to_string(),
        "" => "interest-free".to_string(),
        m @ ("interest-free" | "annuity" | "equal-principal") => m.to_string(),
        _ => {
            return Err(ApiError::invalid(format!(
                "--method: \"{}\" is not a method: use interest-free, annuity or \
                 equal-principal",
                req.method.trim()
            )))
        }
    };
    let method = match (method_name.as_str(), rate) {
        ("interest-free", Some(r)) if !r.is_zero() => {
            return Err(ApiError::invalid(format!(
                "--rate {}: an interest-free plan has no rate; use --method annuity or \
                 equal-principal to charge interest",
                r.normalize()
            )))
        }
        ("interest-free", _) => PlanMethod::InterestFree,
        (m, None) => {
            return Err(ApiError::invalid(format!(
                "--method {m} needs --rate: the interest rate in percent a year, e.g. 6"
            )))
        }
        ("annuity", Some(r)) => PlanMethod::Annuity {
            annual_rate_percent: r,
        },
        (_, Some(r)) => PlanMethod::EqualPrincipal {
            annual_rate_percent: r,
        },
    };
    let remainder = match req.remainder.trim().to_ascii_lowercase().as_str() {
        "" | "last" => Remainder::Last,
        "first" => Remainder::First,
        other => {
            return Err(ApiError::invalid(format!(
                "--remainder: \"{other}\" is not a choice: use last or first"
            )))
        }
    };
    let down_payment = match req.down_payment.trim() {
        "" => Money::zero(currency),
        text => parse_money("--down-payment", text, currency)?,
    };
    if down_payment.is_negative() {
        return Err(ApiError::invalid(format!(
            "--down-payment cannot be negative (got {})",
            amount(&down_payment)
        )));
    }
    let frequency_name = match &frequency {
        Frequency::Monthly => "monthly",
        Frequency::Fortnightly => "fortnightly",
        Frequency::Weekly => "weekly",
        Frequency::Custom(_) => "custom",
    };
    let s = plan::schedule(&PlanRequest {
        total,
        installments,
        first_due,
        frequency,
        method,
        remainder,
        down_payment,
    })
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok(PlanCalcResult {
        currency: s.currency.code().to_string(),
        method: method_name,
        frequency: frequency_name.to_string(),
        rate: rate_string(rate.unwrap_or_default()),
        financed: amount(&s.financed),
        installments: s
            .installments
            .iter()
            .map(|i| PlanInstallmentDto {
                n: i.n,
                due: i.due.to_string(),
                amount: amount(&i.amount),
                principal: amount(&i.principal),
                interest: amount(&i.interest),
                balance_after: amount(&i.balance_after),
            })
            .collect(),
        total_paid: amount(&s.total_paid),
        total_interest: amount(&s.total_interest),
        summary: s.summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn int_uk2_through_the_api() {
        let r = interest(InterestCalcRequest::new(
            "uk",
            "2400.00",
            "GBP",
            "2026-03-31",
            "2026-06-15",
        ))
        .unwrap();
        assert_eq!(
            (
                r.interest.as_str(),
                r.compensation.as_str(),
                r.balance_due.as_str()
            ),
            ("58.72", "70.00", "2528.72")
        );
        let s = &r.segments[0];
        assert_eq!((s.rate.as_str(), s.days), ("11.75", 76));
        assert_eq!(s.reference_date.as_deref(), Some("2025-12-31"));
    }

    #[test]
    fn bad_inputs_name_the_input() {
        let mut req = InterestCalcRequest::new("uk", "abc", "GBP", "2026-03-31", "2026-06-15");
        let e = interest(req.clone()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message
                .starts_with("--principal: \"abc\" is not an amount"),
            "{}",
            e.message
        );
        req.principal = "10.00".into();
        req.jurisdiction = "xx".into();
        assert_eq!(
            interest(req.clone()).unwrap_err().message,
            "unknown jurisdiction \"xx\": use uk, eu, ie, de, fr, us-ca, us-ny or contract"
        );
        req.jurisdiction = "uk".into();
        req.until = "2026-01-01".into();
        assert!(interest(req)
            .unwrap_err()
            .message
            .starts_with("--until 2026-01-01 is before --due 2026-03-31"));
    }

    #[test]
    fn pairs_split_at_the_at_sign() {
        assert_eq!(experience_arg("5000@-10").unwrap().dbt, "-10");
        assert_eq!(payment_arg("2000.00@2025-05-15").unwrap().amount, "2000.00");
        assert!(payment_arg("2000.00")
            .unwrap_err()
            .message
            .contains("AMOUNT@DATE"));
    }

    #[test]
    fn the_window_names_the_forms_fields_not_command_line_flags() {
        let e = in_words(ApiError::invalid("--principal: \"12,50\" is not an amount"));
        assert_eq!(
            e.message,
            "\u{201c}Amount owed\u{201d}: \"12,50\" is not an amount"
        );
        assert_eq!(e.fields[0].field, "principal");
        let e = in_words(ApiError::invalid(
            "--until 2026-01-01 is before --due 2026-03-31: interest can only be worked out",
        ));
        assert_eq!(
            e.message,
            "\u{201c}Paid on / calculate to\u{201d} 2026-01-01 is before \u{201c}Due date\u{201d} \
             2026-03-31: interest can only be worked out"
        );
        assert_eq!(e.fields[0].field, "until");
        let e = in_words(ApiError::invalid("--fee-percent 2000: more than 1000%"));
        assert!(
            e.message.starts_with("\u{201c}Fee %\u{201d} 2000"),
            "{}",
            e.message
        );
        let e = in_words(ApiError::invalid(
            "--grace-days, --fee, --fee-percent and --cap are terms of your own contract: use \
             them with --jurisdiction contract, not uk",
        ));
        assert!(!e.message.contains("--"), "{}", e.message);
        assert!(
            e.message.contains("with the law \u{201c}Contract\u{201d}"),
            "{}",
            e.message
        );
        // Every message the calculators can give reads without a flag in the window.
        for (principal, until) in [
            ("-5", "2026-06-15"),
            ("", "2026-06-15"),
            ("5", "2026-13-01"),
        ] {
            let req = InterestCalcRequest::new("uk", principal, "GBP", "2026-03-31", until);
            let e = in_words(interest(req).unwrap_err());
            assert!(!e.message.contains("--"), "{}", e.message);
            assert!(!e.fields.is_empty(), "{e:?}");
        }
        let e = in_words(
            plan(PlanCalcRequest {
                total: "1000.00".into(),
                currency: "EUR".into(),
                installments: "0".into(),
                first_due: "2026-01-31".into(),
                ..Default::default()
            })
            .unwrap_err(),
        );
        assert_eq!(
            e.message,
            "\u{201c}Installments\u{201d} 0: use 1 to 360 installments"
        );
        // A message without a flag is left as it is.
        let plain = ApiError::invalid("a -- b");
        assert_eq!(in_words(plain.clone()), plain);
    }
}
