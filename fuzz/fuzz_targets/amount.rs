//! Any text as an amount: never a panic, and an accepted amount that fits in minor units
//! reads back the same from them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use overdue_domain::money::{Currency, Money};

fuzz_target!(|text: &str| {
    for code in ["EUR", "JPY", "BHD"] {
        let currency = Currency::from_code(code).expect("a known currency");
        if let Ok(m) = Money::parse(text, currency) {
            if let Ok(minor) = m.to_minor_units() {
                let again = Money::from_minor_units(minor, currency);
                assert_eq!(again, m, "{text:?} in {code}");
            }
        }
    }
});
