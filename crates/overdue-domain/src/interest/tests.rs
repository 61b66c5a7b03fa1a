//! Every RATE-, COMP- and INT- vector of `shared/domain/vectors.txt`, the CLI example, cases
//! built from RULES.md, and properties of the engine.

use super::calc::internals;
use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::str::FromStr;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec_s(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn cur(code: &str) -> Currency {
    Currency::from_code(code).unwrap()
}

fn money(amount: &str, code: &str) -> Money {
    Money::parse(amount, cur(code)).unwrap()
}

fn table() -> RateTable {
    RateTable::builtin()
}

fn run(req: &InterestRequest) -> InterestResult {
    calculate(req, &table()).unwrap_or_else(|e| panic!("{req:?} failed: {e}"))
}

fn request(j: Jurisdiction, amount: &str, code: &str, due: &str, until: &str) -> InterestRequest {
    InterestRequest::new(j, money(amount, code), d(due), d(until))
}

// ---------------------------------------------------------------------------------------
// RATE-UK: interest_start -> reference_date, boe_base, statutory_rate
// ---------------------------------------------------------------------------------------

const RATE_UK: &[(&str, &str, &str, &str)] = &[
    ("2023-03-01", "2022-12-31", "3.50", "11.50"),
    ("2023-08-01", "2023-06-30", "5.00", "13.00"),
    ("2024-02-01", "2023-12-31", "5.25", "13.25"),
    ("2024-09-01", "2024-06-30", "5.25", "13.25"),
    ("2025-03-01", "2024-12-31", "4.75", "12.75"),
    ("2025-09-01", "2025-06-30", "4.25", "12.25"),
    ("2026-03-01", "2025-12-31", "3.75", "11.75"),
];

#[test]
fn rate_uk_vectors() {
    for (start, reference, base, rate) in RATE_UK {
        let got = statutory_rate(Jurisdiction::Uk, false, d(start), &table()).unwrap();
        assert_eq!(
            got,
            (dec_s(rate), d(reference), dec_s(base)),
            "RATE-UK {start}: the UK rate is BoE base on the 31 Dec / 30 Jun reference date + 8; \
             a wrong reference date claims the wrong rate for the whole life of the debt"
        );
        let via_ref = uk_reference_date(d(start)).unwrap();
        assert_eq!(
            via_ref,
            d(reference),
            "RATE-UK {start}: reference date rule"
        );
    }
}

#[test]
fn uk_reference_date_switches_on_1_july() {
    assert_eq!(
        uk_reference_date(d("2025-06-30")),
        Some(d("2024-12-31")),
        "INT-UK6a: interest starting 30 June still uses the previous 31 December"
    );
    assert_eq!(
        uk_reference_date(d("2025-07-01")),
        Some(d("2025-06-30")),
        "interest starting 1 July uses 30 June of the same year"
    );
}

// ---------------------------------------------------------------------------------------
// RATE-EU: half -> ecb, directive (+8), FR (+10), Basiszins, DE b2b (+9), DE consumer (+5)
// ---------------------------------------------------------------------------------------

struct EuRates {
    half: &'static str,
    first: &'static str,
    last: &'static str,
    ecb: &'static str,
    directive: &'static str,
    fr: &'static str,
    basiszins: &'static str,
    de_b2b: &'static str,
    de_consumer: &'static str,
}

const RATE_EU: &[EuRates] = &[
    EuRates {
        half: "2023-H1",
        first: "2023-01-01",
        last: "2023-06-30",
        ecb: "2.50",
        directive: "10.50",
        fr: "12.50",
        basiszins: "1.62",
        de_b2b: "10.62",
        de_consumer: "6.62",
    },
    EuRates {
        half: "2023-H2",
        first: "2023-07-01",
        last: "2023-12-31",
        ecb: "4.00",
        directive: "12.00",
        fr: "14.00",
        basiszins: "3.12",
        de_b2b: "12.12",
        de_consumer: "8.12",
    },
    EuRates {
        half: "2024-H1",
        first: "2024-01-01",
        last: "2024-06-30",
        ecb: "4.50",
        directive: "12.50",
        fr: "14.50",
        basiszins: "3.62",
        de_b2b: "12.62",
        de_consumer: "8.62",
    },
    EuRates {
        half: "2024-H2",
        first: "2024-07-01",
        last: "2024-12-31",
        ecb: "4.25",
        directive: "12.25",
        fr: "14.25",
        basiszins: "3.37",
        de_b2b: "12.37",
        de_consumer: "8.37",
    },
    EuRates {
        half: "2025-H1",
        first: "2025-01-01",
        last: "2025-06-30",
        ecb: "3.15",
        directive: "11.15",
        fr: "13.15",
        basiszins: "2.27",
        de_b2b: "11.27",
        de_consumer: "7.27",
    },
    EuRates {
        half: "2025-H2",
        first: "2025-07-01",
        last: "2025-12-31",
        ecb: "2.15",
        directive: "10.15",
        fr: "12.15",
        basiszins: "1.27",
        de_b2b: "10.27",
        de_consumer: "6.27",
    },
    EuRates {
        half: "2026-H1",
        first: "2026-01-01",
        last: "2026-06-30",
        ecb: "2.15",
        directive: "10.15",
        fr: "12.15",
        basiszins: "1.27",
        de_b2b: "10.27",
        de_consumer: "6.27",
    },
];

#[test]
fn rate_eu_vectors() {
    let t = table();
    for v in RATE_EU {
        assert_eq!(
            HalfYear::of(d(v.first)).to_string(),
            v.half,
            "half-year naming"
        );
        // The half-year rate must hold on every day of the half, not only on its first day.
        for day in [v.first, v.last] {
            let date = d(day);
            let check = |j: Jurisdiction, consumer: bool, rate: &str, base: &str, what: &str| {
                let got = statutory_rate(j, consumer, date, &t).unwrap();
                assert_eq!(
                    got,
                    (dec_s(rate), d(v.first), dec_s(base)),
                    "RATE-EU {} ({day}) {what}: the rate in force on 1 Jan / 1 Jul applies to \
                     the whole half-year",
                    v.half
                );
            };
            check(
                Jurisdiction::Eu,
                false,
                v.directive,
                v.ecb,
                "directive_min(+8)",
            );
            check(Jurisdiction::Ie, false, v.directive, v.ecb, "Ireland (+8)");
            check(Jurisdiction::Fr, false, v.fr, v.ecb, "FR(+10)");
            check(Jurisdiction::De, false, v.de_b2b, v.basiszins, "DE_b2b(+9)");
            check(
                Jurisdiction::De,
                true,
                v.de_consumer,
                v.basiszins,
                "DE_consumer(+5)",
            );
        }
        let half = HalfYear::of(d(v.first));
        assert_eq!(
            t.half_year_rate(RateSeries::EcbMro, half).unwrap().rate,
            dec_s(v.ecb),
            "RATE-EU {} ecb_mro",
            v.half
        );
        assert_eq!(
            t.half_year_rate(RateSeries::DeBasiszins, half)
                .unwrap()
                .rate,
            dec_s(v.basiszins),
            "RATE-EU {} DE_basiszins",
            v.half
        );
    }
}

#[test]
fn rate_note_2026_h2_is_missing_not_guessed() {
    let t = table();
    for j in [Jurisdiction::Eu, Jurisdiction::Fr, Jurisdiction::Ie] {
        let err = statutory_rate(j, false, d("2026-07-01"), &t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no ECB main refinancing rate for 2026-H2 in the rate table; add it in Settings > \
             Late fees (Reference rates) or import the publisher's file there",
            "RATE-NOTE: 2026-H2 is not verified, so {j} must say what is missing, not guess"
        );
    }
    let err = statutory_rate(Jurisdiction::De, false, d("2026-12-31"), &t).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no German base rate (Basiszinssatz) for 2026-H2"),
        "RATE-NOTE: the Basiszinssatz for 2026-H2 is not verified: {err}"
    );
    let err = statutory_rate(Jurisdiction::Uk, false, d("2026-07-01"), &t).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "no Bank of England base rate for 2026-06-30 (the reference date for interest \
             starting in 2026-H2)"
        ),
        "RATE-NOTE: the BoE rate on 30 Jun 2026 is not verified: {err}"
    );
    assert!(
        matches!(
            err,
            InterestError::Rates(RateTableError::MissingRate {
                series: RateSeries::BoeBase,
                ..
            })
        ),
        "the UI branches on the typed error, not on its text"
    );
}

#[test]
fn shipped_table_has_no_unverified_2026_h2_rows() {
    let t = table();
    assert!(
        t.rate_on(RateSeries::BoeBase, d("2026-06-30")).is_none(),
        "BoE 30 Jun 2026 is unverified"
    );
    assert!(
        t.rate_on(RateSeries::EcbMro, d("2026-07-01")).is_none(),
        "ECB 1 Jul 2026 is unverified"
    );
    assert!(
        t.rate_on(RateSeries::DeBasiszins, d("2026-07-01"))
            .is_none(),
        "Basiszinssatz 1 Jul 2026 is unverified"
    );
    for series in RateSeries::ALL {
        assert!(
            t.covered_through(series).unwrap() < d("2026-07-01"),
            "{series}: nothing beyond what has been checked"
        );
        assert!(
            t.rate_on(series, d("2022-01-01")).is_some(),
            "{series}: the table goes back to at least 2022-H1"
        );
    }
}

#[test]
fn floating_calculation_into_2026_h2_stops_at_the_last_covered_day_and_says_why() {
    let req = request(
        Jurisdiction::Fr,
        "1000.00",
        "EUR",
        "2026-05-31",
        "2026-08-31",
    );
    let r = calculate(&req, &table()).unwrap();
    assert_eq!(
        r.interest_to,
        d("2026-06-30"),
        "never built on a guessed rate"
    );
    assert_eq!(
        r.rate_gap.as_deref(),
        Some(
            "no ECB main refinancing rate for 2026-H2 in the rate table; add it in Settings > \
             Late fees (Reference rates) or import the publisher's file there"
        )
    );
    // 30 days of June at 2.15 + 10 = 12.15 %: 1000 x 12.15 % x 30 / 365 = 9.986...
    assert_eq!(r.interest.to_string(), "9.99 EUR");
    assert_eq!(r.segments.len(), 1);
    assert_eq!(r.segments[0].to, d("2026-06-30"));
    assert_eq!(
        r.compensation.to_string(),
        "40.00 EUR",
        "the compensation does not depend on any rate"
    );
    assert!(
        r.basis.contains("worked out to 2026-06-30 only"),
        "{}",
        r.basis
    );
    // A debt that only became late in the missing half-year: no interest yet, still the 40.
    let late = request(
        Jurisdiction::De,
        "1000.00",
        "EUR",
        "2026-08-31",
        "2026-12-06",
    );
    let r = calculate(&late, &table()).unwrap();
    assert_eq!(r.interest.to_string(), "0.00 EUR");
    assert_eq!(r.compensation.to_string(), "40.00 EUR");
    assert!(r.segments.is_empty());
    assert!(
        r.basis.starts_with("No interest worked out yet"),
        "{}",
        r.basis
    );
    // A fixed-rate UK debt that started in 2026-H1 needs no 2026-H2 rate at all.
    let uk = request(
        Jurisdiction::Uk,
        "1000.00",
        "GBP",
        "2026-05-31",
        "2026-08-31",
    );
    assert!(
        calculate(&uk, &table()).is_ok(),
        "UK rates are fixed for the life of the debt"
    );
}

// ---------------------------------------------------------------------------------------
// COMP-UK and COMP-EU
// ---------------------------------------------------------------------------------------

#[test]
fn comp_uk_vectors() {
    for (debt, sum) in [
        ("0.01", "40.00"),
        ("999.99", "40.00"),
        ("1000.00", "70.00"),
        ("9999.99", "70.00"),
        ("10000.00", "100.00"),
        ("250000.00", "100.00"),
    ] {
        assert_eq!(
            fixed_compensation(Jurisdiction::Uk, false, &money(debt, "GBP")),
            money(sum, "GBP"),
            "COMP-UK debt={debt}: the band edges are set by section 5A of the Act"
        );
    }
}

#[test]
fn comp_eu_vectors() {
    for j in [
        Jurisdiction::Eu,
        Jurisdiction::Ie,
        Jurisdiction::De,
        Jurisdiction::Fr,
    ] {
        for debt in ["0.01", "40.00", "999.99", "10000.00", "250000.00"] {
            assert_eq!(
                fixed_compensation(j, false, &money(debt, "EUR")),
                money("40.00", "EUR"),
                "COMP-EU {j} debt={debt}: 40.00 EUR per late invoice whatever the amount"
            );
        }
    }
    assert_eq!(
        fixed_compensation(Jurisdiction::De, true, &money("5000.00", "EUR")),
        Money::zero(cur("EUR")),
        "COMP-EU: no Pauschale when the German debtor is a consumer (BGB 288(5))"
    );
    for j in [
        Jurisdiction::UsCa,
        Jurisdiction::UsNy,
        Jurisdiction::Contract,
    ] {
        assert!(
            fixed_compensation(j, false, &money("5000.00", "USD")).is_zero(),
            "{j}: no statutory fixed compensation"
        );
    }
}

// ---------------------------------------------------------------------------------------
// INT vectors
// ---------------------------------------------------------------------------------------

/// (from, to, days, rate, exact interest rounded to 6 places)
type SegmentExpectation = (&'static str, &'static str, i64, &'static str, &'static str);

struct IntVector {
    id: &'static str,
    jurisdiction: Jurisdiction,
    principal: &'static str,
    currency: &'static str,
    due: &'static str,
    until: &'static str,
    interest: &'static str,
    compensation: &'static str,
    balance_due: &'static str,
    daily: Option<&'static str>,
    segments: &'static [SegmentExpectation],
}

const INT_VECTORS: &[IntVector] = &[
    IntVector {
        // gov.uk's example: base 0.50 (in force on 31 Dec 2015), 8.50%, 50 days.
        id: "INT-UK1",
        jurisdiction: Jurisdiction::Uk,
        principal: "1000.00",
        currency: "GBP",
        due: "2016-03-01",
        until: "2016-04-20",
        interest: "11.64",
        compensation: "70.00",
        balance_due: "1081.64",
        daily: Some("0.23"),
        segments: &[("2016-03-02", "2016-04-20", 50, "8.50", "11.643836")],
    },
    IntVector {
        id: "INT-UK2",
        jurisdiction: Jurisdiction::Uk,
        principal: "2400.00",
        currency: "GBP",
        due: "2026-03-31",
        until: "2026-06-15",
        interest: "58.72",
        compensation: "70.00",
        balance_due: "2528.72",
        daily: Some("0.77"),
        segments: &[("2026-04-01", "2026-06-15", 76, "11.75", "58.717808")],
    },
    IntVector {
        id: "INT-UK6a",
        jurisdiction: Jurisdiction::Uk,
        principal: "1000.00",
        currency: "GBP",
        due: "2025-06-29",
        until: "2025-07-29",
        interest: "10.48",
        compensation: "70.00",
        balance_due: "1080.48",
        daily: Some("0.35"),
        segments: &[("2025-06-30", "2025-07-29", 30, "12.75", "10.479452")],
    },
    IntVector {
        id: "INT-DE1",
        jurisdiction: Jurisdiction::De,
        principal: "10000.00",
        currency: "EUR",
        due: "2025-04-30",
        until: "2025-08-31",
        interest: "362.80",
        compensation: "40.00",
        balance_due: "10402.80",
        daily: None,
        segments: &[
            ("2025-05-01", "2025-06-30", 61, "11.27", "188.347945"),
            ("2025-07-01", "2025-08-31", 62, "10.27", "174.449315"),
        ],
    },
    IntVector {
        id: "INT-FR1",
        jurisdiction: Jurisdiction::Fr,
        principal: "8000.00",
        currency: "EUR",
        due: "2025-05-31",
        until: "2025-09-30",
        interest: "331.46",
        compensation: "40.00",
        balance_due: "8371.46",
        daily: None,
        segments: &[
            ("2025-06-01", "2025-06-30", 30, "13.15", "86.465753"),
            ("2025-07-01", "2025-09-30", 92, "12.15", "244.997260"),
        ],
    },
];

#[test]
fn int_vectors() {
    for v in INT_VECTORS {
        let req = request(v.jurisdiction, v.principal, v.currency, v.due, v.until);
        let res = run(&req);
        assert_eq!(
            res.interest,
            money(v.interest, v.currency),
            "{}: total interest is the exact segments summed and rounded once",
            v.id
        );
        assert_eq!(
            res.compensation,
            money(v.compensation, v.currency),
            "{}: fixed sum",
            v.id
        );
        assert_eq!(
            res.balance_due,
            money(v.balance_due, v.currency),
            "{}: total claim = principal + interest + compensation",
            v.id
        );
        assert_eq!(
            res.days_late,
            (d(v.until) - d(v.due)).num_days(),
            "{}: days = end - due",
            v.id
        );
        assert_eq!(
            res.segments.len(),
            v.segments.len(),
            "{}: one segment per rate period",
            v.id
        );
        for (seg, (from, to, days, rate, exact)) in res.segments.iter().zip(v.segments) {
            assert_eq!(
                (seg.from, seg.to, seg.days),
                (d(from), d(to), *days),
                "{}: segment dates",
                v.id
            );
            assert_eq!(seg.rate, dec_s(rate), "{}: segment rate", v.id);
            assert_eq!(
                round_6(seg.interest_exact),
                dec_s(exact),
                "{}: the segment's exact interest is what a court file shows",
                v.id
            );
        }
        if let Some(daily) = v.daily {
            assert_eq!(
                res.daily_interest,
                money(daily, v.currency),
                "{}: daily interest",
                v.id
            );
            assert_eq!(
                res.segments[0].daily,
                money(daily, v.currency),
                "{}: segment daily",
                v.id
            );
        }
    }
}

fn round_6(x: Decimal) -> Decimal {
    crate::money::round_half_up(x, 6)
}

#[test]
fn int_uk1_govuk_style_and_exact_daily() {
    let mut req = request(
        Jurisdiction::Uk,
        "1000.00",
        "GBP",
        "2016-03-01",
        "2016-04-20",
    );
    let exact = run(&req);
    let seg = &exact.segments[0];
    assert_eq!(seg.rate, dec!(8.50), "INT-UK1: base 0.50 + 8");
    assert_eq!(
        seg.reference_rate,
        Some(dec!(0.50)),
        "INT-UK1: base rate shown in the breakdown"
    );
    assert_eq!(
        seg.principal.amount() * seg.rate / dec!(100),
        dec!(85.00),
        "INT-UK1: annual interest 85.00"
    );
    assert_eq!(
        round_6(seg.interest_exact / Decimal::from(seg.days)),
        dec!(0.232877),
        "INT-UK1: daily_exact 0.232877"
    );
    req.govuk_rounding = true;
    let govuk = run(&req);
    assert_eq!(
        govuk.interest,
        money("11.50", "GBP"),
        "INT-UK1: gov.uk rounds the daily amount to 0.23 first, then x 50 days"
    );
    assert_eq!(
        govuk.compensation,
        money("70.00", "GBP"),
        "INT-UK1: fixed_sum=70.00"
    );
    assert!(
        govuk.basis.contains("gov.uk"),
        "the basis must say which rounding method was used"
    );
}

#[test]
fn int_uk2_details_and_basis() {
    let res = run(&request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    ));
    assert_eq!(
        res.interest_start,
        d("2026-04-01"),
        "INT-UK2: interest starts the day after due"
    );
    assert!(
        res.basis.contains("3.75% on 2025-12-31") && res.basis.contains("11.75%"),
        "INT-UK2: the basis names the base rate, the reference date and the rate: {}",
        res.basis
    );
    assert!(
        res.compensation_basis.contains("70.00 GBP"),
        "{}",
        res.compensation_basis
    );
}

#[test]
fn cli_example_uk_2400() {
    let res = run(&request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    ));
    assert_eq!(
        res.interest.to_string(),
        "58.72 GBP",
        "the CLI prints this interest"
    );
    assert_eq!(
        res.compensation.to_string(),
        "70.00 GBP",
        "the CLI prints this compensation"
    );
    assert_eq!(
        res.balance_due.to_string(),
        "2528.72 GBP",
        "the CLI prints this balance"
    );
    assert_eq!(
        res.principal_outstanding,
        money("2400.00", "GBP"),
        "nothing was paid"
    );
    assert_eq!(res.segments.len(), 1, "a UK rate is fixed: one segment");
    let s = &res.segments[0];
    assert_eq!(
        (s.from, s.to, s.days, s.rate),
        (d("2026-04-01"), d("2026-06-15"), 76, dec!(11.75)),
        "the CLI's segment line"
    );
    let text = res.breakdown();
    assert!(
        text.contains(
            "2026-04-01 to 2026-06-15: 76 days on 2400.00 GBP at 11.75% a year = 58.72 GBP"
        ),
        "the printed breakdown shows the segment: {text}"
    );
}

// ---------------------------------------------------------------------------------------
// Own cases from RULES.md
// ---------------------------------------------------------------------------------------

#[test]
fn uk_part_payment_reduces_principal_from_the_next_day() {
    let mut req = request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    );
    req.payments.push(PartPayment {
        date: d("2026-05-01"),
        amount: money("1000.00", "GBP"),
    });
    let res = run(&req);
    let spans: Vec<_> = res
        .segments
        .iter()
        .map(|s| (s.from, s.to, s.days, s.principal))
        .collect();
    assert_eq!(
        spans,
        vec![
            (
                d("2026-04-01"),
                d("2026-05-01"),
                31,
                money("2400.00", "GBP")
            ),
            (
                d("2026-05-02"),
                d("2026-06-15"),
                45,
                money("1400.00", "GBP")
            ),
        ],
        "the payment day still bears interest on the paid amount; the principal drops the next day"
    );
    assert_eq!(
        res.interest,
        money("44.23", "GBP"),
        "(2400x31 + 1400x45) x 11.75% / 365, rounded once"
    );
    assert_eq!(
        res.compensation,
        money("70.00", "GBP"),
        "band set by the debt when it became late"
    );
    assert_eq!(
        res.balance_due,
        money("1514.23", "GBP"),
        "1400.00 + 44.23 + 70.00"
    );
    assert_eq!(
        res.allocations[0].to_principal,
        money("1000.00", "GBP"),
        "UK: to principal"
    );
    assert_eq!(
        res.daily_interest,
        money("0.45", "GBP"),
        "interest continues on 1400.00"
    );

    req.govuk_rounding = true;
    assert_eq!(
        run(&req).interest,
        money("44.12", "GBP"),
        "gov.uk style per segment: 0.77 x 31 + 0.45 x 45"
    );
}

#[test]
fn payment_on_or_before_due_date_bears_no_interest() {
    let mut req = request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    );
    req.payments.push(PartPayment {
        date: d("2026-03-31"),
        amount: money("1400.00", "GBP"),
    });
    let res = run(&req);
    assert_eq!(res.segments.len(), 1, "only the unpaid 1000.00 is late");
    assert_eq!(
        res.segments[0].principal,
        money("1000.00", "GBP"),
        "interest on the late part only"
    );
    assert_eq!(
        res.compensation,
        money("70.00", "GBP"),
        "the late debt is 1000.00: middle band"
    );

    let mut paid = request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    );
    paid.payments.push(PartPayment {
        date: d("2026-03-20"),
        amount: money("2400.00", "GBP"),
    });
    let res = run(&paid);
    assert!(res.interest.is_zero(), "paid on time: no interest");
    assert!(res.compensation.is_zero(), "paid on time: no compensation");
    assert!(res.balance_due.is_zero(), "paid on time: nothing owed");
    assert!(
        res.basis.starts_with("No interest"),
        "the basis says why: {}",
        res.basis
    );
}

#[test]
fn until_equal_to_due_is_not_late() {
    let res = run(&request(
        Jurisdiction::Uk,
        "500.00",
        "GBP",
        "2026-03-31",
        "2026-03-31",
    ));
    assert!(
        res.interest.is_zero() && res.compensation.is_zero(),
        "day 0 is not late"
    );
    assert_eq!(
        res.balance_due,
        money("500.00", "GBP"),
        "the invoice itself is still owed"
    );
    assert!(res.segments.is_empty(), "no interest periods");
}

#[test]
fn de_part_payment_goes_to_costs_then_interest_then_principal() {
    let mut req = request(
        Jurisdiction::De,
        "10000.00",
        "EUR",
        "2025-04-30",
        "2025-08-31",
    );
    req.payments.push(PartPayment {
        date: d("2025-06-15"),
        amount: money("5000.00", "EUR"),
    });
    let res = run(&req);
    let a = &res.allocations[0];
    assert_eq!(
        (a.to_costs, a.to_interest, a.to_principal),
        (
            money("40.00", "EUR"),
            money("142.03", "EUR"),
            money("4817.97", "EUR")
        ),
        "BGB 367: Pauschale 40.00, then interest to 15 Jun rounded to the cent, then principal"
    );
    assert_eq!(
        res.principal_outstanding,
        money("5182.03", "EUR"),
        "10000 - 4817.97"
    );
    let spans: Vec<_> = res
        .segments
        .iter()
        .map(|s| (s.from, s.to, s.principal, s.rate))
        .collect();
    assert_eq!(
        spans,
        vec![
            (
                d("2025-05-01"),
                d("2025-06-15"),
                money("10000.00", "EUR"),
                dec!(11.27)
            ),
            (
                d("2025-06-16"),
                d("2025-06-30"),
                money("5182.03", "EUR"),
                dec!(11.27)
            ),
            (
                d("2025-07-01"),
                d("2025-08-31"),
                money("5182.03", "EUR"),
                dec!(10.27)
            ),
        ],
        "split at the payment and at 1 July, the rate floating by half-year"
    );
    assert_eq!(
        res.interest,
        money("256.43", "EUR"),
        "142.03 settled at the payment + 114.40 after"
    );
    assert_eq!(
        res.interest_outstanding,
        money("114.40", "EUR"),
        "only the later interest is unpaid"
    );
    assert!(
        res.compensation_outstanding.is_zero(),
        "the Pauschale was paid first"
    );
    assert_eq!(res.balance_due, money("5296.43", "EUR"), "5182.03 + 114.40");
    assert!(
        res.basis.contains("section 367 BGB"),
        "the basis explains the allocation"
    );
}

#[test]
fn de_consumer_gets_plus_5_and_no_pauschale() {
    let mut req = request(
        Jurisdiction::De,
        "5000.00",
        "EUR",
        "2025-04-30",
        "2025-08-31",
    );
    req.consumer = true;
    let res = run(&req);
    assert_eq!(
        res.segments[0].rate,
        dec!(7.27),
        "BGB 288(1): Basiszins 2.27 + 5"
    );
    assert_eq!(
        res.segments[1].rate,
        dec!(6.27),
        "BGB 288(1): Basiszins 1.27 + 5"
    );
    assert_eq!(
        res.interest,
        money("114.00", "EUR"),
        "5000 x (7.27x61 + 6.27x62) / 36500"
    );
    assert!(
        res.compensation.is_zero(),
        "BGB 288(5): no flat fee from a consumer"
    );
    assert!(res.basis.contains("288(1)"), "{}", res.basis);
}

#[test]
fn ireland_fixes_the_rate_where_eu_generic_floats() {
    let ie = run(&request(
        Jurisdiction::Ie,
        "10000.00",
        "EUR",
        "2025-06-20",
        "2025-08-31",
    ));
    assert_eq!(
        ie.segments.len(),
        1,
        "Ireland: one rate for the life of the debt"
    );
    assert_eq!(
        ie.segments[0].rate,
        dec!(11.15),
        "ECB 3.15 on 1 Jan 2025 + 8"
    );
    assert_eq!(
        ie.interest,
        money("219.95", "EUR"),
        "10000 x 11.15% x 72 / 365"
    );
    let eu = run(&request(
        Jurisdiction::Eu,
        "10000.00",
        "EUR",
        "2025-06-20",
        "2025-08-31",
    ));
    let rates: Vec<_> = eu.segments.iter().map(|s| (s.days, s.rate)).collect();
    assert_eq!(
        rates,
        vec![(10, dec!(11.15)), (62, dec!(10.15))],
        "EU generic floats by half-year"
    );
    assert_eq!(
        eu.interest,
        money("202.96", "EUR"),
        "10000 x (11.15x10 + 10.15x62) / 36500"
    );
    assert_eq!(eu.compensation, money("40.00", "EUR"), "Directive art. 6");
}

#[test]
fn uk_rate_stays_fixed_across_half_years() {
    let res = run(&request(
        Jurisdiction::Uk,
        "1000.00",
        "GBP",
        "2025-05-31",
        "2026-02-28",
    ));
    assert_eq!(
        res.segments.len(),
        1,
        "no re-set on 1 July or 1 January for a UK debt"
    );
    assert_eq!(
        res.segments[0].rate,
        dec!(12.75),
        "BoE 4.75 on 31 Dec 2024 + 8, for the whole debt"
    );
}

#[test]
fn actual_365_also_in_leap_years() {
    let res = run(&request(
        Jurisdiction::UsCa,
        "1000.00",
        "USD",
        "2023-12-31",
        "2024-12-31",
    ));
    assert_eq!(res.segments[0].days, 366, "2024 has 366 days");
    assert_eq!(
        res.interest,
        money("100.27", "USD"),
        "366/365 of a year at 10%: the divisor stays 365 in a leap year"
    );
    assert!(
        res.compensation.is_zero(),
        "no statutory fixed compensation in the US"
    );
}

#[test]
fn us_state_rates() {
    let ny = run(&request(
        Jurisdiction::UsNy,
        "1000.00",
        "USD",
        "2025-01-31",
        "2026-01-31",
    ));
    assert_eq!(
        ny.interest,
        money("90.00", "USD"),
        "New York 9% for 365 days"
    );
    let ca = run(&request(
        Jurisdiction::UsCa,
        "1000.00",
        "USD",
        "2025-01-31",
        "2025-04-14",
    ));
    assert_eq!(
        ca.interest,
        money("20.00", "USD"),
        "California 10% for 73 days"
    );
    let mut agreed = request(
        Jurisdiction::UsCa,
        "1000.00",
        "USD",
        "2025-01-31",
        "2025-04-14",
    );
    agreed.rate_override = Some(dec!(5));
    assert_eq!(
        run(&agreed).interest,
        money("10.00", "USD"),
        "an agreed rate replaces the state rate"
    );
}

#[test]
fn uk_contract_rate_replaces_statutory_interest() {
    let mut req = request(
        Jurisdiction::Uk,
        "2400.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    );
    req.rate_override = Some(dec!(4));
    let res = run(&req);
    assert_eq!(
        res.segments[0].rate,
        dec!(4),
        "RULES: statutory interest does not apply where the contract sets a rate"
    );
    assert_eq!(
        res.interest,
        money("19.99", "GBP"),
        "2400 x 4% x 76 / 365 = 19.9890"
    );
    assert!(
        res.basis.contains("replaces the statutory rate"),
        "{}",
        res.basis
    );
}

#[test]
fn contract_terms_fees_grace_and_cap() {
    let mut req = request(
        Jurisdiction::Contract,
        "5000.00",
        "USD",
        "2026-01-31",
        "2026-03-31",
    );
    req.rate_override = Some(dec!(12));
    req.contract = Some(ContractTerms {
        fixed_fee: Some(money("25.00", "USD")),
        percentage_fee: Some(dec!(2)),
        grace_days: 10,
        cap: None,
    });
    let res = run(&req);
    assert_eq!(
        res.interest_start,
        d("2026-02-11"),
        "grace days push the first day of interest back"
    );
    assert_eq!(res.segments[0].days, 49, "11 Feb to 31 Mar");
    assert_eq!(
        res.interest,
        money("80.55", "USD"),
        "5000 x 12% x 49 / 365 = 80.5479"
    );
    assert_eq!(
        res.compensation,
        money("125.00", "USD"),
        "25.00 fixed + 2% of 5000.00"
    );
    assert_eq!(
        res.balance_due,
        money("5205.55", "USD"),
        "principal + interest + fees"
    );

    req.contract.as_mut().unwrap().cap = Some(money("150.00", "USD"));
    let capped = run(&req);
    assert_eq!(
        capped.compensation,
        money("125.00", "USD"),
        "fees are within the cap"
    );
    assert_eq!(
        capped.interest,
        money("25.00", "USD"),
        "interest gives way to the cap of 150.00"
    );
    assert_eq!(
        capped.balance_due,
        money("5150.00", "USD"),
        "the claim never exceeds the cap"
    );
    assert!(
        capped.daily_interest.is_zero(),
        "a capped claim must not tell the debtor that interest keeps running"
    );
    assert!(
        capped.basis.contains("cap"),
        "the basis explains the reduction: {}",
        capped.basis
    );

    let mut in_grace = req.clone();
    in_grace.until = d("2026-02-10");
    let res = run(&in_grace);
    assert!(
        res.interest.is_zero() && res.compensation.is_zero(),
        "within grace: nothing is charged"
    );
    assert!(res.basis.contains("grace"), "{}", res.basis);
}

#[test]
fn no_compensation_claimed_means_zero() {
    for (j, code) in [
        (Jurisdiction::Uk, "GBP"),
        (Jurisdiction::De, "EUR"),
        (Jurisdiction::Fr, "EUR"),
    ] {
        let mut req = request(j, "2400.00", code, "2025-03-31", "2025-06-15");
        req.claim_compensation = false;
        let res = run(&req);
        assert!(
            res.compensation.is_zero(),
            "{j}: compensation only when claimed"
        );
        assert_eq!(
            res.balance_due.amount(),
            dec!(2400.00) + res.interest.amount(),
            "{j}: balance without compensation"
        );
        assert!(
            res.compensation_basis
                .contains("No fixed compensation claimed"),
            "{j}"
        );
    }
}

#[test]
fn payment_beyond_principal_pays_interest_then_compensation() {
    let mut req = request(
        Jurisdiction::Uk,
        "1000.00",
        "GBP",
        "2026-01-31",
        "2026-03-02",
    );
    req.payments.push(PartPayment {
        date: d("2026-03-02"),
        amount: money("1009.66", "GBP"),
    });
    let res = run(&req);
    assert_eq!(
        res.interest,
        money("9.66", "GBP"),
        "1000 x 11.75% x 30 / 365"
    );
    let a = &res.allocations[0];
    assert_eq!(
        (a.to_principal, a.to_interest, a.to_costs),
        (
            money("1000.00", "GBP"),
            money("9.66", "GBP"),
            money("0", "GBP")
        ),
        "principal first, then interest"
    );
    assert_eq!(
        res.balance_due,
        money("70.00", "GBP"),
        "only the fixed sum (1000.00 debt band) is left"
    );

    req.payments[0].amount = money("1100.00", "GBP");
    let err = calculate(&req, &table()).unwrap_err();
    assert!(
        matches!(err, InterestError::PaymentsExceedClaim { .. }),
        "an overpayment is not silently swallowed: {err}"
    );
}

#[test]
fn allocations_account_for_every_payment() {
    let mut req = request(
        Jurisdiction::De,
        "3000.00",
        "EUR",
        "2024-10-31",
        "2025-09-30",
    );
    for (date, amount) in [
        ("2024-12-15", "500.00"),
        ("2025-03-01", "20.00"),
        ("2025-07-10", "1000.00"),
    ] {
        req.payments.push(PartPayment {
            date: d(date),
            amount: money(amount, "EUR"),
        });
    }
    let res = run(&req);
    for a in &res.allocations {
        assert_eq!(
            a.to_costs.amount() + a.to_interest.amount() + a.to_principal.amount(),
            a.amount.amount(),
            "every cent of a payment is applied somewhere"
        );
    }
    assert_eq!(
        res.allocations[1].to_interest,
        money("20.00", "EUR"),
        "BGB 367: interest before principal"
    );
    assert_eq!(
        res.balance_due.amount(),
        res.principal_outstanding.amount()
            + res.interest_outstanding.amount()
            + res.compensation_outstanding.amount(),
        "balance = what is still unpaid of each part"
    );
    let paid: Decimal = req.payments.iter().map(|p| p.amount.amount()).sum();
    assert_eq!(
        res.balance_due.amount() + paid,
        dec!(3000.00) + res.interest.amount() + res.compensation.amount(),
        "nothing is created or lost by the allocation"
    );
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[test]
fn errors_are_typed_and_explained() {
    let t = table();
    let base = request(
        Jurisdiction::Uk,
        "1000.00",
        "GBP",
        "2026-03-31",
        "2026-06-15",
    );

    let mut r = base.clone();
    r.until = d("2026-03-30");
    let e = calculate(&r, &t).unwrap_err();
    assert!(
        matches!(e, InterestError::UntilBeforeDue { .. }),
        "until before due: {e}"
    );
    assert!(
        e.to_string().contains("before the due date 2026-03-31"),
        "{e}"
    );

    for bad in ["0.00", "-5.00"] {
        let mut r = base.clone();
        r.principal = money(bad, "GBP");
        let e = calculate(&r, &t).unwrap_err();
        assert!(
            matches!(e, InterestError::NonPositivePrincipal(_)),
            "principal {bad}: {e}"
        );
    }

    let mut r = base.clone();
    r.payments.push(PartPayment {
        date: d("2026-06-16"),
        amount: money("10.00", "GBP"),
    });
    let e = calculate(&r, &t).unwrap_err();
    assert!(
        matches!(e, InterestError::PaymentAfterUntil { .. }),
        "payment after until: {e}"
    );
    assert!(
        e.to_string()
            .contains("after the calculation date 2026-06-15"),
        "{e}"
    );

    let mut r = base.clone();
    r.payments.push(PartPayment {
        date: d("2026-05-01"),
        amount: money("10.00", "EUR"),
    });
    let e = calculate(&r, &t).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the part payment of 2026-05-01 is in EUR but the debt is in GBP: enter it in GBP",
        "mixing currencies is an error, not a sum"
    );

    let mut r = base.clone();
    r.payments.push(PartPayment {
        date: d("2026-05-01"),
        amount: money("0.00", "GBP"),
    });
    assert!(
        matches!(
            calculate(&r, &t),
            Err(InterestError::NonPositivePayment { .. })
        ),
        "a zero payment is a typo"
    );

    let e = Jurisdiction::parse("xx").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown jurisdiction \"xx\": use uk, eu, ie, de, fr, us-ca, us-ny or contract",
        "the message lists the valid codes"
    );

    let r = request(
        Jurisdiction::Contract,
        "1000.00",
        "USD",
        "2026-03-31",
        "2026-06-15",
    );
    let e = calculate(&r, &t).unwrap_err();
    assert_eq!(
        e,
        InterestError::ContractRateRequired,
        "a contract without a rate cannot be calculated"
    );
    assert!(e.to_string().contains("agreed interest rate"), "{e}");

    let mut r = base.clone();
    r.rate_override = Some(dec!(-1));
    assert!(
        matches!(calculate(&r, &t), Err(InterestError::NegativeRate(_))),
        "negative rate"
    );

    let mut r = request(
        Jurisdiction::Fr,
        "1000.00",
        "EUR",
        "2025-03-31",
        "2025-06-15",
    );
    r.consumer = true;
    let e = calculate(&r, &t).unwrap_err();
    assert!(
        matches!(e, InterestError::NotForConsumers(Jurisdiction::Fr)),
        "L441-10 is B2B: {e}"
    );

    let r = request(
        Jurisdiction::Uk,
        "1000.00",
        "EUR",
        "2026-03-31",
        "2026-06-15",
    );
    let c = calculate(&r, &t).unwrap();
    assert!(
        c.compensation.is_zero() && c.compensation_basis.contains("claim it separately in GBP"),
        "pounds of compensation are not added to a euro debt: {}",
        c.compensation_basis
    );
    assert!(!c.interest.is_zero(), "the interest is still worked out");
    let mut r = r.clone();
    r.claim_compensation = false;
    assert!(
        calculate(&r, &t).is_ok(),
        "without compensation a euro debt under UK law is fine"
    );

    let mut r = base.clone();
    r.contract = Some(ContractTerms {
        grace_days: 5,
        ..ContractTerms::default()
    });
    assert!(
        matches!(
            calculate(&r, &t),
            Err(InterestError::ContractTermsNotApplicable(_))
        ),
        "contract terms are never silently ignored"
    );

    let mut r = request(
        Jurisdiction::De,
        "1000.00",
        "EUR",
        "2026-03-31",
        "2026-09-15",
    );
    r.claim_compensation = false;
    let c = calculate(&r, &t).unwrap();
    assert!(
        c.interest_to == d("2026-06-30")
            && c.rate_gap.as_deref().is_some_and(|g| g.contains("2026-H2")),
        "a missing rate period stops interest where the table ends, and says so"
    );
}

// ---------------------------------------------------------------------------------------
// Jurisdictions
// ---------------------------------------------------------------------------------------

#[test]
fn jurisdiction_codes_round_trip() {
    for (code, j) in [
        ("uk", Jurisdiction::Uk),
        ("eu", Jurisdiction::Eu),
        ("ie", Jurisdiction::Ie),
        ("de", Jurisdiction::De),
        ("fr", Jurisdiction::Fr),
        ("us-ca", Jurisdiction::UsCa),
        ("us-ny", Jurisdiction::UsNy),
        ("contract", Jurisdiction::Contract),
    ] {
        assert_eq!(Jurisdiction::parse(code).unwrap(), j, "{code} parses");
        assert_eq!(
            j.as_str(),
            code,
            "{code} is what the CLI and database store"
        );
        assert_eq!(code.parse::<Jurisdiction>().unwrap(), j, "FromStr agrees");
    }
    assert_eq!(
        Jurisdiction::parse(" US_NY ").unwrap(),
        Jurisdiction::UsNy,
        "forgiving of case and _"
    );
}

#[test]
fn jurisdiction_settings_match_rules_md() {
    let cases = [
        (
            Jurisdiction::Uk,
            false,
            RateMode::FixedAtStart,
            CompensationRule::UkBands,
        ),
        (
            Jurisdiction::Eu,
            false,
            RateMode::FloatingByHalfYear,
            CompensationRule::FlatEur40,
        ),
        (
            Jurisdiction::Ie,
            false,
            RateMode::FixedAtStart,
            CompensationRule::FlatEur40,
        ),
        (
            Jurisdiction::De,
            false,
            RateMode::FloatingByHalfYear,
            CompensationRule::FlatEur40,
        ),
        (
            Jurisdiction::De,
            true,
            RateMode::FloatingByHalfYear,
            CompensationRule::None,
        ),
        (
            Jurisdiction::Fr,
            false,
            RateMode::FloatingByHalfYear,
            CompensationRule::FlatEur40,
        ),
        (
            Jurisdiction::UsCa,
            false,
            RateMode::FixedAtStart,
            CompensationRule::None,
        ),
        (
            Jurisdiction::UsNy,
            false,
            RateMode::FixedAtStart,
            CompensationRule::None,
        ),
        (
            Jurisdiction::Contract,
            false,
            RateMode::FixedAtStart,
            CompensationRule::ContractFees,
        ),
    ];
    for (j, consumer, mode, comp) in cases {
        let rules = j.rules(consumer);
        assert_eq!(
            (rules.mode, rules.compensation),
            (mode, comp),
            "{j} consumer={consumer}"
        );
    }
    assert_eq!(
        Jurisdiction::De.rules(false).payment_order,
        PaymentOrder::CostsInterestPrincipal,
        "BGB 367 order for Germany"
    );
    assert_eq!(
        Jurisdiction::UsCa.rules(false).rate,
        RateBasis::Flat(dec!(10)),
        "California 10%"
    );
    assert_eq!(
        Jurisdiction::UsNy.rules(false).rate,
        RateBasis::Flat(dec!(9)),
        "New York 9%"
    );
}

// ---------------------------------------------------------------------------------------
// Rate table as data
// ---------------------------------------------------------------------------------------

const HEADER: &str = "series,valid_from,valid_to,rate,source\n";

#[test]
fn builtin_table_round_trips_through_csv() {
    let t = table();
    let again = RateTable::parse(&t.to_csv()).unwrap();
    assert_eq!(again, t, "export then import must give the same table");
    assert!(t.rows().len() > 40, "the viewer shows every row");
    assert!(
        t.rows()
            .windows(2)
            .all(|w| (w[0].series, w[0].valid_from) < (w[1].series, w[1].valid_from)),
        "rows are sorted for the viewer"
    );
}

#[test]
fn parse_errors_name_the_line_and_the_problem() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "the table is empty"),
        ("series,valid_from,rate\n", 1, "no \"valid_to\" column"),
        (
            "series,valid_from,valid_to,rate,colour\n",
            1,
            "unknown column \"colour\"",
        ),
        (
            "# c\nseries,valid_from,valid_to,rate,source\nboe,2024-01-01,2024-06-30,5.25,x\n",
            3,
            "unknown series \"boe\"",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-13-01,2024-06-30,5.25,x\n",
            2,
            "valid_from: 2024-13-01 is not a day in the calendar: there is no month 13",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-1-1,2024-06-30,5.25,x\n",
            2,
            "valid_from: \"2024-1-1\" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-01-01,2024-06-30,5%,x\n",
            2,
            "rate \"5%\" is not a number",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-01-01,2024-06-30,5.25\n",
            2,
            "expected 5 fields",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-06-30,2024-01-01,5.25,x\n",
            2,
            "valid_to 2024-01-01 is before valid_from",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-01-01,2024-06-30,525,x\n",
            2,
            "not a plausible percentage",
        ),
        (
            "series,valid_from,valid_to,rate,source\nde_basiszins,2024-01-15,2024-06-30,3.62,x\n",
            2,
            "must run from 1 January or 1 July",
        ),
        (
            "series,valid_from,valid_to,rate,source\nboe_base,2024-01-01,2024-06-30,5.25,\"open\n",
            2,
            "quoted field is not closed",
        ),
    ];
    for (text, line, problem) in cases {
        let err = RateTable::parse(text).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("rate table line {line}: ")) && msg.contains(problem),
            "a user fixing an imported table needs the line and the problem; got {msg:?}"
        );
    }
    let overlap = format!(
        "{HEADER}ecb_mro,2024-01-01,2024-06-30,4.50,x\n\necb_mro,2024-06-01,2024-12-31,4.25,x\n"
    );
    let err = RateTable::parse(&overlap).unwrap_err();
    assert!(
        matches!(
            err,
            RateTableError::Overlap {
                line: 4,
                other_line: 2,
                ..
            }
        ),
        "two rates for one day is ambiguous: {err}"
    );
}

#[test]
fn parse_accepts_any_column_order_comments_bom_and_quotes() {
    let text = "\u{feff}# comment\nrate,series,valid_to,valid_from,source\n\
                -0.88,de_basiszins,2022-12-31,2016-07-01,\"Bundesbank, \"\"247 BGB\"\"\"\n";
    let t = RateTable::parse(text).unwrap();
    assert_eq!(t.rows().len(), 1, "one data row");
    assert_eq!(
        t.rows()[0].rate,
        dec!(-0.88),
        "negative rates are real (Basiszins 2016-2022)"
    );
    assert_eq!(
        t.rows()[0].source,
        "Bundesbank, \"247 BGB\"",
        "quoted source with comma and quotes"
    );
    assert_eq!(
        RateTable::parse(&t.to_csv()).unwrap(),
        t,
        "quoting survives a round trip"
    );
    let no_source =
        RateTable::parse("series,valid_from,valid_to,rate\necb_mro,2024-01-01,2024-01-31,4.50\n");
    assert!(no_source.is_ok(), "the source column is optional");
}

#[test]
fn adding_a_verified_rate_row_extends_the_table() {
    let t = table();
    // A hypothetical future rate, as a user would enter it once published.
    let row = RateRow {
        series: RateSeries::EcbMro,
        valid_from: d("2026-07-01"),
        valid_to: d("2026-12-31"),
        rate: dec!(2.00),
        source: "entered by the user".to_string(),
    };
    let extended = t.with_row(row.clone()).unwrap();
    assert_eq!(extended.rows().len(), t.rows().len() + 1, "one more row");
    assert_eq!(
        t.rows().len(),
        table().rows().len(),
        "the original table is unchanged"
    );
    let (rate, _, _) = statutory_rate(Jurisdiction::Fr, false, d("2026-08-01"), &extended).unwrap();
    assert_eq!(
        rate,
        dec!(12.00),
        "the new half-year is used once it is in the table"
    );
    assert!(extended
        .to_csv()
        .contains("ecb_mro,2026-07-01,2026-12-31,2.00,entered by the user"));

    let err = extended.with_row(row).unwrap_err();
    assert!(
        matches!(err, RateTableError::RowOverlaps { .. }),
        "a day gets one rate: {err}"
    );
    let bad = RateRow {
        series: RateSeries::DeBasiszins,
        valid_from: d("2026-07-02"),
        valid_to: d("2026-12-31"),
        rate: dec!(1.00),
        source: String::new(),
    };
    assert!(
        matches!(t.with_row(bad), Err(RateTableError::BadRow { .. })),
        "Basiszins rows are half-years"
    );
    let index = extended
        .rows()
        .iter()
        .position(|r| r.valid_from == d("2026-07-01"))
        .unwrap();
    assert_eq!(
        extended.without_row(index),
        t,
        "a row can be removed again to correct it"
    );
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

const STATUTORY: [Jurisdiction; 7] = [
    Jurisdiction::Uk,
    Jurisdiction::Eu,
    Jurisdiction::Ie,
    Jurisdiction::De,
    Jurisdiction::Fr,
    Jurisdiction::UsCa,
    Jurisdiction::UsNy,
];

fn currency_for(j: Jurisdiction) -> &'static str {
    match j {
        Jurisdiction::Uk => "GBP",
        Jurisdiction::UsCa | Jurisdiction::UsNy | Jurisdiction::Contract => "USD",
        _ => "EUR",
    }
}

/// The range the shipped table covers for every jurisdiction.
fn first_day() -> NaiveDate {
    d("2022-01-01")
}
fn last_day() -> NaiveDate {
    d("2026-06-30")
}
fn span() -> i64 {
    (last_day() - first_day()).num_days()
}

fn calc_for(j: Jurisdiction, cents: i64, due: NaiveDate, until: NaiveDate) -> InterestRequest {
    InterestRequest::new(
        j,
        Money::from_minor_units(cents, cur(currency_for(j))),
        due,
        until,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn interest_is_monotonic_in_days(
        j in proptest::sample::select(STATUTORY.to_vec()),
        cents in 1i64..100_000_000_000,
        due_off in 0i64..1_400,
        a in 0i64..2_000,
        b in 0i64..2_000,
        govuk in any::<bool>(),
    ) {
        let due = first_day() + chrono::Duration::days(due_off);
        let room = (last_day() - due).num_days();
        let (short, long) = (a.min(b) % (room + 1), a.max(b) % (room + 1));
        let (short, long) = (short.min(long), short.max(long));
        let mut r1 = calc_for(j, cents, due, due + chrono::Duration::days(short));
        let mut r2 = calc_for(j, cents, due, due + chrono::Duration::days(long));
        r1.govuk_rounding = govuk;
        r2.govuk_rounding = govuk;
        let i1 = run(&r1).interest.amount();
        let i2 = run(&r2).interest.amount();
        prop_assert!(i1 <= i2, "waiting longer can never lower the interest owed ({} > {})", i1, i2);
    }

    #[test]
    fn interest_is_monotonic_in_principal(
        j in proptest::sample::select(STATUTORY.to_vec()),
        c1 in 1i64..100_000_000_000,
        c2 in 1i64..100_000_000_000,
        due_off in 0i64..1_400,
        days in 0i64..900,
        govuk in any::<bool>(),
    ) {
        let due = first_day() + chrono::Duration::days(due_off);
        let until = (due + chrono::Duration::days(days)).min(last_day());
        let (small, big) = (c1.min(c2), c1.max(c2));
        let mut r1 = calc_for(j, small, due, until);
        let mut r2 = calc_for(j, big, due, until);
        r1.govuk_rounding = govuk;
        r2.govuk_rounding = govuk;
        let i1 = run(&r1).interest.amount();
        let i2 = run(&r2).interest.amount();
        prop_assert!(i1 <= i2, "a bigger debt can never bear less interest ({} > {})", i1, i2);
    }

    #[test]
    fn splitting_a_period_does_not_change_the_exact_sum(
        cents in 1i64..100_000_000_000,
        from_off in 0i64..1_600,
        len in 1i64..700,
        cut in 0i64..700,
        floating in proptest::option::of(proptest::sample::select(vec![
            (RateSeries::EcbMro, dec!(8)),
            (RateSeries::EcbMro, dec!(10)),
            (RateSeries::DeBasiszins, dec!(9)),
            (RateSeries::DeBasiszins, dec!(5)),
        ])),
        rate_bp in 0i64..3_000,
        govuk in any::<bool>(),
    ) {
        let t = table();
        let principal = Decimal::new(cents, 2);
        let rate = Decimal::new(rate_bp, 2);
        let from = first_day() + chrono::Duration::days(from_off.min(span()));
        let to = (from + chrono::Duration::days(len - 1)).min(last_day());
        let days = (to - from).num_days();
        let mid = from + chrono::Duration::days(cut % (days + 1));
        let (whole_n, whole_exact) = internals::numerators(principal, from, to, floating, rate, &t, govuk);
        let (a_n, a_exact) = internals::numerators(principal, from, mid, floating, rate, &t, govuk);
        let (b_n, b_exact) = internals::numerators(
            principal, mid + chrono::Duration::days(1), to, floating, rate, &t, govuk);
        prop_assert_eq!(
            a_n + b_n, whole_n,
            "principal x rate x days of the parts must add up exactly to the whole period"
        );
        if govuk {
            prop_assert_eq!(a_exact + b_exact, whole_exact, "gov.uk amounts are whole pennies: exact");
        } else {
            // Each part is divided by 36,500 separately, so they agree to Decimal's 28
            // significant digits (about 1e-19 on a billion), far below a cent.
            prop_assert!(
                (a_exact + b_exact - whole_exact).abs() <= Decimal::new(1, 15),
                "the parts' exact interest must equal the whole's"
            );
        }
        prop_assert_eq!(
            crate::money::round_half_up(a_exact + b_exact, 2),
            crate::money::round_half_up(whole_exact, 2),
            "rounded once, a split period gives the same cents"
        );
    }

    #[test]
    fn a_part_payment_never_increases_interest(
        j in proptest::sample::select(STATUTORY.to_vec()),
        cents in 100i64..100_000_000_000,
        due_off in 0i64..1_400,
        days in 1i64..900,
        pay_off in -30i64..900,
        pay_share in 1i64..=1_000,
        govuk in any::<bool>(),
    ) {
        let due = first_day() + chrono::Duration::days(due_off);
        let until = (due + chrono::Duration::days(days)).min(last_day());
        let span = (until - due).num_days();
        let pay_date = due + chrono::Duration::days(pay_off.min(span));
        let mut without = calc_for(j, cents, due, until);
        without.govuk_rounding = govuk;
        let mut with = without.clone();
        let amount = (cents * pay_share / 1_000).max(1);
        with.payments.push(PartPayment {
            date: pay_date,
            amount: Money::from_minor_units(amount, cur(currency_for(j))),
        });
        let before = run(&without);
        let after = run(&with);
        // BGB 367 rounds the interest at the payment: two roundings can add one cent.
        let slack = if j == Jurisdiction::De { dec!(0.01) } else { Decimal::ZERO };
        prop_assert!(
            after.interest.amount() <= before.interest.amount() + slack,
            "paying part of a debt must never make its interest grow ({} > {})",
            after.interest.amount(), before.interest.amount()
        );
        prop_assert!(
            after.balance_due.amount() <= before.balance_due.amount(),
            "a payment must lower (or keep) what is owed"
        );
    }

    #[test]
    fn exact_total_is_the_sum_of_exact_segments(
        j in proptest::sample::select(vec![Jurisdiction::Uk, Jurisdiction::Eu, Jurisdiction::Fr, Jurisdiction::UsNy]),
        cents in 1i64..100_000_000_000,
        due_off in 0i64..1_400,
        days in 0i64..900,
    ) {
        let due = first_day() + chrono::Duration::days(due_off);
        let until = (due + chrono::Duration::days(days)).min(last_day());
        let res = run(&calc_for(j, cents, due, until));
        let sum: Decimal = res.segments.iter().map(|s| s.interest_exact).sum();
        // Segments are divided one by one: equal to Decimal's 28 significant digits.
        prop_assert!(
            (sum - res.interest_exact).abs() <= Decimal::new(1, 15),
            "the total must be the sum of the segments a letter prints"
        );
        prop_assert_eq!(
            res.interest.amount(), crate::money::round_half_up(res.interest_exact, 2),
            "rounded once at the end"
        );
        let seg_days: i64 = res.segments.iter().map(|s| s.days).sum();
        prop_assert_eq!(seg_days, res.days_late, "every late day is in exactly one segment");
    }
}
