//! Whatever bytes arrive, `parse` returns a value or an error: it never panics.

use overdue_bankfile::{csv_preview, detect, parse, CsvMapping, Format};
use proptest::prelude::*;

use crate::support::{fixture, FIXTURES};

fn any_mapping() -> CsvMapping {
    CsvMapping {
        date: "Date".into(),
        amount: Some("Amount".into()),
        default_currency: Some("EUR".into()),
        ..CsvMapping::default()
    }
}

/// Parses with detection and with every explicit format; the result does not matter.
fn poke(bytes: &[u8]) {
    let mapping = any_mapping();
    let _ = detect(bytes);
    let _ = parse(bytes, "f", None, Some(&mapping));
    for format in Format::ALL {
        let _ = parse(bytes, "f", Some(format), Some(&mapping));
    }
    let _ = csv_preview(bytes, 1, None);
}

#[test]
fn every_truncation_of_every_fixture() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let step = (bytes.len() / 400).max(1);
        for end in (0..bytes.len()).step_by(step) {
            let cut = &bytes[..end];
            let _ = detect(cut);
            let _ = parse(cut, name, None, Some(&any_mapping()));
        }
    }
}

#[test]
fn truncated_xml_is_never_a_partial_result() {
    for name in FIXTURES.iter().filter(|n| n.ends_with(".xml")) {
        let bytes = fixture(name);
        let body_end = bytes.len() - 40;
        for end in (200..body_end).step_by(97) {
            assert!(
                parse(&bytes[..end], name, None, None).is_err(),
                "{name} cut at {end} must fail, not return what it read so far"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        poke(&bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let mut bytes = fixture(FIXTURES[which]);
        for (at, byte) in edits {
            let i = at % bytes.len();
            bytes[i] = byte;
        }
        poke(&bytes);
    }

    #[test]
    fn spliced_fixtures_never_panic(a in 0..FIXTURES.len(), b in 0..FIXTURES.len(), cut in any::<usize>()) {
        let (x, y) = (fixture(FIXTURES[a]), fixture(FIXTURES[b]));
        let mut bytes = x[..cut % x.len()].to_vec();
        bytes.extend_from_slice(&y[cut % y.len()..]);
        poke(&bytes);
    }
}
