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
use printpdf::ParsedFont;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The two faces a document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }

    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }

    /// The whole face, parsed once per process.
    pub(crate) fn full(self) -> &'static ParsedFont {
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

/// A subset of one face, ready to embed: the TrueType bytes, the new glyph id of each
/// character, each new glyph's advance width in 1/1000 em, the PostScript name with its
/// subset tag and the face's metrics in 1/1000 em.
pub(crate) struct Subset {
    pub bytes: Vec<u8>,
    pub gid: BTreeMap<char, u16>,
    /// Indexed by new glyph id (0 is .notdef).
    pub widths: Vec<u32>,
    pub name: String,
    pub ascent: i32,
    pub descent: i32,
    pub bbox: [i32; 4],
    pub stem_v: u32,
}

/// A font holding only the glyphs of `chars`, named with a subset tag derived from them
/// (so the same text gives the same font name).
pub(crate) fn subset(face: Face, chars: &BTreeSet<char>) -> Result<Subset, String> {
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
    let mut gid = BTreeMap::new();
    for c in chars {
        if let Some(g) = full
            .lookup_glyph_index(*c as u32)
            .and_then(|g| new_id.get(&g))
        {
            gid.insert(*c, *g);
        }
    }
    let upem = i64::from(full.units_per_em.max(1));
    let scale = |v: i64| i32::try_from(v * 1000 / upem).unwrap_or(0);
    let widths = ids
        .iter()
        .map(|old| {
            u32::try_from(scale(i64::from(full.get_glyph_width(*old).unwrap_or(0)))).unwrap_or(0)
        })
        .collect();
    let m = &full.pdf_font_metrics;
    Ok(Subset {
        bytes,
        gid,
        widths,
        name: format!("{}+{}", subset_tag(chars), face.postscript_name()),
        ascent: scale(i64::from(full.font_metrics.ascent)),
        descent: scale(i64::from(full.font_metrics.descent)),
        bbox: [
            scale(i64::from(m.x_min)),
            scale(i64::from(m.y_min)),
            scale(i64::from(m.x_max)),
            scale(i64::from(m.y_max)),
        ],
        stem_v: match face {
            Face::Regular => 80,
            Face::Bold => 140,
        },
    })
}

/// Six capital letters (ISO 32000-1, 9.6.4) from an FNV-1a hash of the subset's characters.
pub(crate) fn subset_tag(chars: &BTreeSet<char>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h ^= u64::from(u32::from(*c));
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + u8::try_from((h >> (i * 5)) % 26).unwrap_or(0)))
        .collect()
}
