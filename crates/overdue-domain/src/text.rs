//! Text folding for search: "lodz" finds "Łódź", "sahin" finds "Şahin", "oster" finds
//! "Øster". Letters that Unicode does not decompose (Ł, Ø, ı, ß, Æ) are mapped by hand.

/// Lower-cases and strips diacritics from Latin letters; other characters pass through.
pub fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'i' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ơ' | 'ồ' | 'ễ' => {
                "o"
            }
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ư' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            // Combining marks left over from to_lowercase (e.g. 'İ' -> 'i' + U+0307).
            '\u{0300}'..='\u{036f}' => "",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold_for_search;

    #[test]
    fn names_from_every_demo_country_fold_to_ascii() {
        assert_eq!(fold_for_search("Łódź"), "lodz");
        assert_eq!(fold_for_search("Şahin İstanbul"), "sahin istanbul");
        assert_eq!(fold_for_search("Øster Ærø"), "oster aero");
        assert_eq!(fold_for_search("Dvořák Müller Groß"), "dvorak muller gross");
        assert_eq!(fold_for_search("Ó Súilleabháin"), "o suilleabhain");
    }
}

/// Why an identifier typed or imported (an invoice number, a reference) is refused: a
/// control character, or a bidirectional formatting character that makes a number read
/// differently from what it is (U+202A..U+202E, U+2066..U+2069, U+200E/U+200F, U+061C).
pub fn identifier_problem(text: &str) -> Option<String> {
    text.chars().find_map(|c| {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
        (bidi || c.is_control()).then(|| {
            format!(
                "it contains the invisible character U+{:04X}, which would make it read \
                 differently from what it is",
                u32::from(c)
            )
        })
    })
}

/// A text cell made safe for a spreadsheet (OWASP "CSV injection"): a cell that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so that
/// it is shown as text instead of run as a formula. Numbers are not text cells: pass only
/// text.
pub fn spreadsheet_text(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn bidi_overrides_and_controls_are_named() {
        assert!(identifier_problem("INV-1").is_none());
        assert!(identifier_problem("Łódź-ü").is_none());
        assert!(identifier_problem("AB\u{202E}C")
            .unwrap()
            .contains("U+202E"));
        assert!(identifier_problem("A\u{2067}B").unwrap().contains("U+2067"));
        assert!(identifier_problem("A\u{0007}").unwrap().contains("U+0007"));
    }

    #[test]
    fn formulas_become_text() {
        assert_eq!(spreadsheet_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(
            spreadsheet_text("+cmd|' /C calc'!A0"),
            "'+cmd|' /C calc'!A0"
        );
        assert_eq!(spreadsheet_text("-2+3"), "'-2+3");
        assert_eq!(spreadsheet_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_text("Acme"), "Acme");
    }
}
