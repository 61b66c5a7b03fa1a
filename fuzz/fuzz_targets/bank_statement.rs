//! Any bytes as a bank statement, its format detected as on import: never a panic; what
//! is read names a format, and every entry carries a currency code and a date.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = overdue_bankfile::parse(data, "fuzz", None, None) {
        for s in &parsed.statements {
            for e in &s.entries {
                assert_eq!(e.currency.len(), 3, "{e:?}");
            }
        }
    }
});
