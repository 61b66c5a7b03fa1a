//! Receivables KPIs for a period: how long customers take to pay, and how well the
//! business collects.
//!
//! Every figure is computed exactly (in [`Decimal`]) from the period's totals and rounded
//! `ROUND_HALF_UP` to 2 decimals once, at the end; a figure derived from others (ADD) is
//! derived from their unrounded values. A figure whose denominator is zero (no credit
//! sales, nothing to collect) is `None`, not an error and not a division by zero: the
//! other figures of the period still mean something.
//!
//! ## Glossary
//! - **Receivables (AR)**: what customers owe; *current* AR is the part not yet due.
//! - **Credit sales**: sales invoiced on payment terms during the period.
//! - **DSO** (days sales outstanding): ending receivables / credit sales x days in period.
//! - **Countback DSO**: how many days of the most recent sales the ending receivables
//!   represent, counted back month by month; unlike DSO it is not skewed by a seasonal peak
//!   early in the period.
//! - **Best possible DSO**: the DSO if every customer paid exactly on time (current
//!   receivables only).
//! - **ADD** (average days delinquent): DSO - best possible DSO, the days lost to late payers.
//! - **CEI** (collection effectiveness index): the percentage of what could be collected in
//!   the period that was collected.
//! - **Collection rate**: cash collected / (beginning receivables + credit sales), percent.
//! - **Bad-debt ratio**: write-offs / credit sales, percent.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{round_half_up, Currency};

/// Why the metrics could not be computed from the figures given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// The period has no days.
    #[error("a period must be at least one day long (got {0} days)")]
    NoDays(i64),
    /// The period has no months, so CEI's "credit sales per month" is undefined.
    #[error("a period must cover at least one month (the month count was 0)")]
    NoMonths,
    /// A sales, cash or write-off figure is below zero.
    #[error("{field} cannot be negative (got {value})")]
    Negative {
        /// Which figure.
        field: &'static str,
        /// Its value.
        value: Decimal,
    },
    /// A month of sales does not start on the 1st.
    #[error("monthly sales must start on the first day of a month ({0} does not)")]
    NotMonthStart(NaiveDate),
    /// A month of sales claims more days than the month has, or none.
    #[error("the month starting {month} has {max} days, so {days} days of sales is not possible")]
    MonthDays {
        /// The month's first day.
        month: NaiveDate,
        /// The days given.
        days: i64,
        /// The days the month has.
        max: i64,
    },
    /// Months of sales are out of order or have a gap.
    #[error(
        "monthly sales must be consecutive months in order, oldest first: \
         the month starting {next} does not follow the one starting {previous}"
    )]
    MonthsNotConsecutive {
        /// The earlier entry.
        previous: NaiveDate,
        /// The entry that should have been the month after it.
        next: NaiveDate,
    },
    /// An intermediate result left Decimal's range (about 7.9 x 10^28).
    #[error("the figures are too large to compute metrics from")]
    TooLarge,
}

/// Credit sales of one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSales {
    /// The 1st of the month.
    pub month_start: NaiveDate,
    /// Days of the month inside the period (the whole month unless the period cuts it).
    pub days: i64,
    /// Credit sales in those days.
    pub sales: Decimal,
}

/// The period's totals the metrics are computed from; amounts are in `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsInput {
    /// The currency of every amount (metrics are never computed across currencies).
    pub currency: Currency,
    /// D: days in the period.
    pub days_in_period: i64,
    /// Receivables at the start of the period.
    pub begin_ar: Decimal,
    /// Receivables at the end of the period.
    pub end_ar: Decimal,
    /// The part of `end_ar` not yet due at the end of the period.
    pub end_current_ar: Decimal,
    /// Credit sales during the period.
    pub credit_sales: Decimal,
    /// Credit sales month by month, oldest first, consecutive; the last is the period's
    /// last month. Used by the countback DSO only.
    pub monthly_sales: Vec<MonthSales>,
    /// N: months in the period (CEI spreads credit sales over them).
    pub months: u32,
    /// Cash received from customers during the period.
    pub cash_collected: Decimal,
    /// Receivables written off during the period.
    pub write_offs: Decimal,
}

/// Receivables KPIs, each rounded half-up to 2 decimals; `None` where the figure's
/// denominator is zero (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Days sales outstanding: `end_ar / credit_sales x D`. `None` without credit sales.
    pub dso: Option<Decimal>,
    /// Countback DSO in days. `None` when receivables are negative or no monthly sales
    /// were given while receivables are positive. When receivables exceed every listed
    /// month's sales it is the days of all listed months (a floor: the true figure is
    /// higher but the data to count further back is not there).
    pub dso_countback: Option<Decimal>,
    /// Best possible DSO: `end_current_ar / credit_sales x D`. `None` without credit sales.
    pub best_possible_dso: Option<Decimal>,
    /// Average days delinquent: DSO - best possible DSO. `None` without credit sales.
    pub add: Option<Decimal>,
    /// Collection effectiveness index, percent. `None` when its denominator is zero.
    pub cei: Option<Decimal>,
    /// Cash collected / (begin AR + credit sales), percent. `None` when that sum is zero.
    pub collection_rate: Option<Decimal>,
    /// Write-offs / credit sales, percent. `None` without credit sales.
    pub bad_debt_ratio: Option<Decimal>,
}

/// Computes the period's receivables KPIs.
///
/// Errors: a period without days or months; negative credit sales, monthly sales, cash
/// collected or write-offs; monthly sales that do not start on the 1st, claim more days
/// than their month has, or are not consecutive months oldest first; figures so large an
/// intermediate result overflows. Receivables themselves may be negative (customers in
/// credit overall); the figures then come out negative too, except the countback DSO.
pub fn compute(input: &MetricsInput) -> Result<Metrics, MetricsError> {
    validate(input)?;
    let days = Decimal::from(input.days_in_period);
    let hundred = Decimal::ONE_HUNDRED;

    // Multiplying before dividing keeps the single division's rounding as the only one.
    let dso = ratio(mul(input.end_ar, days)?, input.credit_sales)?;
    let best = ratio(mul(input.end_current_ar, days)?, input.credit_sales)?;
    let add = match (dso, best) {
        (Some(d), Some(b)) => Some(d.checked_sub(b).ok_or(MetricsError::TooLarge)?),
        _ => None,
    };

    // CEI with both sides multiplied by N, so that credit_sales / N (e.g. / 3) is never
    // rounded on its own: (begin*N + sales - end*N) / (begin*N + sales - current*N).
    let n = Decimal::from(input.months);
    let base = add_dec(mul(input.begin_ar, n)?, input.credit_sales)?;
    let cei_num = sub(base, mul(input.end_ar, n)?)?;
    let cei_den = sub(base, mul(input.end_current_ar, n)?)?;
    let cei = ratio(mul(cei_num, hundred)?, cei_den)?;

    let collectable = add_dec(input.begin_ar, input.credit_sales)?;
    let collection_rate = ratio(mul(input.cash_collected, hundred)?, collectable)?;
    let bad_debt_ratio = ratio(mul(input.write_offs, hundred)?, input.credit_sales)?;

    Ok(Metrics {
        dso: dso.map(two_places),
        dso_countback: countback(input.end_ar, &input.monthly_sales)?.map(two_places),
        best_possible_dso: best.map(two_places),
        add: add.map(two_places),
        cei: cei.map(two_places),
        collection_rate: collection_rate.map(two_places),
        bad_debt_ratio: bad_debt_ratio.map(two_places),
    })
}

fn validate(input: &MetricsInput) -> Result<(), MetricsError> {
    if input.days_in_period <= 0 {
        return Err(MetricsError::NoDays(input.days_in_period));
    }
    if input.months == 0 {
        return Err(MetricsError::NoMonths);
    }
    for (field, value) in [
        ("credit sales", input.credit_sales),
        ("cash collected", input.cash_collected),
        ("write-offs", input.write_offs),
    ] {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MetricsError::Negative { field, value });
        }
    }
    let mut previous: Option<NaiveDate> = None;
    for m in &input.monthly_sales {
        if m.month_start.day() != 1 {
            return Err(MetricsError::NotMonthStart(m.month_start));
        }
        let max = days_in_month(m.month_start)?;
        if m.days < 1 || m.days > max {
            return Err(MetricsError::MonthDays {
                month: m.month_start,
                days: m.days,
                max,
            });
        }
        // A negative month would make receivables grow while counting back.
        if m.sales.is_sign_negative() && !m.sales.is_zero() {
            return Err(MetricsError::Negative {
                field: "monthly sales",
                value: m.sales,
            });
        }
        if let Some(prev) = previous {
            if prev.checked_add_months(Months::new(1)) != Some(m.month_start) {
                return Err(MetricsError::MonthsNotConsecutive {
                    previous: prev,
                    next: m.month_start,
                });
            }
        }
        previous = Some(m.month_start);
    }
    Ok(())
}

/// Countback DSO, unrounded: from the last month backwards, a month whose sales the
/// remaining receivables cover counts in full; the first month they do not cover counts in
/// proportion (remaining / its sales x its days) and ends the walk.
fn countback(end_ar: Decimal, months: &[MonthSales]) -> Result<Option<Decimal>, MetricsError> {
    if end_ar.is_zero() {
        return Ok(Some(Decimal::ZERO));
    }
    if end_ar.is_sign_negative() || months.is_empty() {
        return Ok(None);
    }
    let mut remaining = end_ar;
    let mut days = Decimal::ZERO;
    for m in months.iter().rev() {
        if remaining.is_zero() {
            break;
        }
        let month_days = Decimal::from(m.days);
        if remaining >= m.sales {
            // A month with no sales is covered by any balance: its days count in full.
            remaining = sub(remaining, m.sales)?;
            days = add_dec(days, month_days)?;
        } else {
            // remaining < sales here, so sales > 0.
            let part = mul(remaining, month_days)?
                .checked_div(m.sales)
                .ok_or(MetricsError::TooLarge)?;
            days = add_dec(days, part)?;
            remaining = Decimal::ZERO;
        }
    }
    // Anything still remaining is older than the listed months: the result is their days.
    Ok(Some(days))
}

fn days_in_month(first: NaiveDate) -> Result<i64, MetricsError> {
    let next = first
        .checked_add_months(Months::new(1))
        .ok_or(MetricsError::TooLarge)?;
    Ok((next - first).num_days())
}

/// `num / den`, or `None` when `den` is zero.
fn ratio(num: Decimal, den: Decimal) -> Result<Option<Decimal>, MetricsError> {
    if den.is_zero() {
        return Ok(None);
    }
    num.checked_div(den).map(Some).ok_or(MetricsError::TooLarge)
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, MetricsError> {
    a.checked_mul(b).ok_or(MetricsError::TooLarge)
}

fn add_dec(a: Decimal, b: Decimal) -> Result<Decimal, MetricsError> {
    a.checked_add(b).ok_or(MetricsError::TooLarge)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal, MetricsError> {
    a.checked_sub(b).ok_or(MetricsError::TooLarge)
}

/// Rounds half-up to 2 decimals and always shows both, so 55 serializes as `"55.00"`.
fn two_places(value: Decimal) -> Decimal {
    let mut r = round_half_up(value, 2);
    r.rescale(2);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn month(start: &str, days: i64, sales: Decimal) -> MonthSales {
        MonthSales {
            month_start: d(start),
            days,
            sales,
        }
    }

    /// The quarter of the MET-* vectors: Jan-Mar 2026, 90 days, sales 180000.
    fn quarter() -> MetricsInput {
        MetricsInput {
            currency: Currency::from_code("EUR").unwrap(),
            days_in_period: 90,
            begin_ar: dec!(100000),
            end_ar: dec!(110000),
            end_current_ar: dec!(65000),
            credit_sales: dec!(180000),
            monthly_sales: vec![
                month("2026-01-01", 31, dec!(60000)),
                month("2026-02-01", 28, dec!(50000)),
                month("2026-03-01", 31, dec!(70000)),
            ],
            months: 3,
            cash_collected: dec!(170000),
            write_offs: dec!(3600),
        }
    }

    fn text(value: Option<Decimal>) -> String {
        value
            .map(|v| v.to_string())
            .unwrap_or_else(|| "none".to_string())
    }

    #[test]
    fn met_dso() {
        assert_eq!(text(compute(&quarter()).unwrap().dso), "55.00", "MET-DSO");
    }

    #[test]
    fn met_best_possible_dso() {
        assert_eq!(
            text(compute(&quarter()).unwrap().best_possible_dso),
            "32.50",
            "MET-BPDSO"
        );
    }

    #[test]
    fn met_add_is_dso_minus_best_possible() {
        assert_eq!(text(compute(&quarter()).unwrap().add), "22.50", "MET-ADD");
    }

    #[test]
    fn met_dso_countback() {
        // 110000 - 70000 (Mar, 31 d) = 40000 < Feb's 50000: 31 + 40000/50000 x 28 = 53.40.
        assert_eq!(
            text(compute(&quarter()).unwrap().dso_countback),
            "53.40",
            "MET-DSO-CB"
        );
    }

    #[test]
    fn met_cei_one_month() {
        let input = MetricsInput {
            days_in_period: 31,
            begin_ar: dec!(105000),
            end_ar: dec!(110000),
            end_current_ar: dec!(65000),
            credit_sales: dec!(70000),
            monthly_sales: vec![month("2026-03-01", 31, dec!(70000))],
            months: 1,
            ..quarter()
        };
        // (105000 + 70000 - 110000) / (105000 + 70000 - 65000) = 65000 / 110000 = 59.0909..
        assert_eq!(text(compute(&input).unwrap().cei), "59.09", "MET-CEI1");
    }

    #[test]
    fn issue_example_shape() {
        let m = compute(&quarter()).unwrap();
        let shape = [
            ("dso", text(m.dso)),
            ("dso_countback", text(m.dso_countback)),
            ("best_possible_dso", text(m.best_possible_dso)),
            ("add", text(m.add)),
        ];
        assert_eq!(
            shape.map(|(k, v)| format!("{k}={v}")),
            [
                "dso=55.00",
                "dso_countback=53.40",
                "best_possible_dso=32.50",
                "add=22.50"
            ],
            "whole numbers still carry two decimals, as the API shows them"
        );
    }

    #[test]
    fn quarter_cei_collection_and_bad_debt() {
        let m = compute(&quarter()).unwrap();
        // N=3: (100000 + 60000 - 110000) / (100000 + 60000 - 65000) = 50000/95000 = 52.63..
        assert_eq!(text(m.cei), "52.63");
        // 170000 / 280000 = 60.714..%
        assert_eq!(text(m.collection_rate), "60.71");
        // 3600 / 180000 = 2%
        assert_eq!(text(m.bad_debt_ratio), "2.00");
    }

    #[test]
    fn cei_spreads_credit_sales_over_n_months() {
        // (0 + 100000/3 - 10000) / (0 + 100000/3 - 0) = 70% exactly, though 100000/3 has
        // no finite decimal form.
        let input = MetricsInput {
            begin_ar: dec!(0),
            end_ar: dec!(10000),
            end_current_ar: dec!(0),
            credit_sales: dec!(100000),
            ..quarter()
        };
        assert_eq!(text(compute(&input).unwrap().cei), "70.00");
    }

    #[test]
    fn add_is_rounded_from_unrounded_dso_and_best() {
        // DSO = 10.005 and best = 0.004: rounded first they give 10.01 - 0.00 = 10.01, but
        // the exact difference 10.001 rounds to 10.00.
        let input = MetricsInput {
            days_in_period: 1,
            credit_sales: dec!(1000),
            end_ar: dec!(10005),
            end_current_ar: dec!(4),
            ..quarter()
        };
        let m = compute(&input).unwrap();
        assert_eq!(text(m.dso), "10.01");
        assert_eq!(text(m.best_possible_dso), "0.00");
        assert_eq!(
            text(m.add),
            "10.00",
            "ADD comes from the exact figures, rounded once"
        );
    }

    #[test]
    fn no_credit_sales_gives_none_not_a_division_by_zero() {
        let input = MetricsInput {
            credit_sales: dec!(0),
            ..quarter()
        };
        let m = compute(&input).unwrap();
        assert_eq!(
            (m.dso, m.best_possible_dso, m.add, m.bad_debt_ratio),
            (None, None, None, None)
        );
        assert_eq!(
            text(m.dso_countback),
            "53.40",
            "countback uses the monthly figures"
        );
        assert!(m.cei.is_some() && m.collection_rate.is_some());

        let nothing = MetricsInput {
            begin_ar: dec!(0),
            end_ar: dec!(0),
            end_current_ar: dec!(0),
            credit_sales: dec!(0),
            cash_collected: dec!(0),
            monthly_sales: vec![],
            ..quarter()
        };
        let m = compute(&nothing).unwrap();
        assert_eq!(
            (m.cei, m.collection_rate),
            (None, None),
            "nothing to collect: no rate"
        );
        assert_eq!(
            text(m.dso_countback),
            "0.00",
            "no receivables are zero days of sales"
        );
    }

    #[test]
    fn countback_exhausting_all_months_counts_all_their_days() {
        let input = MetricsInput {
            end_ar: dec!(200000),
            ..quarter()
        };
        assert_eq!(
            text(compute(&input).unwrap().dso_countback),
            "90.00",
            "receivables beyond all listed sales count every listed day (a floor)"
        );
    }

    #[test]
    fn countback_edges() {
        let exact = MetricsInput {
            end_ar: dec!(70000),
            ..quarter()
        };
        assert_eq!(
            text(compute(&exact).unwrap().dso_countback),
            "31.00",
            "exactly one month"
        );
        let zero_month = MetricsInput {
            end_ar: dec!(25000),
            monthly_sales: vec![
                month("2026-01-01", 31, dec!(50000)),
                month("2026-02-01", 28, dec!(0)),
                month("2026-03-01", 31, dec!(0)),
            ],
            ..quarter()
        };
        // Feb and Mar had no sales: 59 days, then half of January: 59 + 15.5.
        assert_eq!(text(compute(&zero_month).unwrap().dso_countback), "74.50");
        let negative = MetricsInput {
            end_ar: dec!(-100),
            ..quarter()
        };
        let m = compute(&negative).unwrap();
        assert_eq!(
            m.dso_countback, None,
            "customers in credit have no countback DSO"
        );
        assert_eq!(text(m.dso), "-0.05");
        let no_months = MetricsInput {
            monthly_sales: vec![],
            ..quarter()
        };
        assert_eq!(compute(&no_months).unwrap().dso_countback, None);
        let partial_last = MetricsInput {
            end_ar: dec!(10000),
            monthly_sales: vec![month("2026-03-01", 15, dec!(30000))],
            ..quarter()
        };
        assert_eq!(text(compute(&partial_last).unwrap().dso_countback), "5.00");
    }

    #[test]
    fn rounding_is_half_up_once() {
        // 1 / 8 x 1 = 0.125 -> 0.13 (half-up, not banker's 0.12).
        let input = MetricsInput {
            days_in_period: 1,
            end_ar: dec!(1),
            credit_sales: dec!(8),
            ..quarter()
        };
        assert_eq!(text(compute(&input).unwrap().dso), "0.13");
    }

    #[test]
    fn bad_input_is_refused_in_plain_words() {
        let e = compute(&MetricsInput {
            days_in_period: 0,
            ..quarter()
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a period must be at least one day long (got 0 days)"
        );
        let e = compute(&MetricsInput {
            months: 0,
            ..quarter()
        })
        .unwrap_err();
        assert_eq!(e, MetricsError::NoMonths);
        let e = compute(&MetricsInput {
            write_offs: dec!(-1),
            ..quarter()
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "write-offs cannot be negative (got -1)");

        let mut bad = quarter();
        bad.monthly_sales[1].month_start = d("2026-02-02");
        assert_eq!(
            compute(&bad).unwrap_err(),
            MetricsError::NotMonthStart(d("2026-02-02"))
        );
        let mut bad = quarter();
        bad.monthly_sales[1].days = 29;
        assert_eq!(
            compute(&bad).unwrap_err().to_string(),
            "the month starting 2026-02-01 has 28 days, so 29 days of sales is not possible"
        );
        let mut bad = quarter();
        bad.monthly_sales.swap(0, 2);
        assert!(matches!(
            compute(&bad),
            Err(MetricsError::MonthsNotConsecutive { .. })
        ));
        let mut bad = quarter();
        bad.monthly_sales.remove(1);
        assert!(matches!(
            compute(&bad),
            Err(MetricsError::MonthsNotConsecutive { .. })
        ));
        let mut bad = quarter();
        bad.monthly_sales[0].sales = dec!(-5);
        assert!(matches!(
            compute(&bad),
            Err(MetricsError::Negative {
                field: "monthly sales",
                ..
            })
        ));
    }

    #[test]
    fn huge_figures_are_an_error_not_a_panic() {
        let input = MetricsInput {
            end_ar: Decimal::MAX,
            ..quarter()
        };
        assert_eq!(compute(&input).unwrap_err(), MetricsError::TooLarge);
    }

    proptest! {
        #[test]
        fn countback_never_exceeds_the_listed_days_and_results_have_two_decimals(
            end_ar in 0i64..1_000_000_000,
            sales in proptest::collection::vec(0i64..500_000_000, 1..13),
            credit in 1i64..1_000_000_000,
        ) {
            let start = d("2025-01-01");
            let monthly: Vec<MonthSales> = sales
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let first = start.checked_add_months(Months::new(i as u32)).unwrap();
                    MonthSales {
                        month_start: first,
                        days: days_in_month(first).unwrap(),
                        sales: Decimal::new(*s, 2),
                    }
                })
                .collect();
            let listed: i64 = monthly.iter().map(|m| m.days).sum();
            let input = MetricsInput {
                end_ar: Decimal::new(end_ar, 2),
                credit_sales: Decimal::new(credit, 2),
                months: monthly.len() as u32,
                days_in_period: listed,
                monthly_sales: monthly,
                ..quarter()
            };
            let m = compute(&input).unwrap();
            let cb = m.dso_countback.unwrap();
            prop_assert!(cb >= Decimal::ZERO && cb <= Decimal::from(listed));
            for v in [m.dso, m.dso_countback, m.best_possible_dso, m.add, m.cei].into_iter().flatten() {
                prop_assert_eq!(v.scale(), 2, "every figure is shown with two decimals");
            }
        }
    }
}
