//! Any bytes as a CSV file of debtors, invoices or payments, read as the import does
//! (`overdue-api/src/csv_rows.rs`, compiled in by path): straight as a canonical file, and
//! through the import wizard (delimiter detected, mapping suggested from the header names,
//! decimal commas rewritten). Never a panic; every row has a field per column, rows come
//! in file order, and every problem names the file, a line and a column.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/overdue-api/src/csv_rows.rs"]
mod csv_rows;

use csv_rows::{Problems, Shape};

fn check(shape: &Shape, bytes: &[u8]) {
    let mut problems = Problems::new("fuzz.csv");
    let rows = csv_rows::read_rows(shape, bytes, &mut problems);
    let mut last = 0;
    for (line, fields, columns) in &rows {
        assert!(*line > last, "rows in file order: {line} after {last}");
        last = *line;
        assert_eq!(fields.len(), columns.len());
    }
    assert!(problems.list.len() <= problems.count);
    assert!(problems.list.len() <= csv_rows::MAX_ERRORS);
    for (line, field, message) in &problems.list {
        assert!(*line >= 1);
        assert!(field.starts_with(&format!("fuzz.csv:{line}: ")), "{field}");
        assert!(!message.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let shape = [csv_rows::DEBTORS, csv_rows::INVOICES, csv_rows::PAYMENTS][usize::from(first % 3)];
    check(&shape, bytes);
    let Ok(delimiter) = csv_rows::delimiter_of(bytes, "") else {
        panic!("detecting the delimiter never fails");
    };
    let headers = csv_rows::header_of(bytes, delimiter);
    let suggested: Vec<String> = shape
        .header
        .iter()
        .map(|column| csv_rows::suggest(column, &headers))
        .collect();
    let mapping: Vec<(&str, &str)> = shape
        .header
        .iter()
        .zip(&suggested)
        .map(|(c, s)| (*c, s.as_str()))
        .collect();
    match csv_rows::reshape(&shape, bytes, &mapping, delimiter, first & 4 != 0) {
        Ok(canonical) => check(&shape, &canonical),
        Err(message) => assert!(!message.is_empty()),
    }
});
