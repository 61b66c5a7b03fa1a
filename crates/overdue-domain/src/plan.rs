//! Payment plans: spreading what a debtor owes over installments, with or without interest.
//!
//! [`schedule`] turns a [`PlanRequest`] into a [`Schedule`]: one row per payment with its
//! due date, amount, the part that repays principal, the part that is interest, and the
//! balance left afterwards. The rows always add up exactly: the installments' amounts sum
//! to the amount owed plus the interest, to the cent.
//!
//! Conventions chosen (see `RULES.md`, "Payment plans"):
//! - **Monthly dates** are counted from the ORIGINAL first due date and clamped to the
//!   month's last day: 31 Jan -> 28 Feb -> 31 Mar (never 28 Mar), see
//!   [`add_months_clamped`]. Weekly and fortnightly plans add 7 or 14 days.
//! - **Down payment**: when [`PlanRequest::down_payment`] is above zero it is row `n = 0`,
//!   due on `first_due`; installment 1 is due one period later. Without a down payment
//!   installment 1 is due on `first_due`. So `first_due` is always the date of the plan's
//!   first payment. Interest runs only on what is left after the down payment.
//! - **Periodic rate**: annual rate / 12 for monthly plans, / 26 fortnightly, / 52 weekly
//!   (a fixed fraction per period, not a day count). Custom-dated plans have no regular
//!   period and so can only be interest-free.
//! - **Rounding**: half-up to the currency's minor unit, per payment and per period's
//!   interest; the interest-free split rounds DOWN and puts the leftover cents on the last
//!   (or first) installment; an annuity's last payment clears the balance exactly.
//!
//! ## Glossary
//! - **Installment**: one scheduled payment of the plan.
//! - **Principal**: the part of the debt still to be repaid, on which interest is charged.
//! - **Interest-free plan**: the debt split into equal parts, no interest.
//! - **Annuity**: every payment the same (the last one corrects rounding); early payments
//!   are mostly interest, later ones mostly principal.
//! - **Equal principal**: the same principal every period plus interest on what is left,
//!   so payments shrink over time.
//! - **Down payment**: an amount paid up front, before the installments.
//! - **Remainder**: the cents left over when an amount does not split evenly.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::money::{round_half_up, Currency, Money, MoneyError};

/// The most installments a plan may have (30 years of monthly payments).
pub const MAX_INSTALLMENTS: u32 = 360;

/// The highest annual rate accepted, in percent; above this a "plan" is not a plan.
const MAX_ANNUAL_RATE_PERCENT: i64 = 1000;

/// Why a payment plan could not be drawn up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Amounts in different currencies, or more decimals than the currency has.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Zero installments were asked for.
    #[error("a payment plan needs at least one installment")]
    NoInstallments,
    /// More than [`MAX_INSTALLMENTS`] installments were asked for.
    #[error(
        "{0} installments is too many: a plan can have at most 360 (30 years of monthly payments)"
    )]
    TooManyInstallments(u32),
    /// The amount owed is zero or negative.
    #[error("the amount to spread over the plan must be more than zero (got {0})")]
    NothingToPay(String),
    /// The interest rate is negative.
    #[error("the interest rate cannot be negative (got {0}% a year)")]
    NegativeRate(String),
    /// The interest rate is above 1000% a year.
    #[error("an interest rate of {0}% a year is too high for a payment plan (at most 1000%)")]
    RateTooHigh(String),
    /// The down payment is negative.
    #[error("the down payment cannot be negative (got {0})")]
    NegativeDownPayment(String),
    /// The down payment covers the whole debt: there is nothing to spread.
    #[error(
        "the down payment ({down}) must be less than the amount owed ({total}); otherwise \
         nothing is left to pay in installments"
    )]
    DownPaymentTooLarge {
        /// The down payment.
        down: String,
        /// The amount owed.
        total: String,
    },
    /// The number of custom dates differs from the number of installments.
    #[error("the plan has {expected} installments but {got} custom due dates were given")]
    CustomDateCount {
        /// Installments asked for.
        expected: u32,
        /// Custom dates given.
        got: usize,
    },
    /// Custom dates are not in strictly increasing order.
    #[error("custom due dates must each come after the one before: {date} does not come after {previous}")]
    CustomDatesOutOfOrder {
        /// The earlier date in the list.
        previous: NaiveDate,
        /// The date that does not come after it.
        date: NaiveDate,
    },
    /// Without a down payment, the first custom date must be the plan's first due date.
    #[error(
        "the first custom due date ({custom}) must be the plan's first due date ({first_due})"
    )]
    CustomFirstDate {
        /// The plan's first due date.
        first_due: NaiveDate,
        /// The first custom date.
        custom: NaiveDate,
    },
    /// With a down payment, the custom dates must all come after it.
    #[error(
        "the installments must be due after the down payment on {first_due}, but the first \
         custom due date is {custom}"
    )]
    CustomBeforeDownPayment {
        /// The down payment's due date.
        first_due: NaiveDate,
        /// The first custom date.
        custom: NaiveDate,
    },
    /// Interest was asked for on a custom-dated plan, which has no regular period.
    #[error(
        "interest can only be worked out for weekly, fortnightly or monthly plans; choose one \
         of those, or make the plan interest-free"
    )]
    InterestNeedsRegularDates,
    /// An annuity with interest was asked to put the rounding difference first.
    #[error(
        "with equal payments and interest, the rounding difference is settled in the last \
         payment; choose \"last\" for the remainder"
    )]
    AnnuityRemainderFirst,
    /// The amount is too small for that many installments (some would be zero or less).
    #[error(
        "{amount} is too small to spread over {installments} installments (some would be \
         zero); use fewer installments"
    )]
    TooSmall {
        /// The amount to spread.
        amount: String,
        /// Installments asked for.
        installments: u32,
    },
    /// Rounding the equal payment to the cent would repay the debt before the last
    /// installment (only with a high rate over very many installments).
    #[error(
        "at this rate, rounding each payment to the cent would pay off the debt before \
         installment {installments}; use fewer installments or a lower rate"
    )]
    RoundingRunsAway {
        /// Installments asked for.
        installments: u32,
    },
    /// A due date would fall beyond the calendar's range.
    #[error("the due dates run past the last date the calendar supports")]
    DatesOutOfRange,
    /// The interest arithmetic would exceed exact decimal range.
    #[error(
        "the interest on this plan grows too large to work out exactly; lower the rate or the \
         number of installments"
    )]
    TooLarge,
}

/// How often installments fall due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Same day each month, counted from the first due date, clamped to month end.
    Monthly,
    /// Every 14 days.
    Fortnightly,
    /// Every 7 days.
    Weekly,
    /// These dates, one per installment, strictly increasing (interest-free plans only).
    Custom(Vec<NaiveDate>),
}

impl Frequency {
    /// Periods per year used to turn an annual rate into a periodic one; `None` for
    /// custom dates (no regular period).
    pub fn periods_per_year(&self) -> Option<u32> {
        match self {
            Frequency::Monthly => Some(12),
            Frequency::Fortnightly => Some(26),
            Frequency::Weekly => Some(52),
            Frequency::Custom(_) => None,
        }
    }

    fn adjective(&self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Fortnightly => "fortnightly",
            Frequency::Weekly => "weekly",
            Frequency::Custom(_) => "custom-dated",
        }
    }

    fn period_noun(&self) -> &'static str {
        match self {
            Frequency::Monthly => "month",
            Frequency::Fortnightly => "fortnight",
            Frequency::Weekly => "week",
            Frequency::Custom(_) => "period",
        }
    }
}

/// How the installments are worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanMethod {
    /// Equal parts, no interest.
    InterestFree,
    /// Equal payments including interest; a zero rate is the same as interest-free.
    Annuity {
        /// Yearly rate in percent, e.g. `6` for 6%.
        annual_rate_percent: Decimal,
    },
    /// Equal principal plus interest on the declining balance.
    EqualPrincipal {
        /// Yearly rate in percent, e.g. `6` for 6%.
        annual_rate_percent: Decimal,
    },
}

impl PlanMethod {
    fn annual_rate(&self) -> Decimal {
        match self {
            PlanMethod::InterestFree => Decimal::ZERO,
            PlanMethod::Annuity {
                annual_rate_percent,
            }
            | PlanMethod::EqualPrincipal {
                annual_rate_percent,
            } => *annual_rate_percent,
        }
    }
}

/// Which installment takes the cents left over when the amount does not split evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// The last installment (the default).
    #[default]
    Last,
    /// The first installment.
    First,
}

/// What the owner asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// The amount owed, including any down payment (more than zero, whole minor units).
    pub total: Money,
    /// Number of installments after any down payment (1..=360).
    pub installments: u32,
    /// Date of the plan's first payment: the down payment when there is one, otherwise
    /// installment 1.
    pub first_due: NaiveDate,
    /// How often installments fall due.
    pub frequency: Frequency,
    /// Interest-free, annuity or equal principal.
    pub method: PlanMethod,
    /// Which installment takes leftover cents.
    pub remainder: Remainder,
    /// Paid up front as row 0 on `first_due`; zero for none. Same currency as `total`.
    pub down_payment: Money,
}

impl PlanRequest {
    /// A monthly, interest-free plan without down payment, remainder on the last
    /// installment; change the fields for anything else.
    pub fn new(total: Money, installments: u32, first_due: NaiveDate) -> Self {
        PlanRequest {
            total,
            installments,
            first_due,
            frequency: Frequency::Monthly,
            method: PlanMethod::InterestFree,
            remainder: Remainder::Last,
            down_payment: Money::zero(total.currency()),
        }
    }
}

/// One payment of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    /// 0 for the down payment, then 1, 2, ...
    pub n: u32,
    /// When it is due.
    pub due: NaiveDate,
    /// What the debtor pays: principal + interest.
    pub amount: Money,
    /// The part that repays the debt.
    pub principal: Money,
    /// The part that is interest.
    pub interest: Money,
    /// Debt left after this payment.
    pub balance_after: Money,
}

/// A complete payment plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// The plan's currency.
    pub currency: Currency,
    /// The amount the installments repay: total minus down payment.
    pub financed: Money,
    /// Every payment in date order, the down payment (if any) first.
    pub installments: Vec<Installment>,
    /// Sum of all payments: the amount owed plus the interest, exactly.
    pub total_paid: Money,
    /// Sum of the interest parts.
    pub total_interest: Money,
    /// The plan in one sentence, for a letter or the screen.
    pub summary: String,
}

/// The date `k` months after `original`, counted from the original date (not chained
/// month to month) and clamped to the month's last day: from 31 Jan, k = 1 gives 28 Feb
/// (29 in leap years) and k = 2 gives 31 Mar.
///
/// Saturates at the calendar's last date (year 262143) rather than panicking; plans never
/// get near it, and [`due_dates`] reports it as an error instead.
pub fn add_months_clamped(original: NaiveDate, k: u32) -> NaiveDate {
    checked_add_months_clamped(original, k).unwrap_or(NaiveDate::MAX)
}

/// [`add_months_clamped`], or `None` past the calendar's last date.
pub fn checked_add_months_clamped(original: NaiveDate, k: u32) -> Option<NaiveDate> {
    let months = i64::from(original.year()) * 12 + i64::from(original.month0()) + i64::from(k);
    let year = i32::try_from(months.div_euclid(12)).ok()?;
    let month = u32::try_from(months.rem_euclid(12)).ok()? + 1;
    let last_day = (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())?;
    NaiveDate::from_ymd_opt(year, month, original.day().min(last_day))
}

/// The due dates of `n` installments starting on `first_due`.
///
/// Monthly dates follow [`add_months_clamped`]; weekly and fortnightly add 7 or 14 days.
/// Custom dates must number exactly `n`, strictly increase, and start on `first_due`.
pub fn due_dates(
    first_due: NaiveDate,
    n: u32,
    frequency: &Frequency,
) -> Result<Vec<NaiveDate>, PlanError> {
    check_count(n)?;
    match frequency {
        Frequency::Custom(dates) => {
            check_custom(dates, n)?;
            if dates[0] != first_due {
                return Err(PlanError::CustomFirstDate {
                    first_due,
                    custom: dates[0],
                });
            }
            Ok(dates.clone())
        }
        _ => regular_dates(first_due, n, frequency),
    }
}

fn check_count(n: u32) -> Result<(), PlanError> {
    match n {
        0 => Err(PlanError::NoInstallments),
        n if n > MAX_INSTALLMENTS => Err(PlanError::TooManyInstallments(n)),
        _ => Ok(()),
    }
}

fn check_custom(dates: &[NaiveDate], n: u32) -> Result<(), PlanError> {
    if dates.len() != n as usize {
        return Err(PlanError::CustomDateCount {
            expected: n,
            got: dates.len(),
        });
    }
    match dates.windows(2).find(|w| w[1] <= w[0]) {
        Some(w) => Err(PlanError::CustomDatesOutOfOrder {
            previous: w[0],
            date: w[1],
        }),
        None => Ok(()),
    }
}

/// `count` dates, period 0 on `first_due`. Not for custom frequencies.
fn regular_dates(
    first_due: NaiveDate,
    count: u32,
    frequency: &Frequency,
) -> Result<Vec<NaiveDate>, PlanError> {
    let step_days = match frequency {
        Frequency::Weekly => 7,
        Frequency::Fortnightly => 14,
        _ => 0,
    };
    (0..count)
        .map(|k| {
            if step_days == 0 {
                checked_add_months_clamped(first_due, k)
            } else {
                first_due.checked_add_days(Days::new(step_days * u64::from(k)))
            }
            .ok_or(PlanError::DatesOutOfRange)
        })
        .collect()
}

/// Rounds half-up and pads to the currency's decimals, so zero shows as `0.00`.
fn money(amount: Decimal, currency: Currency) -> Money {
    let mut a = round_half_up(amount, currency.minor_units());
    a.rescale(currency.minor_units());
    Money::new(a, currency)
}

/// One row before dates: (amount, principal, interest), already rounded.
type Row = (Decimal, Decimal, Decimal);

/// Draws up the plan. See the module docs for the conventions.
pub fn schedule(req: &PlanRequest) -> Result<Schedule, PlanError> {
    let currency = req.total.currency();
    let places = currency.minor_units();
    let n = req.installments;
    check_count(n)?;
    for m in [&req.total, &req.down_payment] {
        // Same currency, whole minor units and storable: otherwise a plan would quietly
        // round the debt itself.
        req.total.checked_sub(m)?;
        if m.amount().normalize().scale() > places {
            return Err(MoneyError::TooManyDecimals {
                amount: m.amount().to_string(),
                currency,
                places,
            }
            .into());
        }
        m.to_minor_units()?;
    }
    if req.total.amount() <= Decimal::ZERO {
        return Err(PlanError::NothingToPay(req.total.to_string()));
    }
    if req.down_payment.is_negative() {
        return Err(PlanError::NegativeDownPayment(req.down_payment.to_string()));
    }
    if req.down_payment.amount() >= req.total.amount() {
        return Err(PlanError::DownPaymentTooLarge {
            down: req.down_payment.to_string(),
            total: req.total.to_string(),
        });
    }

    let annual = req.method.annual_rate();
    if annual.is_sign_negative() && !annual.is_zero() {
        return Err(PlanError::NegativeRate(annual.normalize().to_string()));
    }
    if annual > Decimal::from(MAX_ANNUAL_RATE_PERCENT) {
        return Err(PlanError::RateTooHigh(annual.normalize().to_string()));
    }
    let has_interest = !annual.is_zero();
    let rate = if has_interest {
        let per_year = req
            .frequency
            .periods_per_year()
            .ok_or(PlanError::InterestNeedsRegularDates)?;
        annual / Decimal::ONE_HUNDRED / Decimal::from(per_year)
    } else {
        Decimal::ZERO
    };

    let has_down = !req.down_payment.is_zero();
    let dates = match (&req.frequency, has_down) {
        (Frequency::Custom(custom), true) => {
            check_custom(custom, n)?;
            if custom[0] <= req.first_due {
                return Err(PlanError::CustomBeforeDownPayment {
                    first_due: req.first_due,
                    custom: custom[0],
                });
            }
            std::iter::once(req.first_due)
                .chain(custom.iter().copied())
                .collect()
        }
        (Frequency::Custom(_), false) => due_dates(req.first_due, n, &req.frequency)?,
        (_, true) => regular_dates(req.first_due, n + 1, &req.frequency)?,
        (_, false) => regular_dates(req.first_due, n, &req.frequency)?,
    };

    let financed = req.total.checked_sub(&req.down_payment)?;
    let principal = financed.amount();
    let first = req.remainder == Remainder::First;
    let rows: Vec<Row> = match &req.method {
        PlanMethod::Annuity { .. } if has_interest => {
            if first {
                return Err(PlanError::AnnuityRemainderFirst);
            }
            annuity_rows(principal, rate, n, places)?
        }
        PlanMethod::EqualPrincipal { .. } => {
            equal_principal_rows(principal, rate, n, places, first)
        }
        // Interest-free, or an annuity at 0%: the same thing.
        _ => financed
            .split(n as usize, first)?
            .iter()
            .map(|p| (p.amount(), p.amount(), Decimal::ZERO))
            .collect(),
    };
    if rows
        .iter()
        .any(|(amount, principal, _)| *amount <= Decimal::ZERO || principal.is_sign_negative())
    {
        return Err(PlanError::TooSmall {
            amount: financed.to_string(),
            installments: n,
        });
    }

    let mut installments = Vec::with_capacity(rows.len() + 1);
    let mut dates = dates.into_iter();
    let mut balance = principal;
    if has_down {
        let due = dates.next().ok_or(PlanError::DatesOutOfRange)?;
        let down = req.down_payment.amount();
        installments.push(Installment {
            n: 0,
            due,
            amount: money(down, currency),
            principal: money(down, currency),
            interest: money(Decimal::ZERO, currency),
            balance_after: money(principal, currency),
        });
    }
    for ((k, (amount, principal_part, interest)), due) in (1..).zip(rows).zip(dates) {
        balance -= principal_part;
        installments.push(Installment {
            n: k,
            due,
            amount: money(amount, currency),
            principal: money(principal_part, currency),
            interest: money(interest, currency),
            balance_after: money(balance, currency),
        });
    }

    let total_paid: Decimal = installments.iter().map(|i| i.amount.amount()).sum();
    let total_interest: Decimal = installments.iter().map(|i| i.interest.amount()).sum();
    let total_paid = money(total_paid, currency);
    let total_interest = money(total_interest, currency);
    let summary = summary(
        req,
        rate,
        &installments,
        &financed,
        &total_paid,
        &total_interest,
    );
    Ok(Schedule {
        currency,
        financed: money(financed.amount(), currency),
        installments,
        total_paid,
        total_interest,
        summary,
    })
}

/// Equal payments: P r / (1 - (1 + r)^-n) rounded half-up; each period's interest is the
/// balance x r rounded half-up; the last payment is whatever clears the balance.
fn annuity_rows(
    principal: Decimal,
    rate: Decimal,
    n: u32,
    places: u32,
) -> Result<Vec<Row>, PlanError> {
    let growth = (Decimal::ONE + rate)
        .checked_powi(i64::from(n))
        .ok_or(PlanError::TooLarge)?;
    // P r / (1 - 1/(1+r)^n) is the rule's formula with the negative power written as a
    // division, so only (1+r)^n itself has to fit.
    let discount = Decimal::ONE
        .checked_div(growth)
        .ok_or(PlanError::TooLarge)?;
    let payment = principal
        .checked_mul(rate)
        .and_then(|x| x.checked_div(Decimal::ONE - discount))
        .ok_or(PlanError::TooLarge)?;
    let payment = round_half_up(payment, places);
    if payment.is_zero() {
        return Err(PlanError::TooSmall {
            amount: principal.to_string(),
            installments: n,
        });
    }

    let mut balance = principal;
    let mut rows = Vec::with_capacity(n as usize);
    for k in 1..=n {
        let interest = round_half_up(balance * rate, places);
        let principal_part = if k == n { balance } else { payment - interest };
        // Rounding the payment to the cent shifts the balance by a fraction of a cent a
        // period, compounded at the plan's rate. Only with a high rate over hundreds of
        // periods (or a few cents per payment) can that pay the debt off before the end;
        // refuse rather than schedule empty installments.
        if k < n && principal_part >= balance {
            return Err(PlanError::RoundingRunsAway { installments: n });
        }
        rows.push((principal_part + interest, principal_part, interest));
        balance -= principal_part;
    }
    Ok(rows)
}

/// Equal principal: total / n rounded half-up for every installment but one, which takes
/// the rest (the last, or the first when asked); interest on the balance before each
/// payment, rounded half-up.
///
/// When many tiny parts are each rounded up, the one taking the rest could be left with
/// nothing or less (e.g. 301.21 over 360: 0.84 x 359 = 301.56); only then are the parts
/// rounded down instead, so that every installment still repays something.
fn equal_principal_rows(
    principal: Decimal,
    rate: Decimal,
    n: u32,
    places: u32,
    first: bool,
) -> Vec<Row> {
    let others = Decimal::from(n - 1);
    let mut part = round_half_up(principal / Decimal::from(n), places);
    if principal - part * others <= Decimal::ZERO {
        part =
            (principal / Decimal::from(n)).round_dp_with_strategy(places, RoundingStrategy::ToZero);
    }
    let rest = principal - part * others;
    let odd_one = if first { 1 } else { n };
    let mut balance = principal;
    (1..=n)
        .map(|k| {
            let principal_part = if k == odd_one { rest } else { part };
            let interest = round_half_up(balance * rate, places);
            balance -= principal_part;
            (principal_part + interest, principal_part, interest)
        })
        .collect()
}

fn summary(
    req: &PlanRequest,
    rate: Decimal,
    rows: &[Installment],
    financed: &Money,
    total_paid: &Money,
    total_interest: &Money,
) -> String {
    let regular: Vec<&Installment> = rows.iter().filter(|r| r.n > 0).collect();
    let count = regular.len();
    let method = match &req.method {
        _ if rate.is_zero() => "interest-free".to_string(),
        PlanMethod::Annuity {
            annual_rate_percent,
        } => format!(
            "equal payments with interest at {}% a year ({}% a {})",
            annual_rate_percent.normalize(),
            round_half_up(rate * Decimal::ONE_HUNDRED, 4).normalize(),
            req.frequency.period_noun()
        ),
        PlanMethod::EqualPrincipal {
            annual_rate_percent,
        } => format!(
            "equal repayments plus interest on what is left at {}% a year ({}% a {})",
            annual_rate_percent.normalize(),
            round_half_up(rate * Decimal::ONE_HUNDRED, 4).normalize(),
            req.frequency.period_noun()
        ),
        PlanMethod::InterestFree => "interest-free".to_string(),
    };
    let mut s = String::new();
    if let Some(down) = rows.iter().find(|r| r.n == 0) {
        s.push_str(&format!("{} down on {}, then ", down.amount, down.due));
    }
    s.push_str(&format!(
        "{financed} in {count} {} installment{}, {method}",
        req.frequency.adjective(),
        if count == 1 { "" } else { "s" }
    ));
    if let (Some(first), Some(last)) = (regular.first(), regular.last()) {
        s.push_str(&format!(", from {} to {}", first.due, last.due));
    }
    s.push_str(&format!(
        ": {total_paid} paid in all, of which {total_interest} interest."
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn request(total: Decimal, n: u32, first: &str) -> PlanRequest {
        PlanRequest::new(Money::new(total, eur()), n, date(first))
    }

    fn amounts(s: &Schedule) -> Vec<String> {
        s.installments
            .iter()
            .map(|i| i.amount.amount().to_string())
            .collect()
    }

    #[test]
    fn plan_if1_month_end_dates_and_remainder_on_last() {
        let s = schedule(&request(dec!(1000.00), 3, "2026-01-31")).unwrap();
        let rows: Vec<(NaiveDate, String)> = s
            .installments
            .iter()
            .map(|i| (i.due, i.amount.amount().to_string()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (date("2026-01-31"), "333.33".to_string()),
                (date("2026-02-28"), "333.33".to_string()),
                (date("2026-03-31"), "333.34".to_string()),
            ],
            "PLAN-IF1: 31 Mar, not the chained 28 Mar"
        );
        assert_eq!(s.total_paid.amount().to_string(), "1000.00");
    }

    #[test]
    fn cli_example_interest_free_three_installments() {
        let s = schedule(&request(dec!(1000.00), 3, "2026-01-31")).unwrap();
        assert_eq!(amounts(&s), ["333.33", "333.33", "333.34"]);
        assert_eq!(s.total_paid.to_string(), "1000.00 EUR");
        assert_eq!(s.total_interest.to_string(), "0.00 EUR");
        assert_eq!(
            s.total_interest.amount().to_string(),
            "0.00",
            "JSON shows 0.00, not 0"
        );
        assert_eq!(s.currency, eur());
        let balances: Vec<String> = s
            .installments
            .iter()
            .map(|i| i.balance_after.amount().to_string())
            .collect();
        assert_eq!(balances, ["666.67", "333.34", "0.00"]);
        assert_eq!(
            s.summary,
            "1000.00 EUR in 3 monthly installments, interest-free, from 2026-01-31 to \
             2026-03-31: 1000.00 EUR paid in all, of which 0.00 EUR interest."
        );
    }

    #[test]
    fn remainder_first_puts_the_extra_cent_first() {
        let mut req = request(dec!(1000.00), 3, "2026-01-31");
        req.remainder = Remainder::First;
        assert_eq!(
            amounts(&schedule(&req).unwrap()),
            ["333.34", "333.33", "333.33"]
        );
    }

    #[test]
    fn plan_dates_monthly_from_31_january() {
        let expected = [
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
            "2026-07-31",
            "2026-08-31",
            "2026-09-30",
            "2026-10-31",
            "2026-11-30",
            "2026-12-31",
        ];
        let got = due_dates(date("2026-01-31"), 12, &Frequency::Monthly).unwrap();
        assert_eq!(got, expected.map(date).to_vec());
    }

    #[test]
    fn month_end_clamping_in_leap_years() {
        let start = date("2024-01-31");
        assert_eq!(add_months_clamped(start, 0), start);
        assert_eq!(add_months_clamped(start, 1), date("2024-02-29"));
        assert_eq!(add_months_clamped(start, 2), date("2024-03-31"));
        assert_eq!(
            add_months_clamped(date("2023-01-31"), 1),
            date("2023-02-28")
        );
        assert_eq!(
            add_months_clamped(date("2024-02-29"), 12),
            date("2025-02-28")
        );
        assert_eq!(
            add_months_clamped(date("2024-02-29"), 48),
            date("2028-02-29")
        );
        assert_eq!(
            add_months_clamped(date("2100-01-31"), 1),
            date("2100-02-28"),
            "2100 is not leap"
        );
        assert_eq!(
            add_months_clamped(date("2000-01-31"), 1),
            date("2000-02-29"),
            "2000 is"
        );
        assert_eq!(
            add_months_clamped(date("2025-11-30"), 3),
            date("2026-02-28")
        );
        assert_eq!(add_months_clamped(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    fn ann1() -> PlanRequest {
        let mut req = request(dec!(5000.00), 12, "2026-01-31");
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(6),
        };
        req
    }

    #[test]
    fn plan_ann1_totals() {
        let s = schedule(&ann1()).unwrap();
        assert_eq!(s.installments.len(), 12);
        assert!(s.installments[..11]
            .iter()
            .all(|i| i.amount.amount() == dec!(430.33)));
        assert_eq!(s.installments[11].amount.amount(), dec!(430.35));
        assert_eq!(s.total_paid.amount().to_string(), "5163.98");
        assert_eq!(s.total_interest.amount().to_string(), "163.98");
        assert!(
            s.summary.contains("6% a year (0.5% a month)"),
            "{}",
            s.summary
        );
    }

    #[test]
    fn plan_ann1_every_row() {
        let rows = "2026-01-31:430.33(i25.00/p405.33/bal4594.67); 2026-02-28:430.33(i22.97/p407.36/bal4187.31); 2026-03-31:430.33(i20.94/p409.39/bal3777.92); 2026-04-30:430.33(i18.89/p411.44/bal3366.48); 2026-05-31:430.33(i16.83/p413.50/bal2952.98); 2026-06-30:430.33(i14.76/p415.57/bal2537.41); 2026-07-31:430.33(i12.69/p417.64/bal2119.77); 2026-08-31:430.33(i10.60/p419.73/bal1700.04); 2026-09-30:430.33(i8.50/p421.83/bal1278.21); 2026-10-31:430.33(i6.39/p423.94/bal854.27); 2026-11-30:430.33(i4.27/p426.06/bal428.21); 2026-12-31:430.35(i2.14/p428.21/bal0.00)";
        let s = schedule(&ann1()).unwrap();
        let got: Vec<String> = s
            .installments
            .iter()
            .map(|i| {
                format!(
                    "{}:{}(i{}/p{}/bal{})",
                    i.due,
                    i.amount.amount(),
                    i.interest.amount(),
                    i.principal.amount(),
                    i.balance_after.amount()
                )
            })
            .collect();
        let expected: Vec<&str> = rows.split("; ").collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn zero_rate_annuity_is_interest_free() {
        let mut req = request(dec!(1000.00), 3, "2026-01-31");
        let free = schedule(&req).unwrap();
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(0),
        };
        let annuity = schedule(&req).unwrap();
        assert_eq!(annuity.installments, free.installments);
        req.remainder = Remainder::First;
        assert_eq!(
            amounts(&schedule(&req).unwrap()),
            ["333.34", "333.33", "333.33"]
        );
    }

    #[test]
    fn equal_principal_with_declining_interest() {
        let mut req = request(dec!(1000.00), 3, "2026-01-31");
        req.method = PlanMethod::EqualPrincipal {
            annual_rate_percent: dec!(12),
        };
        let s = schedule(&req).unwrap();
        let rows: Vec<(String, String, String)> = s
            .installments
            .iter()
            .map(|i| {
                (
                    i.principal.amount().to_string(),
                    i.interest.amount().to_string(),
                    i.amount.amount().to_string(),
                )
            })
            .collect();
        let row = |p: &str, i: &str, a: &str| (p.to_string(), i.to_string(), a.to_string());
        assert_eq!(
            rows,
            vec![
                row("333.33", "10.00", "343.33"),
                row("333.33", "6.67", "340.00"),
                row("333.34", "3.33", "336.67"),
            ]
        );
        assert_eq!(s.total_interest.amount(), dec!(20.00));
        // Half-up principal: 200/3 = 66.67 twice, the last takes 66.66.
        let mut req = request(dec!(200.00), 3, "2026-01-31");
        req.method = PlanMethod::EqualPrincipal {
            annual_rate_percent: dec!(0),
        };
        assert_eq!(
            amounts(&schedule(&req).unwrap()),
            ["66.67", "66.67", "66.66"]
        );
        // 301.21 / 360 = 0.8367 -> 0.84, but 0.84 x 359 = 301.56 would leave the last
        // installment negative: the parts are rounded down instead (0.83, last 3.24).
        req.total = Money::new(dec!(301.21), eur());
        req.installments = 360;
        let s = schedule(&req).unwrap();
        assert_eq!(s.installments[0].amount.amount(), dec!(0.83));
        assert_eq!(s.installments[359].amount.amount(), dec!(3.24));
    }

    #[test]
    fn weekly_and_fortnightly_plans() {
        let weekly = due_dates(date("2026-02-23"), 3, &Frequency::Weekly).unwrap();
        assert_eq!(
            weekly,
            ["2026-02-23", "2026-03-02", "2026-03-09"]
                .map(date)
                .to_vec()
        );
        let fortnightly = due_dates(date("2026-12-24"), 2, &Frequency::Fortnightly).unwrap();
        assert_eq!(fortnightly, ["2026-12-24", "2027-01-07"].map(date).to_vec());
        let mut req = request(dec!(5200.00), 52, "2026-01-05");
        req.frequency = Frequency::Weekly;
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(5.2),
        };
        let s = schedule(&req).unwrap();
        // 5.2% / 52 = 0.1% a week: the first week's interest is 5.20.
        assert_eq!(s.installments[0].interest.amount(), dec!(5.20));
        assert!(s.summary.contains("(0.1% a week)"), "{}", s.summary);
    }

    #[test]
    fn down_payment_is_row_zero_and_installments_follow_a_period_later() {
        let mut req = request(dec!(1000.00), 3, "2026-01-31");
        req.down_payment = Money::new(dec!(100.00), eur());
        let s = schedule(&req).unwrap();
        let rows: Vec<(u32, NaiveDate, String)> = s
            .installments
            .iter()
            .map(|i| (i.n, i.due, i.amount.amount().to_string()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (0, date("2026-01-31"), "100.00".to_string()),
                (1, date("2026-02-28"), "300.00".to_string()),
                (2, date("2026-03-31"), "300.00".to_string()),
                (3, date("2026-04-30"), "300.00".to_string()),
            ]
        );
        assert_eq!(s.financed.amount(), dec!(900.00));
        assert_eq!(s.installments[0].balance_after.amount(), dec!(900.00));
        assert_eq!(s.total_paid.amount(), dec!(1000.00));
        assert!(s
            .summary
            .starts_with("100.00 EUR down on 2026-01-31, then 900.00 EUR in 3"));

        // Interest runs on the financed part only.
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(12),
        };
        let s = schedule(&req).unwrap();
        assert_eq!(s.installments[1].interest.amount(), dec!(9.00));
    }

    #[test]
    fn custom_dates() {
        let dates = vec![date("2026-02-10"), date("2026-03-01"), date("2026-05-15")];
        let mut req = request(dec!(100.00), 3, "2026-02-10");
        req.frequency = Frequency::Custom(dates.clone());
        let s = schedule(&req).unwrap();
        assert_eq!(
            s.installments.iter().map(|i| i.due).collect::<Vec<_>>(),
            dates
        );
        assert_eq!(amounts(&s), ["33.33", "33.33", "33.34"]);

        req.first_due = date("2026-02-01");
        assert!(matches!(
            schedule(&req),
            Err(PlanError::CustomFirstDate { .. })
        ));
        req.down_payment = Money::new(dec!(10.00), eur());
        let s = schedule(&req).unwrap();
        assert_eq!(s.installments[0].due, date("2026-02-01"));
        assert_eq!(s.installments.len(), 4);
        req.first_due = date("2026-02-10");
        assert!(matches!(
            schedule(&req),
            Err(PlanError::CustomBeforeDownPayment { .. })
        ));

        let err = due_dates(date("2026-02-10"), 2, &Frequency::Custom(dates.clone())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the plan has 2 installments but 3 custom due dates were given"
        );
        let unordered = vec![date("2026-02-10"), date("2026-02-10")];
        let err = due_dates(date("2026-02-10"), 2, &Frequency::Custom(unordered)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "custom due dates must each come after the one before: 2026-02-10 does not come after 2026-02-10"
        );

        let mut req = request(dec!(100.00), 3, "2026-02-10");
        req.frequency = Frequency::Custom(dates);
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(5),
        };
        assert_eq!(
            schedule(&req).unwrap_err(),
            PlanError::InterestNeedsRegularDates
        );
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let base = request(dec!(1000.00), 3, "2026-01-31");
        let with = |f: &dyn Fn(&mut PlanRequest)| {
            let mut r = base.clone();
            f(&mut r);
            schedule(&r).unwrap_err()
        };
        assert_eq!(with(&|r| r.installments = 0), PlanError::NoInstallments);
        assert_eq!(
            with(&|r| r.installments = 361),
            PlanError::TooManyInstallments(361)
        );
        assert!(schedule(&PlanRequest {
            installments: 360,
            ..base.clone()
        })
        .is_ok());
        assert_eq!(
            with(&|r| r.total = Money::new(dec!(0), eur())).to_string(),
            "the amount to spread over the plan must be more than zero (got 0.00 EUR)"
        );
        assert!(matches!(
            with(&|r| r.total = Money::new(dec!(-5), eur())),
            PlanError::NothingToPay(_)
        ));
        assert_eq!(
            with(&|r| r.method = PlanMethod::Annuity {
                annual_rate_percent: dec!(-1)
            })
            .to_string(),
            "the interest rate cannot be negative (got -1% a year)"
        );
        assert!(matches!(
            with(&|r| r.method = PlanMethod::EqualPrincipal {
                annual_rate_percent: dec!(5000)
            }),
            PlanError::RateTooHigh(_)
        ));
        assert_eq!(
            with(&|r| r.down_payment = Money::new(dec!(1000.00), eur())).to_string(),
            "the down payment (1000.00 EUR) must be less than the amount owed (1000.00 EUR); \
             otherwise nothing is left to pay in installments"
        );
        assert!(matches!(
            with(&|r| r.down_payment = Money::new(dec!(-1), eur())),
            PlanError::NegativeDownPayment(_)
        ));
        let gbp = Currency::from_code("GBP").unwrap();
        assert!(matches!(
            with(&|r| r.down_payment = Money::new(dec!(1), gbp)),
            PlanError::Money(MoneyError::CurrencyMismatch { .. })
        ));
        assert!(matches!(
            with(&|r| r.total = Money::new(dec!(1000.005), eur())),
            PlanError::Money(MoneyError::TooManyDecimals { .. })
        ));
        assert_eq!(
            with(&|r| r.total = Money::new(dec!(0.02), eur())).to_string(),
            "0.02 EUR is too small to spread over 3 installments (some would be zero); use fewer installments"
        );
        assert_eq!(
            with(&|r| {
                r.method = PlanMethod::Annuity {
                    annual_rate_percent: dec!(6),
                };
                r.remainder = Remainder::First;
            }),
            PlanError::AnnuityRemainderFirst
        );
        assert_eq!(
            due_dates(NaiveDate::MAX, 2, &Frequency::Weekly).unwrap_err(),
            PlanError::DatesOutOfRange
        );
        // Huge growth is refused, not a panic.
        let mut r = base.clone();
        r.installments = 360;
        r.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(1000),
        };
        assert_eq!(schedule(&r).unwrap_err(), PlanError::TooLarge);
    }

    #[test]
    fn long_annuities() {
        // A 30-year plan at 6% works; the last payment corrects the rounding.
        let mut r = request(dec!(100000.00), 360, "2026-01-31");
        r.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(6),
        };
        let s = schedule(&r).unwrap();
        assert_eq!(s.installments[0].amount.amount(), dec!(599.55));
        assert_eq!(s.installments[359].due, date("2055-12-31"));
        // At 30% over 30 years a payment rounded up by under a cent compounds past the
        // last installment: refused with advice rather than empty installments.
        r.total = Money::new(dec!(100.19), eur());
        r.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(30),
        };
        assert_eq!(
            schedule(&r).unwrap_err().to_string(),
            "at this rate, rounding each payment to the cent would pay off the debt before \
             installment 360; use fewer installments or a lower rate"
        );
    }

    #[test]
    fn zero_decimal_currency() {
        let jpy = Currency::from_code("JPY").unwrap();
        let mut req = PlanRequest::new(Money::new(dec!(100000), jpy), 3, date("2026-01-31"));
        let s = schedule(&req).unwrap();
        let got: Vec<String> = s
            .installments
            .iter()
            .map(|i| i.amount.to_string())
            .collect();
        assert_eq!(got, ["33333 JPY", "33333 JPY", "33334 JPY"]);
        req.method = PlanMethod::Annuity {
            annual_rate_percent: dec!(6),
        };
        let s = schedule(&req).unwrap();
        assert!(s
            .installments
            .iter()
            .all(|i| i.amount.amount().scale() == 0));
    }

    fn method_strategy() -> impl Strategy<Value = PlanMethod> {
        prop_oneof![
            Just(PlanMethod::InterestFree),
            (0i64..3000).prop_map(|bp| PlanMethod::Annuity {
                annual_rate_percent: Decimal::new(bp, 2)
            }),
            (0i64..3000).prop_map(|bp| PlanMethod::EqualPrincipal {
                annual_rate_percent: Decimal::new(bp, 2)
            }),
        ]
    }

    fn frequency_strategy() -> impl Strategy<Value = Frequency> {
        prop_oneof![
            Just(Frequency::Monthly),
            Just(Frequency::Fortnightly),
            Just(Frequency::Weekly)
        ]
    }

    proptest! {
        #[test]
        fn installments_add_up_to_total_plus_interest_exactly(
            cents in 1i64..100_000_000_000,
            n in 1u32..=MAX_INSTALLMENTS,
            down_share in 0i64..100,
            method in method_strategy(),
            frequency in frequency_strategy(),
            remainder_first in any::<bool>(),
        ) {
            let total = Money::from_minor_units(cents, eur());
            let mut req = PlanRequest::new(total, n, date("2026-01-31"));
            req.down_payment = Money::from_minor_units(cents * down_share / 100, eur());
            let rate_is_zero = method.annual_rate().is_zero();
            let is_annuity = matches!(method, PlanMethod::Annuity { .. });
            req.method = method;
            req.frequency = frequency;
            req.remainder = if remainder_first { Remainder::First } else { Remainder::Last };
            match schedule(&req) {
                Ok(s) => {
                    let paid: Decimal = s.installments.iter().map(|i| i.amount.amount()).sum();
                    let interest: Decimal = s.installments.iter().map(|i| i.interest.amount()).sum();
                    let principal: Decimal = s.installments.iter().map(|i| i.principal.amount()).sum();
                    prop_assert_eq!(paid, total.amount() + interest);
                    prop_assert_eq!(principal, total.amount());
                    prop_assert_eq!(s.total_paid.amount(), paid);
                    prop_assert_eq!(s.total_interest.amount(), interest);
                    prop_assert!(s.installments.last().unwrap().balance_after.is_zero());
                    for row in &s.installments {
                        prop_assert!(row.amount.amount() > Decimal::ZERO);
                        prop_assert_eq!(row.amount.amount(), row.principal.amount() + row.interest.amount());
                        prop_assert!(!row.interest.is_negative() && !row.balance_after.is_negative());
                    }
                    for w in s.installments.windows(2) {
                        prop_assert!(w[0].due < w[1].due, "due dates strictly increase");
                        prop_assert!(w[1].balance_after.amount() <= w[0].balance_after.amount());
                    }
                }
                // Only less than a cent per installment, first-remainder annuities and
                // high-rate annuities whose rounding compounds are refused.
                Err(PlanError::TooSmall { .. }) => {
                    let financed = cents - cents * down_share / 100;
                    prop_assert!(financed < i64::from(n), "{} cents over {}", financed, n);
                }
                Err(PlanError::AnnuityRemainderFirst) => prop_assert!(remainder_first && !rate_is_zero),
                Err(PlanError::RoundingRunsAway { .. }) => prop_assert!(is_annuity && !rate_is_zero),
                Err(e) => prop_assert!(false, "unexpected refusal: {e}"),
            }
        }

        #[test]
        fn due_dates_strictly_increase(
            days in 0i64..60_000,
            n in 1u32..=MAX_INSTALLMENTS,
            frequency in frequency_strategy(),
        ) {
            let first = date("1990-01-01") + chrono::Duration::days(days);
            let dates = due_dates(first, n, &frequency).unwrap();
            prop_assert_eq!(dates.len(), n as usize);
            prop_assert_eq!(dates[0], first);
            for w in dates.windows(2) {
                prop_assert!(w[0] < w[1]);
            }
        }

        #[test]
        fn monthly_dates_are_clamped_from_the_original_date(
            days in 0i64..60_000,
            k in 0u32..=1200,
        ) {
            let original = date("1990-01-01") + chrono::Duration::days(days);
            let d = add_months_clamped(original, k);
            let months = |x: NaiveDate| i64::from(x.year()) * 12 + i64::from(x.month0());
            prop_assert_eq!(months(d) - months(original), i64::from(k));
            let last_day = (28..=31u32).rev().find(|dd| NaiveDate::from_ymd_opt(d.year(), d.month(), *dd).is_some()).unwrap();
            prop_assert_eq!(d.day(), original.day().min(last_day), "day = original day, clamped to month end");
        }
    }
}
