//! Any bytes as a bank's CSV export, read as the import wizard does: the header rows
//! guessed, a preview, the suggested mapping, then the file through that mapping. Never
//! a panic; an error names a line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let skip = overdue_bankfile::csv_guess_skip_rows(data);
    let Ok(preview) = overdue_bankfile::csv_preview(data, skip, None) else {
        return;
    };
    let mut mapping = overdue_bankfile::suggest_csv_mapping(&preview);
    if mapping.date.is_empty() {
        return;
    }
    mapping.default_currency.get_or_insert_with(|| "EUR".into());
    if let Err(e) = overdue_bankfile::parse(
        data,
        "fuzz.csv",
        Some(overdue_bankfile::Format::Csv),
        Some(&mapping),
    ) {
        assert!(!e.to_string().is_empty());
    }
});
