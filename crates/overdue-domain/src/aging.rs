//! Aging: which band of lateness an open item falls in, as of a date.
//!
//! By due date the bands are `current` (days past due <= 0), then the configured upper
//! bounds (`1-30`, `31-60`, `61-90`) and an open-ended last band (`90+`). By invoice date
//! the first band starts at 0 (`0-30`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an item's age is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingBasis {
    /// Days past the due date.
    Due,
    /// Days since the invoice date.
    Invoice,
}

/// Why a bucket configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgingError {
    /// Bounds must be positive and strictly increasing.
    #[error("aging buckets must be positive and increasing, e.g. 30,60,90 (got {0})")]
    BadBounds(String),
}

/// Configured aging bands: upper bounds in days, e.g. `[30, 60, 90]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingBuckets {
    bounds: Vec<i64>,
}

impl Default for AgingBuckets {
    fn default() -> Self {
        AgingBuckets {
            bounds: vec![30, 60, 90],
        }
    }
}

impl AgingBuckets {
    /// Bands with these upper bounds (strictly increasing, all > 0).
    pub fn new(bounds: Vec<i64>) -> Result<Self, AgingError> {
        let ok = !bounds.is_empty() && bounds[0] > 0 && bounds.windows(2).all(|w| w[0] < w[1]);
        if ok {
            Ok(AgingBuckets { bounds })
        } else {
            Err(AgingError::BadBounds(format!("{bounds:?}")))
        }
    }

    /// Parses `"30,60,90"`.
    pub fn parse(text: &str) -> Result<Self, AgingError> {
        let bounds: Result<Vec<i64>, _> =
            text.split(',').map(|p| p.trim().parse::<i64>()).collect();
        bounds
            .map_err(|_| AgingError::BadBounds(text.to_string()))
            .and_then(Self::new)
    }

    /// The labels, in order, for a basis: by due `current, 1-30, ..., 90+`; by invoice
    /// `0-30, 31-60, ..., 90+`.
    pub fn labels(&self, basis: AgingBasis) -> Vec<String> {
        let mut out = Vec::with_capacity(self.bounds.len() + 1);
        if basis == AgingBasis::Due {
            out.push("current".to_string());
        }
        let mut lower = if basis == AgingBasis::Due { 1 } else { 0 };
        for b in &self.bounds {
            out.push(format!("{lower}-{b}"));
            lower = b + 1;
        }
        out.push(format!("{}+", self.bounds[self.bounds.len() - 1]));
        out
    }

    /// Index into [`AgingBuckets::labels`] for an age in days under `basis`.
    pub fn index(&self, basis: AgingBasis, days: i64) -> usize {
        let offset = match basis {
            AgingBasis::Due if days <= 0 => return 0,
            AgingBasis::Due => 1,
            AgingBasis::Invoice => 0,
        };
        offset
            + self
                .bounds
                .iter()
                .position(|b| days <= *b)
                .unwrap_or(self.bounds.len())
    }
}

/// Days past due as of a date (negative before the due date).
pub fn days_past_due(due: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - due).num_days()
}

/// The item's age for a basis.
pub fn age_days(
    basis: AgingBasis,
    invoice_date: NaiveDate,
    due: NaiveDate,
    as_of: NaiveDate,
) -> i64 {
    match basis {
        AgingBasis::Due => days_past_due(due, as_of),
        AgingBasis::Invoice => (as_of - invoice_date).num_days(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// AGE-A1..A7 from vectors.txt: (invoice date, due, dpd, bucket by due, age, bucket by invoice).
    #[test]
    fn age_vectors() {
        let b = AgingBuckets::default();
        let as_of = d("2026-03-31");
        let cases = [
            ("2026-03-20", "2026-04-19", -19, "current", 11, "0-30"),
            ("2026-02-14", "2026-03-16", 15, "1-30", 45, "31-60"),
            ("2026-01-05", "2026-02-04", 55, "31-60", 85, "61-90"),
            ("2025-12-01", "2025-12-31", 90, "61-90", 120, "90+"),
            ("2025-11-15", "2025-12-15", 106, "90+", 136, "90+"),
            ("2026-03-01", "2026-03-31", 0, "current", 30, "0-30"),
            ("2025-12-31", "2026-01-30", 60, "31-60", 90, "61-90"),
        ];
        for (inv, due, dpd, by_due, age, by_inv) in cases {
            let (inv, due) = (d(inv), d(due));
            assert_eq!(days_past_due(due, as_of), dpd);
            let due_labels = b.labels(AgingBasis::Due);
            assert_eq!(
                due_labels[b.index(AgingBasis::Due, dpd)],
                by_due,
                "due {due}"
            );
            assert_eq!(age_days(AgingBasis::Invoice, inv, due, as_of), age);
            let inv_labels = b.labels(AgingBasis::Invoice);
            assert_eq!(
                inv_labels[b.index(AgingBasis::Invoice, age)],
                by_inv,
                "invoice {inv}"
            );
        }
    }

    #[test]
    fn custom_buckets() {
        let b = AgingBuckets::parse("15,30").unwrap();
        assert_eq!(
            b.labels(AgingBasis::Due),
            vec!["current", "1-15", "16-30", "30+"]
        );
        assert_eq!(b.index(AgingBasis::Due, 16), 2);
        assert!(
            AgingBuckets::parse("30,30").is_err(),
            "bounds must increase"
        );
        assert!(AgingBuckets::parse("x").is_err());
    }
}
