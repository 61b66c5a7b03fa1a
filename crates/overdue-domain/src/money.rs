//! Exact money: a decimal amount that always carries its ISO 4217 currency.
//!
//! Arithmetic is checked: adding euros to pounds is a [`MoneyError::CurrencyMismatch`],
//! not a number. Splitting ([`Money::split`], [`Money::allocate`]) always preserves the
//! total to the minor unit; the remainder goes to the last part unless asked otherwise.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Why a money value or operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} and {right}: amounts are in different currencies")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The currency code is not a known ISO 4217 code.
    #[error("unknown currency \"{0}\": use a three-letter ISO 4217 code such as EUR, GBP or USD")]
    UnknownCurrency(String),
    /// The text is not a decimal amount.
    #[error(
        "\"{0}\" is not an amount: write it like 1234.50 (digits, an optional dot and decimals)"
    )]
    InvalidAmount(String),
    /// The amount has more decimals than the currency's minor unit.
    #[error("{amount} has more decimals than {currency} allows ({places})")]
    TooManyDecimals {
        /// The amount as written.
        amount: String,
        /// Its currency.
        currency: Currency,
        /// Decimal places the currency allows.
        places: u32,
    },
    /// The amount does not fit the storage range (minor units in an i64).
    #[error("{0} is too large an amount")]
    Overflow(String),
    /// Allocation weights were empty or summed to zero.
    #[error("cannot split an amount by no parts or by weights that add up to zero")]
    NoParts,
}

/// (code, minor-unit digits). ISO 4217 active codes used by businesses; JPY/KRW/HUF-style
/// zero-decimal currencies and the three-decimal dinars are included.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("ZAR", 2),
];

/// An ISO 4217 currency, validated against the table Overdue knows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u32,
}

impl Currency {
    /// Looks up a currency by its three-letter code (case-insensitive).
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, minor)| {
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    minor_units: *minor,
                }
            })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.trim().to_string()))
    }

    /// The three-letter code, e.g. `"EUR"`.
    pub fn code(&self) -> &str {
        // The table holds ASCII codes only.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// Every currency Overdue knows, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .filter_map(|(c, _)| Currency::from_code(c).ok())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

/// Rounds half away from zero (`ROUND_HALF_UP` in the trade's sense) to `places`.
pub fn round_half_up(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// An exact amount of one currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount as given (not rounded); see [`Money::rounded`].
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero of a currency.
    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses a decimal amount such as `"1234.50"` or `"-12"` in `currency`.
    ///
    /// Refuses thousands separators, exponents, and more decimals than the currency has,
    /// so that a typo never silently becomes a different amount.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let t = text.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        let well_formed = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.chars().filter(|c| *c == '.').count() <= 1
            && !digits.starts_with('.')
            && !digits.ends_with('.');
        if !well_formed {
            return Err(MoneyError::InvalidAmount(text.to_string()));
        }
        let amount = Decimal::from_str(t).map_err(|_| MoneyError::Overflow(text.to_string()))?;
        if amount.scale() > currency.minor_units {
            return Err(MoneyError::TooManyDecimals {
                amount: t.to_string(),
                currency,
                places: currency.minor_units,
            });
        }
        let m = Money { amount, currency };
        m.to_minor_units()?; // must fit storage
        Ok(m)
    }

    /// From integer minor units (cents), the storage form.
    pub fn from_minor_units(units: i64, currency: Currency) -> Self {
        Money {
            amount: Decimal::new(units, currency.minor_units),
            currency,
        }
    }

    /// To integer minor units, rounding half-up first.
    pub fn to_minor_units(&self) -> Result<i64, MoneyError> {
        let r = self.rounded().amount;
        let overflow = || MoneyError::Overflow(self.amount.to_string());
        let scaled = r
            .checked_mul(Decimal::from(10i64.pow(self.currency.minor_units)))
            .ok_or_else(overflow)?;
        i64::try_from(scaled.trunc()).map_err(|_| overflow())
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Rounded half-up to the currency's minor unit.
    pub fn rounded(&self) -> Money {
        Money {
            amount: round_half_up(self.amount, self.currency.minor_units),
            ..*self
        }
    }

    /// True when the amount is exactly zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`; an error when the currencies differ.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or_else(|| MoneyError::Overflow(self.amount.to_string()))?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// `self - other`; an error when the currencies differ.
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or_else(|| MoneyError::Overflow(self.amount.to_string()))?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// Multiplies by an exact factor (a rate, a quantity); not rounded.
    pub fn times(&self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(factor)
            .ok_or_else(|| MoneyError::Overflow(self.amount.to_string()))?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// Sums amounts of one currency; `None` currency means an empty list sums to zero of it.
    pub fn sum<'a>(
        currency: Currency,
        items: impl IntoIterator<Item = &'a Money>,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m))
    }

    /// Splits into `n` parts of `total / n` rounded down to the minor unit; the remainder
    /// goes to the last part (or the first, when `remainder_first`). Parts sum to the
    /// rounded total exactly.
    pub fn split(&self, n: usize, remainder_first: bool) -> Result<Vec<Money>, MoneyError> {
        self.allocate(&vec![Decimal::ONE; n], remainder_first)
    }

    /// Splits in proportion to `weights`; each part is rounded toward zero to the minor unit
    /// and the remainder goes to the last (or first) part, so the parts sum to the rounded
    /// total exactly.
    pub fn allocate(
        &self,
        weights: &[Decimal],
        remainder_first: bool,
    ) -> Result<Vec<Money>, MoneyError> {
        let weight_sum: Decimal = weights.iter().copied().sum();
        if weights.is_empty() || weight_sum.is_zero() {
            return Err(MoneyError::NoParts);
        }
        let total = self.rounded();
        let places = self.currency.minor_units;
        let mut parts: Vec<Money> = weights
            .iter()
            .map(|w| {
                let share = total.amount * *w / weight_sum;
                Money {
                    amount: share.round_dp_with_strategy(places, RoundingStrategy::ToZero),
                    currency: self.currency,
                }
            })
            .collect();
        let allocated: Decimal = parts.iter().map(|p| p.amount).sum();
        let idx = if remainder_first { 0 } else { parts.len() - 1 };
        parts[idx].amount += total.amount - allocated;
        Ok(parts)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Plain display: `1234.50 EUR`, with the currency's decimals. Locale-aware formatting
/// belongs to the UI (`Intl.NumberFormat`), not here.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.rounded();
        write!(
            f,
            "{:.*} {}",
            self.currency.minor_units as usize, r.amount, self.currency
        )
    }
}

/// Formats a decimal with exactly `places` decimals (for JSON and CSV: `"1234.50"`).
pub fn decimal_string(value: Decimal, places: u32) -> String {
    format!("{:.*}", places as usize, round_half_up(value, places))
}

/// An amount as a person types it, in the canonical form [`Money::parse`] reads
/// (`1234.50`): with or without thousands separators, with a decimal dot or a decimal
/// comma, as the window shows amounts in any locale ("5,000.00", "5.000,00", "5 000,00",
/// "5'000.00", "1234,5"). Only what has one reading is accepted: groups of three digits
/// after a first group of one to three, and the last `.` or `,` the decimal mark when the
/// other one groups. A single comma followed by exactly three digits ("1,234") could be
/// 1234 or 1.234 and is refused with the two ways to write it. Anything else is returned
/// as it is, for [`Money::parse`] to refuse.
pub fn typed_amount(text: &str) -> Result<String, String> {
    let t = text.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", t),
    };
    let spaces = |c: char| matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\'');
    let allowed = |c: char| c.is_ascii_digit() || c == '.' || c == ',' || spaces(c);
    if body.is_empty() || !body.chars().all(allowed) {
        return Ok(t.to_string());
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let has_space = body.chars().any(spaces);
    if commas == 0 && !has_space && dots <= 1 {
        return Ok(t.to_string()); // canonical already (or wrong in a way parse names)
    }
    // Which mark is the decimal one, if any.
    let last_dot = body.rfind('.');
    let last_comma = body.rfind(',');
    let decimal: Option<char> = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) => (dots == 1).then_some('.'),
        (None, Some(c)) => {
            let after = body.len() - c - 1;
            if commas > 1 {
                None
            } else if after == 3 && !has_space {
                return Err(format!(
                    "\"{t}\" could be {0}{1} or {0}{2}: write it as {0}{1} or {0}{2}",
                    sign,
                    body.replace(',', ""),
                    body.replace(',', ".")
                ));
            } else {
                Some(',')
            }
        }
        (None, None) => None,
    };
    let (int_part, frac_part) = match decimal {
        Some(mark) => {
            let at = body.rfind(mark).unwrap_or(body.len());
            (&body[..at], Some(&body[at + 1..]))
        }
        None => (body, None),
    };
    let bad = || format!("\"{t}\" is not an amount: write it like 1234.50 or 1,234.50");
    if let Some(f) = frac_part {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
    }
    // The integer part: plain digits, or groups of three after a first of one to three,
    // all split by one kind of separator (the mark that is not the decimal one, or spaces).
    let group_marks: Vec<char> = int_part.chars().filter(|c| !c.is_ascii_digit()).collect();
    let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return Err(bad());
    }
    if !group_marks.is_empty() {
        let first = group_marks[0];
        let same_kind = group_marks
            .iter()
            .all(|c| *c == first || (spaces(*c) && spaces(first)));
        let groups: Vec<&str> = int_part.split(|c: char| !c.is_ascii_digit()).collect();
        let well_grouped = same_kind
            && Some(first) != decimal
            && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !well_grouped {
            return Err(bad());
        }
    }
    Ok(match frac_part {
        Some(f) => format!("{sign}{digits}.{f}"),
        None => format!("{sign}{digits}"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_typed_as_the_window_shows_them_are_read_once() {
        use super::typed_amount;
        for (typed, canonical) in [
            ("1234.50", "1234.50"),
            ("5,000.00", "5000.00"),
            ("5.000,00", "5000.00"),
            ("5 000,00", "5000.00"),
            ("5\u{202F}000,00", "5000.00"),
            ("5\u{00A0}000.00", "5000.00"),
            ("5'000.00", "5000.00"),
            ("1,234,567.89", "1234567.89"),
            ("1.234.567", "1234567"),
            ("1234,5", "1234.5"),
            ("5,00", "5.00"),
            ("-1,250.00", "-1250.00"),
            ("12", "12"),
        ] {
            assert_eq!(typed_amount(typed).as_deref(), Ok(canonical), "{typed}");
        }
        let e = typed_amount("1,234").unwrap_err();
        assert!(e.contains("1234 or 1.234"), "{e}");
        for bad in [
            "1,23,456.00",
            "12,34.5",
            "5.000.00,1,2",
            "1 2345",
            ",5",
            "5,",
            "1.234,5.6",
        ] {
            assert!(typed_amount(bad).is_err(), "{bad} must be refused");
        }
        // Not amount-like at all: left for Money::parse to refuse.
        assert_eq!(typed_amount("ten").as_deref(), Ok("ten"));
    }

    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    #[test]
    fn adding_different_currencies_is_an_error_not_a_sum() {
        let a = Money::new(dec!(10), eur());
        let b = Money::new(dec!(10), Currency::from_code("GBP").unwrap());
        assert!(
            matches!(a.checked_add(&b), Err(MoneyError::CurrencyMismatch { .. })),
            "EUR + GBP must never produce a number"
        );
    }

    #[test]
    fn parse_rejects_garbage_with_a_clear_error() {
        for bad in [
            "", "abc", "1,234.50", "1e5", "12.", ".5", "--1", "1.2.3", "€5",
        ] {
            let err = Money::parse(bad, eur()).unwrap_err();
            assert!(
                matches!(err, MoneyError::InvalidAmount(_)),
                "{bad:?} gave {err:?}"
            );
            assert!(
                err.to_string().contains("is not an amount"),
                "message names the problem"
            );
        }
        let err = Money::parse("1.005", eur()).unwrap_err();
        assert!(err.to_string().contains("more decimals than EUR"), "{err}");
        assert!(matches!(
            Money::parse("99999999999999999999999", eur()),
            Err(MoneyError::Overflow(_))
        ));
        // Regression: a 29-digit amount overflowed Decimal inside to_minor_units and panicked.
        assert!(matches!(
            Money::parse("79228162514264337593543950335", eur()),
            Err(MoneyError::Overflow(_))
        ));
    }

    #[test]
    fn unknown_currency_is_named() {
        let err = Currency::from_code("XYZ").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown currency \"XYZ\": use a three-letter ISO 4217 code such as EUR, GBP or USD"
        );
    }

    #[test]
    fn split_puts_remainder_on_last_by_default() {
        let parts = Money::new(dec!(1000.00), eur()).split(3, false).unwrap();
        let amounts: Vec<_> = parts.iter().map(|p| p.amount()).collect();
        assert_eq!(amounts, vec![dec!(333.33), dec!(333.33), dec!(333.34)]);
        let first = Money::new(dec!(1000.00), eur()).split(3, true).unwrap();
        assert_eq!(first[0].amount(), dec!(333.34));
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(round_half_up(dec!(0.125), 2), dec!(0.13));
        assert_eq!(round_half_up(dec!(-0.125), 2), dec!(-0.13));
        assert_eq!(Money::new(dec!(11.645), eur()).to_string(), "11.65 EUR");
        let jpy = Currency::from_code("jpy").unwrap();
        assert_eq!(Money::new(dec!(1234.5), jpy).to_string(), "1235 JPY");
    }

    #[test]
    fn minor_units_round_trip() {
        let m = Money::parse("-1234.56", eur()).unwrap();
        assert_eq!(m.to_minor_units().unwrap(), -123456);
        assert_eq!(Money::from_minor_units(-123456, eur()), m);
    }

    proptest! {
        #[test]
        fn allocate_preserves_the_total(
            cents in -10_000_000_000i64..10_000_000_000i64,
            weights in proptest::collection::vec(1u32..1000, 1..20),
            first in any::<bool>(),
        ) {
            let total = Money::from_minor_units(cents, eur());
            let w: Vec<Decimal> = weights.iter().map(|x| Decimal::from(*x)).collect();
            let parts = total.allocate(&w, first).unwrap();
            let sum = Money::sum(eur(), &parts).unwrap();
            prop_assert_eq!(sum, total, "parts of an allocation must add up to the total exactly");
            for p in &parts {
                prop_assert!(p.amount().scale() <= 2, "every part is whole cents");
            }
        }

        #[test]
        fn parse_round_trips_minor_units(cents in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let m = Money::from_minor_units(cents, eur());
            let text = decimal_string(m.amount(), 2);
            prop_assert_eq!(Money::parse(&text, eur()).unwrap().to_minor_units().unwrap(), cents);
        }

        #[test]
        fn add_then_sub_is_identity(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let x = Money::from_minor_units(a, eur());
            let y = Money::from_minor_units(b, eur());
            prop_assert_eq!(x.checked_add(&y).unwrap().checked_sub(&y).unwrap(), x);
        }
    }
}
