//! `overdue calc ...` through the real binary: every RATE-*, COMP-*, INT-*, PDX-*, CRD-* and
//! PLAN-* vector of `shared/domain/vectors.txt` that maps to a command line, the JSON
//! contract the acceptance scripts rely on, the human output, and bad input (exit 2, the
//! message on stderr, `{"code":"invalid_input","message":...}` with `--json`).
//!
//! Command lines are written as one string and split at whitespace (no argument here
//! contains a space; file paths are passed separately).

use std::process::Command;

use chrono::{Days, NaiveDate};
use serde_json::Value;

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn overdue(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_overdue"))
        .args(args)
        // The calculators need no database: a path that cannot be created proves none is
        // opened.
        .env(
            "OVERDUE_DB",
            "/nonexistent-overdue-dir/calc-must-not-open.db",
        )
        .output()
        .expect("the overdue binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `calc` + the words of `line` + `extra` (+ `--json`).
fn argv<'a>(line: &'a str, extra: &[&'a str], json: bool) -> Vec<&'a str> {
    let mut full = vec!["calc"];
    full.extend(line.split_whitespace());
    full.extend_from_slice(extra);
    if json {
        full.push("--json");
    }
    full
}

/// `overdue calc LINE EXTRA --json`, which must succeed; its stdout as JSON.
fn calc_with(line: &str, extra: &[&str]) -> Value {
    let full = argv(line, extra, true);
    let run = overdue(&full);
    assert_eq!(
        run.code,
        0,
        "overdue {} failed: {}",
        full.join(" "),
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout of {full:?} is not JSON ({e}): {}", run.stdout))
}

fn calc(line: &str) -> Value {
    calc_with(line, &[])
}

/// `overdue calc LINE` without `--json`, which must succeed; its stdout.
fn calc_text(line: &str) -> String {
    let full = argv(line, &[], false);
    let run = overdue(&full);
    assert_eq!(
        run.code,
        0,
        "overdue {} failed: {}",
        full.join(" "),
        run.stderr
    );
    run.stdout
}

/// Runs `overdue calc LINE EXTRA` with and without `--json`; both must fail with exit 2,
/// nothing on stdout, `error: MESSAGE` on stderr, and with `--json` the same message as
/// `{"code":"invalid_input","message":...}`. Returns the message.
fn bad_with(line: &str, extra: &[&str]) -> String {
    let plain = argv(line, extra, false);
    let run = overdue(&plain);
    let shown = plain.join(" ");
    assert_eq!(
        run.code, 2,
        "overdue {shown} should fail with 2: {}{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    let message = run
        .stderr
        .trim_end()
        .strip_prefix("error: ")
        .unwrap_or_else(|| panic!("stderr starts with \"error: \": {}", run.stderr))
        .to_string();

    let run = overdue(&argv(line, extra, true));
    assert_eq!(run.code, 2, "overdue {shown} --json should fail with 2");
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    let e: Value = serde_json::from_str(run.stderr.trim())
        .unwrap_or_else(|err| panic!("--json stderr is JSON ({err}): {}", run.stderr));
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert_eq!(
        e["message"],
        message.as_str(),
        "the same message with and without --json"
    );
    message
}

fn bad(line: &str) -> String {
    bad_with(line, &[])
}

/// A string field (`"58.72"`), panicking with the whole value when it is not one.
fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("\"{key}\" is not a string in {v:#}"))
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn plus(text: &str, days: u64) -> String {
    (day(text) + Days::new(days)).to_string()
}

fn minus(text: &str, days: u64) -> String {
    (day(text) - Days::new(days)).to_string()
}

/// `calc interest` for one jurisdiction, principal, currency and period, plus `extra`.
fn interest(
    j: &str,
    principal: &str,
    currency: &str,
    due: &str,
    until: &str,
    extra: &str,
) -> Value {
    calc(&format!(
        "interest --jurisdiction {j} --principal {principal} --currency {currency} --due {due} \
         --until {until} {extra}"
    ))
}

// ---------------------------------------------------------------------------------------
// RATE-*
// ---------------------------------------------------------------------------------------

/// RATE-UK: (interest_start, reference_date, boe_base, statutory_rate).
const RATE_UK: [(&str, &str, &str, &str); 7] = [
    ("2023-03-01", "2022-12-31", "3.50", "11.50"),
    ("2023-08-01", "2023-06-30", "5.00", "13.00"),
    ("2024-02-01", "2023-12-31", "5.25", "13.25"),
    ("2024-09-01", "2024-06-30", "5.25", "13.25"),
    ("2025-03-01", "2024-12-31", "4.75", "12.75"),
    ("2025-09-01", "2025-06-30", "4.25", "12.25"),
    ("2026-03-01", "2025-12-31", "3.75", "11.75"),
];

#[test]
fn rate_uk_every_vector() {
    for (start, reference, boe, rate) in RATE_UK {
        let due = minus(start, 1);
        // 200 days: well into the next half-year, where the UK rate must not move.
        let r = interest("uk", "1000.00", "GBP", &due, &plus(start, 199), "");
        assert_eq!(s(&r, "interest_start"), start, "RATE-UK {start}");
        let segments = r["segments"].as_array().unwrap();
        assert_eq!(
            segments.len(),
            1,
            "RATE-UK {start}: fixed for the life of the debt"
        );
        let seg = &segments[0];
        assert_eq!(s(seg, "rate"), rate, "RATE-UK {start} statutory_rate");
        assert_eq!(s(seg, "reference_rate"), boe, "RATE-UK {start} boe_base");
        assert_eq!(
            s(seg, "reference_date"),
            reference,
            "RATE-UK {start} reference_date"
        );
        assert_eq!(seg["days"], 200, "RATE-UK {start}");
    }
}

/// RATE-EU: (half-year start, ecb_mro, directive +8, FR +10, Basiszins, DE b2b +9,
/// DE consumer +5).
#[rustfmt::skip]
const RATE_EU: [(&str, &str, &str, &str, &str, &str, &str); 7] = [
    ("2023-01-01", "2.50", "10.50", "12.50", "1.62", "10.62", "6.62"),
    ("2023-07-01", "4.00", "12.00", "14.00", "3.12", "12.12", "8.12"),
    ("2024-01-01", "4.50", "12.50", "14.50", "3.62", "12.62", "8.62"),
    ("2024-07-01", "4.25", "12.25", "14.25", "3.37", "12.37", "8.37"),
    ("2025-01-01", "3.15", "11.15", "13.15", "2.27", "11.27", "7.27"),
    ("2025-07-01", "2.15", "10.15", "12.15", "1.27", "10.27", "6.27"),
    ("2026-01-01", "2.15", "10.15", "12.15", "1.27", "10.27", "6.27"),
];

#[test]
fn rate_eu_every_vector_and_every_eu_jurisdiction() {
    for (half, ecb, directive, fr, basiszins, de_b2b, de_consumer) in RATE_EU {
        let due = minus(half, 1);
        let until = plus(half, 30);
        let cases = [
            ("eu", "", directive, ecb),
            ("ie", "", directive, ecb),
            ("fr", "", fr, ecb),
            ("de", "", de_b2b, basiszins),
            ("de", "--debtor-kind consumer", de_consumer, basiszins),
        ];
        for (j, extra, rate, reference) in cases {
            let r = interest(j, "1000.00", "EUR", &due, &until, extra);
            let what = format!("RATE-EU {half} {j} {extra}");
            assert_eq!(r["segments"].as_array().unwrap().len(), 1, "{what}");
            let seg = &r["segments"][0];
            assert_eq!(s(seg, "rate"), rate, "{what}");
            assert_eq!(s(seg, "reference_rate"), reference, "{what}");
            assert_eq!(s(seg, "reference_date"), half, "{what}");
        }
    }
}

#[test]
fn rate_note_2026_h2_is_missing_from_the_shipped_table_and_never_guessed() {
    // Interest stops at the last day the table covers (never a guessed rate), the gap is
    // named, and the fixed compensation, which needs no rate, is claimed in full.
    let cases = [
        ("fr", "EUR", "2026-H2", "40.00"),
        ("de", "EUR", "2026-H2", "40.00"),
        ("eu", "EUR", "2026-H2", "40.00"),
        ("ie", "EUR", "2026-H2", "40.00"),
        // Interest starting 2026-07-01 needs the BoE base rate on 2026-06-30.
        ("uk", "GBP", "2026-06-30", "70.00"),
    ];
    for (j, currency, period, compensation) in cases {
        let line = format!(
            "interest --jurisdiction {j} --principal 1000.00 --currency {currency} \
             --due 2026-06-30 --until 2026-07-15"
        );
        let r = calc(&line);
        assert_eq!(r["interest"], "0.00", "{j}: {r}");
        assert_eq!(r["interest_to"], "2026-06-30", "{j}: {r}");
        assert_eq!(r["compensation"], compensation, "{j}: {r}");
        let gap = r["rate_gap"].as_str().unwrap_or_default();
        assert!(
            gap.contains(period) && gap.contains("rate table"),
            "{j}: {gap}"
        );
        assert!(!gap.contains("--rates"), "no advice naming a flag: {gap}");
        let text = calc_text(&line);
        assert!(
            text.contains(period),
            "the text says what is missing: {text}"
        );
    }
    // A German debt paid on 6 December 2026 (issue 14): interest to 30 June, then the gap.
    let r = calc(
        "interest --jurisdiction de --principal 1000.00 --currency EUR --due 2026-03-31 \
         --until 2026-12-06",
    );
    assert_eq!(r["interest_to"], "2026-06-30", "{r}");
    assert_eq!(r["compensation"], "40.00", "{r}");
    // 1000 x 10.27 % x 91 / 365 = 25.60
    assert_eq!(r["interest"], "25.60", "{r}");
}

#[test]
fn a_rates_file_adds_rows_and_takes_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Hypothetical figures for the test, not published rates.
    let added = file(
        "h2.csv",
        "series,valid_from,valid_to,rate,source\necb_mro,2026-07-01,2026-12-31,2.00,test only\n",
    );
    let line = "interest --jurisdiction fr --principal 1000.00 --due 2026-05-31 --until 2026-07-31";
    let r = calc_with(line, &["--rates", &added]);
    let segs = r["segments"].as_array().unwrap();
    assert_eq!(segs.len(), 2, "{r:#}");
    assert_eq!(
        s(&segs[0], "rate"),
        "12.15",
        "2026-H1 still comes from the shipped table"
    );
    assert_eq!(s(&segs[1], "rate"), "12.00", "2026-H2 comes from the file");

    let replaced = file(
        "replace.csv",
        "# a corrected row\nseries,valid_from,valid_to,rate,source\n\
         ecb_mro,2025-06-11,2026-06-30,3.00,test only\n",
    );
    let line = "interest --jurisdiction fr --principal 1000.00 --due 2025-12-31 --until 2026-01-31";
    let r = calc_with(line, &["--rates", &replaced]);
    assert_eq!(s(&r["segments"][0], "rate"), "13.00", "the file's row wins");

    let broken = file(
        "broken.csv",
        "series,valid_from,valid_to,rate\necb_mro,2026-07-01,2026-12-31,abc\n",
    );
    let e = bad_with(line, &["--rates", &broken]);
    assert!(e.contains(&broken) && e.contains("line 2"), "{e}");
    let missing = dir.path().join("missing.csv");
    let missing = missing.to_str().unwrap();
    let e = bad_with(line, &["--rates", missing]);
    assert!(
        e.starts_with(&format!(
            "--rates: cannot read the rate table \"{missing}\""
        )),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// COMP-*
// ---------------------------------------------------------------------------------------

#[test]
fn comp_uk_every_vector() {
    let vectors = [
        ("0.01", "40.00"),
        ("999.99", "40.00"),
        ("1000.00", "70.00"),
        ("9999.99", "70.00"),
        ("10000.00", "100.00"),
        ("250000.00", "100.00"),
    ];
    for (debt, fixed) in vectors {
        let r = interest("uk", debt, "GBP", "2026-01-31", "2026-02-28", "");
        assert_eq!(s(&r, "compensation"), fixed, "COMP-UK debt={debt}");
        let r = interest(
            "uk",
            debt,
            "GBP",
            "2026-01-31",
            "2026-02-28",
            "--no-compensation",
        );
        assert_eq!(
            s(&r, "compensation"),
            "0.00",
            "--no-compensation, debt={debt}"
        );
    }
}

#[test]
fn comp_eu_every_jurisdiction() {
    for j in ["eu", "ie", "de", "fr"] {
        for debt in ["0.01", "123.45", "250000.00"] {
            let r = interest(j, debt, "EUR", "2025-04-30", "2025-05-31", "");
            assert_eq!(s(&r, "compensation"), "40.00", "COMP-EU {j} debt={debt}");
            assert_eq!(s(&r, "currency"), "EUR");
        }
    }
    let consumer = "--debtor-kind consumer";
    let r = interest("de", "5000.00", "EUR", "2025-04-30", "2025-05-31", consumer);
    assert_eq!(
        s(&r, "compensation"),
        "0.00",
        "COMP-EU: DE consumer debtor -> 0"
    );
    for j in ["us-ca", "us-ny"] {
        let r = interest(j, "5000.00", "USD", "2025-04-30", "2025-05-31", "");
        assert_eq!(
            s(&r, "compensation"),
            "0.00",
            "{j}: no statutory fixed compensation"
        );
    }
}

// ---------------------------------------------------------------------------------------
// INT-*
// ---------------------------------------------------------------------------------------

#[test]
fn int_uk1_govuk_example() {
    // Base rate 0.50 on the reference date 2014-12-31; 50 days from 2015-04-01.
    let r = interest("uk", "1000.00", "GBP", "2015-03-31", "2015-05-20", "");
    let seg = &r["segments"][0];
    assert_eq!((s(seg, "rate"), s(seg, "reference_rate")), ("8.50", "0.50"));
    assert_eq!(seg["days"], 50);
    assert_eq!(s(seg, "daily"), "0.23");
    assert_eq!(
        s(seg, "interest_exact"),
        "11.643836",
        "daily_exact 0.232877 x 50"
    );
    assert_eq!(s(&r, "interest"), "11.64", "INT-UK1 interest_exact_rounded");
    assert_eq!(s(&r, "compensation"), "70.00", "INT-UK1 fixed_sum");
    let g = interest(
        "uk",
        "1000.00",
        "GBP",
        "2015-03-31",
        "2015-05-20",
        "--govuk-rounding",
    );
    assert_eq!(s(&g, "interest"), "11.50", "INT-UK1 govuk_style");

    // The same figures with the rate given (--rate 8.5 overrides the statutory rate).
    for (extra, expected) in [
        ("--rate 8.5", "11.64"),
        ("--rate 8.5 --govuk-rounding", "11.50"),
    ] {
        let r = interest("uk", "1000.00", "GBP", "2026-01-31", "2026-03-22", extra);
        assert_eq!(s(&r["segments"][0], "rate"), "8.50");
        assert_eq!(r["segments"][0]["days"], 50);
        assert_eq!(s(&r, "interest"), expected, "INT-UK1 with {extra}");
        assert_eq!(s(&r, "compensation"), "70.00");
    }
}

const INT_UK2: &str = "interest --jurisdiction uk --principal 2400.00 --currency GBP \
                       --due 2026-03-31 --until 2026-06-15";

#[test]
fn int_uk2_is_the_json_contract() {
    let r = calc(INT_UK2);
    assert_eq!(s(&r, "currency"), "GBP");
    assert_eq!(s(&r, "interest"), "58.72");
    assert_eq!(s(&r, "compensation"), "70.00");
    assert_eq!(s(&r, "principal_outstanding"), "2400.00");
    assert_eq!(s(&r, "balance_due"), "2528.72", "INT-UK2 total_claim");
    assert!(!s(&r, "basis").is_empty());
    assert_eq!(
        r["segments"],
        serde_json::json!([{
            "from": "2026-04-01", "to": "2026-06-15", "days": 76, "principal": "2400.00",
            "rate": "11.75", "interest": "58.72",
            "reference_rate": "3.75", "reference_date": "2025-12-31", "daily": "0.77",
            "interest_exact": "58.717808",
        }])
    );
    assert!(r["segments"][0]["days"].is_u64(), "days is a JSON number");
    assert_eq!(s(&r, "interest_start"), "2026-04-01");
    assert_eq!(s(&r, "daily_interest"), "0.77", "INT-UK2 daily");
    // `--json` may come anywhere, also before the subcommand.
    let mut early = vec!["--json", "calc"];
    early.extend(INT_UK2.split_whitespace());
    let run = overdue(&early);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).unwrap(), r);
}

#[test]
fn int_uk6a_interest_starting_on_30_june_uses_31_december() {
    let r = interest("uk", "1000.00", "GBP", "2025-06-29", "2025-07-29", "");
    let seg = &r["segments"][0];
    assert_eq!(s(&r, "interest_start"), "2025-06-30");
    assert_eq!(s(seg, "reference_date"), "2024-12-31");
    assert_eq!(s(seg, "reference_rate"), "4.75");
    assert_eq!(s(seg, "rate"), "12.75");
    assert_eq!(seg["days"], 30);
    assert_eq!(s(&r, "interest"), "10.48");
    assert_eq!(s(&r, "daily_interest"), "0.35");
    assert_eq!(s(&r, "compensation"), "70.00");
    assert_eq!(s(&r, "balance_due"), "1080.48");
}

/// A floating-rate vector: name, jurisdiction, principal, due, until, segments as
/// (from, to, days, rate, exact interest), interest, fixed sum, balance.
struct Floating {
    name: &'static str,
    j: &'static str,
    principal: &'static str,
    due: &'static str,
    until: &'static str,
    segments: [(&'static str, &'static str, i64, &'static str, &'static str); 2],
    interest: &'static str,
    fixed: &'static str,
    balance: &'static str,
}

const FLOATING: [Floating; 2] = [
    Floating {
        name: "INT-DE1",
        j: "de",
        principal: "10000.00",
        due: "2025-04-30",
        until: "2025-08-31",
        segments: [
            ("2025-05-01", "2025-06-30", 61, "11.27", "188.347945"),
            ("2025-07-01", "2025-08-31", 62, "10.27", "174.449315"),
        ],
        interest: "362.80",
        fixed: "40.00",
        balance: "10402.80",
    },
    Floating {
        name: "INT-FR1",
        j: "fr",
        principal: "8000.00",
        due: "2025-05-31",
        until: "2025-09-30",
        segments: [
            ("2025-06-01", "2025-06-30", 30, "13.15", "86.465753"),
            ("2025-07-01", "2025-09-30", 92, "12.15", "244.997260"),
        ],
        interest: "331.46",
        fixed: "40.00",
        balance: "8371.46",
    },
];

#[test]
fn int_de1_and_fr1_float_by_half_year() {
    for v in FLOATING {
        let r = interest(v.j, v.principal, "EUR", v.due, v.until, "");
        let got = r["segments"].as_array().unwrap();
        assert_eq!(got.len(), 2, "{}: {r:#}", v.name);
        for (seg, (from, to, days, rate, exact)) in got.iter().zip(v.segments) {
            assert_eq!(
                (
                    s(seg, "from"),
                    s(seg, "to"),
                    seg["days"].as_i64(),
                    s(seg, "rate")
                ),
                (from, to, Some(days), rate),
                "{}",
                v.name
            );
            assert_eq!(s(seg, "interest_exact"), exact, "{} {from}", v.name);
            assert_eq!(s(seg, "principal"), v.principal);
        }
        assert_eq!(s(&r, "interest"), v.interest, "{} interest", v.name);
        assert_eq!(s(&r, "compensation"), v.fixed, "{} fixed sum", v.name);
        assert_eq!(s(&r, "balance_due"), v.balance, "{} balance", v.name);
    }
}

#[test]
fn part_payments_reduce_the_principal_and_the_balance() {
    // 2400.00 at 11.75%: 31 days on 2400.00 (to the payment day inclusive), then 45 days on
    // 1400.00: (2400 x 31 + 1400 x 45) x 11.75 / 36500 = 44.2315... -> 44.23.
    let r = calc(&format!("{INT_UK2} --payment 1000.00@2026-05-01"));
    assert_eq!(s(&r, "interest"), "44.23");
    assert_eq!(
        s(&r, "compensation"),
        "70.00",
        "the band follows the debt when it became late"
    );
    assert_eq!(s(&r, "principal_outstanding"), "1400.00");
    assert_eq!(s(&r, "balance_due"), "1514.23");
    let segs = r["segments"].as_array().unwrap();
    assert_eq!(
        (segs[0]["days"].as_i64(), segs[1]["days"].as_i64()),
        (Some(31), Some(45))
    );
    assert_eq!(s(&segs[1], "principal"), "1400.00");
    assert_eq!(s(&r["allocations"][0], "to_principal"), "1000.00");

    // A payment before the due date is not late money: no interest on it, band on the rest.
    let r = interest(
        "uk",
        "2400.00",
        "GBP",
        "2025-06-30",
        "2025-07-30",
        "--payment 2000.00@2025-05-15",
    );
    assert_eq!(s(&r, "principal_outstanding"), "400.00");
    assert_eq!(
        s(&r, "compensation"),
        "40.00",
        "400.00 was late: the band below 1,000.00"
    );
}

#[test]
fn contract_and_us_rates() {
    let terms = "--rate 8 --fee 25.00";
    let r = interest(
        "contract",
        "1000.00",
        "EUR",
        "2026-01-31",
        "2026-03-02",
        terms,
    );
    // 1000 x 8 x 30 / 36500 = 6.5753 -> 6.58.
    assert_eq!(s(&r, "interest"), "6.58");
    assert_eq!(s(&r, "compensation"), "25.00");
    assert_eq!(s(&r["segments"][0], "rate"), "8.00");
    assert!(r["segments"][0]["reference_rate"].is_null());
    assert_eq!(s(&r, "balance_due"), "1031.58");

    let r = interest("us-ca", "1000.00", "USD", "2026-01-31", "2026-03-02", "");
    assert_eq!(s(&r["segments"][0], "rate"), "10.00");
    let r = interest("us-ny", "1000.00", "USD", "2026-01-31", "2026-03-02", "");
    assert_eq!(s(&r["segments"][0], "rate"), "9.00");
}

#[test]
fn interest_prints_a_readable_breakdown() {
    let out = calc_text(INT_UK2);
    for needle in [
        "2026-04-01",
        "2026-06-15",
        "76",
        "11.75",
        "58.72",
        "70.00",
        "2528.72",
        "Balance due",
        "Basis:",
        "Late Payment of Commercial Debts",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
}

// ---------------------------------------------------------------------------------------
// PDX-*
// ---------------------------------------------------------------------------------------

/// PDX-IDX: (dbt, index) and the score three equal experiences at that DBT give.
const PDX_IDX: [(&str, &str, u64); 17] = [
    ("-30", "100.0000", 100),
    ("-20", "90.0000", 90),
    ("-10", "85.0000", 85),
    ("0", "80.0000", 80),
    ("5", "76.6667", 77),
    ("10", "73.3333", 73),
    ("15", "70.0000", 70),
    ("20", "62.8571", 63),
    ("22", "60.0000", 60),
    ("30", "50.0000", 50),
    ("40", "46.6667", 47),
    ("45", "45.0000", 45),
    ("60", "40.0000", 40),
    ("90", "30.0000", 30),
    ("120", "20.0000", 20),
    ("150", "10.0000", 10),
    // Index 0: the scale starts at 1.
    ("180", "0.0000", 1),
];

#[test]
fn pdx_idx_every_point() {
    for (dbt, index, score) in PDX_IDX {
        let e = format!("--experience 100.00@{dbt}");
        let r = calc(&format!("score {e} {e} {e}"));
        assert_eq!(s(&r, "weighted_index"), index, "PDX-IDX dbt={dbt}");
        assert_eq!(r["score"], score, "PDX-IDX dbt={dbt}");
        assert_eq!(s(&r["lines"][0], "index"), index);

        let one = calc(&format!("score {e}"));
        assert_eq!(
            s(&one, "weighted_index"),
            index,
            "one experience: the index, unscored"
        );
        assert!(one["score"].is_null());
    }
}

const PDX_1: &str = "score --experience 10000@0 --experience 5000@15 --experience 5000@30";

#[test]
fn pdx_1_amount_weighted_index_not_weighted_dbt() {
    let r = calc(PDX_1);
    assert_eq!(
        r["score"], 70,
        "PDX-1 paydex (the weighted-DBT method would give 73)"
    );
    assert_eq!(s(&r, "weighted_index"), "70.0000");
    assert_eq!(s(&r, "weighted_dbt"), "11.25");
    assert_eq!(r["experiences"], 3);
    assert_eq!(s(&r, "status"), "scored");

    let text = calc_text(PDX_1);
    assert!(
        text.contains("Payment score: 70") && text.contains("11.25"),
        "{text}"
    );
}

#[test]
fn pdx_4_two_experiences_are_unscored() {
    let r = calc("score --experience 10000@0 --experience 5000@15");
    assert!(r["score"].is_null(), "PDX-4: {r:#}");
    assert_eq!(s(&r, "status"), "UN");
    assert_eq!(r["experiences"], 2);
    assert!(calc_text("score --experience 1@0").contains("UN"));
}

#[test]
fn early_payments_have_negative_dbt() {
    let r = calc("score --experience 5000@-10 --experience 5000@-10 --experience 5000.00@-10");
    assert_eq!(r["score"], 85);
    assert_eq!(s(&r, "weighted_dbt"), "-10.00");
}

// ---------------------------------------------------------------------------------------
// CRD-*
// ---------------------------------------------------------------------------------------

#[test]
fn crd_1_over_the_limit_is_held() {
    let r = calc(
        "credit --limit 10000.00 --open 7500.00 --open-orders 0 --order 3000.00 --oldest-dpd 0",
    );
    assert_eq!(s(&r, "decision"), "HOLD", "CRD-1");
    assert_eq!(s(&r, "exposure"), "10500.00");
    assert_eq!(s(&r, "headroom"), "-500.00");
    assert_eq!(s(&r, "over_by"), "500.00");
    let first = r["reasons"][0].as_str().unwrap();
    assert!(
        first.contains("by 500.00"),
        "the hold reason says by how much: {first}"
    );
}

const CREDIT: &str = "credit --limit 10000.00 --open 6800.00 --order 3000.00";

#[test]
fn credit_release_dpd_hold_and_score_band() {
    let r = calc(CREDIT);
    assert_eq!(
        (s(&r, "decision"), s(&r, "exposure"), s(&r, "headroom")),
        ("RELEASE", "9800.00", "200.00")
    );
    assert!(r["reasons"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(r["over_by"].is_null());

    let late = format!("{CREDIT} --oldest-dpd 45 --tolerance 30");
    let r = calc(&late);
    assert_eq!(s(&r, "decision"), "HOLD");
    assert!(
        r["reasons"][0].as_str().unwrap().contains("45 days"),
        "{r:#}"
    );
    assert_eq!(s(&r, "headroom"), "200.00");
    assert_eq!(
        s(&calc(&format!("{CREDIT} --oldest-dpd 45")), "decision"),
        "HOLD",
        "30 by default"
    );
    let tolerant = calc(&format!("{CREDIT} --oldest-dpd 45 --tolerance 60"));
    assert_eq!(s(&tolerant, "decision"), "RELEASE");

    // Exposure equal to the limit is still within it.
    let r = calc("credit --limit 10000.00 --open 7000.00 --order 3000.00 --currency GBP");
    assert_eq!((s(&r, "decision"), s(&r, "headroom")), ("RELEASE", "0.00"));
    assert_eq!(s(&r, "currency"), "GBP");

    let r = calc(&format!("{CREDIT} --score 65"));
    assert_eq!(
        (s(&r, "decision"), s(&r, "limit")),
        ("HOLD", "5000.00"),
        "50-79: 50%"
    );

    let text = calc_text(&late);
    assert!(text.contains("HOLD") && text.contains("9800.00"), "{text}");
}

// ---------------------------------------------------------------------------------------
// PLAN-*
// ---------------------------------------------------------------------------------------

type Row = (u64, String, String, String, String, String);

/// Rows as (n, due, amount, principal, interest, balance_after).
fn rows(r: &Value) -> Vec<Row> {
    let field = |i: &Value, key: &str| s(i, key).to_string();
    r["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["n"].as_u64().unwrap(),
                field(i, "due"),
                field(i, "amount"),
                field(i, "principal"),
                field(i, "interest"),
                field(i, "balance_after"),
            )
        })
        .collect()
}

/// A row from `"n due amount principal interest balance"`.
fn row(line: &str) -> Row {
    let w: Vec<&str> = line.split_whitespace().collect();
    let t = |i: usize| w[i].to_string();
    (w[0].parse().unwrap(), t(1), t(2), t(3), t(4), t(5))
}

const PLAN_IF1: &str =
    "plan --total 1000.00 --currency EUR --installments 3 --first-due 2026-01-31";

#[test]
fn plan_if1_interest_free_clamped_dates() {
    let r = calc(PLAN_IF1);
    let expected = [
        "1 2026-01-31 333.33 333.33 0.00 666.67",
        "2 2026-02-28 333.33 333.33 0.00 333.34",
        "3 2026-03-31 333.34 333.34 0.00 0.00",
    ];
    assert_eq!(rows(&r), expected.map(row), "PLAN-IF1");
    assert_eq!(s(&r, "currency"), "EUR");
    assert_eq!(
        (s(&r, "total_paid"), s(&r, "total_interest")),
        ("1000.00", "0.00")
    );

    let first = calc(&format!(
        "{PLAN_IF1} --remainder first --method interest-free"
    ));
    assert_eq!(s(&first["installments"][0], "amount"), "333.34");
    assert_eq!(s(&first["installments"][2], "amount"), "333.33");
}

#[test]
fn plan_dates_monthly_from_31_january() {
    let r = calc(
        "plan --total 1200.00 --currency EUR --installments 12 --first-due 2026-01-31 \
         --frequency monthly",
    );
    let dues: Vec<String> = rows(&r).into_iter().map(|r| r.1).collect();
    let expected = "2026-01-31,2026-02-28,2026-03-31,2026-04-30,2026-05-31,2026-06-30,\
                    2026-07-31,2026-08-31,2026-09-30,2026-10-31,2026-11-30,2026-12-31";
    assert_eq!(dues.join(","), expected, "PLAN-DATES");

    let weekly = calc(
        "plan --total 300.00 --currency EUR --installments 3 --first-due 2026-01-31 \
         --frequency weekly",
    );
    let dues: Vec<String> = rows(&weekly).into_iter().map(|r| r.1).collect();
    assert_eq!(dues, ["2026-01-31", "2026-02-07", "2026-02-14"]);
}

/// PLAN-ANN1-ROWS: n, due, amount, principal, interest, balance.
const PLAN_ANN1_ROWS: [&str; 12] = [
    "1 2026-01-31 430.33 405.33 25.00 4594.67",
    "2 2026-02-28 430.33 407.36 22.97 4187.31",
    "3 2026-03-31 430.33 409.39 20.94 3777.92",
    "4 2026-04-30 430.33 411.44 18.89 3366.48",
    "5 2026-05-31 430.33 413.50 16.83 2952.98",
    "6 2026-06-30 430.33 415.57 14.76 2537.41",
    "7 2026-07-31 430.33 417.64 12.69 2119.77",
    "8 2026-08-31 430.33 419.73 10.60 1700.04",
    "9 2026-09-30 430.33 421.83 8.50 1278.21",
    "10 2026-10-31 430.33 423.94 6.39 854.27",
    "11 2026-11-30 430.33 426.06 4.27 428.21",
    "12 2026-12-31 430.35 428.21 2.14 0.00",
];

const PLAN_ANN1: &str =
    "plan --total 5000.00 --currency EUR --installments 12 --first-due 2026-01-31 --rate 6";

#[test]
fn plan_ann1_every_row() {
    for method in ["--method annuity", ""] {
        let r = calc(&format!("{PLAN_ANN1} {method}"));
        assert_eq!(
            rows(&r),
            PLAN_ANN1_ROWS.map(row),
            "PLAN-ANN1-ROWS with {method:?}"
        );
        assert_eq!(s(&r, "total_paid"), "5163.98", "PLAN-ANN1 total_paid");
        assert_eq!(
            s(&r, "total_interest"),
            "163.98",
            "PLAN-ANN1 total_interest"
        );
        assert_eq!(s(&r, "method"), "annuity");
    }
    let text = calc_text(&format!("{PLAN_ANN1} --method annuity"));
    for needle in ["430.35", "5163.98", "163.98", "2026-12-31"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn plan_equal_principal_and_down_payment() {
    let r = calc(
        "plan --total 1200.00 --currency EUR --installments 3 --first-due 2026-01-31 \
         --method equal-principal --rate 12",
    );
    // 1% a month on 1200, 800, 400.
    let expected = [
        "1 2026-01-31 412.00 400.00 12.00 800.00",
        "2 2026-02-28 408.00 400.00 8.00 400.00",
        "3 2026-03-31 404.00 400.00 4.00 0.00",
    ];
    assert_eq!(rows(&r), expected.map(row));
    assert_eq!(s(&r, "total_interest"), "24.00");

    let r = calc(
        "plan --total 1000.00 --currency EUR --installments 2 --first-due 2026-01-31 \
         --down-payment 400.00",
    );
    let expected = [
        "0 2026-01-31 400.00 400.00 0.00 600.00",
        "1 2026-02-28 300.00 300.00 0.00 300.00",
        "2 2026-03-31 300.00 300.00 0.00 0.00",
    ];
    assert_eq!(rows(&r), expected.map(row));
    assert_eq!(s(&r, "total_paid"), "1000.00");
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

/// `line` with `--flag value` pairs set: the value replaced where the flag is there, the
/// pair added otherwise; `--flag -` removes the flag and its value.
fn with(line: &str, changes: &str) -> String {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let changes: Vec<&str> = changes.split_whitespace().collect();
    for pair in changes.chunks(2) {
        let at = words.iter().position(|w| *w == pair[0]);
        match (at, pair.get(1)) {
            (Some(i), Some(&"-")) => {
                words.drain(i..i + 2);
            }
            (Some(i), Some(value)) => words[i + 1] = value,
            (None, _) => words.extend_from_slice(pair),
            (Some(_), None) => panic!("{} needs a value", pair[0]),
        }
    }
    words.join(" ")
}

#[test]
fn bad_input_exits_2_with_a_message_naming_the_input() {
    let uk = |c: &str| with(INT_UK2, c);
    let contract = "interest --jurisdiction contract --principal 1.00 --due 2026-01-01 \
                    --until 2026-02-01";
    let credit = |c: &str| with(CREDIT, c);
    let plan = |c: &str| with(PLAN_IF1, c);
    let huge = "79228162514264337593543950335";

    #[rustfmt::skip]
    let cases: Vec<(String, &str)> = vec![
        (uk("--principal abc"), "--principal: \"abc\" is not an amount"),
        (uk("--principal 1,234.50"), "--principal: \"1,234.50\" is not an amount"),
        (uk("--principal 10.001"), "--principal: 10.001 has more decimals than GBP allows"),
        (uk("--principal 0"), "--principal must be more than zero"),
        (uk("--principal -5.00"), "--principal must be more than zero"),
        (uk(&format!("--principal {huge}")), "--principal: 79228162514264337593543950335 is too large an amount"),
        (uk("--principal -"), "--principal is required"),
        (uk("--jurisdiction xx"), "unknown jurisdiction \"xx\": use uk, eu, ie, de, fr, us-ca, us-ny or contract"),
        (uk("--jurisdiction -"), "--jurisdiction is required"),
        (uk("--until 2026-01-01"), "--until 2026-01-01 is before --due 2026-03-31"),
        (uk("--due 2026-13-01"), "--due: 2026-13-01 is not a day in the calendar: there is no month 13"),
        (uk("--until 15/06/2026"), "--until: \"15/06/2026\" is not a date"),
        (uk("--due -"), "--due is required"),
        (uk("--until -"), "--until is required"),
        (uk("--currency XYZ"), "--currency: unknown currency \"XYZ\""),
        (uk("--debtor-kind alien"), "--debtor-kind: \"alien\" is not a debtor kind: use business or consumer"),
        (uk("--debtor-kind consumer"), "applies only when the debtor is a business"),
        (uk("--rate abc"), "--rate: \"abc\" is not a rate"),
        (uk("--rate -1"), "--rate -1: the interest rate cannot be negative"),
        (uk("--rate 5000"), "--rate 5000: more than 1000% is not plausible"),
        (uk("--payment 2000.00"), "--payment: \"2000.00\" should be AMOUNT@DATE"),
        (uk("--payment 2x@2026-05-01"), "--payment 2x@2026-05-01: \"2x\" is not an amount"),
        (uk("--payment 100.00@2026-02-30"), "--payment 100.00@2026-02-30: 2026-02-30 is not a day in the calendar: February 2026 has 28 days"),
        (uk("--payment 0.00@2026-05-01"), "must be more than zero"),
        (uk("--payment 100.00@2026-07-01"), "is after the calculation date 2026-06-15"),
        (uk("--payment 9000.00@2026-05-01"), "are more than the debt, interest and compensation"),
        (uk("--grace-days 5"), "use them with --jurisdiction contract"),
        (uk("--jurisdiction contract"), "--rate is required for a contract calculation"),
        (with(contract, "--rate 5"), "--currency is required for a contract calculation"),
        (with(contract, "--rate 5 --currency EUR --grace-days many"), "--grace-days: \"many\" is not a number of days"),
        (with(contract, "--rate 5 --currency EUR --fee-percent 2000"), "--fee-percent 2000: more than 1000%"),
        (with(contract, "--rate 5 --currency EUR --cap -1.00"), "the contract's cap cannot be negative"),
        ("score --experience 5000".into(), "--experience: \"5000\" should be AMOUNT@DBT"),
        ("score --experience 5000@abc".into(), "--experience 5000@abc: \"abc\" is not a whole number of days"),
        ("score --experience abc@5".into(), "--experience abc@5: \"abc\" is not an amount"),
        ("score --experience 5000@1.5".into(), "\"1.5\" is not a whole number of days"),
        ("score --experience -5@1".into(), "the invoice amount cannot be negative"),
        (format!("score --experience {huge}@1"), "is too large an amount"),
        (credit("--limit ten"), "--limit: \"ten\" is not an amount"),
        (credit("--limit -1.00"), "--limit cannot be negative"),
        (credit(&format!("--limit {huge}")), "--limit: 79228162514264337593543950335 is too large an amount"),
        (credit("--open 1.2.3"), "--open: \"1.2.3\" is not an amount"),
        (credit("--order -"), "--order is required"),
        (credit("--open -"), "--open is required"),
        (credit("--limit -"), "--limit is required"),
        (credit("--tolerance -1"), "--tolerance -1: the tolerance must be zero or more days"),
        (credit("--oldest-dpd many"), "--oldest-dpd: \"many\" is not a whole number"),
        (credit("--currency EURO"), "--currency: unknown currency \"EURO\""),
        (credit("--score 150"), "--score: \"150\" is not a score: use 1 to 100, or UN"),
        (plan("--installments 0"), "--installments 0: use 1 to 360 installments"),
        (plan("--installments 361"), "--installments 361: use 1 to 360 installments"),
        (plan("--installments three"), "--installments: \"three\" is not a whole number"),
        (plan("--total 0.00"), "--total must be more than zero"),
        (plan("--total 12.345"), "--total: 12.345 has more decimals than EUR allows"),
        (plan("--currency -"), "--currency is required"),
        (plan("--first-due 2026-02-30"), "--first-due: 2026-02-30 is not a day in the calendar: February 2026 has 28 days"),
        (plan("--first-due -"), "--first-due is required"),
        (plan("--frequency yearly"), "--frequency: \"yearly\" is not a frequency: use monthly, fortnightly or weekly"),
        (plan("--method balloon"), "--method: \"balloon\" is not a method"),
        (plan("--method annuity"), "--method annuity needs --rate"),
        (plan("--method interest-free --rate 6"), "an interest-free plan has no rate"),
        (plan("--rate -6 --method annuity"), "--rate -6: the interest rate cannot be negative"),
        (plan("--rate 1001"), "--rate 1001: more than 1000% is not plausible"),
        (plan("--remainder middle"), "--remainder: \"middle\" is not a choice: use last or first"),
        (plan("--rate 6 --remainder first"), "choose \"last\" for the remainder"),
        (plan("--down-payment 1000.00"), "the down payment (1000.00 EUR) must be less than the amount owed"),
        (plan("--total 0.02"), "is too small to spread over 3 installments"),
    ];
    for (line, expected) in &cases {
        let message = bad(line);
        assert!(
            message.contains(expected),
            "overdue calc {line}:\n  expected: {expected}\n  got:      {message}"
        );
    }
}
