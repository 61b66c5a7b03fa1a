//! Files attached to a case, appended to the case-file PDF in their original form: the
//! pages of an attached PDF are merged in as they are (with lopdf), a PNG or JPEG is
//! placed on a page of its own, anything else is only listed (and kept in the ZIP).

use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

use crate::font::Face;
use crate::layout::{Geometry, Mark, Sheet};
use crate::model::PageSize;
use crate::pdf::Bookmark;
use crate::DocError;

/// A file to append: its title (the file name) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appendix {
    /// Shown as the bookmark and above an image.
    pub title: String,
    /// The file's original bytes.
    pub bytes: Vec<u8>,
}

/// How a file can be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// A readable, unencrypted PDF: its pages are merged in.
    Pages(usize),
    /// A PNG or JPEG image, placed on a page.
    Image,
    /// Not appended (other types, unreadable or encrypted PDFs), with why.
    No(String),
}

/// What [`crate::render_case_file`] will do with `bytes`.
pub fn classify(bytes: &[u8]) -> Appended {
    if bytes.starts_with(b"%PDF-") {
        return match lopdf::Document::load_mem(bytes) {
            Ok(d) if d.is_encrypted() => Appended::No("encrypted PDF".into()),
            Ok(d) if d.get_pages().is_empty() => Appended::No("PDF without pages".into()),
            Ok(d) => Appended::Pages(d.get_pages().len()),
            Err(e) => Appended::No(format!("unreadable PDF ({e})")),
        };
    }
    match image(bytes) {
        Ok(Some(_)) => Appended::Image,
        Ok(None) => Appended::No("not a PDF or image".into()),
        Err(e) => Appended::No(e),
    }
}

/// An image ready to embed as an XObject.
#[derive(Debug, Clone)]
pub(crate) struct Image {
    pub width: u32,
    pub height: u32,
    /// `DeviceGray`, `DeviceRGB` or `DeviceCMYK`.
    pub color_space: &'static str,
    /// JPEG bytes as they are (`DCTDecode`) or raw 8-bit samples (deflated when written).
    pub dct: bool,
    pub data: Vec<u8>,
}

/// Decodes a PNG (to 8-bit grey or RGB, transparency composed on white) or reads a JPEG's
/// header; `Ok(None)` when `bytes` is neither.
pub(crate) fn image(bytes: &[u8]) -> Result<Option<Image>, String> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png_image(bytes).map(Some);
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        return jpeg_image(bytes).map(Some);
    }
    Ok(None)
}

fn png_image(bytes: &[u8]) -> Result<Image, String> {
    let bad = |e: png::DecodingError| format!("unreadable PNG ({e})");
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = dec.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "PNG too large".to_string())?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    buf.truncate(info.buffer_size());
    let on_white = |v: u8, a: u8| {
        let (v, a) = (u32::from(v), u32::from(a));
        u8::try_from((v * a + 255 * (255 - a)) / 255).unwrap_or(255)
    };
    let (color_space, data) = match info.color_type {
        png::ColorType::Grayscale => ("DeviceGray", buf),
        png::ColorType::Rgb => ("DeviceRGB", buf),
        png::ColorType::GrayscaleAlpha => (
            "DeviceGray",
            buf.chunks_exact(2).map(|p| on_white(p[0], p[1])).collect(),
        ),
        png::ColorType::Rgba => (
            "DeviceRGB",
            buf.chunks_exact(4)
                .flat_map(|p| {
                    [
                        on_white(p[0], p[3]),
                        on_white(p[1], p[3]),
                        on_white(p[2], p[3]),
                    ]
                })
                .collect(),
        ),
        png::ColorType::Indexed => return Err("unsupported PNG colour type".into()),
    };
    Ok(Image {
        width: info.width,
        height: info.height,
        color_space,
        dct: false,
        data,
    })
}

/// Width, height and components from the JPEG's start-of-frame marker.
fn jpeg_image(bytes: &[u8]) -> Result<Image, String> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xff {
            return Err("unreadable JPEG".into());
        }
        let marker = bytes[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let sof = (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if sof {
            let s = bytes
                .get(i + 4..i + 10)
                .ok_or_else(|| "unreadable JPEG".to_string())?;
            let height = u32::from(u16::from_be_bytes([s[1], s[2]]));
            let width = u32::from(u16::from_be_bytes([s[3], s[4]]));
            let color_space = match s[5] {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                4 => "DeviceCMYK",
                _ => return Err("unsupported JPEG colour components".into()),
            };
            if width == 0 || height == 0 {
                return Err("unreadable JPEG".into());
            }
            return Ok(Image {
                width,
                height,
                color_space,
                dct: true,
                data: bytes.to_vec(),
            });
        }
        i += 2 + len;
    }
    Err("unreadable JPEG".into())
}

/// A page with the file's name on top and the image fitted below it.
pub(crate) fn image_sheet(size: PageSize, title: &str, image: Image) -> Sheet {
    let g = Geometry::of(size);
    let top = g.body_top_next;
    let mut marks = vec![Mark::Text {
        x: g.left,
        y: top,
        size: 11.0,
        face: Face::Bold,
        grey: 0.0,
        text: crate::layout::printable(title),
    }];
    let (max_w, max_h) = (g.body_width(), g.body_bottom - top - 8.0);
    // Millimetres per pixel: 150 dpi, or less to fit the body.
    let (iw, ih) = (image.width as f32, image.height as f32);
    let scale = (25.4 / 150.0_f32).min(max_w / iw).min(max_h / ih);
    let (w, h) = (iw * scale, ih * scale);
    marks.push(Mark::Image {
        x: g.left,
        y: top + 6.0,
        w,
        h,
        image: Arc::new(image),
    });
    Sheet { size, marks }
}

/// Appends the pages of `pdfs` (title, bytes) to `base` (a PDF this crate wrote), each
/// with an outline item after the existing ones.
pub(crate) fn merge(base: &[u8], pdfs: &[(&str, &[u8])]) -> Result<Vec<u8>, DocError> {
    let err = |e: lopdf::Error| DocError::Pdf(e.to_string());
    let mut doc = lopdf::Document::load_mem(base).map_err(err)?;
    let pages_id = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(err)?;
    let outlines_id = match doc.catalog().and_then(|c| c.get(b"Outlines")) {
        Ok(o) => o.as_reference().map_err(err)?,
        Err(_) => {
            let id = doc.add_object(Dictionary::from_iter(vec![(
                "Type",
                Object::Name(b"Outlines".to_vec()),
            )]));
            let cat = doc.catalog_mut().map_err(err)?;
            cat.set("Outlines", Object::Reference(id));
            cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
            id
        }
    };
    for (title, bytes) in pdfs {
        let mut other = lopdf::Document::load_mem(bytes).map_err(err)?;
        if other.is_encrypted() {
            return Err(DocError::Pdf(format!("{title}: encrypted PDF")));
        }
        other.renumber_objects_with(doc.max_id + 1);
        let pages: Vec<ObjectId> = other.get_pages().into_values().collect();
        let Some(first) = pages.first().copied() else {
            continue;
        };
        // Attributes a page may inherit from its page tree, made its own before it moves.
        for p in &pages {
            let mut inherited = Vec::new();
            for key in [&b"MediaBox"[..], b"Resources", b"CropBox", b"Rotate"] {
                let has = other.get_dictionary(*p).map(|d| d.has(key)).unwrap_or(true);
                if !has {
                    let mut node = other
                        .get_dictionary(*p)
                        .and_then(|d| d.get(b"Parent"))
                        .and_then(Object::as_reference)
                        .ok();
                    while let Some(n) = node {
                        let Ok(d) = other.get_dictionary(n) else {
                            break;
                        };
                        if let Ok(v) = d.get(key) {
                            inherited.push((key.to_vec(), v.clone()));
                            break;
                        }
                        node = d.get(b"Parent").and_then(Object::as_reference).ok();
                    }
                }
            }
            let d = other.get_dictionary_mut(*p).map_err(err)?;
            for (k, v) in inherited {
                d.set(k, v);
            }
            d.set("Parent", Object::Reference(pages_id));
            d.remove(b"Annots");
        }
        // Everything but the other file's catalog and page tree nodes.
        for (id, obj) in std::mem::take(&mut other.objects) {
            let skip = obj
                .as_dict()
                .ok()
                .and_then(|d| d.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                .is_some_and(|t| t == b"Catalog" || t == b"Pages" || t == b"Outlines");
            if !skip {
                doc.objects.insert(id, obj);
            }
        }
        doc.max_id = doc.max_id.max(other.max_id);
        let tree = doc.get_dictionary_mut(pages_id).map_err(err)?;
        let mut kids = tree
            .get(b"Kids")
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default();
        kids.extend(pages.iter().map(|p| Object::Reference(*p)));
        let count = i64::try_from(kids.len()).unwrap_or(0);
        tree.set("Kids", Object::Array(kids));
        tree.set("Count", Object::Integer(count));
        // The outline item, linked after the last one.
        let last = doc
            .get_dictionary(outlines_id)
            .ok()
            .and_then(|d| d.get(b"Last").ok())
            .and_then(|l| l.as_reference().ok());
        let mut item = Dictionary::new();
        item.set("Title", Object::string_literal(utf16(title)));
        item.set("Parent", Object::Reference(outlines_id));
        item.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(first),
                Object::Name(b"Fit".to_vec()),
            ]),
        );
        if let Some(l) = last {
            item.set("Prev", Object::Reference(l));
        }
        let item_id = doc.add_object(item);
        if let Some(l) = last {
            doc.get_dictionary_mut(l)
                .map_err(err)?
                .set("Next", Object::Reference(item_id));
        }
        let o = doc.get_dictionary_mut(outlines_id).map_err(err)?;
        if last.is_none() {
            o.set("First", Object::Reference(item_id));
        }
        o.set("Last", Object::Reference(item_id));
        let n = o.get(b"Count").and_then(Object::as_i64).unwrap_or(0);
        o.set("Count", Object::Integer(n + 1));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| DocError::Pdf(e.to_string()))?;
    Ok(out)
}

/// A title as PDF text string bytes (UTF-16BE with a byte order mark).
fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xfe, 0xff];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// The bookmark of an appended file.
pub(crate) fn bookmark(title: &str, page: usize) -> Bookmark {
    Bookmark {
        title: format!("Attachment: {title}"),
        page,
    }
}
