//! Jurisdictions and their late-payment settings: which reference rate, how many points on
//! top, whether the rate is fixed for the life of the debt or re-set every half-year, what
//! fixed compensation the creditor may add, and in which order part payments are applied.
//!
//! The margins and fixed sums are written into the statutes themselves (they do not move
//! twice a year like the reference rates), so they live here and not in the rate table.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rates::{HalfYear, RateSeries, RateTable, RateTableError};
use super::InterestError;
use crate::money::{Currency, Money};

/// The law a late-payment claim is calculated under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    /// United Kingdom: Late Payment of Commercial Debts (Interest) Act 1998.
    #[serde(rename = "uk")]
    Uk,
    /// Generic EU member state applying Directive 2011/7/EU as written.
    #[serde(rename = "eu")]
    Eu,
    /// Ireland: European Communities (Late Payment in Commercial Transactions) Regulations 2012.
    #[serde(rename = "ie")]
    Ie,
    /// Germany: sections 247, 288 and 367 BGB.
    #[serde(rename = "de")]
    De,
    /// France: Code de commerce L441-10 and D441-5.
    #[serde(rename = "fr")]
    Fr,
    /// California: 10% a year after a breach of contract without an agreed rate.
    #[serde(rename = "us-ca")]
    UsCa,
    /// New York: 9% a year (CPLR 5004).
    #[serde(rename = "us-ny")]
    UsNy,
    /// The customer's own terms: an agreed rate, fees, grace days and a cap.
    #[serde(rename = "contract")]
    Contract,
}

impl Jurisdiction {
    /// Every jurisdiction, in the order the UI lists them.
    pub const ALL: [Jurisdiction; 8] = [
        Jurisdiction::Uk,
        Jurisdiction::Eu,
        Jurisdiction::Ie,
        Jurisdiction::De,
        Jurisdiction::Fr,
        Jurisdiction::UsCa,
        Jurisdiction::UsNy,
        Jurisdiction::Contract,
    ];

    /// Parses `uk|eu|ie|de|fr|us-ca|us-ny|contract` (case-insensitive, `_` accepted for `-`).
    pub fn parse(text: &str) -> Result<Jurisdiction, InterestError> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        Jurisdiction::ALL
            .into_iter()
            .find(|j| j.as_str() == t)
            .ok_or_else(|| InterestError::UnknownJurisdiction(text.trim().to_string()))
    }

    /// The code used in the CLI, the API and the database: `uk`, `us-ca`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "uk",
            Jurisdiction::Eu => "eu",
            Jurisdiction::Ie => "ie",
            Jurisdiction::De => "de",
            Jurisdiction::Fr => "fr",
            Jurisdiction::UsCa => "us-ca",
            Jurisdiction::UsNy => "us-ny",
            Jurisdiction::Contract => "contract",
        }
    }

    /// The law in words, for the basis of a claim.
    pub fn law(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "the Late Payment of Commercial Debts (Interest) Act 1998",
            Jurisdiction::Eu => "Directive 2011/7/EU on combating late payment",
            Jurisdiction::Ie => {
                "the European Communities (Late Payment in Commercial Transactions) \
                 Regulations 2012"
            }
            Jurisdiction::De => "section 288 BGB",
            Jurisdiction::Fr => "article L441-10 of the Code de commerce",
            Jurisdiction::UsCa => "California Civil Code section 3289(b)",
            Jurisdiction::UsNy => "New York CPLR section 5004",
            Jurisdiction::Contract => "the customer's terms",
        }
    }

    /// The published reference rate this law's interest is built on, if any (the UK's
    /// Bank of England base rate, the ECB rate, the Basiszinssatz).
    pub fn reference_series(self) -> Option<RateSeries> {
        match self.rules(false).rate {
            RateBasis::Reference { series, .. } => Some(series),
            RateBasis::Flat(_) | RateBasis::Contract => None,
        }
    }

    /// The settings that drive the calculation; `consumer` is true when the debtor is a
    /// consumer (it changes the German margin and removes the fixed compensation).
    pub fn rules(self, consumer: bool) -> JurisdictionRules {
        let pts = |p: i64| Decimal::from(p);
        let (rate, mode, compensation, payment_order, business_only) = match self {
            Jurisdiction::Uk => (
                RateBasis::Reference {
                    series: RateSeries::BoeBase,
                    margin: pts(8),
                },
                RateMode::FixedAtStart,
                CompensationRule::UkBands,
                PaymentOrder::PrincipalFirst,
                true,
            ),
            Jurisdiction::Eu => (
                RateBasis::Reference {
                    series: RateSeries::EcbMro,
                    margin: pts(8),
                },
                // The Directive sets the reference rate per half-year (1 Jan / 1 Jul); read as
                // written, each half-year's rate governs the days in it, as DE and FR do.
                RateMode::FloatingByHalfYear,
                CompensationRule::FlatEur40,
                PaymentOrder::PrincipalFirst,
                true,
            ),
            Jurisdiction::Ie => (
                RateBasis::Reference {
                    series: RateSeries::EcbMro,
                    margin: pts(8),
                },
                RateMode::FixedAtStart,
                CompensationRule::FlatEur40,
                PaymentOrder::PrincipalFirst,
                true,
            ),
            Jurisdiction::De => (
                RateBasis::Reference {
                    series: RateSeries::DeBasiszins,
                    // section 288(1) BGB: +5 for a consumer; 288(2): +9 between businesses.
                    margin: if consumer { pts(5) } else { pts(9) },
                },
                RateMode::FloatingByHalfYear,
                if consumer {
                    CompensationRule::None
                } else {
                    CompensationRule::FlatEur40
                },
                PaymentOrder::CostsInterestPrincipal,
                false,
            ),
            Jurisdiction::Fr => (
                RateBasis::Reference {
                    series: RateSeries::EcbMro,
                    margin: pts(10),
                },
                RateMode::FloatingByHalfYear,
                CompensationRule::FlatEur40,
                PaymentOrder::PrincipalFirst,
                true,
            ),
            Jurisdiction::UsCa => (
                RateBasis::Flat(pts(10)),
                RateMode::FixedAtStart,
                CompensationRule::None,
                PaymentOrder::PrincipalFirst,
                false,
            ),
            Jurisdiction::UsNy => (
                RateBasis::Flat(pts(9)),
                RateMode::FixedAtStart,
                CompensationRule::None,
                PaymentOrder::PrincipalFirst,
                false,
            ),
            Jurisdiction::Contract => (
                RateBasis::Contract,
                RateMode::FixedAtStart,
                CompensationRule::ContractFees,
                PaymentOrder::PrincipalFirst,
                false,
            ),
        };
        // The statutory fixed sums are for business debtors only, everywhere.
        let compensation = if consumer && compensation != CompensationRule::ContractFees {
            CompensationRule::None
        } else {
            compensation
        };
        JurisdictionRules {
            jurisdiction: self,
            rate,
            mode,
            compensation,
            payment_order,
            business_only,
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Jurisdiction {
    type Err = InterestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Jurisdiction::parse(s)
    }
}

/// Where the interest rate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RateBasis {
    /// A published reference rate plus a margin in percentage points.
    Reference {
        /// The reference rate.
        series: RateSeries,
        /// Points added to it.
        margin: Decimal,
    },
    /// A flat statutory rate in percent a year.
    Flat(Decimal),
    /// The rate agreed in the customer's terms (the request must carry it).
    Contract,
}

/// Whether the rate is set once or re-set every half-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateMode {
    /// Fixed on the day interest starts, for the life of the debt (UK, Ireland, flat rates).
    FixedAtStart,
    /// Each half-year's rate applies to the days in it (Germany, France, generic EU).
    FloatingByHalfYear,
}

/// The fixed compensation the creditor may add to a late invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompensationRule {
    /// 40 / 70 / 100 GBP by size of debt (UK Act, section 5A).
    UkBands,
    /// 40.00 EUR per late invoice (Directive art. 6, BGB 288(5), Code de commerce D441-5).
    FlatEur40,
    /// No statutory fixed compensation (US; consumer debtors).
    None,
    /// The fixed and percentage fees of the customer's terms.
    ContractFees,
}

/// In which order a part payment is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentOrder {
    /// To principal first; anything beyond the principal pays interest, then compensation.
    PrincipalFirst,
    /// Costs, then interest, then principal (section 367 BGB).
    CostsInterestPrincipal,
}

/// The settings of one jurisdiction for one kind of debtor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JurisdictionRules {
    /// The jurisdiction these rules are for.
    pub jurisdiction: Jurisdiction,
    /// Where the rate comes from.
    pub rate: RateBasis,
    /// Fixed for the life of the debt or floating by half-year.
    pub mode: RateMode,
    /// Fixed compensation.
    pub compensation: CompensationRule,
    /// Order in which part payments are applied.
    pub payment_order: PaymentOrder,
    /// True when the statutory rate applies only between businesses (UK, EU, IE, FR).
    pub business_only: bool,
}

/// The UK reference date for interest that starts on `start`: 31 December before for a start
/// in January-June, 30 June for July-December (the Late Payment of Commercial Debts (Rate of
/// Interest) (No. 3) Order 2002).
pub fn uk_reference_date(start: NaiveDate) -> Option<NaiveDate> {
    if start.month() <= 6 {
        NaiveDate::from_ymd_opt(start.year() - 1, 12, 31)
    } else {
        NaiveDate::from_ymd_opt(start.year(), 6, 30)
    }
}

/// The statutory rate for interest running (or, for fixed jurisdictions, starting) on `date`:
/// `(rate in percent, reference date, reference rate)`. For the US flat rates the reference
/// date is `date` itself and the reference rate is zero. Errors when the table lacks the
/// period, when the jurisdiction has no statutory rate (contract) or when statutory interest
/// does not apply to a consumer debtor there.
pub fn statutory_rate(
    jurisdiction: Jurisdiction,
    consumer: bool,
    date: NaiveDate,
    table: &RateTable,
) -> Result<(Decimal, NaiveDate, Decimal), InterestError> {
    let rules = jurisdiction.rules(consumer);
    if rules.business_only && consumer {
        return Err(InterestError::NotForConsumers(jurisdiction));
    }
    match rules.rate {
        RateBasis::Contract => Err(InterestError::ContractRateRequired),
        RateBasis::Flat(rate) => Ok((rate, date, Decimal::ZERO)),
        RateBasis::Reference {
            series: RateSeries::BoeBase,
            margin,
        } => {
            let reference = uk_reference_date(date).ok_or(InterestError::DateOutOfRange(date))?;
            let row = table
                .rate_on(RateSeries::BoeBase, reference)
                .ok_or_else(|| RateTableError::MissingRate {
                    series: RateSeries::BoeBase,
                    period: format!(
                        "{reference} (the reference date for interest starting in {})",
                        HalfYear::of(date)
                    ),
                })?;
            Ok((row.rate + margin, reference, row.rate))
        }
        RateBasis::Reference { series, margin } => {
            let half = HalfYear::of(date);
            let row = table.half_year_rate(series, half)?;
            Ok((row.rate + margin, half.first_day(), row.rate))
        }
    }
}

/// The statutory fixed compensation for one late invoice of `debt`: UK 40.00 / 70.00 /
/// 100.00 GBP (below 1,000.00; 1,000.00 to 9,999.99; 10,000.00 and more), EU, Ireland,
/// Germany and France 40.00 EUR, zero for consumer debtors, the US and contracts (contract
/// fees come from [`super::ContractTerms`] in [`super::calculate`]).
///
/// The sum is in the statute's currency (GBP or EUR) whatever the debt's currency; the
/// band compares the debt's amount as it is, so pass a debt in that currency (`calculate`
/// refuses a mismatch rather than comparing pounds with yen).
pub fn fixed_compensation(jurisdiction: Jurisdiction, consumer: bool, debt: &Money) -> Money {
    let statutory = |code: &str, amount: i64| {
        // GBP and EUR are in the currency table; fall back to the debt's currency so the
        // function stays total.
        let currency = Currency::from_code(code).unwrap_or(debt.currency());
        Money::new(Decimal::new(amount, 2), currency)
    };
    match jurisdiction.rules(consumer).compensation {
        CompensationRule::UkBands => {
            let amount = debt.amount();
            if amount < Decimal::from(1_000) {
                statutory("GBP", 4_000)
            } else if amount < Decimal::from(10_000) {
                statutory("GBP", 7_000)
            } else {
                statutory("GBP", 10_000)
            }
        }
        CompensationRule::FlatEur40 => statutory("EUR", 4_000),
        CompensationRule::None | CompensationRule::ContractFees => Money::zero(debt.currency()),
    }
}

/// The reference rates the table lacks for the half-year `today` is in, as (series, the
/// period in words): the ECB rate and the Basiszinssatz of the half-year (fixed on 1
/// January / 1 July), the Bank of England base rate on its reference day (31 December /
/// 30 June). Interest for days the table does not cover is left out, so this names
/// what to add.
pub fn missing_reference_rates(table: &RateTable, today: NaiveDate) -> Vec<(RateSeries, String)> {
    let half = HalfYear::of(today);
    let mut out = Vec::new();
    for series in RateSeries::ALL {
        let (day, period) = match series {
            RateSeries::BoeBase => match uk_reference_date(today) {
                Some(d) => (d, format!("{d} (the reference day for {half})")),
                None => continue,
            },
            _ => (half.first_day(), half.to_string()),
        };
        if table.rate_on(series, day).is_none() {
            out.push((series, period));
        }
    }
    out
}
