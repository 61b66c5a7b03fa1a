//! Sheets of marks to PDF bytes, written directly: one subset font per face for the whole
//! file (Type 0, Identity-H, with a ToUnicode map), one content stream per page built
//! straight from the marks (absolute text positions with `Tm`, glyph ids as hex strings),
//! compressed with a fast deflate. No intermediate operator list, no object tree: a
//! thousand one-page letters take a fraction of a second.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use flate2::write::ZlibEncoder;
use flate2::Compression;

use crate::font::{self, Face, Subset};
use crate::layout::{Geometry, Mark, Sheet, PT_PER_MM};
use crate::DocError;
/// Document information written into the PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Title.
    pub title: String,
    /// Author (the company).
    pub author: String,
    /// Subject (what it is about: the debtor and the reference).
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Creation date and time, as seconds since 1970-01-01 UTC (passed in: no clock here).
    pub created_unix: i64,
}

/// A bookmark: its title and the 1-based page it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookmark {
    /// Title shown in the viewer's outline.
    pub title: String,
    /// 1-based page number.
    pub page: usize,
}

/// A PDF file being written: the bytes so far and each object's offset (index = object
/// number; 0 is the free head).
struct Out {
    buf: Vec<u8>,
    offsets: Vec<usize>,
}

impl Out {
    fn new() -> Out {
        let mut buf = Vec::with_capacity(64 * 1024);
        buf.extend_from_slice(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
        Out {
            buf,
            offsets: vec![0],
        }
    }

    /// Reserves an object number.
    fn alloc(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len() - 1
    }

    /// Writes object `id` with the dictionary (or other value) `body`.
    fn obj(&mut self, id: usize, body: &str) {
        self.offsets[id] = self.buf.len();
        let _ = write!(self.buf, "{id} 0 obj\n{body}\nendobj\n");
    }

    /// Writes object `id` as a stream with the extra dictionary entries `dict`; `data` is
    /// deflated first when `deflate`.
    fn stream(&mut self, id: usize, dict: &str, data: &[u8], deflate: bool) {
        let packed;
        let (data, filter) = if deflate {
            packed = zlib(data);
            (packed.as_slice(), "/Filter /FlateDecode ")
        } else {
            (data, "")
        };
        self.offsets[id] = self.buf.len();
        let _ = write!(
            self.buf,
            "{id} 0 obj\n<< {dict} {filter}/Length {} >>\nstream\n",
            data.len()
        );
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }

    /// The cross-reference table and trailer.
    fn finish(mut self, root: usize, info: usize) -> Vec<u8> {
        let xref = self.buf.len();
        let _ = write!(
            self.buf,
            "xref\n0 {}\n0000000000 65535 f \n",
            self.offsets.len()
        );
        for off in &self.offsets[1..] {
            let _ = writeln!(self.buf, "{off:010} 00000 n ");
        }
        let _ = write!(
            self.buf,
            "trailer\n<< /Size {} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len()
        );
        self.buf
    }
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(data.len() / 3 + 64), Compression::fast());
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

/// A text string: literal when printable ASCII, else UTF-16BE with a byte order mark.
fn text_string(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('(');
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            let _ = write!(out, "{u:04X}");
        }
        out.push('>');
        out
    }
}

/// A PDF date (`D:YYYYMMDDHHmmSS+00'00'`) from seconds since 1970 UTC.
fn pdf_date(unix: i64) -> Result<String, DocError> {
    let t = chrono::DateTime::from_timestamp(unix, 0)
        .ok_or_else(|| DocError::Pdf(format!("creation time {unix} out of range")))?;
    Ok(t.format("D:%Y%m%d%H%M%S+00'00'").to_string())
}

/// A number with at most two decimals, without trailing zeros.
fn num(out: &mut Vec<u8>, v: f32) {
    let hundredths = (v * 100.0).round() as i64;
    let (sign, a) = if hundredths < 0 {
        ("-", -hundredths)
    } else {
        ("", hundredths)
    };
    let (int, frac) = (a / 100, a % 100);
    let _ = if frac == 0 {
        write!(out, "{sign}{int}")
    } else if frac % 10 == 0 {
        write!(out, "{sign}{int}.{}", frac / 10)
    } else {
        write!(out, "{sign}{int}.{frac:02}")
    };
}

fn nums(out: &mut Vec<u8>, vs: &[f32], op: &str) {
    for v in vs {
        num(out, *v);
        out.push(b' ');
    }
    out.extend_from_slice(op.as_bytes());
    out.push(b'\n');
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// One page's content stream, built straight from its marks: graphics first, then all text
/// in one text object.
fn content(sheet: &Sheet, fonts: &[Option<Subset>; 2], out: &mut Vec<u8>) {
    let g = Geometry::of(sheet.size);
    let x = |mm: f32| mm * PT_PER_MM;
    let y = |mm: f32| (g.height - mm) * PT_PER_MM;
    let mut stroke_grey = -1.0;
    let mut stroke_w = -1.0;
    let mut fill = -1.0;
    for m in &sheet.marks {
        match m {
            Mark::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt,
                grey,
            } => {
                if *grey != stroke_grey {
                    nums(out, &[*grey], "G");
                    stroke_grey = *grey;
                }
                if *width_pt != stroke_w {
                    nums(out, &[*width_pt], "w");
                    stroke_w = *width_pt;
                }
                nums(out, &[x(*x1), y(*y1)], "m");
                nums(out, &[x(*x2), y(*y2)], "l S");
            }
            Mark::Fill {
                x: fx,
                y: fy,
                w,
                h,
                grey,
            } => {
                if *grey != fill {
                    nums(out, &[*grey], "g");
                    fill = *grey;
                }
                nums(
                    out,
                    &[x(*fx), y(fy + h), w * PT_PER_MM, h * PT_PER_MM],
                    "re f",
                );
            }
            Mark::Qr {
                x: qx,
                y: qy,
                size,
                width,
                dark,
            } => {
                if fill != 0.0 {
                    out.extend_from_slice(b"0 g\n");
                    fill = 0.0;
                }
                // A rectangle per horizontal run of dark modules, all filled at once.
                let width = *width;
                let m = size / width.max(1) as f32;
                for row in 0..width {
                    let mut col = 0;
                    while col < width {
                        if dark[row * width + col] {
                            let start = col;
                            while col < width && dark[row * width + col] {
                                col += 1;
                            }
                            let x0 = qx + start as f32 * m;
                            let y1 = qy + (row + 1) as f32 * m;
                            nums(
                                out,
                                &[
                                    x(x0),
                                    y(y1),
                                    (col - start) as f32 * m * PT_PER_MM,
                                    m * PT_PER_MM,
                                ],
                                "re",
                            );
                        } else {
                            col += 1;
                        }
                    }
                }
                out.extend_from_slice(b"f\n");
            }
            Mark::Image { .. } => {}
            Mark::Text { .. } => {}
        }
    }
    for (n, m) in sheet.marks.iter().enumerate() {
        if let Mark::Image {
            x: ix, y: iy, w, h, ..
        } = m
        {
            out.extend_from_slice(b"q\n");
            nums(
                out,
                &[w * PT_PER_MM, 0.0, 0.0, h * PT_PER_MM, x(*ix), y(iy + h)],
                "cm",
            );
            let _ = writeln!(out, "/Im{n} Do\nQ");
        }
    }
    out.extend_from_slice(b"BT\n");
    let mut current: Option<(Face, f32)> = None;
    for m in &sheet.marks {
        if let Mark::Text {
            x: tx,
            y: ty,
            size,
            face,
            grey,
            text,
        } = m
        {
            let Some(font) = &fonts[*face as usize] else {
                continue;
            };
            if current != Some((*face, *size)) {
                let _ = write!(out, "/F{} ", *face as usize);
                nums(out, &[*size], "Tf");
                current = Some((*face, *size));
            }
            if *grey != fill {
                nums(out, &[*grey], "g");
                fill = *grey;
            }
            nums(out, &[1.0, 0.0, 0.0, 1.0, x(*tx), y(*ty)], "Tm");
            out.push(b'<');
            for c in text.chars() {
                let gid = font.gid.get(&c).copied().unwrap_or(0);
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[usize::from((gid >> shift) & 0xf)]);
                }
            }
            out.extend_from_slice(b"> Tj\n");
        }
    }
    out.extend_from_slice(b"ET\n");
}

/// Embeds one subset face; returns the Type 0 font's object number.
fn embed_font(out: &mut Out, f: &Subset) -> usize {
    let (type0, cid, desc, file, cmap) = (
        out.alloc(),
        out.alloc(),
        out.alloc(),
        out.alloc(),
        out.alloc(),
    );
    out.stream(file, &format!("/Length1 {}", f.bytes.len()), &f.bytes, true);
    out.obj(
        desc,
        &format!(
            "<< /Type /FontDescriptor /FontName /{} /Flags 32 /FontBBox [{} {} {} {}] \
             /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV {} /FontFile2 {file} 0 R >>",
            f.name, f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3], f.ascent, f.descent, f.ascent, f.stem_v
        ),
    );
    let mut w = String::from("[0 [");
    for (i, width) in f.widths.iter().enumerate() {
        if i > 0 {
            w.push(' ');
        }
        let _ = write!(w, "{width}");
    }
    w.push_str("]]");
    out.obj(
        cid,
        &format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{} \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor {desc} 0 R /DW 1000 /W {w} /CIDToGIDMap /Identity >>",
            f.name
        ),
    );
    let mut map = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(&char, &u16)> = f.gid.iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(map, "{} beginbfchar", chunk.len());
        for (c, g) in chunk {
            let _ = write!(map, "<{g:04X}> <");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(map, "{u:04X}");
            }
            map.push_str(">\n");
        }
        map.push_str("endbfchar\n");
    }
    map.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.stream(cmap, "", map.as_bytes(), true);
    out.obj(
        type0,
        &format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{} /Encoding /Identity-H \
             /DescendantFonts [{cid} 0 R] /ToUnicode {cmap} 0 R >>",
            f.name
        ),
    );
    type0
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
    let mut fonts: [Option<Subset>; 2] = [None, None];
    for face in [Face::Regular, Face::Bold] {
        if !used[face as usize].is_empty() {
            fonts[face as usize] =
                Some(font::subset(face, &used[face as usize]).map_err(DocError::Pdf)?);
        }
    }

    let mut out = Out::new();
    let catalog = out.alloc();
    let pages_id = out.alloc();
    let info = out.alloc();
    let resources = out.alloc();

    let mut font_refs = String::new();
    for (i, f) in fonts.iter().enumerate() {
        if let Some(f) = f {
            let id = embed_font(&mut out, f);
            let _ = write!(font_refs, "/F{i} {id} 0 R ");
        }
    }
    out.obj(
        resources,
        &format!("<< /Font << {font_refs}>> /ProcSet [/PDF /Text] >>"),
    );

    let mut page_ids = Vec::with_capacity(sheets.len());
    let mut data = Vec::with_capacity(16 * 1024);
    for sheet in sheets {
        let g = Geometry::of(sheet.size);
        data.clear();
        content(sheet, &fonts, &mut data);
        let (page, contents) = (out.alloc(), out.alloc());
        out.stream(contents, "", &data, true);
        // A page with images gets its own resources: the fonts and its image XObjects.
        let mut xobjects = String::new();
        for (n, m) in sheet.marks.iter().enumerate() {
            if let Mark::Image { image, .. } = m {
                let id = out.alloc();
                let dict = format!(
                    "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{} /BitsPerComponent 8{}",
                    image.width,
                    image.height,
                    image.color_space,
                    if image.dct { " /Filter /DCTDecode" } else { "" }
                );
                out.stream(id, &dict, &image.data, !image.dct);
                let _ = write!(xobjects, "/Im{n} {id} 0 R ");
            }
        }
        let page_resources = if xobjects.is_empty() {
            format!("{resources} 0 R")
        } else {
            format!("<< /Font << {font_refs}>> /XObject << {xobjects}>> /ProcSet [/PDF /Text /ImageB /ImageC] >>")
        };
        let mut media = Vec::new();
        nums(
            &mut media,
            &[0.0, 0.0, g.width * PT_PER_MM, g.height * PT_PER_MM],
            "",
        );
        out.obj(
            page,
            &format!(
                "<< /Type /Page /Parent {pages_id} 0 R /MediaBox [{}] /Resources {page_resources} /Contents {contents} 0 R >>",
                String::from_utf8_lossy(&media).trim()
            ),
        );
        page_ids.push(page);
    }
    let mut kids = String::with_capacity(page_ids.len() * 8);
    for id in &page_ids {
        let _ = write!(kids, "{id} 0 R ");
    }
    out.obj(
        pages_id,
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.trim_end(),
            page_ids.len()
        ),
    );

    let marks: Vec<&Bookmark> = bookmarks
        .iter()
        .filter(|b| b.page >= 1 && b.page <= page_ids.len())
        .collect();
    let outlines = if marks.is_empty() {
        None
    } else {
        let root = out.alloc();
        let ids: Vec<usize> = marks.iter().map(|_| out.alloc()).collect();
        for (i, b) in marks.iter().enumerate() {
            let mut d = format!(
                "<< /Title {} /Parent {root} 0 R /Dest [{} 0 R /Fit]",
                text_string(&b.title),
                page_ids[b.page - 1]
            );
            if i > 0 {
                let _ = write!(d, " /Prev {} 0 R", ids[i - 1]);
            }
            if let Some(next) = ids.get(i + 1) {
                let _ = write!(d, " /Next {next} 0 R");
            }
            d.push_str(" >>");
            out.obj(ids[i], &d);
        }
        out.obj(
            root,
            &format!(
                "<< /Type /Outlines /First {} 0 R /Last {} 0 R /Count {} >>",
                ids[0],
                ids[ids.len() - 1],
                ids.len()
            ),
        );
        Some(root)
    };
    out.obj(
        catalog,
        &match outlines {
            Some(o) => format!(
                "<< /Type /Catalog /Pages {pages_id} 0 R /Outlines {o} 0 R /PageMode /UseOutlines >>"
            ),
            None => format!("<< /Type /Catalog /Pages {pages_id} 0 R >>"),
        },
    );
    let date = pdf_date(meta.created_unix)?;
    out.obj(
        info,
        &format!(
            "<< /Title {} /Author {} /Subject {} /Keywords {} /Creator (Overdue) /Producer (Overdue) \
             /CreationDate ({date}) /ModDate ({date}) >>",
            text_string(&meta.title),
            text_string(&meta.author),
            text_string(&meta.subject),
            text_string(&meta.keywords.join(", ")),
        ),
    );
    Ok(out.finish(catalog, info))
}
