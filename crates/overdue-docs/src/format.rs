//! How amounts and dates are written in letters (English, US English, German).

use chrono::{Datelike, NaiveDate};
use overdue_domain::money::decimal_string;
use overdue_domain::Money;

/// The language and conventions of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// British / international English: 22 November 2026, £1,234.56.
    En,
    /// US English: November 22, 2026, $1,234.56.
    Us,
    /// German: 22.11.2026, 1.234,56 €.
    De,
    /// French: 22 novembre 2026, 1 234,56 €.
    Fr,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

impl Lang {
    /// The conventions for a debtor's language code ("de", "fr", "en", ...; a language
    /// without its own conventions is written in English) and country (US English for
    /// an English-speaking debtor in the US).
    pub fn for_language(language: &str, country: &str) -> Lang {
        match crate::i18n::resolve(language) {
            "de" => Lang::De,
            "fr" => Lang::Fr,
            _ if country.trim().eq_ignore_ascii_case("US") => Lang::Us,
            _ => Lang::En,
        }
    }

    /// The catalog the texts come from.
    pub fn catalog(self) -> &'static str {
        match self {
            Lang::En | Lang::Us => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
        }
    }

    /// A text of this language's catalog with its `{placeholders}` filled.
    pub fn t(self, key: &str, values: &[(&str, &str)]) -> String {
        crate::i18n::t(self.catalog(), key, values)
    }

    /// Dates in a list: "3 November 2026 and 17 November 2026".
    pub fn dates(self, dates: &[NaiveDate]) -> String {
        let texts: Vec<String> = dates.iter().map(|d| self.date(*d)).collect();
        match texts.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [head @ .., last] => format!(
                "{} {} {last}",
                head.join(", "),
                crate::i18n::text(self.catalog(), "and")
            ),
        }
    }

    /// A date written out.
    pub fn date(self, d: NaiveDate) -> String {
        let month = MONTHS[d.month0() as usize];
        match self {
            Lang::En => format!("{} {} {}", d.day(), month, d.year()),
            Lang::Us => format!("{month} {}, {}", d.day(), d.year()),
            Lang::De => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
            // "1er décembre 2026", "2 décembre 2026".
            Lang::Fr if d.day() == 1 => format!("1er {} {}", MOIS[d.month0() as usize], d.year()),
            Lang::Fr => format!("{} {} {}", d.day(), MOIS[d.month0() as usize], d.year()),
        }
    }

    /// A short date for tables.
    pub fn short_date(self, d: NaiveDate) -> String {
        match self {
            Lang::En => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            Lang::Us => format!("{:02}/{:02}/{}", d.month(), d.day(), d.year()),
            Lang::De => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
            Lang::Fr => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        }
    }

    /// The decimal mark: "," in German and French, "." in English.
    pub fn decimal_mark(self) -> &'static str {
        match self {
            Lang::De | Lang::Fr => ",",
            Lang::En | Lang::Us => ".",
        }
    }

    /// A number with this language's grouping and decimal mark, no currency: "1.234,56".
    pub fn number(self, m: &Money) -> String {
        let places = m.currency().minor_units();
        let plain = decimal_string(m.amount().abs(), places);
        let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
        let (group, point) = match self {
            Lang::De => (".", ","),
            Lang::Fr => (" ", ","),
            Lang::En | Lang::Us => (",", "."),
        };
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(ch);
        }
        let sign = if m.is_negative() { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }

    /// An amount with its currency.
    pub fn money(self, m: &Money) -> String {
        let c = m.currency();
        let signed = self.number(m);
        let (sign, number) = match signed.strip_prefix('-') {
            Some(n) => ("-", n.to_string()),
            None => ("", signed.clone()),
        };
        let symbol = match c.code() {
            "EUR" => "€",
            "GBP" => "£",
            "USD" => "$",
            _ => "",
        };
        match (self, symbol) {
            (Lang::De | Lang::Fr, "") => format!("{sign}{number} {}", c.code()),
            (Lang::De | Lang::Fr, s) => format!("{sign}{number} {s}"),
            (_, "") => format!("{sign}{} {number}", c.code()),
            (_, s) => format!("{sign}{s}{number}"),
        }
    }
}

/// US federal holidays (observed) in a year: a validation period skips them.
fn us_federal_holidays(year: i32) -> Vec<NaiveDate> {
    use chrono::Weekday;
    let nth = |month: u32, weekday: Weekday, n: u8| {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
    };
    let last_monday_may = (1..=5)
        .rev()
        .find_map(|n| NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, n));
    let fixed = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(year, m, d).map(|date| match date.weekday() {
            Weekday::Sat => date.pred_opt().unwrap_or(date),
            Weekday::Sun => date.succ_opt().unwrap_or(date),
            _ => date,
        })
    };
    [
        fixed(1, 1),
        nth(1, Weekday::Mon, 3),
        nth(2, Weekday::Mon, 3),
        last_monday_may,
        fixed(6, 19),
        fixed(7, 4),
        nth(9, Weekday::Mon, 1),
        nth(10, Weekday::Mon, 2),
        fixed(11, 11),
        nth(11, Weekday::Thu, 4),
        fixed(12, 25),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Regulation F: the notice is assumed received 5 days (excluding weekends and federal
/// holidays) after it is sent; the validation period ends 30 days after that.
pub fn validation_period_end(sent: NaiveDate) -> NaiveDate {
    use chrono::Weekday;
    let mut d = sent;
    let mut counted = 0;
    while counted < 5 {
        d = d.succ_opt().unwrap_or(d);
        let holidays = us_federal_holidays(d.year());
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d) {
            counted += 1;
        }
    }
    d + chrono::Days::new(30)
}

#[cfg(test)]
mod tests {
    use super::*;
    use overdue_domain::Currency;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_are_grouped_per_language() {
        let eur = Currency::from_code("EUR").unwrap();
        let m = Money::new(dec!(1234567.5), eur);
        assert_eq!(Lang::En.money(&m), "€1,234,567.50");
        assert_eq!(Lang::De.money(&m), "1.234.567,50 €");
        assert_eq!(Lang::Fr.money(&m), "1 234 567,50 €");
        assert_eq!(Lang::De.number(&m), "1.234.567,50");
        let czk = Money::new(dec!(999), Currency::from_code("CZK").unwrap());
        assert_eq!(Lang::En.money(&czk), "CZK 999.00");
    }

    #[test]
    fn dates_are_written_per_language() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let second = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(Lang::Fr.date(first), "1er décembre 2026");
        assert_eq!(Lang::Fr.date(second), "2 décembre 2026");
        assert_eq!(Lang::En.date(first), "1 December 2026");
        assert_eq!(Lang::De.date(first), "01.12.2026");
        assert_eq!(Lang::Us.date(first), "December 1, 2026");
    }

    #[test]
    fn validation_period_skips_weekends_and_holidays() {
        // Sent Friday 20 Nov 2026: Mon 23, Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27,
        // Mon 30 Nov = receipt; +30 days = 30 Dec 2026.
        let sent = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            validation_period_end(sent),
            NaiveDate::from_ymd_opt(2026, 12, 30).unwrap()
        );
    }
}
