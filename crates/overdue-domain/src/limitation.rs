//! Limitation periods: the last day a claim for an unpaid invoice can still be issued.
//!
//! The rules are data ([`RULES`]): how many years, from which day, whether a part payment
//! starts the period again, and whether a period ending on a day the courts are closed
//! runs on to the next working day. [`limitation`] applies one rule to one invoice and
//! says in words which parts of the rule applied, so a reader can check the date.
//!
//! Choices made where the law leaves room (each errs towards the earlier date, so that a
//! warning comes too early rather than too late):
//! - Only part payments restart a period (BGB 212(1) no. 1, Limitation Act 1980 s.29(5),
//!   Code civil 2240); a reversed payment does not. A written acknowledgment also restarts
//!   it, but Overdue does not know which promises were signed.
//! - A restart never shortens a period: the later of the two dates is the one shown.
//! - Holidays are the national ones (England and Wales bank holidays, German federal
//!   holidays); a regional holiday at the court may add a day that is not shown.
//! - France: no weekend extension (prescription is not a procedural time limit); a
//!   consumer's two years run from the invoice date, not the due date.
//! - Ireland, Northern Ireland and Scotland: no move off a weekend (none is settled in
//!   statute for limitation).
//! - United States: weekends only, no court holidays.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A body of limitation law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Law {
    /// England and Wales: Limitation Act 1980.
    #[serde(rename = "england-wales")]
    EnglandWales,
    /// Scotland: Prescription and Limitation (Scotland) Act 1973.
    #[serde(rename = "scotland")]
    Scotland,
    /// Northern Ireland: Limitation (Northern Ireland) Order 1989.
    #[serde(rename = "northern-ireland")]
    NorthernIreland,
    /// Ireland: Statute of Limitations 1957.
    #[serde(rename = "ie")]
    Ireland,
    /// Germany: BGB 195, 199, 212, 193.
    #[serde(rename = "de")]
    Germany,
    /// France: Code de commerce L110-4, Code de la consommation L218-2, Code civil 2224.
    #[serde(rename = "fr")]
    France,
    /// California: Code of Civil Procedure 337.
    #[serde(rename = "us-ca")]
    California,
    /// New York: CPLR 213.
    #[serde(rename = "us-ny")]
    NewYork,
}

impl Law {
    /// The code used in the CLI's JSON and the UI (`england-wales`, `de`, `us-ca`).
    pub fn code(self) -> &'static str {
        match self {
            Law::EnglandWales => "england-wales",
            Law::Scotland => "scotland",
            Law::NorthernIreland => "northern-ireland",
            Law::Ireland => "ie",
            Law::Germany => "de",
            Law::France => "fr",
            Law::California => "us-ca",
            Law::NewYork => "us-ny",
        }
    }

    /// Parses [`Law::code`].
    pub fn parse(code: &str) -> Option<Law> {
        RULES
            .iter()
            .map(|r| r.law)
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The rule for this law.
    pub fn rule(self) -> &'static Rule {
        RULES.iter().find(|r| r.law == self).unwrap_or(&RULES[0])
    }
}

/// The law a debtor's invoices fall under, from its country (ISO 3166 alpha-2) and, where
/// the country alone does not say (the United Kingdom's three jurisdictions, the US
/// states), the jurisdiction its late-fee policy names (`scotland`, `northern-ireland`,
/// `us-ca`, `us-ny`). `None`: no rule is known.
pub fn law_for(country: &str, policy_jurisdiction: Option<&str>) -> Option<Law> {
    let named = policy_jurisdiction.and_then(Law::parse);
    match country.trim().to_ascii_uppercase().as_str() {
        "GB" | "UK" => Some(match named {
            Some(l @ (Law::Scotland | Law::NorthernIreland)) => l,
            _ => Law::EnglandWales,
        }),
        "IE" => Some(Law::Ireland),
        "DE" => Some(Law::Germany),
        "FR" => Some(Law::France),
        "US" => named.filter(|l| matches!(l, Law::California | Law::NewYork)),
        _ => None,
    }
}

/// Where a period starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The cause of action accrues the day after the due date; the period ends on the
    /// same date that many years later.
    DayAfterDue,
    /// The obligation became enforceable on the due date; the period ends on the same
    /// date that many years later.
    DueDate,
    /// At the end of the year the claim fell due (BGB 199(1)): ends on 31 December.
    YearEnd,
}

/// Days a period may not end on: it runs on to the next day that is none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedDays {
    /// The period ends when it ends, whatever the day.
    None,
    /// Saturdays and Sundays.
    Weekends,
    /// Weekends and bank holidays in England and Wales.
    EnglandWales,
    /// Weekends and German federal public holidays.
    Germany,
}

/// One limitation rule, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The law.
    pub law: Law,
    /// Years a claim can be issued in.
    pub years: u32,
    /// Years against a consumer when different.
    pub consumer_years: Option<u32>,
    /// Where the period starts.
    pub start: Start,
    /// A consumer's period runs from the invoice date (France, L218-2).
    pub consumer_from_invoice_date: bool,
    /// A part payment starts the period again from the day of payment.
    pub part_payment_restarts: bool,
    /// Days a period may not end on.
    pub closed: ClosedDays,
    /// The law in words.
    pub source: &'static str,
    /// Why a period is moved off a closed day, in words.
    pub closed_rule: &'static str,
    /// Why a part payment restarts it.
    pub restart_rule: &'static str,
}

/// Every rule Overdue knows.
pub const RULES: &[Rule] = &[
    Rule {
        law: Law::EnglandWales,
        years: 6,
        consumer_years: None,
        start: Start::DayAfterDue,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::EnglandWales,
        source: "Limitation Act 1980 s.5: 6 years from the day after the due date",
        closed_rule: "the court office is closed that day (Pritam Kaur v S Russell & Sons [1973])",
        restart_rule: "Limitation Act 1980 s.29(5)",
    },
    Rule {
        law: Law::Scotland,
        years: 5,
        consumer_years: None,
        start: Start::DueDate,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::None,
        source: "Prescription and Limitation (Scotland) Act 1973 s.6: 5 years from the due date",
        closed_rule: "",
        restart_rule: "Prescription and Limitation (Scotland) Act 1973 s.10 (relevant acknowledgment)",
    },
    Rule {
        law: Law::NorthernIreland,
        years: 6,
        consumer_years: None,
        start: Start::DayAfterDue,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::None,
        source: "Limitation (Northern Ireland) Order 1989 art. 4: 6 years from the day after the due date",
        closed_rule: "",
        restart_rule: "Limitation (Northern Ireland) Order 1989 art. 54",
    },
    Rule {
        law: Law::Ireland,
        years: 6,
        consumer_years: None,
        start: Start::DayAfterDue,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::None,
        source: "Statute of Limitations 1957 s.11: 6 years from the day after the due date",
        closed_rule: "",
        restart_rule: "Statute of Limitations 1957 s.65",
    },
    Rule {
        law: Law::Germany,
        years: 3,
        consumer_years: None,
        start: Start::YearEnd,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::Germany,
        source: "BGB 195, 199(1): 3 years from the end of the year the claim fell due",
        closed_rule: "BGB 193: a period ending on a Saturday, Sunday or public holiday ends on the next working day",
        restart_rule: "BGB 212(1) no. 1",
    },
    Rule {
        law: Law::France,
        years: 5,
        consumer_years: Some(2),
        start: Start::DueDate,
        consumer_from_invoice_date: true,
        part_payment_restarts: true,
        closed: ClosedDays::None,
        source: "Code de commerce L110-4 and Code civil 2224: 5 years from the due date between businesses",
        closed_rule: "",
        restart_rule: "Code civil 2240",
    },
    Rule {
        law: Law::California,
        years: 4,
        consumer_years: None,
        start: Start::DayAfterDue,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::Weekends,
        source: "California Code of Civil Procedure 337: 4 years from the breach, the day after the due date",
        closed_rule: "Code of Civil Procedure 12a: a period ending on a weekend runs to the next court day",
        restart_rule: "Code of Civil Procedure 360",
    },
    Rule {
        law: Law::NewYork,
        years: 6,
        consumer_years: None,
        start: Start::DayAfterDue,
        consumer_from_invoice_date: false,
        part_payment_restarts: true,
        closed: ClosedDays::Weekends,
        source: "CPLR 213(2): 6 years from the breach, the day after the due date",
        closed_rule: "General Construction Law 25-a: a period ending on a weekend runs to the next business day",
        restart_rule: "General Obligations Law 17-101 and part payment",
    },
];

/// The shortest period of any rule, in years (France against a consumer: 2, from the
/// invoice date). No claim can become time-barred sooner after its invoice date, so a
/// search for claims expiring by a day need not read invoices issued later than that
/// day less this many years.
pub fn shortest_years() -> u32 {
    RULES
        .iter()
        .map(|r| r.consumer_years.unwrap_or(r.years).min(r.years))
        .min()
        .unwrap_or(0)
}

/// The latest invoice date a claim expiring on or before `by` can have (see
/// [`shortest_years`]).
pub fn issued_by_for_expiry(by: NaiveDate) -> NaiveDate {
    by.checked_sub_months(Months::new(shortest_years() * 12))
        .unwrap_or(NaiveDate::MIN)
}

/// What the rule needs to know of one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The invoice date.
    pub issue_date: NaiveDate,
    /// The due date.
    pub due_date: NaiveDate,
    /// The debtor is a consumer (a private person).
    pub consumer: bool,
    /// Days part payments were received (not reversed), any order.
    pub part_payments: Vec<NaiveDate>,
}

/// The answer for one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limitation {
    /// The law applied.
    pub law: Law,
    /// The last day a claim can still be issued.
    pub expires_on: NaiveDate,
    /// The rule in words: the period, its start, a restart and a weekend or holiday move.
    pub rule: String,
    /// The part payment that started the period again, if one did.
    pub restarted_on: Option<NaiveDate>,
}

impl Limitation {
    /// Days from `as_of` to the last day (0: today is the last day; negative: time-barred).
    pub fn days_left(&self, as_of: NaiveDate) -> i64 {
        (self.expires_on - as_of).num_days()
    }
}

fn plus_years(date: NaiveDate, years: u32) -> NaiveDate {
    // 29 February plus a year count that lands on a common year becomes 28 February.
    date.checked_add_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MAX)
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Applies `law`'s rule to one invoice.
pub fn limitation(law: Law, claim: &Claim) -> Limitation {
    let rule = law.rule();
    let years = if claim.consumer {
        rule.consumer_years.unwrap_or(rule.years)
    } else {
        rule.years
    };
    let mut words = Vec::new();
    let (mut end, start_words) = if claim.consumer && rule.consumer_from_invoice_date {
        (
            plus_years(claim.issue_date, years),
            format!(
                "Code de la consommation L218-2: {years} years against a consumer from the invoice date {}",
                long_date(claim.issue_date)
            ),
        )
    } else {
        match rule.start {
            Start::DayAfterDue => {
                let accrued = claim.due_date.succ_opt().unwrap_or(claim.due_date);
                (
                    plus_years(accrued, years),
                    format!("{}, {}", rule.source, long_date(accrued)),
                )
            }
            Start::DueDate => (
                plus_years(claim.due_date, years),
                format!("{}, {}", rule.source, long_date(claim.due_date)),
            ),
            Start::YearEnd => {
                let year = claim.due_date.year() + years as i32;
                (
                    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
                    format!("{}, {}", rule.source, claim.due_date.year()),
                )
            }
        }
    };
    words.push(start_words);
    let mut restarted_on = None;
    if rule.part_payment_restarts {
        if let Some(last) = claim.part_payments.iter().max().copied() {
            let again = plus_years(last, years);
            if again > end {
                end = again;
                restarted_on = Some(last);
                words.push(format!(
                    "started again by the part payment of {} ({})",
                    long_date(last),
                    rule.restart_rule
                ));
            }
        }
    }
    let unmoved = end;
    while closed(rule.closed, end) {
        match end.succ_opt() {
            Some(next) => end = next,
            None => break,
        }
    }
    if end != unmoved {
        words.push(format!(
            "moved from {} {} to {}: {}",
            weekday_name(unmoved.weekday()),
            long_date(unmoved),
            long_date(end),
            rule.closed_rule
        ));
    }
    Limitation {
        law,
        expires_on: end,
        rule: words.join("; "),
        restarted_on,
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn closed(days: ClosedDays, d: NaiveDate) -> bool {
    match days {
        ClosedDays::None => false,
        ClosedDays::Weekends => weekend(d),
        ClosedDays::EnglandWales => weekend(d) || england_wales_bank_holiday(d),
        ClosedDays::Germany => weekend(d) || german_public_holiday(d),
    }
}

/// Easter Sunday (Gregorian calendar; the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

fn offset(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(d)
}

fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1)
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
}

/// Bank holidays in England and Wales: the regular ones (with substitute days) and the
/// one-off changes since 2011 (royal occasions, moved May holidays).
pub fn england_wales_bank_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let ymd = |m, day| NaiveDate::from_ymd_opt(y, m, day);
    // One-off changes: (moved away from, added).
    const MOVED: &[(i32, u32, u32)] = &[(2012, 5, 28), (2020, 5, 4), (2022, 5, 30)];
    const ADDED: &[(i32, u32, u32)] = &[
        (2011, 4, 29),
        (2012, 6, 4),
        (2012, 6, 5),
        (2020, 5, 8),
        (2022, 6, 2),
        (2022, 6, 3),
        (2022, 9, 19),
        (2023, 5, 8),
    ];
    if ADDED
        .iter()
        .any(|(a, b, c)| ymd(*b, *c) == Some(d) && *a == y)
    {
        return true;
    }
    if MOVED
        .iter()
        .any(|(a, b, c)| ymd(*b, *c) == Some(d) && *a == y)
    {
        return false;
    }
    let e = easter(y);
    let mut days = vec![offset(e, -2), offset(e, 1)];
    days.extend(first_monday(y, 5));
    days.extend(last_monday(y, 5));
    days.extend(last_monday(y, 8));
    // New Year's Day, or the Monday after when it falls on a weekend.
    if let Some(ny) = ymd(1, 1) {
        days.push(match ny.weekday() {
            Weekday::Sat => offset(ny, 2),
            Weekday::Sun => offset(ny, 1),
            _ => ny,
        });
    }
    // Christmas and Boxing Day, with substitute days when either falls on a weekend.
    if let Some(xmas) = ymd(12, 25) {
        let (a, b) = match xmas.weekday() {
            Weekday::Fri => (xmas, offset(xmas, 3)),
            Weekday::Sat => (offset(xmas, 2), offset(xmas, 3)),
            Weekday::Sun => (offset(xmas, 1), offset(xmas, 2)),
            _ => (xmas, offset(xmas, 1)),
        };
        days.push(a);
        days.push(b);
    }
    days.contains(&d)
}

/// German public holidays observed in every state (Reformation Day 2017 included).
pub fn german_public_holiday(d: NaiveDate) -> bool {
    let y = d.year();
    let e = easter(y);
    let fixed = [(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)];
    fixed
        .iter()
        .any(|(m, day)| NaiveDate::from_ymd_opt(y, *m, *day) == Some(d))
        || [offset(e, -2), offset(e, 1), offset(e, 39), offset(e, 50)].contains(&d)
        || (y == 2017 && d == NaiveDate::from_ymd_opt(2017, 10, 31).unwrap_or(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn claim(due: &str) -> Claim {
        Claim {
            issue_date: d(due) - Days::new(30),
            due_date: d(due),
            consumer: false,
            part_payments: vec![],
        }
    }

    #[test]
    fn easter_sundays() {
        for (y, e) in [
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter(y), d(e), "{y}");
        }
    }

    #[test]
    fn germany_three_years_from_the_end_of_the_year() {
        // Due in January or in December of 2023: both end on 31 December 2026 (a Thursday).
        for due in ["2023-01-15", "2023-12-31"] {
            let l = limitation(Law::Germany, &claim(due));
            assert_eq!(l.expires_on, d("2026-12-31"), "{due}");
            assert!(l.rule.contains("BGB 195"), "{}", l.rule);
            assert!(!l.rule.contains("193"), "{}", l.rule);
        }
        // Due on 1 January 2024: one more year.
        assert_eq!(
            limitation(Law::Germany, &claim("2024-01-01")).expires_on,
            d("2027-12-31")
        );
    }

    #[test]
    fn germany_year_end_on_a_weekend_runs_past_new_year() {
        // 31 December 2028 is a Sunday; 1 January 2029 is a holiday: Tuesday 2 January.
        let l = limitation(Law::Germany, &claim("2025-06-30"));
        assert_eq!(l.expires_on, d("2029-01-02"));
        assert!(l.rule.contains("BGB 193"), "{}", l.rule);
        assert!(l.rule.contains("Sunday 31 December 2028"), "{}", l.rule);
    }

    #[test]
    fn germany_part_payment_restarts_from_the_day_of_payment() {
        let mut c = claim("2023-03-31");
        c.part_payments = vec![d("2025-03-14"), d("2024-02-01")];
        let l = limitation(Law::Germany, &c);
        // 3 years from 14 March 2025: 14 March 2028, a Tuesday.
        assert_eq!(l.expires_on, d("2028-03-14"));
        assert_eq!(l.restarted_on, Some(d("2025-03-14")));
        assert!(l.rule.contains("BGB 212"), "{}", l.rule);
        // A payment in the year it fell due never shortens the period.
        let mut early = claim("2023-03-31");
        early.part_payments = vec![d("2023-05-02")];
        let l = limitation(Law::Germany, &early);
        assert_eq!(l.expires_on, d("2026-12-31"));
        assert_eq!(l.restarted_on, None);
    }

    #[test]
    fn england_six_years_from_the_day_after_the_due_date() {
        // Due Friday 31 January 2020: accrued 1 February 2020; 1 February 2026 is a Sunday.
        let l = limitation(Law::EnglandWales, &claim("2020-01-31"));
        assert_eq!(l.expires_on, d("2026-02-02"));
        assert!(l.rule.contains("Pritam Kaur"), "{}", l.rule);
        // A weekday end stays.
        assert_eq!(
            limitation(Law::EnglandWales, &claim("2020-12-09")).expires_on,
            d("2026-12-10")
        );
        // Christmas 2026 is a Friday, Boxing Day a Saturday: the 28th is the substitute.
        assert_eq!(
            limitation(Law::EnglandWales, &claim("2020-12-24")).expires_on,
            d("2026-12-29")
        );
        // Good Friday 2026 (3 April) and Easter Monday (6 April).
        assert_eq!(
            limitation(Law::EnglandWales, &claim("2020-04-02")).expires_on,
            d("2026-04-07")
        );
    }

    #[test]
    fn england_part_payment_accrues_afresh() {
        let mut c = claim("2019-06-30");
        c.part_payments = vec![d("2022-03-01")];
        let l = limitation(Law::EnglandWales, &c);
        assert_eq!(l.expires_on, d("2028-03-01"));
        assert!(l.rule.contains("s.29(5)"), "{}", l.rule);
    }

    #[test]
    fn france_five_years_between_businesses_two_against_consumers() {
        let l = limitation(Law::France, &claim("2021-03-15"));
        // Sunday 15 March 2026: no weekend extension for prescription.
        assert_eq!(l.expires_on, d("2026-03-15"));
        let mut c = claim("2025-03-15");
        c.consumer = true;
        c.issue_date = d("2025-02-13");
        let l = limitation(Law::France, &c);
        assert_eq!(l.expires_on, d("2027-02-13"));
        assert!(l.rule.contains("L218-2"), "{}", l.rule);
    }

    #[test]
    fn leap_day_and_us_states() {
        // Accrued 29 February 2024: four years later is 29 February 2028 (a Tuesday).
        assert_eq!(
            limitation(Law::California, &claim("2024-02-28")).expires_on,
            d("2028-02-29")
        );
        // New York, six years: 28 February 2030 is a Thursday.
        assert_eq!(
            limitation(Law::NewYork, &claim("2024-02-28")).expires_on,
            d("2030-02-28")
        );
    }

    #[test]
    fn the_law_follows_the_country_and_the_policy() {
        assert_eq!(law_for("gb", None), Some(Law::EnglandWales));
        assert_eq!(law_for("GB", Some("scotland")), Some(Law::Scotland));
        assert_eq!(law_for("GB", Some("de")), Some(Law::EnglandWales));
        assert_eq!(law_for("DE", Some("contract")), Some(Law::Germany));
        assert_eq!(law_for("US", None), None);
        assert_eq!(law_for("US", Some("us-ny")), Some(Law::NewYork));
        assert_eq!(law_for("IT", None), None);
        for r in RULES {
            assert_eq!(Law::parse(r.law.code()), Some(r.law));
            assert_eq!(r.law.rule().law, r.law);
        }
    }

    #[test]
    fn no_claim_expires_sooner_after_its_invoice_than_the_shortest_rule() {
        assert_eq!(shortest_years(), 2);
        // The earliest possible expiry of every rule, for an invoice issued and due on
        // the same day: never before the cut-off the search uses.
        let issued = d("2024-06-30");
        for r in RULES {
            for consumer in [false, true] {
                let l = limitation(
                    r.law,
                    &Claim {
                        issue_date: issued,
                        due_date: issued,
                        consumer,
                        part_payments: vec![],
                    },
                );
                assert!(issued <= issued_by_for_expiry(l.expires_on), "{:?}", r.law);
            }
        }
    }

    #[test]
    fn days_left_counts_to_the_last_day() {
        let l = limitation(Law::Germany, &claim("2023-05-01"));
        assert_eq!(l.days_left(d("2026-12-06")), 25);
        assert_eq!(l.days_left(d("2026-12-31")), 0);
        assert_eq!(l.days_left(d("2027-01-01")), -1);
    }
}
