//! Court claims: what the courts' own forms accept, as pure rules and data.
//!
//! - England and Wales, Money Claim Online (MCOL): particulars of claim within the form's
//!   24 lines of 45 characters in plain letters, digits and common punctuation; the issue
//!   fee from the fee table ([`UK_ISSUE_FEES`], as published on gov.uk); which postcodes
//!   are outside England and Wales.
//! - Germany, gerichtliches Mahnverfahren: the central court for the applicant's seat
//!   ([`mahngericht`]), the claim types of the court's catalogue.
//! - France, injonction de payer: the competent court for the debtor's seat.

use rust_decimal::Decimal;

use crate::text::fold_for_search;

/// The forms Overdue fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Court {
    /// England and Wales: Money Claim Online.
    UkMcol,
    /// Germany: the online Mahnantrag.
    DeMahnverfahren,
    /// France: requête en injonction de payer.
    FrInjonction,
}

impl Court {
    /// `uk-mcol`, `de-mahnverfahren`, `fr-injonction`.
    pub fn code(self) -> &'static str {
        match self {
            Court::UkMcol => "uk-mcol",
            Court::DeMahnverfahren => "de-mahnverfahren",
            Court::FrInjonction => "fr-injonction",
        }
    }

    /// The form for a debtor in `country` (ISO code) whose policy names `uk_region`
    /// ("" for England and Wales): MCOL for England and Wales, the Mahnantrag for Germany,
    /// the injonction de payer for France; `None` elsewhere (Scotland and Northern Ireland
    /// have their own courts, which Overdue does not fill).
    pub fn for_debtor(country: &str, uk_region: &str) -> Option<Court> {
        match country.trim().to_ascii_uppercase().as_str() {
            "GB" | "UK" => {
                let region = uk_region.trim().to_ascii_lowercase();
                (region.is_empty()
                    || region.contains("england")
                    || region.contains("wales")
                    || region == "uk")
                    .then_some(Court::UkMcol)
            }
            "DE" => Some(Court::DeMahnverfahren),
            "FR" => Some(Court::FrInjonction),
            _ => None,
        }
    }

    /// Parses [`Court::code`].
    pub fn parse(code: &str) -> Option<Court> {
        [Court::UkMcol, Court::DeMahnverfahren, Court::FrInjonction]
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// Lines of the MCOL particulars of claim.
pub const MCOL_LINES: usize = 24;
/// Characters per line of the MCOL particulars.
pub const MCOL_WIDTH: usize = 45;
/// MCOL takes claims below this amount (GBP) only.
pub const MCOL_LIMIT: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// The county court issue fee for a money claim (GBP), by the amount claimed including
/// interest: (up to and including, fee), a fee of `None` meaning 5% of the claim rounded
/// down to the penny. From gov.uk "Make a court claim for money: court fees"; above the
/// last band the fee is GBP 10,000.
pub const UK_ISSUE_FEES: &[(&str, Option<&str>)] = &[
    ("300.00", Some("35.00")),
    ("500.00", Some("50.00")),
    ("1000.00", Some("70.00")),
    ("1500.00", Some("80.00")),
    ("3000.00", Some("115.00")),
    ("5000.00", Some("205.00")),
    ("10000.00", Some("455.00")),
    ("200000.00", None),
];

/// The issue fee for a claim of `amount` GBP (principal, compensation and interest).
pub fn uk_issue_fee(amount: Decimal) -> Decimal {
    for (up_to, fee) in UK_ISSUE_FEES {
        let limit: Decimal = up_to.parse().unwrap_or(Decimal::MAX);
        if amount <= limit {
            return match fee {
                Some(f) => f.parse().unwrap_or(Decimal::ZERO),
                // 5%, rounded down to the penny.
                None => (amount * Decimal::new(5, 2)).trunc_with_scale(2),
            };
        }
    }
    Decimal::new(10_000, 0)
}

/// Text as MCOL accepts it: plain letters, digits, spaces and common punctuation.
/// Accented letters are transliterated (`"Müller"` -> `"Muller"`, `"ß"` -> `"ss"`), `£`
/// and `€` become `GBP ` and `EUR `, anything else is left out.
pub fn mcol_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' => out.push(c),
            '.' | ',' | '\'' | '-' | '(' | ')' | '/' | '&' | ':' | ';' | '?' | '!' | '"' | '%'
            | '+' => out.push(c),
            '£' => out.push_str("GBP "),
            '€' => out.push_str("EUR "),
            '\n' | '\t' => out.push(' '),
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            other => {
                let folded: String = fold_for_search(&other.to_string())
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                if other.is_uppercase() {
                    let mut chars = folded.chars();
                    if let Some(first) = chars.next() {
                        out.push(first.to_ascii_uppercase());
                        out.push_str(chars.as_str());
                    }
                } else {
                    out.push_str(&folded);
                }
            }
        }
    }
    out
}

/// Words wrapped into lines of at most `width` characters (a word longer than a line is
/// split).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Paragraphs as MCOL particulars: each paragraph wrapped on its own (a blank line is not
/// spent between them), transliterated; `None` when they need more than [`MCOL_LINES`].
pub fn mcol_particulars(paragraphs: &[String]) -> Option<Vec<String>> {
    let lines: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| wrap(&mcol_text(p), MCOL_WIDTH))
        .collect();
    (lines.len() <= MCOL_LINES).then_some(lines)
}

/// Which of the United Kingdom's jurisdictions a postcode is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UkRegion {
    /// England and Wales.
    EnglandWales,
    /// Scotland.
    Scotland,
    /// Northern Ireland.
    NorthernIreland,
    /// The Isle of Man or the Channel Islands (not the United Kingdom's courts).
    CrownDependency,
    /// Not a postcode Overdue can place.
    Unknown,
}

/// The jurisdiction of a UK postcode by its area (the letters before the first digit).
/// The border areas TD (Scottish Borders and Berwick) and CA/NE are read as their larger
/// part (TD as Scotland).
pub fn uk_region(postcode: &str) -> UkRegion {
    let area: String = postcode
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    const SCOTLAND: &[&str] = &[
        "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD",
        "ZE",
    ];
    match area.as_str() {
        "" => UkRegion::Unknown,
        "BT" => UkRegion::NorthernIreland,
        "IM" | "JE" | "GY" => UkRegion::CrownDependency,
        a if SCOTLAND.contains(&a) => UkRegion::Scotland,
        a if a.len() <= 2 => UkRegion::EnglandWales,
        _ => UkRegion::Unknown,
    }
}

/// The central Mahngericht for an applicant (the creditor) by its seat: the state from
/// the German postal code's region, Amtsgericht Wedding for an applicant without a seat in
/// Germany (ZPO 689(2) sentence 2). Returns (court, why in words).
pub fn mahngericht(country: &str, postal_code: &str) -> (&'static str, String) {
    if !country.trim().eq_ignore_ascii_case("DE") {
        return (
            "Amtsgericht Wedding",
            "the applicant has no seat in Germany (ZPO 689(2) sentence 2)".into(),
        );
    }
    let digits: String = postal_code.trim().chars().take(5).collect();
    let Ok(code) = digits.parse::<u32>() else {
        return (
            "Amtsgericht Wedding",
            "no German postal code for the applicant: check the letterhead".into(),
        );
    };
    let (state, court) = match code {
        1000..=2999 | 4000..=4999 | 8000..=9999 => ("Sachsen", "Amtsgericht Aschersleben"),
        3000..=3999 | 14400..=16999 => ("Brandenburg", "Amtsgericht Wedding"),
        6000..=6999 | 38800..=39999 => ("Sachsen-Anhalt", "Amtsgericht Aschersleben"),
        7000..=7999 | 36400..=37199 | 98000..=99999 => ("Thüringen", "Amtsgericht Aschersleben"),
        10000..=14199 => ("Berlin", "Amtsgericht Wedding"),
        17000..=19999 => ("Mecklenburg-Vorpommern", "Amtsgericht Hamburg"),
        20000..=21149 | 22000..=22799 => ("Hamburg", "Amtsgericht Hamburg"),
        27500..=27599 | 28000..=28799 => ("Bremen", "Amtsgericht Bremen"),
        22800..=25999 => ("Schleswig-Holstein", "Amtsgericht Schleswig"),
        21150..=21999
        | 26000..=27499
        | 27600..=27999
        | 28800..=31999
        | 37200..=38799
        | 49000..=49999 => ("Niedersachsen", "Amtsgericht Uelzen"),
        32000..=33999 | 44000..=45999 | 48000..=48999 | 57000..=59999 => {
            ("Nordrhein-Westfalen (OLG Hamm)", "Amtsgericht Hagen")
        }
        40000..=43999 | 46000..=47999 | 50000..=53999 => (
            "Nordrhein-Westfalen (OLG Düsseldorf, OLG Köln)",
            "Amtsgericht Euskirchen",
        ),
        34000..=36399 | 60000..=65999 => ("Hessen", "Amtsgericht Hünfeld"),
        54000..=56999 | 66000..=67999 => ("Rheinland-Pfalz, Saarland", "Amtsgericht Mayen"),
        68000..=79999 | 88000..=89999 => ("Baden-Württemberg", "Amtsgericht Stuttgart"),
        80000..=87999 | 90000..=97999 => ("Bayern", "Amtsgericht Coburg"),
        _ => ("unknown", "Amtsgericht Wedding"),
    };
    (
        court,
        format!(
            "the central Mahngericht for the applicant's seat in {state} (postal code {digits}; \
             a few places near a state border belong to the neighbouring state: check)"
        ),
    )
}

/// A claim type of the Mahnantrag's catalogue: (number, name).
pub const MAHN_CATALOGUE: &[(u32, &str, &str)] = &[
    (11, "Kaufvertrag", "goods"),
    (5, "Dienstleistungsvertrag", "services"),
];

/// The catalogue entry for `goods` or `services`.
pub fn mahn_claim_type(kind: &str) -> Option<(u32, &'static str)> {
    MAHN_CATALOGUE
        .iter()
        .find(|(_, _, k)| k.eq_ignore_ascii_case(kind.trim()))
        .map(|(n, name, _)| (*n, *name))
}

/// BGB 288(5) sentence 3: the EUR 40 flat sum is set off against damages for the costs of
/// legal pursuit. Returns (the flat sums claimed, the costs claimed beyond them).
pub fn set_off_flat_sum(flat_sums: Decimal, legal_costs: Decimal) -> (Decimal, Decimal) {
    (flat_sums, (legal_costs - flat_sums).max(Decimal::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn issue_fees_follow_the_table() {
        assert_eq!(uk_issue_fee(dec!(300.00)), dec!(35.00));
        assert_eq!(uk_issue_fee(dec!(300.01)), dec!(50.00));
        assert_eq!(uk_issue_fee(dec!(4999.99)), dec!(205.00));
        assert_eq!(uk_issue_fee(dec!(10000.00)), dec!(455.00));
        // 5% of 12,345.67 = 617.2835, rounded down to the penny.
        assert_eq!(uk_issue_fee(dec!(12345.67)), dec!(617.28));
        assert_eq!(uk_issue_fee(dec!(250000)), dec!(10000));
    }

    #[test]
    fn particulars_are_plain_text_in_45_columns() {
        assert_eq!(
            mcol_text("Müller & Söhne – £1,200"),
            "Muller & Sohne - GBP 1,200"
        );
        assert_eq!(mcol_text("Łódź Straße"), "Lodz Strasse");
        let text = "The Claimant claims GBP 1,234.56 for goods sold and delivered to the Defendant under invoice INV-2026-000123456789012345678901234567890.".to_string();
        let lines = mcol_particulars(&[text]).unwrap();
        assert!(
            lines.iter().all(|l| l.chars().count() <= MCOL_WIDTH),
            "{lines:?}"
        );
        assert_eq!(lines[0], "The Claimant claims GBP 1,234.56 for goods");
        let long: Vec<String> = (0..30).map(|i| format!("Line {i}")).collect();
        assert_eq!(mcol_particulars(&long), None);
    }

    #[test]
    fn postcodes_are_placed() {
        assert_eq!(uk_region("M1 1AA"), UkRegion::EnglandWales);
        assert_eq!(uk_region("CF10 1AA"), UkRegion::EnglandWales);
        assert_eq!(uk_region("EH1 1YZ"), UkRegion::Scotland);
        assert_eq!(uk_region("G2 1DU"), UkRegion::Scotland);
        assert_eq!(uk_region("GL1 2AB"), UkRegion::EnglandWales);
        assert_eq!(uk_region("BT1 5GS"), UkRegion::NorthernIreland);
        assert_eq!(uk_region("JE2 3AB"), UkRegion::CrownDependency);
        assert_eq!(uk_region(""), UkRegion::Unknown);
    }

    #[test]
    fn the_mahngericht_follows_the_applicants_seat() {
        assert_eq!(Court::for_debtor("gb", ""), Some(Court::UkMcol));
        assert_eq!(Court::for_debtor("GB", "scotland"), None);
        assert_eq!(Court::for_debtor("DE", ""), Some(Court::DeMahnverfahren));
        assert_eq!(Court::for_debtor("FR", ""), Some(Court::FrInjonction));
        assert_eq!(Court::for_debtor("PL", ""), None);
        assert_eq!(mahngericht("DE", "10115").0, "Amtsgericht Wedding");
        assert_eq!(mahngericht("DE", "20457").0, "Amtsgericht Hamburg");
        assert_eq!(mahngericht("DE", "80331").0, "Amtsgericht Coburg");
        assert_eq!(mahngericht("DE", "70173").0, "Amtsgericht Stuttgart");
        assert_eq!(mahngericht("DE", "50667").0, "Amtsgericht Euskirchen");
        assert_eq!(mahngericht("DE", "44135").0, "Amtsgericht Hagen");
        assert_eq!(mahngericht("DE", "60311").0, "Amtsgericht Hünfeld");
        assert_eq!(mahngericht("DE", "01067").0, "Amtsgericht Aschersleben");
        assert_eq!(mahngericht("DE", "28195").0, "Amtsgericht Bremen");
        assert_eq!(mahngericht("DE", "30159").0, "Amtsgericht Uelzen");
        assert_eq!(mahngericht("DE", "24103").0, "Amtsgericht Schleswig");
        assert_eq!(mahngericht("DE", "55116").0, "Amtsgericht Mayen");
        let (court, why) = mahngericht("GB", "M1 1AA");
        assert_eq!(court, "Amtsgericht Wedding");
        assert!(why.contains("689"), "{why}");
    }

    #[test]
    fn the_flat_sum_is_set_off_against_legal_costs() {
        // Two invoices: EUR 80 flat sums; EUR 25 of dunning costs are covered by them.
        assert_eq!(set_off_flat_sum(dec!(80), dec!(25)), (dec!(80), dec!(0)));
        // EUR 120 of lawyer's pre-court costs: EUR 40 beyond the flat sums.
        assert_eq!(set_off_flat_sum(dec!(80), dec!(120)), (dec!(80), dec!(40)));
    }
}
