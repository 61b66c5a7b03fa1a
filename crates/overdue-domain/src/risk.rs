//! Credit alerts: what about a debtor needs the owner's attention today.
//!
//! Three alerts, from RULES.md (Credit policy and scoring) and the credit issue:
//! - **over limit**: open receivables above the credit limit;
//! - **past tolerance**: the oldest overdue invoice is more days past due than the policy
//!   tolerates (new orders are held);
//! - **score dropped a band**: the payment score fell from one [`PaymentBand`] to a worse one
//!   since the previous score.
//!
//! The alerts are facts with reasons in words; [`Risk::rank`] orders debtors for the
//! "risk" column (most alerts first, then the lowest score).

use serde::Serialize;

use crate::money::{Money, MoneyError};
use crate::scoring::PaymentBand;

/// What the assessment looks at, all as of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskInput {
    /// Today's score; `None` = unscored ("UN").
    pub score: Option<u8>,
    /// The score before it (the previous history entry); `None` when there was none.
    pub previous_score: Option<u8>,
    /// Open receivables in the limit's currency.
    pub open: Money,
    /// The credit limit; `None` = no limit set (never "over").
    pub limit: Option<Money>,
    /// Days past due of the oldest open overdue invoice (`None` or <= 0: nothing overdue).
    pub oldest_days_past_due: Option<i64>,
    /// Days past due the policy tolerates.
    pub tolerance_days: i64,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskFlag {
    /// Open receivables above the limit.
    OverLimit {
        /// By how much (positive).
        over_by: Money,
    },
    /// The oldest overdue invoice is past the tolerance.
    PastTolerance {
        /// Its days past due.
        days: i64,
        /// The policy's tolerance.
        tolerance: i64,
    },
    /// The score fell into a worse band.
    ScoreDropped {
        /// Previous score.
        from: u8,
        /// Score now.
        to: u8,
    },
}

/// The assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    /// Every alert that applies, in a fixed order (limit, tolerance, score).
    pub flags: Vec<RiskFlag>,
    /// One sentence per alert, in words the owner understands.
    pub reasons: Vec<String>,
    /// Sort key, higher = riskier: 1000 per alert, plus 100 - score (50 for unscored).
    pub rank: i64,
}

/// Assesses a debtor's alerts.
///
/// Errors only when the open amount and the limit are in different currencies.
pub fn assess(input: &RiskInput) -> Result<Risk, MoneyError> {
    let mut flags = Vec::new();
    let mut reasons = Vec::new();
    if let Some(limit) = &input.limit {
        let over_by = input.open.checked_sub(limit)?;
        if !over_by.is_negative() && !over_by.is_zero() {
            reasons.push(format!(
                "Owes {} against a credit limit of {}: over by {}.",
                input.open.rounded(),
                limit.rounded(),
                over_by.rounded()
            ));
            flags.push(RiskFlag::OverLimit {
                over_by: over_by.rounded(),
            });
        }
    }
    if let Some(days) = input
        .oldest_days_past_due
        .filter(|d| *d > input.tolerance_days.max(0))
    {
        reasons.push(format!(
            "The oldest unpaid invoice is {days} days past due; the policy tolerates {}.",
            input.tolerance_days
        ));
        flags.push(RiskFlag::PastTolerance {
            days,
            tolerance: input.tolerance_days,
        });
    }
    if let (Some(from), Some(to)) = (input.previous_score, input.score) {
        let (before, now) = (PaymentBand::of(from), PaymentBand::of(to));
        if band_order(now) > band_order(before) {
            reasons.push(format!(
                "The payment score fell from {from} ({}) to {to} ({}).",
                before.meaning(),
                now.meaning()
            ));
            flags.push(RiskFlag::ScoreDropped { from, to });
        }
    }
    let rank = 1000 * flags.len() as i64 + input.score.map_or(50, |s| 100 - i64::from(s));
    Ok(Risk {
        flags,
        reasons,
        rank,
    })
}

/// 0 = best band.
fn band_order(band: PaymentBand) -> u8 {
    match band {
        PaymentBand::Prompt => 0,
        PaymentBand::Slow => 1,
        PaymentBand::VerySlow => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn eur(s: &str) -> Money {
        Money::new(
            s.parse::<Decimal>().unwrap(),
            Currency::from_code("EUR").unwrap(),
        )
    }

    fn input() -> RiskInput {
        RiskInput {
            score: Some(85),
            previous_score: Some(86),
            open: eur("5000"),
            limit: Some(eur("10000")),
            oldest_days_past_due: Some(10),
            tolerance_days: 30,
        }
    }

    #[test]
    fn a_good_payer_within_limit_has_no_alerts() {
        let r = assess(&input()).unwrap();
        assert!(r.flags.is_empty());
        assert_eq!(r.rank, 15);
    }

    #[test]
    fn every_alert_with_its_reason() {
        let r = assess(&RiskInput {
            score: Some(45),
            previous_score: Some(82),
            open: eur("12500.50"),
            oldest_days_past_due: Some(47),
            ..input()
        })
        .unwrap();
        assert_eq!(
            r.flags,
            vec![
                RiskFlag::OverLimit {
                    over_by: eur("2500.50")
                },
                RiskFlag::PastTolerance {
                    days: 47,
                    tolerance: 30
                },
                RiskFlag::ScoreDropped { from: 82, to: 45 },
            ]
        );
        assert_eq!(r.reasons.len(), 3);
        assert!(
            r.reasons[0].contains("over by 2500.50 EUR"),
            "{}",
            r.reasons[0]
        );
        assert!(r.reasons[1].contains("47 days past due"));
        assert!(r.reasons[2].contains("from 82"));
        assert_eq!(r.rank, 3055);
    }

    #[test]
    fn exactly_at_the_limit_or_tolerance_is_not_an_alert() {
        let r = assess(&RiskInput {
            open: eur("10000"),
            oldest_days_past_due: Some(30),
            ..input()
        })
        .unwrap();
        assert!(r.flags.is_empty(), "{:?}", r.flags);
    }

    #[test]
    fn a_drop_within_a_band_or_a_rise_is_not_an_alert() {
        for (from, to) in [(79, 50), (45, 85), (100, 80)] {
            let r = assess(&RiskInput {
                previous_score: Some(from),
                score: Some(to),
                ..input()
            })
            .unwrap();
            assert!(r.flags.is_empty(), "{from} -> {to}");
        }
    }

    #[test]
    fn no_limit_never_over_and_unscored_ranks_in_the_middle() {
        let r = assess(&RiskInput {
            limit: None,
            score: None,
            previous_score: Some(90),
            open: eur("1000000"),
            ..input()
        })
        .unwrap();
        assert!(r.flags.is_empty());
        assert_eq!(r.rank, 50);
    }

    #[test]
    fn currencies_are_never_mixed() {
        let mut i = input();
        i.limit = Some(Money::new(
            Decimal::ONE,
            Currency::from_code("GBP").unwrap(),
        ));
        assert!(assess(&i).is_err());
    }

    proptest! {
        #[test]
        fn more_alerts_always_rank_higher(s1 in 1u8..=100, s2 in 1u8..=100, open in 0i64..20000) {
            let base = RiskInput { score: Some(s1), previous_score: None, ..input() };
            let worse = RiskInput {
                score: Some(s2),
                previous_score: None,
                open: eur(&open.to_string()),
                oldest_days_past_due: Some(31),
                ..input()
            };
            let (a, b) = (assess(&base).unwrap(), assess(&worse).unwrap());
            prop_assert!(b.flags.len() > a.flags.len());
            prop_assert!(b.rank > a.rank);
        }
    }
}
