//! Detection from content alone, and the top-level `parse` without a format.

use overdue_bankfile::{detect, parse, Format};

use crate::support::{fixture, FIXTURES};

fn expected(name: &str) -> Format {
    match name {
        n if n.starts_with("camt053") => Format::Camt053,
        n if n.starts_with("camt054") => Format::Camt054,
        n if n.starts_with("mt940") => Format::Mt940,
        n if n.starts_with("mt942") => Format::Mt942,
        n if n.starts_with("ofx") => Format::Ofx,
        _ => Format::Csv,
    }
}

#[test]
fn every_fixture_is_detected_from_its_bytes() {
    for name in FIXTURES {
        assert_eq!(detect(&fixture(name)), Some(expected(name)), "{name}");
    }
}

#[test]
fn every_non_csv_fixture_parses_without_naming_the_format() {
    for name in FIXTURES.iter().filter(|n| !n.starts_with("csv")) {
        let parsed = parse(&fixture(name), "no-extension", None, None)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.format, expected(name), "{name}");
        assert!(!parsed.statements.is_empty(), "{name}");
    }
}

#[test]
fn empty_and_garbage_are_not_statements() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for bytes in [
        &b""[..],
        b"\n\n  \r\n",
        &garbage,
        b"\x00\x01\x02\x03\x04\x05\x06\x07",
    ] {
        assert_eq!(detect(bytes), None);
        let err = parse(bytes, "junk.bin", None, None).unwrap_err();
        assert_eq!(
            err.message,
            "not a bank statement format Overdue reads (camt.053, camt.054, MT940, MT942, OFX, CSV)"
        );
        assert_eq!(err.file, "junk.bin");
    }
}

#[test]
fn format_names() {
    for format in Format::ALL {
        assert_eq!(Format::parse(format.as_str()), Some(format));
        assert_eq!(Format::parse(&format.as_str().to_uppercase()), Some(format));
    }
    assert_eq!(Format::parse("camt.053"), Some(Format::Camt053));
    assert_eq!(Format::parse("CAMT.054"), Some(Format::Camt054));
    assert_eq!(Format::parse("pdf"), None);
    assert_eq!(serde_json::to_string(&Format::Mt942).unwrap(), "\"mt942\"");
}

#[test]
fn sgml_ofx_without_header_and_mt942_with_closing_balance() {
    assert_eq!(detect(b"\r\n<OFX>\r\n<BANKMSGSRSV1>"), Some(Format::Ofx));
    let mt = b":20:X\n:25:DE89370400440532013000\n:28C:1\n:34F:EUR0,\n:13D:2403011200+0100\n:62F:C240301EUR0,\n";
    assert_eq!(
        detect(mt),
        Some(Format::Mt940),
        "a :62F: makes it a statement"
    );
}
