//! The calculation itself: segments of days at one principal and one rate, summed exactly
//! and rounded once (per allocation event under section 367 BGB), then fixed compensation and
//! the allocation of part payments.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::jurisdiction::{
    fixed_compensation, statutory_rate, CompensationRule, Jurisdiction, JurisdictionRules,
    PaymentOrder, RateBasis, RateMode,
};
use super::rates::{HalfYear, RateSeries, RateTable, RateTableError};
use super::InterestError;
use crate::money::{decimal_string, round_half_up, Currency, Money, MoneyError};

/// Actual/365 with rates in percent: interest = principal x rate x days / (365 x 100). The
/// year has 365 days even in leap years, as the UK, EU and German practice all assume.
const DAY_COUNT_DIVISOR: i64 = 36_500;

/// A payment received before the claim is settled; it reduces what interest runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartPayment {
    /// The day the money was received. Interest on the paid amount runs through this day
    /// inclusive, the same convention as for a payment in full.
    pub date: NaiveDate,
    /// How much was received, in the debt's currency.
    pub amount: Money,
}

/// The late-payment terms of the customer's own contract (only for [`Jurisdiction::Contract`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractTerms {
    /// A fixed late fee per invoice.
    pub fixed_fee: Option<Money>,
    /// A late fee as a percentage of the debt (5 means 5%).
    pub percentage_fee: Option<Decimal>,
    /// Days after the due date before interest and fees apply; interest then runs from
    /// the day after the grace period.
    pub grace_days: u32,
    /// The most that interest and fees together may come to for this invoice.
    pub cap: Option<Money>,
}

/// What to calculate: one late invoice under one jurisdiction, up to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestRequest {
    /// The law to apply.
    pub jurisdiction: Jurisdiction,
    /// The unpaid amount of the invoice (must be more than zero).
    pub principal: Money,
    /// The due date; interest runs from the day after.
    pub due: NaiveDate,
    /// The payment or as-of date, included in the interest period.
    pub until: NaiveDate,
    /// True when the debtor is a consumer, not a business (default false).
    #[serde(default)]
    pub consumer: bool,
    /// Part payments, in any order; none may be dated after `until`.
    #[serde(default)]
    pub payments: Vec<PartPayment>,
    /// An agreed rate in percent a year, fixed for the whole period. Replaces the statutory
    /// rate where given; required for [`Jurisdiction::Contract`].
    #[serde(default)]
    pub rate_override: Option<Decimal>,
    /// Add the fixed compensation (or, for a contract, its fees); false claims none
    /// (default true: the creditor is entitled to it).
    #[serde(default = "claim_by_default")]
    pub claim_compensation: bool,
    /// gov.uk style: round the daily interest to the minor unit before multiplying by days.
    #[serde(default)]
    pub govuk_rounding: bool,
    /// The customer's late-payment terms, for [`Jurisdiction::Contract`] only.
    #[serde(default)]
    pub contract: Option<ContractTerms>,
}

fn claim_by_default() -> bool {
    true
}

impl InterestRequest {
    /// A business-to-business request with no part payments, compensation claimed and exact
    /// (not gov.uk) rounding.
    pub fn new(
        jurisdiction: Jurisdiction,
        principal: Money,
        due: NaiveDate,
        until: NaiveDate,
    ) -> Self {
        InterestRequest {
            jurisdiction,
            principal,
            due,
            until,
            consumer: false,
            payments: Vec::new(),
            rate_override: None,
            claim_compensation: true,
            govuk_rounding: false,
            contract: None,
        }
    }
}

/// A run of days at one principal and one rate: one line of the printed breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Number of days, `to - from + 1`.
    pub days: i64,
    /// The principal interest runs on.
    pub principal: Money,
    /// The rate in percent a year.
    pub rate: Decimal,
    /// The reference rate the rate was built from (BoE, ECB, Basiszinssatz), if any.
    pub reference_rate: Option<Decimal>,
    /// One day's interest, rounded to the minor unit (for "interest continues at ... a day").
    pub daily: Money,
    /// The segment's interest rounded to the minor unit, for display only: the total is the
    /// exact values summed and rounded once.
    pub interest: Money,
    /// The segment's interest before rounding.
    pub interest_exact: Decimal,
}

/// How one part payment was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAllocation {
    /// The payment's date.
    pub date: NaiveDate,
    /// The payment's amount.
    pub amount: Money,
    /// Part applied to costs (the fixed compensation or contract fees).
    pub to_costs: Money,
    /// Part applied to interest.
    pub to_interest: Money,
    /// Part applied to the principal.
    pub to_principal: Money,
}

/// The outcome: amounts, the segments behind them, and the basis in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestResult {
    /// The law applied.
    pub jurisdiction: Jurisdiction,
    /// The debt's currency; every amount below is in it.
    pub currency: Currency,
    /// The due date.
    pub due: NaiveDate,
    /// The payment or as-of date.
    pub until: NaiveDate,
    /// Days late, `until - due` (0 when not late).
    pub days_late: i64,
    /// The first day interest runs (the day after the due date, or after the grace days).
    pub interest_start: NaiveDate,
    /// Total interest, rounded half-up once (per allocation event under BGB 367), capped
    /// where the contract has a cap.
    pub interest: Money,
    /// Total interest before the final rounding (after a contract cap).
    pub interest_exact: Decimal,
    /// Fixed compensation or contract fees claimed (zero when not claimed or not late).
    pub compensation: Money,
    /// Principal still unpaid after the part payments.
    pub principal_outstanding: Money,
    /// Interest not yet paid.
    pub interest_outstanding: Money,
    /// Compensation not yet paid.
    pub compensation_outstanding: Money,
    /// What the debtor owes now: principal + unpaid interest + unpaid compensation.
    pub balance_due: Money,
    /// Interest that keeps accruing each day on the outstanding principal at the latest rate.
    pub daily_interest: Money,
    /// The interest periods, oldest first (periods with nothing outstanding are left out).
    pub segments: Vec<Segment>,
    /// How each part payment was applied, in date order.
    pub allocations: Vec<PaymentAllocation>,
    /// The legal basis of the compensation, in words.
    pub compensation_basis: String,
    /// The legal basis and method of the interest, in words.
    pub basis: String,
    /// The last day interest is worked out to: `until`, or the day before the first day
    /// the rate table has no rate for (interest after it is not claimed until the rate is
    /// published; the compensation does not depend on it).
    pub interest_to: NaiveDate,
    /// Why interest stops before `until` (the missing rate in words), when it does.
    pub rate_gap: Option<String>,
    /// The contract's cap on interest and fees together, when it limited the interest
    /// (the interest is then the cap less the fees).
    pub interest_cap: Option<Money>,
}

impl InterestResult {
    /// A plain-text breakdown for a letter or a court file: one line per segment, then the
    /// totals and the basis.
    pub fn breakdown(&self) -> String {
        let places = self.currency.minor_units();
        let amount = |m: &Money| format!("{} {}", decimal_string(m.amount(), places), m.currency());
        let mut out = format!(
            "Late-payment interest ({}), due {}, calculated to {} ({} days late)\n",
            self.jurisdiction, self.due, self.until, self.days_late
        );
        for s in &self.segments {
            out.push_str(&format!(
                "{} to {}: {} days on {} at {}% a year = {} ({} a day)\n",
                s.from,
                s.to,
                s.days,
                amount(&s.principal),
                rate_text(s.rate),
                amount(&s.interest),
                amount(&s.daily),
            ));
        }
        for a in &self.allocations {
            out.push_str(&format!(
                "Payment {} on {}: {} to costs, {} to interest, {} to principal\n",
                amount(&a.amount),
                a.date,
                amount(&a.to_costs),
                amount(&a.to_interest),
                amount(&a.to_principal),
            ));
        }
        out.push_str(&format!("Interest: {}\n", amount(&self.interest)));
        out.push_str(&format!(
            "Compensation and fees: {}\n",
            amount(&self.compensation)
        ));
        out.push_str(&format!(
            "Principal outstanding: {}\n",
            amount(&self.principal_outstanding)
        ));
        out.push_str(&format!("Balance due: {}\n", amount(&self.balance_due)));
        out.push_str(&format!("Basis: {}\n", self.basis));
        out.push_str(&format!("Compensation: {}\n", self.compensation_basis));
        out
    }
}

/// Works out late-payment interest, fixed compensation and the balance due for one invoice.
///
/// Simple interest, Actual/365, from the day after the due date (after any contract grace
/// days) through `until` inclusive. Part payments reduce the principal from the day after
/// they are received. Fixed rates (UK, Ireland, US, contract, overrides) hold for the whole
/// period; floating ones (Germany, France, generic EU) split at 1 January and 1 July.
pub fn calculate(
    req: &InterestRequest,
    table: &RateTable,
) -> Result<InterestResult, InterestError> {
    let currency = req.principal.currency();
    let places = currency.minor_units();
    let rules = req.jurisdiction.rules(req.consumer);
    validate(req, &rules)?;
    let terms = req.contract.clone().unwrap_or_default();
    let start = add_days(req.due, u64::from(terms.grace_days) + 1)?;
    let days_late = (req.until - req.due).num_days();

    // Stable sort: payments on the same day keep the order they were entered in.
    let mut payments: Vec<&PartPayment> = req.payments.iter().collect();
    payments.sort_by_key(|p| p.date);

    // Payments before interest starts meet nothing but principal; what is left is the debt
    // that became late, which sets the UK band and any percentage fee.
    let paid_before_start: Decimal = payments
        .iter()
        .filter(|p| p.date < start)
        .map(|p| p.amount.amount())
        .sum();
    let debt_when_late = (req.principal.amount() - paid_before_start).max(Decimal::ZERO);
    let late = req.until >= start && debt_when_late > Decimal::ZERO;

    let (compensation, compensation_basis) =
        compensation_for(req, &rules, &terms, late, debt_when_late)?;
    // A missing reference rate stops interest at the last day the table covers instead of
    // refusing the whole claim: what is known is claimed, and the gap is said in words.
    let (plan, cut) = if late {
        match rate_plan(req, &rules, start, table) {
            Ok(plan) => {
                let cut = plan.first_gap(start, req.until, table);
                (Some(plan), cut)
            }
            Err(InterestError::Rates(e @ RateTableError::MissingRate { .. })) => {
                (None, Some((start.pred_opt().unwrap_or(start), e)))
            }
            Err(e) => return Err(e),
        }
    } else {
        (None, None)
    };
    let interest_to = cut.as_ref().map_or(req.until, |(d, _)| *d);

    let bgb_367 = rules.payment_order == PaymentOrder::CostsInterestPrincipal;
    let mut principal = req.principal.amount();
    let mut cursor = start;
    let mut costs_unpaid = compensation;
    // Under BGB 367 interest is settled (and rounded) at each payment; elsewhere it is summed
    // exactly and rounded once at the end.
    let mut interest_settled = Decimal::ZERO;
    let mut interest_unpaid = Decimal::ZERO;
    let mut exact_total = Decimal::ZERO;
    let mut numerator_total = Decimal::ZERO;
    let mut accruals: Vec<Accrual> = Vec::new();
    let mut allocations: Vec<PaymentAllocation> = Vec::new();
    let mut excess: Vec<(usize, Decimal)> = Vec::new();

    let mut accrue_to = |end: NaiveDate,
                         principal: Decimal,
                         cursor: &mut NaiveDate,
                         accruals: &mut Vec<Accrual>|
     -> Result<Decimal, InterestError> {
        let Some(plan) = &plan else {
            return Ok(Decimal::ZERO);
        };
        let end = end.min(interest_to);
        if end < *cursor {
            return Ok(Decimal::ZERO);
        }
        let group = accrue(
            principal,
            *cursor,
            end,
            plan,
            table,
            req.govuk_rounding,
            places,
        )?;
        let exact = group_exact(&group, req.govuk_rounding)?;
        exact_total = add(exact_total, exact)?;
        for a in &group {
            numerator_total = add(numerator_total, a.numerator)?;
        }
        accruals.extend(group);
        *cursor = add_days(end, 1)?;
        Ok(exact)
    };

    for p in &payments {
        let amount = p.amount.amount();
        let after_start = p.date >= start;
        if after_start {
            let exact = accrue_to(p.date, principal, &mut cursor, &mut accruals)?;
            if bgb_367 {
                let settled = round_half_up(exact, places);
                interest_settled += settled;
                interest_unpaid += settled;
            }
        }
        let mut rest = amount;
        let (mut to_costs, mut to_interest) = (Decimal::ZERO, Decimal::ZERO);
        if bgb_367 && after_start {
            to_costs = rest.min(costs_unpaid);
            costs_unpaid -= to_costs;
            rest -= to_costs;
            to_interest = rest.min(interest_unpaid);
            interest_unpaid -= to_interest;
            rest -= to_interest;
        }
        let to_principal = rest.min(principal);
        principal -= to_principal;
        rest -= to_principal;
        if rest > Decimal::ZERO {
            excess.push((allocations.len(), rest));
        }
        allocations.push(PaymentAllocation {
            date: p.date,
            amount: p.amount,
            to_costs: Money::new(to_costs, currency),
            to_interest: Money::new(to_interest, currency),
            to_principal: Money::new(to_principal, currency),
        });
    }
    let exact = accrue_to(req.until, principal, &mut cursor, &mut accruals)?;

    let (mut interest, mut interest_exact) = if bgb_367 {
        let settled = round_half_up(exact, places);
        interest_settled += settled;
        interest_unpaid += settled;
        (interest_settled, exact_total)
    } else {
        // Summing the numerators and dividing once keeps splitting a period from changing
        // the result in the last of Decimal's 28 digits.
        let exact = if req.govuk_rounding {
            exact_total
        } else {
            div_day_count(numerator_total)?
        };
        (round_half_up(exact, places), exact)
    };
    let mut cap_note = String::new();
    let mut interest_cap = None;
    if let Some(cap) = terms.cap {
        // Fees are charged the day the invoice becomes late and interest accrues after, so
        // it is the interest that runs into the cap.
        let room = (cap.amount() - compensation).max(Decimal::ZERO);
        if interest > room {
            interest = room;
            interest_exact = interest_exact.min(room);
            interest_cap = Some(cap);
            cap_note = format!(
                " Interest is limited to {} so that interest and fees together stay within \
                 the contract's cap of {}.",
                money_text(room, currency),
                money_text(cap.amount(), currency)
            );
        }
    }
    if !bgb_367 {
        interest_unpaid = interest;
    }

    // Money beyond the principal pays interest, then compensation (what BGB 367 already did
    // at each payment); more than that is an overpayment, which a claim cannot hold.
    for (index, extra) in excess {
        let mut rest = extra;
        if !bgb_367 {
            let to_interest = rest.min(interest_unpaid);
            interest_unpaid -= to_interest;
            rest -= to_interest;
            let to_costs = rest.min(costs_unpaid);
            costs_unpaid -= to_costs;
            rest -= to_costs;
            let a = &mut allocations[index];
            a.to_interest = Money::new(a.to_interest.amount() + to_interest, currency);
            a.to_costs = Money::new(a.to_costs.amount() + to_costs, currency);
        }
        if rest > Decimal::ZERO {
            let paid: Decimal = req.payments.iter().map(|p| p.amount.amount()).sum();
            let owed = req.principal.amount() + interest + compensation;
            return Err(InterestError::PaymentsExceedClaim {
                paid: Money::new(paid, currency),
                owed: Money::new(owed, currency),
            });
        }
    }

    // Once a contract cap is reached nothing more accrues, so no daily amount is quoted.
    let daily_interest = match accruals.last() {
        Some(last)
            if principal > Decimal::ZERO && cap_note.is_empty() && interest_to == req.until =>
        {
            daily_amount(principal, last.rate, places)?
        }
        _ => Decimal::ZERO,
    };
    let mut basis = basis_text(
        req,
        &rules,
        &terms,
        start,
        late,
        &accruals,
        plan.as_ref(),
        interest_to,
    )? + &cap_note;
    let rate_gap = cut.map(|(_, e)| e.to_string());
    if let Some(gap) = &rate_gap {
        if interest_to < start {
            basis = format!(
                "No interest worked out yet: {gap}. Interest runs from {start}; it is not \
                 included here and may be claimed separately."
            );
        } else {
            basis.push_str(&format!(
                " Interest is worked out to {interest_to} only: {gap}; interest after that \
                 day is not included here and may be claimed separately."
            ));
        }
    }
    let segments = accruals
        .iter()
        .map(|a| {
            Ok(Segment {
                from: a.from,
                to: a.to,
                days: a.days,
                principal: Money::new(a.principal, currency),
                rate: a.rate,
                reference_rate: a.reference,
                daily: Money::new(daily_amount(a.principal, a.rate, places)?, currency),
                interest: Money::new(round_half_up(a.exact, places), currency),
                interest_exact: a.exact,
            })
        })
        .collect::<Result<Vec<_>, InterestError>>()?;
    let balance = principal + interest_unpaid + costs_unpaid;
    Ok(InterestResult {
        jurisdiction: req.jurisdiction,
        currency,
        due: req.due,
        until: req.until,
        days_late,
        interest_start: start,
        interest: Money::new(interest, currency),
        interest_exact,
        compensation: Money::new(compensation, currency),
        principal_outstanding: Money::new(principal, currency),
        interest_outstanding: Money::new(interest_unpaid, currency),
        compensation_outstanding: Money::new(costs_unpaid, currency),
        balance_due: Money::new(balance, currency),
        daily_interest: Money::new(daily_interest, currency),
        segments,
        allocations,
        compensation_basis,
        basis,
        interest_to,
        rate_gap,
        interest_cap,
    })
}

/// Refuses requests that cannot give a meaningful claim, with the reason in words.
fn validate(req: &InterestRequest, rules: &JurisdictionRules) -> Result<(), InterestError> {
    let currency = req.principal.currency();
    if req.principal.amount() <= Decimal::ZERO {
        return Err(InterestError::NonPositivePrincipal(req.principal));
    }
    if req.until < req.due {
        return Err(InterestError::UntilBeforeDue {
            due: req.due,
            until: req.until,
        });
    }
    // Every day up to `until` needs a next day for the segment walk.
    add_days(req.until, 1)?;
    for p in &req.payments {
        if p.amount.currency() != currency {
            return Err(InterestError::WrongCurrency {
                what: format!("the part payment of {}", p.date),
                expected: currency,
                got: p.amount.currency(),
            });
        }
        if p.amount.amount() <= Decimal::ZERO {
            return Err(InterestError::NonPositivePayment {
                date: p.date,
                amount: p.amount,
            });
        }
        if p.date > req.until {
            return Err(InterestError::PaymentAfterUntil {
                date: p.date,
                amount: p.amount,
                until: req.until,
            });
        }
    }
    if let Some(rate) = req.rate_override {
        if rate < Decimal::ZERO {
            return Err(InterestError::NegativeRate(rate));
        }
    }
    if rules.rate == RateBasis::Contract && req.rate_override.is_none() {
        return Err(InterestError::ContractRateRequired);
    }
    if rules.business_only && req.consumer && req.rate_override.is_none() {
        return Err(InterestError::NotForConsumers(req.jurisdiction));
    }
    if let Some(terms) = &req.contract {
        if req.jurisdiction != Jurisdiction::Contract {
            return Err(InterestError::ContractTermsNotApplicable(req.jurisdiction));
        }
        for (what, fee) in [
            ("the contract's fixed fee", terms.fixed_fee),
            ("the contract's cap", terms.cap),
        ] {
            if let Some(fee) = fee {
                if fee.currency() != currency {
                    return Err(InterestError::WrongCurrency {
                        what: what.to_string(),
                        expected: currency,
                        got: fee.currency(),
                    });
                }
                if fee.is_negative() {
                    return Err(InterestError::NegativeTerm(what.to_string()));
                }
            }
        }
        if terms.percentage_fee.is_some_and(|p| p < Decimal::ZERO) {
            return Err(InterestError::NegativeTerm(
                "the contract's percentage fee".to_string(),
            ));
        }
    }
    Ok(())
}

/// The compensation (or contract fees) in the debt's currency, and its basis in words.
fn compensation_for(
    req: &InterestRequest,
    rules: &JurisdictionRules,
    terms: &ContractTerms,
    late: bool,
    debt_when_late: Decimal,
) -> Result<(Decimal, String), InterestError> {
    let currency = req.principal.currency();
    let places = currency.minor_units();
    if !req.claim_compensation {
        return Ok((Decimal::ZERO, "No fixed compensation claimed.".to_string()));
    }
    if !late {
        return Ok((
            Decimal::ZERO,
            format!(
                "No fixed compensation: nothing was overdue on {}.",
                req.until
            ),
        ));
    }
    let debt = Money::new(debt_when_late, currency);
    let statutory = |text: &dyn Fn(&str) -> String| -> Result<(Decimal, String), InterestError> {
        let sum = fixed_compensation(req.jurisdiction, req.consumer, &debt);
        if sum.currency() != currency {
            // The law sets the sum in its own currency; it is not converted into the debt's
            // (no exchange rate is Overdue's to choose), nor added to a total in another one.
            return Ok((
                Decimal::ZERO,
                format!(
                    "{} The sum is set in {} and this debt is in {currency}, so it is not added \
                     to this claim; claim it separately in {}.",
                    text(&money_text(sum.amount(), sum.currency())),
                    sum.currency(),
                    sum.currency()
                ),
            ));
        }
        Ok((sum.amount(), text(&money_text(sum.amount(), currency))))
    };
    match rules.compensation {
        CompensationRule::UkBands => statutory(&|sum| {
            let band = if debt_when_late < Decimal::from(1_000) {
                "below 1,000.00 GBP"
            } else if debt_when_late < Decimal::from(10_000) {
                "from 1,000.00 to 9,999.99 GBP"
            } else {
                "of 10,000.00 GBP or more"
            };
            format!(
                "Fixed compensation of {sum} for a debt {band}, under section 5A of {}.",
                req.jurisdiction.law()
            )
        }),
        CompensationRule::FlatEur40 => statutory(&|sum| match req.jurisdiction {
            Jurisdiction::De => format!("Verzugspauschale of {sum} under section 288(5) BGB."),
            Jurisdiction::Fr => format!(
                "Indemnité forfaitaire pour frais de recouvrement of {sum} under articles \
                 L441-10 and D441-5 of the Code de commerce."
            ),
            Jurisdiction::Eu => format!(
                "Fixed compensation for recovery costs of {sum} per late invoice under article \
                 6 of Directive 2011/7/EU."
            ),
            j => format!(
                "Fixed compensation of {sum} per late invoice under {}.",
                j.law()
            ),
        }),
        CompensationRule::None
            if req.consumer
                && rules.jurisdiction != Jurisdiction::UsCa
                && rules.jurisdiction != Jurisdiction::UsNy =>
        {
            Ok((
                Decimal::ZERO,
                "No fixed compensation: the statutory fixed sum applies only when the debtor \
                 is a business."
                    .to_string(),
            ))
        }
        CompensationRule::None => Ok((
            Decimal::ZERO,
            format!(
                "No statutory fixed compensation under {}.",
                req.jurisdiction.law()
            ),
        )),
        CompensationRule::ContractFees => {
            let fixed = terms.fixed_fee.map(|f| f.amount()).unwrap_or_default();
            let pct = terms.percentage_fee.unwrap_or_default();
            let pct_fee = mul(debt_when_late, pct)? / Decimal::ONE_HUNDRED;
            let mut fees = round_half_up(add(fixed, pct_fee)?, places);
            if fees.is_zero() {
                return Ok((
                    Decimal::ZERO,
                    "No late fees in the customer's terms.".to_string(),
                ));
            }
            let mut text = format!(
                "Late fees under the customer's terms: {}",
                money_text(fees, currency)
            );
            if !pct.is_zero() {
                text.push_str(&format!(
                    " ({} fixed + {}% of {})",
                    money_text(fixed, currency),
                    pct.normalize(),
                    money_text(debt_when_late, currency)
                ));
            }
            if let Some(cap) = terms.cap {
                if fees > cap.amount() {
                    fees = cap.amount();
                    text.push_str(&format!(
                        ", limited to the cap of {}",
                        money_text(fees, currency)
                    ));
                }
            }
            text.push('.');
            Ok((fees, text))
        }
    }
}

/// How the rate of each day is found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RatePlan {
    /// One rate for the whole period.
    Fixed {
        /// Percent a year.
        rate: Decimal,
        /// The reference rate it was built from, when statutory.
        reference: Option<Decimal>,
        /// How it was set, in words, for the basis.
        description: String,
    },
    /// Each half-year's reference rate plus a margin.
    Floating {
        /// The reference rate.
        series: RateSeries,
        /// Points on top.
        margin: Decimal,
    },
}

impl RatePlan {
    /// The rate (and reference rate) for the segment starting on `date`.
    fn rate_on(
        &self,
        date: NaiveDate,
        table: &RateTable,
    ) -> Result<(Decimal, Option<Decimal>), InterestError> {
        match self {
            RatePlan::Fixed {
                rate, reference, ..
            } => Ok((*rate, *reference)),
            RatePlan::Floating { series, margin } => {
                let row = table.half_year_rate(*series, HalfYear::of(date))?;
                Ok((row.rate + *margin, Some(row.rate)))
            }
        }
    }

    /// The first half-year from `start` to `until` the table has no rate for, as (the day
    /// before it, why): only a floating rate can run out part-way.
    fn first_gap(
        &self,
        start: NaiveDate,
        until: NaiveDate,
        table: &RateTable,
    ) -> Option<(NaiveDate, RateTableError)> {
        let RatePlan::Floating { series, .. } = self else {
            return None;
        };
        let mut half = HalfYear::of(start);
        while half.first_day() <= until {
            if let Err(e) = table.half_year_rate(*series, half) {
                let day = half.first_day().max(start);
                return Some((day.pred_opt().unwrap_or(day), e));
            }
            half = HalfYear::of(half.last_day().succ_opt()?);
        }
        None
    }

    /// The last day of the segment starting on `from`, at most `to`.
    fn segment_end(&self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        match self {
            RatePlan::Fixed { .. } => to,
            RatePlan::Floating { .. } => HalfYear::of(from).last_day().min(to),
        }
    }
}

fn rate_plan(
    req: &InterestRequest,
    rules: &JurisdictionRules,
    start: NaiveDate,
    table: &RateTable,
) -> Result<RatePlan, InterestError> {
    if let Some(rate) = req.rate_override {
        let description = match req.jurisdiction {
            Jurisdiction::Contract => {
                format!(
                    "{}% a year as agreed, fixed for the whole period",
                    rate_text(rate)
                )
            }
            j => format!(
                "the agreed contract rate of {}% a year, fixed, which replaces the statutory \
                 rate under {}",
                rate_text(rate),
                j.law()
            ),
        };
        return Ok(RatePlan::Fixed {
            rate,
            reference: None,
            description,
        });
    }
    match (rules.rate, rules.mode) {
        (RateBasis::Contract, _) => Err(InterestError::ContractRateRequired),
        (RateBasis::Flat(rate), _) => Ok(RatePlan::Fixed {
            rate,
            reference: None,
            description: format!("the statutory rate of {}% a year, fixed", rate_text(rate)),
        }),
        (RateBasis::Reference { series, margin }, RateMode::FixedAtStart) => {
            let (rate, reference_date, base) =
                statutory_rate(req.jurisdiction, req.consumer, start, table)?;
            let day = if series == RateSeries::BoeBase {
                "on"
            } else {
                "in force on"
            };
            Ok(RatePlan::Fixed {
                rate,
                reference: Some(base),
                description: format!(
                    "{} {}% {day} {reference_date} (the reference date for interest starting \
                     on {start}) + {} points = {}% a year, fixed for the life of the debt",
                    series.label(),
                    rate_text(base),
                    margin.normalize(),
                    rate_text(rate)
                ),
            })
        }
        (RateBasis::Reference { series, margin }, RateMode::FloatingByHalfYear) => {
            Ok(RatePlan::Floating { series, margin })
        }
    }
}

/// One run of days at one principal and one rate, before conversion to [`Segment`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Accrual {
    from: NaiveDate,
    to: NaiveDate,
    days: i64,
    principal: Decimal,
    rate: Decimal,
    reference: Option<Decimal>,
    /// principal x rate x days: exact, so sums of numerators never lose a digit.
    numerator: Decimal,
    /// The segment's interest before rounding (gov.uk style: rounded daily x days).
    exact: Decimal,
}

/// Interest segments on `principal` from `from` to `to` inclusive, split at half-years
/// when the rate floats. Nothing when the principal is zero or the range empty.
fn accrue(
    principal: Decimal,
    from: NaiveDate,
    to: NaiveDate,
    plan: &RatePlan,
    table: &RateTable,
    govuk: bool,
    places: u32,
) -> Result<Vec<Accrual>, InterestError> {
    let mut out = Vec::new();
    if principal <= Decimal::ZERO || to < from {
        return Ok(out);
    }
    let mut seg_from = from;
    loop {
        let seg_to = plan.segment_end(seg_from, to);
        let (rate, reference) = plan.rate_on(seg_from, table)?;
        let days = (seg_to - seg_from).num_days() + 1;
        let numerator = mul(mul(principal, rate)?, Decimal::from(days))?;
        let exact = if govuk {
            mul(daily_amount(principal, rate, places)?, Decimal::from(days))?
        } else {
            div_day_count(numerator)?
        };
        out.push(Accrual {
            from: seg_from,
            to: seg_to,
            days,
            principal,
            rate,
            reference,
            numerator,
            exact,
        });
        if seg_to >= to {
            return Ok(out);
        }
        seg_from = add_days(seg_to, 1)?;
    }
}

/// The exact interest of a group of segments: numerators summed, divided once.
fn group_exact(group: &[Accrual], govuk: bool) -> Result<Decimal, InterestError> {
    if govuk {
        group
            .iter()
            .try_fold(Decimal::ZERO, |acc, a| add(acc, a.exact))
    } else {
        let numerator = group
            .iter()
            .try_fold(Decimal::ZERO, |acc, a| add(acc, a.numerator))?;
        div_day_count(numerator)
    }
}

/// One day's interest rounded half-up to the minor unit (the gov.uk method's daily figure).
fn daily_amount(principal: Decimal, rate: Decimal, places: u32) -> Result<Decimal, InterestError> {
    Ok(round_half_up(div_day_count(mul(principal, rate)?)?, places))
}

#[allow(clippy::too_many_arguments)] // each is one fact the sentence states
fn basis_text(
    req: &InterestRequest,
    rules: &JurisdictionRules,
    terms: &ContractTerms,
    start: NaiveDate,
    late: bool,
    accruals: &[Accrual],
    plan: Option<&RatePlan>,
    interest_to: NaiveDate,
) -> Result<String, InterestError> {
    let (Some(plan), true) = (plan, late) else {
        let why = if req.until < start && terms.grace_days > 0 {
            format!(
                "{} is within the {} grace days after the due date {}",
                req.until, terms.grace_days, req.due
            )
        } else if req.until < start {
            format!("{} is not after the due date {}", req.until, req.due)
        } else {
            format!("the debt was paid by the due date {}", req.due)
        };
        return Ok(format!("No interest: {why}."));
    };
    let heading = match (req.jurisdiction, req.rate_override.is_some()) {
        (Jurisdiction::Contract, _) => {
            "Contractual interest under the customer's terms".to_string()
        }
        (_, true) => "Contractual interest agreed with the debtor".to_string(),
        (Jurisdiction::De, _) if req.consumer => {
            "Default interest (Verzugszinsen) under section 288(1) BGB".to_string()
        }
        (Jurisdiction::De, _) => {
            "Default interest (Verzugszinsen) under section 288(2) BGB".to_string()
        }
        (Jurisdiction::Fr, _) => {
            format!(
                "Late-payment penalties (pénalités de retard) under {}",
                Jurisdiction::Fr.law()
            )
        }
        (Jurisdiction::UsCa | Jurisdiction::UsNy, _) => {
            format!(
                "Interest at the statutory rate under {}",
                req.jurisdiction.law()
            )
        }
        (j, _) => format!("Statutory interest under {}", j.law()),
    };
    let rate = match plan {
        RatePlan::Fixed { description, .. } => description.clone(),
        RatePlan::Floating { series, margin } => {
            // List each half-year's rate once, in order, so a reader can check it.
            let mut halves: Vec<String> = Vec::new();
            for a in accruals {
                let text = format!(
                    "{} {}% + {} = {}%",
                    HalfYear::of(a.from),
                    rate_text(a.reference.unwrap_or_default()),
                    margin.normalize(),
                    rate_text(a.rate)
                );
                if !halves.contains(&text) {
                    halves.push(text);
                }
            }
            format!(
                "{} in force on 1 January (for January to June) or 1 July (for July to \
                 December) + {} points, each half-year's rate applying to the days in it ({})",
                series.label(),
                margin.normalize(),
                halves.join("; ")
            )
        }
    };
    let days = (interest_to - start).num_days() + 1;
    let mut text = format!(
        "{heading}: {rate}. Simple interest, actual days / 365 (also in leap years), from {start} \
         to {interest_to} inclusive ({days} days)."
    );
    if !req.payments.is_empty() {
        text.push_str(match rules.payment_order {
            PaymentOrder::CostsInterestPrincipal => {
                " Part payments are applied to costs, then interest, then principal (section 367 \
                 BGB); interest is rounded to the cent at each payment. Interest on the principal \
                 paid runs through the day of payment."
            }
            PaymentOrder::PrincipalFirst => {
                " Part payments reduce the principal from the day after they are received \
                 (interest on the amount paid runs through the day of payment)."
            }
        });
    }
    if req.govuk_rounding {
        text.push_str(
            " The daily interest is rounded to the penny before multiplying by the days \
             (gov.uk method).",
        );
    } else if rules.payment_order == PaymentOrder::PrincipalFirst || req.payments.is_empty() {
        // Under BGB 367 with payments the rounding happens per payment, said above.
        text.push_str(" Rounded half-up once, on the total.");
    }
    Ok(text)
}

/// A rate for reading: at least two decimals (`11.75`, `8.00`), more only when it has them.
fn rate_text(rate: Decimal) -> String {
    if rate.normalize().scale() <= 2 {
        decimal_string(rate, 2)
    } else {
        rate.normalize().to_string()
    }
}

fn money_text(amount: Decimal, currency: Currency) -> String {
    format!(
        "{} {}",
        decimal_string(amount, currency.minor_units()),
        currency
    )
}

fn add_days(date: NaiveDate, days: u64) -> Result<NaiveDate, InterestError> {
    date.checked_add_days(Days::new(days))
        .ok_or(InterestError::DateOutOfRange(date))
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, InterestError> {
    a.checked_add(b)
        .ok_or_else(|| MoneyError::Overflow(a.to_string()).into())
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, InterestError> {
    a.checked_mul(b)
        .ok_or_else(|| MoneyError::Overflow(a.to_string()).into())
}

fn div_day_count(numerator: Decimal) -> Result<Decimal, InterestError> {
    numerator
        .checked_div(Decimal::from(DAY_COUNT_DIVISOR))
        .ok_or_else(|| MoneyError::Overflow(numerator.to_string()).into())
}

#[cfg(test)]
pub(super) mod internals {
    //! Test access to the segment walk, for the splitting property.
    use super::*;

    /// Segments for a fixed `rate` (or the jurisdiction's floating rate) from `from` to `to`.
    pub fn numerators(
        principal: Decimal,
        from: NaiveDate,
        to: NaiveDate,
        floating: Option<(RateSeries, Decimal)>,
        fixed_rate: Decimal,
        table: &RateTable,
        govuk: bool,
    ) -> (Decimal, Decimal) {
        let plan = match floating {
            Some((series, margin)) => RatePlan::Floating { series, margin },
            None => RatePlan::Fixed {
                rate: fixed_rate,
                reference: None,
                description: String::new(),
            },
        };
        let group =
            accrue(principal, from, to, &plan, table, govuk, 2).expect("rates cover the range");
        let numerator = group.iter().map(|a| a.numerator).sum();
        (numerator, group_exact(&group, govuk).expect("no overflow"))
    }
}
