//! Late-payment interest and fixed compensation.
//!
//! [`calculate`] turns one late invoice ([`InterestRequest`]) into the interest, the fixed
//! compensation and the balance due ([`InterestResult`]), with every segment of days and the
//! legal basis in words so the figure can go into a letter or a court file. Reference rates
//! come from a [`RateTable`] (data the app ships in `data/rates.csv` and the user can
//! extend); a period the table does not cover is an error naming it, never a guess.
//!
//! ## Conventions (see `shared/domain/RULES.md`)
//! - Simple interest (never interest on interest), Actual/365 (365 also in leap years).
//! - Interest runs from the day after the due date through `until` inclusive, so the days
//!   are `until - due`. A contract's grace days push the first day of interest back by that
//!   many days; nothing is charged when `until` falls within the grace period.
//! - **Payment day**: interest on the amount paid runs through the day of payment inclusive
//!   (the same rule as for a payment in full); the principal is lower from the next day.
//!   A payment on or before the due date therefore never bears interest.
//! - **Fixed rates**: UK (BoE base on 31 Dec / 30 Jun before the day interest starts, + 8),
//!   Ireland (ECB rate of the half-year interest starts in, + 8), US state rates, contract
//!   rates and any `rate_override`: one rate for the whole period.
//! - **Floating rates**: Germany, France and the generic EU setting: each half-year's rate
//!   (the one in force on 1 January / 1 July) applies to the days in it. The generic EU
//!   setting floats because the Directive defines the reference rate per half-year; a
//!   member state that fixes it (Ireland) has its own jurisdiction.
//! - **Rounding**: segment interests are kept exact (`principal x rate x days`, divided by
//!   36,500 once for the sum) and the total is rounded half-up once. Germany: part payments
//!   go to costs, then interest, then principal (section 367 BGB), and the interest accrued
//!   up to each payment is rounded to the cent there. gov.uk option: the daily amount is
//!   rounded to the penny first, then multiplied by the days.
//! - **Compensation** is due once per invoice when any principal was still unpaid after the
//!   due date (after the grace days); the UK band and a contract's percentage fee are
//!   measured on that unpaid debt. Consumer debtors get none of the statutory fixed sums.
//!   Elsewhere than Germany part payments go to principal first; anything beyond it pays
//!   interest, then compensation. Paying more than everything owed is refused as an error.
//! - A contract `cap` limits interest plus fees; the interest gives way first.

mod calc;
mod jurisdiction;
pub mod publishers;
mod rates;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use calc::{
    calculate, ContractTerms, InterestRequest, InterestResult, PartPayment, PaymentAllocation,
    Segment,
};
pub use jurisdiction::{
    fixed_compensation, missing_reference_rates, statutory_rate, uk_reference_date,
    CompensationRule, Jurisdiction, JurisdictionRules, PaymentOrder, RateBasis, RateMode,
};
pub use publishers::{
    parse_rate_file, parse_rate_file_checked_to, FrLegalCategory, FrLegalRate, Publisher,
    PublisherError, PublisherFile,
};
pub use rates::{HalfYear, RateRow, RateSeries, RateTable, RateTableError, BUILTIN_RATES_CSV};

use crate::money::{Currency, Money, MoneyError};

/// Why an interest calculation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    /// The jurisdiction code is not one Overdue knows.
    #[error("unknown jurisdiction \"{0}\": use uk, eu, ie, de, fr, us-ca, us-ny or contract")]
    UnknownJurisdiction(String),
    /// The calculation date is before the due date.
    #[error(
        "the calculation date {until} is before the due date {due}: interest can only be \
         worked out to a date on or after the due date"
    )]
    UntilBeforeDue {
        /// The due date.
        due: NaiveDate,
        /// The calculation date.
        until: NaiveDate,
    },
    /// The amount owed is zero or negative.
    #[error("the amount owed must be more than zero (got {0})")]
    NonPositivePrincipal(Money),
    /// A part payment is zero or negative.
    #[error("the part payment on {date} must be more than zero (got {amount})")]
    NonPositivePayment {
        /// The payment's date.
        date: NaiveDate,
        /// The amount entered.
        amount: Money,
    },
    /// A part payment is dated after the calculation date.
    #[error(
        "the part payment of {amount} on {date} is after the calculation date {until}: \
         calculate to a later date or leave the payment out"
    )]
    PaymentAfterUntil {
        /// The payment's date.
        date: NaiveDate,
        /// The payment's amount.
        amount: Money,
        /// The calculation date.
        until: NaiveDate,
    },
    /// An amount is in another currency than the debt.
    #[error("{what} is in {got} but the debt is in {expected}: enter it in {expected}")]
    WrongCurrency {
        /// Which amount, in words.
        what: String,
        /// The debt's currency.
        expected: Currency,
        /// The amount's currency.
        got: Currency,
    },
    /// A contract calculation has no rate.
    #[error(
        "a calculation under the customer's terms needs the agreed interest rate: enter it as \
         a percentage a year, e.g. 8.00"
    )]
    ContractRateRequired,
    /// The agreed rate is negative.
    #[error("the interest rate {0}% is negative: enter a rate of zero or more")]
    NegativeRate(Decimal),
    /// A contract fee or cap is negative.
    #[error("{0} cannot be negative")]
    NegativeTerm(String),
    /// Statutory interest in this jurisdiction applies only between businesses.
    #[error(
        "statutory interest under {} applies only when the debtor is a business: for a \
         consumer, enter the rate agreed in your terms or choose 'contract'",
        .0.law()
    )]
    NotForConsumers(Jurisdiction),
    /// The statutory fixed sum is set in another currency than the debt.
    #[error(
        "the fixed compensation under {} is set in {required} but this debt is in {debt}: \
         untick \"claim compensation\" or enter the debt in {required}",
        jurisdiction.law()
    )]
    CompensationCurrency {
        /// The jurisdiction whose fixed sum was asked for.
        jurisdiction: Jurisdiction,
        /// The currency the statute sets the sum in.
        required: Currency,
        /// The debt's currency.
        debt: Currency,
    },
    /// Contract terms were given for a statutory calculation.
    #[error(
        "grace days, late fees and caps from your terms apply only to a 'contract' \
         calculation, not under {}: choose 'contract' or remove them",
        .0.law()
    )]
    ContractTermsNotApplicable(Jurisdiction),
    /// The part payments are more than the debt, interest and compensation together.
    #[error(
        "the payments ({paid}) are more than the debt, interest and compensation together \
         ({owed}): record the difference as a credit or a refund"
    )]
    PaymentsExceedClaim {
        /// Total of the part payments.
        paid: Money,
        /// Principal + interest + compensation.
        owed: Money,
    },
    /// A date is at the edge of the calendar the library can count in.
    #[error("the date {0} is too far in the past or future to calculate with")]
    DateOutOfRange(NaiveDate),
    /// The rate table cannot give a needed rate.
    #[error(transparent)]
    Rates(#[from] RateTableError),
    /// An amount is too large to compute with.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
