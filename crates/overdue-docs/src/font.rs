//! The shipped font (DejaVu Sans, regular and bold), its metrics for measuring text, and
//! the per-document subset that is embedded.
//!
//! printpdf without its HTML layout does not subset fonts, so this module does: the glyphs
//! a document uses are cut out of the shipped face with allsorts (the subsetter printpdf
//! itself uses) and handed to printpdf as a small font with the glyph ids renumbered.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use printpdf::{FontType, ParsedFont};

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The two faces a document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }

    fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }

    /// The whole face, parsed once per process.
    fn full(self) -> &'static ParsedFont {
        static REGULAR: OnceLock<ParsedFont> = OnceLock::new();
        static BOLD: OnceLock<ParsedFont> = OnceLock::new();
        let cell = match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        };
        cell.get_or_init(|| {
            ParsedFont::from_bytes(self.bytes(), 0, &mut Vec::new())
                .unwrap_or_else(|| panic!("the shipped font {} parses", self.postscript_name()))
        })
    }
}

/// Whether the shipped font can draw `c` (others are printed as `?`).
pub(crate) fn has_glyph(c: char) -> bool {
    Face::Regular.full().lookup_glyph_index(c as u32).is_some()
}

/// The width of `text` set in `face` at `size` points, in points.
pub(crate) fn text_width(face: Face, size: f32, text: &str) -> f32 {
    let font = face.full();
    let units: u32 = text
        .chars()
        .map(|c| {
            let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
            u32::from(font.get_glyph_width(gid).unwrap_or(0))
        })
        .sum();
    units as f32 * size / f32::from(font.units_per_em.max(1))
}

/// A font holding only the glyphs of `chars`, named with a subset tag derived from them
/// (so the same text gives the same font name).
pub(crate) fn subset(face: Face, chars: &BTreeSet<char>) -> Result<ParsedFont, String> {
    let full = face.full();
    let gids: BTreeSet<u16> = chars
        .iter()
        .filter_map(|c| full.lookup_glyph_index(*c as u32))
        .filter(|g| *g != 0)
        .collect();
    // .notdef first: allsorts renumbers each requested glyph to its position in this list.
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let scope = ReadScope::new(face.bytes());
    let data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = data.table_provider(0).map_err(|e| e.to_string())?;
    let bytes = allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| e.to_string())?;
    let new_id: BTreeMap<u16, u16> = ids
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, u16::try_from(i).unwrap_or(0)))
        .collect();
    let mut codepoint_to_glyph = BTreeMap::new();
    for c in chars {
        if let Some(g) = full
            .lookup_glyph_index(*c as u32)
            .and_then(|g| new_id.get(&g))
        {
            codepoint_to_glyph.insert(*c as u32, *g);
        }
    }
    let glyph_widths = new_id
        .iter()
        .map(|(old, new)| (*new, full.get_glyph_width(*old).unwrap_or(0)))
        .collect();
    Ok(ParsedFont {
        original_bytes: bytes,
        font_index: 0,
        font_name: Some(format!("{}+{}", subset_tag(chars), face.postscript_name())),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: full.units_per_em,
        font_metrics: full.font_metrics.clone(),
        font_type: FontType::TrueType,
        pdf_font_metrics: full.pdf_font_metrics.clone(),
    })
}

/// Six capital letters (ISO 32000-1, 9.6.4) from an FNV-1a hash of the subset's characters.
fn subset_tag(chars: &BTreeSet<char>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h ^= u64::from(u32::from(*c));
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + u8::try_from((h >> (i * 5)) % 26).unwrap_or(0)))
        .collect()
}
