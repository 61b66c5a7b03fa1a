//! Any text as a typed or imported date: never a panic; an accepted date lies in the
//! years 1900 to 2199 and prints back as the text that was given.
#![no_main]
use chrono::Datelike;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(d) = overdue_domain::ledger::parse_iso_date(text) {
        assert!((1900..=2199).contains(&d.year()), "{text:?} -> {d}");
        assert_eq!(d.to_string(), text.trim());
    }
});
