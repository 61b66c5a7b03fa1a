//! Any bytes as a publisher's rate download (ECB, Bundesbank, Bank of England, Banque de
//! France), under each of their usual file names: never a panic; a file that is read
//! either becomes a rate table or is refused in words.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["ecb.csv", "BBK01.SU0115.csv", "Bank Rate.csv", "taux.csv"] {
        if let Ok(file) = overdue_domain::interest::publishers::parse_rate_file(name, data) {
            let _ = file.to_table();
        }
    }
});
