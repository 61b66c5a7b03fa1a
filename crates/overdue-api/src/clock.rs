//! The only place the application reads the wall clock.

use chrono::{DateTime, NaiveDate, Utc};

/// Source of "now" and "today".
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// Today's date, the default as-of date for reports and runs.
    fn today(&self) -> NaiveDate;
}

/// The system clock. `OVERDUE_TODAY=YYYY-MM-DD` pins "today" (demos, screenshots and
/// end-to-end tests that must not depend on the day they run).
#[derive(Debug, Clone, Default)]
pub struct SystemClock {
    today_override: Option<NaiveDate>,
}

impl SystemClock {
    /// The system clock, honouring `OVERDUE_TODAY` when it holds a valid date.
    pub fn from_env() -> Self {
        let today_override = std::env::var("OVERDUE_TODAY")
            .ok()
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
        SystemClock { today_override }
    }
}

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned clock read
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn today(&self) -> NaiveDate {
        self.today_override
            .unwrap_or_else(|| self.now().date_naive())
    }
}

/// A clock stopped at one instant (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
    fn today(&self) -> NaiveDate {
        self.0.date_naive()
    }
}
