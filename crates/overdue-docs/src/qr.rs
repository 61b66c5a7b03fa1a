//! EPC QR code ("GiroCode"): a SEPA credit transfer a banking app can read.

use overdue_domain::money::decimal_string;
use overdue_domain::Money;
use qrcode::{Color, EcLevel, QrCode};

/// The EPC069-12 payload (version 002, UTF-8, SCT).
pub fn epc_payload(name: &str, iban: &str, bic: &str, amount: &Money, reference: &str) -> String {
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let iban: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let bic: String = bic.chars().filter(|c| !c.is_whitespace()).collect();
    // A valid ISO 11649 reference goes into the structured-reference field (banks carry
    // it to our statement as CdtrRefInf); anything else is unstructured remittance text.
    let tail = match overdue_domain::bank::rf::parse_valid(reference) {
        Some((rf, _)) => format!("\n{rf}"),
        None => format!("\n\n{}", clip(reference.trim(), 140)),
    };
    format!(
        "BCD\n002\n1\nSCT\n{bic}\n{}\n{iban}\nEUR{}\n{tail}",
        clip(name.trim(), 70),
        decimal_string(amount.amount(), 2),
    )
}

/// The QR modules (`width` x `width`, row by row) for an EUR transfer, or `None` when the
/// amount is outside what EPC allows (0.01 to 999,999,999.99).
pub(crate) fn epc(
    name: &str,
    iban: &str,
    bic: &str,
    amount: &Money,
    reference: &str,
) -> Option<(usize, Vec<bool>)> {
    let a = amount.amount();
    if a < rust_decimal::Decimal::new(1, 2) || a > rust_decimal::Decimal::new(99_999_999_999, 2) {
        return None;
    }
    let code = QrCode::with_error_correction_level(
        epc_payload(name, iban, bic, amount, reference),
        EcLevel::M,
    )
    .ok()?;
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Some((code.width(), dark))
}
