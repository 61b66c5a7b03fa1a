//! The writer this crate used before [`crate::pdf`]: printpdf's `Op` list and its
//! serializer, with the same marks and the same font subset. Kept only as the baseline the
//! letters benchmark measures in the same run (`overdue bench letters`); never used for
//! documents.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use printpdf::{
    Color, FontId, FontType, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect,
    TextItem, TextMatrix, WindingOrder,
};

use crate::font::{self, Face};
use crate::layout::{Geometry, Mark, Sheet, PT_PER_MM};
use crate::pdf::{Bookmark, Metadata};
use crate::DocError;

/// A font holding only the glyphs of `chars`, named with a subset tag derived from them
/// (so the same text gives the same font name).
fn subset(face: Face, chars: &BTreeSet<char>) -> Result<ParsedFont, String> {
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
        font_name: Some(format!(
            "{}+{}",
            font::subset_tag(chars),
            face.postscript_name()
        )),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: full.units_per_em,
        font_metrics: full.font_metrics.clone(),
        font_type: FontType::TrueType,
        pdf_font_metrics: full.pdf_font_metrics.clone(),
    })
}

fn grey(g: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: g,
        icc_profile: None,
    })
}

fn point(g: &Geometry, x: f32, y: f32) -> Point {
    Point {
        x: Pt(x * PT_PER_MM),
        y: Pt((g.height - y) * PT_PER_MM),
    }
}

/// Writes `sheets` as one PDF.
pub(crate) fn write(
    sheets: &[Sheet],
    meta: &Metadata,
    bookmarks: &[Bookmark],
) -> Result<Vec<u8>, DocError> {
    let mut used: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
    for sheet in sheets {
        for m in &sheet.marks {
            if let Mark::Text { face, text, .. } = m {
                used[*face as usize].extend(text.chars());
            }
        }
    }
    let mut doc = PdfDocument::new(&meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = "Overdue".into();
    info.producer = "Overdue (printpdf)".into();
    let created = printpdf::OffsetDateTime::from_unix_timestamp(meta.created_unix)
        .map_err(|e| DocError::Pdf(e.to_string()))?;
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;

    let mut font_ids: [Option<FontId>; 2] = [None, None];
    for face in [Face::Regular, Face::Bold] {
        if !used[face as usize].is_empty() {
            let f = subset(face, &used[face as usize]).map_err(DocError::Pdf)?;
            font_ids[face as usize] = Some(doc.add_font(&f));
        }
    }

    let mut pages = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        let g = Geometry::of(sheet.size);
        let mut ops = Vec::with_capacity(sheet.marks.len() * 2 + 8);
        // Graphics first, then all text in one text object.
        let mut stroke_grey = -1.0;
        let mut stroke_w = -1.0;
        for m in &sheet.marks {
            match m {
                Mark::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width_pt,
                    grey: gr,
                } => {
                    if *gr != stroke_grey {
                        ops.push(Op::SetOutlineColor { col: grey(*gr) });
                        stroke_grey = *gr;
                    }
                    if *width_pt != stroke_w {
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
                        stroke_w = *width_pt;
                    }
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: point(&g, *x1, *y1),
                                    bezier: false,
                                },
                                LinePoint {
                                    p: point(&g, *x2, *y2),
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Mark::Fill {
                    x,
                    y,
                    w,
                    h,
                    grey: gr,
                } => {
                    ops.push(Op::SetFillColor { col: grey(*gr) });
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(x * PT_PER_MM),
                            y: Pt((g.height - y - h) * PT_PER_MM),
                            width: Pt(w * PT_PER_MM),
                            height: Pt(h * PT_PER_MM),
                            mode: Some(PaintMode::Fill),
                            winding_order: Some(WindingOrder::NonZero),
                        },
                    });
                }
                Mark::Qr {
                    x,
                    y,
                    size,
                    width,
                    dark,
                } => {
                    ops.push(Op::SetFillColor { col: grey(0.0) });
                    ops.push(Op::DrawPolygon {
                        polygon: qr_polygon(&g, *x, *y, *size, *width, dark),
                    });
                }
                Mark::Text { .. } | Mark::Image { .. } => {}
            }
        }
        ops.push(Op::StartTextSection);
        let mut current: Option<(Face, f32)> = None;
        let mut fill = -1.0;
        for m in &sheet.marks {
            if let Mark::Text {
                x,
                y,
                size,
                face,
                grey: gr,
                text,
            } = m
            {
                let Some(id) = font_ids[*face as usize].clone() else {
                    continue;
                };
                if current != Some((*face, *size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id),
                        size: Pt(*size),
                    });
                    current = Some((*face, *size));
                }
                if *gr != fill {
                    ops.push(Op::SetFillColor { col: grey(*gr) });
                    fill = *gr;
                }
                let p = point(&g, *x, *y);
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(p.x, p.y),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
            }
        }
        ops.push(Op::EndTextSection);
        pages.push(PdfPage::new(Mm(g.width), Mm(g.height), ops));
    }
    doc.with_pages(pages);
    for b in bookmarks {
        doc.add_bookmark(&b.title, b.page);
    }
    let opts = PdfSaveOptions {
        image_optimization: None,
        ..PdfSaveOptions::default()
    };
    Ok(doc.save(&opts, &mut Vec::new()))
}

/// The dark modules as one path: a rectangle per horizontal run.
fn qr_polygon(g: &Geometry, x: f32, y: f32, size: f32, width: usize, dark: &[bool]) -> Polygon {
    let m = size / width.max(1) as f32;
    let mut rings = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if dark[row * width + col] {
                let start = col;
                while col < width && dark[row * width + col] {
                    col += 1;
                }
                let (x0, x1) = (x + start as f32 * m, x + col as f32 * m);
                let (y0, y1) = (y + row as f32 * m, y + (row + 1) as f32 * m);
                rings.push(PolygonRing {
                    points: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                        .iter()
                        .map(|(px, py)| LinePoint {
                            p: point(g, *px, *py),
                            bezier: false,
                        })
                        .collect(),
                });
            } else {
                col += 1;
            }
        }
    }
    Polygon {
        rings,
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}
