//! Shared helpers: fixtures, sums per currency and side.

use std::collections::BTreeMap;

use overdue_bankfile::{Entry, Parsed, Statement};
use rust_decimal::Decimal;

/// All fixture file names, for the detection and robustness loops.
pub const FIXTURES: [&str; 14] = [
    "camt053_v02.xml",
    "camt053_v04.xml",
    "camt053_v06.xml",
    "camt053_v08.xml",
    "camt053_v13.xml",
    "camt053_latin1.xml",
    "camt054_v08.xml",
    "mt940_german_cp1252.sta",
    "mt940_dutch.txt",
    "mt942_interim.txt",
    "ofx1_sgml_cp1252.ofx",
    "ofx2.xml",
    "csv_german_cp1252.csv",
    "csv_english.csv",
];

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn entries(parsed: &Parsed) -> Vec<&Entry> {
    parsed.statements.iter().flat_map(|s| &s.entries).collect()
}

/// Sum of amounts per (currency, "C" or "D").
pub fn sums(parsed: &Parsed) -> BTreeMap<(String, char), Decimal> {
    let mut sums = BTreeMap::new();
    for entry in entries(parsed) {
        let side = if entry.credit { 'C' } else { 'D' };
        *sums
            .entry((entry.currency.clone(), side))
            .or_insert(Decimal::ZERO) += entry.amount;
    }
    sums
}

pub fn sum_map(items: &[(&str, char, Decimal)]) -> BTreeMap<(String, char), Decimal> {
    items
        .iter()
        .map(|(c, s, a)| ((c.to_string(), *s), *a))
        .collect()
}

/// Opening balance plus the entries equals the closing balance.
pub fn assert_balances_add_up(statement: &Statement) {
    let (Some(opening), Some(closing)) = (&statement.opening, &statement.closing) else {
        panic!(
            "statement {} has no opening or closing balance",
            statement.statement_id
        );
    };
    let moved: Decimal = statement
        .entries
        .iter()
        .map(|e| if e.credit { e.amount } else { -e.amount })
        .sum();
    assert_eq!(
        opening.amount + moved,
        closing.amount,
        "statement {}: opening + entries must equal closing, else a sign or a batch was misread",
        statement.statement_id
    );
}
