//! What a collection agency's work costs (issue 20): its commission on each amount it
//! collects, in minor units of the case's currency.

use rust_decimal::{Decimal, RoundingStrategy};

/// An agency's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// Percent of each amount collected.
    pub percent: Decimal,
    /// Charged once per case, with its first collection.
    pub fee_per_case_minor: i64,
    /// The least a case costs once the agency has collected anything.
    pub min_commission_minor: i64,
}

/// The commission on a collection of `gross_minor`, when the case has cost
/// `so_far_minor` before it (0 for its first collection): the percentage (rounded half
/// away from zero to the minor unit), the fee per case with the first collection, then
/// topped up to the case's minimum; never more than what was collected.
pub fn commission(terms: &Terms, gross_minor: i64, so_far_minor: i64, first: bool) -> i64 {
    let share = (Decimal::from(gross_minor) * terms.percent / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let share = i64::try_from(share.mantissa()).unwrap_or(i64::MAX);
    let fee = if first { terms.fee_per_case_minor } else { 0 };
    let due = share.saturating_add(fee);
    let to_minimum = terms
        .min_commission_minor
        .saturating_sub(so_far_minor)
        .max(0);
    due.max(to_minimum).min(gross_minor).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const FIFTEEN: Terms = Terms {
        percent: dec!(15),
        fee_per_case_minor: 0,
        min_commission_minor: 0,
    };

    #[test]
    fn a_percentage_of_what_was_collected() {
        assert_eq!(commission(&FIFTEEN, 50_000, 0, true), 7_500);
        // 15% of 0.33 is 0.0495: rounded half away from zero to 0.05.
        assert_eq!(commission(&FIFTEEN, 33, 0, true), 5);
    }

    #[test]
    fn the_fee_per_case_comes_with_the_first_collection_only() {
        let t = Terms {
            fee_per_case_minor: 2_500,
            ..FIFTEEN
        };
        assert_eq!(commission(&t, 10_000, 0, true), 1_500 + 2_500);
        assert_eq!(commission(&t, 10_000, 4_000, false), 1_500);
    }

    #[test]
    fn the_minimum_tops_up_until_the_case_has_cost_it() {
        let t = Terms {
            min_commission_minor: 5_000,
            ..FIFTEEN
        };
        // 15% of 100.00 is 15.00; the case must cost 50.00.
        assert_eq!(commission(&t, 10_000, 0, true), 5_000);
        // Already at the minimum: the percentage alone.
        assert_eq!(commission(&t, 10_000, 5_000, false), 1_500);
        // Part of the way: topped up to it.
        assert_eq!(commission(&t, 10_000, 4_000, false), 1_500);
        assert_eq!(commission(&t, 20_000, 1_000, false), 4_000);
    }

    #[test]
    fn never_more_than_was_collected() {
        let t = Terms {
            min_commission_minor: 5_000,
            fee_per_case_minor: 9_000,
            ..FIFTEEN
        };
        assert_eq!(commission(&t, 3_000, 0, true), 3_000);
    }
}
